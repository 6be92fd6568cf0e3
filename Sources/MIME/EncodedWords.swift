import Charsets

/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header values.
///
/// Adjacent encoded words are joined (the whitespace between them is dropped) and, when they share a charset,
/// their bytes are concatenated before charset decoding, so a multibyte character split across two words (common
/// with ISO-2022-JP and Japanese mailers) still decodes. Raw 8-bit bytes outside encoded words are decoded as
/// UTF-8 when valid, else by guessing CP932/EUC-JP, else as ISO-8859-1.
public enum EncodedWords {
    /// Decodes the encoded words in a header value (line breaks are unfolded first).
    public static func decode(_ raw: ArraySlice<UInt8>) -> (String, [MIMEDefect]) {
        var defects: [MIMEDefect] = []
        let text = decode(raw, offset: 0, defects: &defects)
        return (text, defects)
    }

    /// Decodes the encoded words in a header value.
    public static func decode(_ raw: String) -> (String, [MIMEDefect]) {
        decode(Array(raw.utf8)[...])
    }

    private enum Segment {
        case text(ArraySlice<UInt8>)
        case whitespace(ArraySlice<UInt8>)
        case word(charset: String, bytes: [UInt8], offset: Int)
    }

    /// Decodes `raw`; defects carry `offset` plus the position in `raw`.
    static func decode(_ raw: ArraySlice<UInt8>, offset: Int, defects: inout [MIMEDefect]) -> String {
        // Unfold: drop CR and LF.
        let bytes: ArraySlice<UInt8>
        if raw.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            bytes = raw.filter { $0 != 0x0D && $0 != 0x0A }[...]
        } else {
            bytes = raw
        }
        // Fast path: nothing to decode.
        if !containsEncodedWordStart(bytes) && !bytes.contains(where: { $0 >= 0x80 || $0 == 0x1B }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var segments: [Segment] = []
        var i = bytes.startIndex
        var textStart = i
        let end = bytes.endIndex
        func flushText(_ upTo: Int) {
            guard textStart < upTo else { return }
            // Split off trailing whitespace so that it can be dropped between two words.
            var k = upTo
            while k > textStart && ByteScan.isWSP(bytes[k - 1]) { k -= 1 }
            var s = textStart
            while s < k && ByteScan.isWSP(bytes[s]) { s += 1 }
            if s == k {
                segments.append(.whitespace(bytes[textStart..<upTo]))
            } else {
                if s > textStart { segments.append(.whitespace(bytes[textStart..<s])) }
                segments.append(.text(bytes[s..<k]))
                if k < upTo { segments.append(.whitespace(bytes[k..<upTo])) }
            }
        }
        var cache = ScanCache()
        while i < end {
            if bytes[i] == UInt8(ascii: "="), i + 1 < end, bytes[i + 1] == UInt8(ascii: "?"),
                let (word, next) = parseWord(
                    bytes,
                    at: i,
                    offset: offset - bytes.startIndex,
                    cache: &cache,
                    defects: &defects
                )
            {
                flushText(i)
                segments.append(word)
                i = next
                textStart = i
                continue
            }
            i += 1
        }
        flushText(end)

        // Assemble: whitespace between two words disappears; same-charset neighbours share their bytes.
        var out = ""
        var k = 0
        while k < segments.count {
            switch segments[k] {
            case .text(let t):
                out += decodeRaw(t, offset: offset + (t.startIndex - bytes.startIndex), defects: &defects)
                k += 1
            case .whitespace(let w):
                let prevIsWord: Bool
                if k > 0, case .word = segments[k - 1] { prevIsWord = true } else { prevIsWord = false }
                let nextIsWord: Bool
                if k + 1 < segments.count, case .word = segments[k + 1] {
                    nextIsWord = true
                } else {
                    nextIsWord = false
                }
                if !(prevIsWord && nextIsWord) { out += String(decoding: w, as: UTF8.self) }
                k += 1
            case .word(let charset, var wbytes, let woff):
                let label = charset
                var j = k + 1
                // Join following words of the same charset separated only by whitespace.
                while j < segments.count {
                    var m = j
                    if case .whitespace = segments[m] { m += 1 }
                    guard m < segments.count, case .word(let c2, let b2, _) = segments[m],
                        sameCharset(c2, label)
                    else { break }
                    wbytes += b2
                    j = m + 1
                }
                out += decodeWordBytes(wbytes, label: label, offset: woff, defects: &defects)
                k = j
            }
        }
        return out
    }

    static func containsEncodedWordStart(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        while i + 1 < b.endIndex {
            if b[i] == UInt8(ascii: "="), b[i + 1] == UInt8(ascii: "?") { return true }
            i += 1
        }
        return false
    }

    private static func sameCharset(_ a: String, _ b: String) -> Bool {
        if a.equalsIgnoringASCIICase(b) { return true }
        guard let ca = Charsets.lookup(a), let cb = Charsets.lookup(b) else { return false }
        return ca == cb
    }

    /// The next `?=` and the next whitespace at or after a position, remembered so that many `=?` starts without
    /// an end cost linear time, not quadratic.
    private struct ScanCache {
        var terminator = -1
        var whitespace = -1
    }

    /// Parses one encoded word at `i` (which holds `=?`); nil when it is not one.
    private static func parseWord(
        _ b: ArraySlice<UInt8>,
        at i: Int,
        offset: Int,
        cache: inout ScanCache,
        defects: inout [MIMEDefect]
    ) -> (Segment, Int)? {
        let end = b.endIndex
        var j = i + 2
        let csStart = j
        while j < end, b[j] != UInt8(ascii: "?") {
            let c = b[j]
            if c <= 0x20 || c >= 0x7F || c == UInt8(ascii: "=") { return nil }
            j += 1
        }
        guard j < end, j > csStart, j - csStart <= 64 else { return nil }
        var charset = String(decoding: b[csStart..<j], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        j += 1
        guard j + 1 < end, b[j + 1] == UInt8(ascii: "?") else { return nil }
        let enc = ByteScan.lower(b[j])
        guard enc == UInt8(ascii: "b") || enc == UInt8(ascii: "q") else { return nil }
        j += 2
        let textStart = j
        // The text runs to the next "?=" (no whitespace inside a word).
        if cache.terminator < textStart {
            var k = textStart
            while k + 1 < end && !(b[k] == UInt8(ascii: "?") && b[k + 1] == UInt8(ascii: "=")) { k += 1 }
            cache.terminator = k + 1 < end ? k : end
        }
        if cache.whitespace < textStart {
            var k = textStart
            while k < end && b[k] != 0x20 && b[k] != 0x09 { k += 1 }
            cache.whitespace = k
        }
        j = cache.terminator
        guard j + 1 < end, cache.whitespace > j else { return nil }
        let text = b[textStart..<j]
        let decoded: [UInt8]
        if enc == UInt8(ascii: "b") {
            let r = TransferDecoding.decodeBase64(text)
            if r.defects.contains(.invalidBase64Length) {
                defects.append(MIMEDefect(.invalidEncodedWord, offset: offset + i, detail: "undecodable base64 word"))
            }
            decoded = r.bytes
        } else {
            decoded = TransferDecoding.decodeQuotedPrintable(text, header: true).bytes
        }
        return (.word(charset: charset, bytes: decoded, offset: offset + i), j + 2)
    }

    private static func decodeWordBytes(
        _ bytes: [UInt8],
        label: String,
        offset: Int,
        defects: inout [MIMEDefect]
    )
        -> String
    {
        if let cs = Charsets.lookup(label) {
            let d = Charsets.decode(bytes[...], as: cs)
            if d.invalidSequences > 0 {
                defects.append(
                    MIMEDefect(.invalidByteSequence, offset: offset, detail: "\(d.invalidSequences) in \(cs.name)")
                )
            }
            return d.text
        }
        defects.append(MIMEDefect(.unknownCharset, offset: offset, detail: label))
        return Charsets.decodeGuessing(bytes[...]).text.text
    }

    /// Decodes raw header bytes outside encoded words.
    static func decodeRaw(_ t: ArraySlice<UInt8>, offset: Int, defects: inout [MIMEDefect]) -> String {
        if !t.contains(where: { $0 >= 0x80 }) {
            if t.contains(0x1B) {
                let j = Charsets.decode(t, as: .iso2022JP)
                if j.isValid { return j.text }
            }
            return String(decoding: t, as: UTF8.self)
        }
        if !defects.contains(where: { $0.code == .nonASCIIHeader }) {
            defects.append(MIMEDefect(.nonASCIIHeader, offset: offset))
        }
        return Charsets.decodeGuessing(t).text.text
    }
}
