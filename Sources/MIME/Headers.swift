import Charsets

/// One header field as it appeared in the message.
public struct MIMEHeaderField: Sendable {
    /// The name as written (case kept).
    public var name: String
    /// The raw bytes after the colon, folding kept, without the final line ending.
    public var rawValue: ArraySlice<UInt8>
    /// The value unfolded, RFC 2047 decoded and charset decoded, with surrounding whitespace removed.
    public var value: String
    /// Byte offset of the field's first line in the message.
    public var offset: Int
    /// 1-based line of the field's first line in the message.
    public var line: Int

    public init(name: String, rawValue: ArraySlice<UInt8>, value: String, offset: Int, line: Int) {
        self.name = name
        self.rawValue = rawValue
        self.value = value
        self.offset = offset
        self.line = line
    }

    /// The raw value unfolded (CR and LF removed) with leading and trailing whitespace removed, not decoded.
    public var unfoldedRawValue: [UInt8] {
        var out = rawValue.filter { $0 != 0x0D && $0 != 0x0A }
        while let l = out.last, ByteScan.isWSP(l) { out.removeLast() }
        var s = 0
        while s < out.count && ByteScan.isWSP(out[s]) { s += 1 }
        return Array(out[s...])
    }
}

/// The header fields of a part, in order.
public struct MIMEHeaders: Sendable, Sequence {
    public var fields: [MIMEHeaderField]

    public init(fields: [MIMEHeaderField] = []) { self.fields = fields }

    /// The decoded value of the first field called `name` (case-insensitive).
    public subscript(_ name: String) -> String? {
        first(name)?.value
    }

    /// The first field called `name` (case-insensitive).
    public func first(_ name: String) -> MIMEHeaderField? {
        fields.first { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// Every field called `name` (case-insensitive), in order.
    public func all(_ name: String) -> [MIMEHeaderField] {
        fields.filter { $0.name.equalsIgnoringASCIICase(name) }
    }

    public func makeIterator() -> IndexingIterator<[MIMEHeaderField]> { fields.makeIterator() }
}

/// A parsed `Content-Type`.
public struct MIMEContentType: Sendable, Hashable {
    /// The lowercased top-level type, e.g. `"text"`.
    public var type: String
    /// The lowercased subtype, e.g. `"plain"`.
    public var subtype: String
    /// Parameters with lowercased names, RFC 2231 and RFC 2047 decoded.
    public var parameters: [String: String]

    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// `"type/subtype"`, lowercased.
    public var mimeType: String { "\(type)/\(subtype)" }

    /// `text/plain`, the default.
    public static let textPlain = MIMEContentType(type: "text", subtype: "plain")
    /// `message/rfc822`, the default inside `multipart/digest`.
    public static let messageRFC822 = MIMEContentType(type: "message", subtype: "rfc822")
}

/// A header value of the form `token; name=value; ...` (Content-Type, Content-Disposition).
public struct MIMEParameterizedValue: Sendable {
    /// The value before the first `;`, comments and whitespace removed, lowercased.
    public var value: String
    /// Parameters in order of first appearance: name lowercased, value decoded (RFC 2231 continuations joined).
    public var parameters: [(name: String, value: String)]

    /// The first parameter called `name` (already lowercase).
    public subscript(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Parses a raw (possibly folded) header value.
    public init(parsing raw: ArraySlice<UInt8>) {
        var defects: [MIMEDefect] = []
        self.init(parsing: raw, offset: 0, defects: &defects)
    }

    init(parsing raw: ArraySlice<UInt8>, offset: Int, defects: inout [MIMEDefect]) {
        let bytes = Array(raw.lazy.filter { $0 != 0x0D && $0 != 0x0A })
        let pieces = MIMEParameterizedValue.splitParams(bytes)
        let first = pieces.first ?? []
        value = ByteScan.lowercasedString(MIMEParameterizedValue.stripComments(first[...]))
        // name -> (plain value, [(section, encoded, bytes)])
        struct Pending {
            var order: Int
            var plain: [UInt8]?
            var sections: [(num: Int, encoded: Bool, bytes: [UInt8])] = []
            var seen: Set<Int> = []
        }
        var pending: [String: Pending] = [:]
        var order = 0
        for piece in pieces.dropFirst() {
            guard let eq = piece.firstIndex(of: UInt8(ascii: "=")) else { continue }
            var name = ByteScan.lowercasedString(MIMEParameterizedValue.trim(piece[..<eq]))
            guard !name.isEmpty else { continue }
            var v = MIMEParameterizedValue.trim(piece[(eq + 1)...])
            let wasQuoted = v.first == UInt8(ascii: "\"")
            v = wasQuoted ? MIMEParameterizedValue.unquote(v)[...] : MIMEParameterizedValue.stripComments(v)[...]
            // RFC 2231: name*, name*N, name*N*.
            var section: Int?
            var encoded = false
            if name.hasSuffix("*") {
                encoded = true
                name.removeLast()
            }
            if let star = name.lastIndex(of: "*") {
                let digits = name[name.index(after: star)...]
                if !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                    let n = Int(digits)
                {
                    section = n
                    name = String(name[..<star])
                }
            }
            if section == nil && encoded { section = 0 }
            // An empty unquoted value is no value (Python drops `filename=` and `filename*=utf-8''`).
            var emptyValue = v.isEmpty
            if encoded, let t1 = v.firstIndex(of: UInt8(ascii: "'")),
                let t2 = v[(t1 + 1)...].firstIndex(of: UInt8(ascii: "'"))
            {
                emptyValue = t2 + 1 == v.endIndex
            }
            if emptyValue && !wasQuoted && section ?? 0 == 0 && (section == nil || pending[name] == nil) { continue }
            var entry = pending[name] ?? Pending(order: order)
            if pending[name] == nil { order += 1 }
            if let s = section {
                if entry.seen.insert(s).inserted {
                    entry.sections.append((s, encoded, Array(v)))
                }
            } else if entry.plain == nil {
                entry.plain = Array(v)
            }
            pending[name] = entry
        }
        var result: [(Int, String, String)] = []
        for (name, entry) in pending {
            let decoded: String
            if !entry.sections.isEmpty {
                decoded = MIMEParameterizedValue.joinRFC2231(
                    entry.sections.sorted { $0.num < $1.num },
                    offset: offset,
                    defects: &defects
                )
            } else {
                decoded = EncodedWords.decode(entry.plain?[...] ?? [], offset: offset, defects: &defects)
            }
            result.append((entry.order, name, decoded))
        }
        parameters = result.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
    }

    /// Joins RFC 2231 sections: percent-decodes the extended ones, then decodes with the first one's charset.
    private static func joinRFC2231(
        _ sections: [(num: Int, encoded: Bool, bytes: [UInt8])],
        offset: Int,
        defects: inout [MIMEDefect]
    ) -> String {
        var charsetLabel: String?
        var out: [UInt8] = []
        var anyEncoded = false
        for (k, s) in sections.enumerated() {
            var b = s.bytes[...]
            if s.encoded {
                anyEncoded = true
                if k == 0 {
                    // charset'language'value
                    if let t1 = b.firstIndex(of: UInt8(ascii: "'")),
                        let t2 = b[(t1 + 1)...].firstIndex(of: UInt8(ascii: "'"))
                    {
                        charsetLabel = String(decoding: b[..<t1], as: UTF8.self)
                        b = b[(t2 + 1)...]
                    }
                }
                out += percentDecode(b)
            } else {
                out += b
            }
        }
        if anyEncoded, let label = charsetLabel, !label.isEmpty {
            if let cs = Charsets.lookup(label) {
                let d = Charsets.decode(out[...], as: cs)
                if d.invalidSequences > 0 {
                    defects.append(MIMEDefect(.invalidByteSequence, offset: offset, detail: "RFC 2231 \(cs.name)"))
                }
                return d.text
            }
            defects.append(MIMEDefect(.unknownCharset, offset: offset, detail: label))
        }
        if !out.contains(where: { $0 >= 0x80 }) {
            return EncodedWords.decode(out[...], offset: offset, defects: &defects)
        }
        return Charsets.decodeGuessing(out[...]).text.text
    }

    private static func percentDecode(_ b: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = b.startIndex
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x37
            case 0x61...0x66: return c - 0x57
            default: return nil
            }
        }
        while i < b.endIndex {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.endIndex, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    /// Splits at `;` outside quoted strings (Python's `_parseparam` counts unescaped quotes the same way).
    static func splitParams(_ b: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        var inQuote = false
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\") && inQuote {
                i += 2
                continue
            }
            if c == UInt8(ascii: "\"") {
                inQuote.toggle()
            } else if c == UInt8(ascii: ";") && !inQuote {
                out.append(b[start..<i])
                start = i + 1
            }
            i += 1
        }
        if start <= b.count { out.append(b[start..<min(b.count, max(start, b.count))]) }
        return out
    }

    static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var t = s
        while let f = t.first, f == 0x20 || f == 0x09 { t = t.dropFirst() }
        while let l = t.last, l == 0x20 || l == 0x09 { t = t.dropLast() }
        return t
    }

    /// Removes `(comments)` (nested, with quoted pairs) and surrounding whitespace.
    static func stripComments(_ s: ArraySlice<UInt8>) -> [UInt8] {
        guard s.contains(UInt8(ascii: "(")) else { return Array(trim(s)) }
        var out: [UInt8] = []
        var depth = 0
        var i = s.startIndex
        var inQuote = false
        while i < s.endIndex {
            let c = s[i]
            if c == UInt8(ascii: "\\") && (depth > 0 || inQuote) {
                if depth == 0, i + 1 < s.endIndex { out.append(s[i + 1]) }
                i += 2
                continue
            }
            if depth == 0 && c == UInt8(ascii: "\"") { inQuote.toggle() }
            if !inQuote && c == UInt8(ascii: "(") {
                depth += 1
            } else if !inQuote && c == UInt8(ascii: ")") && depth > 0 {
                depth -= 1
            } else if depth == 0 {
                out.append(c)
            }
            i += 1
        }
        return Array(trim(out[...]))
    }

    /// The content of a quoted string (backslash escapes undone); text after the closing quote is dropped.
    static func unquote(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex + 1
        while i < s.endIndex {
            let c = s[i]
            // Like Python's email.utils.unquote: only \\ and \" are escapes (Windows paths keep their backslashes).
            if c == UInt8(ascii: "\\"), i + 1 < s.endIndex,
                s[i + 1] == UInt8(ascii: "\\") || s[i + 1] == UInt8(ascii: "\"")
            {
                out.append(s[i + 1])
                i += 2
                continue
            }
            if c == UInt8(ascii: "\"") { break }
            out.append(c)
            i += 1
        }
        return out
    }
}
