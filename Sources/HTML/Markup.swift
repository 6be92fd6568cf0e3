/// A tag read by ``MarkupTokenizer``: its lowercased name, attributes as byte ranges of the input, and where it is.
struct MarkupTag {
    /// The lowercased tag name (at most 64 bytes of it).
    var name: String
    var isEnd: Bool
    var attributes: [MarkupAttribute] = []
    /// The offset of `<`.
    var offset: Int
    var selfClosing = false

    func attribute(_ name: String) -> MarkupAttribute? { attributes.first { $0.name == name } }
    func has(_ name: String) -> Bool { attributes.contains { $0.name == name } }
}

/// An attribute: its lowercased name and the range of its (still encoded) value in the input.
struct MarkupAttribute {
    var name: String
    /// The value's bytes in the input, without quotes; `nil` for an attribute without `=`.
    var value: Range<Int>?
}

/// What the tokenizer found next.
enum MarkupEvent {
    case tag(MarkupTag)
    /// The text of a raw text element (`script`, `style`, `textarea`, `title`, `xmp`...): no markup inside.
    case rawText(element: String, range: Range<Int>)
    /// Character data between tags.
    case text(Range<Int>)
    case comment(Range<Int>)
}

/// A tolerant single-pass HTML tokenizer over bytes, after the HTML standard's tokenizer states where they matter
/// for security: comments, bogus comments (`<!...>`, `<?...>`), raw text elements, quoted and unquoted attributes.
///
/// It never fails: what is cut short becomes an anomaly and the rest of the input the last token. It works on any
/// ASCII-compatible charset, because the bytes it looks at (`<`, `>`, `=`, quotes, whitespace) cannot be part of a
/// multi-byte character in those (Shift_JIS and Big5 trail bytes start at 0x40).
struct MarkupTokenizer {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int
    let maxAttributes: Int
    var anomalies: [(HTMLAnomaly.Code, Int, String)] = []
    /// Whether a tag had more attributes than allowed.
    var attributeLimitHit = false
    /// Set after a start tag of a raw text element: the next event is its text.
    private var pendingRawText: String?

    static let rawTextElements: Set<String> = [
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext",
    ]

    init(_ bytes: [UInt8], from start: Int = 0, end: Int? = nil, maxAttributes: Int) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
        self.maxAttributes = maxAttributes
    }

    mutating func next() -> MarkupEvent? {
        if let element = pendingRawText {
            pendingRawText = nil
            return rawText(element)
        }
        guard position < end else { return nil }
        let start = position
        if bytes[start] != UInt8(ascii: "<") {
            position = find(UInt8(ascii: "<"), from: start) ?? end
            return .text(start..<position)
        }
        guard start + 1 < end else {
            position = end
            return .text(start..<end)
        }
        let c = bytes[start + 1]
        if c == UInt8(ascii: "!") {
            if matches("<!--", at: start) {
                return comment(from: start)
            }
            return bogusComment(from: start, skip: 2)
        }
        if c == UInt8(ascii: "?") { return bogusComment(from: start, skip: 1) }
        if c == UInt8(ascii: "/") {
            guard start + 2 < end else {
                position = end
                return .text(start..<end)
            }
            let d = bytes[start + 2]
            if Self.isLetter(d) { return tag(from: start, isEnd: true) }
            if d == UInt8(ascii: ">") {
                position = start + 3
                return next()
            }
            return bogusComment(from: start, skip: 2)
        }
        if Self.isLetter(c) { return tag(from: start, isEnd: false) }
        position = start + 1
        return .text(start..<start + 1)
    }

    // MARK: - States

    private mutating func comment(from start: Int) -> MarkupEvent {
        var i = start + 4
        // "<!-->" and "<!--->" are (empty) comments.
        if i < end && bytes[i] == UInt8(ascii: ">") {
            position = i + 1
            return .comment(i..<i)
        }
        if i + 1 < end && bytes[i] == UInt8(ascii: "-") && bytes[i + 1] == UInt8(ascii: ">") {
            position = i + 2
            return .comment(i..<i)
        }
        while i + 2 < end {
            if bytes[i] == UInt8(ascii: "-") && bytes[i + 1] == UInt8(ascii: "-") {
                if bytes[i + 2] == UInt8(ascii: ">") {
                    position = i + 3
                    return .comment(start + 4..<i)
                }
                if bytes[i + 2] == UInt8(ascii: "!") && i + 3 < end && bytes[i + 3] == UInt8(ascii: ">") {
                    position = i + 4
                    return .comment(start + 4..<i)
                }
            }
            i += 1
        }
        anomalies.append((.unterminatedComment, start, "a comment is not closed: the rest of the page is hidden"))
        position = end
        return .comment(min(start + 4, end)..<end)
    }

    private mutating func bogusComment(from start: Int, skip: Int) -> MarkupEvent {
        let body = min(start + skip, end)
        if let close = find(UInt8(ascii: ">"), from: body) {
            position = close + 1
            return .comment(body..<close)
        }
        anomalies.append((.unterminatedTag, start, "a declaration or processing instruction is not closed"))
        position = end
        return .comment(body..<end)
    }

    private mutating func tag(from start: Int, isEnd: Bool) -> MarkupEvent {
        var i = start + (isEnd ? 2 : 1)
        let nameStart = i
        while i < end && !Self.isSpace(bytes[i]) && bytes[i] != UInt8(ascii: "/") && bytes[i] != UInt8(ascii: ">") {
            i += 1
        }
        var tag = MarkupTag(name: Self.lowercased(bytes[nameStart..<min(i, nameStart + 64)]), isEnd: isEnd, offset: start)
        var closed = false
        while i < end {
            let b = bytes[i]
            if Self.isSpace(b) {
                i += 1
                continue
            }
            if b == UInt8(ascii: ">") {
                i += 1
                closed = true
                break
            }
            if b == UInt8(ascii: "/") {
                if i + 1 < end && bytes[i + 1] == UInt8(ascii: ">") {
                    tag.selfClosing = true
                    i += 2
                    closed = true
                    break
                }
                i += 1
                continue
            }
            // Attribute name: the first character may be "=".
            let attrStart = i
            i += 1
            while i < end {
                let d = bytes[i]
                if Self.isSpace(d) || d == UInt8(ascii: "/") || d == UInt8(ascii: ">") || d == UInt8(ascii: "=") { break }
                i += 1
            }
            let name = Self.lowercased(bytes[attrStart..<min(i, attrStart + 64)])
            var j = i
            while j < end && Self.isSpace(bytes[j]) { j += 1 }
            var value: Range<Int>?
            if j < end && bytes[j] == UInt8(ascii: "=") {
                j += 1
                while j < end && Self.isSpace(bytes[j]) { j += 1 }
                if j < end && (bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'")) {
                    let quote = bytes[j]
                    if let close = find(quote, from: j + 1) {
                        value = j + 1..<close
                        j = close + 1
                    } else {
                        anomalies.append((.unterminatedTag, start, "an attribute value is not closed"))
                        value = j + 1..<end
                        j = end
                    }
                } else {
                    let valueStart = j
                    while j < end && !Self.isSpace(bytes[j]) && bytes[j] != UInt8(ascii: ">") { j += 1 }
                    value = valueStart..<j
                }
                i = j
            }
            if isEnd { continue }
            if tag.attributes.count < maxAttributes {
                // The first of two attributes with the same name wins, as in browsers.
                if !tag.attributes.contains(where: { $0.name == name }) {
                    tag.attributes.append(MarkupAttribute(name: name, value: value))
                }
            } else {
                attributeLimitHit = true
            }
        }
        if !closed {
            anomalies.append((.unterminatedTag, start, "the <\(isEnd ? "/" : "")\(tag.name)> tag is not closed"))
        }
        position = i
        if !isEnd && closed && Self.rawTextElements.contains(tag.name) { pendingRawText = tag.name }
        return .tag(tag)
    }

    private mutating func rawText(_ element: String) -> MarkupEvent {
        let start = position
        if element == "plaintext" {
            position = end
            return .rawText(element: element, range: start..<end)
        }
        let name = Array(element.utf8)
        var i = start
        while let lt = find(UInt8(ascii: "<"), from: i) {
            if lt + 2 + name.count <= end && bytes[lt + 1] == UInt8(ascii: "/") {
                var same = true
                for k in 0..<name.count where bytes[lt + 2 + k] | 0x20 != name[k] {
                    same = false
                    break
                }
                if same {
                    let after = lt + 2 + name.count
                    if after == end || Self.isSpace(bytes[after]) || bytes[after] == UInt8(ascii: ">")
                        || bytes[after] == UInt8(ascii: "/")
                    {
                        position = lt
                        return .rawText(element: element, range: start..<lt)
                    }
                }
            }
            i = lt + 1
        }
        anomalies.append((.unterminatedRawText, start, "the <\(element)> element has no end tag"))
        position = end
        return .rawText(element: element, range: start..<end)
    }

    // MARK: - Bytes

    private func matches(_ s: String, at i: Int) -> Bool {
        var k = i
        for c in s.utf8 {
            guard k < end, bytes[k] | (Self.isLetter(c) ? 0x20 : 0) == c else { return false }
            k += 1
        }
        return true
    }

    private func find(_ byte: UInt8, from i: Int) -> Int? {
        var k = i
        while k < end {
            if bytes[k] == byte { return k }
            k += 1
        }
        return nil
    }

    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C }

    static func lowercased(_ s: ArraySlice<UInt8>) -> String {
        String(decoding: s.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

/// Character references in attribute values and text (`&amp;`, `&#x41;`, `&colon;`...).
enum Entities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "colon": ":", "sol": "/",
        "period": ".", "comma": ",", "lpar": "(", "rpar": ")", "equals": "=", "num": "#", "excl": "!",
        "quest": "?", "semi": ";", "tab": "\t", "newline": "\n", "lowbar": "_", "percnt": "%", "plus": "+",
        "commat": "@", "bsol": "\\", "lsqb": "[", "rsqb": "]", "lcub": "{", "rcub": "}", "dollar": "$",
        "copy": "\u{A9}", "reg": "\u{AE}", "hellip": "\u{2026}", "mdash": "\u{2014}", "ndash": "\u{2013}",
        "lsquo": "\u{2018}", "rsquo": "\u{2019}", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "laquo": "\u{AB}",
        "raquo": "\u{BB}", "bull": "\u{2022}", "middot": "\u{B7}", "trade": "\u{2122}", "euro": "\u{20AC}",
        "yen": "\u{A5}", "pound": "\u{A3}", "times": "\u{D7}", "zwj": "\u{200D}", "zwnj": "\u{200C}",
        "shy": "\u{AD}",
    ]

    /// Decodes character references in UTF-8 text.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8] {
        let s = Array(text)
        guard s.contains(UInt8(ascii: "&")) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let b = s[i]
            guard b == UInt8(ascii: "&"), i + 1 < s.count else {
                out.append(b)
                i += 1
                continue
            }
            if s[i + 1] == UInt8(ascii: "#") {
                var j = i + 2
                var hex = false
                if j < s.count && s[j] | 0x20 == UInt8(ascii: "x") {
                    hex = true
                    j += 1
                }
                var value: UInt32 = 0
                var digits = 0
                while j < s.count, let d = ASCII.digit(s[j], hex: hex) {
                    if value <= 0x10FFFF { value = value * (hex ? 16 : 10) + UInt32(d) }
                    digits += 1
                    j += 1
                }
                if digits > 0 {
                    if j < s.count && s[j] == UInt8(ascii: ";") { j += 1 }
                    let scalar = (value == 0 || value > 0x10FFFF) ? nil : Unicode.Scalar(value)
                    out.append(contentsOf: Array(String(scalar ?? "\u{FFFD}").utf8))
                    i = j
                    continue
                }
            } else {
                var j = i + 1
                while j < s.count && j - i <= 10 && (ASCII.isAlnum(s[j])) { j += 1 }
                let name = String(decoding: s[(i + 1)..<j], as: UTF8.self)
                if let value = named[name] {
                    if j < s.count && s[j] == UInt8(ascii: ";") {
                        out.append(contentsOf: Array(value.utf8))
                        i = j + 1
                        continue
                    }
                    if ["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"].contains(name) {
                        out.append(contentsOf: Array(value.utf8))
                        i = j
                        continue
                    }
                }
            }
            out.append(b)
            i += 1
        }
        return out
    }
}

/// ASCII helpers.
enum ASCII {
    static func digit(_ b: UInt8, hex: Bool) -> Int? {
        switch b {
        case 0x30...0x39: return Int(b - 0x30)
        case 0x41...0x46 where hex: return Int(b - 0x41 + 10)
        case 0x61...0x66 where hex: return Int(b - 0x61 + 10)
        default: return nil
        }
    }
    static func isAlnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || MarkupTokenizer.isLetter(b) }
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Whether `haystack` contains `needle` (lowercase ASCII), ignoring ASCII case.
    static func containsLower(_ haystack: some Collection<UInt8>, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first else { return true }
        let h = Array(haystack)
        guard h.count >= n.count else { return false }
        var i = 0
        while i <= h.count - n.count {
            if lower(h[i]) == first {
                var k = 1
                while k < n.count && lower(h[i + k]) == n[k] { k += 1 }
                if k == n.count { return true }
            }
            i += 1
        }
        return false
    }

    static func trimmed(_ s: String) -> String {
        var scalars = Substring(s)
        while let f = scalars.first, f.isWhitespace { scalars.removeFirst() }
        while let l = scalars.last, l.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// Maps offsets to 1-based line numbers.
struct LineIndex {
    private var starts: [Int] = [0]

    init(_ bytes: [UInt8]) {
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
    }

    func line(at offset: Int) -> Int {
        var lo = 0
        var hi = starts.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid }
        }
        return lo + 1
    }
}
