/// The Japanese decoders: ISO-2022-JP (+CP50220/CP50221), Shift_JIS as CP932, EUC-JP.
extension Charsets {
    /// The scalar for JIS X 0208 `row`/`cell` (1...94), with the CP932 extensions (NEC row 13, NEC-selected IBM
    /// extensions rows 89-92) reached through the Shift_JIS arithmetic; 0 when unmapped.
    @inline(__always)
    static func jis0208(row: Int, cell: Int, cp932: UnsafeBufferPointer<UInt16>) -> UInt16 {
        guard row >= 1, row <= 94, cell >= 1, cell <= 94 else { return 0 }
        if row <= 2, let v = Tables.jis0208Overrides[(row - 1) * 94 + (cell - 1)] { return v }
        let lead = (row + 1) / 2 + (row <= 62 ? 0x80 : 0xC0)
        let trail: Int
        if row & 1 == 1 {
            trail = cell + (cell <= 63 ? 0x3F : 0x40)
        } else {
            trail = cell + 0x9E
        }
        guard
            let idx = Tables.cp932Index(lead: UInt8(truncatingIfNeeded: lead), trail: UInt8(truncatingIfNeeded: trail)),
            idx < cp932.count
        else { return 0 }
        return cp932[idx]
    }

    @inline(__always)
    static func jis0212(row: Int, cell: Int, table: UnsafeBufferPointer<UInt16>) -> UInt16 {
        guard row >= 1, row <= 94, cell >= 1, cell <= 94 else { return 0 }
        let idx = (row - 1) * 94 + (cell - 1)
        return idx < table.count ? table[idx] : 0
    }

    // MARK: - ISO-2022-JP

    private enum JISMode {
        case ascii, roman, katakana, jis0208, jis0212
    }

    /// ISO-2022-JP (RFC 1468) with the Microsoft CP50220/CP50221 extensions and JIS X 0212.
    ///
    /// Escapes: `ESC ( B` ASCII, `ESC ( J` JIS-Roman, `ESC ( I` half-width katakana, `ESC $ @`/`ESC $ B`
    /// JIS X 0208, `ESC $ ( D` JIS X 0212, SO/SI katakana shift. A missing final `ESC ( B` is tolerated;
    /// unknown escapes and 8-bit bytes are invalid.
    static func decodeISO2022JP(_ bytes: ArraySlice<UInt8>) -> DecodedText {
        Tables.cp932.withUnsafeBufferPointer { cp932 in
            Tables.jis0212.withUnsafeBufferPointer { t0212 in
                bytes.withUnsafeBufferPointer { p in
                    decodeISO2022JP(p, cp932: cp932, t0212: t0212)
                }
            }
        }
    }

    private static func decodeISO2022JP(
        _ p: UnsafeBufferPointer<UInt8>,
        cp932: UnsafeBufferPointer<UInt16>,
        t0212: UnsafeBufferPointer<UInt16>
    ) -> DecodedText {
        let n = p.count
        var out = Output(capacity: n * 2)
        var mode = JISMode.ascii
        var shifted = false
        var i = 0
        while i < n {
            let b = p[i]
            if b == 0x1B {
                // Escape sequences.
                let b1: UInt8 = i + 1 < n ? p[i + 1] : 0
                let b2: UInt8 = i + 2 < n ? p[i + 2] : 0
                let b3: UInt8 = i + 3 < n ? p[i + 3] : 0
                var consumed = 0
                switch (b1, b2) {
                case (0x28, 0x42):
                    mode = .ascii
                    consumed = 3  // ( B
                case (0x28, 0x4A), (0x28, 0x48):
                    mode = .roman
                    consumed = 3  // ( J, ( H
                case (0x28, 0x49):
                    mode = .katakana
                    consumed = 3  // ( I
                case (0x24, 0x40), (0x24, 0x42):
                    mode = .jis0208
                    consumed = 3  // $ @, $ B
                case (0x26, 0x40): consumed = 3  // & @ (JIS X 0208-1990 announcer), ignored
                case (0x24, 0x28):
                    switch b3 {
                    case 0x44:
                        mode = .jis0212
                        consumed = 4  // $ ( D
                    case 0x40, 0x42, 0x4F, 0x51:
                        mode = .jis0208
                        consumed = 4  // $ ( @/B, JIS X 0213 plane 1
                    default: break
                    }
                default: break
                }
                if consumed == 0 {
                    out.invalid(at: i)
                    i += 1
                } else {
                    shifted = false
                    i += consumed
                }
                continue
            }
            if b == 0x0E {
                shifted = true
                i += 1
                continue
            }
            if b == 0x0F {
                shifted = false
                i += 1
                continue
            }
            if b >= 0x80 {
                out.invalid(at: i)
                i += 1
                continue
            }
            if shifted || mode == .katakana {
                if b >= 0x21 && b <= 0x5F {
                    out.scalar(0xFF61 + UInt32(b - 0x21))
                } else if b < 0x21 {
                    out.ascii(b)
                } else {
                    out.invalid(at: i)
                }
                i += 1
                continue
            }
            switch mode {
            case .ascii, .katakana:
                out.ascii(b)
                i += 1
            case .roman:
                if b == 0x5C {
                    out.scalar(0xA5)
                } else if b == 0x7E {
                    out.scalar(0x203E)
                } else {
                    out.ascii(b)
                }
                i += 1
            case .jis0208, .jis0212:
                if b < 0x21 || b == 0x7F {
                    out.ascii(b)  // line breaks inside a two-byte run: tolerated
                    i += 1
                    continue
                }
                guard i + 1 < n, p[i + 1] >= 0x21, p[i + 1] <= 0x7E else {
                    out.invalid(at: i)
                    i += 1
                    continue
                }
                let row = Int(b) - 0x20
                let cell = Int(p[i + 1]) - 0x20
                let v =
                    mode == .jis0208
                    ? jis0208(row: row, cell: cell, cp932: cp932) : jis0212(row: row, cell: cell, table: t0212)
                if v == 0 { out.invalid(at: i) } else { out.scalar(UInt32(v)) }
                i += 2
            }
        }
        return out.finish()
    }

    // MARK: - Shift_JIS / CP932

    /// Shift_JIS decoded as Windows code page 932.
    static func decodeShiftJIS(_ bytes: ArraySlice<UInt8>) -> DecodedText {
        Tables.cp932.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { p in
                let n = p.count
                var out = Output(capacity: n * 2)
                var i = 0
                while i < n {
                    let b = p[i]
                    if b < 0x80 {
                        out.ascii(b)
                        i += 1
                        continue
                    }
                    switch b {
                    case 0x80:
                        out.scalar(0x80)
                        i += 1
                    case 0xA0:
                        out.scalar(0xF8F0)
                        i += 1
                    case 0xA1...0xDF:
                        out.scalar(0xFF61 + UInt32(b - 0xA1))
                        i += 1
                    case 0xFD...0xFF:
                        out.scalar(0xF8F1 + UInt32(b - 0xFD))
                        i += 1
                    default:
                        guard i + 1 < n, let idx = Tables.cp932Index(lead: b, trail: p[i + 1]), idx < table.count
                        else {
                            // Bad trail: an ASCII trail byte is reprocessed on its own.
                            out.invalid(at: i)
                            i += (i + 1 < n && p[i + 1] >= 0x80) ? 2 : 1
                            continue
                        }
                        let v = table[idx]
                        if v == 0 { out.invalid(at: i) } else { out.scalar(UInt32(v)) }
                        i += 2
                    }
                }
                return out.finish()
            }
        }
    }

    // MARK: - EUC-JP

    /// EUC-JP: JIS X 0208 with NEC row 13 and the NEC-selected IBM rows (CP51932), SS2 katakana, SS3 JIS X 0212.
    static func decodeEUCJP(_ bytes: ArraySlice<UInt8>) -> DecodedText {
        Tables.cp932.withUnsafeBufferPointer { cp932 in
            Tables.jis0212.withUnsafeBufferPointer { t0212 in
                bytes.withUnsafeBufferPointer { p in
                    let n = p.count
                    var out = Output(capacity: n * 2)
                    var i = 0
                    while i < n {
                        let b = p[i]
                        if b < 0x80 {
                            out.ascii(b)
                            i += 1
                            continue
                        }
                        if b == 0x8E {
                            if i + 1 < n, p[i + 1] >= 0xA1, p[i + 1] <= 0xDF {
                                out.scalar(0xFF61 + UInt32(p[i + 1] - 0xA1))
                                i += 2
                            } else {
                                out.invalid(at: i)
                                i += 1
                            }
                            continue
                        }
                        if b == 0x8F {
                            if i + 2 < n, p[i + 1] >= 0xA1, p[i + 1] <= 0xFE, p[i + 2] >= 0xA1, p[i + 2] <= 0xFE {
                                let v = jis0212(row: Int(p[i + 1]) - 0xA0, cell: Int(p[i + 2]) - 0xA0, table: t0212)
                                if v == 0 { out.invalid(at: i) } else { out.scalar(UInt32(v)) }
                                i += 3
                            } else {
                                out.invalid(at: i)
                                i += 1
                            }
                            continue
                        }
                        if b >= 0xA1 && b <= 0xFE {
                            if i + 1 < n, p[i + 1] >= 0xA1, p[i + 1] <= 0xFE {
                                let v = jis0208(row: Int(b) - 0xA0, cell: Int(p[i + 1]) - 0xA0, cp932: cp932)
                                if v == 0 { out.invalid(at: i) } else { out.scalar(UInt32(v)) }
                                i += 2
                            } else {
                                out.invalid(at: i)
                                i += 1
                            }
                            continue
                        }
                        out.invalid(at: i)
                        i += 1
                    }
                    return out.finish()
                }
            }
        }
    }
}
