#!/usr/bin/env python3
"""Builds the RTF test fixtures in Tests/RTFTests/Resources/ and their rtfobj goldens.

Regenerate (from the repository root):

    python3 -m venv .venv-oletools
    .venv-oletools/bin/pip install oletools==0.60.2
    .venv-oletools/bin/python scripts/make-rtf-fixtures.py

Output:

- corpus/: the RTF files of the vendored oletools corpus (Tests/Corpus/oletools, BSD-2, see its LICENSE.md) that
  sit inside password-protected ZIPs (password "infected-test"), extracted, since the test target cannot unzip;
  the others are read in place.
- specimens/: benign RTFs written here: an OLE 1.0 Package object carrying invoice.vbs (plain, and obfuscated
  with control words, groups, a nested destination, a \\bin run and Word's \\'hh odd-digit quirk), an
  Equation.3 object with \\objupdate, an OLE2Link object, DDEAUTO / INCLUDEPICTURE / HYPERLINK fields, a remote
  template, and a clean document.
- malformed/: unbalanced and extra braces, 100,000 nested groups, 100,000 nested \\objdata destinations, odd hex
  digit counts, \\bin with absurd and negative lengths, a 300-letter control word, a truncated OLE object.
- golden/<name>.json: what rtfobj 0.60.2 (oletools' RtfObjParser) finds in each file: every object's start
  offset, raw size and MD5, OLE 1.0 class name and native size/MD5, and for Package objects the file name, paths
  and payload size/MD5; or the exception rtfobj raised.
- fuzz seeds in fuzz/corpus/FuzzRTF/.

Every payload written here is benign text; URLs use example.invalid.
"""

import binascii
import hashlib
import json
import os
import shutil
import struct
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "oletools")
OUT = os.path.join(ROOT, "Tests", "RTFTests", "Resources")
FUZZ_SEEDS = os.path.join(ROOT, "fuzz", "corpus", "FuzzRTF")
ZIP_PASSWORD = b"infected-test"

VBS = b'MsgBox "This is a benign test file for Emoguard"\r\n'


def md5(b):
    return hashlib.md5(b).hexdigest()


def lp_string(s):
    """An OLE 1.0 length-prefixed ANSI string (the length counts the NUL)."""
    b = s.encode("latin-1") + b"\x00"
    return struct.pack("<I", len(b)) + b


def package_native(label, source, temp, payload):
    """The Packager's native data, package form (no total size)."""
    out = struct.pack("<H", 2)
    out += label.encode("latin-1") + b"\x00"
    out += source.encode("latin-1") + b"\x00"
    out += struct.pack("<HH", 0, 3)
    t = temp.encode("latin-1") + b"\x00"
    out += struct.pack("<I", len(t)) + t
    out += struct.pack("<I", len(payload)) + payload
    for s in (temp, label, source):
        out += struct.pack("<I", len(s)) + s.encode("utf-16-le")
    return out


def ole1_object(class_name, native, declared=None):
    """An embedded OLE 1.0 object (MS-OLEDS 2.2.5)."""
    out = struct.pack("<II", 0x00000501, 2)
    out += lp_string(class_name) + struct.pack("<I", 0) + struct.pack("<I", 0)
    out += struct.pack("<I", len(native) if declared is None else declared) + native
    return out


def hexlines(data, width=128):
    h = binascii.hexlify(data).decode()
    return "\r\n".join(h[i:i + width] for i in range(0, len(h), width))


def rtf(body):
    return (r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}" "\r\n" + body + "\r\n}").encode("latin-1")


def object_group(hexdata, class_name, extra=""):
    return (r"{\object\objemb" + extra + r"{\*\objclass " + class_name + r"}\objw1440\objh480"
            r"{\*\objdata " + "\r\n" + hexdata + "\r\n}"
            r"{\result {\pict\wmetafile8\picw100\pich100 0100090000}}}")


PACKAGE = ole1_object("Package", package_native(
    "invoice.vbs", r"C:\Users\user\Desktop\invoice.vbs", r"C:\Users\user\AppData\Local\Temp\invoice.vbs", VBS))


def obfuscated_hex(data):
    """The hex of `data` with every evasion rtfobj tolerates: control words, groups, a nested destination holding
    decoy digits, a \\bin run, Word's \\'hh odd-digit quirk, mixed case and whitespace."""
    h = binascii.hexlify(data).decode()
    parts = []
    i = 0
    n = 0
    bin_done = False
    while i < len(h):
        chunk = h[i:i + 6]
        i += 6
        n += 1
        parts.append(chunk.upper() if n % 2 else chunk)
        if n % 5 == 1:
            parts.append(r"\par ")
        elif n % 5 == 2:
            parts.append("{}")
        elif n % 5 == 3:
            parts.append(r"{\*\atnid 4142434445}")   # a destination: its digits are not object data
        elif n % 5 == 4:
            parts.append("7\\'41")                     # the odd digit 7 is dropped by Word's quirk
        else:
            parts.append(" \t\r\n")
        if not bin_done and i >= len(h) // 2 and i % 2 == 0:
            raw = binascii.unhexlify(h[i:i + 16])
            parts.append(r"\bin" + str(len(raw)) + " ")
            parts.append(raw.decode("latin-1"))
            i += 16
            bin_done = True
    return "".join(parts)


def specimens():
    s = {}
    s["package-vbs.rtf"] = rtf(r"\pard Please see the attached invoice.\par " + object_group(hexlines(PACKAGE), "Package"))
    s["package-obfuscated.rtf"] = rtf(r"\pard " + object_group(obfuscated_hex(PACKAGE), "Package"))
    equation = ole1_object("Equation.3", b"\x1c\x00" + b"benign equation native data" + b"\x00" * 16)
    s["equation-autoupdate.rtf"] = rtf(r"\pard " + object_group(hexlines(equation), "Equation.3", r"\objupdate"))
    link_native = b"\x00" * 8 + "http://example.invalid/payload.hta".encode("utf-16-le") + b"\x00" * 8
    s["ole2link.rtf"] = rtf(r"\pard " + object_group(hexlines(ole1_object("OLE2Link", link_native)), "Word.Document.8",
                                                     r"\objautlink\objupdate"))
    s["dde.rtf"] = rtf(r"\pard {\field{\*\fldinst {\rtlch\fcs1 DDEAUTO c:\\windows\\system32\\cmd.exe "
                       r"\u0034\'3f/k echo benign\u0034\'3f}}{\fldrslt {x}}}\par")
    s["fields.rtf"] = rtf(r'\pard {\field{\*\fldinst {HYPERLINK \\l "top" }{ "http://example.invalid/invoice"}}'
                          r'{\fldrslt Invoice}}\par '
                          r'{\field{\*\fldinst INCLUDEPICTURE \\d "http://example.invalid/pixel.png" \\* MERGEFORMATINET}'
                          r'{\fldrslt }}\par '
                          r'{\field{\*\fldinst INCLUDETEXT "file://example.invalid/share/a.docx"}{\fldrslt }}')
    s["template.rtf"] = (r"{\rtf1\ansi{\*\template http://example.invalid/remote.dotm}\pard Hello\par}").encode()
    s["clean.rtf"] = rtf(r"\pard\plain {\b Quarterly report} for {\i example.invalid}.\par "
                         r"{\pict\pngblip\picw10\pich10 89504e470d0a1a0a0000000d49484452}\par "
                         r"Caf\'e9 \u8364? done.\par")
    s["two-objects.rtf"] = rtf(r"\pard " + object_group(hexlines(PACKAGE), "Package") + r"\par "
                               + object_group(hexlines(equation), "Equation.3"))
    return s


def malformed():
    m = {}
    obj = object_group(hexlines(PACKAGE), "Package")
    m["unbalanced.rtf"] = (r"{\rtf1\ansi {\b open " + obj[:-1]).encode()
    m["extra-close.rtf"] = (r"{\rtf1\ansi text}}} trailing " + obj).encode()
    m["nested-groups.rtf"] = b"{\\rtf1 " + b"{" * 100000 + b"deep" + b"}" * 100000 + b"}"
    m["nested-objdata.rtf"] = b"{\\rtf1 " + b"{\\*\\objdata 01" * 100000 + b"}" * 100000 + b"}"
    m["odd-hex.rtf"] = rtf(object_group(hexlines(PACKAGE) + "a", "Package"))
    m["bin-absurd.rtf"] = rtf(r"{\object{\*\objdata 0105\bin999999999999 ABCD}}")
    m["bin-negative.rtf"] = rtf(r"{\object{\*\objdata 0105\bin-5 0000}}")
    m["long-word.rtf"] = ("{\\rtf1 \\" + "a" * 300 + " text}").encode()
    m["truncated-object.rtf"] = rtf(object_group(hexlines(PACKAGE[:-40]), "Package"))
    m["not-ole.rtf"] = rtf(object_group("deadbeef" * 8, "Package"))
    m["rt-header.rtf"] = (r"{\rtabc {\object{\*\objdata " + hexlines(PACKAGE) + "}}}").encode()
    return m


def rtfobj_golden(data):
    from oletools import rtfobj
    p = rtfobj.RtfObjParser(data)
    try:
        p.parse()
    except Exception as e:  # rtfobj raises on some malformed inputs (a 300-letter control word)
        return {"error": type(e).__name__}
    objects = []
    for o in p.objects:
        d = {"start": o.start, "rawSize": len(o.rawdata), "rawMD5": md5(o.rawdata), "isOLE": bool(o.is_ole)}
        if o.is_ole:
            d["className"] = o.class_name.decode("latin-1") if isinstance(o.class_name, bytes) else o.class_name
            d["formatID"] = o.format_id
            d["oleDataSize"] = o.oledata_size
            d["oleDataMD5"] = md5(o.oledata) if o.oledata is not None else None
        if o.is_package:
            d["filename"] = o.filename.decode("latin-1") if isinstance(o.filename, bytes) else o.filename
            d["srcPath"] = o.src_path.decode("latin-1") if isinstance(o.src_path, bytes) else o.src_path
            d["tempPath"] = o.temp_path.decode("latin-1") if isinstance(o.temp_path, bytes) else o.temp_path
            d["packageSize"] = len(o.olepkgdata)
            d["packageMD5"] = md5(o.olepkgdata)
        objects.append(d)
    return {"objects": objects}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    for d in ("corpus", "specimens", "malformed", "golden"):
        shutil.rmtree(os.path.join(OUT, d), ignore_errors=True)
    goldens = {}

    # The corpus: read in place, or extracted from its password-protected ZIP.
    rtf_dir = os.path.join(CORPUS, "rtfobj")
    for name in sorted(os.listdir(rtf_dir)) + ["../msodde/RTF-Spec-1.7.rtf"]:
        path = os.path.join(rtf_dir, name)
        if name.endswith(".zip"):
            with zipfile.ZipFile(path) as z:
                for info in z.infolist():
                    data = z.read(info.filename, pwd=ZIP_PASSWORD)
                    write(os.path.join(OUT, "corpus", info.filename), data)
                    goldens["corpus/" + info.filename] = dict(source="resources", path="corpus/" + info.filename,
                                                               size=len(data), **rtfobj_golden(data))
        else:
            data = open(path, "rb").read()
            rel = os.path.relpath(path, CORPUS)
            goldens["corpus-" + os.path.basename(name)] = dict(source="corpus", path=rel, size=len(data),
                                                                **rtfobj_golden(data))

    for folder, files in (("specimens", specimens()), ("malformed", malformed())):
        for name, data in files.items():
            write(os.path.join(OUT, folder, name), data)
            goldens[folder + "/" + name] = dict(source="resources", path=folder + "/" + name, size=len(data),
                                                **rtfobj_golden(data))

    for key, g in goldens.items():
        # 100,000 nested destinations make 100,000 (empty) rtfobj objects: keep the count and the first few.
        if len(g.get("objects", [])) > 64:
            g["objectCount"] = len(g["objects"])
            g["objects"] = g["objects"][:8]
        name = key.replace("/", "-") + ".json"
        write(os.path.join(OUT, "golden", name), (json.dumps(g, indent=1, sort_keys=True) + "\n").encode())

    # Fuzz seeds: the small specimens.
    os.makedirs(FUZZ_SEEDS, exist_ok=True)
    for name, data in list(specimens().items()) + [(k, v) for k, v in malformed().items() if len(v) < 8192]:
        write(os.path.join(FUZZ_SEEDS, name), data)
    print("wrote", len(goldens), "goldens")


if __name__ == "__main__":
    sys.exit(main())
