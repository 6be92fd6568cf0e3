#!/usr/bin/env python3
"""Chaos test for `emoguard milter` behind a real Postfix (run by postfix.sh).

Sends N messages, each with a unique marker (about 1 in 5 Emotet-style, the rest clean), over several SMTP
connections, like a sending MTA: a 4xx reply or a broken connection means "wait a little and retry the same
message"; a 5xx means rejected; 250 means delivered. Meanwhile it kills the milter with SIGKILL at random
intervals (0.2-2 s) and starts it again. At the end, once Postfix's queue is empty, every marker must be delivered
exactly once to the Maildir (with X-Emoguard-Verdict: clean) or have been rejected, and the rejected ones must be
exactly the Emotet-style ones.

Exit status 0 when all of that holds. Prints the counts (sent, delivered, rejected, retries, milter restarts).
"""

import argparse
import json
import os
import random
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--smtp-port", type=int, required=True)
    p.add_argument("--postfix-config", required=True, help="Postfix config_directory (for postqueue)")
    p.add_argument("--maildir", required=True, help="the recipient's Maildir")
    p.add_argument("--examples", required=True, help="the repository's Examples folder")
    p.add_argument("--milter-log", required=True)
    p.add_argument("--milter-port", type=int, required=True, help="waited for before the first message")
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--seconds", type=float, default=20.0,
                   help="spread the first attempts over at least this long, so that the milter is killed often")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--deadline", type=float, default=180.0, help="seconds for sending everything")
    p.add_argument("milter", nargs=argparse.REMAINDER, help="-- then the milter command line")
    a = p.parse_args()
    if a.milter and a.milter[0] == "--":
        a.milter = a.milter[1:]
    if not a.milter:
        p.error("the milter command line is missing (after --)")
    return a


def log(msg):
    print(f"chaos: {msg}", flush=True)


class Milter:
    """Starts, kills and restarts the milter; counts restarts."""

    def __init__(self, argv, logpath):
        self.argv = argv
        self.logpath = logpath
        self.proc = None
        self.restarts = 0
        self.kills = 0
        self.died = []  # exit statuses of milters that were gone before the SIGKILL
        self.lock = threading.Lock()

    def start(self):
        with self.lock:
            logf = open(self.logpath, "ab")
            self.proc = subprocess.Popen(self.argv, stdout=logf, stderr=logf, stdin=subprocess.DEVNULL)
            logf.close()

    def kill(self):
        with self.lock:
            if self.proc and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
                self.kills += 1
            elif self.proc:
                self.died.append(self.proc.returncode)
            if self.proc:
                self.proc.wait()

    def stop(self):
        with self.lock:
            if self.proc and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()


def load(path):
    with open(path, "rb") as f:
        return f.read().replace(b"\r\n", b"\n")


def make_message(template, marker):
    # The marker goes into a header of its own and into the Message-ID; the rest of the template is unchanged,
    # so the Emotet-style copies stay malicious and the clean ones clean.
    lines = template.split(b"\n")
    out = [b"X-IT-Marker: " + marker.encode()]
    for line in lines:
        if line.lower().startswith(b"message-id:"):
            line = b"Message-ID: <" + marker.encode() + b"@emoguard-it.example.test>"
        out.append(line)
    return b"\r\n".join(out)


def main():
    a = parse_args()
    rng = random.Random(a.seed)
    malicious_t = load(os.path.join(a.examples, "emotet-style-reply.eml"))
    clean_t = load(os.path.join(a.examples, "ordinary-ppap.eml"))
    plain_t = (b"From: Alice <alice@sender.example.org>\nTo: user@example.test\nSubject: Lunch\n"
               b"Date: Tue, 07 Mar 2023 10:15:00 +0900\nMessage-ID: <x@y>\nMIME-Version: 1.0\n"
               b"Content-Type: text/plain; charset=us-ascii\n\nShall we meet at noon on Friday?\n\nAlice\n")

    messages = []  # (marker, malicious, bytes)
    for i in range(a.n):
        malicious = rng.random() < 0.2
        marker = f"chaos-{i:05d}-{'m' if malicious else 'c'}-{rng.randrange(1 << 30):08x}"
        template = malicious_t if malicious else (clean_t if i % 2 == 0 else plain_t)
        messages.append((marker, malicious, make_message(template, marker)))

    outcome = {}  # marker -> "delivered" | "rejected" | "gave-up"
    replies = {}  # marker -> last reply text
    counters = {"sent": 0, "retries": 0, "attempts": 0, "conn_errors": 0, "4xx": 0}
    lock = threading.Lock()
    queue = list(range(len(messages)))
    deadline = time.monotonic() + a.deadline

    milter = Milter(a.milter, a.milter_log)
    milter.start()
    up_deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", a.milter_port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > up_deadline:
                log(f"the milter does not listen on port {a.milter_port} after 30 s")
                milter.stop()
                return 1
            time.sleep(0.1)
    stop_chaos = threading.Event()

    def chaos():
        while not stop_chaos.wait(rng.uniform(0.2, 2.0)):
            milter.kill()
            # A short, random down time: new SMTP sessions meanwhile meet a refused milter connection.
            time.sleep(rng.uniform(0.0, 0.3))
            milter.start()
            milter.restarts += 1

    def worker(wid):
        wrng = random.Random(rng.random())
        smtp = None
        while True:
            with lock:
                if not queue:
                    break
                idx = queue.pop(0)
            marker, malicious, data = messages[idx]
            # Pace the first attempts: message idx goes out no earlier than idx/N of the way through --seconds.
            delay = t0 + idx * a.seconds / max(1, len(messages)) - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            with lock:
                counters["sent"] += 1
            first = True
            while True:
                if time.monotonic() > deadline:
                    with lock:
                        outcome[marker] = "gave-up"
                    break
                if not first:
                    with lock:
                        counters["retries"] += 1
                    time.sleep(wrng.uniform(0.1, 0.5))
                first = False
                with lock:
                    counters["attempts"] += 1
                try:
                    if smtp is None:
                        smtp = smtplib.SMTP("127.0.0.1", a.smtp_port, local_hostname="sender.example.org", timeout=60)
                        code, msg = smtp.ehlo()
                        if code != 250:
                            raise smtplib.SMTPResponseException(code, msg)
                    code, msg = smtp.mail("chaos@sender.example.org")
                    if code == 250:
                        code, msg = smtp.rcpt("user@example.test")
                    if code == 250:
                        try:
                            code, msg = smtp.data(data)
                        except smtplib.SMTPDataError as e:  # the reply to DATA itself was not 354
                            code, msg = e.smtp_code, e.smtp_error
                    text = f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                    with lock:
                        replies[marker] = text
                    if code == 250:
                        with lock:
                            outcome[marker] = "delivered"
                        # Now and then start a new session, as an MTA does when its connection cache expires:
                        # the milter is then met at every stage, not only at MAIL of a long-lived session.
                        if wrng.random() < 0.3:
                            smtp = close(smtp)
                        break
                    if 500 <= code < 600:
                        with lock:
                            outcome[marker] = "rejected"
                        # A rejected transaction leaves the session usable; reset it all the same.
                        try:
                            smtp.rset()
                        except Exception:
                            smtp = close(smtp)
                        break
                    # 4xx (or anything else): the session is suspect (Postfix turns a failed milter into
                    # tempfail for the rest of it), so start a new one and try the same message again.
                    with lock:
                        counters["4xx"] += 1
                    smtp = close(smtp)
                except (smtplib.SMTPException, OSError) as e:
                    with lock:
                        counters["conn_errors"] += 1
                        replies[marker] = f"error {type(e).__name__}: {e}"
                    smtp = close(smtp)
        close(smtp)

    def close(smtp):
        if smtp is not None:
            try:
                smtp.quit()
            except Exception:
                try:
                    smtp.close()
                except Exception:
                    pass
        return None

    t0 = time.monotonic()
    chaos_thread = threading.Thread(target=chaos, daemon=True)
    chaos_thread.start()
    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(a.threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop_chaos.set()
    chaos_thread.join()
    send_secs = time.monotonic() - t0
    milter.stop()

    # Wait until Postfix has delivered everything it accepted (incoming/active/deferred empty).
    drain_deadline = time.monotonic() + 120
    left = None
    while time.monotonic() < drain_deadline:
        out = subprocess.run(["postqueue", "-c", a.postfix_config, "-j"], capture_output=True, text=True).stdout
        left = [json.loads(l) for l in out.splitlines() if l.strip()]
        if not left:
            break
        time.sleep(0.5)
    problems = []
    if left:
        problems.append(f"{len(left)} message(s) still in Postfix's queue after 120 s: "
                        + ", ".join(f"{q.get('queue_id')} ({q.get('queue_name')})" for q in left[:10]))

    # Count the Maildir copies of every marker.
    copies = {}
    untagged = []
    for sub in ("new", "cur", "tmp"):
        d = os.path.join(a.maildir, sub)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                content = f.read()
            head = content.split(b"\n\n", 1)[0]
            marker = None
            for line in head.split(b"\n"):
                if line.startswith(b"X-IT-Marker: "):
                    marker = line[len(b"X-IT-Marker: "):].strip().decode()
                    break
            if marker is None or not marker.startswith("chaos-"):
                continue
            copies[marker] = copies.get(marker, 0) + 1
            if b"\nX-Emoguard-Verdict: clean" not in b"\n" + head:
                untagged.append(marker)

    delivered = rejected = 0
    for marker, malicious, _ in messages:
        got = outcome.get(marker, "not-sent")
        n = copies.get(marker, 0)
        if got == "delivered":
            delivered += 1
        elif got == "rejected":
            rejected += 1
        if malicious:
            if got == "rejected" and not replies.get(marker, "").startswith("550 5.7.1"):
                problems.append(f"{marker}: rejected, but not with 550 5.7.1: {replies.get(marker)}")
            if got != "rejected":
                problems.append(f"{marker}: Emotet-style but {got} (last reply: {replies.get(marker)})")
            if n:
                problems.append(f"{marker}: Emotet-style but {n} cop{'y' if n == 1 else 'ies'} in the Maildir")
        else:
            if got != "delivered":
                problems.append(f"{marker}: clean but {got} (last reply: {replies.get(marker)})")
            if n == 0 and got == "delivered":
                problems.append(f"{marker}: accepted (250) but missing from the Maildir")
            elif n > 1:
                problems.append(f"{marker}: delivered {n} times")
    for marker in sorted(set(untagged)):
        problems.append(f"{marker}: delivered without X-Emoguard-Verdict: clean")
    strays = sorted(set(copies) - {m for m, _, _ in messages})
    for marker in strays:
        problems.append(f"{marker}: in the Maildir but never sent")

    n_mal = sum(1 for _, m, _ in messages if m)
    log(f"sent {counters['sent']} ({n_mal} Emotet-style, {a.n - n_mal} clean) in {send_secs:.1f} s over "
        f"{a.threads} connections; delivered {delivered} (Maildir copies {sum(copies.values())}), "
        f"rejected {rejected}; retries {counters['retries']} (4xx {counters['4xx']}, connection errors "
        f"{counters['conn_errors']}); milter restarts {milter.restarts} (SIGKILLs {milter.kills})")
    if milter.died:
        problems.append(f"{len(milter.died)} milter process(es) exited before they were killed (statuses "
                        f"{sorted(set(milter.died))}; see {a.milter_log})")
    if milter.restarts == 0:
        problems.append("the milter was never killed (the test ran too quickly to be a chaos test)")
    if problems:
        for p in problems[:50]:
            log("problem: " + p)
        if len(problems) > 50:
            log(f"... and {len(problems) - 50} more")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
