#!/usr/bin/env python3
"""Builds the CompoundFile test fixtures in Tests/CompoundFileTests/Resources/.

Regenerate (from the repository root):

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/make-cfb-fixtures.py

Three kinds of output:

- golden/*.json: for every compound file in the oletools corpus (Tests/Corpus/oletools, BSD-2, see its
  LICENSE.md), every storage, and every stream's path, size and SHA-256 as olefile reads it, plus the payload of
  each \\x01Ole10Native stream (and of the OLE objects PowerPoint stores zlib-compressed in ExOleObjStg records).
  Compound files inside ZIP containers (OOXML vbaProject.bin / oleObject*.bin, ODF "Object 1", the
  password-protected .doc.zip files, password "infected-test") are copied to embedded/, since the test target
  cannot inflate; the corpus itself is read in place by the tests.
- fixtures/*.cfb: small valid compound files written byte by byte here (v3 and v4), with goldens too, so that
  olefile checks the writer and the Swift reader at once.
- malformed/*.cfb and malformed/manifest.json: the valid fixture with one structure broken (FAT, DIFAT and mini
  FAT loops, sectors out of range, truncation, lying and absurd sizes, directory cycles, overlapping streams, bad
  sector sizes...) and the anomaly codes or error code the reader must report.

Every content written here is benign text; URLs use example.invalid.
"""

import hashlib
import io
import json
import os
import shutil
import struct
import sys
import zipfile
import zlib

import olefile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "oletools")
OUT = os.path.join(ROOT, "Tests", "CompoundFileTests", "Resources")
FUZZ_SEEDS = os.path.join(ROOT, "fuzz", "corpus", "FuzzCFB")
MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_PASSWORD = b"infected-test"

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
DIFSECT = 0xFFFFFFFC
NOSTREAM = 0xFFFFFFFF

# Known payload digests (oletools' oleobj test suite).
KNOWN_MD5 = {
    "calc.exe": "40e85286357723f326980a3b30f84e4f",
    "calc.lnk": "6aedb1a876d4ad5236f1fbbbeb7274f3",
}


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def md5(b):
    return hashlib.md5(b).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# OLE 1.0 native data (MS-OLEDS 2.3.6), parsed here only to record what the Swift parser must find.

def cstring(data, i):
    end = data.index(b"\x00", i)
    return data[i:end], end + 1


def parse_ole10native(data, package=False):
    i = 0
    if not package:
        (total,) = struct.unpack_from("<I", data, 0)
        i = 4
    i += 2  # flags / signature 0x0002
    label, i = cstring(data, i)
    source, i = cstring(data, i)
    _, kind = struct.unpack_from("<HH", data, i)
    i += 4
    if kind == 1:  # a link: a UInt16, then the linked path
        i += 2
        link, i = cstring(data, i)
        return {"label": label.decode("latin-1"), "isLink": True, "payloadSize": 0}
    (temp_len,) = struct.unpack_from("<I", data, i)
    i += 4
    temp = data[i:i + temp_len].rstrip(b"\x00")
    i += temp_len
    (size,) = struct.unpack_from("<I", data, i)
    i += 4
    payload = data[i:i + size]
    assert len(payload) == size
    return {
        "label": label.decode("latin-1"),
        "sourcePath": source.decode("latin-1"),
        "tempPath": temp.decode("latin-1"),
        "isLink": False,
        "payloadSize": size,
        "payloadSHA256": sha256(payload),
        "payloadMD5": md5(payload),
    }


def ppt_ole_objects(ole):
    """The CFBs PowerPoint keeps in ExOleObjStg records (type 0x1011), inflated when instance is 1."""
    out = []
    if not ole.exists("PowerPoint Document"):
        return out
    data = ole.openstream("PowerPoint Document").read()

    def walk(start, end):
        i = start
        while i + 8 <= end:
            ver_inst, rtype, length = struct.unpack_from("<HHI", data, i)
            body = data[i + 8:i + 8 + length]
            if rtype == 0x1011:
                if ver_inst >> 4 == 1:
                    (declared,) = struct.unpack_from("<I", body, 0)
                    try:
                        inner = zlib.decompress(body[4:])
                    except zlib.error:
                        inner = zlib.decompressobj().decompress(body[4:])
                    out.append({"offset": i, "compressed": True, "declaredSize": declared, "bytes": inner})
                else:
                    out.append({"offset": i, "compressed": False, "bytes": body})
            if ver_inst & 0xF == 0xF:
                walk(i + 8, min(end, i + 8 + length))
            i += 8 + length

    walk(0, len(data))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Goldens from olefile

def describe(data, source, path):
    ole = olefile.OleFileIO(data)
    golden = {
        "source": source,
        "path": path,
        "size": len(data),
        "sha256": sha256(data),
        "sectorSize": ole.sectorsize,
        "majorVersion": ole.dll_version if hasattr(ole, "dll_version") else None,
        "storages": sorted("/".join(p) for p in ole.listdir(streams=False, storages=True)),
        "streams": [],
        "ole10native": [],
        "pptObjects": [],
    }
    for p in ole.listdir(streams=True, storages=False):
        name = "/".join(p)
        content = ole.openstream(p).read()
        assert len(content) == ole.get_size(name), name
        golden["streams"].append({"path": name, "size": len(content), "sha256": sha256(content)})
        if p[-1] == "\x01Ole10Native":
            native = parse_ole10native(content)
            native["stream"] = name
            golden["ole10native"].append(native)
    golden["streams"].sort(key=lambda s: s["path"])
    for obj in ppt_ole_objects(ole):
        record = {"offset": obj["offset"], "compressed": obj["compressed"], "size": len(obj["bytes"]),
                  "sha256": sha256(obj["bytes"])}
        if obj["bytes"][:8] == MAGIC:
            inner = olefile.OleFileIO(obj["bytes"])
            if inner.exists("\x01Ole10Native"):
                record["ole10native"] = parse_ole10native(inner.openstream("\x01Ole10Native").read())
        golden["pptObjects"].append(record)
    ole.close()
    for native in golden["ole10native"] + [o["ole10native"] for o in golden["pptObjects"] if "ole10native" in o]:
        if native["label"] in KNOWN_MD5 and not native["isLink"]:
            assert native["payloadMD5"] == KNOWN_MD5[native["label"]], (path, native)
    return golden


def flat(name):
    return name.replace("/", "_").replace("!", "__").replace(" ", "_")


def write_golden(golden, name):
    with open(os.path.join(OUT, "golden", flat(name) + ".json"), "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")


def corpus_goldens():
    count = 0
    for dirpath, dirnames, filenames in os.walk(CORPUS):
        dirnames.sort()
        for fn in sorted(filenames):
            full = os.path.join(dirpath, fn)
            rel = os.path.relpath(full, CORPUS)
            with open(full, "rb") as f:
                data = f.read()
            if data[:8] == MAGIC:
                write_golden(describe(data, "corpus", rel), rel)
                count += 1
            elif zipfile.is_zipfile(full):
                with zipfile.ZipFile(full) as z:
                    for info in z.infolist():
                        try:
                            inner = z.read(info, pwd=ZIP_PASSWORD)
                        except (RuntimeError, NotImplementedError, zipfile.BadZipFile):
                            continue
                        if inner[:8] != MAGIC:
                            continue
                        name = flat(rel + "!" + info.filename) + ".bin"
                        with open(os.path.join(OUT, "embedded", name), "wb") as f:
                            f.write(inner)
                        write_golden(describe(inner, "embedded", name), rel + "!" + info.filename)
                        count += 1
    shutil.copy(os.path.join(CORPUS, "LICENSE.md"), os.path.join(OUT, "embedded", "LICENSE-oletools.md"))
    with open(os.path.join(OUT, "embedded", "README.md"), "w") as f:
        f.write("Compound files extracted from ZIP containers of the oletools test corpus (python-oletools,\n"
                "BSD-2-Clause, see LICENSE-oletools.md) by scripts/make-cfb-fixtures.py. Each file is named after\n"
                "its container and member: <container path with / as _>__<member>.bin.\n")
    print(f"goldens: {count} compound files from the corpus")


# ---------------------------------------------------------------------------------------------------------------
# A compound file writer

def cfb_less(a, b):
    """MS-CFB 2.6.4 order: shorter names first, then upper-cased UTF-16 comparison."""
    return (len(a), a.upper()) < (len(b), b.upper())


class Node:
    def __init__(self, name, data=None):
        self.name = name
        self.data = data  # None for a storage
        self.children = []
        self.id = None
        self.left = self.right = self.child = NOSTREAM
        self.start = ENDOFCHAIN
        self.size = 0
        self.chain = []


def build_tree(spec):
    """spec: list of (path, data or None). Storages are created as needed."""
    root = Node("Root Entry")
    index = {"": root}
    for path, data in spec:
        parts = path.split("/")
        for k in range(1, len(parts)):
            p = "/".join(parts[:k])
            if p not in index:
                n = Node(parts[k - 1])
                index["/".join(parts[:k - 1])].children.append(n)
                index[p] = n
        n = Node(parts[-1], data)
        index["/".join(parts[:-1])].children.append(n)
        index[path] = n
    return root, index


def assign_ids(root):
    order = [root]
    stack = [root]
    while stack:
        n = stack.pop(0)
        for c in n.children:
            order.append(c)
        stack.extend(c for c in n.children)
    for i, n in enumerate(order):
        n.id = i
    return order


def bst(nodes):
    """Root of a balanced binary search tree over nodes sorted in CFB order (all black: valid enough)."""
    if not nodes:
        return NOSTREAM
    m = len(nodes) // 2
    nodes[m].left = bst(nodes[:m])
    nodes[m].right = bst(nodes[m + 1:])
    return nodes[m].id


def sort_key(n):
    return (len(n.name), n.name.upper())


def dir_entry(name, typ, left, right, child, start, size, clsid=b"\x00" * 16):
    if name is None:
        return b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) \
            + b"\x00" * 16 + struct.pack("<IQQIQ", 0, 0, 0, 0, 0)
    raw = name.encode("utf-16-le") + b"\x00\x00"
    assert len(raw) <= 64
    return raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), typ, 1) + struct.pack("<III", left, right, child) \
        + clsid + struct.pack("<IQQIQ", 0, 0x01D9_0000_0000_0000, 0x01D9_0000_0000_0000, start, size)


def write_cfb(spec, version=3, extra_difat_sectors=0):
    """Writes a compound file; returns (bytes, layout) where layout locates the structures for mutations."""
    ss = 512 if version == 3 else 4096
    root, index = build_tree(spec)
    nodes = assign_ids(root)
    for n in nodes:
        if n.data is None:
            n.child = bst(sorted(n.children, key=sort_key))

    # Mini stream: streams below 4096 bytes, in 64-byte mini sectors.
    mini = bytearray()
    minifat = []
    for n in nodes[1:]:
        if n.data is not None and 0 < len(n.data) < 4096:
            first = len(mini) // 64
            count = (len(n.data) + 63) // 64
            n.chain = list(range(first, first + count))
            minifat += [s + 1 for s in n.chain[:-1]] + [ENDOFCHAIN]
            n.start, n.size = first, len(n.data)
            mini += n.data + b"\x00" * (count * 64 - len(n.data))
        elif n.data is not None:
            n.size = len(n.data)

    per = ss // 4
    dir_bytes = 128 * len(nodes)
    n_dir = (dir_bytes + ss - 1) // ss
    n_minifat = (len(minifat) * 4 + ss - 1) // ss
    n_mini = (len(mini) + ss - 1) // ss
    big = [n for n in nodes[1:] if n.data is not None and len(n.data) >= 4096]
    n_big = sum((len(n.data) + ss - 1) // ss for n in big)
    rest = n_dir + n_minifat + n_mini + n_big + extra_difat_sectors
    n_fat = 1
    while n_fat * per < n_fat + rest:
        n_fat += 1
    assert n_fat <= 109

    fat = [FREESECT] * (n_fat * per)
    sector = 0
    fat_sectors = list(range(sector, sector + n_fat))
    for s in fat_sectors:
        fat[s] = FATSECT
    sector += n_fat
    difat_sectors = list(range(sector, sector + extra_difat_sectors))
    for s in difat_sectors:
        fat[s] = DIFSECT
    sector += extra_difat_sectors

    def chain(count):
        nonlocal sector
        c = list(range(sector, sector + count))
        for a, b in zip(c, c[1:]):
            fat[a] = b
        if c:
            fat[c[-1]] = ENDOFCHAIN
        sector += count
        return c

    dir_chain = chain(n_dir)
    minifat_chain = chain(n_minifat)
    mini_chain = chain(n_mini)
    for n in big:
        n.chain = chain((len(n.data) + ss - 1) // ss)
        n.start = n.chain[0]
    root.start = mini_chain[0] if mini_chain else ENDOFCHAIN
    root.size = len(mini)

    body = {}
    for k, s in enumerate(fat_sectors):
        body[s] = struct.pack(f"<{per}I", *fat[k * per:(k + 1) * per])
    for s in difat_sectors:
        body[s] = struct.pack(f"<{per}I", *([FREESECT] * (per - 1) + [ENDOFCHAIN]))
    entries = b""
    for n in nodes:
        if n is root:
            entries += dir_entry(n.name, 5, NOSTREAM, NOSTREAM, n.child, n.start, n.size)
        elif n.data is None:
            entries += dir_entry(n.name, 1, n.left, n.right, n.child, 0, 0)
        else:
            entries += dir_entry(n.name, 2, n.left, n.right, NOSTREAM, n.start if n.size else ENDOFCHAIN, n.size)
    while len(entries) < n_dir * ss:
        entries += dir_entry(None, 0, 0, 0, 0, 0, 0)
    for k, s in enumerate(dir_chain):
        body[s] = entries[k * ss:(k + 1) * ss]
    mf = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    mf += struct.pack("<I", FREESECT) * ((n_minifat * ss - len(mf)) // 4)
    for k, s in enumerate(minifat_chain):
        body[s] = mf[k * ss:(k + 1) * ss]
    mini_padded = bytes(mini) + b"\x00" * (n_mini * ss - len(mini))
    for k, s in enumerate(mini_chain):
        body[s] = mini_padded[k * ss:(k + 1) * ss]
    for n in big:
        padded = n.data + b"\x00" * (len(n.chain) * ss - len(n.data))
        for k, s in enumerate(n.chain):
            body[s] = padded[k * ss:(k + 1) * ss]

    difat109 = fat_sectors + [FREESECT] * (109 - len(fat_sectors))
    header = MAGIC + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, version, 0xFFFE, 9 if version == 3 else 12, 6)
    header += b"\x00" * 6
    header += struct.pack("<IIIIIIIII", n_dir if version == 4 else 0, n_fat, dir_chain[0], 0, 4096,
                          minifat_chain[0] if minifat_chain else ENDOFCHAIN, n_minifat,
                          difat_sectors[0] if difat_sectors else ENDOFCHAIN, len(difat_sectors))
    header += struct.pack("<109I", *difat109)
    assert len(header) == 512
    out = bytearray(header + b"\x00" * (ss - 512))
    for s in range(sector):
        out += body[s]
    layout = {
        "ss": ss,
        "fat": ss * (1 + fat_sectors[0]),  # FAT sectors are contiguous
        "dir": ss * (1 + dir_chain[0]),
        "minifat": ss * (1 + minifat_chain[0]) if minifat_chain else None,
        "difat": [ss * (1 + s) for s in difat_sectors],
        "difat_sectors": difat_sectors,
        "id": {p: n.id for p, n in index.items()},
        "chain": {p: n.chain for p, n in index.items()},
        "start": {p: n.start for p, n in index.items()},
        "sectors": sector,
    }
    return bytes(out), layout


def dir_field(layout, path, field):
    """Byte offset of a directory entry field."""
    offsets = {"left": 68, "right": 72, "child": 76, "start": 116, "size": 120, "type": 66, "namelen": 64}
    return layout["dir"] + 128 * layout["id"][path] + offsets[field]


def patch(data, offset, fmt, value):
    b = bytearray(data)
    struct.pack_into(fmt, b, offset, value)
    return bytes(b)


# ---------------------------------------------------------------------------------------------------------------
# Fixture content

INVOICE = (b"Invoice 4711 for order 2026-11-03.\r\n"
           b"Please find the details at https://billing.example.invalid/invoice/4711\r\n"
           b"Kind regards, Accounts\r\n")
REPORT = b"".join(b"Line %04d: quarterly figures for example.invalid, nothing to see here.\n" % i for i in range(70))
SOURCE = b"".join(b"' Module line %04d: this is a test fixture for Emoguard.\r\n" % i for i in range(80))


def ole10native(label, source, temp, payload):
    body = struct.pack("<H", 2) + label + b"\x00" + source + b"\x00" + struct.pack("<HH", 0, 3)
    body += struct.pack("<I", len(temp) + 1) + temp + b"\x00" + struct.pack("<I", len(payload)) + payload
    for s in (temp, label, source):
        u = s.decode("latin-1").encode("utf-16-le")
        body += struct.pack("<I", len(u) // 2) + u
    return struct.pack("<I", len(body)) + body


NATIVE = ole10native(b"invoice.txt", b"C:\\Users\\clerk\\Desktop\\invoice.txt",
                     b"C:\\Users\\clerk\\AppData\\Local\\Temp\\invoice.txt", INVOICE)

SMALL_SPEC = [
    ("WordDocument", REPORT),  # 4970 bytes: regular sectors
    ("\x01CompObj", b"\x01\x00\xfe\xff" + b"compobj fixture" * 5),
    ("\x05SummaryInformation", b"\xfe\xff\x00\x00" + b"summary" * 40),
    ("Macros/VBA/dir", b"dir stream fixture " * 10),
    ("Macros/VBA/ThisDocument", SOURCE),  # 4720 bytes
    ("Macros/VBA/Module1", b""),
    ("ObjectPool/_1234567890/\x01Ole10Native", NATIVE),
    ("ObjectPool/_1234567890/\x03ObjInfo", b"\x00\x00\x03\x00\x01\x00"),
]

# A deep tree for the depth limit: five nested storages.
DEEP_SPEC = [("a/b/c/d/e/leaf", b"deep leaf"), ("top", b"top stream")]


def ole1_package_object(native_without_size):
    """An OLE 1.0 embedded object of class Package, as RTF's \\objdata carries it."""
    def lp(s):
        return struct.pack("<I", len(s) + 1) + s + b"\x00"
    return struct.pack("<II", 0x0501, 2) + lp(b"Package") + lp(b"") + lp(b"") \
        + struct.pack("<I", len(native_without_size)) + native_without_size


def ppt_fixture():
    """A "PowerPoint Document" stream with ExOleObjStg records in every storage form the reader must handle."""
    inner, _ = write_cfb([("\x01Ole10Native", NATIVE), ("\x01CompObj", b"\x01\x00\xfe\xff package")])

    def record(ver, instance, rtype, body):
        return struct.pack("<HHI", (instance << 4) | ver, rtype, len(body)) + body

    def compressed(level=9, strategy=zlib.Z_DEFAULT_STRATEGY):
        c = zlib.compressobj(level, zlib.DEFLATED, 15, 9, strategy)
        return struct.pack("<I", len(inner)) + c.compress(inner) + c.flush()

    atom = record(0, 0, 0x0FC3, b"\x00" * 24)  # ExOleObjAtom-like filler
    stream = atom + record(0, 1, 0x1011, compressed())  # dynamic Huffman
    stream += record(0xF, 0, 0x0FF0, atom + record(0, 1, 0x1011, compressed(6, zlib.Z_FIXED)))  # in a container
    stream += record(0, 1, 0x1011, compressed(0))  # stored blocks
    stream += record(0, 0, 0x1011, inner)  # not compressed
    return write_cfb([("PowerPoint Document", stream), ("Current User", b"\x00" * 20)])[0]


def zlib_vectors_fixture():
    """ExOleObjStg records holding zlib streams of every DEFLATE flavour, to check the inflater against zlib."""
    import random
    rng = random.Random(1950)
    noise = bytes(rng.getrandbits(8) for _ in range(3000))
    runs = b"".join(bytes([rng.getrandbits(8)]) * rng.randint(1, 300) for _ in range(120))
    far = REPORT[:1200] + bytes(rng.getrandbits(8) for _ in range(30000)) + REPORT[:1200]  # 31 KB distances
    skewed = bytes(rng.choice(b"aaaaaaaabbbbccd\x00\xff") for _ in range(6000))  # long and short codes
    vectors = [
        (REPORT, 9, zlib.Z_DEFAULT_STRATEGY), (REPORT, 1, zlib.Z_DEFAULT_STRATEGY), (REPORT, 6, zlib.Z_FIXED),
        (REPORT, 6, zlib.Z_HUFFMAN_ONLY), (runs, 6, zlib.Z_RLE), (runs, 9, zlib.Z_DEFAULT_STRATEGY),
        (noise, 9, zlib.Z_DEFAULT_STRATEGY), (noise, 0, zlib.Z_DEFAULT_STRATEGY), (far, 9, zlib.Z_DEFAULT_STRATEGY),
        (skewed, 9, zlib.Z_FILTERED), (skewed, 6, zlib.Z_HUFFMAN_ONLY), (b"", 9, zlib.Z_DEFAULT_STRATEGY),
        (b"x", 6, zlib.Z_FIXED), (SOURCE + NATIVE, 4, zlib.Z_DEFAULT_STRATEGY),
    ]
    stream = b""
    for data, level, strategy in vectors:
        c = zlib.compressobj(level, zlib.DEFLATED, 15, 9, strategy)
        body = struct.pack("<I", len(data)) + c.compress(data) + c.flush()
        stream += struct.pack("<HHI", 1 << 4, 0x1011, len(body)) + body
    return write_cfb([("PowerPoint Document", stream)])[0]


# ---------------------------------------------------------------------------------------------------------------
# Malformed specimens

def malformed(manifest, name, data, anomalies=(), error=None, note=""):
    with open(os.path.join(OUT, "malformed", name), "wb") as f:
        f.write(data)
    manifest.append({"file": name, "anomalies": sorted(set(anomalies)), "error": error, "note": note})


def make_malformed(small, layout, small4, layout4):
    m = []
    ss = layout["ss"]
    fat = layout["fat"]

    def fat_entry(s):
        return fat + 4 * s

    wd = layout["chain"]["WordDocument"]
    td = layout["chain"]["Macros/VBA/ThisDocument"]
    # FAT loop: the last sector of WordDocument points back at its first.
    malformed(m, "fat-loop.cfb", patch(small, fat_entry(wd[-1]), "<I", wd[0]), ["fat-loop"],
              note="WordDocument's chain loops")
    # A loop in the middle: sector 3 of the chain points at sector 1.
    malformed(m, "fat-loop-inner.cfb", patch(small, fat_entry(wd[3]), "<I", wd[1]), ["fat-loop"])
    # Self loop in the directory chain.
    dir_sector = (layout["dir"] // ss) - 1
    malformed(m, "fat-loop-directory.cfb", patch(small, fat_entry(dir_sector + 1), "<I", dir_sector), ["fat-loop"],
              note="the directory chain loops back on itself")

    # DIFAT loop: a file with one DIFAT sector whose next pointer is itself.
    with_difat, ld = write_cfb(SMALL_SPEC, extra_difat_sectors=2)
    d0, d1 = ld["difat"]
    s0, s1 = ld["difat_sectors"]
    looped = patch(with_difat, d0 + ss - 4, "<I", s1)
    looped = patch(looped, d1 + ss - 4, "<I", s0)
    looped = patch(looped, 72, "<I", 2)
    malformed(m, "difat-loop.cfb", looped, ["difat-loop"])
    malformed(m, "difat-self-loop.cfb", patch(patch(with_difat, d0 + ss - 4, "<I", s0), 72, "<I", 2), ["difat-loop"])

    # Mini FAT loop: the dir stream's last mini sector points at its first.
    dchain = layout["chain"]["Macros/VBA/dir"]
    malformed(m, "minifat-loop.cfb", patch(small, layout["minifat"] + 4 * dchain[-1], "<I", dchain[0]),
              ["minifat-loop"])
    # The mini FAT's own chain (a FAT chain) loops.
    mf_sector = (layout["minifat"] // ss) - 1
    malformed(m, "minifat-chain-loop.cfb", patch(patch(small, fat_entry(mf_sector), "<I", mf_sector), 64, "<I", 3),
              ["fat-loop"])

    # Truncation: the file ends 100 bytes into its last sector, and inside the directory.
    malformed(m, "truncated-last-sector.cfb", small[:-100], ["truncated-sector"])
    malformed(m, "truncated-mid.cfb", small[:layout["dir"] + 200], ["truncated-sector", "sector-out-of-range"])
    malformed(m, "truncated-header.cfb", small[:300], error="truncated")

    # Sector out of range: WordDocument's chain jumps far past the end; a FAT sector past the end.
    malformed(m, "sector-out-of-range.cfb", patch(small, fat_entry(wd[2]), "<I", 0x00100000), ["sector-out-of-range"])
    malformed(m, "start-out-of-range.cfb", patch(small, dir_field(layout, "WordDocument", "start"), "<I", 0x7FFFFFF0),
              ["sector-out-of-range"])
    malformed(m, "fat-sector-out-of-range.cfb", patch(small, 76, "<I", 0x00FFFFFF), ["sector-out-of-range"])
    malformed(m, "chain-hits-freesect.cfb", patch(small, fat_entry(wd[1]), "<I", FREESECT), ["sector-out-of-range"])
    malformed(m, "mini-out-of-range.cfb",
              patch(small, dir_field(layout, "Macros/VBA/dir", "start"), "<I", 100000), ["sector-out-of-range"])

    # Sizes that lie.
    malformed(m, "size-larger-than-chain.cfb",
              patch(small, dir_field(layout, "WordDocument", "size"), "<Q", len(REPORT) + 3 * ss), ["size-mismatch"])
    malformed(m, "chain-longer-than-size.cfb",
              patch(small, dir_field(layout, "WordDocument", "size"), "<Q", 4096), ["size-mismatch"])
    malformed(m, "v3-size-high-bits.cfb",
              patch(small, dir_field(layout, "WordDocument", "size"), "<Q", (1 << 40) | len(REPORT)),
              ["size-high-bits"], note="high bits ignored: the stream still reads whole")
    malformed(m, "absurd-size-v3.cfb",
              patch(small, dir_field(layout, "WordDocument", "size"), "<Q", 0xFFFFFFF0), ["absurd-size"])
    malformed(m, "absurd-size-v4.cfb",
              patch(small4, dir_field(layout4, "WordDocument", "size"), "<Q", 1 << 63), ["absurd-size"])
    malformed(m, "absurd-root-size.cfb", patch(small, dir_field(layout, "", "size"), "<Q", 0xFFFFFF00),
              ["absurd-size"])

    # Directory trees that lie.
    vba = "Macros/VBA"
    first_child = layout["id"]["Macros/VBA/dir"]
    # Make a leaf of VBA's child tree point back at the "Macros" storage (an ancestor).
    leaf = None
    for p in ("Macros/VBA/dir", "Macros/VBA/Module1", "Macros/VBA/ThisDocument"):
        off = dir_field(layout, p, "left")
        if struct.unpack_from("<I", small, off)[0] == NOSTREAM:
            leaf = p
            break
    malformed(m, "directory-cycle.cfb", patch(small, dir_field(layout, leaf, "left"), "<I", layout["id"]["Macros"]),
              ["directory-cycle"], note="a child points back to an ancestor storage")
    malformed(m, "directory-cycle-root.cfb", patch(small, dir_field(layout, leaf, "left"), "<I", 0),
              ["directory-cycle"], note="a child points back to the root")
    malformed(m, "directory-self-child.cfb", patch(small, dir_field(layout, vba, "child"), "<I", layout["id"][vba]),
              ["directory-cycle"], note="a storage is its own child")
    malformed(m, "directory-out-of-range.cfb", patch(small, dir_field(layout, leaf, "left"), "<I", 9999),
              ["directory-out-of-range"])
    # A stream shared by two storages: ObjectPool's child tree points into VBA's tree too.
    obj = "ObjectPool/_1234567890"
    malformed(m, "directory-shared-entry.cfb",
              patch(small, dir_field(layout, obj, "child"), "<I", first_child), ["directory-cycle"],
              note="an entry referenced twice is listed once")
    malformed(m, "directory-start-out-of-range.cfb", patch(small, 48, "<I", 0x0FFFFFFF),
              ["sector-out-of-range", "bad-directory-entry"], note="no directory at all: an empty tree")

    # Overlapping streams: ThisDocument starts inside WordDocument's chain.
    malformed(m, "overlapping-streams.cfb",
              patch(small, dir_field(layout, "Macros/VBA/ThisDocument", "start"), "<I", wd[1]),
              ["overlapping-streams"])
    malformed(m, "overlapping-mini-streams.cfb",
              patch(small, dir_field(layout, "\x01CompObj", "start"), "<I", dchain[0]), ["overlapping-streams"])
    malformed(m, "stream-over-fat.cfb",
              patch(small, dir_field(layout, "Macros/VBA/ThisDocument", "start"), "<I", 0), ["overlapping-streams"],
              note="a stream whose chain starts on the FAT sector")

    # Headers.
    malformed(m, "v4-512-byte-sectors.cfb", patch(small, 26, "<H", 4), ["bad-sector-size"])
    malformed(m, "v3-4096-byte-sectors.cfb", patch(small4, 26, "<H", 3), ["bad-sector-size"])
    malformed(m, "bad-sector-shift.cfb", patch(small, 30, "<H", 40), error="bad-sector-size")
    malformed(m, "bad-byte-order.cfb", patch(small, 28, "<H", 0xFEFF), ["bad-header"])
    malformed(m, "bad-version.cfb", patch(small, 26, "<H", 7), ["bad-header"])
    malformed(m, "bad-mini-sector-shift.cfb", patch(small, 32, "<H", 30), ["bad-sector-size"])
    malformed(m, "not-cfb.bin", b"PK\x03\x04" + small[4:], error="not-cfb")
    malformed(m, "fat-count-mismatch.cfb", patch(small, 44, "<I", 7), ["size-mismatch"])
    malformed(m, "trailing-data.cfb", small + b"appended payload, not part of the file\n" * 20, ["trailing-data"])
    malformed(m, "empty-entry-in-tree.cfb", patch(small, dir_field(layout, leaf, "type"), "<B", 0),
              ["bad-directory-entry"])
    malformed(m, "bad-name-length.cfb", patch(small, dir_field(layout, "WordDocument", "namelen"), "<H", 200),
              ["bad-directory-entry"])
    # Two siblings named alike: Module1 renamed "thisdocument" (same length as the original name is not needed).
    renamed = bytearray(small)
    raw = "thisdocument".encode("utf-16-le") + b"\x00\x00"
    off = layout["dir"] + 128 * layout["id"]["Macros/VBA/Module1"]
    renamed[off:off + 64] = raw.ljust(64, b"\x00")
    struct.pack_into("<H", renamed, off + 64, len(raw))
    malformed(m, "duplicate-name.cfb", bytes(renamed), ["duplicate-name"],
              note="a second ThisDocument (differing in case) hides behind the first")
    malformed(m, "unknown-entry-type.cfb", patch(small, dir_field(layout, "Macros/VBA/Module1", "type"), "<B", 3), [],
              note="type 3 is listed as unknown and cannot be read as a stream")

    with open(os.path.join(OUT, "malformed", "manifest.json"), "w") as f:
        json.dump(m, f, indent=1)
        f.write("\n")
    print(f"malformed: {len(m)} specimens")


def main():
    for sub in ("golden", "embedded", "fixtures", "malformed"):
        path = os.path.join(OUT, sub)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
    os.makedirs(FUZZ_SEEDS, exist_ok=True)

    small, layout = write_cfb(SMALL_SPEC, version=3)
    small4, layout4 = write_cfb(SMALL_SPEC, version=4)
    deep, _ = write_cfb(DEEP_SPEC, version=3)
    many = [(f"S{i:03d}", b"stream %d\n" % i) for i in range(300)]
    wide, _ = write_cfb(many, version=3)
    fixtures = {"small.cfb": small, "small-v4.cfb": small4, "deep.cfb": deep, "wide.cfb": wide,
                "ppt-objects.cfb": ppt_fixture(), "zlib-vectors.cfb": zlib_vectors_fixture()}
    for name, data in fixtures.items():
        with open(os.path.join(OUT, "fixtures", name), "wb") as f:
            f.write(data)
        write_golden(describe(data, "fixture", name), "fixture!" + name)
        print(f"{name}: {len(data)} bytes")
    # OLE 1.0 objects for the OLE10Native tests.
    with open(os.path.join(OUT, "fixtures", "package-ole1.bin"), "wb") as f:
        f.write(ole1_package_object(NATIVE[4:]))
    with open(os.path.join(OUT, "fixtures", "ole10native.bin"), "wb") as f:
        f.write(NATIVE)

    make_malformed(small, layout, small4, layout4)
    corpus_goldens()

    for name in ("small.cfb", "deep.cfb", "ppt-objects.cfb", "zlib-vectors.cfb"):
        shutil.copy(os.path.join(OUT, "fixtures", name), os.path.join(FUZZ_SEEDS, name))
    for name in ("fat-loop.cfb", "minifat-loop.cfb", "difat-loop.cfb", "directory-cycle.cfb",
                 "overlapping-streams.cfb"):
        shutil.copy(os.path.join(OUT, "malformed", name), os.path.join(FUZZ_SEEDS, name))
    shutil.copy(os.path.join(OUT, "fixtures", "ole10native.bin"), os.path.join(FUZZ_SEEDS, "ole10native.bin"))


if __name__ == "__main__":
    sys.exit(main())
