#!/usr/bin/env python3
"""Builds the PE test fixtures in Tests/PETests/Resources/.

Regenerate (from the repository root):

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/make-pe-fixtures.py

Output:

- fixtures/*: PE files written byte by byte here (no compiler, no code beyond a `ret`): tiny.dll (i386 DLL
  exporting DllRegisterServer, DllUnregisterServer and Control_RunDLL), x64.exe (AMD64, imports by name and by
  ordinal), signed.exe (a certificate table holding an Authenticode-shaped WIN_CERTIFICATE; the "signature" is
  not a real one), wx.exe (a writable and executable section), section-padding.stripped (a DLL whose .data
  section is 3 MiB of zeros, stored the way the engine hands it over: the zero run dropped, its place in
  expected.json).
- corpus/calc.exe: the payload of the OLE10Native stream in Tests/Corpus/oletools/oleobj/
  sample_with_calc_embedded.doc (oletools, BSD-2), MD5 40e85286357723f326980a3b30f84e4f.
- golden/*.json: pefile (the peer) on each file: headers, sections with entropy, exports, imports, security
  directory, overlay offset. golden/padded.json is tiny.dll with a 5 MiB zero overlay appended (built in memory,
  and again by the tests); golden/section-padding.json is the DLL with its zeros put back.
- expected.json: facts the tests assert beside pefile's (sizes, padding runs).
- malformed/*.bin and malformed/manifest.json: the fixtures with one structure broken, and the anomaly codes (or
  error code) the parser must report.
"""

import hashlib
import json
import os
import shutil
import struct

import olefile
import pefile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "PETests", "Resources")
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "oletools")
FUZZ_SEEDS = os.path.join(ROOT, "fuzz", "corpus", "FuzzPE")
CALC_EXE_MD5 = "40e85286357723f326980a3b30f84e4f"
FILE_ALIGN = 0x200
SECTION_ALIGN = 0x1000
PADDING = 5 * 1024 * 1024
SECTION_ZEROS = 3 * 1024 * 1024


def align(n, a):
    return (n + a - 1) // a * a


def write(path, data):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------------------------------------
# A PE writer. A section is (name, content, characteristics); content is bytes or a function of the section's
# RVA returning (bytes, {directory index: (rva, size)}).

CODE = 0x60000020        # code, execute, read
DATA = 0xC0000040        # initialized data, read, write
RDATA = 0x40000040       # initialized data, read
WX = 0xE0000060          # code, data, execute, read, write


def export_table(dll_name, names, code_rva):
    def build(rva):
        names_sorted = sorted(names)
        n = len(names_sorted)
        funcs_off = 40
        names_off = funcs_off + 4 * n
        ords_off = names_off + 4 * n
        strings_off = ords_off + 2 * n
        strings = dll_name.encode() + b"\0"
        name_rvas = []
        for name in names_sorted:
            name_rvas.append(rva + strings_off + len(strings))
            strings += name.encode() + b"\0"
        head = struct.pack("<IIHHIIIIIII", 0, 0x62696E64, 0, 0, rva + strings_off, 1, n, n,
                           rva + funcs_off, rva + names_off, rva + ords_off)
        body = (head + b"".join(struct.pack("<I", code_rva) for _ in range(n))
                + b"".join(struct.pack("<I", r) for r in name_rvas)
                + b"".join(struct.pack("<H", i) for i in range(n)) + strings)
        return body, {0: (rva, len(body))}
    return build


def import_table(imports, wide):
    """imports: [(dll, [name or ordinal int])]."""
    width = 8 if wide else 4
    ordinal_flag = 1 << 63 if wide else 1 << 31

    def build(rva):
        desc_size = 20 * (len(imports) + 1)
        thunk_sizes = [width * (len(funcs) + 1) for _, funcs in imports]
        ilt_off = desc_size
        iat_off = ilt_off + sum(thunk_sizes)
        names_off = iat_off + sum(thunk_sizes)
        names = b""
        hint_rvas = []
        for _, funcs in imports:
            row = []
            for f in funcs:
                if isinstance(f, int):
                    row.append(ordinal_flag | f)
                else:
                    row.append(rva + names_off + len(names))
                    entry = struct.pack("<H", 0) + f.encode() + b"\0"
                    names += entry + (b"\0" if len(entry) % 2 else b"")
            hint_rvas.append(row)
        dll_rvas = []
        for dll, _ in imports:
            dll_rvas.append(rva + names_off + len(names))
            names += dll.encode() + b"\0"
        descs = b""
        ilt = b""
        iat = b""
        fmt = "<Q" if wide else "<I"
        for i, (dll, funcs) in enumerate(imports):
            descs += struct.pack("<IIIII", rva + ilt_off + len(ilt), 0, 0, dll_rvas[i], rva + iat_off + len(iat))
            for v in hint_rvas[i]:
                ilt += struct.pack(fmt, v)
                iat += struct.pack(fmt, v)
            ilt += struct.pack(fmt, 0)
            iat += struct.pack(fmt, 0)
        descs += b"\0" * 20
        body = descs + ilt + iat + names
        return body, {1: (rva, desc_size), 12: (rva + iat_off, len(iat))}
    return build


def build_pe(sections, machine=0x14C, dll=False, entry_section=0, subsystem=2, cert=None, overlay=b"",
             timestamp=0x5F5E1000, image_base=None):
    wide = machine in (0x8664, 0xAA64)
    opt_size = (112 if wide else 96) + 16 * 8
    lfanew = 0x80
    stub = b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    dos = bytearray(b"MZ" + b"\0" * 0x3A + struct.pack("<I", lfanew))
    dos += stub
    dos += b"\0" * (lfanew - len(dos))
    headers_size = align(lfanew + 24 + opt_size + 40 * len(sections), FILE_ALIGN)
    # Lay the sections out.
    rva = SECTION_ALIGN
    raw = headers_size
    laid = []
    dirs = {}
    for name, content, flags in sections:
        if callable(content):
            data, d = content(rva)
            dirs.update(d)
        else:
            data = content
        raw_size = align(len(data), FILE_ALIGN)
        laid.append((name, data, flags, rva, len(data), raw, raw_size))
        rva = align(rva + max(len(data), 1), SECTION_ALIGN)
        raw += raw_size
    image_size = rva
    body = b""
    for name, data, flags, va, vsize, raw_off, raw_size in laid:
        body += data + b"\0" * (raw_size - len(data))
    file_end = headers_size + len(body)
    cert_blob = b""
    if cert is not None:
        cert_blob = cert + b"\0" * (-len(cert) % 8)
        dirs[4] = (file_end, len(cert_blob))
    characteristics = 0x0102 | (0x2000 if dll else 0) if not wide else 0x0022 | (0x2000 if dll else 0)
    coff = struct.pack("<HHIIIHH", machine, len(sections), timestamp, 0, 0, opt_size, characteristics)
    entry = laid[entry_section][3] if entry_section is not None else 0
    code_size = sum(s[6] for s in laid if s[2] & 0x20)
    data_size = sum(s[6] for s in laid if s[2] & 0x40)
    if wide:
        base = image_base or 0x140000000
        opt = struct.pack("<HBBIIIII", 0x20B, 14, 0, code_size, data_size, 0, entry, laid[0][3])
        opt += struct.pack("<QII", base, SECTION_ALIGN, FILE_ALIGN)
        opt += struct.pack("<HHHHHHI", 6, 0, 0, 0, 6, 0, 0)
        opt += struct.pack("<IIIHH", image_size, headers_size, 0, subsystem, 0x8160)
        opt += struct.pack("<QQQQII", 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    else:
        base = image_base or (0x10000000 if dll else 0x400000)
        opt = struct.pack("<HBBIIIIII", 0x10B, 14, 0, code_size, data_size, 0, entry, laid[0][3], laid[0][3])
        opt += struct.pack("<III", base, SECTION_ALIGN, FILE_ALIGN)
        opt += struct.pack("<HHHHHHI", 6, 0, 0, 0, 6, 0, 0)
        opt += struct.pack("<IIIHH", image_size, headers_size, 0, subsystem, 0x0140)
        opt += struct.pack("<IIIIII", 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    for i in range(16):
        opt += struct.pack("<II", *dirs.get(i, (0, 0)))
    table = b""
    for name, data, flags, va, vsize, raw_off, raw_size in laid:
        table += struct.pack("<8sIIIIIIHHI", name.encode(), vsize, va, raw_size, raw_off, 0, 0, 0, 0, flags)
    head = bytes(dos) + b"PE\0\0" + coff + opt + table
    head += b"\0" * (headers_size - len(head))
    return head + body + cert_blob + overlay


DLLMAIN = b"\xb8\x01\x00\x00\x00\xc2\x0c\x00"  # mov eax, 1; ret 12
RET = b"\xc3"
EXPORTS = ["DllRegisterServer", "DllUnregisterServer", "Control_RunDLL"]


def tiny_dll():
    return build_pe([
        (".text", DLLMAIN + RET * 8, CODE),
        (".rdata", export_table("tiny.dll", EXPORTS, 0x1000), RDATA),
        (".idata", import_table([("KERNEL32.dll", ["ExitProcess", "GetProcAddress", "LoadLibraryA"])], False),
         DATA),
    ], dll=True)


def x64_exe():
    return build_pe([
        (".text", b"\x48\x83\xec\x28\x33\xc9\xff\x15\x00\x00\x00\x00" + RET, CODE),
        (".rdata", import_table([("KERNEL32.dll", ["ExitProcess", "LoadLibraryA", "VirtualAlloc"]),
                                 ("USER32.dll", ["MessageBoxA"]), ("COMCTL32.dll", [17, 345])], True), RDATA),
        (".data", b"emoguard test\0" + bytes(range(256)) * 4, DATA),
    ], machine=0x8664, subsystem=3)


def signed_exe():
    # An Authenticode-shaped WIN_CERTIFICATE: dwLength, wRevision 0x0200, wCertificateType 2 (PKCS_SIGNED_DATA),
    # then the start of a DER SEQUENCE with the signedData OID; not a real signature.
    der = bytes.fromhex("3082010006092a864886f70d010702a081f2") + bytes(range(1, 243))
    cert = struct.pack("<IHH", 8 + len(der), 0x0200, 2) + der
    return build_pe([(".text", RET * 16, CODE),
                     (".idata", import_table([("KERNEL32.dll", ["ExitProcess"])], False), DATA)],
                    cert=cert)


def wx_exe():
    return build_pe([(".text", RET * 16, CODE), (".packed", bytes((i * 7 + 3) & 0xFF for i in range(4096)), WX)])


def section_padding_dll():
    """A DLL whose .data section is SECTION_ZEROS zero bytes (with a marker at its start), before .rdata."""
    data = b"\x01\x02\x03\x04" + b"\0" * (SECTION_ZEROS - 4)
    return build_pe([
        (".text", DLLMAIN, CODE),
        (".data", data, DATA),
        (".rdata", export_table("padded.dll", ["DllRegisterServer"], 0x1000), RDATA),
    ], dll=True)


def strip(data, minimum=1 << 20):
    """What PaddingStripper does: drop zero runs of at least `minimum` bytes, record (offset, length)."""
    kept = bytearray()
    runs = []
    i = 0
    n = len(data)
    while i < n:
        if data[i] == 0:
            j = i
            while j < n and data[j] == 0:
                j += 1
            if j - i >= minimum:
                runs.append({"offset": i, "length": j - i})
            else:
                kept += data[i:j]
            i = j
        else:
            j = i
            while j < n and data[j] != 0:
                j += 1
            kept += data[i:j]
            i = j
    return bytes(kept), runs


# ---------------------------------------------------------------------------------------------------------------
# pefile, the peer.

def peer(data):
    pe = pefile.PE(data=data)
    out = {
        "machine": pe.FILE_HEADER.Machine,
        "characteristics": pe.FILE_HEADER.Characteristics,
        "isDLL": pe.is_dll(),
        "is64Bit": pe.OPTIONAL_HEADER.Magic == 0x20B,
        "subsystem": pe.OPTIONAL_HEADER.Subsystem,
        "timeDateStamp": pe.FILE_HEADER.TimeDateStamp,
        "entryPoint": pe.OPTIONAL_HEADER.AddressOfEntryPoint,
        "imageBase": pe.OPTIONAL_HEADER.ImageBase,
        "sizeOfImage": pe.OPTIONAL_HEADER.SizeOfImage,
        "sizeOfHeaders": pe.OPTIONAL_HEADER.SizeOfHeaders,
        "sections": [{
            "name": s.Name.rstrip(b"\0").decode("latin-1"),
            "virtualAddress": s.VirtualAddress,
            "virtualSize": s.Misc_VirtualSize,
            "rawOffset": s.PointerToRawData,
            "rawSize": s.SizeOfRawData,
            "characteristics": s.Characteristics,
            "entropy": s.get_entropy(),
        } for s in pe.sections],
        "exports": [],
        "imports": {},
        "importCount": 0,
        "certificateTableSize": pe.OPTIONAL_HEADER.DATA_DIRECTORY[4].Size,
        "overlayOffset": pe.get_overlay_data_start_offset(),
        "fileSize": len(data),
    }
    if hasattr(pe, "DIRECTORY_ENTRY_EXPORT"):
        e = pe.DIRECTORY_ENTRY_EXPORT
        out["exportedName"] = pe.get_string_at_rva(e.struct.Name).decode("latin-1")
        out["exports"] = [s.name.decode("latin-1") for s in e.symbols if s.name]
    if hasattr(pe, "DIRECTORY_ENTRY_IMPORT"):
        for entry in pe.DIRECTORY_ENTRY_IMPORT:
            names = [i.name.decode("latin-1") if i.name else "#%d" % i.ordinal for i in entry.imports]
            out["imports"].setdefault(entry.dll.decode("latin-1"), []).extend(names)
            out["importCount"] += len(entry.imports)
    return out


def extract_calc_exe():
    ole = olefile.OleFileIO(os.path.join(CORPUS, "oleobj", "sample_with_calc_embedded.doc"))
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
        if label == b"calc.exe":
            assert hashlib.md5(payload).hexdigest() == CALC_EXE_MD5
            return payload
    raise SystemExit("calc.exe not found")


# ---------------------------------------------------------------------------------------------------------------
# Malformed files.

def malformed(tiny, x64):
    cases = []

    def add(name, data, anomalies=None, error=None):
        cases.append((name, bytes(data), {"anomalies": anomalies or [], "error": error}))

    lfanew = 0x80
    coff = lfanew + 4
    opt = lfanew + 24
    opt_size = struct.unpack_from("<H", tiny, coff + 16)[0]
    table = opt + opt_size
    add("not-pe", b"PK\x03\x04" + b"\0" * 200, error="not-pe")
    add("empty", b"", error="not-pe")
    add("mz-only", b"MZ" + b"\0" * 10, error="truncated")
    dos = bytearray(tiny[:0x200])
    dos[lfanew:lfanew + 4] = b"NE\0\0"
    add("dos-program", dos, error="no-pe-header")
    far = bytearray(tiny)
    struct.pack_into("<I", far, 0x3C, 0x7FFFFFF0)
    add("lfanew-beyond", far, error="no-pe-header")
    add("coff-truncated", tiny[:coff + 10], error="truncated")
    add("optional-truncated", tiny[:opt + 40], anomalies=["bad-optional-header"])
    bad_magic = bytearray(tiny)
    struct.pack_into("<H", bad_magic, opt, 0x999)
    add("bad-magic", bad_magic, anomalies=["bad-optional-header"])
    many = bytearray(tiny)
    struct.pack_into("<H", many, coff + 2, 0xFFFF)
    add("huge-section-count", many, anomalies=["limit-exceeded", "truncated-section-table"])
    big_opt = bytearray(tiny)
    struct.pack_into("<H", big_opt, coff + 16, 0xFFFF)
    add("absurd-optional-header-size", big_opt, anomalies=["truncated-section-table"])
    beyond = bytearray(tiny)
    struct.pack_into("<I", beyond, table + 40 + 20, 0x7FFFF000)  # .rdata PointerToRawData
    add("section-beyond-eof", beyond, anomalies=["section-outside-file", "bad-directory"])
    add("truncated-file", tiny[:len(tiny) - 0x300], anomalies=["section-outside-file"])
    # Export directory of tiny.dll: .rdata at RVA 0x2000, raw 0x400.
    edir = 0x400
    huge = bytearray(tiny)
    struct.pack_into("<I", huge, edir + 24, 0x7FFFFFFF)
    add("export-huge-name-count", huge, anomalies=["limit-exceeded", "bad-export-table"])
    loop = bytearray(tiny)
    names_at = edir + 40 + 4 * 3
    first = struct.unpack_from("<I", loop, names_at)[0]
    struct.pack_into("<II", loop, names_at + 4, first, first)
    add("export-repeated-names", loop, anomalies=["bad-export-table"])
    bad_edir = bytearray(tiny)
    struct.pack_into("<I", bad_edir, opt + 96, 0x7FFFFFF0)
    add("export-bad-rva", bad_edir, anomalies=["bad-directory"])
    # Import directory of tiny.dll: .idata at RVA 0x3000, raw 0x600; the descriptor table has no terminator.
    idata = 0x600
    no_end = bytearray(tiny[:idata + 40])
    no_end[idata + 20:idata + 40] = b"\x11" * 20
    add("import-no-terminator", no_end, anomalies=["bad-import-table"])
    bad_thunk = bytearray(tiny)
    struct.pack_into("<I", bad_thunk, idata, 0x7FFFFFF0)
    add("import-bad-thunk", bad_thunk, anomalies=["bad-import-table"])
    endless = bytearray(tiny)
    ilt = struct.unpack_from("<I", endless, idata)[0] - 0x3000 + idata
    for k in range(ilt, len(endless), 4):
        struct.pack_into("<I", endless, k, 0x80000001)  # ordinal 1, forever
    add("import-endless-thunks", endless, anomalies=["bad-import-table"])
    bad_cert = bytearray(tiny)
    struct.pack_into("<II", bad_cert, opt + 96 + 4 * 8, 0x7FFFFF00, 0x100)
    add("cert-outside", bad_cert, anomalies=["bad-certificate-table"])
    ep = bytearray(tiny)
    struct.pack_into("<I", ep, opt + 16, 0x900000)
    add("entry-outside", ep, anomalies=["entry-point-outside-sections"])
    add("wx-section", wx_exe(), anomalies=["writable-executable-section"])
    x64_cut = x64[:len(x64) - 0x200]
    add("x64-truncated", x64_cut, anomalies=["section-outside-file"])
    return cases


def main():
    for sub in ("fixtures", "golden", "malformed", "corpus"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
    os.makedirs(FUZZ_SEEDS, exist_ok=True)
    tiny = tiny_dll()
    x64 = x64_exe()
    files = {"tiny.dll": tiny, "x64.exe": x64, "signed.exe": signed_exe(), "wx.exe": wx_exe()}
    expected = {}
    for name, data in files.items():
        write("fixtures/" + name, data)
        write("golden/%s.json" % name.split(".")[0], (json.dumps(peer(data), indent=2, sort_keys=True) + "\n").encode())
        expected[name.split(".")[0]] = {"file": "fixtures/" + name, "size": len(data)}
        with open(os.path.join(FUZZ_SEEDS, name), "wb") as f:
            f.write(data)
    calc = extract_calc_exe()
    write("corpus/calc.exe", calc)
    write("golden/calc.json", (json.dumps(peer(calc), indent=2, sort_keys=True) + "\n").encode())
    expected["calc"] = {"file": "corpus/calc.exe", "size": len(calc), "md5": CALC_EXE_MD5}
    # tiny.dll with a 5 MiB zero overlay, rebuilt by the tests.
    padded = tiny + b"\0" * PADDING
    write("golden/padded.json", (json.dumps(peer(padded), indent=2, sort_keys=True) + "\n").encode())
    expected["padded"] = {"file": "fixtures/tiny.dll", "size": len(padded), "overlayZeros": PADDING,
                          "declaredImageEnd": len(tiny)}
    # A section of zeros, stored stripped.
    full = section_padding_dll()
    kept, runs = strip(full)
    write("fixtures/section-padding.stripped", kept)
    write("golden/section-padding.json", (json.dumps(peer(full), indent=2, sort_keys=True) + "\n").encode())
    expected["section-padding"] = {"file": "fixtures/section-padding.stripped", "size": len(full), "padding": runs,
                                   "sha256": hashlib.sha256(full).hexdigest()}
    write("expected.json", (json.dumps(expected, indent=2, sort_keys=True) + "\n").encode())
    manifest = {}
    for name, data, exp in malformed(tiny, x64):
        write("malformed/%s.bin" % name, data)
        manifest[name] = exp
    write("malformed/manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    print("%d goldens, %d malformed" % (len(expected), len(manifest)))


if __name__ == "__main__":
    main()
