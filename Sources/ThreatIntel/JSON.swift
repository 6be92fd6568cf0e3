import ByteCursor

/// A JSON value with the line it starts on, so that a bad feed entry can be reported by line.
indirect enum JSONNode {
    case object([(key: String, value: JSONNode)], line: Int)
    case array([JSONNode], line: Int)
    case string(String, line: Int)
    /// The number's text as written (`8080`, `1.5e3`).
    case number(String, line: Int)
    case bool(Bool, line: Int)
    case null(line: Int)

    var line: Int {
        switch self {
        case .object(_, let l), .array(_, let l), .string(_, let l), .number(_, let l), .bool(_, let l), .null(let l):
            return l
        }
    }

    /// The member `key` of an object (the first one when repeated).
    subscript(key: String) -> JSONNode? {
        guard case .object(let members, _) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// A scalar as text: strings as they are, numbers as written, booleans as `true`/`false`; `nil` for null,
    /// objects and arrays.
    var text: String? {
        switch self {
        case .string(let s, _), .number(let s, _): return s
        case .bool(let b, _): return b ? "true" : "false"
        default: return nil
        }
    }
}

/// A small RFC 8259 parser over untrusted bytes: bounded depth, line numbers, no recursion beyond the limit.
struct JSONParser {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private let maxDepth: Limit

    init(_ bytes: [UInt8], maxDepth: Limit) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    }

    static func parse(_ bytes: [UInt8], maxDepth: Limit) throws -> JSONNode {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        let value = try parser.value(depth: 1)
        parser.skipSpace()
        guard parser.i == bytes.count else { throw parser.error("text after the JSON value") }
        return value
    }

    private func error(_ reason: String) -> ThreatIntelError {
        ThreatIntelError(.malformedJSON, reason, line: line)
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x0A:
                line += 1
                i += 1
            case 0x20, 0x09, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws -> JSONNode {
        if !maxDepth.allows(depth) { throw ThreatIntelError.limitExceeded(maxDepth, value: depth, line: line) }
        skipSpace()
        guard i < bytes.count else { throw error("unexpected end of input") }
        let start = line
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(key: String, value: JSONNode)] = []
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(members, line: start)
            }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
                i += 1
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of input in an object") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return .object(members, line: start)
                }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONNode] = []
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .array(items, line: start)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of input in an array") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return .array(items, line: start)
                }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try string(), line: start)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true, line: start)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false, line: start)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null(line: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let s = i
            i += 1
            while i < bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) || bytes[i] == UInt8(ascii: ".")
                    || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") || bytes[i] == UInt8(ascii: "+")
                    || bytes[i] == UInt8(ascii: "-")
            {
                i += 1
            }
            return .number(String(decoding: bytes[s..<i], as: UTF8.self), line: start)
        default:
            throw error("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count else { throw error("unexpected end of input") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        guard bytes[i..<(i + count)].elementsEqual(expected) else { throw error("unexpected literal") }
        i += count
    }

    private mutating func string() throws -> String {
        i += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw error("unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                break
            }
            if b < 0x20 { throw error("control character in a string") }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                i += 1
                continue
            }
            guard i + 1 < bytes.count else { throw error("unterminated escape") }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw error("invalid escape")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw ThreatIntelError(.notText, "a string is not UTF-8", line: line)
        }
        return s
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for b in bytes[i..<(i + 4)] {
            guard let d = hexValue(b) else { throw error("invalid \\u escape") }
            v = v << 4 | UInt32(d)
        }
        i += 4
        return v
    }

    private func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}
