/// Evaluates the constant string expressions PowerShell droppers build: `[char]` codes, `-join`, `-split`,
/// `-replace`, `-f`, `.Replace()`, reversed indexing, `[Convert]::FromBase64String` and `GetString`.
///
/// ```
///  expr     := "-join" expr | list (op list)*
///  op       := "+" | "-join" | "-split" | "-replace"/"-ireplace"/"-creplace" | "-f"
///            | "|" ("%" | "ForEach-Object" | "foreach") "{" "[char]" ("$_" | "(" "$_" ("-bxor"|"+"|"-") n ")") "}"
///  list     := postfix ("," postfix)*
///  postfix  := primary ("." Method "(" args ")" | "[" index "]")*
///  primary  := 'str' | "str" (no $variables) | number | "(" expr ")" | "@(" expr ")" | "$(" expr ")"
///            | "[char]" primary | "[char[]]" primary | "[string]" primary | "[byte[]]" primary
///            | "[Convert]::FromBase64String(" expr ")" | "[Text.Encoding]::" Name ".GetString(" expr ")"
///            | "[string]::Join(" expr "," expr ")"
/// ```
///
/// PowerShell is case-insensitive, and the backtick escapes obfuscators sprinkle in names (`` Do`wnl`oad ``) are
/// dropped before scanning (``normalized(_:)``).
struct PowerShellDecoder {
    indirect enum Value {
        case string([UInt16])
        case number(Double)
        case array([Value])
        case bytes([UInt8])
    }

    private let b: [UInt8]
    private var pos = 0
    private var depth = 0
    private var functions: Set<String> = []
    private var pieces = 0
    private let maxDepth: Int
    private let maxUnits: Int

    private init(_ bytes: [UInt8], limits: ScriptLimits) {
        b = bytes
        maxDepth = max(1, limits.maxNesting.maximum)
        maxUnits = max(1, limits.maxStringBytes.maximum)
    }

    static let encodingPriority = [
        "FromBase64String", "[char]", "-bxor", "-f", "-replace", "Replace", "reverse", "-split", "-join", "Join",
        "Substring", "case",
    ]

    /// The code with backticks inside words removed: `` I`E`X `` is `IEX`.
    static func normalized(_ b: [UInt8]) -> [UInt8]? {
        guard b.contains(0x60) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var changed = false
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x60, i + 1 < b.count, Text.isAlpha(b[i + 1]),
                i > 0, Text.isWord(b[i - 1]) || b[i - 1] == UInt8(ascii: "-") || b[i - 1] == UInt8(ascii: ".")
            {
                changed = true
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        return changed ? out : nil
    }

    /// Every maximal obfuscated expression in `b`, at most `limit`.
    static func find(in b: [UInt8], limits: ScriptLimits, limit: Int) -> [Decoding] {
        var result: [Decoding] = []
        var p = PowerShellDecoder(b, limits: limits)
        let n = b.count
        var i = 0
        while i < n && result.count < limit {
            let c = b[i]
            // Comments: "#" at a token start, "<# ... #>".
            if c == UInt8(ascii: "<") && i + 1 < n && b[i + 1] == UInt8(ascii: "#") {
                i += 2
                while i + 1 < n && !(b[i] == UInt8(ascii: "#") && b[i + 1] == UInt8(ascii: ">")) { i += 1 }
                i = min(n, i + 2)
                continue
            }
            if c == UInt8(ascii: "#") && (i == 0 || Text.isSpace(b[i - 1]) || b[i - 1] == UInt8(ascii: ";")) {
                while i < n && b[i] != 0x0A { i += 1 }
                continue
            }
            let isQuote = c == 0x22 || c == 0x27
            let candidate =
                isQuote || c == UInt8(ascii: "[") || c == UInt8(ascii: "(") || c == UInt8(ascii: "@")
                || (c == UInt8(ascii: "-") && Text.matchesLower(b, i, Self.joinWord))
                || (Text.isDigit(c) && (i == 0 || !Text.isWord(b[i - 1])))
            if candidate {
                p.pos = i
                p.functions = []
                p.pieces = 0
                p.depth = 0
                if let value = p.expression(), let text = p.text(of: value) {
                    let interesting = !p.functions.isEmpty || (p.pieces >= 2 && text.count >= 4)
                    if interesting && !text.isEmpty {
                        let encoding = Self.encodingPriority.first { p.functions.contains($0) } ?? "Concatenation"
                        var end = p.pos
                        while end > i && Text.isSpace(b[end - 1]) { end -= 1 }
                        result.append(
                            Decoding(
                                encoding: "PowerShell " + encoding, encoded: Text.string(b[i..<end]),
                                decoded: p.display(value, text), offset: i))
                        i = max(p.pos, i + 1)
                        continue
                    }
                }
                if isQuote {
                    i = Self.skipString(b, from: i)
                    continue
                }
            }
            if Text.isWord(c) {
                while i < n && Text.isWord(b[i]) { i += 1 }
                continue
            }
            i += 1
        }
        return result
    }

    static let joinWord = Array("-join".utf8)

    /// The index after the string literal whose quote is at `start`.
    static func skipString(_ b: [UInt8], from start: Int) -> Int {
        let quote = b[start]
        var i = start + 1
        while i < b.count {
            let c = b[i]
            if c == 0x60 && quote == 0x22 {
                i += 2
                continue
            }
            if c == quote {
                if i + 1 < b.count && b[i + 1] == quote {
                    i += 2
                    continue
                }
                return i + 1
            }
            i += 1
        }
        return b.count
    }

    /// The text of the result for reporting: bytes from Base64 as text (UTF-16LE or UTF-8) when they are text.
    private func display(_ value: Value, _ units: [UInt16]) -> String {
        if case .bytes(let bytes) = value { return Base64Text.text(bytes) ?? Base64Text.string(units) }
        return Base64Text.string(units)
    }

    // MARK: - Lexing

    private func peek() -> UInt8? { pos < b.count ? b[pos] : nil }

    private mutating func skipSpace() {
        while pos < b.count {
            let c = b[pos]
            if c == 0x20 || c == 0x09 {
                pos += 1
            } else if c == 0x60 && pos + 1 < b.count && (b[pos + 1] == 0x0A || b[pos + 1] == 0x0D) {
                pos += 2  // line continuation
            } else {
                return
            }
        }
    }

    private mutating func eat(_ c: Character) -> Bool {
        skipSpace()
        guard let a = c.asciiValue, pos < b.count, b[pos] == a else { return false }
        pos += 1
        return true
    }

    /// Whether `word` (lowercase) comes next, case-insensitively and not followed by a word character.
    private mutating func word(_ word: String) -> Bool {
        skipSpace()
        let w = Array(word.utf8)
        guard Text.matchesLower(b, pos, w) else { return false }
        let end = pos + w.count
        if let last = w.last, Text.isWord(last), end < b.count, Text.isWord(b[end]) || b[end] == UInt8(ascii: "-") {
            return false
        }
        pos = end
        return true
    }

    /// A `[Type]` literal's lowercased name without `System.` and spaces, or `nil` (position unchanged).
    private mutating func typeLiteral() -> String? {
        skipSpace()
        guard peek() == UInt8(ascii: "[") else { return nil }
        let save = pos
        pos += 1
        var name: [UInt8] = []
        var brackets = 0
        while pos < b.count {
            let c = b[pos]
            if c == UInt8(ascii: "[") {
                brackets += 1
            } else if c == UInt8(ascii: "]") {
                if brackets == 0 { break }
                brackets -= 1
            } else if !(Text.isWord(c) || c == UInt8(ascii: ".")) {
                pos = save
                return nil
            }
            if c != 0x20 { name.append(Text.lower(c)) }
            pos += 1
            if name.count > 64 { break }
        }
        guard pos < b.count, b[pos] == UInt8(ascii: "]") else {
            pos = save
            return nil
        }
        pos += 1
        var s = String(decoding: name, as: UTF8.self)
        if s.hasPrefix("system.") { s.removeFirst(7) }
        return s
    }

    // MARK: - Grammar

    mutating func expression() -> Value? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth else { return nil }
        skipSpace()
        if word("-join") {
            guard let v = expression(), let joined = join(v, []) else { return nil }
            functions.insert("-join")
            return joined
        }
        guard var value = list() else { return nil }
        pieces += 1
        while true {
            let save = pos
            let savedFunctions = functions
            guard let next = binary(value) else {
                pos = save
                functions = savedFunctions
                break
            }
            value = next
        }
        return value
    }

    /// One binary operator and its right operand applied to `left`, or `nil`.
    private mutating func binary(_ left: Value) -> Value? {
        skipSpace()
        guard let c = peek() else { return nil }
        if c == UInt8(ascii: "+") {
            pos += 1
            guard let r = list() else { return nil }
            pieces += 1
            return add(left, r)
        }
        if c == UInt8(ascii: "|") {
            pos += 1
            return foreachChar(left)
        }
        guard c == UInt8(ascii: "-") else { return nil }
        if word("-join") {
            guard let r = list(), let sep = text(of: r), let v = join(left, sep) else { return nil }
            functions.insert("-join")
            return v
        }
        if word("-split") || word("-isplit") || word("-csplit") {
            guard let r = list(), let sep = text(of: r), let s = text(of: left) else { return nil }
            functions.insert("-split")
            guard let parts = Self.regexLiteral(sep) else { return nil }
            return .array(JScriptDecoder.split(s, by: parts).map { .string($0) })
        }
        let caseSensitive = word("-creplace")
        if caseSensitive || word("-replace") || word("-ireplace") {
            guard let r = list(), let s = text(of: left) else { return nil }
            var pattern: [UInt16]
            var replacement: [UInt16] = []
            if case .array(let items) = r {
                guard items.count == 2, let p = text(of: items[0]), let q = text(of: items[1]) else { return nil }
                pattern = p
                replacement = q
            } else {
                guard let p = text(of: r) else { return nil }
                pattern = p
            }
            guard let literal = Self.regexLiteral(pattern), !literal.isEmpty,
                let out = JScriptDecoder.replace(
                    s, literal, replacement, all: true, ignoreCase: !caseSensitive, max: maxUnits)
            else { return nil }
            functions.insert("-replace")
            return .string(out)
        }
        if word("-f") {
            guard let r = list(), let format = text(of: left) else { return nil }
            let args: [Value] = if case .array(let items) = r { items } else { [r] }
            guard let out = self.format(format, args) else { return nil }
            functions.insert("-f")
            return .string(out)
        }
        return nil
    }

    /// `| % { [char]$_ }`, `| ForEach-Object { [char]($_ -bxor 5) }`.
    private mutating func foreachChar(_ left: Value) -> Value? {
        guard word("%") || word("foreach-object") || word("foreach"), eat("{"), typeLiteral() == "char" else {
            return nil
        }
        var op = ""
        var operand = 0.0
        if eat("(") {
            if typeLiteral() != nil {}  // [int]$_
            guard eat("$"), eat("_") else { return nil }
            skipSpace()
            if word("-bxor") {
                op = "-bxor"
            } else if eat("+") {
                op = "+"
            } else if eat("-") {
                op = "-"
            } else {
                return nil
            }
            guard let n = numericExpression(), eat(")") else { return nil }
            operand = n
        } else {
            guard eat("$"), eat("_") else { return nil }
        }
        guard eat("}") else { return nil }
        let items: [Value] = if case .array(let a) = left { a } else { [left] }
        var out: [Value] = []
        for item in items {
            guard case .number(let d) = item else { return nil }
            let code: Double =
                switch op {
                case "+": d + operand
                case "-": d - operand
                case "-bxor": Double((Int64(exactly: d.rounded(.towardZero)) ?? 0) ^ (Int64(exactly: operand) ?? 0))
                default: d
                }
            guard let unit = Self.charCode(code) else { return nil }
            out.append(.string([unit]))
        }
        functions.insert(op == "-bxor" ? "-bxor" : "[char]")
        return .array(out)
    }

    private mutating func list() -> Value? {
        guard let first = postfix() else { return nil }
        var items = [first]
        while true {
            let save = pos
            guard eat(","), let next = postfix() else {
                pos = save
                break
            }
            items.append(next)
            if items.count > maxUnits { return nil }
        }
        return items.count == 1 ? first : .array(items)
    }

    private mutating func postfix() -> Value? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth, var value = primary() else { return nil }
        while true {
            let save = pos
            let savedFunctions = functions
            if pos < b.count && b[pos] == UInt8(ascii: ".") {
                pos += 1
                if let next = method(on: value) {
                    value = next
                    continue
                }
            } else if pos < b.count && b[pos] == UInt8(ascii: "[") {
                pos += 1
                if let next = index(value) {
                    value = next
                    continue
                }
            }
            pos = save
            functions = savedFunctions
            break
        }
        return value
    }

    private mutating func primary() -> Value? {
        skipSpace()
        guard let c = peek() else { return nil }
        switch c {
        case 0x27, 0x22:
            return stringLiteral().map { .string($0) }
        case UInt8(ascii: "("):
            pos += 1
            guard let v = expression(), eat(")") else { return nil }
            return v
        case UInt8(ascii: "@"), UInt8(ascii: "$"):
            guard pos + 1 < b.count, b[pos + 1] == UInt8(ascii: "(") else { return nil }
            pos += 2
            if eat(")") { return .array([]) }
            guard let v = expression(), eat(")") else { return nil }
            return v
        case UInt8(ascii: "-"):
            if word("-join") {
                guard let v = postfix(), let joined = join(v, []) else { return nil }
                functions.insert("-join")
                return joined
            }
            return numericExpression().map { .number($0) }
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return numericExpression().map { .number($0) }
        case UInt8(ascii: "["):
            break
        default:
            return nil
        }
        let save = pos
        guard let type = typeLiteral() else { return nil }
        switch type {
        case "char":
            guard let v = castOperand(), let unit = charValue(v) else { break }
            functions.insert("[char]")
            return .string([unit])
        case "char[]":
            guard let v = castOperand() else { break }
            switch v {
            case .string(let s): return .array(s.map { .string([$0]) })
            case .array(let items):
                var out: [Value] = []
                for item in items {
                    guard let unit = charValue(item) else { return nil }
                    out.append(.string([unit]))
                }
                functions.insert("[char]")
                return .array(out)
            default: break
            }
        case "string":
            if eat(":"), eat(":") {
                guard word("join"), eat("("), let sep = expression().flatMap({ text(of: $0) }), eat(","),
                    let v = expression(), eat(")"), let joined = join(v, sep)
                else { break }
                functions.insert("Join")
                return joined
            }
            guard let v = castOperand(), let s = text(of: v, separator: [0x20]) else { break }
            return .string(s)
        case "byte[]":
            guard let v = castOperand() else { break }
            if case .bytes = v { return v }
            guard case .array(let items) = v else { break }
            var bytes: [UInt8] = []
            for item in items {
                guard case .number(let d) = item, let byte = UInt8(exactly: d) else { return nil }
                bytes.append(byte)
            }
            return .bytes(bytes)
        case "convert":
            guard eat(":"), eat(":"), word("frombase64string"), eat("("), let v = expression(), eat(")"),
                let s = text(of: v), let ascii = Base64Text.binaryString(s),
                let bytes = Base64Text.decode(ascii, limit: maxUnits)
            else { break }
            functions.insert("FromBase64String")
            return .bytes(bytes)
        case "text.encoding":
            guard eat(":"), eat(":") else { break }
            var encoding = ""
            for name in ["bigendianunicode", "unicode", "utf8", "ascii", "default", "utf7"] where word(name) {
                encoding = name
                break
            }
            guard !encoding.isEmpty, eat("."), word("getstring"), eat("("), let v = expression(), eat(")") else {
                break
            }
            let bytes: [UInt8]
            switch v {
            case .bytes(let x): bytes = x
            case .array(let items):
                var x: [UInt8] = []
                for item in items {
                    guard case .number(let d) = item, let byte = UInt8(exactly: d) else { return nil }
                    x.append(byte)
                }
                bytes = x
            default: return nil
            }
            return .string(Self.decodeBytes(bytes, encoding))
        default:
            break
        }
        pos = save
        return nil
    }

    /// The operand of a cast: a number, a parenthesised expression, a literal, or another cast.
    private mutating func castOperand() -> Value? {
        skipSpace()
        guard let c = peek() else { return nil }
        if Text.isDigit(c) { return unaryNumber().map { .number($0) } }
        if c == UInt8(ascii: "-") { return unaryNumber().map { .number($0) } }
        return postfix()
    }

    private func charValue(_ v: Value) -> UInt16? {
        switch v {
        case .number(let d): return Self.charCode(d)
        case .string(let s): return s.count == 1 ? s[0] : nil
        default: return nil
        }
    }

    static func charCode(_ d: Double) -> UInt16? {
        guard d.isFinite, d >= 0, d <= 65535 else { return nil }
        return UInt16(exactly: d.rounded(.toNearestOrEven))
    }

    static func decodeBytes(_ bytes: [UInt8], _ encoding: String) -> [UInt16] {
        switch encoding {
        case "unicode", "bigendianunicode":
            var units: [UInt16] = []
            var k = 0
            while k + 1 < bytes.count {
                units.append(
                    encoding == "unicode"
                        ? UInt16(bytes[k]) | UInt16(bytes[k + 1]) << 8 : UInt16(bytes[k]) << 8 | UInt16(bytes[k + 1]))
                k += 2
            }
            return units
        case "ascii":
            return bytes.map { $0 < 0x80 ? UInt16($0) : 0x3F }
        default:
            return Array(String(decoding: bytes, as: UTF8.self).utf16)
        }
    }

    private mutating func method(on value: Value) -> Value? {
        skipSpace()
        let start = pos
        while pos < b.count && Text.isWord(b[pos]) { pos += 1 }
        let name = String(decoding: b[start..<pos].map(Text.lower), as: UTF8.self)
        switch name {
        case "replace":
            guard eat("("), let s = text(of: value), let p = expression().flatMap({ text(of: $0) }), eat(","),
                let r = expression().flatMap({ text(of: $0) }), eat(")"), !p.isEmpty,
                let out = JScriptDecoder.replace(s, p, r, all: true, ignoreCase: false, max: maxUnits)
            else { return nil }
            functions.insert("Replace")
            return .string(out)
        case "tolower", "toupper", "tolowerinvariant", "toupperinvariant":
            guard eat("("), eat(")"), let s = text(of: value) else { return nil }
            functions.insert("case")
            let str = Base64Text.string(s)
            return .string(Base64Text.units(name.hasPrefix("tolower") ? str.lowercased() : str.uppercased()))
        case "split":
            guard eat("("), let s = text(of: value), let sep = expression().flatMap({ text(of: $0) }), eat(")") else {
                return nil
            }
            functions.insert("-split")
            // String.Split(string) splits on each character of a one-character separator.
            return .array(JScriptDecoder.split(s, by: sep).map { .string($0) })
        case "substring":
            guard eat("("), let s = text(of: value), let a = numericExpression() else { return nil }
            var length: Double?
            if eat(",") {
                guard let l = numericExpression() else { return nil }
                length = l
            }
            guard eat(")"), a >= 0, Int(exactly: a.rounded()) ?? Int.max <= s.count else { return nil }
            functions.insert("Substring")
            return .string(JScriptDecoder.substring(s, "substr", a, length))
        case "tochararray":
            guard eat("("), eat(")"), let s = text(of: value) else { return nil }
            return .array(s.map { .string([$0]) })
        case "trim":
            guard eat("("), eat(")"), let s = text(of: value) else { return nil }
            var t = s[...]
            while let f = t.first, f == 0x20 || f == 0x09 || f == 0x0A || f == 0x0D { t = t.dropFirst() }
            while let l = t.last, l == 0x20 || l == 0x09 || l == 0x0A || l == 0x0D { t = t.dropLast() }
            return .string(Array(t))
        default:
            return nil
        }
    }

    /// `[n]`, `[a..b]` (descending too, negative from the end), `[n, m, ...]`; the opening bracket is consumed.
    private mutating func index(_ value: Value) -> Value? {
        var positions: [Int] = []
        repeat {
            guard let a = unaryNumber(), let ai = Int(exactly: a.rounded(.towardZero)) else { return nil }
            skipSpace()
            if pos + 1 < b.count && b[pos] == UInt8(ascii: ".") && b[pos + 1] == UInt8(ascii: ".") {
                pos += 2
                guard let z = unaryNumber(), let zi = Int(exactly: z.rounded(.towardZero)),
                    abs(zi - ai) < maxUnits
                else { return nil }
                let step = zi >= ai ? 1 : -1
                var k = ai
                while true {
                    positions.append(k)
                    if k == zi { break }
                    k += step
                }
            } else {
                positions.append(ai)
            }
            if positions.count > maxUnits { return nil }
        } while eat(",")
        guard eat("]") else { return nil }
        let items: [Value]
        switch value {
        case .string(let s): items = s.map { .string([$0]) }
        case .array(let a): items = a
        default: return nil
        }
        var out: [Value] = []
        for p in positions {
            let k = p < 0 ? items.count + p : p
            guard k >= 0 && k < items.count else { return nil }
            out.append(items[k])
        }
        if positions.count > 1, positions.first ?? 0 > positions.last ?? 0 { functions.insert("reverse") }
        return out.count == 1 ? out[0] : .array(out)
    }

    // MARK: - Numbers

    private mutating func numericExpression() -> Double? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth, var value = unaryNumber() else { return nil }
        while true {
            let save = pos
            skipSpace()
            guard let op = peek(), "+-*/%".utf8.contains(op) else { break }
            // "-join" and the other operators are not subtraction.
            if op == UInt8(ascii: "-") && pos + 1 < b.count && Text.isAlpha(b[pos + 1]) { break }
            pos += 1
            skipSpace()
            if let c = peek(), c == 0x22 || c == 0x27 || c == UInt8(ascii: "[") {
                pos = save
                break
            }
            guard let r = unaryNumber() else {
                pos = save
                break
            }
            switch op {
            case UInt8(ascii: "+"): value += r
            case UInt8(ascii: "-"): value -= r
            case UInt8(ascii: "*"): value *= r
            case UInt8(ascii: "/"): value = r == 0 ? .nan : value / r
            default: value = r == 0 ? .nan : value.truncatingRemainder(dividingBy: r)
            }
        }
        return value
    }

    private mutating func unaryNumber() -> Double? {
        skipSpace()
        guard let c = peek() else { return nil }
        if c == UInt8(ascii: "-") {
            guard pos + 1 < b.count, Text.isDigit(b[pos + 1]) || b[pos + 1] == UInt8(ascii: "(") else { return nil }
            pos += 1
            return unaryNumber().map { -$0 }
        }
        if c == UInt8(ascii: "(") {
            let save = pos
            pos += 1
            if let v = numericExpression(), eat(")") { return v }
            pos = save
            return nil
        }
        let start = pos
        guard Text.isDigit(c) else { return nil }
        if c == UInt8(ascii: "0") && pos + 1 < b.count && Text.lower(b[pos + 1]) == UInt8(ascii: "x") {
            pos += 2
            var v: UInt64 = 0
            let digits = pos
            while pos < b.count, let d = Text.hexValue(b[pos]), pos - digits < 16 {
                v = v << 4 | UInt64(d)
                pos += 1
            }
            guard pos > digits, !(pos < b.count && Text.isWord(b[pos])) else {
                pos = start
                return nil
            }
            return Double(v)
        }
        while pos < b.count && Text.isDigit(b[pos]) { pos += 1 }
        if pos + 1 < b.count && b[pos] == UInt8(ascii: ".") && Text.isDigit(b[pos + 1]) {
            pos += 1
            while pos < b.count && Text.isDigit(b[pos]) { pos += 1 }
        }
        guard pos - start <= 32, !(pos < b.count && Text.isWord(b[pos])), let d = Double(Text.string(b[start..<pos]))
        else {
            pos = start
            return nil
        }
        return d
    }

    // MARK: - Strings

    /// A quoted literal; double-quoted ones with `` ` `` escapes, and only without `$` variables.
    private mutating func stringLiteral() -> [UInt16]? {
        guard pos < b.count else { return nil }
        let quote = b[pos]
        let start = pos
        pos += 1
        var bytes: [UInt8] = []
        while pos < b.count {
            let c = b[pos]
            if c == quote {
                if pos + 1 < b.count && b[pos + 1] == quote {
                    bytes.append(quote)
                    pos += 2
                    continue
                }
                pos += 1
                guard bytes.count <= maxUnits else { return nil }
                return Array(String(decoding: bytes, as: UTF8.self).utf16)
            }
            if quote == 0x22 {
                if c == UInt8(ascii: "$"), pos + 1 < b.count,
                    Text.isWord(b[pos + 1]) || b[pos + 1] == UInt8(ascii: "(") || b[pos + 1] == UInt8(ascii: "{")
                {
                    break  // interpolation: not a constant
                }
                if c == 0x60 && pos + 1 < b.count {
                    let e = b[pos + 1]
                    pos += 2
                    switch e {
                    case UInt8(ascii: "n"): bytes.append(0x0A)
                    case UInt8(ascii: "r"): bytes.append(0x0D)
                    case UInt8(ascii: "t"): bytes.append(0x09)
                    case UInt8(ascii: "0"): bytes.append(0)
                    case UInt8(ascii: "a"): bytes.append(0x07)
                    case UInt8(ascii: "b"): bytes.append(0x08)
                    case UInt8(ascii: "f"): bytes.append(0x0C)
                    case UInt8(ascii: "v"): bytes.append(0x0B)
                    default: bytes.append(e)
                    }
                    continue
                }
            }
            bytes.append(c)
            pos += 1
            if bytes.count > maxUnits { break }
        }
        pos = start
        return nil
    }

    // MARK: - Values

    func text(of value: Value, separator: [UInt16] = []) -> [UInt16]? {
        switch value {
        case .string(let s): return s
        case .number(let d): return Base64Text.units(JScriptDecoder.format(d))
        case .bytes(let bytes): return bytes.map { UInt16($0) }
        case .array(let items):
            var out: [UInt16] = []
            for (k, item) in items.enumerated() {
                if k > 0 { out += separator }
                guard let t = text(of: item) else { return nil }
                out += t
                if out.count > maxUnits { return nil }
            }
            return out
        }
    }

    private func join(_ v: Value, _ separator: [UInt16]) -> Value? {
        guard case .array = v else { return text(of: v).map { .string($0) } }
        return text(of: v, separator: separator).map { .string($0) }
    }

    private func add(_ a: Value, _ c: Value) -> Value? {
        switch (a, c) {
        case (.number(let x), .number(let y)): return .number(x + y)
        case (.array(let x), .array(let y)): return x.count + y.count <= maxUnits ? .array(x + y) : nil
        case (.array(let x), _): return x.count < maxUnits ? .array(x + [c]) : nil
        default:
            guard let s = text(of: a), let t = text(of: c), s.count + t.count <= maxUnits else { return nil }
            return .string(s + t)
        }
    }

    /// The `-f` operator: `{0}`, `{1,-5}` (alignment ignored), `{{` and `}}`.
    private func format(_ f: [UInt16], _ args: [Value]) -> [UInt16]? {
        var out: [UInt16] = []
        var i = 0
        while i < f.count {
            let u = f[i]
            if u == 0x7B {
                if i + 1 < f.count && f[i + 1] == 0x7B {
                    out.append(0x7B)
                    i += 2
                    continue
                }
                var k = i + 1
                var n = 0
                var digits = 0
                while k < f.count, f[k] >= 0x30, f[k] <= 0x39, digits < 4 {
                    n = n * 10 + Int(f[k] - 0x30)
                    digits += 1
                    k += 1
                }
                while k < f.count && f[k] != 0x7D && k - i < 16 { k += 1 }
                guard digits > 0, k < f.count, f[k] == 0x7D, n < args.count, let t = text(of: args[n]) else {
                    return nil
                }
                out += t
                i = k + 1
            } else if u == 0x7D && i + 1 < f.count && f[i + 1] == 0x7D {
                out.append(0x7D)
                i += 2
            } else {
                out.append(u)
                i += 1
            }
            if out.count > maxUnits { return nil }
        }
        return out
    }

    /// A regular expression pattern as a literal string, when it has no special characters (backslash escapes
    /// of punctuation allowed); `nil` otherwise.
    static func regexLiteral(_ p: [UInt16]) -> [UInt16]? {
        var out: [UInt16] = []
        var i = 0
        while i < p.count {
            let u = p[i]
            if u == 0x5C {
                guard i + 1 < p.count, p[i + 1] < 0x80, !Text.isWord(UInt8(p[i + 1])) else { return nil }
                out.append(p[i + 1])
                i += 2
                continue
            }
            if u < 0x80 && "^$.*+?()[]{}|".utf8.contains(UInt8(u)) { return nil }
            out.append(u)
            i += 1
        }
        return out
    }
}
