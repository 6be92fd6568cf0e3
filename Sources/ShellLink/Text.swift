import ByteCursor
import Charsets

/// Text and identifier decoding shared by the shell link structures.
enum Text {
    /// UTF-16LE code units up to the first NUL (or the end), decoded; lone surrogates become U+FFFD.
    static func utf16(_ bytes: ArraySlice<UInt8>, stopAtNUL: Bool = true) -> String {
        // ASCII (the common case) decodes as UTF-8 without a transcoding pass.
        var ascii: [UInt8] = []
        ascii.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            let lo = bytes[i]
            let hi = bytes[i + 1]
            if hi != 0 || lo >= 0x80 { break }
            if stopAtNUL && lo == 0 { return String(decoding: ascii, as: UTF8.self) }
            ascii.append(lo)
            i += 2
        }
        if i + 1 >= bytes.endIndex { return String(decoding: ascii, as: UTF8.self) }
        var units: [UInt16] = ascii.map { UInt16($0) }
        units.reserveCapacity(bytes.count / 2)
        while i + 1 < bytes.endIndex {
            let u = UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
            if stopAtNUL && u == 0 { break }
            units.append(u)
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// The number of bytes a NUL-terminated UTF-16LE string takes in `bytes`, terminator included (or all of
    /// `bytes`, rounded down to whole code units, when there is no terminator).
    static func utf16Length(_ bytes: ArraySlice<UInt8>) -> Int {
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            if bytes[i] == 0 && bytes[i + 1] == 0 { return i + 2 - bytes.startIndex }
            i += 2
        }
        return (bytes.count / 2) * 2
    }

    /// 8-bit ("ANSI", the system code page) text up to the first NUL, decoded as `charset` (ASCII decodes as is).
    static func ansi(_ bytes: ArraySlice<UInt8>, charset: Charset, stopAtNUL: Bool = true) -> String {
        let text = stopAtNUL ? (bytes.firstIndex(of: 0).map { bytes[..<$0] } ?? bytes) : bytes
        if text.allSatisfy({ $0 < 0x80 }) { return String(decoding: text, as: UTF8.self) }
        return Charsets.decode(text, as: charset).text
    }

    /// A GUID stored as [MS-DTYP] `GUID` (Data1, Data2, Data3 little-endian, Data4 as is), in the registry
    /// format without braces: `00021401-0000-0000-C000-000000000046`.
    static func guid(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.count >= 16 else { return nil }
        let b = Array(bytes.prefix(16))
        let order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for i in order {
            if i < 0 {
                out.append(UInt8(ascii: "-"))
            } else {
                out.append(digits[Int(b[i] >> 4)])
                out.append(digits[Int(b[i] & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The MAC address in a version 1 (time-based) UUID's node field, as `aa:bb:cc:dd:ee:ff`; `nil` for other
    /// UUID versions, whose node is random.
    static func macAddress(fromGUID bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.count >= 16 else { return nil }
        let b = Array(bytes.prefix(16))
        // Data3 (bytes 6-7, little-endian): the version is the high nibble of byte 7.
        guard b[7] >> 4 == 1 else { return nil }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for (n, byte) in b[10..<16].enumerated() {
            if n > 0 { out.append(UInt8(ascii: ":")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
