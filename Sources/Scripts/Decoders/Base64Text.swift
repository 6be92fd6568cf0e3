/// Base64, percent and text helpers shared by the language decoders.
enum Base64Text {
    static let values: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = Int8(i)
        }
        // URL-safe alphabet too.
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// Decodes Base64, skipping whitespace, stopping at `=`; `nil` for any other character or an impossible
    /// length. At most `limit` output bytes.
    static func decode<C: Collection>(_ text: C, limit: Int = .max) -> [UInt8]? where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(min(limit, text.count * 3 / 4))
        var acc: UInt32 = 0
        var bits = 0
        var count = 0
        var padded = false
        for c in text {
            if c == UInt8(ascii: "=") {
                padded = true
                continue
            }
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { continue }
            if padded { return nil }
            let v = values[Int(c)]
            guard v >= 0 else { return nil }
            acc = (acc << 6 | UInt32(v)) & 0xFFFFFF
            bits += 6
            count += 1
            if bits >= 8 {
                bits -= 8
                if out.count >= limit { return out }
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        if count % 4 == 1 { return nil }
        return out
    }

    /// Whether `s` looks like Base64 worth decoding: at least `minimum` digits of the alphabet (whitespace
    /// allowed), both cases or digits, padding only at the end.
    static func looksLikeBase64<C: Collection>(_ s: C, minimum: Int) -> Bool where C.Element == UInt8 {
        var digits = 0
        var upper = false
        var lower = false
        var number = false
        var pad = 0
        for c in s {
            if c == UInt8(ascii: "=") {
                pad += 1
                if pad > 2 { return false }
                continue
            }
            if pad > 0 { return false }
            if c == 0x0A || c == 0x0D || c == 0x20 || c == 0x09 { continue }
            guard Text.isBase64(c) else { return false }
            if c >= 0x41 && c <= 0x5A { upper = true } else if c >= 0x61 && c <= 0x7A { lower = true } else if Text.isDigit(c) {
                number = true
            }
            digits += 1
        }
        guard digits >= minimum, (digits + pad) % 4 == 0 || pad == 0 && digits % 4 != 1 else { return false }
        return upper && (lower || number)
    }

    /// Decoded bytes as text: UTF-16LE when it looks like it (PowerShell's `-EncodedCommand`), else UTF-8,
    /// else Latin-1; `nil` when the result is not mostly printable text.
    static func text(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return nil }
        if bytes.count >= 4 && bytes.count % 2 == 0 {
            var zeros = 0
            var i = 1
            while i < bytes.count {
                if bytes[i] == 0 { zeros += 1 }
                i += 2
            }
            if zeros * 10 >= (bytes.count / 2) * 9 {
                var units: [UInt16] = []
                units.reserveCapacity(bytes.count / 2)
                var k = 0
                while k + 1 < bytes.count {
                    units.append(UInt16(bytes[k]) | UInt16(bytes[k + 1]) << 8)
                    k += 2
                }
                let s = String(decoding: units, as: UTF16.self)
                return isMostlyText(s) ? s : nil
            }
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if isMostlyText(s) { return s }
        return nil
    }

    /// No more than 5% control characters (but whitespace) or replacement characters, and at least one letter.
    static func isMostlyText(_ s: String) -> Bool {
        var bad = 0
        var total = 0
        var letters = 0
        for u in s.unicodeScalars {
            total += 1
            if (u.value < 0x20 && u.value != 0x09 && u.value != 0x0A && u.value != 0x0D) || u.value == 0xFFFD
                || u.value == 0x7F
            {
                bad += 1
            } else if u.properties.isAlphabetic {
                letters += 1
            }
        }
        return total > 0 && letters > 0 && bad * 20 <= total
    }

    /// Latin-1 bytes of UTF-16 code units below 256 (JScript's binary strings), or `nil` if one is above.
    static func binaryString(_ units: [UInt16]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        for u in units {
            guard u < 256 else { return nil }
            out.append(UInt8(u))
        }
        return out
    }

    /// UTF-16 code units as a string (lone surrogates become U+FFFD).
    static func string(_ units: [UInt16]) -> String { String(decoding: units, as: UTF16.self) }

    /// A string as UTF-16 code units.
    static func units(_ s: String) -> [UInt16] { Array(s.utf16) }
}
