import Charsets

/// A script's bytes as text: the charset found (byte order mark, UTF-16 without one, else UTF-8 or the Japanese
/// and Latin code pages ``Charsets/decodeGuessing(_:)`` tells apart) and the text as UTF-8 bytes.
struct SourceText {
    /// The text, as UTF-8.
    var utf8: [UInt8]
    /// The charset the bytes were decoded from.
    var charset: Charset
    /// Whether offsets into ``utf8`` are offsets into the input: the input was UTF-8 or ASCII and nothing was
    /// replaced. Otherwise offsets refer to the transcoded text.
    var offsetsMatchInput: Bool
    /// How many byte sequences did not decode.
    var invalidSequences: Int

    init(_ bytes: ArraySlice<UInt8>) {
        let n = bytes.count
        let s = bytes.startIndex
        if n >= 3 && bytes[s] == 0xEF && bytes[s + 1] == 0xBB && bytes[s + 2] == 0xBF {
            let d = Charsets.decode(bytes[(s + 3)...], as: .utf8)
            self.init(d, .utf8, offsetsMatch: false)
        } else if n >= 2 && bytes[s] == 0xFF && bytes[s + 1] == 0xFE {
            self.init(Charsets.decode(bytes, as: .utf16LE), .utf16LE, offsetsMatch: false)
        } else if n >= 2 && bytes[s] == 0xFE && bytes[s + 1] == 0xFF {
            self.init(Charsets.decode(bytes, as: .utf16BE), .utf16BE, offsetsMatch: false)
        } else if let le = SourceText.looksLikeUTF16(bytes) {
            let charset: Charset = le ? .utf16LE : .utf16BE
            self.init(Charsets.decode(bytes, as: charset), charset, offsetsMatch: false)
        } else {
            let (text, charset) = Charsets.decodeGuessing(bytes)
            self.init(text, charset, offsetsMatch: charset == .utf8 && text.isValid)
        }
    }

    private init(_ decoded: DecodedText, _ charset: Charset, offsetsMatch: Bool) {
        self.utf8 = Array(decoded.text.utf8)
        self.charset = charset
        self.offsetsMatchInput = offsetsMatch
        self.invalidSequences = decoded.invalidSequences
    }

    /// UTF-16 without a byte order mark: most of the first 256 even (big-endian) or odd (little-endian) bytes are
    /// zero, as in ASCII text saved as "Unicode". Returns `true` for little-endian.
    static func looksLikeUTF16(_ b: ArraySlice<UInt8>) -> Bool? {
        let n = min(b.count, 512) & ~1
        guard n >= 8 else { return nil }
        var evenZeros = 0
        var oddZeros = 0
        var i = 0
        while i < n {
            if b[b.startIndex + i] == 0 { evenZeros += 1 }
            if b[b.startIndex + i + 1] == 0 { oddZeros += 1 }
            i += 2
        }
        let pairs = n / 2
        if oddZeros * 10 >= pairs * 8 && evenZeros * 10 < pairs { return true }
        if evenZeros * 10 >= pairs * 8 && oddZeros * 10 < pairs { return false }
        return nil
    }
}
