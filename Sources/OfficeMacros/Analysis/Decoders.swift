/// Byte-level decoders for strings hidden in macro code: hex, Base64 and PowerShell's `-EncodedCommand`.
enum Decoders {
    /// Hex digits to bytes (even count assumed; a trailing odd digit is ignored).
    static func hex(_ digits: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = digits.startIndex
        while i + 1 < digits.endIndex {
            guard let hi = nibble(digits[i]), let lo = nibble(digits[i + 1]) else { break }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    @inline(__always) static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    static let base64Values: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = Int8(i)
        }
        return t
    }()

    /// Decodes Base64 like Python's non-validating `b64decode`: characters outside the alphabet are skipped,
    /// decoding stops at `=`. Returns `nil` when the data length is impossible (one stray character).
    static func base64(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        var count = 0
        for c in text {
            if c == UInt8(ascii: "=") { break }
            let v = base64Values[Int(c)]
            if v < 0 { continue }
            acc = acc << 6 | UInt32(v)
            bits += 6
            count += 1
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        if count % 4 == 1 { return nil }
        return out
    }

    /// Bytes as UTF-8 with U+FFFD for invalid sequences (olevba's `bytes2str`).
    static func utf8(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// UTF-16LE bytes to a string, or `nil` for an odd count.
    static func utf16LE(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 0
        while i + 1 < bytes.count {
            units.append(UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8)
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Python's `string.printable`: ASCII letters, digits, punctuation and whitespace (olevba's `is_printable`).
    static func isPrintable(_ s: String) -> Bool {
        for b in s.utf8 where !(b >= 0x20 && b <= 0x7E) && !(b >= 0x09 && b <= 0x0D) { return false }
        return true
    }

    /// A PowerShell `-EncodedCommand` (or any abbreviation PowerShell accepts: `-e`, `-en`, `-enc`, `-ec`...)
    /// followed by its Base64 argument.
    struct EncodedCommand {
        var encoded: String
        var decoded: String
        var offset: Int
    }

    /// Finds `-e`/`-enc`/`-EncodedCommand <base64 of UTF-16LE>` in `text`; keeps commands that decode to text.
    static func powerShellEncodedCommands(in b: [UInt8], limit: Int) -> [EncodedCommand] {
        var result: [EncodedCommand] = []
        var i = 0
        let n = b.count
        let full = Array("encodedcommand".utf8)
        while i < n && result.count < limit {
            let c = b[i]
            guard c == UInt8(ascii: "-") || c == UInt8(ascii: "/"),
                i == 0 || b[i - 1] == 0x20 || b[i - 1] == 0x09 || b[i - 1] == UInt8(ascii: "\"")
                    || b[i - 1] == UInt8(ascii: "'")
            else {
                i += 1
                continue
            }
            var j = i + 1
            while j < n && PatternScanner.isAlpha(b[j]) { j += 1 }
            let word = b[(i + 1)..<j].map(ScanText.lower)
            let isSwitch =
                (!word.isEmpty && word.count <= full.count && word[...] == full[0..<word.count])
                || word == Array("ec".utf8)
            guard isSwitch, j < n, b[j] == 0x20 || b[j] == 0x09 else {
                i = max(j, i + 1)
                continue
            }
            while j < n && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
            let start = j
            while j < n && (PatternScanner.isBase64(b[j]) || b[j] == UInt8(ascii: "=")) { j += 1 }
            if j - start >= 8, let bytes = base64(b[start..<j]), bytes.count >= 4,
                let text = utf16LE(bytes), isMostlyText(text)
            {
                result.append(
                    EncodedCommand(
                        encoded: String(decoding: b[start..<j], as: UTF8.self),
                        decoded: text,
                        offset: start
                    )
                )
            }
            i = max(j, i + 1)
        }
        return result
    }

    /// No control characters but whitespace, and at least one letter.
    static func isMostlyText(_ s: String) -> Bool {
        var letters = 0
        for u in s.unicodeScalars {
            if u.value < 0x20 && u.value != 0x09 && u.value != 0x0A && u.value != 0x0D { return false }
            if u.value == 0xFFFD { return false }
            if u.properties.isAlphabetic { letters += 1 }
        }
        return letters > 0
    }
}
