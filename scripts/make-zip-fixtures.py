#!/usr/bin/env python3
"""Builds the ZIP test fixtures in Tests/ZIPTests/Resources/.

Regenerate (from the repository root):

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/make-zip-fixtures.py

Needs Info-ZIP `zip` (/usr/bin/zip) for the plain and ZipCrypto archives and pyzipper for WinZip AES. The
malicious-structure specimens are written byte by byte with struct and zlib. Every content is benign text; URLs
use example.invalid. The password of every encrypted fixture is K7xQ2m. ZipCrypto headers and AES salts are
random, so regenerated archives differ in bytes but not in what the tests check.
"""

import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

import pyzipper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ZIPTests", "Resources")
PASSWORD = b"K7xQ2m"
# 2026-11-03 09:15:30 as DOS date/time.
DOS_TIME = (9 << 11) | (15 << 5) | (30 // 2)
DOS_DATE = ((2026 - 1980) << 9) | (11 << 5) | 3
MTIME = 1793697330  # 2026-11-03T09:15:30Z, for files handed to zip

INVOICE = (
    b"Invoice 4711 for order 2026-11-03.\r\n"
    b"Please find the details at https://billing.example.invalid/invoice/4711\r\n"
    b"Kind regards, Accounts\r\n"
)
README = b"This archive is a test fixture for Emoguard. Nothing in it is harmful.\n"
# Compressible text, so that deflate has something to do.
REPORT = b"".join(b"Line %04d: quarterly figures for example.invalid, nothing to see here.\n" % i for i in range(400))


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data)
    assert len(data) < 50_000, f"{name} is {len(data)} bytes"
    print(f"{name}: {len(data)} bytes")


# ---------------------------------------------------------------------------------------------------------------
# Hand-built records

def deflate_raw(data, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def local_header(name, method, crc, csize, usize, flags=0, extra=b"", version=20):
    return struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, version, flags, method, DOS_TIME, DOS_DATE, crc, csize, usize, len(name),
        len(extra)) + name + extra


def central_header(name, method, crc, csize, usize, offset, flags=0, extra=b"", comment=b"", version=20,
                   external=0):
    return struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | version, version, flags, method, DOS_TIME, DOS_DATE, crc,
        csize, usize, len(name), len(extra), len(comment), 0, 0, external, offset) + name + extra + comment


def end_record(count, cd_size, cd_offset, comment=b"", comment_length=None):
    if comment_length is None:
        comment_length = len(comment)
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, cd_size, cd_offset, comment_length) + comment


class Entry:
    def __init__(self, name, data, method=8, flags=0, local_name=None, central_crc=None, listed=True):
        self.name = name
        self.data = data
        self.method = method
        self.flags = flags
        self.local_name = local_name if local_name is not None else name
        self.crc = zlib.crc32(data)
        self.central_crc = central_crc if central_crc is not None else self.crc
        self.stored = deflate_raw(data) if method == 8 else data
        self.listed = listed


def build(entries, prefix=b"", comment=b"", offsets_relative_to_prefix=False):
    """A ZIP of `entries`; unlisted entries get a local header and data but no central directory record."""
    out = bytearray(prefix)
    base = len(prefix) if offsets_relative_to_prefix else 0
    for e in entries:
        e.offset = len(out) - base
        out += local_header(e.local_name, e.method, e.crc, len(e.stored), len(e.data), e.flags) + e.stored
    cd_start = len(out)
    listed = [e for e in entries if e.listed]
    for e in listed:
        out += central_header(e.name, e.method, e.central_crc, len(e.stored), len(e.data), e.offset, e.flags)
    out += end_record(len(listed), len(out) - cd_start, cd_start - base, comment)
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------------
# Archives made by real tools

def run_zip(args, files, cwd):
    for name, data in files.items():
        path = os.path.join(cwd, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (MTIME, MTIME))
    subprocess.run(["zip", "-q", "-X"] + args, cwd=cwd, check=True)


def info_zip_fixtures():
    with tempfile.TemporaryDirectory() as tmp:
        files = {"docs/readme.txt": README, "docs/report.txt": REPORT, "invoice.txt": INVOICE}
        run_zip(["-r", "out.zip", "docs", "invoice.txt"], files, tmp)
        with open(os.path.join(tmp, "out.zip"), "rb") as f:
            write("infozip-plain.zip", f.read())
    with tempfile.TemporaryDirectory() as tmp:
        run_zip(["-P", PASSWORD.decode(), "out.zip", "invoice.txt", "report.txt"],
                {"invoice.txt": INVOICE, "report.txt": REPORT}, tmp)
        with open(os.path.join(tmp, "out.zip"), "rb") as f:
            write("zipcrypto.zip", f.read())
    # Streamed from standard input: flag bit 3, data descriptor, and the check byte from the DOS time.
    streamed = subprocess.run(["zip", "-q", "-P", PASSWORD.decode(), "-", "-"], input=INVOICE,
                              stdout=subprocess.PIPE, check=True).stdout
    write("zipcrypto-stream.zip", streamed)


def aes_fixtures():
    for bits, name in ((256, "aes256.zip"), (128, "aes128.zip")):
        buf = io.BytesIO()
        with pyzipper.AESZipFile(buf, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as z:
            z.setpassword(PASSWORD)
            z.setencryption(pyzipper.WZ_AES, nbits=bits)
            z.writestr("invoice.txt", INVOICE)
            z.writestr("readme.txt", README, compress_type=pyzipper.ZIP_STORED)
        write(name, buf.getvalue())


def zipfile_fixtures():
    # ZIP64 extra fields in the local header (forced for a small file).
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("report.txt", (2026, 11, 3, 9, 15, 30))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            f.write(REPORT)
    write("zip64-forced.zip", buf.getvalue())

    # Written to a stream that cannot seek: data descriptors with signature (flag bit 3).
    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.data += b
            return len(b)

    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("invoice.txt", (2026, 11, 3, 9, 15, 30)), INVOICE, zipfile.ZIP_DEFLATED)
        z.writestr(zipfile.ZipInfo("report.txt", (2026, 11, 3, 9, 15, 30)), REPORT, zipfile.ZIP_DEFLATED)
    write("data-descriptor.zip", bytes(stream.data))

    # A method we recognise but do not decompress.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as z:
        z.writestr(zipfile.ZipInfo("report.txt", (2026, 11, 3, 9, 15, 30)), REPORT, zipfile.ZIP_BZIP2)
    write("bzip2.zip", buf.getvalue())


# ---------------------------------------------------------------------------------------------------------------
# Malicious structures

def zip64_full():
    """Every ZIP64 structure: 0xFFFFFFFF in both headers, ZIP64 extras, end record and locator."""
    name = b"report.txt"
    stored = deflate_raw(REPORT)
    crc = zlib.crc32(REPORT)
    local_extra = struct.pack("<HHQQ", 1, 16, len(REPORT), len(stored))
    out = bytearray(local_header(name, 8, crc, 0xFFFFFFFF, 0xFFFFFFFF, extra=local_extra, version=45))
    out += stored
    cd_start = len(out)
    central_extra = struct.pack("<HHQQQ", 1, 24, len(REPORT), len(stored), 0)
    out += central_header(name, 8, crc, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, extra=central_extra, version=45)
    cd_size = len(out) - cd_start
    eocd64_offset = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1, 1, cd_size, cd_start)
    out += struct.pack("<IIQI", 0x07064B50, 0, eocd64_offset, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    write("zip64-full.zip", bytes(out))


def overlap_bomb():
    """Fifield's non-recursive zip bomb, quoted-overlap variant, small: every entry's deflate stream quotes the
    next entry's local header in a stored block and then continues into that entry's data; all end in one kernel."""
    kernel_plain = b"\0" * (256 << 10)
    kernel = deflate_raw(kernel_plain)
    count = 8
    names = [b"part%02d.txt" % i for i in range(count)]
    # Built from the last entry back, since each header holds the sizes and CRC of everything after it.
    headers = [None] * count
    sizes = [None] * count
    crcs = [None] * count
    usizes = [None] * count
    sizes[-1] = len(kernel)
    usizes[-1] = len(kernel_plain)
    crcs[-1] = zlib.crc32(kernel_plain)
    headers[-1] = local_header(names[-1], 8, crcs[-1], sizes[-1], usizes[-1])
    for i in range(count - 2, -1, -1):
        quoted = headers[i + 1]
        sizes[i] = 5 + len(quoted) + sizes[i + 1]
        usizes[i] = len(quoted) + usizes[i + 1]
        crcs[i] = crc_of_entry(i, headers, kernel_plain, count)
        headers[i] = local_header(names[i], 8, crcs[i], sizes[i], usizes[i])
    out = bytearray()
    offsets = []
    for i in range(count):
        offsets.append(len(out))
        out += headers[i]
        if i < count - 1:
            quoted = headers[i + 1]
            out += b"\x00" + struct.pack("<HH", len(quoted), len(quoted) ^ 0xFFFF)
        else:
            out += kernel
    # Each entry's data is [stored block header][next local header][next entry's data...]: the next local header
    # written by the loop is exactly the quoted bytes.
    cd_start = len(out)
    for i in range(count):
        out += central_header(names[i], 8, crcs[i], sizes[i], usizes[i], offsets[i])
    out += end_record(count, len(out) - cd_start, cd_start)
    write("overlap-bomb.zip", bytes(out))


def crc_of_entry(i, headers, kernel_plain, count):
    """Entry i inflates to the local headers of the entries after it, then the kernel's content."""
    content = b"".join(headers[j] for j in range(i + 1, count)) + kernel_plain
    return zlib.crc32(content)


def nested_bomb():
    """A zip in a zip in a zip; the innermost holds 1 MiB of zeros."""
    inner = build([Entry(b"zeros.bin", b"\0" * (1 << 20))])
    middle = build([Entry(b"level2.zip", inner)])
    outer = build([Entry(b"level1.zip", middle)])
    write("nested-bomb.zip", outer)


def truncated():
    whole = build([Entry(b"invoice.txt", INVOICE), Entry(b"report.txt", REPORT), Entry(b"readme.txt", README)])
    # Cut in the middle of the second entry's data: no central directory, no end record.
    cut = 30 + len(b"invoice.txt") + len(deflate_raw(INVOICE)) + 30 + len(b"report.txt") + 200
    write("truncated.zip", whole[:cut])


def mismatch():
    e = Entry(b"readme.txt", README, method=0, local_name=b"readme.vbs", central_crc=0x12345678)
    write("local-central-mismatch.zip", build([Entry(b"invoice.txt", INVOICE), e]))


def hidden_entry():
    hidden = Entry(b"hidden.txt", b"This entry is not in the central directory.\n", listed=False)
    write("hidden-entry.zip", build([Entry(b"invoice.txt", INVOICE), hidden]))


def prepended():
    prefix = b"MZ" + b"\0" * 62 + b"This is not a program, just bytes before the archive.\n"
    write("prepended.zip", build([Entry(b"invoice.txt", INVOICE)], prefix=prefix, offsets_relative_to_prefix=True))


def traversal():
    entries = [Entry(b"../outside.txt", README), Entry(b"/etc/fixture.txt", README),
               Entry(b"C:\\Users\\Public\\fixture.txt", README), Entry(b"docs/ok.txt", README)]
    write("path-traversal.zip", build(entries))


def japanese_names():
    name = "請求書.xlsm"
    write("sjis-name.zip", build([Entry(name.encode("cp932"), INVOICE)]))
    write("utf8-name.zip", build([Entry(name.encode("utf-8"), INVOICE, flags=1 << 11)]))
    # CP437 bytes in the header, the UTF-8 name in Info-ZIP's Unicode Path extra field (0x7075).
    raw = "Résumé.txt".encode("cp437")
    utf8 = "Résumé.txt".encode("utf-8")
    extra = struct.pack("<HHBI", 0x7075, 5 + len(utf8), 1, zlib.crc32(raw)) + utf8
    stored = deflate_raw(README)
    out = bytearray(local_header(raw, 8, zlib.crc32(README), len(stored), len(README), extra=extra) + stored)
    cd_start = len(out)
    out += central_header(raw, 8, zlib.crc32(README), len(stored), len(README), 0, extra=extra)
    out += end_record(1, len(out) - cd_start, cd_start)
    write("unicode-path-extra.zip", bytes(out))
    # CP437 without any hint: not UTF-8, not valid CP932 (0x81 0x20 is no CP932 pair).
    write("cp437-name.zip", build([Entry(b"caf\x81 \x82.txt", README)]))


def other_anomalies():
    # Same name twice.
    write("duplicate-name.zip", build([Entry(b"invoice.txt", INVOICE), Entry(b"invoice.txt", README)]))
    # Two archives back to back: two end records; the second archive's offsets are relative to its own start.
    first = build([Entry(b"first.txt", README)])
    second = build([Entry(b"second.txt", INVOICE)])
    write("concatenated.zip", first + second)
    # Trailing bytes after the end record and its comment.
    write("data-after.zip", build([Entry(b"invoice.txt", INVOICE)], comment=b"fixture") + b"TRAILING DATA\n")
    # A comment length that runs past the end of the file.
    body = build([Entry(b"invoice.txt", INVOICE)])
    write("bad-comment-length.zip", body[:-2] + struct.pack("<H", 500) + b"short comment")
    # The end record declares more entries than the central directory holds.
    good = build([Entry(b"invoice.txt", INVOICE)])
    eocd = good.rindex(b"PK\x05\x06")
    write("count-mismatch.zip", good[:eocd + 8] + struct.pack("<HH", 3, 3) + good[eocd + 12:])
    # A ZipCrypto entry whose local header has another name than the central directory.
    with open(os.path.join(OUT, "zipcrypto.zip"), "rb") as f:
        enc = bytearray(f.read())
    i = enc.index(b"invoice.txt")  # first occurrence: the local header
    enc[i:i + len(b"invoice.txt")] = b"invoice.exe"
    write("encrypted-name-mismatch.zip", bytes(enc))


def main():
    if shutil.which("zip") is None:
        sys.exit("Info-ZIP zip is needed (apt-get install zip)")
    os.makedirs(OUT, exist_ok=True)
    info_zip_fixtures()
    aes_fixtures()
    zipfile_fixtures()
    zip64_full()
    overlap_bomb()
    nested_bomb()
    truncated()
    mismatch()
    hidden_entry()
    prepended()
    traversal()
    japanese_names()
    other_anomalies()


if __name__ == "__main__":
    main()
