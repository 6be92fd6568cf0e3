import ByteCursor

/// The bounds that untrusted XML is held to while tokenizing.
///
/// The tokenizer never expands entities other than the five predefined ones and numeric character references, so
/// its output is at most as long as its input; these limits bound the work spent on deeply nested or token-dense
/// documents and the size of single names.
public struct XMLLimits: Sendable, Hashable {
    /// The deepest element nesting accepted.
    public var maxDepth: Limit
    /// The most attributes on one element.
    public var maxAttributes: Limit
    /// The longest element or attribute name, in UTF-8 bytes.
    public var maxNameBytes: Limit
    /// The most tokens produced for one document.
    public var maxTokens: Limit

    public init(
        maxDepth: Limit = Limit("xml.maxDepth", 256),
        maxAttributes: Limit = Limit("xml.maxAttributes", 1024),
        maxNameBytes: Limit = Limit("xml.maxNameBytes", 1024),
        maxTokens: Limit = Limit("xml.maxTokens", 4 << 20)
    ) {
        self.maxDepth = maxDepth
        self.maxAttributes = maxAttributes
        self.maxNameBytes = maxNameBytes
        self.maxTokens = maxTokens
    }

    /// The defaults: depth 256, 1,024 attributes per element, 1 KiB names, 4 Mi tokens.
    public static let `default` = XMLLimits()
}

/// One event of an XML document, as ``XMLTokenizer`` produces it.
///
/// Names keep their namespace prefix as written (`w:instrText`); ``XMLTokenizer/localName(_:)`` drops it.
/// Offsets are byte offsets of the token's first byte (`<` for tags) in the tokenizer's UTF-8 input (for UTF-16
/// input: in its UTF-8 conversion).
public enum XMLToken: Sendable, Hashable {
    /// A start tag, or an empty-element tag when `selfClosing` (no ``endElement`` follows it).
    case startElement(name: String, attributes: [String: String], selfClosing: Bool, offset: Int)
    /// An end tag.
    case endElement(name: String, offset: Int)
    /// Character data between tags: entities decoded, CDATA sections included, comments and processing
    /// instructions inside it dropped, line ends normalised to LF. Whitespace-only runs are reported too.
    case text(String, offset: Int)

    /// The offset of the token's first byte.
    public var offset: Int {
        switch self {
        case .startElement(_, _, _, let offset), .endElement(_, let offset), .text(_, let offset): offset
        }
    }

    /// The element name of a start or end tag, with its prefix.
    public var name: String? {
        switch self {
        case .startElement(let name, _, _, _), .endElement(let name, _): name
        case .text: nil
        }
    }
}

/// What the tokenizer learnt about a `<!DOCTYPE>` declaration it skipped.
public struct XMLDoctype: Sendable, Hashable {
    /// The offset of `<!DOCTYPE`.
    public var offset: Int
    /// Whether the declaration has an internal subset (`[...]`).
    public var hasInternalSubset: Bool
    /// Whether the internal subset declares entities (`<!ENTITY`); they are never expanded.
    public var declaresEntities: Bool
}

/// The encoding the tokenizer found at the start of its input.
public enum XMLSourceEncoding: String, Sendable, Hashable {
    case utf8, utf16LittleEndian, utf16BigEndian
}

/// A small, fast, non-validating XML tokenizer over UTF-8 bytes.
///
/// It reports elements, attributes (either quote style) and text; skips comments, processing instructions (the XML
/// declaration among them) and a `<!DOCTYPE>` with its internal subset (reported in ``doctype``); decodes the five
/// predefined entities and numeric character references, and nothing else, so that billion-laughs and external
/// entity (XXE) attacks are impossible by construction. UTF-16 input (with a byte order mark, or starting `<?`
/// without one) is converted to UTF-8 first; a UTF-8 byte order mark is skipped. Invalid UTF-8 becomes U+FFFD.
///
/// It checks well-formedness where that costs nothing: tags balance (``OOXMLError/Code/mismatchedTag``),
/// attributes are unique, there is one root element and nothing but whitespace, comments and processing
/// instructions outside it. After an error every further call throws the same error.
///
/// ```swift
/// var tokenizer = XMLTokenizer(bytes[...])
/// while let token = try tokenizer.next() { ... }
/// ```
public struct XMLTokenizer: Sendable {
    /// The limits this tokenizer enforces.
    public let limits: XMLLimits
    /// The encoding found at the start of the input.
    public let sourceEncoding: XMLSourceEncoding
    /// The `<!DOCTYPE>` declaration skipped before the root element, if there was one.
    public private(set) var doctype: XMLDoctype?

    /// The UTF-8 input.
    private let bytes: ArraySlice<UInt8>
    private var pos: Int
    private var open: [String] = []
    private var tokenCount = 0
    private var rootSeen = false
    private var rootClosed = false
    private var finished = false
    private var failure: OOXMLError?

    /// Makes a tokenizer over `bytes` (UTF-8, or UTF-16 as described above).
    public init(_ bytes: ArraySlice<UInt8>, limits: XMLLimits = .default) {
        let (utf8, encoding) = Self.utf8(bytes)
        self.bytes = utf8
        self.pos = utf8.startIndex
        self.limits = limits
        self.sourceEncoding = encoding
    }

    /// Makes a tokenizer over `bytes` (UTF-8, or UTF-16 as described above).
    public init(_ bytes: [UInt8], limits: XMLLimits = .default) {
        self.init(bytes[...], limits: limits)
    }

    /// The number of elements open at the current position.
    public var depth: Int { open.count }

    /// The offset of the next byte to be read.
    public var offset: Int { pos - bytes.startIndex }

    /// The name without its namespace prefix: `instrText` for `w:instrText`.
    public static func localName(_ name: String) -> Substring {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return name[...] }
        return name[name.utf8.index(after: colon)...]
    }

    /// The next token, or `nil` after the root element closed and the input ended.
    ///
    /// - Throws: ``OOXMLError`` on malformed or truncated XML and on an exceeded ``XMLLimits`` limit.
    public mutating func next() throws(OOXMLError) -> XMLToken? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    // MARK: - Tokens

    private mutating func step() throws(OOXMLError) -> XMLToken? {
        let end = bytes.endIndex
        while true {
            if finished { return nil }
            guard pos < end else { return try finish() }
            if bytes[pos] != Byte.lt {
                if open.isEmpty {
                    try skipOutsideRoot()
                } else if let token = try text() {
                    return try counted(token)
                }
                continue
            }
            guard pos + 1 < end else { throw truncated("a tag") }
            switch bytes[pos + 1] {
            case Byte.slash:
                return try counted(endTag())
            case Byte.question:
                try skipProcessingInstruction()
            case Byte.bang:
                if try matches(Pattern.commentOpen) {
                    try skipComment()
                } else if try matches(Pattern.cdataOpen) {
                    guard !open.isEmpty else { throw malformed("CDATA outside the root element") }
                    if let token = try text() { return try counted(token) }
                } else if try matches(Pattern.doctypeOpen) {
                    try skipDoctype()
                } else {
                    throw malformed("unexpected markup declaration")
                }
            default:
                return try counted(startTag())
            }
        }
    }

    private mutating func counted(_ token: XMLToken) throws(OOXMLError) -> XMLToken {
        tokenCount += 1
        try limits.maxTokens.checkXML(tokenCount, offset: token.offset)
        return token
    }

    private mutating func finish() throws(OOXMLError) -> XMLToken? {
        if let innermost = open.last { throw truncated("element <\(innermost)> still open") }
        guard rootSeen else { throw OOXMLError(.noRootElement, "no root element", offset: offset) }
        finished = true
        return nil
    }

    private mutating func startTag() throws(OOXMLError) -> XMLToken {
        let tagOffset = offset
        if rootClosed { throw malformed("a second root element") }
        pos += 1
        let name = try readName()
        var attributes: [String: String] = [:]
        var selfClosing = false
        let end = bytes.endIndex
        while true {
            let hadSpace = skipWhitespace()
            guard pos < end else { throw truncated("a start tag") }
            let b = bytes[pos]
            if b == Byte.gt {
                pos += 1
                break
            }
            if b == Byte.slash {
                guard pos + 1 < end else { throw truncated("a start tag") }
                guard bytes[pos + 1] == Byte.gt else { throw malformed("'/' not followed by '>'") }
                pos += 2
                selfClosing = true
                break
            }
            guard hadSpace else { throw malformed("no whitespace before an attribute") }
            let attributeOffset = offset
            let attributeName = try readName()
            skipWhitespace()
            guard pos < end else { throw truncated("an attribute") }
            guard bytes[pos] == Byte.equals else { throw malformed("attribute without '='") }
            pos += 1
            skipWhitespace()
            guard pos < end else { throw truncated("an attribute") }
            let quote = bytes[pos]
            guard quote == Byte.doubleQuote || quote == Byte.singleQuote else {
                throw malformed("unquoted attribute value")
            }
            pos += 1
            let value = try attributeValue(quote: quote)
            try limits.maxAttributes.checkXML(attributes.count + 1, offset: attributeOffset)
            guard attributes.updateValue(value, forKey: attributeName) == nil else {
                throw OOXMLError(.duplicateAttribute, "attribute \(attributeName) repeated", offset: attributeOffset)
            }
        }
        try limits.maxDepth.checkXML(open.count + 1, offset: tagOffset)
        rootSeen = true
        if selfClosing {
            if open.isEmpty { rootClosed = true }
        } else {
            open.append(name)
        }
        return .startElement(name: name, attributes: attributes, selfClosing: selfClosing, offset: tagOffset)
    }

    private mutating func endTag() throws(OOXMLError) -> XMLToken {
        let tagOffset = offset
        pos += 2
        let name = try readName()
        skipWhitespace()
        guard pos < bytes.endIndex else { throw truncated("an end tag") }
        guard bytes[pos] == Byte.gt else { throw malformed("junk in an end tag") }
        pos += 1
        guard let innermost = open.last else {
            throw OOXMLError(.mismatchedTag, "</\(name)> closes nothing", offset: tagOffset)
        }
        guard innermost == name else {
            throw OOXMLError(.mismatchedTag, "</\(name)> closes <\(innermost)>", offset: tagOffset)
        }
        open.removeLast()
        if open.isEmpty { rootClosed = true }
        return .endElement(name: name, offset: tagOffset)
    }

    /// Character data up to the next tag, with CDATA sections, comments and processing instructions folded in.
    private mutating func text() throws(OOXMLError) -> XMLToken? {
        let textOffset = offset
        let start = pos
        let end = bytes.endIndex
        var run = pos
        var buffer: [UInt8] = []
        var buffered = false
        while pos < end {
            let b = bytes[pos]
            if b == Byte.lt {
                if try matchesInText(Pattern.cdataOpen) {
                    buffer.append(contentsOf: bytes[run..<pos])
                    buffered = true
                    let contentStart = pos + Pattern.cdataOpen.count
                    guard let close = find(Pattern.cdataClose, from: contentStart) else {
                        throw truncated("a CDATA section")
                    }
                    appendNormalizingLineEnds(bytes[contentStart..<close], to: &buffer)
                    pos = close + Pattern.cdataClose.count
                } else if try matchesInText(Pattern.commentOpen) {
                    buffer.append(contentsOf: bytes[run..<pos])
                    buffered = true
                    try skipComment()
                } else if pos + 1 < end, bytes[pos + 1] == Byte.question {
                    buffer.append(contentsOf: bytes[run..<pos])
                    buffered = true
                    try skipProcessingInstruction()
                } else {
                    break
                }
                run = pos
            } else if b == Byte.amp {
                buffer.append(contentsOf: bytes[run..<pos])
                buffered = true
                try decodeReference(into: &buffer)
                run = pos
            } else if b == Byte.cr {
                buffer.append(contentsOf: bytes[run..<pos])
                buffered = true
                buffer.append(Byte.lf)
                pos += 1
                if pos < end, bytes[pos] == Byte.lf { pos += 1 }
                run = pos
            } else {
                pos += 1
            }
        }
        if !buffered {
            if pos == start { return nil }
            return .text(String(decoding: bytes[start..<pos], as: UTF8.self), offset: textOffset)
        }
        buffer.append(contentsOf: bytes[run..<pos])
        if buffer.isEmpty { return nil }
        return .text(String(decoding: buffer, as: UTF8.self), offset: textOffset)
    }

    /// An attribute value after its opening quote, up to and past the closing one, normalised as XML 1.0 §3.3.3
    /// says for CDATA attributes: references decoded, each tab, line feed and CR LF pair becomes one space.
    private mutating func attributeValue(quote: UInt8) throws(OOXMLError) -> String {
        let start = pos
        let end = bytes.endIndex
        var run = pos
        var buffer: [UInt8] = []
        var buffered = false
        while pos < end {
            let b = bytes[pos]
            if b == quote { break }
            switch b {
            case Byte.lt:
                throw malformed("'<' in an attribute value")
            case Byte.amp:
                buffer.append(contentsOf: bytes[run..<pos])
                buffered = true
                try decodeReference(into: &buffer)
                run = pos
            case Byte.tab, Byte.lf, Byte.cr:
                buffer.append(contentsOf: bytes[run..<pos])
                buffered = true
                buffer.append(Byte.space)
                pos += 1
                if b == Byte.cr, pos < end, bytes[pos] == Byte.lf { pos += 1 }
                run = pos
            default:
                pos += 1
            }
        }
        guard pos < end else { throw truncated("an attribute value") }
        let value: String
        if buffered {
            buffer.append(contentsOf: bytes[run..<pos])
            value = String(decoding: buffer, as: UTF8.self)
        } else {
            value = String(decoding: bytes[start..<pos], as: UTF8.self)
        }
        pos += 1
        return value
    }

    /// Decodes the reference at `pos` (on its `&`) into `buffer` and moves past its `;`.
    private mutating func decodeReference(into buffer: inout [UInt8]) throws(OOXMLError) {
        let referenceOffset = offset
        let end = bytes.endIndex
        let bodyStart = pos + 1
        var semicolon = bodyStart
        while semicolon < end, bytes[semicolon] != Byte.semicolon {
            guard semicolon - bodyStart < Self.maxReferenceBytes, !Self.endsName(bytes[semicolon]) else {
                throw malformed("unterminated entity reference")
            }
            semicolon += 1
        }
        guard semicolon < end else { throw truncated("an entity reference") }
        let body = bytes[bodyStart..<semicolon]
        guard let first = body.first else { throw malformed("empty entity reference") }
        if first == Byte.hash {
            var digits = body.dropFirst()
            var radix: UInt32 = 10
            if let x = digits.first, x == UInt8(ascii: "x") {
                radix = 16
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty else { throw malformed("empty character reference") }
            var value: UInt32 = 0
            for d in digits {
                guard let digit = Self.digitValue(d, radix: radix) else {
                    throw malformed("bad digit in a character reference")
                }
                value = value &* radix &+ digit
                guard value <= 0x10FFFF else {
                    throw OOXMLError(
                        .invalidCharacterReference, "character reference beyond U+10FFFF", offset: referenceOffset)
                }
            }
            guard Self.isXMLChar(value), let scalar = Unicode.Scalar(value) else {
                throw OOXMLError(
                    .invalidCharacterReference, "character reference to U+\(String(value, radix: 16, uppercase: true))",
                    offset: referenceOffset)
            }
            buffer.append(contentsOf: UTF8.encode(scalar).bytesOrEmpty)
        } else if body.elementsEqual(Pattern.lt) {
            buffer.append(Byte.lt)
        } else if body.elementsEqual(Pattern.gt) {
            buffer.append(Byte.gt)
        } else if body.elementsEqual(Pattern.amp) {
            buffer.append(Byte.amp)
        } else if body.elementsEqual(Pattern.quot) {
            buffer.append(Byte.doubleQuote)
        } else if body.elementsEqual(Pattern.apos) {
            buffer.append(Byte.singleQuote)
        } else {
            let name = String(decoding: body, as: UTF8.self)
            throw OOXMLError(.undefinedEntity, "entity &\(name); is not predefined", offset: referenceOffset)
        }
        pos = semicolon + 1
    }

    /// The longest reference body (between `&` and `;`) accepted.
    private static let maxReferenceBytes = 64

    private static func digitValue(_ d: UInt8, radix: UInt32) -> UInt32? {
        switch d {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(d - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: UInt32(d - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: UInt32(d - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// XML 1.0 `Char`: tab, LF, CR, and U+0020 and up except surrogates, U+FFFE and U+FFFF.
    private static func isXMLChar(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
            || (0x10000...0x10FFFF).contains(v)
    }

    // MARK: - Names and skipping

    private mutating func readName() throws(OOXMLError) -> String {
        let start = pos
        let end = bytes.endIndex
        let maximum = limits.maxNameBytes.maximum
        while pos < end, !Self.endsName(bytes[pos]) {
            pos += 1
            if pos - start > maximum {
                throw OOXMLError.limitExceeded(limits.maxNameBytes, value: pos - start, offset: start - bytes.startIndex)
            }
        }
        guard pos < end else { throw truncated("a name") }
        guard pos > start else { throw malformed("expected a name") }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    @inline(__always)
    private static func endsName(_ b: UInt8) -> Bool {
        switch b {
        case 0...0x20, Byte.slash, Byte.gt, Byte.lt, Byte.equals, Byte.doubleQuote, Byte.singleQuote, Byte.amp:
            true
        default: false
        }
    }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = pos
        while pos < bytes.endIndex, Self.isWhitespace(bytes[pos]) { pos += 1 }
        return pos > start
    }

    @inline(__always)
    private static func isWhitespace(_ b: UInt8) -> Bool {
        b == Byte.space || b == Byte.lf || b == Byte.tab || b == Byte.cr
    }

    /// Whitespace before or after the root element; anything else there is malformed.
    private mutating func skipOutsideRoot() throws(OOXMLError) {
        skipWhitespace()
        if pos < bytes.endIndex, bytes[pos] != Byte.lt {
            throw malformed("content outside the root element")
        }
    }

    private mutating func skipComment() throws(OOXMLError) {
        guard let close = find(Pattern.commentClose, from: pos + Pattern.commentOpen.count) else {
            throw truncated("a comment")
        }
        pos = close + Pattern.commentClose.count
    }

    private mutating func skipProcessingInstruction() throws(OOXMLError) {
        guard let close = find(Pattern.processingInstructionClose, from: pos + 2) else {
            throw truncated("a processing instruction")
        }
        pos = close + Pattern.processingInstructionClose.count
    }

    /// Skips `<!DOCTYPE ...>` with its internal subset, noting whether the subset declares entities.
    ///
    /// ```
    /// <!DOCTYPE root SYSTEM "uri" [ <!ENTITY a "..."> <!-- ... --> <?pi ?> ]>
    ///           ^ quoted strings, comments and PIs are skipped whole so that ']' and '>' inside them do not count
    /// ```
    private mutating func skipDoctype() throws(OOXMLError) {
        let doctypeOffset = offset
        guard !rootSeen, doctype == nil else { throw malformed("misplaced DOCTYPE") }
        let end = bytes.endIndex
        pos += Pattern.doctypeOpen.count
        var hasSubset = false
        var declaresEntities = false
        while pos < end {
            let b = bytes[pos]
            if b == Byte.doubleQuote || b == Byte.singleQuote {
                try skipQuoted()
            } else if b == Byte.openBracket {
                hasSubset = true
                pos += 1
                var closed = false
                while pos < end {
                    let c = bytes[pos]
                    if c == Byte.closeBracket {
                        pos += 1
                        closed = true
                        break
                    } else if c == Byte.doubleQuote || c == Byte.singleQuote {
                        try skipQuoted()
                    } else if c == Byte.lt, try matches(Pattern.commentOpen) {
                        try skipComment()
                    } else if c == Byte.lt, pos + 1 < end, bytes[pos + 1] == Byte.question {
                        try skipProcessingInstruction()
                    } else if c == Byte.lt, try matches(Pattern.entityOpen) {
                        declaresEntities = true
                        pos += Pattern.entityOpen.count
                    } else {
                        pos += 1
                    }
                }
                guard closed else { break }
            } else if b == Byte.gt {
                pos += 1
                doctype = XMLDoctype(
                    offset: doctypeOffset, hasInternalSubset: hasSubset, declaresEntities: declaresEntities)
                return
            } else {
                pos += 1
            }
        }
        throw truncated("a DOCTYPE declaration")
    }

    private mutating func skipQuoted() throws(OOXMLError) {
        let quote = bytes[pos]
        guard let close = bytes[(pos + 1)...].firstIndex(of: quote) else { throw truncated("a quoted string") }
        pos = close + 1
    }

    // MARK: - Byte helpers

    /// Whether `pattern` starts at `pos`; throws `truncated` when the input ends inside a prefix of it.
    private func matches(_ pattern: [UInt8]) throws(OOXMLError) -> Bool {
        let available = bytes.endIndex - pos
        if available < pattern.count {
            if bytes[pos...].elementsEqual(pattern.prefix(available)) { throw truncated("markup") }
            return false
        }
        return bytes[pos..<(pos + pattern.count)].elementsEqual(pattern)
    }

    /// Like ``matches(_:)`` but a prefix cut by the end of input is "no match": the text ends there and the
    /// caller's next step reports the truncation.
    private func matchesInText(_ pattern: [UInt8]) throws(OOXMLError) -> Bool {
        let available = bytes.endIndex - pos
        if available < pattern.count { return false }
        return bytes[pos..<(pos + pattern.count)].elementsEqual(pattern)
    }

    /// The index of the first occurrence of `pattern` at or after `from`.
    private func find(_ pattern: [UInt8], from: Int) -> Int? {
        guard let first = pattern.first else { return nil }
        let end = bytes.endIndex
        var i = from
        while i < end {
            guard let hit = bytes[i...].firstIndex(of: first) else { return nil }
            guard end - hit >= pattern.count else { return nil }
            if bytes[hit..<(hit + pattern.count)].elementsEqual(pattern) { return hit }
            i = hit + 1
        }
        return nil
    }

    private func appendNormalizingLineEnds(_ run: ArraySlice<UInt8>, to buffer: inout [UInt8]) {
        guard run.contains(Byte.cr) else {
            buffer.append(contentsOf: run)
            return
        }
        var previousCR = false
        for b in run {
            if b == Byte.cr {
                buffer.append(Byte.lf)
                previousCR = true
            } else {
                if !(b == Byte.lf && previousCR) { buffer.append(b) }
                previousCR = false
            }
        }
    }

    private func malformed(_ reason: String) -> OOXMLError {
        OOXMLError(.malformedXML, reason, offset: offset)
    }

    private func truncated(_ what: String) -> OOXMLError {
        OOXMLError(.truncatedXML, "input ends inside \(what)", offset: offset)
    }

    // MARK: - Encodings

    /// The input as UTF-8: a UTF-8 byte order mark dropped, UTF-16 (either order) transcoded.
    private static func utf8(_ bytes: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, XMLSourceEncoding) {
        let head = Array(bytes.prefix(4))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return (bytes.dropFirst(3), .utf8) }
        if head.starts(with: [0xFF, 0xFE]) { return (transcode(bytes.dropFirst(2), bigEndian: false), .utf16LittleEndian) }
        if head.starts(with: [0xFE, 0xFF]) { return (transcode(bytes.dropFirst(2), bigEndian: true), .utf16BigEndian) }
        if head == [0x3C, 0x00, 0x3F, 0x00] { return (transcode(bytes, bigEndian: false), .utf16LittleEndian) }
        if head == [0x00, 0x3C, 0x00, 0x3F] { return (transcode(bytes, bigEndian: true), .utf16BigEndian) }
        return (bytes, .utf8)
    }

    private static func transcode(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 2)
        var units = UTF16Units(bytes: bytes, bigEndian: bigEndian)
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&units) {
            case .scalarValue(let scalar): out.append(contentsOf: UTF8.encode(scalar).bytesOrEmpty)
            case .emptyInput: break loop
            case .error: out.append(contentsOf: [0xEF, 0xBF, 0xBD])
            }
        }
        return out[...]
    }
}

/// UTF-16 code units read from bytes in either order; an odd trailing byte is dropped.
private struct UTF16Units: IteratorProtocol {
    let bytes: ArraySlice<UInt8>
    let bigEndian: Bool
    var i: Int

    init(bytes: ArraySlice<UInt8>, bigEndian: Bool) {
        self.bytes = bytes
        self.bigEndian = bigEndian
        self.i = bytes.startIndex
    }

    mutating func next() -> UInt16? {
        guard bytes.endIndex - i >= 2 else { return nil }
        let a = UInt16(bytes[i])
        let b = UInt16(bytes[i + 1])
        i += 2
        return bigEndian ? (a << 8 | b) : (b << 8 | a)
    }
}

extension Optional where Wrapped == UTF8.EncodedScalar {
    /// The encoded bytes; `UTF8.encode` fails only for scalars that cannot exist.
    fileprivate var bytesOrEmpty: [UInt8] {
        switch self {
        case .some(let encoded): Array(encoded)
        case .none: []
        }
    }
}

/// ASCII bytes the tokenizer looks for.
enum Byte {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let bang: UInt8 = 0x21
    static let doubleQuote: UInt8 = 0x22
    static let hash: UInt8 = 0x23
    static let amp: UInt8 = 0x26
    static let singleQuote: UInt8 = 0x27
    static let slash: UInt8 = 0x2F
    static let semicolon: UInt8 = 0x3B
    static let lt: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let gt: UInt8 = 0x3E
    static let question: UInt8 = 0x3F
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
}

/// Multi-byte markers.
private enum Pattern {
    static let commentOpen = Array("<!--".utf8)
    static let commentClose = Array("-->".utf8)
    static let cdataOpen = Array("<![CDATA[".utf8)
    static let cdataClose = Array("]]>".utf8)
    static let doctypeOpen = Array("<!DOCTYPE".utf8)
    static let entityOpen = Array("<!ENTITY".utf8)
    static let processingInstructionClose = Array("?>".utf8)
    static let lt = Array("lt".utf8)
    static let gt = Array("gt".utf8)
    static let amp = Array("amp".utf8)
    static let quot = Array("quot".utf8)
    static let apos = Array("apos".utf8)
}
