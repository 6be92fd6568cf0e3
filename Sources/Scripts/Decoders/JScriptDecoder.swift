/// Evaluates the constant string expressions JScript malware builds to hide words and URLs.
///
/// ```
///  expr    := term ("+" term)*
///  term    := primary postfix*
///  primary := "str" | 'str' | `str` | number | "(" expr ")" | "[" expr ("," expr)* "]"
///           | String.fromCharCode "(" numexpr ("," numexpr)* ")" | String.fromCharCode.apply "(" x "," array ")"
///           | unescape "(" expr ")" | atob "(" expr ")" | decodeURIComponent "(" expr ")"
///  postfix := .join(expr?) | .split(expr) | .reverse() | .replace(/lit/g | expr, expr) | .replaceAll(...)
///           | .concat(expr, ...) | .toLowerCase() | .toUpperCase() | .substr/.substring/.slice(n, n?)
///           | .map(function (c) { return String.fromCharCode(c [+-^] n) })
/// ```
///
/// Only expressions that call one of these, use `\x`/`\u` escapes or concatenate literals are reported. The
/// scan skips comments, regular expression literals and plain strings; evaluation is bounded by
/// ``ScriptLimits/maxNesting`` and ``ScriptLimits/maxStringBytes``.
struct JScriptDecoder {
    indirect enum Value {
        case string([UInt16])
        case number(Double)
        case array([Value])
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

    /// Which function names the encoding is named after, most telling first.
    static let encodingPriority = [
        "fromCharCode", "atob", "unescape", "decodeURIComponent", "escapes", "replace", "reverse", "split", "join",
        "concat", "substr", "case",
    ]

    /// Every maximal obfuscated expression in `b`, at most `limit`.
    static func find(in b: [UInt8], limits: ScriptLimits, limit: Int) -> [Decoding] {
        var result: [Decoding] = []
        var p = JScriptDecoder(b, limits: limits)
        let n = b.count
        var i = 0
        var lastSignificant: UInt8 = 0x3B  // ';': a regex may start here
        while i < n && result.count < limit {
            let c = b[i]
            // Comments.
            if c == UInt8(ascii: "/") && i + 1 < n {
                if b[i + 1] == UInt8(ascii: "/") {
                    while i < n && b[i] != 0x0A { i += 1 }
                    continue
                }
                if b[i + 1] == UInt8(ascii: "*") {
                    i += 2
                    while i + 1 < n && !(b[i] == UInt8(ascii: "*") && b[i + 1] == UInt8(ascii: "/")) { i += 1 }
                    i = min(n, i + 2)
                    continue
                }
                if Self.regexMayFollow(lastSignificant) {
                    i = Self.skipRegex(b, from: i)
                    lastSignificant = UInt8(ascii: "/")
                    continue
                }
            }
            let isQuote = c == 0x22 || c == 0x27 || c == 0x60
            let startsWord = Text.isWord(c) && (i == 0 || !(Text.isWord(b[i - 1]) || b[i - 1] == UInt8(ascii: ".")))
            if isQuote || c == UInt8(ascii: "[") || (startsWord && Self.startsFunction(b, i)) {
                p.pos = i
                p.functions = []
                p.pieces = 0
                p.depth = 0
                if let value = p.expression(), let text = p.text(of: value) {
                    let interesting = !p.functions.isEmpty || (p.pieces >= 2 && text.count >= 4)
                    if interesting && !text.isEmpty {
                        let encoding =
                            Self.encodingPriority.first { p.functions.contains($0) }.map { $0 == "escapes" ? "JS escapes" : $0 }
                            ?? "Concatenation"
                        var end = p.pos
                        while end > i && Text.isSpace(b[end - 1]) { end -= 1 }
                        result.append(
                            Decoding(
                                encoding: encoding, encoded: Text.string(b[i..<end]),
                                decoded: Base64Text.string(text), offset: i))
                        i = max(p.pos, i + 1)
                        lastSignificant = UInt8(ascii: ")")
                        continue
                    }
                }
                if isQuote {
                    i = Self.skipString(b, from: i)
                    lastSignificant = c
                    continue
                }
            }
            if startsWord {
                while i < n && Text.isWord(b[i]) { i += 1 }
                lastSignificant = UInt8(ascii: "a")
                continue
            }
            if !Text.isSpace(c) { lastSignificant = c }
            i += 1
        }
        return result
    }

    /// Whether a `/` after `c` starts a regular expression literal rather than a division.
    static func regexMayFollow(_ c: UInt8) -> Bool {
        "(,=:[!&|?{};+-*%<>~^".utf8.contains(c)
    }

    /// The index after the regular expression literal at `start` (on one line).
    static func skipRegex(_ b: [UInt8], from start: Int) -> Int {
        var i = start + 1
        var inClass = false
        while i < b.count && b[i] != 0x0A {
            let c = b[i]
            if c == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if c == UInt8(ascii: "[") { inClass = true }
            if c == UInt8(ascii: "]") { inClass = false }
            if c == UInt8(ascii: "/") && !inClass {
                i += 1
                while i < b.count && Text.isAlpha(b[i]) { i += 1 }
                return i
            }
            i += 1
        }
        return min(i, b.count)
    }

    /// The index after the string literal whose quote is at `start`.
    static func skipString(_ b: [UInt8], from start: Int) -> Int {
        let quote = b[start]
        var i = start + 1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if c == quote { return i + 1 }
            if c == 0x0A && quote != 0x60 { return i }
            i += 1
        }
        return b.count
    }

    static let functionStarts: [[UInt8]] = ["string", "unescape", "atob", "decodeuricomponent", "decodeuri"].map {
        Array($0.utf8)
    }

    static func startsFunction(_ b: [UInt8], _ i: Int) -> Bool {
        let c = Text.lower(b[i])
        guard c == UInt8(ascii: "s") || c == UInt8(ascii: "u") || c == UInt8(ascii: "a") || c == UInt8(ascii: "d")
        else { return false }
        return functionStarts.contains { Text.matchesLower(b, i, $0) }
    }

    // MARK: - Parser

    private func peek() -> UInt8? { pos < b.count ? b[pos] : nil }

    private mutating func skipSpace() {
        while pos < b.count {
            if Text.isSpace(b[pos]) {
                pos += 1
            } else if b[pos] == UInt8(ascii: "/") && pos + 1 < b.count && b[pos + 1] == UInt8(ascii: "*") {
                pos += 2
                while pos + 1 < b.count && !(b[pos] == UInt8(ascii: "*") && b[pos + 1] == UInt8(ascii: "/")) { pos += 1 }
                pos = min(b.count, pos + 2)
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

    /// An identifier (letters, digits, `_`, `$`), case-sensitive, or `nil` (position unchanged).
    private mutating func identifier() -> String? {
        skipSpace()
        let start = pos
        while pos < b.count && (Text.isWord(b[pos]) || b[pos] == UInt8(ascii: "$")) && b[pos] < 0x80 { pos += 1 }
        guard pos > start else { return nil }
        return Text.string(b[start..<pos])
    }

    /// Whether `word` (case-sensitive) comes next, as a whole identifier; consumes it if so.
    private mutating func keyword(_ word: String) -> Bool {
        let save = pos
        if identifier() == word { return true }
        pos = save
        return false
    }

    mutating func expression() -> Value? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth, var value = term() else { return nil }
        pieces += 1
        while true {
            let save = pos
            let savedFunctions = functions
            skipSpace()
            guard pos + 1 < b.count, b[pos] == UInt8(ascii: "+"), b[pos + 1] != UInt8(ascii: "+"),
                b[pos + 1] != UInt8(ascii: "=")
            else {
                pos = save
                break
            }
            pos += 1
            guard let next = term() else {
                pos = save
                functions = savedFunctions
                break
            }
            guard let joined = add(value, next) else { return nil }
            value = joined
            pieces += 1
        }
        return value
    }

    private func add(_ a: Value, _ c: Value) -> Value? {
        if case .number(let x) = a, case .number(let y) = c { return .number(x + y) }
        guard let s = text(of: a), let t = text(of: c), s.count + t.count <= maxUnits else { return nil }
        return .string(s + t)
    }

    func text(of value: Value) -> [UInt16]? {
        switch value {
        case .string(let s): return s
        case .number(let d): return Base64Text.units(Self.format(d))
        case .array(let items):
            var out: [UInt16] = []
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(0x2C) }
                guard let t = text(of: item) else { return nil }
                out += t
                if out.count > maxUnits { return nil }
            }
            return out
        }
    }

    static func format(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15, let i = Int(exactly: d) { return String(i) }
        return String(d)
    }

    private mutating func term() -> Value? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth, var value = primary() else { return nil }
        while true {
            let save = pos
            let savedFunctions = functions
            skipSpace()
            guard pos < b.count, b[pos] == UInt8(ascii: ".") else { break }
            pos += 1
            guard let name = identifier(), let next = method(name, on: value) else {
                pos = save
                functions = savedFunctions
                break
            }
            value = next
        }
        return value
    }

    private mutating func primary() -> Value? {
        skipSpace()
        guard let c = peek() else { return nil }
        switch c {
        case 0x22, 0x27, 0x60:
            return stringLiteral().map { .string($0) }
        case UInt8(ascii: "("):
            pos += 1
            guard let v = expression(), eat(")") else { return nil }
            return v
        case UInt8(ascii: "["):
            pos += 1
            var items: [Value] = []
            if eat("]") { return .array([]) }
            repeat {
                guard items.count < maxUnits, let v = element() else { return nil }
                items.append(v)
            } while eat(",")
            guard eat("]") else { return nil }
            return .array(items)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return numericExpression().map { .number($0) }
        default:
            break
        }
        let save = pos
        guard let name = identifier() else { return nil }
        switch name {
        case "String":
            guard eat("."), keyword("fromCharCode") else { break }
            if eat("(") {
                var codes: [Double] = []
                if !eat(")") {
                    repeat {
                        guard codes.count < maxUnits, let v = element() else { return nil }
                        switch v {
                        case .number(let d): codes.append(d)
                        case .array(let a):  // String.fromCharCode(...[72, 105])
                            for item in a {
                                guard case .number(let d) = item else { return nil }
                                codes.append(d)
                            }
                        case .string: return nil
                        }
                    } while eat(",")
                    guard eat(")") else { return nil }
                }
                functions.insert("fromCharCode")
                return .string(codes.map(Self.charCode))
            }
            // String.fromCharCode.apply(null, [72, 105])
            guard eat("."), keyword("apply"), eat("("), identifier() != nil, eat(","),
                case .array(let a)? = primary(), eat(")")
            else { break }
            var units: [UInt16] = []
            for item in a {
                guard case .number(let d) = item else { return nil }
                units.append(Self.charCode(d))
            }
            functions.insert("fromCharCode")
            return .string(units)
        case "unescape", "decodeURIComponent", "decodeURI":
            guard eat("("), let v = expression(), eat(")"), let s = text(of: v) else { break }
            functions.insert(name == "unescape" ? "unescape" : "decodeURIComponent")
            return .string(Self.percentDecode(s, unicode: name == "unescape"))
        case "atob":
            guard eat("("), let v = expression(), eat(")"), let s = text(of: v),
                let ascii = Base64Text.binaryString(s), let bytes = Base64Text.decode(ascii, limit: maxUnits)
            else { break }
            functions.insert("atob")
            return .string(bytes.map { UInt16($0) })
        default:
            break
        }
        pos = save
        return nil
    }

    /// An array element or call argument: a numeric expression or any expression.
    private mutating func element() -> Value? {
        skipSpace()
        let save = pos
        if let c = peek(), c == UInt8(ascii: "-") || Text.isDigit(c) || c == UInt8(ascii: "(") {
            if let d = numericExpression() {
                skipSpace()
                if let e = peek(), e == UInt8(ascii: ",") || e == UInt8(ascii: "]") || e == UInt8(ascii: ")") {
                    return .number(d)
                }
            }
            pos = save
        }
        if eat("."), eat("."), eat(".") {  // spread
            return primary()
        }
        pos = save
        return expression()
    }

    /// `sum := product (("+" | "-") product)*`, `product := unary (("*" | "/" | "%" | "^") unary)*`,
    /// `unary := "-"? (number | "(" sum ")")`.
    private mutating func numericExpression() -> Double? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth, var value = product() else { return nil }
        while true {
            let save = pos
            skipSpace()
            guard let op = peek(), op == UInt8(ascii: "+") || op == UInt8(ascii: "-") else { break }
            pos += 1
            skipSpace()
            // "+" followed by a string: a concatenation, not arithmetic.
            if let c = peek(), c == 0x22 || c == 0x27 || c == 0x60 {
                pos = save
                break
            }
            guard let r = product() else {
                pos = save
                break
            }
            value = op == UInt8(ascii: "+") ? value + r : value - r
        }
        return value
    }

    private mutating func product() -> Double? {
        guard var value = unary() else { return nil }
        while true {
            let save = pos
            skipSpace()
            guard let op = peek(), "*/%^".utf8.contains(op) else { break }
            pos += 1
            guard let r = unary() else {
                pos = save
                break
            }
            switch op {
            case UInt8(ascii: "*"): value *= r
            case UInt8(ascii: "/"): value = r == 0 ? .nan : value / r
            case UInt8(ascii: "%"): value = r == 0 ? .nan : value.truncatingRemainder(dividingBy: r)
            default:
                guard let x = Int32(exactly: value.rounded(.towardZero)), let y = Int32(exactly: r.rounded(.towardZero))
                else { return nil }
                value = Double(x ^ y)
            }
        }
        return value
    }

    private mutating func unary() -> Double? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth else { return nil }
        skipSpace()
        guard let c = peek() else { return nil }
        if c == UInt8(ascii: "-") {
            pos += 1
            return unary().map { -$0 }
        }
        if c == UInt8(ascii: "(") {
            let save = pos
            pos += 1
            if let v = numericExpression(), eat(")") { return v }
            pos = save
            return nil
        }
        return number()
    }

    private mutating func number() -> Double? {
        let start = pos
        guard pos < b.count, Text.isDigit(b[pos]) else { return nil }
        if b[pos] == UInt8(ascii: "0") && pos + 1 < b.count {
            let radix: UInt64? =
                switch Text.lower(b[pos + 1]) {
                case UInt8(ascii: "x"): 16
                case UInt8(ascii: "o"): 8
                case UInt8(ascii: "b"): 2
                default: nil
                }
            if let radix {
                pos += 2
                var v: UInt64 = 0
                let digitsStart = pos
                while pos < b.count, let d = Text.hexValue(b[pos]), UInt64(d) < radix {
                    let (m, o1) = v.multipliedReportingOverflow(by: radix)
                    let (s, o2) = m.addingReportingOverflow(UInt64(d))
                    guard !o1, !o2 else { return nil }
                    v = s
                    pos += 1
                }
                guard pos > digitsStart, !(pos < b.count && Text.isWord(b[pos])) else {
                    pos = start
                    return nil
                }
                return Double(v)
            }
        }
        while pos < b.count && (Text.isDigit(b[pos]) || b[pos] == UInt8(ascii: ".")) { pos += 1 }
        guard pos - start <= 32, !(pos < b.count && Text.isWord(b[pos])), let d = Double(Text.string(b[start..<pos]))
        else {
            pos = start
            return nil
        }
        return d
    }

    /// JavaScript's ToUint16.
    static func charCode(_ d: Double) -> UInt16 {
        guard d.isFinite else { return 0 }
        let t = d.rounded(.towardZero).truncatingRemainder(dividingBy: 65536)
        let m = t < 0 ? t + 65536 : t
        return UInt16(exactly: m) ?? 0
    }

    /// A quoted literal with its escapes decoded; template literals only without `${`.
    private mutating func stringLiteral() -> [UInt16]? {
        guard pos < b.count else { return nil }
        let quote = b[pos]
        let start = pos
        pos += 1
        var out: [UInt16] = []
        var escapes = 0
        var runStart = pos
        func flush(_ upTo: Int) {
            if upTo > runStart { out += String(decoding: b[runStart..<upTo], as: UTF8.self).utf16 }
        }
        while pos < b.count {
            let c = b[pos]
            if c == quote {
                flush(pos)
                pos += 1
                if escapes >= 4 { functions.insert("escapes") }
                guard out.count <= maxUnits else { return nil }
                return out
            }
            if c == 0x0A && quote != 0x60 { break }
            if c == UInt8(ascii: "$") && quote == 0x60 && pos + 1 < b.count && b[pos + 1] == UInt8(ascii: "{") {
                break
            }
            if c == UInt8(ascii: "\\") {
                flush(pos)
                pos += 1
                guard pos < b.count else { break }
                let e = b[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "v"): out.append(0x0B)
                case UInt8(ascii: "0"): out.append(0)
                case 0x0A: break
                case 0x0D:
                    if pos < b.count && b[pos] == 0x0A { pos += 1 }
                case UInt8(ascii: "x"):
                    guard let v = hexDigits(2) else { return nil }
                    out.append(UInt16(v))
                    escapes += 1
                case UInt8(ascii: "u"):
                    if pos < b.count && b[pos] == UInt8(ascii: "{") {
                        pos += 1
                        var v: UInt32 = 0
                        var digits = 0
                        while pos < b.count, let d = Text.hexValue(b[pos]), digits < 6 {
                            v = v << 4 | d
                            digits += 1
                            pos += 1
                        }
                        guard digits > 0, pos < b.count, b[pos] == UInt8(ascii: "}"), let scalar = Unicode.Scalar(v)
                        else { return nil }
                        pos += 1
                        out += String(Character(scalar)).utf16
                    } else {
                        guard let v = hexDigits(4) else { return nil }
                        out.append(UInt16(v))
                    }
                    escapes += 1
                default:
                    if e < 0x80 {
                        out.append(UInt16(e))
                    } else {
                        runStart = pos - 1
                        continue
                    }
                }
                runStart = pos
                if out.count > maxUnits { return nil }
                continue
            }
            pos += 1
        }
        pos = start
        return nil
    }

    private mutating func hexDigits(_ count: Int) -> UInt32? {
        guard b.count - pos >= count else { return nil }
        var v: UInt32 = 0
        for k in 0..<count {
            guard let d = Text.hexValue(b[pos + k]) else { return nil }
            v = v << 4 | d
        }
        pos += count
        return v
    }

    // MARK: - Methods

    private mutating func method(_ name: String, on value: Value) -> Value? {
        switch name {
        case "join":
            guard eat("("), case .array(let items) = value else { return nil }
            var separator: [UInt16] = [0x2C]
            if !eat(")") {
                guard let v = expression(), let s = text(of: v), eat(")") else { return nil }
                separator = s
            }
            var out: [UInt16] = []
            for (k, item) in items.enumerated() {
                if k > 0 { out += separator }
                guard let t = text(of: item) else { return nil }
                out += t
                if out.count > maxUnits { return nil }
            }
            functions.insert("join")
            return .string(out)
        case "split":
            guard eat("("), let s = text(of: value), let v = expression(), let sep = text(of: v), eat(")") else {
                return nil
            }
            functions.insert("split")
            return .array(Self.split(s, by: sep).map { .string($0) })
        case "reverse":
            guard eat("("), eat(")"), case .array(let items) = value else { return nil }
            functions.insert("reverse")
            return .array(items.reversed())
        case "concat":
            guard eat("(") else { return nil }
            var args: [Value] = []
            if !eat(")") {
                repeat {
                    guard args.count < 4096, let v = expression() else { return nil }
                    args.append(v)
                } while eat(",")
                guard eat(")") else { return nil }
            }
            functions.insert("concat")
            if case .array(let items) = value {
                var all = items
                for a in args {
                    if case .array(let more) = a { all += more } else { all.append(a) }
                }
                return .array(all)
            }
            var out = text(of: value) ?? []
            for a in args {
                guard let t = text(of: a) else { return nil }
                out += t
                if out.count > maxUnits { return nil }
            }
            return .string(out)
        case "replace", "replaceAll":
            guard eat("("), let s = text(of: value) else { return nil }
            skipSpace()
            var global = name == "replaceAll"
            var ignoreCase = false
            let pattern: [UInt16]
            if peek() == UInt8(ascii: "/") {
                guard let (p, flags) = regexLiteral() else { return nil }
                pattern = p
                global = global || flags.contains("g")
                ignoreCase = flags.contains("i")
            } else {
                guard let v = expression(), let p = text(of: v) else { return nil }
                pattern = p
            }
            guard eat(","), let r = expression(), let replacement = text(of: r), eat(")"), !pattern.isEmpty else {
                return nil
            }
            functions.insert("replace")
            guard let replaced = Self.replace(s, pattern, replacement, all: global, ignoreCase: ignoreCase, max: maxUnits)
            else { return nil }
            return .string(replaced)
        case "toLowerCase", "toUpperCase":
            guard eat("("), eat(")"), let s = text(of: value) else { return nil }
            functions.insert("case")
            let str = Base64Text.string(s)
            return .string(Base64Text.units(name == "toLowerCase" ? str.lowercased() : str.uppercased()))
        case "substr", "substring", "slice":
            guard eat("("), let s = text(of: value), let a = numericExpression() else { return nil }
            var c: Double?
            if eat(",") {
                guard let v = numericExpression() else { return nil }
                c = v
            }
            guard eat(")") else { return nil }
            functions.insert("substr")
            return .string(Self.substring(s, name, a, c))
        case "map":
            // .map(function (c) { return String.fromCharCode(c - 3) }) and the arrow form.
            guard eat("("), case .array(let items) = value, let (op, operand) = mapFunction() else { return nil }
            var out: [Value] = []
            for item in items {
                guard case .number(let d) = item else { return nil }
                let code: Double =
                    switch op {
                    case UInt8(ascii: "+"): d + operand
                    case UInt8(ascii: "-"): d - operand
                    case UInt8(ascii: "^"):
                        Double((Int32(exactly: d.rounded(.towardZero)) ?? 0) ^ (Int32(exactly: operand) ?? 0))
                    default: d
                    }
                out.append(.string([Self.charCode(code)]))
            }
            functions.insert("fromCharCode")
            return .array(out)
        default:
            return nil
        }
    }

    /// The body of a `.map(...)` callback that returns `String.fromCharCode(x [op n])`; consumes through `)`.
    private mutating func mapFunction() -> (UInt8, Double)? {
        skipSpace()
        var parameter: String?
        if keyword("function") {
            guard eat("("), let p = identifier(), eat(")"), eat("{"), keyword("return") else { return nil }
            parameter = p
        } else if let p = identifier() {
            guard eat("="), eat(">") else { return nil }
            parameter = p
        } else if eat("(") {
            guard let p = identifier(), eat(")"), eat("="), eat(">") else { return nil }
            parameter = p
        }
        guard let parameter, keyword("String"), eat("."), keyword("fromCharCode"), eat("("),
            identifier() == parameter
        else { return nil }
        var op: UInt8 = 0
        var operand: Double = 0
        skipSpace()
        if let c = peek(), c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: "^") {
            pos += 1
            guard let v = numericExpression() else { return nil }
            op = c
            operand = v
        }
        guard eat(")") else { return nil }
        _ = eat(";")
        if eat("}") {}
        guard eat(")") else { return nil }
        return (op, operand)
    }

    /// A regular expression literal made of plain characters (and `\` escapes of punctuation), with its flags.
    private mutating func regexLiteral() -> ([UInt16], String)? {
        guard peek() == UInt8(ascii: "/") else { return nil }
        pos += 1
        var out: [UInt16] = []
        while pos < b.count, b[pos] != UInt8(ascii: "/") {
            let c = b[pos]
            if c == UInt8(ascii: "\\") {
                guard pos + 1 < b.count, !Text.isWord(b[pos + 1]) else { return nil }
                out.append(UInt16(b[pos + 1]))
                pos += 2
                continue
            }
            if "^$.*+?()[]{}|\n".utf8.contains(c) { return nil }
            out += String(decoding: [c], as: UTF8.self).utf16
            pos += 1
        }
        guard pos < b.count else { return nil }
        pos += 1
        var flags = ""
        while pos < b.count, Text.isAlpha(b[pos]) {
            flags.append(Character(Unicode.Scalar(b[pos])))
            pos += 1
        }
        return (out, flags)
    }

    static func split(_ s: [UInt16], by sep: [UInt16]) -> [[UInt16]] {
        if sep.isEmpty { return s.map { [$0] } }
        var parts: [[UInt16]] = []
        var current: [UInt16] = []
        var i = 0
        while i < s.count {
            if i + sep.count <= s.count && s[i..<(i + sep.count)].elementsEqual(sep) {
                parts.append(current)
                current = []
                i += sep.count
            } else {
                current.append(s[i])
                i += 1
            }
        }
        parts.append(current)
        return parts
    }

    static func replace(
        _ s: [UInt16], _ pattern: [UInt16], _ replacement: [UInt16], all: Bool, ignoreCase: Bool, max: Int
    ) -> [UInt16]? {
        func fold(_ u: UInt16) -> UInt16 { ignoreCase && u >= 0x41 && u <= 0x5A ? u | 0x20 : u }
        let p = pattern.map(fold)
        var out: [UInt16] = []
        var i = 0
        var replaced = false
        while i < s.count {
            if !(replaced && !all), i + p.count <= s.count,
                (0..<p.count).allSatisfy({ fold(s[i + $0]) == p[$0] })
            {
                out += replacement
                i += p.count
                replaced = true
            } else {
                out.append(s[i])
                i += 1
            }
            if out.count > max { return nil }
        }
        return out
    }

    static func substring(_ s: [UInt16], _ kind: String, _ a: Double, _ c: Double?) -> [UInt16] {
        let n = s.count
        func clamp(_ x: Double) -> Int { x.isNaN ? 0 : Int(Swift.max(0, Swift.min(Double(n), x.rounded(.towardZero)))) }
        func relative(_ x: Double) -> Int { x < 0 ? clamp(Double(n) + x) : clamp(x) }
        var from: Int
        var to: Int
        switch kind {
        case "substr":
            from = relative(a)
            to = c.map { Swift.min(n, from + clamp($0)) } ?? n
        case "substring":
            from = clamp(a)
            to = c.map(clamp) ?? n
            if from > to { swap(&from, &to) }
        default:
            from = relative(a)
            to = c.map(relative) ?? n
        }
        return from < to ? Array(s[from..<to]) : []
    }

    /// `%XX` and (for `unescape`) `%uXXXX`; UTF-8 sequences for `decodeURIComponent`.
    static func percentDecode(_ s: [UInt16], unicode: Bool) -> [UInt16] {
        var out: [UInt16] = []
        var bytes: [UInt8] = []
        func flushBytes() {
            if !bytes.isEmpty {
                out += String(decoding: bytes, as: UTF8.self).utf16
                bytes.removeAll()
            }
        }
        func hex(_ u: UInt16) -> UInt32? { u < 0x80 ? Text.hexValue(UInt8(u)) : nil }
        var i = 0
        while i < s.count {
            if s[i] == 0x25 {
                if unicode, i + 5 < s.count, s[i + 1] == 0x75 || s[i + 1] == 0x55,
                    let a = hex(s[i + 2]), let b = hex(s[i + 3]), let c = hex(s[i + 4]), let d = hex(s[i + 5])
                {
                    flushBytes()
                    out.append(UInt16(a << 12 | b << 8 | c << 4 | d))
                    i += 6
                    continue
                }
                if i + 2 < s.count, let a = hex(s[i + 1]), let b = hex(s[i + 2]) {
                    if unicode {
                        out.append(UInt16(a << 4 | b))
                    } else {
                        bytes.append(UInt8(a << 4 | b))
                    }
                    i += 3
                    continue
                }
            }
            flushBytes()
            out.append(s[i])
            i += 1
        }
        flushBytes()
        return out
    }
}
