/// Decoding of the strings a hive stores: key and value names (compressed Latin-1 or UTF-16LE), class names and
/// string data (UTF-16LE).
///
/// Names are short and mostly ASCII, so each decoder checks for ASCII first and builds the `String` straight from
/// the bytes; only other text goes through the general transcoder. Invalid UTF-16 (a lone surrogate) becomes
/// U+FFFD, as Windows' own conversions do.
enum Text {
    /// A name stored with the "compressed" flag: one byte per UTF-16 code unit below 256, i.e. Latin-1 (the
    /// kernel widens each byte to a WCHAR). ASCII is the common case.
    @inline(__always)
    static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        var ascii = true
        for b in bytes where b >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        for b in bytes { scalars.append(Unicode.Scalar(b)) }
        return String(scalars)
    }

    /// UTF-16LE text (an odd final byte is dropped).
    static func utf16(_ bytes: ArraySlice<UInt8>) -> String {
        let units = bytes.count / 2
        if units == 0 { return "" }
        let start = bytes.startIndex
        // ASCII fast path: every high byte zero and every low byte below 0x80.
        var ascii = true
        var i = start
        let end = start + units * 2
        while i < end {
            if bytes[i] >= 0x80 || bytes[i + 1] != 0 {
                ascii = false
                break
            }
            i += 2
        }
        if ascii {
            return String(unsafeUninitializedCapacity: units) { buffer in
                var j = start
                for k in 0..<units {
                    buffer[k] = bytes[j]
                    j += 2
                }
                return units
            }
        }
        return String(decoding: UTF16LEUnits(bytes: bytes, count: units), as: UTF16.self)
    }

    /// UTF-16LE text up to the first NUL code unit (or the end).
    static func utf16UpToNUL(_ bytes: ArraySlice<UInt8>) -> String {
        let units = UTF16LEUnits(bytes: bytes, count: bytes.count / 2)
        let n = units.firstIndex(of: 0) ?? units.count
        return utf16(bytes.prefix(n * 2))
    }

    /// Whether two names are equal ignoring case, the way the registry compares them (ASCII folded byte by
    /// byte; other text compared by its uppercase form).
    static func equalNames(_ a: String, _ b: String) -> Bool {
        var nonASCII = false
        if a.utf8.count == b.utf8.count {
            var same = true
            for (x, y) in zip(a.utf8, b.utf8) {
                if x >= 0x80 || y >= 0x80 {
                    nonASCII = true
                    break
                }
                if x != y, asciiUpper(x) != asciiUpper(y) {
                    same = false
                    break
                }
            }
            if !nonASCII { return same }
        } else {
            nonASCII = a.utf8.contains { $0 >= 0x80 } || b.utf8.contains { $0 >= 0x80 }
            if !nonASCII { return false }
        }
        return a.uppercased() == b.uppercased()
    }

    @inline(__always)
    static func asciiUpper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b - 0x20 : b }
}

/// The little-endian 16-bit code units of a byte slice, without copying.
struct UTF16LEUnits: RandomAccessCollection {
    let bytes: ArraySlice<UInt8>
    let count: Int
    var startIndex: Int { 0 }
    var endIndex: Int { count }
    @inline(__always)
    subscript(i: Int) -> UInt16 {
        let j = bytes.startIndex + 2 * i
        return UInt16(bytes[j]) | UInt16(bytes[j + 1]) << 8
    }
}
