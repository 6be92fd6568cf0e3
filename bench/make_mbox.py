#!/usr/bin/env python3
"""Builds a benchmark mbox of a given size from the shared corpora plus generated Japanese business mail.

    python3 bench/make_mbox.py --size-mb 200 --out bench/out/bench-200m.mbox

Mix (deterministic, seed 2023): the 48 messages of ../shared/corpus/python-email/, and generated mail in
ISO-2022-JP, UTF-8 and Shift_JIS: plain text, HTML + text alternatives, PDF-like and Office-like binary
attachments, ZIP attachments, password-protected ZIP attachments (ZipCrypto via Info-ZIP `zip -P`, with the
password in the body), replies with quoted threads, and forwarded messages (message/rfc822). No real malware;
URLs use example.invalid.
"""
import argparse
import io
import os
import random
import subprocess
import tempfile
import zipfile
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from email import message_from_bytes

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "shared", "corpus", "python-email")

NAMES = ["山田 太郎", "佐藤 花子", "経理部 鈴木", "営業部 田中", "総務課 高橋", "Alice Smith", "Bob Jones"]
SUBJECTS = ["請求書送付のご案内", "お見積りの件", "会議資料の送付", "【至急】ご確認のお願い", "Re: 納品書について",
            "Fw: 契約書ドラフト", "Quarterly report", "打ち合わせ日程のご相談", "Re: Re: 発注書の件"]
LINES = ["いつもお世話になっております。", "標記の件につきまして、資料を送付いたします。", "ご確認のほどよろしくお願いいたします。",
         "何卒よろしくお願い申し上げます。", "ご不明な点がございましたらお知らせください。", "Please find the attached document.",
         "詳細は添付ファイルをご参照ください。", "以上、よろしくお願いいたします。"]


def body(rng, n):
    return "\n".join(rng.choice(LINES) for _ in range(n)) + "\n"


def blob(rng, size):
    # Compressible-ish binary: repeated random blocks, like real documents.
    block = bytes(rng.getrandbits(8) for _ in range(256))
    out = bytearray()
    while len(out) < size:
        out += block if rng.random() < 0.6 else bytes(rng.getrandbits(8) for _ in range(256))
    return bytes(out[:size])


def plain_zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            z.writestr(name, data)
    return buf.getvalue()


def password_zip(files, password):
    with tempfile.TemporaryDirectory() as d:
        names = []
        for i, (name, data) in enumerate(files):
            fn = "doc%d_%s" % (i, name.encode("ascii", "ignore").decode() or "file.bin")
            with open(os.path.join(d, fn), "wb") as f:
                f.write(data)
            names.append(fn)
        out = os.path.join(d, "o.zip")
        subprocess.run(["zip", "-q", "-X", "-P", password, out] + names, cwd=d, check=True)
        with open(out, "rb") as f:
            return f.read()


def generate(rng, pool):
    charset = rng.choice(["iso-2022-jp", "iso-2022-jp", "utf-8", "shift_jis"])
    msg = MIMEMultipart("mixed")
    name = rng.choice(NAMES)
    msg["From"] = formataddr((str(Header(name, charset)), "user%d@partner.example.invalid" % rng.randint(1, 999)))
    msg["To"] = "staff@company.example.invalid"
    msg["Subject"] = Header(rng.choice(SUBJECTS), charset)
    msg["Date"] = "Tue, 07 Mar 2023 10:%02d:00 +0900" % rng.randint(0, 59)
    msg["Message-ID"] = "<bench.%d@example.invalid>" % rng.getrandbits(48)
    kind = rng.random()
    text = body(rng, rng.randint(3, 30))
    if kind < 0.25:
        msg.attach(MIMEText(text, "plain", charset))
    elif kind < 0.40:
        alt = MIMEMultipart("alternative")
        alt.attach(MIMEText(text, "plain", charset))
        alt.attach(MIMEText("<html><body><p>" + text.replace("\n", "<br>") +
                            "</p><a href='https://www.example.invalid/'>link</a></body></html>", "html", "utf-8"))
        msg.attach(alt)
    elif kind < 0.65:
        msg.attach(MIMEText(text, "plain", charset))
        data = blob(rng, rng.randint(20_000, 400_000))
        part = MIMEApplication(data, "pdf")
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "資料%d.pdf" % rng.randint(1, 99)))
        msg.attach(part)
    elif kind < 0.80:
        msg.attach(MIMEText(text, "plain", charset))
        z = plain_zip([("報告書.xlsx", blob(rng, rng.randint(10_000, 200_000))), ("memo.txt", text.encode())])
        part = MIMEApplication(z, "zip")
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "資料.zip"))
        msg.attach(part)
    elif kind < 0.92:
        z, pw = rng.choice(pool)
        msg.attach(MIMEText(text + "\nパスワード：" + pw + "\n", "plain", charset))
        part = MIMEApplication(z, "zip")
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "請求書.zip"))
        msg.attach(part)
    else:
        msg.attach(MIMEText("転送します。\n", "plain", charset))
        inner = MIMEMultipart()
        inner["Subject"] = "original"
        inner["From"] = "someone@example.invalid"
        inner.attach(MIMEText(text, "plain", "utf-8"))
        msg.attach(MIMEMessage(inner))
    return msg.as_bytes()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=200)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(2023)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    corpus = []
    for fn in sorted(os.listdir(CORPUS)):
        if fn.startswith("msg_"):
            with open(os.path.join(CORPUS, fn), "rb") as f:
                corpus.append(f.read())
    pool = []
    for i in range(8):
        pw = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789") for _ in range(8))
        pool.append((password_zip([("請求書.xlsx", blob(rng, rng.randint(20_000, 150_000)))], pw), pw))
    target = args.size_mb << 20
    written = 0
    count = 0
    with open(args.out, "wb") as out:
        while written < target:
            if count % 25 == 0:
                data = corpus[(count // 25) % len(corpus)]
            else:
                data = generate(rng, pool)
            data = data.replace(b"\r\n", b"\n")
            # mboxrd: quote From_ lines in the body.
            lines = data.split(b"\n")
            quoted = b"\n".join((b">" + l) if l.lstrip(b">").startswith(b"From ") else l for l in lines)
            chunk = b"From bench@example.invalid Tue Mar  7 10:15:00 2023\n" + quoted.rstrip(b"\n") + b"\n\n"
            out.write(chunk)
            written += len(chunk)
            count += 1
    print("wrote %s: %d messages, %.1f MB" % (args.out, count, written / 1048576))


if __name__ == "__main__":
    main()
