import ByteCursor

/// String readers shared by the BIFF parsers.
enum XLMText {
    /// Decodes 8-bit characters as Latin-1 (BIFF8 "compressed" strings store the low byte of UTF-16 code units).
    static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        var ascii = true
        for b in bytes where b >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for b in bytes { scalars.append(Unicode.Scalar(b)) }
        return String(scalars)
    }

    /// Decodes UTF-16LE code units; unpaired surrogates become U+FFFD, a trailing odd byte is dropped.
    static func utf16LE(_ bytes: ArraySlice<UInt8>) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            units.append(UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8)
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Reads `cch` characters of a BIFF8 `XLUnicodeStringNoCch` body whose flag byte was already read.
    static func readChars(_ cursor: inout ByteCursor, count cch: Int, highByte: Bool) throws -> String {
        if highByte {
            let (byteCount, overflow) = cch.multipliedReportingOverflow(by: 2)
            guard !overflow else { throw CursorError.invalidLength(cch, offset: cursor.offset) }
            return utf16LE(try cursor.readBytes(byteCount))
        }
        return latin1(try cursor.readBytes(cch))
    }

    /// `ShortXLUnicodeString` (BIFF8): `cch` (1 byte), `fHighByte` (1 byte), characters.
    static func shortXLUnicodeString(_ cursor: inout ByteCursor) throws -> String {
        let cch = Int(try cursor.readUInt8())
        let flags = try cursor.readUInt8()
        return try readChars(&cursor, count: cch, highByte: flags & 0x01 != 0)
    }

    /// `XLUnicodeString` (BIFF8): `cch` (2 bytes), `fHighByte` (1 byte), characters.
    static func xlUnicodeString(_ cursor: inout ByteCursor) throws -> String {
        let cch = Int(try cursor.readUInt16LE())
        let flags = try cursor.readUInt8()
        return try readChars(&cursor, count: cch, highByte: flags & 0x01 != 0)
    }

    /// `XLWideString` (BIFF12): `cchCharacters` (4 bytes), UTF-16LE characters. `0xFFFFFFFF` (a null
    /// `XLNullableWideString`) gives nil.
    static func wideString(_ cursor: inout ByteCursor, maxCharacters: Int) throws -> String? {
        let cch = try cursor.readUInt32LE()
        if cch == 0xFFFF_FFFF { return nil }
        guard let n = Int(exactly: cch), n <= maxCharacters else {
            throw CursorError.invalidLength(Int(clamping: cch), offset: cursor.offset)
        }
        return utf16LE(try cursor.readBytes(n * 2))
    }

    /// Quotes `text` as a formula string literal: `"a""b"`.
    static func quoted(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + text + "\"" }
        var out = "\""
        for ch in text.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }

    /// Cuts `text` to at most `maxBytes` UTF-8 bytes (on a character boundary), marking the cut with `…`.
    static func capped(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var out = ""
        var used = 0
        for ch in text {
            let n = ch.utf8.count
            if used + n > max(0, maxBytes) { break }
            out.append(ch)
            used += n
        }
        return out + "…"
    }

    /// A number as a formula shows it: `3` for integral values, `0.5`, `1E+300`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "#NUM!" }
        if value.isInfinite { return value > 0 ? "1E+308" : "-1E+308" }
        if let i = integral(value) { return String(i) }
        return String(value)
    }

    /// `value` as an integer when it is integral and below 1e15 in magnitude, from its bits (no libm call, so
    /// that executables without Foundation link).
    static func integral(_ value: Double) -> Int? {
        if value == 0 { return 0 }
        guard value.isFinite, value > -1e15, value < 1e15 else { return nil }
        let exponent = Int(value.exponentBitPattern) - 1023
        guard exponent >= 0 else { return nil }  // below 1, or subnormal
        let fractionBits = 52 - exponent  // at least 3 below 1e15
        let significand = value.significandBitPattern | (1 << 52)
        guard significand & ((1 << UInt64(fractionBits)) - 1) == 0 else { return nil }
        let magnitude = Int(significand >> UInt64(fractionBits))
        return value < 0 ? -magnitude : magnitude
    }

    /// The text of a BIFF error code (`BErr`).
    static func errorText(_ code: UInt8) -> String {
        switch code {
        case 0x00: "#NULL!"
        case 0x07: "#DIV/0!"
        case 0x0F: "#VALUE!"
        case 0x17: "#REF!"
        case 0x1D: "#NAME?"
        case 0x24: "#NUM!"
        case 0x2A: "#N/A"
        case 0x2B: "#GETTING_DATA"
        default: "#ERR\(code)"
        }
    }

    /// `Sheet1` or `'My sheet'` as a reference prefix needs it.
    static func sheetPrefix(_ name: String) -> String {
        var plain = !name.isEmpty
        for (i, b) in name.utf8.enumerated() {
            let isLetter = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
            let isDigit = b >= 0x30 && b <= 0x39
            if !(isLetter || b == 0x5F || b == 0x2E || b >= 0x80 || (isDigit && i > 0)) {
                plain = false
                break
            }
        }
        if plain { return name }
        var out = "'"
        for ch in name.unicodeScalars {
            if ch == "'" { out += "''" } else { out.unicodeScalars.append(ch) }
        }
        return out + "'"
    }

    /// Two uppercase hex digits.
    static func hexByte(_ value: UInt8) -> String {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(value >> 4)], digits[Int(value & 0x0F)]], as: UTF8.self)
    }
}
