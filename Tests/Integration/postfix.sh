#!/usr/bin/env bash
# `emoguard milter` behind a real, throw-away Postfix on loopback (see /work/shared/recipes/postfix-milter.md).
#
# Checks, each printed as PASS or FAIL:
#   clean        a clean mail is delivered to the Maildir with X-Emoguard-Verdict: clean and X-Emoguard-Score
#   reject       the Emotet-style mail is refused with 550 5.7.1 (on_malicious: reject) and not delivered
#   quarantine   with on_malicious: quarantine it is accepted into Postfix's hold queue, tagged, not delivered
#   milter-down  with the milter stopped the client gets 451 4.7.1 and nothing is delivered
#   milter-back  after a restart the same mail is delivered
#   large        a 3 MB clean mail (spooled by the milter) is delivered intact and tagged; the spool is empty after
#   observe      --verdict-log has a JSON line per message, --metrics serves samples
#   drain        SIGTERM while a message is being scanned: it is answered and delivered, then the milter exits 0
#   reload       SIGHUP picks up a changed configuration (on_malicious: tempfail -> 451 4.7.1)
#   chaos        CHAOS_N messages (default 200) while the milter is SIGKILLed and restarted (chaos.py)
#
#   EMOGUARD=/path/to/emoguard bash Tests/Integration/postfix.sh     # default: .build/debug/emoguard
#   CHAOS_N=0 skips the chaos test; CHAOS_SECS (default 20) is the least time the chaos test spreads its messages
#   over, so that the milter gets killed often (every 0.2-2 s); CHAOS_THREADS (default 4) SMTP connections; KEEP=1 keeps the temporary folder (maillog, milter log, Maildir).
# Needs root, postfix, swaks, python3. Exit status 0 when every check passed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EMOGUARD=${EMOGUARD:-$ROOT/.build/debug/emoguard}
CHAOS_N=${CHAOS_N:-200}
CHAOS_SECS=${CHAOS_SECS:-20}
CHAOS_THREADS=${CHAOS_THREADS:-4}
EXAMPLES=$ROOT/Examples

die() { echo "postfix.sh: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "must run as root (Postfix)"
[ -x "$EMOGUARD" ] || die "no emoguard binary at $EMOGUARD"
for tool in postfix postconf postqueue postcat postsuper swaks python3 script; do
  command -v "$tool" >/dev/null || die "$tool is missing (run.sh installs it)"
done

DIR=$(mktemp -d /tmp/emoguard-postfix.XXXXXX)
chmod 755 "$DIR"
PF=$DIR/etc
MAILDIR=$DIR/vmail/user
MILTER_LOG=$DIR/milter.log
MILTER_PID=
POSTFIX_UP=

cleanup() {
  if [ -n "$MILTER_PID" ]; then kill -KILL "$MILTER_PID" 2>/dev/null; wait "$MILTER_PID" 2>/dev/null; fi
  if [ -n "$POSTFIX_UP" ]; then postfix -c "$PF" stop >/dev/null 2>&1; fi
  # postfix stop returns before every daemon is gone; wait for the master to leave.
  for ((i = 0; i < 50; i++)); do
    [ -f "$DIR/spool/pid/master.pid" ] && kill -0 "$(tr -d ' ' <"$DIR/spool/pid/master.pid")" 2>/dev/null || break
    sleep 0.1
  done
  if [ -n "${KEEP:-}" ]; then echo "postfix.sh: kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
SMTP_PORT=$(free_port)
MILTER_PORT=$(free_port)
while [ "$MILTER_PORT" = "$SMTP_PORT" ]; do MILTER_PORT=$(free_port); done
METRICS_PORT=$(free_port)
while [ "$METRICS_PORT" = "$SMTP_PORT" ] || [ "$METRICS_PORT" = "$MILTER_PORT" ]; do METRICS_PORT=$(free_port); done
MILTER_SOCKET="inet:$MILTER_PORT@127.0.0.1"     # the milter's --listen syntax
POSTFIX_MILTER="inet:127.0.0.1:$MILTER_PORT"    # Postfix's

passed=0
failed=0
failures=()
pass() { echo "PASS $1: $2"; passed=$((passed + 1)); }
fail() {
  echo "FAIL $1: $2"
  failed=$((failed + 1))
  failures+=("$1")
  echo "  --- Postfix maillog (last 15 lines)"; tail -n 15 "$DIR/maillog" 2>/dev/null | sed 's/^/  /'
  echo "  --- milter log (last 15 lines)"; tail -n 15 "$MILTER_LOG" 2>/dev/null | sed 's/^/  /'
}

# ---------------------------------------------------------------------------------------------------------- milter

# write_config NAME KEY: VALUE...: a configuration with these milter: settings; prints its path.
write_config() {
  local name=$1 f=$DIR/$1.yaml
  shift
  { echo "milter:"; for kv in "$@"; do echo "  $kv"; done; } >"$f"
  echo "$f"
}

# start_milter CONFIG: starts the milter on MILTER_SOCKET and waits (30 s at most) until it listens.
start_milter() {
  local config=$1 i
  MILTER_CONFIG=$config
  echo "=== $(date +%T) start with $(basename "$config")" >>"$MILTER_LOG"
  local before
  before=$(grep -c "listening on" "$MILTER_LOG")
  "$EMOGUARD" milter --listen "$MILTER_SOCKET" --config "$config" --spool-dir "$DIR/spool-milter" \
    --verdict-log "$DIR/verdicts.jsonl" --metrics "inet:$METRICS_PORT@127.0.0.1" \
    --log-level info >>"$MILTER_LOG" 2>&1 &
  MILTER_PID=$!
  for ((i = 0; i < 300; i++)); do
    if [ "$(grep -c "listening on" "$MILTER_LOG")" -gt "$before" ] \
      && (exec 3<>"/dev/tcp/127.0.0.1/$MILTER_PORT") 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$MILTER_PID" 2>/dev/null; then
      wait "$MILTER_PID"
      echo "postfix.sh: the milter exited with status $? before listening" >&2
      MILTER_PID=
      return 1
    fi
    sleep 0.1
  done
  echo "postfix.sh: the milter does not listen on $MILTER_SOCKET after 30 s" >&2
  return 1
}

# stop_milter: SIGTERM (graceful), SIGKILL after 10 s.
stop_milter() {
  local i
  [ -n "$MILTER_PID" ] || return 0
  kill -TERM "$MILTER_PID" 2>/dev/null
  for ((i = 0; i < 100; i++)); do
    kill -0 "$MILTER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$MILTER_PID" 2>/dev/null
  wait "$MILTER_PID" 2>/dev/null
  MILTER_PID=
}

# --------------------------------------------------------------------------------------------------------- postfix

setup_postfix() {
  local uid gid
  uid=$(id -u postfix)
  gid=$(id -g postfix)
  mkdir -p "$PF" "$DIR/spool" "$DIR/data" "$MAILDIR" "$DIR/spool-milter" "$DIR/msgs"
  cp /etc/postfix/postfix-files /etc/postfix/dynamicmaps.cf "$PF/"
  for d in postfix-files.d dynamicmaps.cf.d; do
    if [ -d "/etc/postfix/$d" ]; then cp -r "/etc/postfix/$d" "$PF/"; else mkdir -p "$PF/$d"; fi
  done
  chown postfix "$DIR/data"
  chown -R postfix:postfix "$DIR/vmail"
  cat >"$PF/main.cf" <<EOF
compatibility_level = 3.6
myhostname = mx.emoguard-it.example.test
mydomain = emoguard-it.example.test
config_directory = $PF
meta_directory = $PF
queue_directory = $DIR/spool
data_directory = $DIR/data
maillog_file = $DIR/maillog
maillog_file_prefixes = $DIR
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks reject_unauth_destination
default_transport = error:test instance delivers nowhere
relay_transport = error:test instance delivers nowhere
alias_maps =
alias_database =
biff = no
smtputf8_enable = no
virtual_mailbox_domains = example.test
virtual_mailbox_base = $DIR/vmail
virtual_mailbox_maps = inline:{ {user@example.test = user/} }
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
smtpd_milters = $POSTFIX_MILTER
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
# A killed milter is noticed at once (connection refused or reset); these only bound a hung one.
milter_connect_timeout = 10s
milter_command_timeout = 20s
milter_content_timeout = 60s
# Deliver at once, and retry deferred mail quickly should there be any.
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
EOF
  cat >"$PF/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
  # Errors of the postfix command go to the terminal only (no syslog here): give it one with script(1).
  if ! script -qc "postfix -c '$PF' check" /dev/null >"$DIR/check.out" 2>&1; then
    sed 's/^/  /' "$DIR/check.out"
    return 1
  fi
  if ! script -qc "postfix -c '$PF' start" /dev/null >"$DIR/start.out" 2>&1; then
    sed 's/^/  /' "$DIR/start.out"
    return 1
  fi
  POSTFIX_UP=1
  local i
  for ((i = 0; i < 100; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "postfix.sh: Postfix does not listen on 127.0.0.1:$SMTP_PORT" >&2
  return 1
}

# message TEMPLATE MARKER: a copy of TEMPLATE with an X-IT-Marker header and a unique Message-ID; prints its path.
message() {
  local template=$1 marker=$2 f=$DIR/msgs/$2.eml
  {
    echo "X-IT-Marker: $marker"
    sed "s/^Message-ID: .*/Message-ID: <$marker@emoguard-it.example.test>/" "$template"
  } >"$f"
  echo "$f"
}

# send FILE: swaks, the whole session's transcript on stdout.
send() {
  swaks --server 127.0.0.1 --port "$SMTP_PORT" --helo sender.example.org --from sender@partner.example.invalid \
    --to user@example.test --data "@$1" --timeout 20 2>&1
}

# copies MARKER: how many delivered Maildir files carry the marker.
copies() {
  grep -lF -- "X-IT-Marker: $1" "$MAILDIR"/new/* "$MAILDIR"/cur/* 2>/dev/null | wc -l
}

# delivered_file MARKER: the first Maildir file with the marker.
delivered_file() {
  grep -lF -- "X-IT-Marker: $1" "$MAILDIR"/new/* "$MAILDIR"/cur/* 2>/dev/null | head -n 1
}

# wait_delivered MARKER [SECONDS]: until a copy is in the Maildir; 1 on time-out.
wait_delivered() {
  local i
  for ((i = 0; i < ${2:-15} * 10; i++)); do
    [ "$(copies "$1")" -gt 0 ] && return 0
    sleep 0.1
  done
  return 1
}

# queue_ids QUEUE_NAME: the IDs of the messages in one of Postfix's queues (hold, active, deferred, ...).
queue_ids() {
  postqueue -c "$PF" -j 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        q = json.loads(line)
        if q.get("queue_name") == sys.argv[1]:
            print(q["queue_id"])' "$1"
}

# wait_queue_empty [SECONDS]: until nothing but held mail is left in Postfix's queues.
wait_queue_empty() {
  local i
  for ((i = 0; i < ${1:-30} * 10; i++)); do
    [ -z "$(postqueue -c "$PF" -j 2>/dev/null | grep -v '"queue_name": *"hold"')" ] && return 0
    sleep 0.1
  done
  return 1
}

# ----------------------------------------------------------------------------------------------------------- tests

T0=$(date +%s)
echo "postfix.sh: Postfix $(postconf -h mail_version) on 127.0.0.1:$SMTP_PORT, milter $MILTER_SOCKET, work dir $DIR"
setup_postfix || { echo "FAIL postfix: the throw-away Postfix did not start"; exit 1; }

REJECT_REPLY="550 5.7.1 Message rejected as Emotet-style malspam"
cfg_reject=$(write_config reject "on_clean: tag" "on_suspicious: tag" "on_malicious: reject" "on_error: tempfail" \
  "reject_reply: \"$REJECT_REPLY\"")
cfg_quarantine=$(write_config quarantine "on_clean: tag" "on_suspicious: tag" "on_malicious: quarantine" \
  "on_error: tempfail")

if ! start_milter "$cfg_reject"; then
  echo "FAIL milter: emoguard milter did not start"
  tail -n 20 "$MILTER_LOG" | sed 's/^/  /'
  exit 1
fi

# (a) clean mail: delivered and tagged.
marker=clean-$$-$RANDOM
out=$(send "$(message "$EXAMPLES/ordinary-ppap.eml" "$marker")")
if ! grep -q "^<- *250 .*queued as" <<<"$out"; then
  fail clean "not accepted: $(grep '^<-' <<<"$out" | tail -n 1)"
elif ! wait_delivered "$marker"; then
  fail clean "accepted but not in the Maildir after 15 s"
else
  f=$(delivered_file "$marker")
  verdict=$(sed -n 's/^X-Emoguard-Verdict: *//p' "$f" | head -n 1)
  score=$(sed -n 's/^X-Emoguard-Score: *//p' "$f" | head -n 1)
  if [ "$verdict" = clean ] && [[ "$score" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
    pass clean "delivered with X-Emoguard-Verdict: $verdict, X-Emoguard-Score: $score"
  else
    fail clean "delivered, but X-Emoguard-Verdict is '$verdict' and X-Emoguard-Score '$score'"
    sed -n '1,/^$/p' "$f" | sed 's/^/  | /'
  fi
fi

# (b) Emotet-style mail, on_malicious: reject.
marker=reject-$$-$RANDOM
out=$(send "$(message "$EXAMPLES/emotet-style-reply.eml" "$marker")")
if grep -qE "^<(\*\*|-) *550 5\.7\.1" <<<"$out"; then
  sleep 1
  if [ "$(copies "$marker")" -eq 0 ] && grep -q "milter-reject: END-OF-MESSAGE.*5.7.1" "$DIR/maillog"; then
    pass reject "refused: $(grep -E '^<(\*\*|-) *550' <<<"$out" | head -n 1 | sed 's/^<[-*]* *//')"
  else
    fail reject "550 given, but copies in the Maildir: $(copies "$marker"), maillog milter-reject line: $(grep -c 'milter-reject: END-OF-MESSAGE' "$DIR/maillog")"
  fi
else
  fail reject "expected 550 5.7.1, got: $(grep -E '^<(\*\*|-)' <<<"$out" | tail -n 2 | tr '\n' ' ')"
fi

# (a') a large clean mail (3 MB, over memory_body_bytes: spooled): delivered intact and tagged; no spool file left.
marker=large-$$-$RANDOM
big=$DIR/msgs/$marker.eml
python3 - "$big" "$marker" <<'PY'
import sys
path, marker = sys.argv[1], sys.argv[2]
with open(path, "w") as f:
    f.write(f"X-IT-Marker: {marker}\nFrom: Alice <alice@sender.example.org>\nTo: user@example.test\n"
            f"Subject: Minutes of the meeting\nDate: Tue, 07 Mar 2023 10:15:00 +0900\n"
            f"Message-ID: <{marker}@emoguard-it.example.test>\nMIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=us-ascii\n\n")
    for i in range(40000):
        f.write(f"{i:06d} The committee discussed the budget for the next quarter and agreed.\n")
PY
out=$(send "$big")
if ! grep -q "^<- *250 .*queued as" <<<"$out"; then
  fail large "not accepted: $(grep -E '^<(\*\*|-)' <<<"$out" | tail -n 2 | tr '\n' ' ')"
elif ! wait_delivered "$marker" 30; then
  fail large "accepted but not in the Maildir after 30 s"
else
  f=$(delivered_file "$marker")
  lines=$(grep -c "The committee discussed" "$f")
  verdict=$(sed -n 's/^X-Emoguard-Verdict: *//p' "$f" | head -n 1)
  leftovers=$(find "$DIR/spool-milter" -type f | wc -l)
  if [ "$verdict" = clean ] && [ "$lines" -eq 40000 ] && [ "$leftovers" -eq 0 ]; then
    pass large "$(($(stat -c %s "$big") / 1024)) KiB delivered intact, tagged clean, spool folder empty afterwards"
  else
    fail large "verdict '$verdict', $lines of 40000 body lines delivered, $leftovers file(s) left in --spool-dir"
  fi
fi

# (a'') the verdict log has one JSON object per message so far, and the metrics endpoint answers.
if python3 - "$DIR/verdicts.jsonl" "http://127.0.0.1:$METRICS_PORT/metrics" >"$DIR/observe.out" 2>&1 <<'PY'
import json, sys, urllib.request
path, url = sys.argv[1], sys.argv[2]
lines = [l for l in open(path, encoding="utf-8") if l.strip()]
objs = [json.loads(l) for l in lines]
text = "\n".join(lines)
assert len(objs) >= 3, f"{len(objs)} verdict log line(s), expected 3 (clean, reject, large)"
assert "clean" in text and "malicious" in text, "no clean and malicious verdicts in the verdict log"
body = urllib.request.urlopen(url, timeout=10).read().decode()
metrics = [l for l in body.splitlines() if l and not l.startswith("#")]
assert metrics, "the metrics endpoint returned no samples"
print(f"{len(objs)} verdict log lines, {len(metrics)} metric samples")
PY
then
  pass observe "$(tail -n 1 "$DIR/observe.out")"
else
  fail observe "$(tail -n 1 "$DIR/observe.out")"
fi

# (a3) SIGTERM while a message is being scanned: it still gets its answer (delivered, tagged), then the milter exits.
marker=drain-$$-$RANDOM
sed "s/^X-IT-Marker: .*/X-IT-Marker: $marker/; s/^Message-ID: .*/Message-ID: <$marker@emoguard-it.example.test>/" \
  "$big" >"$DIR/msgs/$marker.eml"
send "$DIR/msgs/$marker.eml" >"$DIR/drain.out" &
swaks_pid=$!
# The 3 MB upload takes well under a second; the scan of it (debug build) a few seconds.
for ((i = 0; i < 50; i++)); do
  grep -q "^ -> \.$" "$DIR/drain.out" 2>/dev/null && break
  sleep 0.1
done
sleep 0.3
kill -TERM "$MILTER_PID"
wait "$swaks_pid"
exited=
for ((i = 0; i < 300; i++)); do
  if ! kill -0 "$MILTER_PID" 2>/dev/null; then exited=1; break; fi
  sleep 0.1
done
if [ -n "$exited" ]; then wait "$MILTER_PID"; status=$?; else status=running; kill -KILL "$MILTER_PID"; fi
MILTER_PID=
out=$(cat "$DIR/drain.out")
ms=$(grep "size=30" "$MILTER_LOG" | grep -o "ms=[0-9]*" | tail -n 1)
if ! grep -q "^<- *250 .*queued as" <<<"$out"; then
  fail drain "the message in flight at SIGTERM got: $(grep -E '^<(\*\*|-)' <<<"$out" | tail -n 2 | tr '\n' ' ')"
elif ! wait_delivered "$marker" 30 || ! grep -q "^X-Emoguard-Verdict: clean" "$(delivered_file "$marker")"; then
  fail drain "accepted at SIGTERM, but not delivered tagged clean"
elif [ "$status" != 0 ]; then
  fail drain "the message got its answer, but the milter's exit after SIGTERM: $status"
else
  pass drain "the message being scanned at SIGTERM (${ms:-ms=?}) was answered and delivered tagged; the milter then exited 0"
fi

# (b') on_malicious: quarantine: accepted, on hold in Postfix, not delivered.
stop_milter
if ! start_milter "$cfg_quarantine"; then
  fail quarantine "the milter did not start with the quarantine configuration"
else
  marker=quarantine-$$-$RANDOM
  out=$(send "$(message "$EXAMPLES/emotet-style-reply.eml" "$marker")")
  if ! grep -q "^<- *250 .*queued as" <<<"$out"; then
    fail quarantine "not accepted: $(grep -E '^<(\*\*|-)' <<<"$out" | tail -n 2 | tr '\n' ' ')"
  else
    qid=$(grep -o "queued as [0-9A-Za-z]*" <<<"$out" | tail -n 1 | awk '{print $3}')
    held=
    for ((i = 0; i < 50; i++)); do
      if queue_ids hold | grep -qx "$qid"; then held=1; break; fi
      sleep 0.1
    done
    sleep 0.5
    if [ -z "$held" ]; then
      fail quarantine "accepted as $qid, but not in the hold queue ($(postqueue -c "$PF" -j | tr '\n' ' '))"
    elif [ "$(copies "$marker")" -ne 0 ]; then
      fail quarantine "held, but also delivered to the Maildir"
    else
      content=$(postcat -c "$PF" -hq "$qid" 2>&1)
      if grep -q "^X-IT-Marker: $marker" <<<"$content" && grep -q "^X-Emoguard-Verdict: malicious" <<<"$content"; then
        pass quarantine "accepted, held as $qid ($(grep -o 'milter triggers HOLD action[^;]*' "$DIR/maillog" | tail -n 1)), tagged X-Emoguard-Verdict: malicious, not delivered"
      else
        fail quarantine "held as $qid, but its headers lack the marker or X-Emoguard-Verdict: malicious"
        sed 's/^/  | /' <<<"$content" | head -n 30
      fi
    fi
    postsuper -c "$PF" -d ALL hold >/dev/null 2>&1
  fi
fi

# (c) milter stopped: 451 4.7.1, nothing delivered; started again: the same mail is delivered.
stop_milter
marker=down-$$-$RANDOM
msg=$(message "$EXAMPLES/ordinary-ppap.eml" "$marker")
out=$(send "$msg")
if grep -qE "^<(\*\*|-) *451 4\.7\.1" <<<"$out"; then
  sleep 1
  if [ "$(copies "$marker")" -eq 0 ] && wait_queue_empty 5 && [ -z "$(queue_ids hold)" ]; then
    pass milter-down "refused for now: $(grep -E '^<(\*\*|-) *451' <<<"$out" | head -n 1 | sed 's/^<[-*]* *//'); nothing delivered or queued"
  else
    fail milter-down "451 given, but the mail was delivered or queued anyway"
  fi
else
  fail milter-down "expected 451 4.7.1, got: $(grep -E '^<(\*\*|-)' <<<"$out" | tail -n 2 | tr '\n' ' ')"
fi
cfg_live=$(write_config live "on_clean: tag" "on_suspicious: tag" "on_malicious: reject" "on_error: tempfail" \
  "reject_reply: \"$REJECT_REPLY\"")
if ! start_milter "$cfg_live"; then
  fail milter-back "the milter did not start again"
else
  out=$(send "$msg")
  if grep -q "^<- *250 .*queued as" <<<"$out" && wait_delivered "$marker"; then
    f=$(delivered_file "$marker")
    if [ "$(copies "$marker")" -eq 1 ] && grep -q "^X-Emoguard-Verdict: clean" "$f"; then
      pass milter-back "after the restart the same mail was delivered once, tagged clean"
    else
      fail milter-back "delivered $(copies "$marker") time(s); verdict header: $(grep '^X-Emoguard-Verdict' "$f")"
    fi
  else
    fail milter-back "not delivered after the restart: $(grep -E '^<(\*\*|-)' <<<"$out" | tail -n 2 | tr '\n' ' ')"
  fi
fi

# (c') SIGHUP reloads the configuration: on_malicious switched from reject to tempfail.
if [ -n "$MILTER_PID" ]; then
  write_config live "on_clean: tag" "on_suspicious: tag" "on_malicious: tempfail" "on_error: tempfail" \
    "tempfail_reply: \"451 4.7.1 Message could not be scanned, try again later\"" >/dev/null
  reloads=$(grep -ci "reload" "$MILTER_LOG")
  kill -HUP "$MILTER_PID"
  # Wait for the milter to log the reload (10 s at most), then a moment for it to take effect.
  for ((i = 0; i < 100; i++)); do
    [ "$(grep -ci "reload" "$MILTER_LOG")" -gt "$reloads" ] && break
    sleep 0.1
  done
  sleep 0.2
  marker=reload-$$-$RANDOM
  out=$(send "$(message "$EXAMPLES/emotet-style-reply.eml" "$marker")")
  if grep -qE "^<(\*\*|-) *451 4\.7\.1" <<<"$out" && kill -0 "$MILTER_PID" 2>/dev/null; then
    sleep 0.5
    if [ "$(copies "$marker")" -eq 0 ]; then
      pass reload "after SIGHUP the Emotet-style mail got $(grep -E '^<(\*\*|-) *451' <<<"$out" | head -n 1 | sed 's/^<[-*]* *//')"
    else
      fail reload "451 given, but the mail was delivered"
    fi
  else
    fail reload "after SIGHUP (on_malicious: tempfail) expected 451 4.7.1, got: $(grep -E '^<(\*\*|-)' <<<"$out" | tail -n 2 | tr '\n' ' ')"
  fi
fi

# (d) chaos: many messages while the milter is SIGKILLed and restarted at random.
if [ "$CHAOS_N" -gt 0 ]; then
  stop_milter
  wait_queue_empty 30
  echo "postfix.sh: chaos test with $CHAOS_N messages (this takes a while)"
  c0=$(date +%s)
  cfg_chaos=$(write_config chaos "on_clean: tag" "on_suspicious: tag" "on_malicious: reject" "on_error: tempfail" \
    "reject_reply: \"$REJECT_REPLY\"")
  echo "=== $(date +%T) chaos test" >>"$MILTER_LOG"
  if python3 "$HERE/chaos.py" --smtp-port "$SMTP_PORT" --postfix-config "$PF" --maildir "$MAILDIR" \
    --examples "$EXAMPLES" --milter-log "$MILTER_LOG" --milter-port "$MILTER_PORT" --n "$CHAOS_N" --seconds "$CHAOS_SECS" --threads "$CHAOS_THREADS" \
    -- "$EMOGUARD" milter --listen "$MILTER_SOCKET" --config "$cfg_chaos" --spool-dir "$DIR/spool-milter" \
    --log-level info >"$DIR/chaos.out" 2>&1; then
    pass chaos "$(grep '^chaos: sent' "$DIR/chaos.out" | sed 's/^chaos: //') [$(($(date +%s) - c0)) s]"
  else
    fail chaos "$(grep '^chaos: sent' "$DIR/chaos.out" | sed 's/^chaos: //')"
    sed 's/^/  /' "$DIR/chaos.out" | tail -n 40
  fi
fi

stop_milter
echo "postfix: $passed passed, $failed failed${failures[*]:+ (${failures[*]})} in $(($(date +%s) - T0)) s"
((failed == 0))
