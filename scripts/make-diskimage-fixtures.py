#!/usr/bin/env python3
"""Builds the DiskImage test fixtures in Tests/DiskImageTests/Resources/ (and seeds for the fuzzer).

Regenerate (from the repository root, as root on Debian/Ubuntu):

    python3 scripts/make-diskimage-fixtures.py

Images come from the real tools (genisoimage, xorriso, mkudffs, mkfs.fat + mtools, 7z, gcab, gzip, xz, bzip2);
the script installs the Debian packages that are missing. Headers of formats with no free writer (RAR 4 and 5,
ACE) or that only need a trailer (VHD footer, dynamic VHD, VHDX, DMG) are written byte by byte with struct.
Every content is benign: a shortcut-shaped blob (`invoice.lnk`, only the 76-byte ShellLinkHeader), a tiny MZ/PE
stub that does nothing (`invoice.dll`), two one-page PDFs, short texts. The password of the encrypted archives
is K7xQ2m. Tools stamp the build time into some images, so regenerated fixtures differ in bytes but not in what
the tests check (names, sizes, flags, contents).
"""

import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "DiskImageTests", "Resources")
SEEDS = os.path.join(ROOT, "fuzz", "corpus", "FuzzDiskImage")
PASSWORD = "K7xQ2m"
MTIME = 1793697330  # 2026-11-03T09:15:30Z
PACKAGES = {
    "genisoimage": "genisoimage", "xorriso": "xorriso", "mkudffs": "udftools", "mkfs.fat": "dosfstools",
    "mcopy": "mtools", "7z": "p7zip-full", "gcab": "gcab", "gzip": "gzip", "xz": "xz-utils", "bzip2": "bzip2",
}

# ---------------------------------------------------------------------------------------------------------------
# Contents

# A ShellLinkHeader (MS-SHLLINK 2.1) with no optional parts: enough to look like a shortcut, does nothing.
LNK = struct.pack("<I16sIIIQQQIIIHHII", 0x4C, bytes.fromhex("0114020000000000c000000000000046"),
                  0x00000080, 0x20, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0)


def dll_stub():
    """A minimal PE32 DLL image: DOS header, PE signature, COFF header, optional header, no sections."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 0x80)
    stub = b"This program cannot be run in DOS mode.\r\r\n$".ljust(0x80 - 64, b"\0")
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x014C, 0, MTIME, 0, 0, 0xE0, 0x2102)
    opt = bytearray(0xE0)
    struct.pack_into("<HBB", opt, 0, 0x010B, 14, 0)
    struct.pack_into("<I", opt, 28, 0x10000000)      # ImageBase
    struct.pack_into("<II", opt, 32, 0x1000, 0x200)  # SectionAlignment, FileAlignment
    struct.pack_into("<HH", opt, 40, 6, 0)           # OS version
    struct.pack_into("<I", opt, 56, 0x1000)          # SizeOfImage
    struct.pack_into("<I", opt, 60, 0x200)           # SizeOfHeaders
    struct.pack_into("<H", opt, 68, 2)               # Subsystem GUI
    struct.pack_into("<I", opt, 92, 16)              # NumberOfRvaAndSizes
    return bytes(dos) + stub + coff + bytes(opt) + b"Emoguard test DLL stub, harmless.\0"


DLL = dll_stub()
README = b"This image is a test fixture for Emoguard. Nothing in it is harmful.\n"
LONG_NAME = "Quarterly Report 2026 (final version).pdf"
REPORT = b"".join(b"Line %04d: quarterly figures for example.invalid, nothing to see here.\n" % i for i in range(60))


def pdf(title):
    body = (b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
            b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
            b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]/Contents 4 0 R>> endobj\n")
    text = b"BT /F1 12 Tf 10 50 Td (" + title + b") Tj ET"
    body += b"4 0 obj <</Length %d>> stream\n" % len(text) + text + b"\nendstream endobj\ntrailer <</Root 1 0 R>>\n"
    return body + b"%%EOF\n"


STATEMENT = pdf(b"Statement November 2026")
TERMS = pdf(b"Terms and conditions")


def write(name, data, seed=False, limit=600_000):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    assert len(data) <= limit, f"{name} is {len(data)} bytes"
    if seed:
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(data)
    print(f"{name}: {len(data)} bytes")


def run(args, **kw):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, **kw)


def tree(tmp, files):
    """Writes `files` (path -> bytes) under tmp/src with a fixed mtime; returns the folder."""
    src = os.path.join(tmp, "src")
    for name, data in files.items():
        path = os.path.join(src, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (MTIME, MTIME))
    return src


def read(path):
    with open(path, "rb") as f:
        return f.read()


def ensure_tools():
    missing = sorted({pkg for tool, pkg in PACKAGES.items() if shutil.which(tool) is None})
    if missing:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq"] + missing, check=True, env=env)


# ---------------------------------------------------------------------------------------------------------------
# ISO 9660 and UDF

LURE = {"invoice.lnk": LNK, "invoice.dll": DLL, "docs/readme.txt": README}


def iso_fixtures():
    with tempfile.TemporaryDirectory() as tmp:
        src = tree(tmp, LURE)
        out = os.path.join(tmp, "o.iso")
        run(["genisoimage", "-quiet", "-J", "-R", "-no-pad", "-V", "INVOICE_2026", "-hidden", "invoice.dll",
             "-o", out, src])
        write("lure.iso", read(out), seed=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = tree(tmp, {"invoice.lnk": LNK, "invoice.dll": DLL, LONG_NAME: REPORT})
        out = os.path.join(tmp, "o.iso")
        run(["xorriso", "-as", "mkisofs", "-quiet", "-J", "-R", "-no-pad", "-V", "XORRISO_LURE", "-o", out, src],
            stderr=subprocess.DEVNULL)
        write("lure-xorriso.iso", read(out))
    with tempfile.TemporaryDirectory() as tmp:
        src = tree(tmp, {"statement.pdf": STATEMENT, "terms.pdf": TERMS})
        out = os.path.join(tmp, "o.iso")
        run(["genisoimage", "-quiet", "-J", "-R", "-no-pad", "-V", "STATEMENTS", "-o", out, src])
        write("pdfs.iso", read(out))
    # Plain ISO 9660 level 1 (no Joliet, no Rock Ridge): 8.3 upper-case names with ";1".
    with tempfile.TemporaryDirectory() as tmp:
        src = tree(tmp, {"invoice.lnk": LNK, "readme.txt": README})
        out = os.path.join(tmp, "o.iso")
        run(["genisoimage", "-quiet", "-no-pad", "-V", "PLAIN", "-o", out, src])
        write("plain.iso", read(out))


def udf_fixtures():
    with tempfile.TemporaryDirectory() as tmp:
        src = tree(tmp, LURE)
        out = os.path.join(tmp, "o.iso")
        run(["genisoimage", "-quiet", "-J", "-R", "-udf", "-no-pad", "-V", "UDF_LURE", "-hidden", "invoice.dll",
             "-o", out, src])
        bridge = read(out)
    write("udf-bridge.iso", bridge)
    # The same UDF volume without its ISO 9660 side: the Volume Recognition Sequence moved down to sector 16
    # (BEA01, NSR02, TEA01) and the CD001 descriptors and the ISO directories erased.
    img = bytearray(bridge)
    vrs = []
    sector = 16
    while True:
        d = bytes(img[sector * 2048:(sector + 1) * 2048])
        ident = d[1:6]
        if ident == b"CD001":
            pass
        elif ident in (b"BEA01", b"NSR02", b"NSR03", b"TEA01"):
            vrs.append(d)
        else:
            break
        sector += 1
    img[16 * 2048:sector * 2048] = bytes((sector - 16) * 2048)
    for i, d in enumerate(vrs):
        img[(16 + i) * 2048:(17 + i) * 2048] = d
    write("udf-only.img", bytes(img))
    # An empty UDF 2.01 volume with 512-byte blocks, extended file entries and its root directory in the ICB.
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "e.img")
        run(["mkudffs", "-b", "512", "--media-type=hd", "--label=EMPTYUDF", "--uuid=0123456789abcdef", "--new-file",
             out, "400"])
        write("udf-empty.img", read(out), seed=True)


# ---------------------------------------------------------------------------------------------------------------
# FAT, MBR, VHD, VHDX

def fat_image(kilobytes, label):
    with tempfile.TemporaryDirectory() as tmp:
        src = tree(tmp, {"invoice.lnk": LNK, "invoice.dll": DLL, LONG_NAME: REPORT, "readme.txt": README})
        img = os.path.join(tmp, "fat.img")
        run(["mkfs.fat", "-C", "--invariant", "-i", "1234ABCD", "-n", label, img, str(kilobytes)])
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLS_NO_VFAT="0")
        m = lambda *args: run(list(args), env=env)
        m("mcopy", "-m", "-i", img, os.path.join(src, "invoice.lnk"), os.path.join(src, "invoice.dll"),
          os.path.join(src, LONG_NAME), "::/")
        m("mattrib", "-i", img, "+h", "::/invoice.dll")
        m("mmd", "-i", img, "::/docs")
        m("mcopy", "-m", "-i", img, os.path.join(src, "readme.txt"), "::/docs/")
        return read(img)


def vhd_footer(size, disk_type=2, data_offset=0xFFFFFFFFFFFFFFFF):
    """The 512-byte VHD footer (Virtual Hard Disk Image Format Specification, Appendix A)."""
    cylinders, heads, spt = 2, 16, 63
    f = bytearray(struct.pack(">8sIIQI4sI4sQQHBBII16sB", b"conectix", 2, 0x00010000, data_offset,
                              MTIME - 946684800, b"emog", 0x00010000, b"Wi2k", size, size, cylinders, heads, spt,
                              disk_type, 0, bytes(range(16)), 0))
    f += bytes(512 - len(f))
    checksum = (~sum(f)) & 0xFFFFFFFF
    struct.pack_into(">I", f, 64, checksum)
    return bytes(f)


def mbr(partitions):
    """A master boot record with (type, first LBA, sectors) entries."""
    s = bytearray(512)
    for i, (ptype, lba, count) in enumerate(partitions):
        struct.pack_into("<B3sB3sII", s, 446 + 16 * i, 0x80 if i == 0 else 0, b"\xfe\xff\xff", ptype,
                         b"\xfe\xff\xff", lba, count)
    s[510:512] = b"\x55\xaa"
    return bytes(s)


def fat_fixtures():
    fat12 = fat_image(160, "EMOFAT")
    write("fat12.img", fat12, seed=True)
    write("fat12.vhd", fat12 + vhd_footer(len(fat12)))
    # A partitioned disk: MBR, 7 empty sectors, a FAT12 partition (type 0x01) at LBA 8; then the VHD footer.
    disk = mbr([(0x01, 8, len(fat12) // 512)]) + bytes(7 * 512) + fat12
    write("disk-mbr.vhd", disk + vhd_footer(len(disk)))
    # Dynamic VHD: footer copy, dynamic header ("cxsparse"), a BAT with no blocks allocated, footer.
    size = 16 << 20
    header = bytearray(struct.pack(">8sQQIII", b"cxsparse", 0xFFFFFFFFFFFFFFFF, 1536, 0x00010000, 8, 2 << 20))
    header += bytes(1024 - len(header))
    struct.pack_into(">I", header, 36, (~sum(header)) & 0xFFFFFFFF)
    bat = b"\xff" * 512
    footer = vhd_footer(size, disk_type=3, data_offset=512)
    write("dynamic.vhd", footer + bytes(header) + bat + footer, seed=True)
    # VHDX: file type identifier ("vhdxfile" + creator in UTF-16) and two header signatures; no data.
    vhdx = bytearray((64 << 10) + 512)
    vhdx[0:8] = b"vhdxfile"
    vhdx[8:8 + 24] = "Emoguard fixture".encode("utf-16-le")[:24]
    vhdx[64 << 10:(64 << 10) + 4] = b"head"
    write("disk.vhdx", bytes(vhdx))


# ---------------------------------------------------------------------------------------------------------------
# gzip

def gzip_member(data, name=None, comment=None, extra=None, hcrc=False, mtime=MTIME, bad_crc=False):
    flags = (0x02 if hcrc else 0) | (0x04 if extra is not None else 0) | (0x08 if name else 0) | \
            (0x10 if comment else 0)
    head = struct.pack("<BBBBIBB", 0x1F, 0x8B, 8, flags, mtime, 2, 3)
    if extra is not None:
        head += struct.pack("<H", len(extra)) + extra
    if name:
        head += name + b"\0"
    if comment:
        head += comment + b"\0"
    if hcrc:
        head += struct.pack("<H", zlib.crc32(head) & 0xFFFF)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc = zlib.crc32(data) ^ (0xFFFFFFFF if bad_crc else 0)
    return head + c.compress(data) + c.flush() + struct.pack("<II", crc, len(data) & 0xFFFFFFFF)


def gzip_fixtures():
    with tempfile.TemporaryDirectory() as tmp:
        src = tree(tmp, {"invoice.dll": DLL})
        gz = subprocess.run(["gzip", "-9", "-c", os.path.join(src, "invoice.dll")], check=True,
                            stdout=subprocess.PIPE).stdout
        write("invoice.dll.gz", gz, seed=True)
    multi = gzip_member(REPORT, name=b"report.txt", comment=b"first member", extra=b"EG\x04\x00test", hcrc=True) + \
        gzip_member(README)
    write("multi.gz", multi, seed=True)
    write("bad-crc.gz", gzip_member(README, name=b"readme.txt", bad_crc=True))
    # A zero-padded DLL: 4 MiB of zeros after the stub (deflates to a few kilobytes).
    write("padded-dll.gz", gzip_member(DLL + bytes(4 << 20) + b"TAIL", name=b"padded.dll"), seed=True)


# ---------------------------------------------------------------------------------------------------------------
# Archives that are recognised, not extracted

def seven_zip_fixtures():
    with tempfile.TemporaryDirectory() as tmp:
        src = tree(tmp, {"invoice.lnk": LNK, "invoice.dll": DLL})
        for name, extra in [("plain.7z", []), ("plain-storedheader.7z", ["-mhc=off"]),
                            ("encrypted.7z", ["-p" + PASSWORD]),
                            ("encrypted-storedheader.7z", ["-p" + PASSWORD, "-mhc=off"]),
                            ("encrypted-headers.7z", ["-p" + PASSWORD, "-mhe=on"])]:
            out = os.path.join(tmp, name)
            run(["7z", "a", "-bd", "-y"] + extra + [out, "invoice.lnk", "invoice.dll"], cwd=src)
            write(name, read(out), seed=True)


def rar4_block(htype, flags, body, add=b""):
    head = struct.pack("<BHH", htype, flags, 7 + len(body)) + body
    return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head + add


def rar4(encrypted_file=False, encrypted_headers=False):
    out = b"Rar!\x1a\x07\x00"
    out += rar4_block(0x73, 0x0080 if encrypted_headers else 0, struct.pack("<HI", 0, 0))
    if encrypted_headers:
        return out + bytes(range(64))  # headers that follow are encrypted: random-looking
    for name, data in [(b"invoice.lnk", LNK), (b"invoice.dll", DLL)]:
        flags = 0x8000 | (0x0004 if encrypted_file else 0)
        packed = bytes(b ^ 0x5A for b in data) if encrypted_file else data
        body = struct.pack("<IIBIIBBHI", len(packed), len(data), 2, zlib.crc32(data), 0x5B634A2F, 29, 0x30,
                           len(name), 0x20) + name
        out += rar4_block(0x74, flags, body, packed)
    return out + rar4_block(0x7B, 0x4000, b"")


def vint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def rar5_block(htype, flags, fields, extra=b"", data=b""):
    body = vint(htype) + vint(flags | (1 if extra else 0) | (2 if data else 0))
    if extra:
        body += vint(len(extra))
    if data:
        body += vint(len(data))
    body += fields + extra
    sized = vint(len(body)) + body
    return struct.pack("<I", zlib.crc32(sized)) + sized + data


def rar5(encrypted_file=False, encrypted_headers=False):
    out = b"Rar!\x1a\x07\x01\x00"
    if encrypted_headers:
        out += rar5_block(4, 0, vint(0) + vint(1) + bytes([15]) + bytes(range(16)) + bytes(12))
        return out + bytes(range(80))
    out += rar5_block(1, 0, vint(0))
    for name, data in [(b"invoice.lnk", LNK), (b"invoice.dll", DLL)]:
        fields = vint(0x04) + vint(len(data)) + vint(0x20) + struct.pack("<I", zlib.crc32(data)) + vint(0) + \
            vint(0) + vint(len(name)) + name
        extra = b""
        if encrypted_file:
            record = vint(1) + vint(0) + vint(0) + bytes([15]) + bytes(range(16)) + bytes(range(16, 32))
            extra = vint(len(record)) + record
        packed = bytes(b ^ 0x5A for b in data) if encrypted_file else data
        out += rar5_block(2, 0, fields, extra, packed)
    return out + rar5_block(5, 0, vint(0))


def ace_block(htype, flags, body):
    head = struct.pack("<BH", htype, flags) + body
    crc = (zlib.crc32(head) ^ 0xFFFFFFFF) & 0xFFFF  # ACE's CRC-16: the low half of CRC-32 without the final xor
    return struct.pack("<HH", crc, len(head)) + head


def ace(encrypted_file=False):
    main = b"**ACE**" + struct.pack("<BBBBI8sB", 20, 20, 2, 0, 0x5B634A2F, bytes(8), 0)
    out = ace_block(0, 0x0100, main)
    for name, data in [(b"invoice.lnk", LNK), (b"invoice.dll", DLL)]:
        flags = 0x0001 | (0x4000 if encrypted_file else 0)
        body = struct.pack("<IIIIIBBHHH", len(data), len(data), 0x5B634A2F, 0x20, zlib.crc32(data), 0, 0, 0, 0,
                           len(name)) + name
        out += ace_block(1, flags, body) + (bytes(b ^ 0x5A for b in data) if encrypted_file else data)
    return out


def other_archives():
    write("rar4-plain.rar", rar4(), seed=True)
    write("rar4-encrypted.rar", rar4(encrypted_file=True), seed=True)
    write("rar4-encrypted-headers.rar", rar4(encrypted_headers=True))
    write("rar5-plain.rar", rar5(), seed=True)
    write("rar5-encrypted.rar", rar5(encrypted_file=True), seed=True)
    write("rar5-encrypted-headers.rar", rar5(encrypted_headers=True))
    write("plain.ace", ace(), seed=True)
    write("encrypted.ace", ace(encrypted_file=True), seed=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = tree(tmp, {"invoice.lnk": LNK, "invoice.dll": DLL})
        out = os.path.join(tmp, "o.cab")
        run(["gcab", "-c", "-z", "-n", out, os.path.join(src, "invoice.lnk"), os.path.join(src, "invoice.dll")])
        write("invoice.cab", read(out), seed=True)
        xz = subprocess.run(["xz", "-c", os.path.join(src, "invoice.dll")], check=True, stdout=subprocess.PIPE).stdout
        write("invoice.dll.xz", xz)
        bz = subprocess.run(["bzip2", "-c", os.path.join(src, "invoice.dll")], check=True,
                            stdout=subprocess.PIPE).stdout
        write("invoice.dll.bz2", bz)
        out = os.path.join(tmp, "o.tar")
        with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
            t.add(os.path.join(src, "invoice.lnk"), arcname="invoice.lnk")
            t.add(os.path.join(src, "invoice.dll"), arcname="invoice.dll")
        write("invoice.tar", read(out))
    # A DMG is a data fork followed by a 512-byte "koly" trailer (UDIF, big-endian); an encrypted one starts
    # with "encrcdsa" and keeps the trailer inside the encrypted payload.
    data = REPORT
    koly = bytearray(512)
    struct.pack_into(">4sIIIQQQQQII", koly, 0, b"koly", 4, 512, 1, 0, 0, len(data), 0, 0, 0, 1)
    write("plain.dmg", data + bytes(koly))
    write("encrypted.dmg", b"encrcdsa" + struct.pack(">III", 2, 16, 0x80000001) + bytes(range(256)) * 4)


def main():
    if os.geteuid() == 0:
        ensure_tools()
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(SEEDS, exist_ok=True)
    iso_fixtures()
    udf_fixtures()
    fat_fixtures()
    gzip_fixtures()
    seven_zip_fixtures()
    other_archives()
    with open(os.path.join(OUT, "SHA256SUMS.contents"), "w") as f:
        for name, data in [("invoice.lnk", LNK), ("invoice.dll", DLL), ("readme.txt", README),
                           ("report.txt", REPORT), ("statement.pdf", STATEMENT), ("terms.pdf", TERMS)]:
            f.write(f"{hashlib.sha256(data).hexdigest()}  {name}  {len(data)}\n")


if __name__ == "__main__":
    sys.exit(main())
