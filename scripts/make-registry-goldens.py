#!/usr/bin/env python3
"""Builds the Registry goldens in Tests/RegistryTests/Resources/golden/ from regipy's reading of the hive corpus.

Regenerate (from the repository root):

    python3 -m venv .venv-regipy
    .venv-regipy/bin/pip install "regipy[cli]==6.5.0"
    .venv-regipy/bin/python scripts/make-registry-goldens.py            # every hive (SYSTEM takes minutes)
    .venv-regipy/bin/python scripts/make-registry-goldens.py SAM         # one hive

The corpus is Tests/Corpus/regipy-hives (regipy's test hives, MIT, xz-compressed, see its LICENSE). For every hive
regipy walks every key the way `RegistryHive.recurse_subkeys()` does (same traversal, same error handling) but
reads every value untrimmed (`iter_values(trim_values=False)`), and this script writes `<hive>.golden.xz`: a
line-oriented UTF-8 text, xz-compressed (the test target reads it with liblzma, which it links anyway for the
corpus), one record per line, fields separated by TAB:

    H  <hive name>  <regipy version>  <status: ok | error: ...>
    K  <path>  <FILETIME>  <subkey count>  <value count>  <class name or ->
    V  <name>  <type>  <representation>

Every V line belongs to the K line before it. <path> is regipy's: "\\" for the root, "\\Software\\Microsoft" below
it. <FILETIME> is the key's last written time as the raw 64-bit count of 100 ns since 1601 (regipy's
`header.last_modified`). The counts are the key node's header fields. The class name (regipy's `get_class_name()`)
is written when the key has one. <name> is regipy's value name ("(default)" for the unnamed value). <type> is
regipy's type string (REG_SZ, ..., or the decimal number of an unknown type). <representation> normalises what
regipy returns for the value's data:

    i:<decimal>                 an int (REG_DWORD, REG_QWORD)
    s:<chars>:<sha>             a str: its length in code points, SHA-256 of its UTF-8 (first 16 hex digits)
    b:<bytes>:<sha>             bytes: length, SHA-256 (first 16 hex digits)
    m:<count>:<sha>             a list of str (REG_MULTI_SZ): count, SHA-256 of the items joined with U+0000 (UTF-8)
    t:<isoformat>               a datetime (REG_FILETIME)
    n                           None

Text fields escape backslash, TAB, CR, LF and other control characters as \\\\, \\t, \\r, \\n and \\xHH.

The transaction-log hive (transactions_NTUSER.DAT) is written twice: as it is on disk (`transactions_NTUSER.DAT`)
and after regipy's `apply_transaction_logs` with .log1 as the primary and .log2 as the secondary log
(`transactions_NTUSER.DAT+logs`). The corrupted hive makes regipy raise part way through: the keys read before the
error are written, and the H line says so.

The differences between regipy's representations and Emoguard's, and why, are in golden/README.md.
"""

import hashlib
import lzma
import os
import shutil
import sys
import tempfile
from datetime import datetime

import regipy
from regipy.recovery import apply_transaction_logs
from regipy.registry import RegistryHive

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "regipy-hives")
OUT = os.path.join(ROOT, "Tests", "RegistryTests", "Resources", "golden")

HIVES = [
    "SAM",
    "NTUSER.DAT",
    "NTUSER_modified.DAT",
    "UsrClass.dat",
    "ntuser_software_partial",
    "transactions_NTUSER.DAT",
    "corrupted_system_hive",
    "SYSTEM",
    "SYSTEM_WIN_10_1709",
]


def escape(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02x" % o)
        else:
            out.append(ch)
    return "".join(out)


def sha(b):
    return hashlib.sha256(b).hexdigest()[:16]


def utf8(s):
    # Lone surrogates (from regipy's "replace"-free UTF-8 fallback they cannot occur, but be safe).
    return s.encode("utf-8", errors="surrogatepass")


def representation(v):
    if v is None:
        return "n"
    if isinstance(v, bool):
        return "i:%d" % int(v)
    if isinstance(v, int):
        return "i:%d" % v
    if isinstance(v, str):
        return "s:%d:%s" % (len(v), sha(utf8(v)))
    if isinstance(v, (bytes, bytearray)):
        return "b:%d:%s" % (len(v), sha(bytes(v)))
    if isinstance(v, list):
        return "m:%d:%s" % (len(v), sha(utf8("\x00".join(v))))
    if isinstance(v, datetime):
        return "t:" + v.isoformat()
    raise TypeError("unexpected value representation %r" % type(v))


def key_record(nk, path, lines):
    h = nk.header
    cls = "-"
    if h.class_name_size and h.class_name_offset != 0xFFFFFFFF:
        cls = escape(nk.get_class_name())
    lines.append("K\t%s\t%d\t%d\t%d\t%s" % (escape(path), h.last_modified, h.subkey_count, h.values_count, cls))
    values = []
    if nk.values_count:
        try:
            values = list(nk.iter_values(as_json=False, trim_values=False))
        except regipy.exceptions.RegistryParsingException:
            values = []  # recurse_subkeys logs and drops the key's values
    for v in values:
        lines.append("V\t%s\t%s\t%s" % (escape(v.name), escape(str(v.value_type)), representation(v.value)))


def walk(hive, nk, path_root, lines):
    """recurse_subkeys' traversal: a subkey is descended into when its header counts subkeys."""
    if nk.header.subkey_count:
        for subkey in nk.iter_subkeys():
            subkey_path = "%s\\%s" % (path_root, subkey.name) if path_root else "\\" + subkey.name
            if subkey.subkey_count:
                walk(hive, subkey, subkey_path, lines)
            key_record(subkey, subkey_path, lines)


def dump(hive_path, label):
    lines = []
    status = "ok"
    try:
        hive = RegistryHive(hive_path)
        key_record(hive.root, "\\", lines)
        walk(hive, hive.root, None, lines)
    except Exception as ex:  # noqa: BLE001 - regipy raises many kinds; the golden records that it did
        status = "error: %s" % escape(("%s: %s" % (type(ex).__name__, ex))[:200])
    # Sort by key (stable within a key): the traversal order is regipy's post-order, the test does not need it.
    blocks = []
    for line in lines:
        if line.startswith("K\t"):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    blocks.sort(key=lambda b: b[0])
    header = "H\t%s\t%s\t%s" % (label, regipy_version(), status)
    text = "\n".join([header] + [l for b in blocks for l in b]) + "\n"
    out = os.path.join(OUT, label + ".golden.xz")
    with open(out, "wb") as f:
        f.write(lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))
    nkeys = sum(1 for l in lines if l.startswith("K\t"))
    nvalues = sum(1 for l in lines if l.startswith("V\t"))
    print("%s: %d keys, %d values, %s -> %s (%d bytes)" % (label, nkeys, nvalues, status, out, os.path.getsize(out)))


def regipy_version():
    try:
        from importlib.metadata import version

        return version("regipy")
    except Exception:  # noqa: BLE001
        return "unknown"


def decompress(name, directory):
    path = os.path.join(directory, name)
    with lzma.open(os.path.join(CORPUS, name + ".xz")) as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def main():
    wanted = sys.argv[1:] or HIVES
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in wanted:
            path = decompress(name, tmp)
            dump(path, name)
            if name == "transactions_NTUSER.DAT":
                log1 = decompress("transactions_ntuser.dat.log1", tmp)
                log2 = decompress("transactions_ntuser.dat.log2", tmp)
                restored = os.path.join(tmp, "restored.dat")
                _, pages = apply_transaction_logs(path, log1, secondary_log_path=log2, restored_hive_path=restored)
                print("  regipy replayed %d dirty pages" % pages)
                dump(restored, name + "+logs")


if __name__ == "__main__":
    main()
