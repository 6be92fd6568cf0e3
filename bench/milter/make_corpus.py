#!/usr/bin/env python3
"""Builds the mail corpus of bench/milter.sh: the labelled corpus of issue 6, the bundled examples, and plain
business mail, so the mix looks more like a real mail stream than the 50/50 labelled set alone.

    python3 bench/milter/make_corpus.py --out bench/out/milter-corpus [--plain 140] [--seed 1]

Copied: Tests/InspectionTests/Resources/corpus/*.eml (30 Emotet-style messages with Office documents, password
ZIPs, shortcuts, OneNote, ISO...; 30 ordinary ones with PPAP ZIPs, PDFs, Office files) and Examples/*.eml.
Generated (standard library only, deterministic): text/plain and multipart/alternative (text + HTML) messages of
1-40 KB in English and Japanese. Every address is under example.invalid, every IP a documentation address; nothing
here is malware.
"""
import argparse
import glob
import os
import random
import shutil
from email.message import EmailMessage
from email.utils import format_datetime
import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WORDS_EN = ("invoice order shipment meeting schedule quarterly report budget review contract delivery payment "
            "project update customer support request proposal agenda minutes draft approval team office").split()
WORDS_JA = ["お世話になっております", "請求書", "会議", "資料", "ご確認", "よろしくお願いいたします", "納品",
            "見積書", "打ち合わせ", "来週", "担当", "ご連絡", "社内", "予定", "変更"]
PEOPLE = ["tanaka", "suzuki", "sato", "alice", "bob", "carol", "dave", "yamada", "kato", "ito"]
DOMAINS = ["example.invalid", "corp.example.invalid", "partner.example.invalid", "shop.example.invalid"]


def sentence(rng, japanese):
    if japanese:
        return "".join(rng.choice(WORDS_JA) for _ in range(rng.randint(3, 8))) + "。"
    words = [rng.choice(WORDS_EN) for _ in range(rng.randint(6, 16))]
    return " ".join(words).capitalize() + "."


def plain_message(rng, index):
    japanese = rng.random() < 0.4
    size = rng.choice([1, 2, 4, 8, 16, 40]) * 1000
    paragraphs, length = [], 0
    while length < size:
        paragraph = " ".join(sentence(rng, japanese) for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        length += len(paragraph.encode())
    text = "\n\n".join(paragraphs) + "\n"
    msg = EmailMessage()
    sender = f"{rng.choice(PEOPLE)}@{rng.choice(DOMAINS)}"
    msg["From"] = f"{sender.split('@')[0].title()} <{sender}>"
    msg["To"] = ", ".join(f"<{rng.choice(PEOPLE)}@example.invalid>" for _ in range(rng.randint(1, 3)))
    msg["Subject"] = ("【ご連絡】" if japanese else "Re: ") + sentence(rng, japanese)[:40]
    when = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.timezone.utc) + datetime.timedelta(minutes=index)
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<bench{index:05d}@example.invalid>"
    msg["Received"] = (f"from mx{index % 7}.example.invalid (mx{index % 7}.example.invalid [192.0.2.{index % 250 + 1}])"
                       f" by mx.example.invalid with ESMTPS id BENCH{index:05d} for <bob@example.invalid>; "
                       f"{format_datetime(when)}")
    msg.set_content(text)
    if rng.random() < 0.5:
        html = "<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + \
               '<p><a href="https://www.example.invalid/news">example</a></p></body></html>'
        msg.add_alternative(html, subtype="html")
        msg.set_boundary(f"bench-boundary-{index:05d}")
    return msg.as_bytes()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--plain", type=int, default=140)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    copied = sorted(glob.glob(os.path.join(ROOT, "Tests", "InspectionTests", "Resources", "corpus", "*.eml")))
    copied += sorted(glob.glob(os.path.join(ROOT, "Examples", "*.eml")))
    for path in copied:
        shutil.copy(path, os.path.join(args.out, os.path.basename(path)))
    rng = random.Random(args.seed)
    for index in range(args.plain):
        with open(os.path.join(args.out, f"p{index:03d}-plain.eml"), "wb") as f:
            f.write(plain_message(rng, index))
    files = glob.glob(os.path.join(args.out, "*.eml"))
    total = sum(os.path.getsize(f) for f in files)
    emotet = len([f for f in files if os.path.basename(f).startswith("e") or "emotet" in os.path.basename(f)])
    print(f"corpus: {len(files)} messages, {total // 1024} KB ({len(copied)} copied, {emotet} Emotet-style; "
          f"{args.plain} plain generated)")


if __name__ == "__main__":
    main()
