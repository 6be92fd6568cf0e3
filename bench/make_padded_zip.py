#!/usr/bin/env python3
"""Writes a ZIP whose single entry is BEFORE MiB of zeros, a small document, and AFTER MiB of zeros, streaming
through zlib so the padding never sits in memory (Emotet's March 2023 trick, benign content).

    python3 bench/make_padded_zip.py --before-mb 600 --after-mb 500 --out bench/out/padded-1g.zip
    python3 bench/make_padded_zip.py --before-mb 0 --after-mb 600 --name invoice.dll \
        --doc Tests/PETests/Resources/fixtures/tiny.dll --out bench/out/padded-dll-600.zip   # a padded DLL

The compressed stream is written to the file as it is produced; only the (about 1 MB) deflated bytes pass through
memory, never the padding.
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
    doc = open(a.doc, "rb").read() if a.doc else DOC
    name = a.name.encode()
    total = a.before_mb * len(zeros) + len(doc) + a.after_mb * len(zeros)
    assert total < 1 << 32, "use ZIP64 for more than 4 GiB"
    with open(a.out, "wb") as f:
        # The local header is written with zero CRC and sizes first and patched once the stream is done.
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x0800, 8, 0, 0x21, 0, 0, 0, len(name), 0) + name)
        crc = 0
        clen = 0
        def feed(b):
            nonlocal crc, clen
            crc = zlib.crc32(b, crc)
            out = comp.compress(b)
            clen += len(out)
            f.write(out)
        for _ in range(a.before_mb):
            feed(zeros)
        feed(doc)
        for _ in range(a.after_mb):
            feed(zeros)
        out = comp.flush()
        clen += len(out)
        f.write(out)
        cd_offset = f.tell()
        central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x0800, 8, 0, 0x21, crc, clen, total,
                              len(name), 0, 0, 0, 0, 0, 0)
        f.write(central + name)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name), cd_offset, 0))
        size = f.tell()
        f.seek(14)
        f.write(struct.pack("<III", crc, clen, total))
    print("wrote %s: %d bytes inflating to %d" % (a.out, size, total))


if __name__ == "__main__":
    main()
