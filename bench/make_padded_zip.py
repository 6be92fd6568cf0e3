#!/usr/bin/env python3
"""Writes a ZIP whose single entry is BEFORE MiB of zeros, a small document, and AFTER MiB of zeros, streaming
through zlib so the padding never sits in memory (Emotet's March 2023 trick, benign content).

    python3 bench/make_padded_zip.py --before-mb 600 --after-mb 500 --out bench/out/padded-1g.zip
"""
import argparse
import struct
import zlib

DOC = ("請求書 No.2023-0307\nThis stands in for the real document inside the padding.\n" * 20).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before-mb", type=int, default=600)
    ap.add_argument("--after-mb", type=int, default=500)
    ap.add_argument("--name", default="請求書.doc")
    ap.add_argument("--doc", help="a file to put between the zero runs (default: a small text stand-in)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(1 << 20)
    crc = 0
    chunks = []
    total = 0
    def feed(b):
        nonlocal crc, total
        crc = zlib.crc32(b, crc)
        total += len(b)
        chunks.append(comp.compress(b))
    doc = open(a.doc, "rb").read() if a.doc else DOC
    for _ in range(a.before_mb):
        feed(zeros)
    feed(doc)
    for _ in range(a.after_mb):
        feed(zeros)
    chunks.append(comp.flush())
    data = b"".join(chunks)
    name = a.name.encode()
    assert total < 1 << 32, "use ZIP64 for more than 4 GiB"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x0800, 8, 0, 0x21, crc, len(data), total, len(name), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x0800, 8, 0, 0x21, crc, len(data), total,
                          len(name), 0, 0, 0, 0, 0, 0)
    with open(a.out, "wb") as f:
        f.write(local + name + data)
        cd_offset = len(local) + len(name) + len(data)
        f.write(central + name)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name), cd_offset, 0))
    print("wrote %s: %d bytes inflating to %d" % (a.out, cd_offset + len(central) + len(name) + 22, total))


if __name__ == "__main__":
    main()
