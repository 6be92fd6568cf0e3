#!/usr/bin/env python3
"""Generate Sources/Charsets/Tables.generated.swift from Python's own codecs.

The tables are stored as base64 string literals of little-endian UInt16 values and decoded once, lazily, by
the Charsets module (giant array literals take minutes to type-check; string literals take milliseconds).

    python3 scripts/gen-charset-tables.py            # rewrite the Swift file
    python3 scripts/gen-charset-tables.py --check    # print the test checksums only

Tables:
  cp932      60 lead bytes (0x81-0x9F, 0xE0-0xFC) x 189 trail bytes (0x40-0xFC), 0 = unmapped.
             Microsoft's Shift_JIS superset: NEC row 13, NEC-selected IBM extensions (0xED/0xEE), IBM extensions
             (0xFA-0xFC), user-defined area 0xF0-0xF9 -> U+E000..U+E757.
  jis0208    pairs (row*94+cell, scalar) where Python's euc_jp (JIS X 0208 proper) differs from CP932 reached
             through the JIS->Shift_JIS arithmetic (wave dash, minus sign, ...). ISO-2022-JP and EUC-JP use
             these; everything else falls back to the CP932 table (so row 13 and rows 89-92 decode as CP50220).
  jis0212    94 x 94 from euc_jp's 0x8F plane, 0 = unmapped.
  single     128 entries (0x80-0xFF) per single-byte charset, 0xFFFD = undefined.
  gbk, big5, eucKR
             126 lead bytes (0x81-0xFE) x 191 trail bytes (0x40-0xFE) from Python's gbk, cp950 and cp949 (the
             Microsoft supersets mail clients actually use for gb2312/big5/euc-kr), 0 = unmapped.

Only the standard library is used.
"""
import base64
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Sources" / "Charsets" / "Tables.generated.swift"

CP932_LEADS = list(range(0x81, 0xA0)) + list(range(0xE0, 0xFD))
TRAILS = list(range(0x40, 0xFD))


def cp932_table():
    table = []
    for lead in CP932_LEADS:
        for trail in TRAILS:
            try:
                s = bytes([lead, trail]).decode("cp932")
            except UnicodeDecodeError:
                table.append(0)
                continue
            assert len(s) == 1 and ord(s) <= 0xFFFF, (hex(lead), hex(trail), s)
            table.append(ord(s))
    return table


DBCS = [("gbk", "gbk"), ("cp950", "big5"), ("cp949", "eucKR")]
DBCS_TRAILS = list(range(0x40, 0xFF))


def dbcs_table(codec):
    """126 lead bytes (0x81-0xFE) x 191 trail bytes (0x40-0xFE), 0 = unmapped."""
    table = []
    for lead in range(0x81, 0xFF):
        for trail in DBCS_TRAILS:
            try:
                s = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                table.append(0)
                continue
            if len(s) != 1 or ord(s) > 0xFFFF:
                table.append(0)
                continue
            table.append(ord(s))
    return table


def jis_to_sjis(row, cell):
    """JIS X 0208 row/cell (1-based) to Shift_JIS bytes."""
    lead = (row + 1) // 2 + (0x80 if row <= 62 else 0xC0)
    if row % 2:
        trail = cell + (0x3F if cell <= 63 else 0x40)
    else:
        trail = cell + 0x9E
    return bytes([lead, trail])


def jis0208_overrides():
    pairs = []
    for row in range(1, 95):
        for cell in range(1, 95):
            try:
                euc = bytes([0xA0 + row, 0xA0 + cell]).decode("euc_jp")
            except UnicodeDecodeError:
                continue
            try:
                sj = jis_to_sjis(row, cell).decode("cp932")
            except UnicodeDecodeError:
                sj = None
            if euc != sj:
                assert len(euc) == 1 and ord(euc) <= 0xFFFF
                pairs.append(((row - 1) * 94 + (cell - 1), ord(euc)))
    return pairs


def jis0212_table():
    table = []
    for row in range(1, 95):
        for cell in range(1, 95):
            try:
                s = bytes([0x8F, 0xA0 + row, 0xA0 + cell]).decode("euc_jp")
            except UnicodeDecodeError:
                table.append(0)
                continue
            assert len(s) == 1 and ord(s) <= 0xFFFF
            table.append(ord(s))
    return table


SINGLE = [("iso8859_%d" % n, "iso8859_%d" % n) for n in range(1, 17) if n != 12]
SINGLE += [("cp%d" % n, "windows%d" % n) for n in range(1250, 1259)]
SINGLE += [("koi8_r", "koi8R"), ("koi8_u", "koi8U")]


def single_table(codec):
    for b in range(0x80):
        assert bytes([b]).decode(codec) == chr(b), (codec, b)
    out = []
    for b in range(0x80, 0x100):
        try:
            s = bytes([b]).decode(codec)
            assert len(s) == 1 and ord(s) <= 0xFFFF
            out.append(ord(s))
        except UnicodeDecodeError:
            out.append(0xFFFD)
    return out


def b64_literal(values):
    data = struct.pack("<%dH" % len(values), *values)
    text = base64.b64encode(data).decode("ascii")
    lines = [text[i:i + 116] for i in range(0, len(text), 116)]
    return '"""\n' + "\n".join("    " + line for line in lines) + '\n    """'


def fnv1a(values, h=0xCBF29CE484222325):
    for v in values:
        h ^= v
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def checksums():
    # Every valid 2-byte CP932 code: (lead << 24 | trail << 16 | scalar) folded into FNV-1a.
    vals = []
    for lead in CP932_LEADS:
        for trail in TRAILS:
            try:
                s = bytes([lead, trail]).decode("cp932")
            except UnicodeDecodeError:
                continue
            vals.append((lead << 24) | (trail << 16) | ord(s))
    print("cp932 valid=%d fnv=0x%016X" % (len(vals), fnv1a(vals)))
    vals = []
    for row in range(1, 95):
        for cell in range(1, 95):
            try:
                s = bytes([0x8F, 0xA0 + row, 0xA0 + cell]).decode("euc_jp")
            except UnicodeDecodeError:
                continue
            vals.append((row << 24) | (cell << 16) | ord(s))
    print("jis0212 valid=%d fnv=0x%016X" % (len(vals), fnv1a(vals)))
    vals = []
    for row in range(1, 95):
        for cell in range(1, 95):
            try:
                s = bytes([0xA0 + row, 0xA0 + cell]).decode("euc_jp")
            except UnicodeDecodeError:
                continue
            vals.append((row << 24) | (cell << 16) | ord(s))
    print("euc_jp 0208 valid=%d fnv=0x%016X" % (len(vals), fnv1a(vals)))
    for codec, _ in SINGLE:
        print("%s fnv=0x%016X" % (codec, fnv1a(single_table(codec))))
    for codec, _ in DBCS:
        vals = []
        for lead in range(0x81, 0xFF):
            for trail in DBCS_TRAILS:
                try:
                    s = bytes([lead, trail]).decode(codec)
                except UnicodeDecodeError:
                    continue
                if len(s) == 1 and ord(s) <= 0xFFFF:
                    vals.append((lead << 24) | (trail << 16) | ord(s))
        print("%s valid=%d fnv=0x%016X" % (codec, len(vals), fnv1a(vals)))


def main():
    if "--check" in sys.argv:
        checksums()
        return
    parts = [
        "// GENERATED by scripts/gen-charset-tables.py from Python %d.%d's codecs. Do not edit."
        % sys.version_info[:2],
        "// Tables are base64 of little-endian UInt16 values; see the script for the layout.",
        "",
        "enum GeneratedTables {",
        "    /// CP932 double-byte table: 60 lead bytes x 189 trail bytes (0x40-0xFC), 0 = unmapped.",
        "    static let cp932 = %s" % b64_literal(cp932_table()),
        "",
        "    /// (index, scalar) pairs where JIS X 0208 (Python euc_jp) differs from CP932.",
        "    static let jis0208Overrides = %s" % b64_literal([x for p in jis0208_overrides() for x in p]),
        "",
        "    /// JIS X 0212 94 x 94, 0 = unmapped.",
        "    static let jis0212 = %s" % b64_literal(jis0212_table()),
    ]
    for codec, name in SINGLE:
        parts += [
            "",
            "    /// %s, bytes 0x80-0xFF; 0xFFFD = undefined." % codec,
            "    static let %s = %s" % (name, b64_literal(single_table(codec))),
        ]
    for codec, name in DBCS:
        parts += [
            "",
            "    /// %s double-byte table: 126 lead bytes (0x81-0xFE) x 191 trail bytes (0x40-0xFE), 0 = unmapped." % codec,
            "    static let %s = %s" % (name, b64_literal(dbcs_table(codec))),
        ]
    parts.append("}")
    OUT.write_text("\n".join(parts) + "\n")
    print("wrote", OUT.relative_to(ROOT))
    checksums()


if __name__ == "__main__":
    main()
