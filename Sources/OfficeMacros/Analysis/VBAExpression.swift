/// Evaluates the constant string expressions malware builds to hide words: `Chr(72) & ChrW(105)`,
/// `StrReverse("llehS")`, `Replace("PoXwerShXell", "X", "")`, and their nesting and concatenation.
///
/// ```
///  expr   := term (("&" | "+") term)*
///  term   := "literal" | Chr[W|B][$](int) | StrReverse[$](expr) | Replace[$](expr, expr, expr) | (expr)
///  int    := number (("+" | "-" | "*") number)*     number := 123 | &H7F | &O17
/// ```
///
/// Only expressions that call at least one of these functions are reported (a plain literal is not hidden).
/// Evaluation is bounded: nesting depth, result length and the number of expressions per text.
struct VBAExpressionEvaluator {
    struct Found {
        var encoding: String  // "Chr", "StrReverse", "Replace"
        var encoded: String
        var decoded: String
        var offset: Int
    }

    static let maxDepth = 32
    static let maxLength = 1 << 16

    private let b: [UInt8]
    private var pos = 0
    private var functions: [String] = []
    private var depth = 0

    private init(_ bytes: [UInt8]) { b = bytes }

    /// Every maximal obfuscated expression in `text`, outside comments, at most `limit` of them.
    static func find(in text: ScanText, limit: Int) -> [Found] {
        var result: [Found] = []
        var p = VBAExpressionEvaluator(text.bytes)
        let b = text.bytes
        let n = b.count
        var i = 0
        var inString = false
        while i < n && result.count < limit {
            let c = b[i]
            if inString {
                if c == UInt8(ascii: "\"") { inString = false }
                if c == 0x0A { inString = false }
                i += 1
                continue
            }
            if c == UInt8(ascii: "'") {
                while i < n && b[i] != 0x0A { i += 1 }
                continue
            }
            // A term can start at a quote or at a function name that starts a token.
            let startsToken = text.isWord[i] && (i == 0 || !text.isWord[i - 1])
            if c == UInt8(ascii: "\"") || (startsToken && p.functionName(at: i) != nil) {
                p.pos = i
                p.functions = []
                p.depth = 0
                if let value = p.expression(), !p.functions.isEmpty {
                    let encoding =
                        p.functions.contains("StrReverse")
                        ? "StrReverse"
                        : p.functions.contains("Replace") ? "Replace" : "Chr"
                    var end = p.pos
                    while end > i && (b[end - 1] == 0x20 || b[end - 1] == 0x09) { end -= 1 }
                    result.append(
                        Found(encoding: encoding, encoded: text.string(i, end), decoded: value, offset: i)
                    )
                    i = max(p.pos, i + 1)
                    continue
                }
                if c == UInt8(ascii: "\"") {
                    inString = true
                    i += 1
                    continue
                }
                // Skip the rest of the token.
                while i < n && text.isWord[i] { i += 1 }
                continue
            }
            if startsToken {
                // "Rem" comments.
                if i + 3 <= n && ScanText.lower(b[i]) == 0x72 && ScanText.lower(b[i + 1]) == 0x65
                    && ScanText.lower(b[i + 2]) == 0x6D && (i + 3 == n || !text.isWord[i + 3])
                {
                    while i < n && b[i] != 0x0A { i += 1 }
                    continue
                }
                while i < n && text.isWord[i] { i += 1 }
                continue
            }
            i += 1
        }
        return result
    }

    private enum Function { case chr, chrW, chrB, strReverse, replace }

    /// The function whose name (with an optional `$`) starts at `at` and is followed by `(`.
    private func functionName(at: Int) -> (Function, Int)? {
        guard at < b.count else { return nil }
        let first = ScanText.lower(b[at])
        guard first == UInt8(ascii: "c") || first == UInt8(ascii: "s") || first == UInt8(ascii: "r") else { return nil }
        var j = at
        while j < b.count && (PatternScanner.isAlnum(b[j]) || b[j] == 0x5F) { j += 1 }
        let name = String(decoding: b[at..<j].map(ScanText.lower), as: UTF8.self)
        let f: Function
        switch name {
        case "chr": f = .chr
        case "chrw": f = .chrW
        case "chrb": f = .chrB
        case "strreverse": f = .strReverse
        case "replace": f = .replace
        default: return nil
        }
        if j < b.count && b[j] == UInt8(ascii: "$") { j += 1 }
        var k = j
        while k < b.count && (b[k] == 0x20 || b[k] == 0x09) { k += 1 }
        guard k < b.count && b[k] == UInt8(ascii: "(") else { return nil }
        return (f, k + 1)
    }

    private mutating func skipSpace() {
        while pos < b.count && (b[pos] == 0x20 || b[pos] == 0x09) { pos += 1 }
    }

    private mutating func expression() -> String? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        guard var value = term() else { return nil }
        while true {
            let save = pos
            skipSpace()
            guard pos < b.count, b[pos] == UInt8(ascii: "&") || b[pos] == UInt8(ascii: "+") else {
                pos = save
                return value
            }
            pos += 1
            guard let next = term() else {
                pos = save
                return value
            }
            guard value.utf8.count + next.utf8.count <= Self.maxLength else { return nil }
            value += next
        }
    }

    private mutating func term() -> String? {
        skipSpace()
        guard pos < b.count else { return nil }
        if b[pos] == UInt8(ascii: "\"") { return literal() }
        if b[pos] == UInt8(ascii: "(") {
            let save = pos
            pos += 1
            guard let inner = expression() else {
                pos = save
                return nil
            }
            skipSpace()
            guard pos < b.count, b[pos] == UInt8(ascii: ")") else {
                pos = save
                return nil
            }
            pos += 1
            return inner
        }
        guard let (f, after) = functionName(at: pos) else { return nil }
        let save = pos
        pos = after
        let result: String?
        switch f {
        case .chr, .chrW, .chrB:
            result = integer().flatMap { n -> String? in
                let code: Int
                switch f {
                case .chrW: code = n < 0 && n >= -32768 ? n + 65536 : n
                default: code = n
                }
                let maximum = f == .chrW ? 0xFFFF : 0xFF
                guard code >= 0, code <= maximum, let scalar = Unicode.Scalar(code) else { return nil }
                return String(Character(scalar))
            }
            if result != nil { functions.append("Chr") }
        case .strReverse:
            result = expression().map { String($0.reversed()) }
            if result != nil { functions.append("StrReverse") }
        case .replace:
            if let s = expression(), comma(), let find = expression(), comma(), let with = expression() {
                // Optional start/count/compare arguments are not evaluated.
                while pos < b.count && b[pos] != UInt8(ascii: ")") && b[pos] != 0x0A { pos += 1 }
                result = find.isEmpty ? s : s.replacingOccurrencesOf(find, with: with)
                functions.append("Replace")
            } else {
                result = nil
            }
        }
        skipSpace()
        guard let value = result, pos < b.count, b[pos] == UInt8(ascii: ")") else {
            pos = save
            return nil
        }
        pos += 1
        return value
    }

    private mutating func comma() -> Bool {
        skipSpace()
        guard pos < b.count, b[pos] == UInt8(ascii: ",") else { return false }
        pos += 1
        return true
    }

    /// `"..."` with `""` as an escaped quote.
    private mutating func literal() -> String? {
        var j = pos + 1
        var out: [UInt8] = []
        while j < b.count {
            let c = b[j]
            if c == 0x0A { return nil }
            if c == UInt8(ascii: "\"") {
                if j + 1 < b.count && b[j + 1] == UInt8(ascii: "\"") {
                    out.append(c)
                    j += 2
                    continue
                }
                pos = j + 1
                return String(decoding: out, as: UTF8.self)
            }
            out.append(c)
            j += 1
        }
        return nil
    }

    /// An integer expression: numbers joined by `+`, `-`, `*`, evaluated left to right without overflow.
    private mutating func integer() -> Int? {
        guard var value = number() else { return nil }
        while true {
            skipSpace()
            guard pos < b.count else { return value }
            let op = b[pos]
            guard op == UInt8(ascii: "+") || op == UInt8(ascii: "-") || op == UInt8(ascii: "*") else { return value }
            let save = pos
            pos += 1
            guard let rhs = number() else {
                pos = save
                return value
            }
            let (r, overflow) =
                op == UInt8(ascii: "+")
                ? value.addingReportingOverflow(rhs)
                : op == UInt8(ascii: "-")
                    ? value.subtractingReportingOverflow(rhs)
                    : value.multipliedReportingOverflow(by: rhs)
            guard !overflow, r.magnitude < 1 << 40 else { return nil }
            value = r
        }
    }

    private mutating func number() -> Int? {
        skipSpace()
        var negative = false
        if pos < b.count && b[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        guard pos < b.count else { return nil }
        var radix = 10
        if b[pos] == UInt8(ascii: "&"), pos + 1 < b.count {
            switch ScanText.lower(b[pos + 1]) {
            case UInt8(ascii: "h"): radix = 16
            case UInt8(ascii: "o"): radix = 8
            default: return nil
            }
            pos += 2
        }
        var value = 0
        var digits = 0
        while pos < b.count, let d = Decoders.nibble(b[pos]), d < radix, digits < 12 {
            value = value * radix + Int(d)
            digits += 1
            pos += 1
        }
        guard digits > 0 else { return nil }
        // A type suffix (&H41& or 65%) is allowed.
        if pos < b.count && (b[pos] == UInt8(ascii: "&") || b[pos] == UInt8(ascii: "%")) {
            if !(pos + 1 < b.count && (b[pos + 1] == UInt8(ascii: "H") || b[pos + 1] == UInt8(ascii: "h"))) {
                pos += 1
            }
        }
        return negative ? -value : value
    }
}

extension String {
    /// Replaces every occurrence of `target` (compared by Unicode scalars, like VBA's binary compare).
    func replacingOccurrencesOf(_ target: String, with replacement: String) -> String {
        let s = Array(unicodeScalars)
        let t = Array(target.unicodeScalars)
        guard !t.isEmpty, s.count >= t.count else { return self }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if i + t.count <= s.count && s[i] == t[0] && Array(s[i..<(i + t.count)]) == t {
                out.append(contentsOf: replacement.unicodeScalars)
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }
}
