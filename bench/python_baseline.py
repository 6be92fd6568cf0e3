#!/usr/bin/env python3
"""The Python baseline of the mbox benchmark: what a defender would write with the standard library.

Streams the mbox, parses each message with BytesParser(policy=email.policy.default), walks every part, decodes
every non-multipart payload (get_payload(decode=True)) and hashes it with SHA-256. Prints counts.
"""
import hashlib
import sys
from email import policy
from email.parser import BytesParser


def messages(path):
    buf = []
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"From ") and buf:
                yield b"".join(buf)
                buf = []
                continue
            if line.startswith(b"From ") and not buf:
                continue
            if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
                line = line[1:]
            buf.append(line)
    if buf:
        yield b"".join(buf)


def main(path):
    parser = BytesParser(policy=policy.default)
    n = parts = decoded = 0
    for raw in messages(path):
        msg = parser.parsebytes(raw)
        n += 1
        for part in msg.walk():
            parts += 1
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True)
            if payload is None:
                continue
            hashlib.sha256(payload).hexdigest()
            decoded += len(payload)
            part.get_filename()
    print("messages=%d parts=%d decoded_bytes=%d" % (n, parts, decoded))


if __name__ == "__main__":
    main(sys.argv[1])
