/// Decodes entry names and comments the way Windows, macOS and Info-ZIP zippers wrote them.
///
/// Order: UTF-8 when the archive says so (flag bit 11, Info-ZIP Unicode extra); otherwise UTF-8 if the bytes are
/// valid UTF-8 (ASCII included); otherwise CP932 if it decodes without an invalid sequence (Japanese Windows
/// writes Shift_JIS names without any flag: `請求書.xlsm`); otherwise CP437, the historical default.
enum NameDecoding {
    /// The text of `bytes`, `declaredUTF8` meaning the archive flagged the field as UTF-8.
    static func decode(_ bytes: ArraySlice<UInt8>, declaredUTF8: Bool) -> String {
        if declaredUTF8 { return String(decoding: bytes, as: UTF8.self) }
        if let s = strictUTF8(bytes) { return s }
        if let s = shiftJIS(bytes) { return s }
        return cp437(bytes)
    }

    /// The bytes as UTF-8, or nil if any sequence is invalid.
    static func strictUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
        var it = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue(let v): scalars.append(v)
            case .emptyInput: return String(scalars)
            case .error: return nil
            }
        }
    }

    /// The bytes as CP932, or nil unless every sequence decodes.
    static func shiftJIS(_ bytes: ArraySlice<UInt8>) -> String? {
        decodeCP932(bytes)
    }

    /// The bytes as code page 437: ASCII below 0x80, the table above.
    static func cp437(_ bytes: ArraySlice<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            let v = b < 0x80 ? UInt32(b) : UInt32(cp437High[Int(b) - 0x80])
            if let s = Unicode.Scalar(v) { scalars.append(s) }
        }
        return String(scalars)
    }

    /// Code page 437, bytes 0x80...0xFF.
    static let cp437High: [UInt16] = [
        0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
        0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
        0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
        0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
        0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
        0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
        0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
        0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
    ]
}
