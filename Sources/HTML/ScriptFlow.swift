import ByteCursor
import Charsets

/// One piece of script code of a page: an inline `<script>`, an event handler attribute, a `javascript:` URL, or
/// text a script decoded and runs (`eval(atob(...))`).
struct ScriptUnit {
    var code: ArraySlice<UInt8>
    /// Whether the indices of ``code`` are offsets in the page (else every finding points at ``base``).
    var exact: Bool
    var base: Int
    /// How many `eval`s deep the code is.
    var depth = 0
}

/// Something a script decoded that may be a payload.
struct Candidate {
    var bytes: [UInt8]
    var truncated: Bool
    /// `"atob"`, `"base64"`, `"char-codes"`, `"hex"`, `"percent"`, `"data-url"`.
    var technique: String
    var offset: Int
    var encodedBytes: Int
    var mediaType: String?
    /// Whether the value reached a download (a `Blob`, `msSaveOrOpenBlob`, a `data:` URL navigation).
    var downloaded = false
    /// Whether the value was run or written into the page (`eval`, `document.write`).
    var executed = false
    /// Whether the script navigates to it as a `data:` URL.
    var dataURLNavigation = false
}

/// The pattern-level reading of a page's scripts: constant strings and the variables holding them, decoders
/// (`atob`, `unescape`, `String.fromCharCode`, typed arrays), download sinks (`Blob`, `createObjectURL`,
/// `download`, `click()`, `msSaveOrOpenBlob`), navigation (`location`, `window.open`), and code that runs decoded
/// text (`eval`, `document.write`).
///
/// This is not an interpreter: there are no control flow, functions or scopes. Variables are global, assignments
/// are taken in source order, and an expression is followed only through string concatenation, array `join`,
/// `split`/`reverse`/`replace` and the decoders; anything else makes its value unknown.
struct ScriptFlow {
    let limits: HTMLLimits
    let charset: Charset
    let isLeadByte: ((UInt8) -> Bool)?
    let lines: LineIndex

    // Facts.
    var hasBlob = false
    var hasObjectURL = false
    var hasClick = false
    var hasAtob = false
    var objectURLOffset: Int?
    var msSaveOffset: Int?
    var blobOffset: Int?
    var downloadNames: [(name: String, offset: Int)] = []
    var candidates: [Candidate] = []
    var longStrings: [(value: [UInt8], offset: Int)] = []
    var postURLs: [(url: String, offset: Int)] = []
    /// (kind, detail, offset)
    var indicators: [(HTMLIndicator.Kind, String, Int)] = []
    var urls: [String] = []
    var anomalies: [(HTMLAnomaly.Code, Int?, String)] = []
    var limitsHit: [(Limit, Int?, String)] = []
    /// Decoded HTML written into the page: analysed again as a document.
    var nestedHTML: [(bytes: [UInt8], offset: Int)] = []
    /// Decoded script run with `eval`: analysed with the same variables.
    var pending: [ScriptUnit] = []

    private(set) var budget: Int
    private var tokensLeft: Int
    /// Steps left for skipping over brackets (nested calls re-read from each level).
    private var stepsLeft: Int
    private var exhausted = false
    private var candidateIndex: [String: Int] = [:]
    private var vars: [String: (value: JSValue, origin: ValueOrigin)] = [:]
    private var memo: [Int: (JSValue?, Int, ValueOrigin)] = [:]

    // The unit being read.
    private var lx = JSLexer([][...], isLeadByte: nil, maxTokens: 0)
    private var tokens: [JSToken] = []
    private var unit = ScriptUnit(code: [][...], exact: false, base: 0)

    init(limits: HTMLLimits, charset: Charset, isLeadByte: ((UInt8) -> Bool)?, lines: LineIndex, budget: Int) {
        self.limits = limits
        self.charset = charset
        self.isLeadByte = isLeadByte
        self.lines = lines
        self.budget = budget
        self.tokensLeft = max(0, limits.maxScriptTokens.maximum)
        self.stepsLeft = max(0, limits.maxEvaluationSteps.maximum)
    }

    // MARK: - Units

    mutating func run(_ first: ScriptUnit) {
        pending.append(first)
        while !pending.isEmpty {
            let next = pending.removeFirst()
            read(next)
        }
    }

    private mutating func read(_ u: ScriptUnit) {
        unit = u
        lx = JSLexer(u.code, isLeadByte: u.exact ? isLeadByte : nil, maxTokens: max(0, tokensLeft))
        tokens = lx.tokens
        memo = [:]
        tokensLeft -= tokens.count
        if lx.truncated {
            limitsHit.append((limits.maxScriptTokens, at(u.code.startIndex), "the rest of the scripts was not read"))
        }
        for s in lx.unterminatedStrings.prefix(8) {
            anomalies.append((.unterminatedString, at(s), "a string literal is not closed"))
        }
        scan()
    }

    /// The charset of the unit's bytes: the page's, or UTF-8 for decoded text.
    private var unitCharset: Charset { unit.exact ? charset : .utf8 }

    /// The page offset of an index in the unit.
    private func at(_ index: Int) -> Int { unit.exact ? index : unit.base }
    private func offset(ofToken i: Int) -> Int { at(i < tokens.count ? tokens[i].start : unit.code.endIndex) }

    // MARK: - Token tests

    private func isP(_ i: Int, _ s: String) -> Bool {
        i >= 0 && i < tokens.count && tokens[i].kind == .punctuator && lx.is(tokens[i], s)
    }
    private func isID(_ i: Int, _ s: String) -> Bool {
        i >= 0 && i < tokens.count && tokens[i].kind == .identifier && lx.is(tokens[i], s)
    }
    private func identifier(_ i: Int) -> String? {
        guard i >= 0, i < tokens.count, tokens[i].kind == .identifier, tokens[i].end - tokens[i].start <= 128 else {
            return nil
        }
        return String(decoding: lx.text(tokens[i]), as: UTF8.self)
    }
    /// Whether token `i` is a member name (`x.name`).
    private func isMember(_ i: Int) -> Bool { isP(i - 1, ".") || isP(i - 1, "?.") }

    /// Counts work; false once ``HTMLLimits/maxEvaluationSteps`` is used up.
    private mutating func step() -> Bool {
        stepsLeft -= 1
        if stepsLeft < 0 && !exhausted {
            exhausted = true
            limitsHit.append((limits.maxEvaluationSteps, at(unit.code.startIndex), "the rest of the scripts was not read"))
        }
        return !exhausted
    }

    /// The index after the bracket that closes the one at `i` (or the end).
    private mutating func skipBalanced(_ i: Int) -> Int {
        var depth = 0
        var j = i
        while j < tokens.count {
            guard step() else { return tokens.count }
            if tokens[j].kind == .punctuator {
                let b = lx.src[tokens[j].start]
                if tokens[j].end - tokens[j].start == 1 {
                    if b == UInt8(ascii: "(") || b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
                    if b == UInt8(ascii: ")") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                        depth -= 1
                        if depth <= 0 { return j + 1 }
                    }
                }
            }
            j += 1
        }
        return tokens.count
    }

    /// The index of the `,` or closing bracket ending the argument that starts at `i`.
    private mutating func skipArgument(_ i: Int) -> Int {
        var j = i
        while j < tokens.count {
            guard step() else { return tokens.count }
            if isP(j, "(") || isP(j, "[") || isP(j, "{") {
                j = skipBalanced(j)
                continue
            }
            if isP(j, ",") || isP(j, ")") || isP(j, "]") || isP(j, "}") { return j }
            j += 1
        }
        return j
    }

    // MARK: - Budget

    private mutating func spend(_ n: Int) -> Bool {
        guard n <= budget else {
            budget = 0
            limitsHit.append((limits.maxTotalDecodedBytes, at(unit.code.startIndex), "decoding stopped"))
            return false
        }
        budget -= n
        return true
    }

    private var stringCap: Int { max(1 << 16, min(Int.max / 2, limits.maxPayloadBytes.maximum) * 2) }

    // MARK: - Expressions

    /// An assignment's right-hand side: the expression, or unknown when an operator the evaluator does not follow
    /// comes after it.
    private mutating func value(_ i: Int, _ depth: Int = 0) -> (JSValue?, Int, ValueOrigin) {
        let (v, j, origin) = expression(i, depth)
        if j < tokens.count && tokens[j].kind == .punctuator
            && !(isP(j, ";") || isP(j, ",") || isP(j, ")") || isP(j, "]") || isP(j, "}") || isP(j, ":"))
        {
            return (nil, j, origin)
        }
        return (v, j, origin)
    }

    private mutating func expression(_ i: Int, _ depth: Int) -> (JSValue?, Int, ValueOrigin) {
        var (v, j, origin) = term(i, depth)
        // Concatenation accumulates in place: "a" + "b" + ... over thousands of chunks stays linear.
        var accumulator: [UInt8]?
        var failed = false
        while isP(j, "+") {
            let (r, k, o) = term(j + 1, depth)
            origin.merge(o)
            if k <= j + 1 { return (nil, k, origin) }
            j = k
            if failed { continue }
            if accumulator == nil, case .number(let x)? = v, case .number(let y)? = r {
                v = .number(x &+ y)
                continue
            }
            if accumulator == nil {
                guard let t = v?.text else {
                    failed = true
                    continue
                }
                accumulator = t
                v = nil
            }
            guard var a = accumulator, let rt = r?.text, a.count + rt.count <= stringCap, spend(rt.count) else {
                failed = true
                accumulator = nil
                continue
            }
            accumulator = nil
            a.append(contentsOf: rt)
            accumulator = a
        }
        if failed { return (nil, j, origin) }
        if let accumulator { return (.text(accumulator), j, origin) }
        return (v, j, origin)
    }

    private mutating func concat(_ a: JSValue?, _ b: JSValue?) -> JSValue? {
        guard let a, let b else { return nil }
        guard var l = a.text, let r = b.text, l.count + r.count <= stringCap, spend(r.count) else { return nil }
        l.append(contentsOf: r)
        return .text(l)
    }

    private mutating func term(_ i: Int, _ depth: Int) -> (JSValue?, Int, ValueOrigin) {
        guard i < tokens.count, step() else { return (nil, tokens.count, ValueOrigin()) }
        // Whatever the limit says, recursion stays well within the stack.
        guard depth < min(limits.maxExpressionNesting.maximum, 256) else {
            limitsHit.append((limits.maxExpressionNesting, offset(ofToken: i), "an expression was not followed"))
            return (nil, skipArgument(i), ValueOrigin())
        }
        var (v, j, origin) = primary(i, depth + 1)
        while j < tokens.count {
            if (isP(j, ".") || isP(j, "?.")), let name = identifier(j + 1) {
                let call = isP(j + 2, "(")
                switch name {
                case "join" where call:
                    var separator: [UInt8] = Array(",".utf8)
                    var k = j + 3
                    if !isP(k, ")") {
                        let (s, e, _) = expression(k, depth + 1)
                        separator = s?.text ?? []
                        if s == nil { v = nil }
                        k = e
                    }
                    v = join(v, separator)
                    j = isP(k, ")") ? k + 1 : skipBalanced(j + 2)
                case "split" where call:
                    let (s, k, _) = expression(j + 3, depth + 1)
                    v = split(v, s?.text)
                    j = isP(k, ")") ? k + 1 : skipBalanced(j + 2)
                case "reverse" where call:
                    if case .array(let parts) = v { v = .array(parts.reversed()) } else if case .numbers(let ns) = v {
                        v = .numbers(ns.reversed())
                    } else { v = nil }
                    j = skipBalanced(j + 2)
                case "replace" where call, "replaceAll" where call:
                    var k = j + 3
                    var pattern: [UInt8]?
                    var global = name == "replaceAll"
                    if k < tokens.count && tokens[k].kind == .regex {
                        (pattern, global) = plainRegex(tokens[k])
                        k += 1
                    } else {
                        let (p, e, _) = expression(k, depth + 1)
                        pattern = p?.text
                        k = e
                    }
                    var replacement: [UInt8]?
                    if isP(k, ",") {
                        let (r, e, _) = expression(k + 1, depth + 1)
                        replacement = r?.text
                        k = e
                    }
                    if let text = v?.text, let pattern, !pattern.isEmpty, let replacement {
                        v = .text(replace(text, pattern, replacement, all: global))
                    } else {
                        v = nil
                    }
                    j = isP(k, ")") ? k + 1 : skipBalanced(j + 2)
                case "concat" where call:
                    var k = j + 3
                    while k < tokens.count && !isP(k, ")") {
                        let (r, e, o) = expression(k, depth + 1)
                        origin.merge(o)
                        v = concat(v, r)
                        k = isP(e, ",") ? e + 1 : e
                        if e <= k - 1 && !isP(e, ",") { break }
                    }
                    j = isP(k, ")") ? k + 1 : skipBalanced(j + 2)
                case "toString" where call, "valueOf" where call, "trim" where call:
                    j = skipBalanced(j + 2)
                default:
                    v = nil
                    j += 2
                }
                continue
            }
            if isP(j, "(") || isP(j, "[") {
                v = nil
                j = skipBalanced(j)
                continue
            }
            break
        }
        return (v, j, origin)
    }

    private mutating func primary(_ i: Int, _ depth: Int) -> (JSValue?, Int, ValueOrigin) {
        let t = tokens[i]
        var origin = ValueOrigin()
        switch t.kind {
        case .string, .template:
            guard let (bytes, truncated) = lx.cooked(t, charset: unitCharset, limit: stringCap) else {
                return (nil, i + 1, origin)
            }
            if truncated {
                limitsHit.append((limits.maxPayloadBytes, at(t.start), "a string literal was cut"))
            }
            origin.literalOffset = at(t.start)
            origin.literalBytes = bytes.count
            return (.text(bytes), i + 1, origin)
        case .number:
            return (lx.integer(t).map(JSValue.number), i + 1, origin)
        case .regex:
            return (nil, i + 1, origin)
        case .punctuator:
            if isP(i, "(") {
                var (v, j, o) = expression(i + 1, depth)
                while isP(j, ",") { (v, j, o) = expression(j + 1, depth) }
                return (v, isP(j, ")") ? j + 1 : skipBalanced(i), o)
            }
            if isP(i, "[") { return arrayLiteral(i, depth) }
            if isP(i, "-"), i + 1 < tokens.count, tokens[i + 1].kind == .number {
                return (lx.integer(tokens[i + 1]).map { .number(-$0) }, i + 2, origin)
            }
            if isP(i, "!") || isP(i, "+") || isP(i, "-") || isP(i, "~") {
                let (_, j, _) = term(i + 1, depth)
                return (nil, j, origin)
            }
            return (nil, i, origin)
        case .identifier:
            return identifierPrimary(i, depth)
        }
    }

    private mutating func arrayLiteral(_ i: Int, _ depth: Int) -> (JSValue?, Int, ValueOrigin) {
        var origin = ValueOrigin()
        origin.literalOffset = offset(ofToken: i)
        var numbers: [Int] = []
        var others: [JSValue] = []
        var known = true
        var onlyNumbers = true
        var j = i + 1
        // A fast path for long numeric arrays (char codes).
        while j < tokens.count && !isP(j, "]") {
            if tokens[j].kind == .number, isP(j + 1, ",") || isP(j + 1, "]"), let n = lx.integer(tokens[j]) {
                if onlyNumbers { numbers.append(n) } else { others.append(.number(n)) }
                j += isP(j + 1, ",") ? 2 : 1
                continue
            }
            let (e, k, o) = expression(j, depth)
            origin.merge(o)
            if let e {
                if case .number(let n) = e, onlyNumbers {
                    numbers.append(n)
                } else {
                    if onlyNumbers {
                        others = numbers.map(JSValue.number)
                        onlyNumbers = false
                    }
                    others.append(e)
                }
            } else {
                known = false
            }
            if isP(k, ",") {
                j = k + 1
            } else if isP(k, "]") {
                j = k
            } else {
                return (nil, skipBalanced(i), origin)
            }
        }
        let end = isP(j, "]") ? j + 1 : tokens.count
        guard known, spend(onlyNumbers ? numbers.count : 0) else { return (nil, end, origin) }
        origin.literalBytes = tokens[min(end, tokens.count) - 1].end - tokens[i].start
        return (onlyNumbers ? .numbers(numbers) : .array(others), end, origin)
    }

    /// Arguments of a call at `open` (the `(`): each evaluated; returns the index after `)`.
    private mutating func arguments(_ open: Int, _ depth: Int) -> ([(JSValue?, ValueOrigin, Int)], Int) {
        var args: [(JSValue?, ValueOrigin, Int)] = []
        var j = open + 1
        while j < tokens.count && !isP(j, ")") {
            let spread = isP(j, "...")
            let start = spread ? j + 1 : j
            let (v, k, o) = expression(start, depth)
            if spread, case .numbers(let ns)? = v {
                for n in ns { args.append((.number(n), o, start)) }
            } else {
                args.append((v, o, start))
            }
            if isP(k, ",") {
                j = k + 1
            } else if isP(k, ")") {
                j = k
            } else {
                return (args, skipBalanced(open))
            }
            if args.count > 1 << 20 { return (args, skipBalanced(open)) }
        }
        return (args, isP(j, ")") ? j + 1 : tokens.count)
    }

    private mutating func identifierPrimary(_ i: Int, _ depth: Int) -> (JSValue?, Int, ValueOrigin) {
        guard let name = identifier(i) else { return (nil, i + 1, ValueOrigin()) }
        if let cached = memo[i] { return cached }
        let result = evaluateIdentifier(name, i, depth)
        if ["atob", "unescape", "decodeURIComponent", "decodeURI", "String", "new", "Uint8Array"].contains(name) {
            memo[i] = result
        }
        return result
    }

    private mutating func evaluateIdentifier(_ name: String, _ i: Int, _ depth: Int) -> (JSValue?, Int, ValueOrigin) {
        var origin = ValueOrigin()
        switch name {
        case _ where ["window", "self", "globalThis", "top", "parent"].contains(name) && isP(i + 1, ".")
            && identifier(i + 2) != nil:
            if let next = identifier(i + 2),
                ["atob", "unescape", "decodeURIComponent", "decodeURI", "String", "Uint8Array"].contains(next)
            {
                return identifierPrimary(i + 2, depth)
            }
            return (nil, i + 1, origin)
        case "atob" where isP(i + 1, "("):
            hasAtob = true
            let (args, end) = arguments(i + 1, depth)
            guard let (arg, o, _) = args.first else { return (nil, end, origin) }
            origin = o
            origin.decoders.append("atob")
            guard let text = arg?.text else { return (nil, end, origin) }
            let offset = o.literalOffset ?? offset(ofToken: i)
            do {
                let out = try Decoding.base64(text, limit: limits.maxPayloadBytes.maximum)
                guard spend(out.bytes.count) else { return (nil, end, origin) }
                if out.truncated {
                    limitsHit.append((limits.maxPayloadBytes, offset, "a Base64 string decodes to more"))
                }
                origin.candidates = [
                    addCandidate(
                        Candidate(
                            bytes: out.bytes, truncated: out.truncated, technique: "atob", offset: offset,
                            encodedBytes: text.count))
                ]
                return (.binary(out.bytes), end, origin)
            } catch {
                anomalies.append((.invalidEncoding, offset, "atob over text that is not Base64: \(error.reason)"))
                return (nil, end, origin)
            }
        case "unescape" where isP(i + 1, "("), "decodeURIComponent" where isP(i + 1, "("),
            "decodeURI" where isP(i + 1, "("):
            let (args, end) = arguments(i + 1, depth)
            guard let (arg, o, _) = args.first else { return (nil, end, origin) }
            origin = o
            origin.decoders.append(name)
            guard let text = arg?.text else { return (nil, end, origin) }
            let (out, invalid) = Decoding.percent(text, limit: stringCap)
            let offset = o.literalOffset ?? offset(ofToken: i)
            if invalid > 0 && name != "unescape" {
                anomalies.append((.invalidEncoding, offset, "\(name) over text with \(invalid) bad % escapes"))
            }
            guard spend(out.bytes.count) else { return (nil, end, origin) }
            let unicodeEscapes = text.windows2Contains(UInt8(ascii: "%"), UInt8(ascii: "u"))
            let binary = name == "unescape" && !unicodeEscapes
            let escapes = text.reduce(0) { $0 + ($1 == UInt8(ascii: "%") ? 1 : 0) }
            if escapes >= limits.minPayloadEncodedBytes / 3 {
                origin.candidates = [
                    addCandidate(
                        Candidate(
                            bytes: out.bytes, truncated: out.truncated, technique: "percent", offset: offset,
                            encodedBytes: text.count))
                ]
            }
            return (binary ? .binary(out.bytes) : .text(out.bytes), end, origin)
        case "String" where isP(i + 1, ".") && isID(i + 2, "fromCharCode"):
            var codes: [Int] = []
            var end = i + 3
            if isP(i + 3, "(") {
                let (args, e) = arguments(i + 3, depth)
                end = e
                for (a, o, _) in args {
                    origin.merge(o)
                    guard case .number(let n)? = a else { return (nil, end, origin) }
                    codes.append(n)
                }
            } else if isP(i + 3, "."), isID(i + 4, "apply") || isID(i + 4, "call"), isP(i + 5, "(") {
                let apply = isID(i + 4, "apply")
                let (args, e) = arguments(i + 5, depth)
                end = e
                for (a, o, _) in args.dropFirst() {
                    origin.merge(o)
                    switch a {
                    case .number(let n)?: codes.append(n)
                    case .numbers(let ns)? where apply: codes.append(contentsOf: ns)
                    case .bytes(let b)? where apply: codes.append(contentsOf: b.map(Int.init))
                    default: return (nil, end, origin)
                    }
                }
            } else {
                return (nil, i + 3, origin)
            }
            origin.decoders.append("String.fromCharCode")
            let value = JSValue.fromCharCodes(codes)
            guard spend(value.size) else { return (nil, end, origin) }
            if codes.count >= limits.minCharCodes, case .binary(let b) = value {
                let offset = origin.literalOffset ?? offset(ofToken: i)
                origin.candidates = [charCodes(b, offset: offset, encodedBytes: codes.count)]
            }
            return (value, end, origin)
        case "Uint8Array" where isP(i + 1, ".") && isID(i + 2, "from") && isP(i + 3, "("):
            let (args, end) = arguments(i + 3, depth)
            guard let (a, o, _) = args.first else { return (nil, end, origin) }
            origin = o
            return (typedArray(a, &origin, offset: o.literalOffset ?? offset(ofToken: i)), end, origin)
        case "new":
            guard let ctor = identifier(i + 1) else { return (nil, i + 1, origin) }
            guard isP(i + 2, "(") else { return (nil, i + 2, origin) }
            switch ctor {
            case "Uint8Array", "Int8Array", "Uint8ClampedArray":
                let (args, end) = arguments(i + 2, depth)
                guard let (a, o, _) = args.first else { return (nil, end, origin) }
                origin = o
                return (typedArray(a, &origin, offset: o.literalOffset ?? offset(ofToken: i)), end, origin)
            case "Blob", "File":
                hasBlob = true
                if blobOffset == nil { blobOffset = offset(ofToken: i) }
                let (args, end) = arguments(i + 2, depth)
                guard let (parts, o, _) = args.first else { return (nil, end, origin) }
                origin = o
                for c in o.candidates where c < candidates.count { candidates[c].downloaded = true }
                if ctor == "File", args.count > 1, let name = args[1].0?.string(limit: 1024) {
                    downloadNames.append((name, offset(ofToken: i)))
                }
                return (parts?.bytes.map(JSValue.bytes), end, origin)
            case "Array":
                let (args, end) = arguments(i + 2, depth)
                var ns: [Int] = []
                for (a, o, _) in args {
                    origin.merge(o)
                    guard case .number(let n)? = a else { return (nil, end, origin) }
                    ns.append(n)
                }
                return (args.count > 1 ? .numbers(ns) : nil, end, origin)
            default:
                return (nil, skipBalanced(i + 2), origin)
            }
        default:
            if !isMember(i), let known = vars[name] { return (known.value, i + 1, known.origin) }
            return (nil, i + 1, origin)
        }
    }

    private mutating func typedArray(_ a: JSValue?, _ origin: inout ValueOrigin, offset: Int) -> JSValue? {
        switch a {
        case .numbers(let ns)?:
            let bytes = ns.map { UInt8(truncatingIfNeeded: $0) }
            if ns.count >= limits.minCharCodes {
                origin.decoders.append("Uint8Array")
                origin.candidates.append(charCodes(bytes, offset: offset, encodedBytes: ns.count))
            }
            return .bytes(bytes)
        case .binary(let b)?, .bytes(let b)?:
            return .bytes(b)
        case .text(let t)?:
            return .bytes(t)
        default:
            return nil
        }
    }

    private mutating func charCodes(_ bytes: [UInt8], offset: Int, encodedBytes: Int) -> Int {
        addCandidate(
            Candidate(
                bytes: Array(bytes.prefix(limits.maxPayloadBytes.maximum)),
                truncated: bytes.count > limits.maxPayloadBytes.maximum, technique: "char-codes", offset: offset,
                encodedBytes: encodedBytes))
    }

    private mutating func addCandidate(_ c: Candidate) -> Int {
        let key = "\(c.offset)|\(c.technique)"
        if let i = candidateIndex[key] { return i }
        guard candidates.count < 64 * min(1 << 24, max(1, limits.maxPayloads.maximum)) else {
            limitsHit.append((limits.maxPayloads, c.offset, "more decoded strings were not kept"))
            return Int.max
        }
        candidates.append(c)
        candidateIndex[key] = candidates.count - 1
        return candidates.count - 1
    }

    private func join(_ v: JSValue?, _ separator: [UInt8]) -> JSValue? {
        switch v {
        case .array(let parts)?:
            var out: [UInt8] = []
            for (k, p) in parts.enumerated() {
                if k > 0 { out.append(contentsOf: separator) }
                guard let t = p.text else { return nil }
                out.append(contentsOf: t)
            }
            return .text(out)
        case .numbers(let ns)?:
            return .text(Array(ns.map(String.init).joined(separator: String(decoding: separator, as: UTF8.self)).utf8))
        default:
            return nil
        }
    }

    private func split(_ v: JSValue?, _ separator: [UInt8]?) -> JSValue? {
        guard let text = v?.text, let separator else { return nil }
        if separator.isEmpty {
            // Split into characters (UTF-8 sequences).
            var parts: [JSValue] = []
            var current: [UInt8] = []
            for b in text {
                if b & 0xC0 != 0x80 && !current.isEmpty {
                    parts.append(.text(current))
                    current = []
                }
                current.append(b)
            }
            if !current.isEmpty { parts.append(.text(current)) }
            return .array(parts)
        }
        var parts: [JSValue] = []
        var start = 0
        var k = 0
        while k + separator.count <= text.count {
            if text[k..<k + separator.count].elementsEqual(separator) {
                parts.append(.text(Array(text[start..<k])))
                k += separator.count
                start = k
            } else {
                k += 1
            }
        }
        parts.append(.text(Array(text[start...])))
        return .array(parts)
    }

    private func replace(_ text: [UInt8], _ pattern: [UInt8], _ replacement: [UInt8], all: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var k = 0
        var done = false
        while k < text.count {
            if !done && k + pattern.count <= text.count && text[k..<k + pattern.count].elementsEqual(pattern) {
                out.append(contentsOf: replacement)
                k += pattern.count
                if !all { done = true }
            } else {
                out.append(text[k])
                k += 1
            }
        }
        return out
    }

    /// A regular expression literal that matches plain text (`/x/g`): its text and whether it is global.
    private func plainRegex(_ t: JSToken) -> ([UInt8]?, Bool) {
        let raw = Array(lx.text(t))
        guard let close = raw.lastIndex(of: UInt8(ascii: "/")), close > 0 else { return (nil, false) }
        let body = raw[1..<close]
        let flags = raw[(close + 1)...]
        let meta = Set(".*+?()[]{}|^$\\".utf8)
        guard !body.contains(where: { meta.contains($0) }) else { return (nil, false) }
        return (Array(body), flags.contains(UInt8(ascii: "g")))
    }

    // MARK: - Statements

    private mutating func setVariable(_ name: String, _ v: JSValue?, _ origin: ValueOrigin, append: Bool) {
        guard let v else {
            vars[name] = nil
            return
        }
        if append {
            guard let old = vars.removeValue(forKey: name) else { return }
            guard case .text(var l) = old.value, let r = v.text, l.count + r.count <= stringCap, spend(r.count) else {
                return
            }
            l.append(contentsOf: r)
            var o = old.origin
            o.merge(origin)
            vars[name] = (.text(l), o)
            return
        }
        guard vars[name] != nil || vars.count < limits.maxVariables.maximum else {
            limitsHit.append((limits.maxVariables, origin.literalOffset, "more variables were not followed"))
            return
        }
        vars[name] = (v, origin)
    }

    private mutating func scan() {
        var i = 0
        while i < tokens.count && !exhausted {
            let t = tokens[i]
            if t.kind == .string, t.end - t.start >= limits.minPayloadEncodedBytes {
                if let (value, _) = lx.cooked(t, charset: unitCharset, limit: stringCap), spend(value.count) {
                    longStrings.append((value, at(t.start)))
                }
            }
            guard t.kind == .identifier, let name = identifier(i) else {
                i += 1
                continue
            }
            let member = isMember(i)
            switch name {
            case "var", "let", "const":
                var j = i + 1
                while let v = identifier(j), isP(j + 1, "=") {
                    let (value, k, origin) = self.value(j + 2)
                    setVariable(v, value, origin, append: false)
                    guard isP(k, ","), k > j else { break }
                    j = k + 1
                }
                i += 1
                continue
            case "atob", "unescape", "decodeURIComponent", "String", "new":
                _ = identifierPrimary(i, 0)
            case "Uint8Array" where !member:
                _ = identifierPrimary(i, 0)
            case "Blob":
                hasBlob = true
                if blobOffset == nil { blobOffset = offset(ofToken: i) }
            case "createObjectURL":
                hasObjectURL = true
                if objectURLOffset == nil { objectURLOffset = offset(ofToken: i) }
            case "msSaveOrOpenBlob", "msSaveBlob":
                if msSaveOffset == nil { msSaveOffset = offset(ofToken: i) }
                if isP(i + 1, "(") {
                    let first = skipArgument(i + 2)
                    let (blob, _, origin) = expression(i + 2, 0)
                    _ = blob
                    for c in origin.candidates where c < candidates.count { candidates[c].downloaded = true }
                    if isP(first, ","), let name = value(first + 1).0?.string(limit: 1024) {
                        downloadNames.append((name, offset(ofToken: i)))
                    }
                }
            case "click" where member && isP(i + 1, "("), "dispatchEvent", "MouseEvent", "initMouseEvent":
                hasClick = true
            case "download" where member && isP(i + 1, "="):
                if let name = value(i + 2).0?.string(limit: 1024) { downloadNames.append((name, offset(ofToken: i))) }
            case "setAttribute" where member && isP(i + 1, "("):
                let (attribute, k, _) = expression(i + 2, 0)
                if isP(k, ","), let a = attribute?.string(limit: 64)?.lowercased() {
                    let (v, _, origin) = value(k + 1)
                    if a == "download", let name = v?.string(limit: 1024) {
                        downloadNames.append((name, offset(ofToken: i)))
                    } else if a == "href" || a == "src" {
                        navigation(v, origin, at: offset(ofToken: i), redirect: false)
                    }
                }
            case "href" where member && isP(i + 1, "=") && !isID(i - 2, "location"):
                let (v, _, origin) = value(i + 2)
                navigation(v, origin, at: offset(ofToken: i), redirect: false)
            case "location":
                var target: Int?
                if isP(i + 1, "=") {
                    target = i + 2
                } else if isP(i + 1, "."), isID(i + 2, "href"), isP(i + 3, "=") {
                    target = i + 4
                } else if isP(i + 1, "."), isID(i + 2, "replace") || isID(i + 2, "assign"), isP(i + 3, "(") {
                    target = i + 4
                }
                if let target {
                    let (v, _, origin) = value(target)
                    navigation(v, origin, at: offset(ofToken: i), redirect: true)
                }
            case "open" where member && isP(i + 1, "(") && (isID(i - 2, "window") || isID(i - 2, "self")),
                "navigate" where member && isP(i + 1, "("):
                let (v, _, origin) = value(i + 2)
                navigation(v, origin, at: offset(ofToken: i), redirect: true)
            case "open" where member && isP(i + 1, "("):
                // XMLHttpRequest.open(method, url)
                let (method, k, _) = expression(i + 2, 0)
                if isP(k, ","), let m = method?.string(limit: 16)?.uppercased(), m == "POST" || m == "GET" {
                    if let url = value(k + 1).0?.string(limit: 2048) { post(url, at: offset(ofToken: i)) }
                }
            case "fetch" where !member && isP(i + 1, "("), "sendBeacon" where isP(i + 1, "("),
                "post" where member && isP(i + 1, "("), "ajax" where member && isP(i + 1, "("):
                if let url = value(i + 2).0?.string(limit: 2048) { post(url, at: offset(ofToken: i)) }
            case "url" where isP(i + 1, ":"):
                if let url = value(i + 2).0?.string(limit: 2048), URLText.isNetwork(url) {
                    post(url, at: offset(ofToken: i))
                }
            case "eval" where !member && isP(i + 1, "("), "execScript" where isP(i + 1, "("),
                "Function" where isP(i + 1, "("), "setTimeout" where isP(i + 1, "("),
                "setInterval" where isP(i + 1, "("):
                let (v, _, origin) = value(i + 2)
                run(v, origin, at: offset(ofToken: i), sink: name, html: false)
            case "write" where member && isP(i + 1, "("), "writeln" where member && isP(i + 1, "("):
                let (v, _, origin) = value(i + 2)
                run(v, origin, at: offset(ofToken: i), sink: "document.\(name)", html: true)
            case "innerHTML" where member, "outerHTML" where member:
                if isP(i + 1, "=") || isP(i + 1, "+=") {
                    let (v, _, origin) = value(i + 2)
                    run(v, origin, at: offset(ofToken: i), sink: name, html: true)
                }
            case "insertAdjacentHTML" where member && isP(i + 1, "("):
                let k = skipArgument(i + 2)
                if isP(k, ",") {
                    let (v, _, origin) = value(k + 1)
                    run(v, origin, at: offset(ofToken: i), sink: name, html: true)
                }
            default:
                if !member && isP(i + 1, "=") {
                    let (v, _, origin) = value(i + 2)
                    setVariable(name, v, origin, append: false)
                } else if !member && isP(i + 1, "+=") {
                    let (v, _, origin) = value(i + 2)
                    setVariable(name, v, origin, append: true)
                }
            }
            i += 1
        }
    }

    /// After the last unit: long strings assembled in variables (chunks joined with `+=`) are candidates too.
    mutating func finish() {
        var seen = Set(longStrings.map { $0.value.count })
        for (_, entry) in vars {
            if case .text(let t) = entry.value, t.count >= limits.minPayloadEncodedBytes,
                entry.origin.literalBytes < t.count || entry.origin.candidates.isEmpty,
                seen.insert(t.count).inserted || !longStrings.contains(where: { $0.value == t })
            {
                longStrings.append((t, entry.origin.literalOffset ?? 0))
            }
        }
    }

    // MARK: - Sinks

    private mutating func post(_ url: String, at offset: Int) {
        guard URLText.isNetwork(url) else { return }
        postURLs.append((url, offset))
        urls.append(url)
    }

    /// A value assigned to `location`, `href`/`src` or given to `window.open`.
    private mutating func navigation(_ v: JSValue?, _ origin: ValueOrigin, at offset: Int, redirect: Bool) {
        guard let text = v?.text else { return }
        if let data = try? Decoding.parseDataURL(text) {
            let body = text[data.dataStart...]
            var out = Decoding.Output(bytes: [], truncated: false)
            if data.base64 {
                do {
                    out = try Decoding.base64(body, limit: limits.maxPayloadBytes.maximum)
                } catch {
                    anomalies.append((.invalidEncoding, offset, "a data: URL that is not Base64: \(error.reason)"))
                    return
                }
            } else {
                out = Decoding.percent(body, limit: limits.maxPayloadBytes.maximum).output
            }
            guard spend(out.bytes.count) else { return }
            if data.mediaType == "text/html" {
                nestedHTML.append((out.bytes, origin.literalOffset ?? offset))
                return
            }
            var c = Candidate(
                bytes: out.bytes, truncated: out.truncated, technique: "data-url",
                offset: origin.literalOffset ?? offset, encodedBytes: body.count, mediaType: data.mediaType)
            c.downloaded = true
            c.dataURLNavigation = true
            _ = addCandidate(c)
            return
        }
        guard redirect else { return }
        let url = String(decoding: text.prefix(4096), as: UTF8.self)
        guard URLText.isNetwork(url) else { return }
        indicators.append((.scriptRedirect, "navigates to \(url)", offset))
        urls.append(url)
    }

    /// A value run as code or written into the page.
    private mutating func run(_ v: JSValue?, _ origin: ValueOrigin, at offset: Int, sink: String, html: Bool) {
        for c in origin.candidates where c < candidates.count { candidates[c].executed = true }
        guard let text = v?.text else {
            if !origin.decoders.isEmpty {
                indicators.append(
                    (.obfuscatedScript, "\(sink) of text decoded by \(origin.decoders.joined(separator: ", "))", offset))
            }
            return
        }
        if !origin.decoders.isEmpty {
            indicators.append(
                (
                    .obfuscatedScript,
                    "\(sink) of \(text.count) bytes decoded by \(origin.decoders.joined(separator: ", "))", offset
                ))
        } else if !html && sink != "eval" && sink != "Function" {
            return  // setTimeout("f()", 10): plain code.
        }
        guard unit.depth < min(limits.maxNestingDepth.maximum, 16) else {
            limitsHit.append((limits.maxNestingDepth, offset, "decoded code was not analysed again"))
            return
        }
        if html || HTMLAnalysis.looksLikeHTML(text[...]) {
            if ASCII.containsLower(text.prefix(1 << 20), "<") { nestedHTML.append((text, offset)) }
        } else {
            var u = ScriptUnit(code: text[...], exact: false, base: offset)
            u.depth = unit.depth + 1
            pending.append(u)
        }
    }
}
