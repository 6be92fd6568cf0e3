/// A constant value a script computes, as far as the pattern evaluator can follow it.
enum JSValue {
    /// A string, as UTF-8.
    case text([UInt8])
    /// A "binary string" (what `atob` and `String.fromCharCode` of small codes return): every character is a byte.
    case binary([UInt8])
    /// A typed array or `Blob`: bytes.
    case bytes([UInt8])
    case number(Int)
    /// An array of numbers (char codes, byte values).
    case numbers([Int])
    /// An array of other values.
    case array([JSValue])

    /// The value as JavaScript text (UTF-8), for concatenation and `join`.
    var text: [UInt8]? {
        switch self {
        case .text(let t): return t
        case .binary(let b): return Self.latin1ToUTF8(b)
        case .number(let n): return Array(String(n).utf8)
        case .numbers(let ns): return Array(ns.map(String.init).joined(separator: ",").utf8)
        case .bytes, .array: return nil
        }
    }

    /// The value as bytes: a typed array, a binary string, the char codes of a number array, or the UTF-8 of text.
    var bytes: [UInt8]? {
        switch self {
        case .bytes(let b), .binary(let b): return b
        case .text(let t): return t
        case .numbers(let ns): return ns.map { UInt8(truncatingIfNeeded: $0) }
        case .array(let parts):
            var out: [UInt8] = []
            for p in parts {
                guard let b = p.bytes else { return nil }
                out.append(contentsOf: b)
            }
            return out
        case .number: return nil
        }
    }

    /// The size in bytes, for the decoding budget.
    var size: Int {
        switch self {
        case .text(let b), .binary(let b), .bytes(let b): return b.count
        case .number: return 8
        case .numbers(let ns): return ns.count * 8
        case .array(let a): return a.reduce(0) { $0 + $1.size }
        }
    }

    /// Text as a Swift string (for names and URLs), at most `limit` bytes.
    func string(limit: Int = 4096) -> String? {
        guard let t = text else { return nil }
        return String(decoding: t.prefix(limit), as: UTF8.self)
    }

    static func latin1ToUTF8(_ b: [UInt8]) -> [UInt8] {
        guard b.contains(where: { $0 >= 0x80 }) else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count + b.count / 4)
        for c in b {
            if c < 0x80 {
                out.append(c)
            } else {
                out.append(0xC0 | c >> 6)
                out.append(0x80 | c & 0x3F)
            }
        }
        return out
    }

    /// Char codes as a string: a binary string when every code is a byte, else UTF-8 text (UTF-16 surrogate pairs
    /// joined).
    static func fromCharCodes(_ codes: [Int]) -> JSValue {
        if codes.allSatisfy({ $0 >= 0 && $0 <= 0xFF }) { return .binary(codes.map { UInt8($0) }) }
        var s = String.UnicodeScalarView()
        var i = 0
        while i < codes.count {
            let c = UInt32(truncatingIfNeeded: codes[i] & 0xFFFF)
            if c >= 0xD800 && c < 0xDC00 && i + 1 < codes.count {
                let low = UInt32(truncatingIfNeeded: codes[i + 1] & 0xFFFF)
                if low >= 0xDC00 && low < 0xE000, let scalar = Unicode.Scalar(0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00)) {
                    s.append(scalar)
                    i += 2
                    continue
                }
            }
            s.append(Unicode.Scalar(c) ?? "\u{FFFD}")
            i += 1
        }
        return .text(Array(String(s).utf8))
    }
}

/// What the evaluator learnt about where a value came from.
struct ValueOrigin {
    /// The decoding functions applied (`atob`, `unescape`, `String.fromCharCode`...).
    var decoders: [String] = []
    /// The payload candidates the value derives from.
    var candidates: [Int] = []
    /// The document offset of the first string literal in the expression.
    var literalOffset: Int?
    /// The number of literal bytes in the expression (the encoded size).
    var literalBytes = 0

    mutating func merge(_ other: ValueOrigin) {
        for d in other.decoders where !decoders.contains(d) { decoders.append(d) }
        for c in other.candidates where !candidates.contains(c) { candidates.append(c) }
        if literalOffset == nil { literalOffset = other.literalOffset }
        literalBytes += other.literalBytes
    }
}
