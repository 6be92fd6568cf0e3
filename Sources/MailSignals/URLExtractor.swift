import ByteCursor

/// A URL found in a mail body.
public struct ExtractedURL: Sendable, Hashable {
    /// Where the URL was written.
    public enum Source: String, Sendable, Hashable {
        /// Plain text (a text part, or the text of an HTML part).
        case text
        /// An `href` attribute (`<a>`, `<area>`, `<link>`, `<base>`).
        case href
        /// A `src` attribute or another resource attribute (`background`, `poster`, `data`).
        case src
        /// A form's `action` or a button's `formaction`.
        case action
        /// `<meta http-equiv="refresh" content="0; url=...">`.
        case metaRefresh = "meta-refresh"
    }

    /// The URL as it would be followed: defanging undone, HTML entities decoded, spaces and trailing punctuation
    /// removed; `http://` added to a bare `www.` host.
    public var url: String
    /// The text as written in the mail.
    public var original: String
    public var source: Source
    /// Whether the URL was written defanged (`hxxp`, `[.]`, `[:]`, `[at]`).
    public var defanged: Bool
    /// For an `<a>` element, its text (tags removed, entities decoded, spaces collapsed).
    public var linkText: String?

    /// The parts of ``url``.
    public var components: URLComponents { URLComponents(url) }
}

/// The parts of a URL that the signals need, read without Foundation and without ever failing.
public struct URLComponents: Sendable, Hashable {
    /// Lower-cased (`https`, `ms-appinstaller`); empty when there is none.
    public var scheme: String
    /// The user information before the host (`partner.example.jp` in `https://partner.example.jp@evil.example/`).
    public var userInfo: String?
    /// The host, normalised (``DomainName/normalize(_:limits:)``), or the bracketed IPv6 text; `nil` when the URL
    /// has none.
    public var host: String?
    /// The path, query and fragment, as written.
    public var path: String

    public init(_ url: String) {
        var rest = Substring(url)
        scheme = ""
        if let colon = rest.firstIndex(of: ":"),
            rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
            !rest[..<colon].isEmpty
        {
            scheme = rest[..<colon].lowercased()
            rest = rest[rest.index(after: colon)...]
        }
        userInfo = nil
        host = nil
        path = String(rest)
        guard rest.hasPrefix("//") || rest.hasPrefix("\\\\") else { return }
        rest = rest.dropFirst(2)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" } ?? rest.endIndex
        var authority = rest[..<end]
        path = String(rest[end...])
        if let at = authority.lastIndex(of: "@") {
            userInfo = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        if authority.hasPrefix("[") {
            if let close = authority.firstIndex(of: "]") {
                host = authority[...close].lowercased()
            }
            return
        }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        host = DomainName.normalize(String(authority))
    }

    /// The host as an IP address in canonical form when it is one: dotted IPv4 also written as one integer
    /// (`3232235777`), in hexadecimal (`0xC0A80101`) or octal parts, as browsers read them (WHATWG URL), or a
    /// bracketed IPv6 address.
    public var ipLiteral: String? {
        guard let host else { return nil }
        if host.hasPrefix("[") {
            let inner = host.dropFirst().prefix { $0 != "]" }
            return !inner.isEmpty && inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) ? host : nil
        }
        return Self.ipv4(host)
    }

    static func ipv4(_ host: String) -> String? {
        var parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 34 else { return nil }
            let lower = part.lowercased()
            var digits = Substring(lower)
            var radix: UInt64 = 10
            if digits.hasPrefix("0x") {
                radix = 16
                digits = digits.dropFirst(2)
            } else if digits.count > 1, digits.hasPrefix("0") {
                radix = 8
                digits = digits.dropFirst()
            }
            var value: UInt64 = 0
            for c in digits {
                guard let d = c.hexDigitValue, UInt64(d) < radix else { return nil }
                value = value &* radix &+ UInt64(d)
                guard value <= 0xFFFF_FFFF else { return nil }
            }
            numbers.append(value)
        }
        guard numbers.dropLast().allSatisfy({ $0 <= 255 }), let last = numbers.last else { return nil }
        let lastBytes = 5 - numbers.count
        guard last < (UInt64(1) << (8 * UInt64(lastBytes))) else { return nil }
        var address: UInt64 = 0
        for (i, n) in numbers.dropLast().enumerated() { address |= n << (8 * UInt64(3 - i)) }
        address |= last
        return (0..<4).map { String((address >> (8 * UInt64(3 - $0))) & 0xFF) }.joined(separator: ".")
    }
}

/// The URLs of one body, and whether a limit stopped the search.
public struct URLExtraction: Sendable, Hashable {
    public var urls: [ExtractedURL]
    /// The limit that stopped the search, if one did.
    public var limitReached: Limit?
}

/// Extracts URLs from plain text and from HTML, undoing the defanging that mail writers and attackers use.
///
/// Text: `http`, `https`, `ftp`, `file` and `ms-appinstaller` URLs, bare `www.` hosts, and defanged forms
/// (`hxxp://`, `hxxps[:]//`, `example[.]jp`, `(.)`, `[dot]`, `[at]`); a URL ends at a space, a quote or angle
/// bracket, Japanese punctuation (`「」、。`) or a non-ASCII character after its host, and loses trailing
/// punctuation and unbalanced closing brackets. HTML: `href`, `src` and resource attributes, form `action` and
/// `formaction`, meta refresh, with entities decoded; the text of every `<a>` is kept for ``URLSignals``; the
/// page's text is searched as text. Comments, `<script>` and `<style>` contents are skipped.
public struct URLExtractor: Sendable {
    public var limits: MailSignalLimits

    public init(limits: MailSignalLimits = .default) { self.limits = limits }

    private static let schemes = ["https://", "http://", "ftp://", "file://", "ms-appinstaller:", "www."]
    /// ``schemes`` as scalars, decoded once.
    private static let schemeScalars: [(name: String, scalars: [Unicode.Scalar])] = schemes.map {
        ($0, Array($0.unicodeScalars))
    }
    /// Whether `u` is the first letter of a scheme (ASCII case-insensitive): a position that starts with none of
    /// them starts no URL.
    private static func isSchemeInitial(_ u: Unicode.Scalar) -> Bool {
        switch u.value | 0x20 {
        case 0x68, 0x66, 0x6D, 0x77: u.value < 0x80  // h f m w
        default: false
        }
    }

    /// The URLs written in plain text, in order.
    ///
    /// Read on the text's UTF-8, cut where ``MailSignalLimits/maxBodyScalars`` ends: tokens (runs between
    /// terminators) are read only around anchor bytes, and only a token that could hold a URL (a colon, a bracket,
    /// `www.`, `hxxp`, `h**p`) is decoded for ``urlInToken(_:)``.
    public func extract(fromText text: String) -> URLExtraction {
        var text = text
        return text.withUTF8 { all in
            let (end, cut) = Text.prefixEnd(ofScalars: limits.maxBodyScalars.maximum, in: all)
            var result = extractAroundAnchors(UnsafeBufferPointer(rebasing: all[..<end]))
            if cut, result.limitReached == nil { result.limitReached = limits.maxBodyScalars }
            return result
        }
    }

    /// Every URL-bearing token holds one of these bytes: a scheme's or `ms-appinstaller`'s colon, `www.`'s dot, a
    /// dot between host labels (a bare defanged host has its dots back only through a bracket), or a defanging
    /// bracket (``urlInToken(_:)`` refuses every token without one).
    @inline(__always)
    private static func isAnchor(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ":") || b == UInt8(ascii: ".") || b == UInt8(ascii: "[") || b == UInt8(ascii: "(")
            || b == UInt8(ascii: "{")
    }

    /// The index of the next anchor byte at or after `from`, 16 bytes at a time.
    private static func nextAnchor(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let n = bytes.count
        var i = from
        if let base = bytes.baseAddress {
            let colon = SIMD16<UInt8>(repeating: UInt8(ascii: ":")), dot = SIMD16<UInt8>(repeating: UInt8(ascii: "."))
            let square = SIMD16<UInt8>(repeating: UInt8(ascii: "[")), round = SIMD16<UInt8>(repeating: UInt8(ascii: "("))
            let curly = SIMD16<UInt8>(repeating: UInt8(ascii: "{"))
            while i + 16 <= n {
                let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
                let hit = (v .== colon) .| (v .== dot) .| (v .== square) .| (v .== round) .| (v .== curly)
                if any(hit) { break }
                i += 16
            }
        }
        while i < n {
            if isAnchor(bytes[i]) { return i }
            i += 1
        }
        return nil
    }

    /// Whether the scalar that ends just before `end` is a terminator; its start.
    private static func terminatorBefore(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int, floor: Int) -> (Bool, Int) {
        let last = bytes[end - 1]
        if last < 0x80 { return (isTerminator(Unicode.Scalar(last)), end - 1) }
        var start = end - 1
        while start > floor, end - start < 4, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        let (u, length) = Text.scalar(in: bytes, at: start)
        // A malformed tail decodes as one replacement byte: step back over that byte alone.
        guard start + length == end else { return (false, end - 1) }
        return (isTerminator(u), start)
    }

    /// The URLs of `bytes` (a text's UTF-8): from each anchor byte out to the terminators on both sides, then
    /// that token alone.
    private func extractAroundAnchors(_ bytes: UnsafeBufferPointer<UInt8>) -> URLExtraction {
        var result = URLExtraction(urls: [], limitReached: nil)
        var seen: Set<String> = []
        let n = bytes.count
        var resume = 0  // no token starts before this index
        while let anchor = Self.nextAnchor(bytes, from: resume) {
            var start = anchor
            while start > resume {
                let (isTerminator, scalarStart) = Self.terminatorBefore(bytes, start, floor: resume)
                if isTerminator { break }
                start = scalarStart
            }
            var end = anchor
            while end < n {
                let (u, length) = Text.scalar(in: bytes, at: end)
                if Self.isTerminator(u) { break }
                end += length
            }
            resume = end
            guard Self.mayHoldURL(bytes, start..<end) else { continue }
            let token = Text.scalars(in: bytes, start..<end, limit: limits.maxURLScalars.maximum)
            guard let found = urlInToken(token[...]), seen.insert(found.url).inserted else { continue }
            guard limits.maxURLs.allows(result.urls.count + 1) else {
                result.limitReached = limits.maxURLs
                break
            }
            result.urls.append(found)
        }
        return result
    }

    /// Whether the token `bytes[range]` could hold a URL: a scheme's colon, a defanging bracket, or `www.`, `hxxp`,
    /// `h**p` (ASCII case-insensitive).
    private static func mayHoldURL(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        func folded(_ k: Int) -> UInt8 { k < range.upperBound ? bytes[k] | 0x20 : 0 }
        for k in range {
            switch bytes[k] {
            case UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"): return true
            case UInt8(ascii: "w"), UInt8(ascii: "W"):
                if folded(k + 1) == UInt8(ascii: "w"), folded(k + 2) == UInt8(ascii: "w"), k + 3 < range.upperBound,
                    bytes[k + 3] == UInt8(ascii: ".")
                {
                    return true
                }
            case UInt8(ascii: "h"), UInt8(ascii: "H"):
                if folded(k + 3) == UInt8(ascii: "p"),
                    (folded(k + 1) == UInt8(ascii: "x") && folded(k + 2) == UInt8(ascii: "x"))
                        || (k + 2 < range.upperBound && bytes[k + 1] == UInt8(ascii: "*")
                            && bytes[k + 2] == UInt8(ascii: "*"))
                {
                    return true
                }
            default: break
            }
        }
        return false
    }

    /// The URLs of an HTML body: attributes first in document order, then those of its text.
    public func extract(fromHTML html: String) -> URLExtraction {
        let (s, cut) = Text.scalars(html, limits.maxBodyScalars)
        var result = URLExtraction(urls: [], limitReached: cut ? limits.maxBodyScalars : nil)
        var text: [Unicode.Scalar] = []
        var seen: Set<String> = []
        var tags = 0
        var i = 0
        func add(_ raw: String, _ source: ExtractedURL.Source, linkText: String? = nil) {
            guard result.limitReached != limits.maxURLs else { return }
            let url = Self.cleanAttribute(Self.decodeEntities(raw))
            guard let absolute = Self.absolute(url) else { return }
            guard seen.insert("\(source.rawValue) \(absolute)").inserted else { return }
            guard limits.maxURLs.allows(result.urls.count + 1) else {
                result.limitReached = limits.maxURLs
                return
            }
            result.urls.append(
                ExtractedURL(
                    url: Text.clip(absolute, limits.maxURLScalars.maximum),
                    original: raw,
                    source: source,
                    defanged: false,
                    linkText: linkText
                )
            )
        }
        while i < s.count {
            guard s[i] == "<" else {
                text.append(s[i])
                i += 1
                continue
            }
            tags += 1
            guard limits.maxHTMLTags.allows(tags) else {
                result.limitReached = limits.maxHTMLTags
                break
            }
            if Self.hasPrefix(s, i, "<!--") {
                i = Self.find(s, from: i + 4, "-->").map { $0 + 3 } ?? s.count
                continue
            }
            let tag = Self.readTag(s, from: i + 1)
            i = tag.end
            text.append(" ")
            if tag.name == "script" || tag.name == "style" {
                i = Self.find(s, from: i, "</" + tag.name).map { $0 + 2 + tag.name.count } ?? s.count
                continue
            }
            for (name, value) in tag.attributes {
                switch name {
                case "href":
                    var linkText: String?
                    if tag.name == "a" {
                        let end = Self.find(s, from: i, "</a", within: 16_384) ?? i
                        linkText = Self.textContent(s[i..<end])
                    }
                    add(value, .href, linkText: linkText)
                case "src", "background", "poster", "data", "lowsrc", "dynsrc", "xlink:href": add(value, .src)
                case "action", "formaction": add(value, .action)
                case "content" where tag.name == "meta":
                    let isRefresh = tag.attributes.contains { $0.0 == "http-equiv" && $0.1.lowercased() == "refresh" }
                    if isRefresh, let r = value.lowercased().range(ofFirst: "url=") {
                        let offset = value.lowercased().distance(from: value.lowercased().startIndex, to: r.upperBound)
                        add(String(value.dropFirst(offset)).trimmingQuotes(), .metaRefresh)
                    }
                default: break
                }
            }
        }
        if result.limitReached != limits.maxURLs {
            let inText = extract(fromText: Self.decodeEntities(Text.string(text)))
            for url in inText.urls where seen.insert("text \(url.url)").inserted {
                guard limits.maxURLs.allows(result.urls.count + 1) else {
                    result.limitReached = limits.maxURLs
                    break
                }
                result.urls.append(url)
            }
            if let l = inText.limitReached, result.limitReached == nil { result.limitReached = l }
        }
        return result
    }

    // MARK: Text

    private static func isTerminator(_ u: Unicode.Scalar) -> Bool {
        if Text.isSpace(u) || u.value < 0x20 { return true }
        switch u {
        case "<", ">", "\"", "`", "'", "\u{300C}", "\u{300D}", "\u{300E}", "\u{300F}", "\u{3001}", "\u{3002}",
            "\u{FF08}", "\u{FF09}", "\u{3010}", "\u{3011}", "\u{3008}", "\u{3009}", "\u{300A}", "\u{300B}",
            "\u{FF1A}", "\u{FF0C}", "\u{FF0E}":
            return true
        default: return false
        }
    }

    private static let refang: [(String, String)] = [
        ("[://]", "://"), ("[:]", ":"), ("[.]", "."), ("(.)", "."), ("{.}", "."), ("[dot]", "."), ("(dot)", "."),
        ("{dot}", "."), ("[/]", "/"), ("[@]", "@"), ("[at]", "@"), ("(at)", "@"), ("hxxps", "https"),
        ("hxxp", "http"), ("h**ps", "https"), ("h**p", "http"),
    ]

    /// ``refang`` as scalars, decoded once.
    private static let refangScalars: [(from: [Unicode.Scalar], to: [Unicode.Scalar])] = refang.map {
        (Array($0.0.unicodeScalars), Array($0.1.unicodeScalars))
    }

    /// The token with defanging undone (case-insensitive), and whether anything was undone.
    private static func refanged(_ token: ArraySlice<Unicode.Scalar>) -> ([Unicode.Scalar], Bool) {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(token.count)
        var changed = false
        var i = token.startIndex
        outer: while i < token.endIndex {
            let u = token[i]
            if u == "[" || u == "(" || u == "{" || u == "h" || u == "H" || u == "f" || u == "F" {
                for (f, to) in refangScalars {
                    guard i + f.count <= token.endIndex else { continue }
                    var match = true
                    for k in 0..<f.count where lower(token[i + k]) != f[k] {
                        match = false
                        break
                    }
                    if match {
                        out.append(contentsOf: to)
                        i += f.count
                        changed = true
                        continue outer
                    }
                }
            }
            out.append(u)
            i += 1
        }
        return (out, changed)
    }

    private static func lower(_ u: Unicode.Scalar) -> Unicode.Scalar {
        u.value >= 0x41 && u.value <= 0x5A ? Unicode.Scalar(u.value + 0x20) ?? u : u
    }

    private func urlInToken(_ token: ArraySlice<Unicode.Scalar>) -> ExtractedURL? {
        // A URL needs a scheme's colon or a dot in its host, and defanging needs a bracket: most words of a
        // message have none of these.
        guard token.contains(where: { $0 == ":" || $0 == "." || $0 == "[" || $0 == "(" || $0 == "{" }) else {
            return nil
        }
        let (s, defanged) = Self.refanged(token)
        var start: Int?
        var scheme = ""
        search: for i in 0..<s.count where Self.isSchemeInitial(s[i]) {
            for (candidate, scalars) in Self.schemeScalars where Self.hasPrefix(s, i, scalars) {
                if candidate == "www.", i > 0, s[i - 1].properties.isAlphabetic || s[i - 1] == "/" { continue }
                start = i
                scheme = candidate
                break search
            }
        }
        var url: [Unicode.Scalar]
        if let start {
            url = Array(s[start...])
        } else if defanged, Self.looksLikeHost(s) {
            url = s
            scheme = "www."
        } else {
            return nil
        }
        // Cut at a non-ASCII character after the host.
        let hostStart = scheme == "www." ? 0 : (scheme == "ms-appinstaller:" ? url.count : scheme.unicodeScalars.count)
        if hostStart < url.count,
            let slash = url[hostStart...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" })
        {
            if let bad = url[slash...].firstIndex(where: { !$0.isASCII }) { url = Array(url[..<bad]) }
        }
        if scheme == "ms-appinstaller:", let bad = url.firstIndex(where: { !$0.isASCII }) { url = Array(url[..<bad]) }
        // Trailing punctuation, and closing brackets without an opening one.
        var balance = (round: 0, square: 0, curly: 0)  // closing minus opening brackets
        for u in url {
            switch u {
            case "(": balance.round -= 1
            case ")": balance.round += 1
            case "[": balance.square -= 1
            case "]": balance.square += 1
            case "{": balance.curly -= 1
            case "}": balance.curly += 1
            default: break
            }
        }
        while let last = url.last {
            let remove: Bool
            switch last {
            case ".", ",", ";", ":", "!", "?", "*":
                remove = true
            case ")":
                remove = balance.round > 0
                if remove { balance.round -= 1 }
            case "]":
                remove = balance.square > 0
                if remove { balance.square -= 1 }
            case "}":
                remove = balance.curly > 0
                if remove { balance.curly -= 1 }
            default:
                remove = false
            }
            guard remove else { break }
            url.removeLast()
        }
        var text = Text.string(url)
        if scheme == "www." { text = "http://" + text }
        let components = URLComponents(text)
        if scheme != "ms-appinstaller:" {
            guard let host = components.host, host.contains(".") || components.ipLiteral != nil else { return nil }
        }
        return ExtractedURL(
            url: text,
            original: Text.string(token),
            source: .text,
            defanged: defanged,
            linkText: nil
        )
    }

    /// A bare host with an optional path (`example.jp/x`): labels of letters, digits and hyphens, a final label of
    /// two or more letters.
    private static func looksLikeHost(_ s: [Unicode.Scalar]) -> Bool {
        let host = s.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2,
            tld.allSatisfy({ $0.properties.isAlphabetic })
        else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty
                && label.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-" }
        }
    }

    // MARK: HTML

    private struct Tag {
        var name: String
        var attributes: [(String, String)]
        var end: Int
    }

    /// The tag starting after `<` at `start`: lower-cased name, attributes (at most 256), and the index after `>`.
    private static func readTag(_ s: [Unicode.Scalar], from start: Int) -> Tag {
        var i = start
        if i < s.count, s[i] == "/" { i += 1 }
        var name = String.UnicodeScalarView()
        while i < s.count, s[i].properties.isAlphabetic || s[i].properties.numericType != nil || s[i] == ":" {
            if name.count < 32 { name.append(lower(s[i])) }
            i += 1
        }
        var attributes: [(String, String)] = []
        while i < s.count, s[i] != ">" {
            if Text.isSpace(s[i]) || s[i] == "/" {
                i += 1
                continue
            }
            var key = String.UnicodeScalarView()
            while i < s.count, !Text.isSpace(s[i]), s[i] != "=", s[i] != ">", s[i] != "/" || key.isEmpty {
                if key.count < 64 { key.append(lower(s[i])) }
                i += 1
            }
            while i < s.count, Text.isSpace(s[i]) { i += 1 }
            var value = String.UnicodeScalarView()
            if i < s.count, s[i] == "=" {
                i += 1
                while i < s.count, Text.isSpace(s[i]) { i += 1 }
                if i < s.count, s[i] == "\"" || s[i] == "'" {
                    let quote = s[i]
                    i += 1
                    while i < s.count, s[i] != quote {
                        if value.count < 65_536 { value.append(s[i]) }
                        i += 1
                    }
                    i += 1
                } else {
                    while i < s.count, !Text.isSpace(s[i]), s[i] != ">" {
                        if value.count < 65_536 { value.append(s[i]) }
                        i += 1
                    }
                }
            }
            if attributes.count < 256 { attributes.append((String(key), String(value))) }
        }
        return Tag(name: String(name), attributes: attributes, end: min(i + 1, s.count))
    }

    private static func hasPrefix(
        _ s: [Unicode.Scalar],
        _ i: Int,
        _ prefix: String,
        caseInsensitive: Bool = true
    ) -> Bool {
        var k = i
        for p in prefix.unicodeScalars {
            guard k < s.count, (caseInsensitive ? lower(s[k]) : s[k]) == p else { return false }
            k += 1
        }
        return true
    }

    /// Whether `s` holds the lower-case `prefix` at `i`, ignoring ASCII case.
    private static func hasPrefix(_ s: [Unicode.Scalar], _ i: Int, _ prefix: [Unicode.Scalar]) -> Bool {
        guard i + prefix.count <= s.count else { return false }
        for k in 0..<prefix.count where lower(s[i + k]) != prefix[k] { return false }
        return true
    }

    private static func find(_ s: [Unicode.Scalar], from: Int, _ needle: String, within: Int = .max) -> Int? {
        guard let first = needle.unicodeScalars.first else { return nil }
        var i = from
        let end = within == .max ? s.count : min(s.count, from + within)
        while i < end {
            if lower(s[i]) == first, hasPrefix(s, i, needle) { return i }
            i += 1
        }
        return nil
    }

    /// The visible text of an HTML fragment: tags removed, entities decoded, spaces collapsed, at most 1,024 scalars.
    private static func textContent(_ fragment: ArraySlice<Unicode.Scalar>) -> String {
        var out: [Unicode.Scalar] = []
        var inTag = false
        for u in fragment {
            if u == "<" {
                inTag = true
            } else if u == ">" {
                inTag = false
            } else if !inTag {
                out.append(u)
            }
            if out.count >= 1024 { break }
        }
        let decoded = decodeEntities(Text.string(out))
        return decoded.split(whereSeparator: { $0.unicodeScalars.allSatisfy(Text.isSpace) }).joined(separator: " ")
    }

    private static let namedEntities: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "sol": "/", "colon": ":",
        "period": ".", "commat": "@", "lpar": "(", "rpar": ")", "quest": "?", "equals": "=", "num": "#",
    ]

    /// HTML character references decoded: named (a few, `&amp` also without `;`) and numeric.
    static func decodeEntities(_ s: String) -> String {
        guard Text.containsByte(s, UInt8(ascii: "&")) else { return s }
        let u = Array(s.unicodeScalars)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            guard u[i] == "&" else {
                out.append(u[i])
                i += 1
                continue
            }
            var j = i + 1
            while j < u.count, j - i <= 12,
                u[j].properties.isAlphabetic || u[j].properties.numericType != nil
                    || u[j] == "#"
            {
                j += 1
            }
            let name = Text.string(u[(i + 1)..<j])
            let semicolon = j < u.count && u[j] == ";"
            var decoded: Unicode.Scalar?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            } else if name.hasPrefix("#") {
                decoded = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
            } else if let n = namedEntities[name.lowercased()], semicolon || ["amp", "lt", "gt", "quot"].contains(name)
            {
                decoded = n
            }
            if let decoded {
                out.append(decoded)
                i = semicolon ? j + 1 : j
            } else {
                out.append(u[i])
                i += 1
            }
        }
        return Text.string(out)
    }

    /// An attribute URL as a browser reads it: surrounding spaces trimmed, tabs and line breaks inside removed.
    private static func cleanAttribute(_ s: String) -> String {
        Text.string(s.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }).trimmingQuotes()
    }

    /// The URL when it names a host (`http`, `https`, `ftp`, `file`, scheme-relative `//host`) or is an
    /// `ms-appinstaller:` link; `nil` for relative, `mailto:`, `javascript:`, `data:`, `cid:` and the like.
    private static func absolute(_ url: String) -> String? {
        if url.hasPrefix("//") { return "https:" + url }
        let c = URLComponents(url)
        switch c.scheme {
        case "http", "https", "ftp", "file": return c.host == nil ? nil : url
        case "ms-appinstaller", "search-ms", "ms-search": return url
        default: return nil
        }
    }
}
