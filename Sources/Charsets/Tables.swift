/// The decoding tables, expanded once (lazily, thread-safely) from the generated base64 literals.
enum Tables {
    /// CP932 double-byte table, see ``cp932Index(lead:trail:)``.
    static let cp932: [UInt16] = expand(GeneratedTables.cp932)
    /// JIS X 0212, 94 x 94 (row-1)*94+(cell-1).
    static let jis0212: [UInt16] = expand(GeneratedTables.jis0212)
    /// JIS X 0208 positions where the standard mapping (as Python's euc_jp/iso2022_jp) differs from CP932.
    static let jis0208Overrides: [Int: UInt16] = {
        let pairs = expand(GeneratedTables.jis0208Overrides)
        var m: [Int: UInt16] = [:]
        var i = 0
        while i + 1 < pairs.count {
            m[Int(pairs[i])] = pairs[i + 1]
            i += 2
        }
        return m
    }()

    static let iso8859: [Int: [UInt16]] = [
        1: expand(GeneratedTables.iso8859_1), 2: expand(GeneratedTables.iso8859_2),
        3: expand(GeneratedTables.iso8859_3), 4: expand(GeneratedTables.iso8859_4),
        5: expand(GeneratedTables.iso8859_5), 6: expand(GeneratedTables.iso8859_6),
        7: expand(GeneratedTables.iso8859_7), 8: expand(GeneratedTables.iso8859_8),
        9: expand(GeneratedTables.iso8859_9), 10: expand(GeneratedTables.iso8859_10),
        11: expand(GeneratedTables.iso8859_11), 13: expand(GeneratedTables.iso8859_13),
        14: expand(GeneratedTables.iso8859_14), 15: expand(GeneratedTables.iso8859_15),
        16: expand(GeneratedTables.iso8859_16),
    ]

    static let windows: [Int: [UInt16]] = [
        1250: expand(GeneratedTables.windows1250), 1251: expand(GeneratedTables.windows1251),
        1252: expand(GeneratedTables.windows1252), 1253: expand(GeneratedTables.windows1253),
        1254: expand(GeneratedTables.windows1254), 1255: expand(GeneratedTables.windows1255),
        1256: expand(GeneratedTables.windows1256), 1257: expand(GeneratedTables.windows1257),
        1258: expand(GeneratedTables.windows1258),
    ]

    static let koi8R: [UInt16] = expand(GeneratedTables.koi8R)
    static let koi8U: [UInt16] = expand(GeneratedTables.koi8U)
    static let gbk: [UInt16] = expand(GeneratedTables.gbk)
    static let big5: [UInt16] = expand(GeneratedTables.big5)
    static let eucKR: [UInt16] = expand(GeneratedTables.eucKR)

    /// Index into ``cp932`` for a lead and trail byte, or nil when either is outside the table.
    @inline(__always)
    static func cp932Index(lead: UInt8, trail: UInt8) -> Int? {
        let l: Int
        if lead >= 0x81 && lead <= 0x9F {
            l = Int(lead) - 0x81
        } else if lead >= 0xE0 && lead <= 0xFC {
            l = Int(lead) - 0xE0 + 31
        } else {
            return nil
        }
        guard trail >= 0x40, trail <= 0xFC else { return nil }
        return l * 189 + Int(trail) - 0x40
    }

    /// Expands a base64 literal of little-endian UInt16 values; whitespace is skipped.
    static func expand(_ literal: String) -> [UInt16] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(literal.utf8.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in literal.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            default: continue
            }
            acc = (acc << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        var out: [UInt16] = []
        out.reserveCapacity(bytes.count / 2)
        var i = 0
        while i + 1 < bytes.count {
            out.append(UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8)
            i += 2
        }
        return out
    }
}
