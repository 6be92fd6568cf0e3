import Charsets

/// A JavaScript token: its class and its bytes in the source.
struct JSToken {
    enum Kind: UInt8 {
        case identifier, string, template, number, punctuator, regex
    }
    var kind: Kind
    /// The index of its first byte in the source slice.
    var start: Int
    /// The index after its last byte.
    var end: Int
}

/// A tolerant JavaScript lexer: enough of ECMAScript's lexical grammar to find identifiers, string literals
/// (with every escape), numbers and punctuators, skipping comments (including the HTML-like `<!--` and `-->`
/// comments browsers allow in scripts) and regular expression literals.
///
/// It is not a parser: the regular expression/division ambiguity is settled by the previous token, which is what
/// real code needs. It never fails; an unterminated string ends at the end of its line.
struct JSLexer {
    let src: ArraySlice<UInt8>
    /// The document charset's lead bytes (Shift_JIS, GBK, Big5), whose trail byte may be a backslash.
    let isLeadByte: ((UInt8) -> Bool)?
    private(set) var tokens: [JSToken] = []
    private(set) var unterminatedStrings: [Int] = []
    /// Whether the token budget ran out.
    private(set) var truncated = false

    static let operators: [[UInt8]] = [
        ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=",
        "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>",
    ].map { Array($0.utf8) }

    static let regexKeywords: Set<String> = [
        "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield",
        "await",
    ]

    init(_ src: ArraySlice<UInt8>, isLeadByte: ((UInt8) -> Bool)?, maxTokens: Int) {
        self.src = src
        self.isLeadByte = isLeadByte
        lex(maxTokens: maxTokens)
    }

    static func isIdentifierStart(_ b: UInt8) -> Bool {
        MarkupTokenizer.isLetter(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "$") || b >= 0x80
    }
    static func isIdentifierPart(_ b: UInt8) -> Bool { isIdentifierStart(b) || (b >= 0x30 && b <= 0x39) }

    private mutating func lex(maxTokens: Int) {
        var i = src.startIndex
        let end = src.endIndex
        var lineStart = true
        while i < end {
            let c = src[i]
            if c == 0x0A {
                lineStart = true
                i += 1
                continue
            }
            if Decoding.isSpace(c) || c == 0x0B || c == 0xA0 {
                i += 1
                continue
            }
            if tokens.count >= maxTokens {
                truncated = true
                return
            }
            let wasLineStart = lineStart
            lineStart = false
            // Comments: //, /* */, <!-- (to end of line), --> at the start of a line.
            if c == UInt8(ascii: "/") && i + 1 < end && src[i + 1] == UInt8(ascii: "/")
                || c == UInt8(ascii: "<") && starts("<!--", at: i)
                || c == UInt8(ascii: "-") && wasLineStart && starts("-->", at: i)
            {
                while i < end && src[i] != 0x0A { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/") && i + 1 < end && src[i + 1] == UInt8(ascii: "*") {
                i += 2
                while i + 1 < end && !(src[i] == UInt8(ascii: "*") && src[i + 1] == UInt8(ascii: "/")) {
                    if src[i] == 0x0A { lineStart = true }
                    i += 1
                }
                i = min(end, i + 2)
                continue
            }
            let start = i
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                i = skipString(from: i, quote: c)
                tokens.append(JSToken(kind: .string, start: start, end: i))
                continue
            }
            if c == UInt8(ascii: "`") {
                i = skipTemplate(from: i)
                tokens.append(JSToken(kind: .template, start: start, end: i))
                continue
            }
            if Self.isIdentifierStart(c) {
                i += 1
                while i < end && Self.isIdentifierPart(src[i]) { i += 1 }
                tokens.append(JSToken(kind: .identifier, start: start, end: i))
                continue
            }
            if c >= 0x30 && c <= 0x39 || c == UInt8(ascii: ".") && i + 1 < end && src[i + 1] >= 0x30 && src[i + 1] <= 0x39 {
                i += 1
                while i < end && (Self.isIdentifierPart(src[i]) || src[i] == UInt8(ascii: "."))
                    || i < end && (src[i] == UInt8(ascii: "+") || src[i] == UInt8(ascii: "-"))
                        && (src[i - 1] | 0x20) == UInt8(ascii: "e") && !isHexNumber(start, i)
                {
                    i += 1
                }
                tokens.append(JSToken(kind: .number, start: start, end: i))
                continue
            }
            if c == UInt8(ascii: "/") && regexAllowed() {
                i = skipRegex(from: i)
                tokens.append(JSToken(kind: .regex, start: start, end: i))
                continue
            }
            var length = 1
            for op in Self.operators where op[0] == c && starts(op, at: i) {
                length = op.count
                break
            }
            i += length
            tokens.append(JSToken(kind: .punctuator, start: start, end: i))
        }
    }

    private func isHexNumber(_ start: Int, _ i: Int) -> Bool {
        i - start >= 2 && src[start] == UInt8(ascii: "0") && (src[start + 1] | 0x20) == UInt8(ascii: "x")
    }

    private func starts(_ s: String, at i: Int) -> Bool { starts(Array(s.utf8), at: i) }

    private func starts(_ s: [UInt8], at i: Int) -> Bool {
        guard src.endIndex - i >= s.count else { return false }
        for k in 0..<s.count where src[i + k] != s[k] { return false }
        return true
    }

    private func regexAllowed() -> Bool {
        guard let last = tokens.last else { return true }
        switch last.kind {
        case .identifier:
            let word = String(decoding: src[last.start..<last.end], as: UTF8.self)
            return Self.regexKeywords.contains(word)
        case .number, .string, .template, .regex:
            return false
        case .punctuator:
            let p = src[last.start]
            return !(last.end - last.start == 1 && (p == UInt8(ascii: ")") || p == UInt8(ascii: "]")))
                && !(last.end - last.start == 2 && (p == UInt8(ascii: "+") || p == UInt8(ascii: "-"))
                    && src[last.start + 1] == p)
        }
    }

    private mutating func skipString(from start: Int, quote: UInt8) -> Int {
        var i = start + 1
        let end = src.endIndex
        while i < end {
            let b = src[i]
            if b == quote { return i + 1 }
            if b == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if b == 0x0A || b == 0x0D {
                unterminatedStrings.append(start)
                return i
            }
            if let isLeadByte, isLeadByte(b) {
                i += 2
                continue
            }
            i += 1
        }
        unterminatedStrings.append(start)
        return end
    }

    private mutating func skipTemplate(from start: Int) -> Int {
        var i = start + 1
        let end = src.endIndex
        var depth = 0
        while i < end {
            let b = src[i]
            if b == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if depth == 0 && b == UInt8(ascii: "`") { return i + 1 }
            if b == UInt8(ascii: "$") && i + 1 < end && src[i + 1] == UInt8(ascii: "{") {
                depth += 1
                i += 2
                continue
            }
            if depth > 0 && b == UInt8(ascii: "}") { depth -= 1 }
            if let isLeadByte, isLeadByte(b) {
                i += 2
                continue
            }
            i += 1
        }
        unterminatedStrings.append(start)
        return end
    }

    private func skipRegex(from start: Int) -> Int {
        var i = start + 1
        let end = src.endIndex
        var inClass = false
        while i < end {
            let b = src[i]
            if b == 0x0A { return i }
            if b == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if b == UInt8(ascii: "[") {
                inClass = true
            } else if b == UInt8(ascii: "]") {
                inClass = false
            } else if b == UInt8(ascii: "/") && !inClass {
                i += 1
                while i < end && Self.isIdentifierPart(src[i]) { i += 1 }
                return i
            }
            i += 1
        }
        return min(i, end)
    }

    // MARK: - Values

    /// The bytes of a token.
    func text(_ t: JSToken) -> ArraySlice<UInt8> { src[t.start..<min(t.end, src.endIndex)] }

    /// Whether the token is the identifier or punctuator `s`.
    func `is`(_ t: JSToken, _ s: String) -> Bool {
        let n = t.end - t.start
        guard n == s.utf8.count else { return false }
        var i = t.start
        for c in s.utf8 {
            if src[i] != c { return false }
            i += 1
        }
        return true
    }

    /// The value of a string literal (or a template without substitutions) as UTF-8, escapes resolved; `nil` for
    /// a template with `${...}`. `charset` decodes the raw bytes of non-UTF-8 pages.
    func cooked(_ t: JSToken, charset: Charset, limit: Int) -> (value: [UInt8], truncated: Bool)? {
        guard t.kind == .string || t.kind == .template else { return nil }
        let quote = src[t.start]
        var bodyEnd = t.end
        if bodyEnd - t.start >= 2 && src[bodyEnd - 1] == quote { bodyEnd -= 1 }
        let body = src[(t.start + 1)..<max(t.start + 1, bodyEnd)]
        let plain = charset == .utf8 || charset == .usASCII
        if t.kind == .template && Array(body).windows2Contains(UInt8(ascii: "$"), UInt8(ascii: "{")) { return nil }
        if !body.contains(UInt8(ascii: "\\")) && (plain || !body.contains(where: { $0 >= 0x80 })) {
            return body.count > limit ? (Array(body.prefix(limit)), true) : (Array(body), false)
        }
        var out: [UInt8] = []
        out.reserveCapacity(min(limit, body.count))
        var run = body.startIndex
        var i = body.startIndex
        func flush(_ upTo: Int) {
            guard run < upTo else { return }
            if plain || !body[run..<upTo].contains(where: { $0 >= 0x80 }) {
                out.append(contentsOf: body[run..<upTo])
            } else {
                out.append(contentsOf: Array(Charsets.decode(body[run..<upTo], as: charset).text.utf8))
            }
        }
        func scalar(_ v: UInt32) {
            out.append(contentsOf: Array(String(Unicode.Scalar(v) ?? "\u{FFFD}").utf8))
        }
        while i < body.endIndex {
            if out.count > limit { return (Array(out.prefix(limit)), true) }
            let b = body[i]
            if let isLeadByte, !plain, isLeadByte(b) {
                i += 2
                continue
            }
            guard b == UInt8(ascii: "\\"), i + 1 < body.endIndex else {
                i += 1
                continue
            }
            flush(i)
            let e = body[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "0") where !(i < body.endIndex && body[i] >= 0x30 && body[i] <= 0x39): out.append(0)
            case 0x0A: break  // line continuation
            case 0x0D:
                if i < body.endIndex && body[i] == 0x0A { i += 1 }
            case UInt8(ascii: "x"):
                if i + 1 < body.endIndex, let h = ASCII.digit(body[i], hex: true), let l = ASCII.digit(body[i + 1], hex: true) {
                    scalar(UInt32(h << 4 | l))
                    i += 2
                } else {
                    out.append(e)
                }
            case UInt8(ascii: "u"):
                var v: UInt32 = 0
                if i < body.endIndex && body[i] == UInt8(ascii: "{") {
                    var j = i + 1
                    while j < body.endIndex, j - i <= 7, let d = ASCII.digit(body[j], hex: true) {
                        v = v << 4 | UInt32(d)
                        j += 1
                    }
                    if j < body.endIndex && body[j] == UInt8(ascii: "}") {
                        scalar(v)
                        i = j + 1
                    } else {
                        out.append(e)
                    }
                } else if i + 3 < body.endIndex {
                    var ok = true
                    for k in 0..<4 {
                        if let d = ASCII.digit(body[i + k], hex: true) { v = v << 4 | UInt32(d) } else { ok = false }
                    }
                    if ok {
                        i += 4
                        // A surrogate pair written as two escapes.
                        if v >= 0xD800 && v < 0xDC00 && i + 5 < body.endIndex && body[i] == UInt8(ascii: "\\")
                            && body[i + 1] == UInt8(ascii: "u")
                        {
                            var low: UInt32 = 0
                            var okLow = true
                            for k in 0..<4 {
                                if let d = ASCII.digit(body[i + 2 + k], hex: true) {
                                    low = low << 4 | UInt32(d)
                                } else {
                                    okLow = false
                                }
                            }
                            if okLow && low >= 0xDC00 && low < 0xE000 {
                                v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                                i += 6
                            }
                        }
                        scalar(v)
                    } else {
                        out.append(e)
                    }
                } else {
                    out.append(e)
                }
            default:
                if e >= 0x80 {
                    i -= 1  // a backslash before a multi-byte character: keep the character
                } else {
                    out.append(e)
                }
            }
            run = i
        }
        flush(body.endIndex)
        return out.count > limit ? (Array(out.prefix(limit)), true) : (out, false)
    }

    /// The value of a numeric literal, when it is an integer that fits.
    func integer(_ t: JSToken) -> Int? {
        guard t.kind == .number else { return nil }
        var s = Array(text(t)).filter { $0 != UInt8(ascii: "_") }
        if s.last == UInt8(ascii: "n") { s.removeLast() }
        var radix = 10
        if s.count > 2 && s[0] == UInt8(ascii: "0") {
            switch s[1] | 0x20 {
            case UInt8(ascii: "x"): radix = 16
            case UInt8(ascii: "o"): radix = 8
            case UInt8(ascii: "b"): radix = 2
            default: break
            }
            if radix != 10 { s.removeFirst(2) }
        }
        if radix == 10 {
            // "65.0" is an integer too; "6.5" and exponents are not worth it.
            if let dot = s.firstIndex(of: UInt8(ascii: ".")) {
                guard s[(dot + 1)...].allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
                s = Array(s[..<dot])
            }
        }
        guard !s.isEmpty, s.count <= 18 else { return nil }
        var v = 0
        for c in s {
            guard let d = ASCII.digit(c, hex: radix == 16), d < radix else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: radix)
            let (a, o2) = m.addingReportingOverflow(d)
            guard !o1 && !o2 else { return nil }
            v = a
        }
        return v
    }
}

extension Array where Element == UInt8 {
    /// Whether `a` is immediately followed by `b` somewhere.
    func windows2Contains(_ a: UInt8, _ b: UInt8) -> Bool {
        guard count >= 2 else { return false }
        for i in 0..<(count - 1) where self[i] == a && self[i + 1] == b { return true }
        return false
    }
}
