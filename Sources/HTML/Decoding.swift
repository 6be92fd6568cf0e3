/// The decoders smuggling pages use, each bounded by an output limit: Base64 (`atob`), hex, percent escapes
/// (`unescape`, `decodeURIComponent`) and `data:` URLs.
enum Decoding {
    /// The result of a bounded decode.
    struct Output {
        var bytes: [UInt8]
        /// Whether the output was cut at the limit.
        var truncated: Bool
    }

    static let base64Values: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = Int8(i)
        }
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C }

    /// Decodes Base64 as `atob` does (ASCII whitespace ignored, padding optional), also accepting the URL-safe
    /// alphabet; at most `limit` output bytes.
    ///
    /// - Throws: ``HTMLError`` `.invalidEncoding` for a character outside the alphabet, data after padding or a
    ///   length that cannot be Base64.
    static func base64(_ text: some Collection<UInt8>, limit: Int) throws(HTMLError) -> Output {
        var out: [UInt8] = []
        out.reserveCapacity(min(max(0, limit), text.count / 4 * 3 + 3))
        var acc: UInt32 = 0
        var bits = 0
        var count = 0
        var padding = 0
        var truncated = false
        var position = 0
        for c in text {
            defer { position += 1 }
            if isSpace(c) { continue }
            if c == UInt8(ascii: "=") {
                padding += 1
                if padding > 2 { throw HTMLError(.invalidEncoding, "too much Base64 padding", offset: position) }
                continue
            }
            if padding > 0 { throw HTMLError(.invalidEncoding, "Base64 data after padding", offset: position) }
            let v = base64Values[Int(c)]
            guard v >= 0 else {
                throw HTMLError(.invalidEncoding, "byte 0x\(String(c, radix: 16)) is not Base64", offset: position)
            }
            acc = (acc << 6 | UInt32(v)) & 0xFFFFFF
            bits += 6
            count += 1
            if bits >= 8 {
                bits -= 8
                if out.count < limit {
                    out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                } else {
                    truncated = true
                }
            }
        }
        if count % 4 == 1 { throw HTMLError(.invalidEncoding, "\(count) Base64 digits cannot be decoded") }
        if padding > 0 && (count + padding) % 4 != 0 {
            throw HTMLError(.invalidEncoding, "Base64 padding does not complete a quantum")
        }
        return Output(bytes: out, truncated: truncated)
    }

    /// Whether `text` is Base64 worth decoding: at least `minimum` digits, only the alphabet, whitespace and final
    /// padding, and not a plain word (both cases, or digits).
    static func looksLikeBase64(_ text: some Collection<UInt8>, minimum: Int) -> Bool {
        var digits = 0
        var padding = 0
        var upper = false
        var lower = false
        var number = false
        for c in text {
            if isSpace(c) { continue }
            if c == UInt8(ascii: "=") {
                padding += 1
                if padding > 2 { return false }
                continue
            }
            if padding > 0 || base64Values[Int(c)] < 0 { return false }
            switch c {
            case 0x41...0x5A: upper = true
            case 0x61...0x7A: lower = true
            case 0x30...0x39: number = true
            default: break
            }
            digits += 1
        }
        guard digits >= minimum, digits % 4 != 1, padding == 0 || (digits + padding) % 4 == 0 else { return false }
        return upper && lower || (upper || lower) && number
    }

    /// Decodes a string of hex digit pairs, optionally separated by whitespace or commas.
    static func hex(_ text: some Collection<UInt8>, limit: Int) throws(HTMLError) -> Output {
        var out: [UInt8] = []
        out.reserveCapacity(min(max(0, limit), text.count / 2))
        var high: UInt8?
        var truncated = false
        for c in text {
            if let d = ASCII.digit(c, hex: true) {
                if let h = high {
                    if out.count < limit { out.append(h << 4 | UInt8(d)) } else { truncated = true }
                    high = nil
                } else {
                    high = UInt8(d)
                }
            } else if (isSpace(c) || c == UInt8(ascii: ",")) && high == nil {
                continue
            } else {
                throw HTMLError(.invalidEncoding, high == nil ? "byte 0x\(String(c, radix: 16)) is not a hex digit" : "an odd number of hex digits")
            }
        }
        if high != nil { throw HTMLError(.invalidEncoding, "an odd number of hex digits") }
        return Output(bytes: out, truncated: truncated)
    }

    /// Whether `text` is a run of at least `minimum` hex digit pairs and nothing else.
    static func looksLikeHex(_ text: some Collection<UInt8>, minimum: Int) -> Bool {
        var digits = 0
        var letters = false
        for c in text {
            guard ASCII.digit(c, hex: true) != nil else { return false }
            if c > 0x39 { letters = true }
            digits += 1
        }
        return digits >= minimum && digits % 2 == 0 && letters
    }

    /// Decodes percent escapes as `unescape` does: `%XX` is a byte, `%uXXXX` a UTF-16 code unit (written as
    /// UTF-8, or as a byte when below 0x100 and `binary`); other characters are kept; a `%` without hex digits is
    /// kept as it is (`decodeURIComponent` would throw).
    static func percent(_ text: some Collection<UInt8>, limit: Int) -> (output: Output, invalid: Int) {
        let s = Array(text)
        var out: [UInt8] = []
        out.reserveCapacity(max(0, min(limit, s.count)))
        var invalid = 0
        var i = 0
        var truncated = false
        func emit(_ b: UInt8) {
            if out.count < limit { out.append(b) } else { truncated = true }
        }
        while i < s.count {
            let c = s[i]
            if c == UInt8(ascii: "%") {
                if i + 5 < s.count, s[i + 1] | 0x20 == UInt8(ascii: "u"),
                    let a = ASCII.digit(s[i + 2], hex: true), let b = ASCII.digit(s[i + 3], hex: true),
                    let c2 = ASCII.digit(s[i + 4], hex: true), let d = ASCII.digit(s[i + 5], hex: true)
                {
                    let unit = a << 12 | b << 8 | c2 << 4 | d
                    let scalar = Unicode.Scalar(UInt32(unit)) ?? "\u{FFFD}"
                    for byte in String(scalar).utf8 { emit(byte) }
                    i += 6
                    continue
                }
                if i + 2 < s.count, let a = ASCII.digit(s[i + 1], hex: true), let b = ASCII.digit(s[i + 2], hex: true) {
                    emit(UInt8(a << 4 | b))
                    i += 3
                    continue
                }
                invalid += 1
            }
            emit(c)
            i += 1
        }
        return (Output(bytes: out, truncated: truncated), invalid)
    }

    /// Whether `text` is mostly percent escapes (at least `minimum` of them, three quarters of the text).
    static func looksLikePercent(_ text: some Collection<UInt8>, minimum: Int) -> Bool {
        var escapes = 0
        for c in text where c == UInt8(ascii: "%") { escapes += 1 }
        return escapes >= minimum && escapes * 3 * 4 >= text.count * 3
    }

    /// A parsed `data:` URL (RFC 2397): media type, whether Base64, and where the data starts.
    struct DataURL {
        var mediaType: String
        var base64: Bool
        /// The offset of the data (after the comma) in the text given to ``parseDataURL(_:)``.
        var dataStart: Int
    }

    /// Parses the header of a `data:` URL; `nil` when the text does not start with `data:` (ignoring case and
    /// leading whitespace).
    static func parseDataURL(_ text: [UInt8]) throws(HTMLError) -> DataURL? {
        var i = 0
        while i < text.count && isSpace(text[i]) { i += 1 }
        let scheme = Array("data:".utf8)
        guard text.count - i >= scheme.count else { return nil }
        for k in 0..<scheme.count where ASCII.lower(text[i + k]) != scheme[k] { return nil }
        i += scheme.count
        let headerStart = i
        while i < text.count && text[i] != UInt8(ascii: ",") {
            i += 1
            if i - headerStart > 1024 { throw HTMLError(.malformedDataURL, "a data: URL header longer than 1 KiB") }
        }
        guard i < text.count else { throw HTMLError(.malformedDataURL, "a data: URL without a comma") }
        let header = String(decoding: text[headerStart..<i].map(ASCII.lower), as: UTF8.self)
        var parts = header.split(separator: ";", omittingEmptySubsequences: false).map {
            ASCII.trimmed(String($0))
        }
        let base64 = parts.last == "base64"
        if base64 { parts.removeLast() }
        let mediaType = parts.first.map { $0.isEmpty ? "text/plain" : $0 } ?? "text/plain"
        return DataURL(mediaType: mediaType, base64: base64, dataStart: i + 1)
    }

    /// Whether a browser shows a `data:` URL of this media type instead of downloading it.
    static func isDisplayable(_ mediaType: String) -> Bool {
        if mediaType.hasPrefix("image/") || mediaType.hasPrefix("font/") || mediaType.hasPrefix("audio/")
            || mediaType.hasPrefix("video/")
        {
            return true
        }
        return [
            "text/plain", "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
            "text/xml", "application/xml", "image/svg+xml", "application/pdf", "application/xhtml+xml",
        ].contains(mediaType)
    }

    /// What a decoded payload is, from its first bytes: `"ZIP archive"`, `"Windows executable"`..., or `nil`.
    static func describe(_ bytes: [UInt8]) -> String? {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return "ZIP archive" }
        if starts([0x4D, 0x5A]) { return "Windows executable" }
        if starts([0x52, 0x61, 0x72, 0x21, 0x1A, 0x07]) { return "RAR archive" }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return "7-Zip archive" }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return "Compound File (Office document, MSI)" }
        if starts([0x1F, 0x8B]) { return "gzip data" }
        if starts(Array("{\\rt".utf8)) { return "RTF document" }
        if starts([0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00]) { return "Windows shortcut" }
        if starts([0xE4, 0x52, 0x5C, 0x7B, 0x8C, 0xD8, 0xA7, 0x4D]) { return "OneNote section" }
        if starts(Array("CD001".utf8), at: 0x8001) { return "ISO 9660 disk image" }
        if starts(Array("MSCF".utf8)) { return "Cabinet archive" }
        if starts(Array("%PDF".utf8)) { return "PDF document" }
        if starts(Array("koly".utf8), at: max(0, bytes.count - 512)) && bytes.count >= 512 { return "Apple disk image" }
        if bytes.count >= 512 && starts(Array("conectix".utf8), at: bytes.count - 512) { return "VHD disk image" }
        return nil
    }
}

/// URL helpers: absolute URLs (IOCs) and URLs inside text.
enum URLText {
    /// Whether `url` leaves the local file: a scheme with `//` (`https://`, `ftp://`) or a scheme-relative `//host`.
    static func isAbsolute(_ url: String) -> Bool {
        let s = ASCII.trimmed(url).lowercased()
        if s.hasPrefix("//") { return true }
        guard let colon = s.firstIndex(of: ":") else { return false }
        let scheme = s[s.startIndex..<colon]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return false }
        if scheme == "file" { return false }
        return s[colon...].hasPrefix("://")
    }

    /// Whether `url` is a network URL worth reporting as an IOC (http, https, ftp, `//host`).
    static func isNetwork(_ url: String) -> Bool {
        let s = ASCII.trimmed(url).lowercased()
        return s.hasPrefix("http://") || s.hasPrefix("https://") || s.hasPrefix("ftp://") || s.hasPrefix("//")
            && s.count > 2 && !s.hasPrefix("///")
    }

    /// The `http://`, `https://` and `ftp://` URLs in UTF-8 text, at most `limit`.
    static func find(in text: [UInt8], limit: Int) -> [String] {
        var urls: [String] = []
        let n = text.count
        var i = 0
        while i + 7 < n && urls.count < limit {
            let c = text[i] | 0x20
            guard c == UInt8(ascii: "h") || c == UInt8(ascii: "f") else {
                i += 1
                continue
            }
            var j = i
            while j < n && j - i < 6 && MarkupTokenizer.isLetter(text[j]) { j += 1 }
            let scheme = String(decoding: text[i..<j].map(ASCII.lower), as: UTF8.self)
            guard ["http", "https", "ftp"].contains(scheme), j + 3 < n, text[j] == UInt8(ascii: ":"),
                text[j + 1] == UInt8(ascii: "/"), text[j + 2] == UInt8(ascii: "/"),
                i == 0 || !ASCII.isAlnum(text[i - 1])
            else {
                i += 1
                continue
            }
            var k = j + 3
            while k < n && isURLByte(text[k]) && k - i < 2048 { k += 1 }
            while k > j + 3 && [UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ")"), UInt8(ascii: ";")].contains(
                text[k - 1])
            {
                k -= 1
            }
            // A host without a dot ("https://redirect" + ".example...") is a fragment, not a URL.
            let host = text[(j + 3)..<k].prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") }
            if host.contains(UInt8(ascii: ".")) || host.contains(UInt8(ascii: ":")) {
                urls.append(String(decoding: text[i..<k], as: UTF8.self))
            }
            i = max(k, i + 1)
        }
        return urls
    }

    static func isURLByte(_ b: UInt8) -> Bool {
        guard b > 0x20 && b < 0x7F else { return b >= 0x80 }
        return !"\"'<>`\\{}|^ ".utf8.contains(b)
    }
}
