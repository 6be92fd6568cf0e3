#!/usr/bin/env python3
"""Builds the OneNote test fixtures in Tests/OneNoteTests/Resources/ and checks them with the PyPI peers.

Regenerate (from the repository root):

    python3 -m venv .venv-onenote
    .venv-onenote/bin/pip install one-extract==0.1.4 pyonenote==0.0.2
    .venv-onenote/bin/python scripts/make-onenote-fixtures.py

(one-extract pins msoffcrypto-tool 5, which the other fixture scripts' venv must not be downgraded to, hence a venv
of its own.) `gcab` (Debian package gcab) builds the .onepkg cabinets; the script installs it with apt-get when it
is missing and it runs as root.

Output:

- fixtures/lure-wsf.one: a OneNote 2010+ section (MS-ONESTORE revision store, written here structure by structure)
  with one page whose title is "Invoice 2023-03", a lure paragraph "Double click to view file", and an embedded file
  node named invoice.wsf whose FileDataStoreObject holds a benign WSF script.
- fixtures/picture-png.one: the same page with an image node (ImageFilename logo.png) whose picture container is a
  FileDataStoreObject holding a small valid PNG.
- fixtures/unnamed.one: a FileDataStoreObject (a benign VBS) that no node references: found by the signature scan,
  named embedded[0].
- fixtures/lure-wsf.onepkg, fixtures/both.onepkg: cabinets made by gcab around the sections (MSZIP, and stored).
- fixtures/stored.cab: a cabinet written here (no compression, checksums, a reserved area, a UTF-8 name).
- malformed/*: the valid section with one structure broken, and cabinets with broken fields (manifest.json says
  which error or anomaly each must give).
- golden/*.json: pyOneNote 0.0.2's view of each section (its files: GUID, extension, identity and content
  SHA-256/size; and the EmbeddedFileName / ImageFilename properties bound to those identities, as pyOneNote's
  command line binds them) and one-extract 0.1.4's (the blobs its signature scan finds, and page titles).

What is synthetic: the structures are those of MS-ONESTORE, with every list, fragment, node, property set and
file data store object as the specification lays them out, but the content model is reduced to what the parsers
read: one object space, one revision with one object group, and property sets for page metadata, a rich text
paragraph and an embedded file (or image) node, none of the page/outline/layout graph that OneNote itself writes
(a jcidPageNode tree, styles, author objects). The transaction log has one transaction with the node counts of
every list and a zero CRC; crcName, the hashed chunk list and the free chunk list are empty. OneNote itself would
probably refuse to open these files; the parsers under test and the peers read them.

Every content written here is benign; URLs use example.invalid.
"""

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import uuid
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "OneNoteTests", "Resources")
FUZZ_SEEDS = os.path.join(ROOT, "fuzz", "corpus", "FuzzOneNote")

GUID_ONE = uuid.UUID("{7B5C52E4-D88C-4DA7-AEB1-5378D02996D3}")
GUID_FILE_FORMAT = uuid.UUID("{109ADD3F-911B-49F5-A5D0-1791EDC8AED8}")
GUID_BLOB_HEADER = uuid.UUID("{BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC}")
GUID_BLOB_FOOTER = uuid.UUID("{71FBA722-0F79-4A0B-BB13-899256426B24}")
FRAGMENT_MAGIC = 0xA4567AB1F5F7F4C4
FRAGMENT_FOOTER = 0x8BC215C38233BA4B

WSF = b'<job><script language="VBScript">MsgBox "x"</script></job>'
VBS = b'MsgBox "benign unnamed blob"\r\n'


def png_bytes():
    """A valid 4x4 grey PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x80" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = png_bytes()


def g(s):
    return uuid.UUID(s)


def guid_bytes(u):
    return u.bytes_le


def xguid(u, n):
    """ExtendedGUID: a GUID and a 32-bit n."""
    return guid_bytes(u) + struct.pack("<I", n)


def compact_id(n, index):
    return struct.pack("<I", (index << 8) | n)


def wz(s):
    return s.encode("utf-16-le")


# ---------------------------------------------------------------------------------------------------------------
# File nodes

class Ref:
    """A FileNodeChunkReference to be patched once the layout is known."""

    def __init__(self, target, stp_format=0, cb_format=0):
        self.target = target
        self.stp_format = stp_format
        self.cb_format = cb_format

    def size(self):
        return (8, 4, 2, 4)[self.stp_format] + (4, 8, 1, 2)[self.cb_format]

    def encode(self, layout):
        stp, cb = layout[self.target]
        if self.stp_format >= 2:
            assert stp % 8 == 0, (self.target, stp)
            stp //= 8
        if self.cb_format >= 2:
            assert cb % 8 == 0, (self.target, cb)
            cb //= 8
        return struct.pack("<" + "QIHI"[self.stp_format], stp) + struct.pack("<" + "IQBH"[self.cb_format], cb)


class Node:
    def __init__(self, node_id, base_type=0, ref=None, body=b"", tail=b""):
        self.node_id = node_id
        self.base_type = base_type
        self.ref = ref
        self.body = body    # before the reference (none so far)
        self.tail = tail    # after the reference

    def size(self):
        return 4 + (self.ref.size() if self.ref else 0) + len(self.body) + len(self.tail)

    def encode(self, layout):
        size = self.size()
        stp_format = self.ref.stp_format if self.ref else 0
        cb_format = self.ref.cb_format if self.ref else 0
        header = (self.node_id | (size << 10) | (stp_format << 23) | (cb_format << 25) | (self.base_type << 27))
        out = struct.pack("<I", header) + self.body
        if self.ref:
            out += self.ref.encode(layout)
        return out + self.tail


def fragment(list_id, nodes, layout):
    body = struct.pack("<QII", FRAGMENT_MAGIC, list_id, 0)
    for node in nodes:
        body += node.encode(layout)
    # nextFragment: fcrNil (the list has one fragment), then the footer.
    return body + struct.pack("<QI", 0xFFFFFFFFFFFFFFFF, 0) + struct.pack("<Q", FRAGMENT_FOOTER)


def fragment_size(nodes):
    return 16 + sum(n.size() for n in nodes) + 20


# ---------------------------------------------------------------------------------------------------------------
# Property sets

PT_NODATA, PT_BOOL, PT_1, PT_2, PT_4, PT_8, PT_BYTES, PT_OID, PT_OIDS = 1, 2, 3, 4, 5, 6, 7, 8, 9


def prop_set(oids, props):
    """ObjectSpaceObjectPropSet: the OIDs stream (no OSIDs, no context IDs), then a PropertySet.
    props: (property id, type, value)."""
    out = struct.pack("<I", len(oids) | (1 << 31))
    for oid in oids:
        out += oid
    out += struct.pack("<H", len(props))
    data = b""
    for pid, ptype, value in props:
        out += struct.pack("<I", (pid & 0x3FFFFFF) | (ptype << 26))
        if ptype == PT_BYTES:
            data += struct.pack("<I", len(value)) + value
        elif ptype in (PT_1, PT_2, PT_4, PT_8):
            data += value
        elif ptype == PT_OIDS:
            data += struct.pack("<I", value)
    out += data
    return out


def pad8(b):
    return b + b"\x00" * (-len(b) % 8)


P_CACHED_TITLE = 0x1CF3
P_NOTEBOOK_GUID = 0x1C30
P_PAGE_LEVEL = 0x1DFF
P_SCHEMA_REV = 0x1D82
P_CREATION_TS = 0x1D09
P_TOPOLOGY_TS = 0x1C65
P_RICH_TEXT = 0x1C22
P_EMBEDDED_CONTAINER = 0x1D9B
P_EMBEDDED_NAME = 0x1D9C
P_SOURCE_PATH = 0x1D9D
P_PICTURE_CONTAINER = 0x1C3F
P_IMAGE_FILENAME = 0x1DD7
P_IMAGE_ALT = 0x1E58

JCID_PAGE_METADATA = 0x00020030
JCID_RICH_TEXT = 0x0006000E
JCID_EMBEDDED_FILE = 0x00060035
JCID_IMAGE = 0x00060011
JCID_EMBEDDED_CONTAINER = 0x00080036
JCID_PICTURE_CONTAINER = 0x00080039


def blob(data):
    """FileDataStoreObject: header GUID, length, 4 unused, 8 reserved, data, padding to 8, footer GUID."""
    out = guid_bytes(GUID_BLOB_HEADER) + struct.pack("<QI", len(data), 0) + b"\x00" * 8 + data
    out = pad8(out)
    return out + guid_bytes(GUID_BLOB_FOOTER)


# ---------------------------------------------------------------------------------------------------------------
# A section

def section(kind, seed):
    """Builds a .one file. kind: "wsf", "png" or "unnamed"."""
    ns = uuid.UUID(int=seed)
    G = lambda i: uuid.uuid5(ns, str(i))  # noqa: E731  deterministic GUIDs
    gosid, rid, group_id, root_oid = G("gosid"), G("rid"), G("group"), G("root")
    object_guid = G("objects")
    blob_guid = G("blob")

    # Objects of the page: CompactIDs with guidIndex 0 (object_guid) and n = 1...
    oid_meta, oid_text, oid_node, oid_file = (compact_id(i, 0) for i in (1, 2, 3, 4))

    title = "Invoice 2023-03"
    meta = prop_set([], [
        (P_CACHED_TITLE, PT_BYTES, wz(title)),
        (P_NOTEBOOK_GUID, PT_BYTES, guid_bytes(G("notebook"))),
        (P_PAGE_LEVEL, PT_4, struct.pack("<I", 1)),
        (P_SCHEMA_REV, PT_4, struct.pack("<I", 0x00000400)),
        (P_CREATION_TS, PT_4, struct.pack("<I", 1_300_000_000)),
        (P_TOPOLOGY_TS, PT_8, struct.pack("<Q", 133_220_000_000_000_000)),  # 2023-03-01
    ])
    text = prop_set([], [(P_RICH_TEXT, PT_BYTES, wz("Double click to view file"))])
    if kind == "wsf":
        node_jcid, container_jcid, payload, ext = JCID_EMBEDDED_FILE, JCID_EMBEDDED_CONTAINER, WSF, ".wsf"
        node = prop_set([oid_file], [
            (P_EMBEDDED_CONTAINER, PT_OID, None),
            (P_EMBEDDED_NAME, PT_BYTES, wz("invoice.wsf")),
            (P_SOURCE_PATH, PT_BYTES, wz(r"C:\Users\user\Desktop\invoice.wsf")),
        ])
    else:
        node_jcid, container_jcid, payload, ext = JCID_IMAGE, JCID_PICTURE_CONTAINER, PNG, ".png"
        node = prop_set([oid_file], [
            (P_PICTURE_CONTAINER, PT_OID, None),
            (P_IMAGE_FILENAME, PT_BYTES, wz("logo.png")),
            (P_IMAGE_ALT, PT_BYTES, wz("Company logo")),
        ])
    if kind == "unnamed":
        payload = VBS

    decl = lambda target, oid, jcid: Node(  # noqa: E731  ObjectDeclaration2RefCountFND, compressed reference
        0x0A4, 1, Ref(target, 3, 3), tail=oid + struct.pack("<IB", jcid, 0x01 if target == "ps-node" else 0) + b"\x01")

    lists = {}
    lists["root"] = (0x10, [
        Node(0x004, tail=xguid(gosid, 1)),
        Node(0x008, 2, Ref("osm"), tail=xguid(gosid, 1)),
        Node(0x090, 2, Ref("fds")),
    ])
    lists["osm"] = (0x11, [
        Node(0x00C, tail=xguid(gosid, 1)),
        Node(0x010, 2, Ref("rml")),
    ])
    lists["rml"] = (0x12, [
        Node(0x014, tail=xguid(gosid, 1) + struct.pack("<I", 0)),
        Node(0x01E, tail=xguid(rid, 1) + xguid(uuid.UUID(int=0), 0) + struct.pack("<IH", 1, 0)),
        Node(0x0B0, 2, Ref("group"), tail=xguid(group_id, 1)),
        Node(0x05A, tail=xguid(root_oid, 1) + struct.pack("<I", 1)),
        Node(0x01C),
    ])
    group = [
        Node(0x0B4, tail=xguid(group_id, 1)),
        Node(0x022),
        Node(0x024, tail=struct.pack("<I", 0) + guid_bytes(object_guid)),
        Node(0x028),
        decl("ps-meta", oid_meta, JCID_PAGE_METADATA),
        decl("ps-text", oid_text, JCID_RICH_TEXT),
    ]
    if kind != "unnamed":
        group.append(decl("ps-node", oid_node, node_jcid))
        ref = "<ifndf>{%s}" % str(blob_guid)
        group.append(Node(0x072, tail=oid_file + struct.pack("<IB", container_jcid, 1)
                          + struct.pack("<I", len(ref)) + wz(ref) + struct.pack("<I", len(ext)) + wz(ext)))
    group.append(Node(0x0B8))
    lists["group"] = (0x13, group)
    lists["fds"] = (0x14, [Node(0x094, 1, Ref("blob"), tail=guid_bytes(blob_guid))] if kind != "unnamed" else [])

    chunks = {
        "ps-meta": pad8(meta),
        "ps-text": pad8(text),
        "ps-node": pad8(node),
        "blob": blob(payload),
    }
    if kind == "unnamed":
        del chunks["ps-node"]
        lists["root"] = (0x10, lists["root"][1][:2])  # no file data store list at all
        del lists["fds"]

    # Layout: header, transaction log, lists, then 8-aligned chunks.
    layout = {}
    pos = 1024
    transactions = [(list_id, len(nodes)) for list_id, nodes in lists.values()]
    tlog_size = 8 * (len(transactions) + 1) + 12
    layout["tlog"] = (pos, tlog_size)
    pos += tlog_size
    for name, (list_id, nodes) in lists.items():
        layout[name] = (pos, fragment_size(nodes))
        pos += fragment_size(nodes)
    pos += -pos % 8
    for name, data in chunks.items():
        layout[name] = (pos, len(data))
        pos += len(data)
    total = pos

    out = bytearray(total)
    tlog = b"".join(struct.pack("<II", list_id, count) for list_id, count in transactions)
    tlog += struct.pack("<II", 1, 0) + struct.pack("<QI", 0xFFFFFFFFFFFFFFFF, 0)
    out[layout["tlog"][0]:layout["tlog"][0] + tlog_size] = tlog
    for name, (list_id, nodes) in lists.items():
        stp, cb = layout[name]
        out[stp:stp + cb] = fragment(list_id, nodes, layout)
    for name, data in chunks.items():
        stp, cb = layout[name]
        out[stp:stp + cb] = data

    nil64 = struct.pack("<QI", 0xFFFFFFFFFFFFFFFF, 0)
    zero64 = struct.pack("<QI", 0, 0)
    h = guid_bytes(GUID_ONE) + guid_bytes(G("file")) + b"\x00" * 16 + guid_bytes(GUID_FILE_FORMAT)
    h += struct.pack("<IIII", 0x2A, 0x2A, 0x2A, 0x2A)
    h += struct.pack("<II", 0, 0)                       # fcrLegacyFreeChunkList: fcrZero
    h += struct.pack("<II", 0xFFFFFFFF, 0)              # fcrLegacyTransactionLog: fcrNil
    h += struct.pack("<II", 1, 0)                       # cTransactionsInLog, cbLegacyExpectedFileLength
    h += b"\x00" * 8                                    # rgbPlaceholder
    h += struct.pack("<II", 0xFFFFFFFF, 0)              # fcrLegacyFileNodeListRoot: fcrNil
    h += struct.pack("<I", 0) + bytes([0, 0, 0, 0])     # cbLegacyFreeSpaceInFreeChunkList, flags
    h += b"\x00" * 16 + struct.pack("<I", 0)            # guidAncestor, crcName
    h += nil64                                          # fcrHashedChunkList
    h += struct.pack("<QI", *layout["tlog"])            # fcrTransactionLog
    h += struct.pack("<QI", *layout["root"])            # fcrFileNodeListRoot
    h += nil64                                          # fcrFreeChunkList
    h += struct.pack("<QQ", total, 0)                   # cbExpectedFileLength, cbFreeSpaceInFreeChunkList
    h += guid_bytes(G("version")) + struct.pack("<Q", 1) + guid_bytes(G("deny"))
    h += struct.pack("<I", 0) + zero64 + zero64 + struct.pack("<IIII", 0, 0, 0, 0)
    h += b"\x00" * (1024 - len(h))
    assert len(h) == 1024
    out[0:1024] = h
    info = {
        "blobOffset": layout["blob"][0], "blobGUID": str(blob_guid), "payloadSHA256": sha256(payload),
        "payloadSize": len(payload), "layout": {k: list(v) for k, v in layout.items()},
    }
    return bytes(out), info


def sha256(b):
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# Peers

def pyonenote_golden(path):
    from pyOneNote.OneDocument import OneDocment
    with open(path, "rb") as f:
        doc = OneDocment(f)
        files = doc.get_files()
        props = doc.get_properties()
    names = {}
    for p in props:
        val = p["val"]
        for container, name_key in (("EmbeddedFileContainer", "EmbeddedFileName"), ("PictureContainer", "ImageFilename")):
            if container in val and name_key in val:
                names[val[container][0]] = val[name_key]
    out = []
    for guid, f in files.items():
        content = f["content"] if isinstance(f["content"], bytes) else b""
        out.append({"guid": guid, "extension": f["extension"], "identity": f["identity"],
                    "name": names.get(f["identity"]), "size": len(content), "sha256": sha256(content)})
    texts = [p["val"].get("RichEditTextUnicode") for p in props if "RichEditTextUnicode" in p["val"]]
    titles = [p["val"].get("CachedTitleString") for p in props if "CachedTitleString" in p["val"]]
    return {"files": out, "texts": texts, "titles": titles,
            "types": [p["type"] for p in props]}


def one_extract_golden(data):
    from one_extract import OneNoteExtractor
    ex = OneNoteExtractor(data)
    blobs = [{"size": len(b), "sha256": sha256(b)} for b in ex.extract_files()]
    titles = [m.title for m in ex.extract_meta()]
    return {"files": blobs, "titles": titles}


# ---------------------------------------------------------------------------------------------------------------
# Cabinets

CAB_TIME = 1677672000  # 2023-03-01 12:00:00 UTC: gcab stores the files' modification times


def ensure_gcab():
    if shutil.which("gcab"):
        return "gcab"
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "gcab"], check=True, stdout=subprocess.DEVNULL)
        return "gcab"
    sys.exit("gcab is missing: apt-get install gcab")


def gcab(out, files, compress):
    """Builds a cabinet with gcab from (name, bytes) pairs, in a temporary directory, names without paths."""
    tmp = os.path.join(OUT, ".gcab-tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for name, data in files:
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)
        os.utime(os.path.join(tmp, name), (CAB_TIME, CAB_TIME))
    args = ["gcab", "-c", "-n"] + (["-z"] if compress else []) + [os.path.abspath(out)] + [name for name, _ in files]
    subprocess.run(args, cwd=tmp, check=True)
    shutil.rmtree(tmp)


def cab_checksum(data, seed=0):
    """The cabinet checksum (MS-CAB): 32-bit little-endian words XORed, the tail bytes folded in high first."""
    csum = seed
    n = len(data) // 4
    for i in range(n):
        csum ^= struct.unpack_from("<I", data, 4 * i)[0]
    ul = 0
    tail = data[4 * n:]
    if len(tail) == 3:
        ul = tail[0] << 16 | tail[1] << 8 | tail[2]
    elif len(tail) == 2:
        ul = tail[0] << 8 | tail[1]
    elif len(tail) == 1:
        ul = tail[0]
    return csum ^ ul


def stored_cab(files, reserve=True, block=4096):
    """A cabinet written here: one uncompressed folder, CFDATA blocks of `block` bytes with checksums, a reserved
    area in the header, folders and blocks (flags 0x0004), names UTF-8 when they are not ASCII."""
    content = b"".join(data for _, data in files)
    blocks = [content[i:i + block] for i in range(0, len(content), block)] or [b""]
    cb_header_reserve, cb_folder_reserve, cb_data_reserve = (6, 2, 1) if reserve else (0, 0, 0)
    header_size = 36 + (4 + cb_header_reserve if reserve else 0)
    folder_size = 8 + cb_folder_reserve
    file_entries = b""
    offset = 0
    for name, data in files:
        ascii_name = all(ord(c) < 128 for c in name)
        attribs = 0x20 | (0 if ascii_name else 0x80)
        file_entries += struct.pack("<IIHHHH", len(data), offset, 0, 0x5661, 0x6000, attribs)
        file_entries += name.encode("utf-8") + b"\x00"
        offset += len(data)
    coff_files = header_size + folder_size
    data_start = coff_files + len(file_entries)
    cfdata = b""
    for b in blocks:
        fields = struct.pack("<HH", len(b), len(b))
        csum = cab_checksum(fields, cab_checksum(b))
        cfdata += struct.pack("<I", csum) + fields + b"\x00" * cb_data_reserve + b
    total = data_start + len(cfdata)
    flags = 0x0004 if reserve else 0
    header = b"MSCF" + struct.pack("<IIIIIBBHHHHH", 0, total, 0, coff_files, 0, 3, 1, 1, len(files), flags, 0x1234, 0)
    if reserve:
        header += struct.pack("<HBB", cb_header_reserve, cb_folder_reserve, cb_data_reserve) + b"R" * cb_header_reserve
    folder = struct.pack("<IHH", data_start, len(blocks), 0) + b"F" * cb_folder_reserve
    return header + folder + file_entries + cfdata


# ---------------------------------------------------------------------------------------------------------------

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    for d in ("fixtures", "malformed", "golden"):
        shutil.rmtree(os.path.join(OUT, d), ignore_errors=True)
    sections = {}
    for kind, name, seed in (("wsf", "lure-wsf.one", 1), ("png", "picture-png.one", 2), ("unnamed", "unnamed.one", 3)):
        data, info = section(kind, seed)
        path = os.path.join(OUT, "fixtures", name)
        write(path, data)
        sections[name] = (data, info)
        golden = {"file": name, "size": len(data), "sha256": sha256(data), "built": info,
                  "pyOneNote": pyonenote_golden(path), "oneExtract": one_extract_golden(data)}
        write(os.path.join(OUT, "golden", name + ".json"), (json.dumps(golden, indent=1, sort_keys=True) + "\n").encode())

    ensure_gcab()
    wsf_one = sections["lure-wsf.one"][0]
    png_one = sections["picture-png.one"][0]
    gcab(os.path.join(OUT, "fixtures", "lure-wsf.onepkg"), [("Open Notebook.onetoc2", b"\x00" * 64),
                                                             ("Invoice.one", wsf_one)], compress=True)
    gcab(os.path.join(OUT, "fixtures", "both.onepkg"), [("Invoice.one", wsf_one), ("Logo.one", png_one)],
         compress=False)
    # A larger compressed cabinet: several 32 KiB MSZIP blocks that refer back across block boundaries.
    text = b"".join(b"line %05d of a benign report for example.invalid\r\n" % i for i in range(4000))
    gcab(os.path.join(OUT, "fixtures", "multiblock.cab"), [("report.txt", text), ("Invoice.one", wsf_one)],
         compress=True)
    stored_files = [("Invoice.one", wsf_one), ("r\u00e9sum\u00e9.txt", b"benign\r\n" * 100)]
    stored = stored_cab(stored_files)
    write(os.path.join(OUT, "fixtures", "stored.cab"), stored)
    contents = {
        "lure-wsf.onepkg": [("Open Notebook.onetoc2", b"\x00" * 64), ("Invoice.one", wsf_one)],
        "both.onepkg": [("Invoice.one", wsf_one), ("Logo.one", png_one)],
        "multiblock.cab": [("report.txt", text), ("Invoice.one", wsf_one)],
        "stored.cab": stored_files,
    }
    listing = {}
    for cab_name, files in contents.items():
        # gcab's own listing is the peer check that the cabinets hold what was put in.
        listed = subprocess.run(["gcab", "-l", os.path.join(OUT, "fixtures", cab_name)], check=True,
                                capture_output=True, text=True).stdout.splitlines()
        assert [line.rsplit(" ", 4)[0] for line in listed] == [n for n, _ in files], (cab_name, listed)
        listing[cab_name] = [{"name": n, "size": len(d), "sha256": sha256(d)} for n, d in files]
    write(os.path.join(OUT, "golden", "cabinets.json"), (json.dumps(listing, indent=1) + "\n").encode())

    # Malformed sections and cabinets.
    manifest = []

    def bad(name, data, error=None, anomalies=(), note=""):
        write(os.path.join(OUT, "malformed", name), data)
        manifest.append({"file": name, "error": error, "anomalies": list(anomalies), "note": note})

    wsf, info = sections["lure-wsf.one"]
    lay = info["layout"]
    bo = info["blobOffset"]
    bad("not-onenote.one", b"\x00" * 2048, error="not-onenote", note="no OneNote file type GUID")
    bad("header-only.one", wsf[:100], error="truncated", note="cut inside the 1024-byte header")
    bad("truncated-blob.one", wsf[:bo + 36 + 20], anomalies=["truncated-blob"], note="cut inside the WSF data")
    m = bytearray(wsf); struct.pack_into("<Q", m, bo + 16, 1 << 62)
    bad("absurd-length.one", bytes(m), anomalies=["truncated-blob"], note="a blob length of 2^62")
    footer_at = bo + len(blob(WSF)) - 16
    m = bytearray(wsf); m[footer_at:footer_at + 16] = b"\x00" * 16
    bad("no-footer.one", bytes(m), anomalies=["missing-footer"], note="the blob footer GUID zeroed")
    m = bytearray(wsf); struct.pack_into("<Q", m, lay["root"][0], 0)
    bad("bad-fragment-magic.one", bytes(m), anomalies=["bad-fragment"], note="root fragment magic zeroed; the scan still finds the blob")
    m = bytearray(wsf); struct.pack_into("<QI", m, 172, len(wsf) + 4096, 64)
    bad("root-out-of-range.one", bytes(m), anomalies=["reference-out-of-range"], note="fcrFileNodeListRoot past the end")
    # A list that references itself: the object space manifest list reference points at the root list.
    m = bytearray(wsf)
    root_stp = lay["root"][0]
    osm_ref_at = root_stp + 16 + 24 + 4  # header, ObjectSpaceManifestRootFND (4 + 20), node header
    struct.pack_into("<QI", m, osm_ref_at, root_stp, lay["root"][1])
    bad("list-loop.one", bytes(m), anomalies=["list-loop"], note="a child list reference back to the root list")
    m = bytearray(wsf); ps = lay["ps-node"][0]; struct.pack_into("<H", m, ps + 8, 0xFFFF)
    bad("bad-property-set.one", bytes(m), anomalies=["bad-property-set"], note="65535 properties declared in the embedded file node")
    m = bytearray(wsf)
    m[root_stp:root_stp] = b""
    bad("unreferenced-blob.one", wsf + blob(VBS), anomalies=["unreferenced-blob"], note="a second blob appended that no node references")
    bad("two-headers.one", wsf[:bo] + guid_bytes(GUID_BLOB_HEADER) + wsf[bo:], anomalies=["truncated-blob"],
        note="a stray header GUID before the real blob: its length field is the real header's bytes")

    cab = stored
    bad("not-cab.cab", b"MSCX" + cab[4:], error="not-cabinet", note="bad signature")
    bad("short-cab.cab", cab[:30], error="truncated", note="cut inside CFHEADER")
    m = bytearray(cab); struct.pack_into("<I", m, 16, len(cab) + 100)
    bad("files-out-of-range.cab", bytes(m), error="bad-cabinet", note="coffFiles past the end")
    m = bytearray(cab); m[-10] ^= 0xFF
    bad("bad-checksum.cab", bytes(m), anomalies=["bad-checksum"], note="one data byte flipped")
    m = bytearray(cab); struct.pack_into("<H", m, 36 + 10 + 6, 3)
    bad("lzx.cab", bytes(m), anomalies=["unsupported-compression"], note="folder typeCompress LZX")
    m = bytearray(cab); struct.pack_into("<H", m, 36 + 10 + 4, 60000)
    bad("many-blocks.cab", bytes(m), anomalies=["truncated-folder"], note="60000 CFDATA blocks declared")
    m = bytearray(cab); struct.pack_into("<H", m, 26, 60000)
    bad("many-files.cab", bytes(m), anomalies=["truncated-file-table"], note="60000 CFFILE entries declared")
    mz = bytearray(open(os.path.join(OUT, "fixtures", "lure-wsf.onepkg"), "rb").read())
    coff = struct.unpack_from("<I", mz, 36)[0]
    mz[coff + 8 + 2] ^= 0xFF
    bad("corrupt-mszip.cab", bytes(mz), anomalies=[],
        note="deflate data of the first block flipped (gcab writes no checksums): extraction fails with corrupt-data")
    write(os.path.join(OUT, "malformed", "manifest.json"), (json.dumps(manifest, indent=1) + "\n").encode())

    os.makedirs(FUZZ_SEEDS, exist_ok=True)
    for name in ("lure-wsf.one", "picture-png.one", "unnamed.one", "lure-wsf.onepkg", "stored.cab"):
        shutil.copy(os.path.join(OUT, "fixtures", name), os.path.join(FUZZ_SEEDS, name))
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
