import Charsets

/// Transfer-decoded body bytes and what went wrong decoding them.
public struct DecodedBody: Sendable {
    public var bytes: [UInt8]
    public var defects: [MIMEDefect]

    public init(bytes: [UInt8], defects: [MIMEDefect] = []) {
        self.bytes = bytes
        self.defects = defects
    }
}

/// One node of a message's MIME tree: headers, a body, and for multiparts and attached messages, children.
///
/// Offsets and ranges are byte offsets in the message the part came from, so that a finding can point at its
/// evidence. The tree mirrors Python's `email` package (`BytesParser(policy=email.policy.default)`): see
/// `docs/mime-differences.md` for the few deliberate differences.
public final class MIMEPart: Sendable {
    public let headers: MIMEHeaders
    /// The effective content type, like Python's `get_content_type()`: the declared one when it is valid,
    /// otherwise `text/plain` (or `message/rfc822` inside `multipart/digest`).
    public let contentType: MIMEContentType
    /// The raw (unfolded, undecoded) `Content-Type` value, if the part has one.
    public let declaredContentType: String?
    /// The `Content-Disposition` type, lowercased (`"attachment"`, `"inline"`), if the part has one.
    public let disposition: String?
    /// The decoded file name: `filename` of `Content-Disposition`, else `name` of `Content-Type`.
    public let filename: String?
    /// The lowercased `Content-Transfer-Encoding`, `"7bit"` by default.
    public let transferEncoding: String
    /// The header block, including the blank line that ends it.
    public let headerRange: Range<Int>
    /// The body: for a leaf, its payload; for a multipart or attached message, everything up to the next boundary.
    public let bodyRange: Range<Int>
    /// The raw (still transfer-encoded) body bytes.
    public let body: ArraySlice<UInt8>
    /// Multipart subparts; for message/* exactly one child, the parsed inner message (a series of header blocks for
    /// message/delivery-status).
    public let children: [MIMEPart]
    /// The text before the first boundary, if there was any.
    public let preamble: ArraySlice<UInt8>?
    /// The text after the closing boundary, if there was any.
    public let epilogue: ArraySlice<UInt8>?
    /// What was wrong with the part's structure (decoding defects come with ``decodedBody()``).
    public let defects: [MIMEDefect]
    /// 0 for the message itself.
    public let depth: Int
    /// 1-based line of the part's first header line.
    public let startLine: Int
    /// The `From ` envelope line at the start of the header block, if any.
    public let envelope: String?

    init(
        headers: MIMEHeaders,
        contentType: MIMEContentType,
        declaredContentType: String?,
        disposition: String?,
        filename: String?,
        transferEncoding: String,
        headerRange: Range<Int>,
        bodyRange: Range<Int>,
        body: ArraySlice<UInt8>,
        children: [MIMEPart],
        preamble: ArraySlice<UInt8>?,
        epilogue: ArraySlice<UInt8>?,
        defects: [MIMEDefect],
        depth: Int,
        startLine: Int,
        envelope: String?
    ) {
        self.headers = headers
        self.contentType = contentType
        self.declaredContentType = declaredContentType
        self.disposition = disposition
        self.filename = filename
        self.transferEncoding = transferEncoding
        self.headerRange = headerRange
        self.bodyRange = bodyRange
        self.body = body
        self.children = children
        self.preamble = preamble
        self.epilogue = epilogue
        self.defects = defects
        self.depth = depth
        self.startLine = startLine
        self.envelope = envelope
    }

    /// Whether this is a multipart whose subparts were parsed.
    public var isMultipart: Bool { contentType.type == "multipart" && !children.isEmpty }
    /// Whether this is a message/* part whose inner message was parsed.
    public var isMessage: Bool { contentType.type == "message" && !children.isEmpty }
    /// Whether the part has subparts (Python's `is_multipart()`).
    public var hasChildren: Bool { !children.isEmpty }
    /// Whether the part is an attachment: an `attachment` disposition, or a file name.
    public var isAttachment: Bool { disposition == "attachment" || filename != nil }

    /// The transfer-decoded body: base64 (tolerant of bad padding, junk and line breaks, as Python),
    /// quoted-printable, x-uuencode; 7bit/8bit/binary and unknown encodings as they are.
    public func decodedBody() -> DecodedBody {
        let off = bodyRange.lowerBound
        switch transferEncoding {
        case "base64":
            let r = TransferDecoding.decodeBase64(body)
            return DecodedBody(bytes: r.bytes, defects: r.defects.map { MIMEDefect($0, offset: off) })
        case "quoted-printable":
            let r = TransferDecoding.decodeQuotedPrintable(body)
            return DecodedBody(bytes: r.bytes, defects: r.defects.map { MIMEDefect($0, offset: off) })
        case "x-uuencode", "uuencode", "uue", "x-uue":
            if let d = TransferDecoding.decodeUUBody(body) { return DecodedBody(bytes: d) }
            return DecodedBody(bytes: Array(body), defects: [MIMEDefect(.invalidUUEncoding, offset: off)])
        default:
            return DecodedBody(bytes: Array(body))
        }
    }

    /// The charset the part declares, if it is known.
    public var charset: Charset? {
        contentType.parameters["charset"].flatMap { Charsets.lookup($0) }
    }

    /// For text/* parts: the transfer-decoded body decoded with its charset (an unknown charset is guessed).
    public func decodedText() -> DecodedText? {
        decodedTextWithDefects()?.text
    }

    /// ``decodedText()`` with the defects of both decoding steps.
    public func decodedTextWithDefects() -> (text: DecodedText, defects: [MIMEDefect])? {
        guard contentType.type == "text" else { return nil }
        return decodedTextWithDefects(of: decodedBody())
    }

    /// ``decodedText()`` of a body this part's ``decodedBody()`` already returned (no second transfer decoding),
    /// with the defects of both steps; nil for parts other than text/*.
    public func decodedTextWithDefects(of body: DecodedBody) -> (text: DecodedText, defects: [MIMEDefect])? {
        guard contentType.type == "text" else { return nil }
        var defects = body.defects
        let off = bodyRange.lowerBound
        let text: DecodedText
        if let label = contentType.parameters["charset"], !label.isEmpty {
            if let cs = Charsets.lookup(label) {
                var t = Charsets.decode(body.bytes[...], as: cs)
                if cs == .usASCII && !t.isValid {
                    t = Charsets.decodeGuessing(body.bytes[...]).text  // 8-bit text labelled us-ascii
                }
                text = t
            } else {
                defects.append(MIMEDefect(.unknownCharset, offset: off, detail: label))
                text = Charsets.decodeGuessing(body.bytes[...]).text
            }
        } else {
            text = Charsets.decodeGuessing(body.bytes[...]).text
        }
        if text.invalidSequences > 0 {
            defects.append(
                MIMEDefect(
                    .invalidByteSequence,
                    offset: off + (text.firstInvalidOffset ?? 0),
                    detail: "\(text.invalidSequences) invalid sequences"
                )
            )
        }
        return (text, defects)
    }

    /// Every part in depth-first pre-order, this one first (Python's `Message.walk()`).
    public func walk() -> [MIMEPart] {
        var out: [MIMEPart] = []
        var stack: [MIMEPart] = [self]
        while let part = stack.popLast() {
            out.append(part)
            stack.append(contentsOf: part.children.reversed())
        }
        return out
    }
}

/// A parsed RFC 5322 message with its MIME tree.
public struct MIMEMessage: Sendable {
    public let root: MIMEPart
    /// The bytes the message was parsed from.
    public let bytes: ArraySlice<UInt8>
    /// The decoded `Subject`, if any.
    public var subject: String?

    /// Parses a message. Malformed structure becomes defects on the parts; only empty input throws.
    ///
    /// - Throws: ``MIMEError`` `.emptyInput` when `bytes` is empty.
    public init(parsing bytes: ArraySlice<UInt8>, limits: MIMELimits = .default) throws {
        guard !bytes.isEmpty else { throw MIMEError.emptyInput() }
        self.bytes = bytes
        let root = bytes.withUnsafeBufferPointer { p -> MIMEPart in
            var parser = PartParser(p, limits: limits)
            let node = parser.parseMessage()
            var builder = PartBuilder(p: p, bytes: bytes)
            builder.indexLines(node)
            return builder.build(node)
        }
        self.root = root
        self.subject = root.headers["subject"]
    }

    /// Parses a message.
    public init(parsing bytes: [UInt8], limits: MIMELimits = .default) throws {
        try self.init(parsing: bytes[...], limits: limits)
    }

    /// Every part in depth-first pre-order.
    public func walk() -> [MIMEPart] { root.walk() }

    /// The decoded `From` addresses.
    public var from: [MailAddress] { root.headers["from"].map(MailAddress.parseList) ?? [] }
    /// The decoded `To` addresses.
    public var to: [MailAddress] { root.headers["to"].map(MailAddress.parseList) ?? [] }
}

/// Turns parser nodes into ``MIMEPart`` values: decodes headers, finds file names, counts lines.
struct PartBuilder {
    let p: UnsafeBufferPointer<UInt8>
    let bytes: ArraySlice<UInt8>
    /// 1-based line numbers of every offset a part, field or defect reports.
    var lineMap: [Int: Int] = [:]

    init(p: UnsafeBufferPointer<UInt8>, bytes: ArraySlice<UInt8>) {
        self.p = p
        self.bytes = bytes
    }

    func slice(_ r: Range<Int>) -> ArraySlice<UInt8> {
        let lo = max(0, min(r.lowerBound, p.count))
        let hi = max(lo, min(r.upperBound, p.count))
        return bytes[(bytes.startIndex + lo)..<(bytes.startIndex + hi)]
    }

    /// Counts lines once for all the offsets the tree reports.
    mutating func indexLines(_ root: PartNode) {
        var offsets: [Int] = []
        var stack = [root]
        while let node = stack.popLast() {
            offsets.append(node.start)
            for f in node.fields { offsets.append(f.lineStart) }
            for d in node.defects { offsets.append(d.offset) }
            stack.append(contentsOf: node.children)
        }
        offsets.sort()
        var index = LineIndex()
        for o in offsets where lineMap[o] == nil { lineMap[o] = index.line(at: o, in: p) }
    }

    func line(_ offset: Int) -> Int { lineMap[offset] ?? 1 }

    func build(_ node: PartNode) -> MIMEPart {
        // Recursion depth is bounded by MIMELimits.maxDepth (the parser stops descending there).
        let startLine = line(node.start)
        var defects = node.defects
        var fields: [MIMEHeaderField] = []
        fields.reserveCapacity(node.fields.count)
        for f in node.fields {
            let name = String(decoding: UnsafeBufferPointer(rebasing: p[f.lineStart..<f.nameEnd]), as: UTF8.self)
            var vs = f.nameEnd + 1
            while vs < f.valueEnd && (p[vs] == 0x20 || p[vs] == 0x09) { vs += 1 }
            let raw = slice((f.nameEnd + 1)..<f.valueEnd)
            var fieldDefects: [MIMEDefect] = []
            var value = EncodedWords.decode(slice(vs..<f.valueEnd), offset: vs, defects: &fieldDefects)
            while let l = value.unicodeScalars.last, l == " " || l == "\t" { value.unicodeScalars.removeLast() }
            let fieldLine = line(f.lineStart)
            for var d in fieldDefects {
                d.line = fieldLine
                defects.append(d)
            }
            fields.append(
                MIMEHeaderField(name: name, rawValue: raw, value: value, offset: f.lineStart, line: fieldLine)
            )
        }
        let headers = MIMEHeaders(fields: fields)
        var declared: String?
        if let ct = headers.first("content-type") {
            declared = String(decoding: ct.unfoldedRawValue, as: UTF8.self)
        }
        var disposition: String?
        var filename: String?
        if let cd = headers.first("content-disposition") {
            var ds: [MIMEDefect] = []
            let v = MIMEParameterizedValue(parsing: cd.rawValue, offset: cd.offset, defects: &ds)
            defects += ds
            disposition = v.value
            filename = v["filename"]
        }
        if filename == nil { filename = node.contentType?["name"] }
        if let f = filename {
            filename = f.trimmingWhitespace()
        }
        var cte = "7bit"
        if let f = headers.first("content-transfer-encoding") {
            let v = ByteScan.lowercasedString(MIMEParameterizedValue.stripComments(f.rawValue))
            if !v.isEmpty { cte = v }
        }
        let bodyRange: Range<Int> =
            node.kind == .leaf || node.kind == .multipartNoBoundary
                || node.kind == .multipartStartNotFound
            ? node.bodyStart..<max(node.bodyStart, node.payloadEnd) : node.bodyStart..<max(node.bodyStart, node.end)
        for i in defects.indices where defects[i].line == nil {
            defects[i].line = lineMap[defects[i].offset]
        }
        var children: [MIMEPart] = []
        children.reserveCapacity(node.children.count)
        for c in node.children { children.append(build(c)) }
        return MIMEPart(
            headers: headers,
            contentType: node.effectiveType,
            declaredContentType: declared,
            disposition: disposition,
            filename: filename,
            transferEncoding: cte,
            headerRange: node.start..<node.bodyStart,
            bodyRange: bodyRange,
            body: slice(bodyRange),
            children: children,
            preamble: node.preamble.map(slice),
            epilogue: node.epilogue.map(slice),
            defects: defects,
            depth: node.depth,
            startLine: startLine,
            envelope: node.envelope.map { String(decoding: slice($0), as: UTF8.self) }
        )
    }
}

/// 1-based line numbers for offsets, counted incrementally (offsets mostly arrive in increasing order).
struct LineIndex {
    private var offset = 0
    private var line = 1

    mutating func line(at target: Int, in p: UnsafeBufferPointer<UInt8>) -> Int {
        let t = max(0, min(target, p.count))
        if t < offset {
            offset = 0
            line = 1
        }
        line += ByteScan.countLF(p, from: offset, to: t)
        offset = t
        return line
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.unicodeScalars.first, f.properties.isWhitespace { s = Substring(s.unicodeScalars.dropFirst()) }
        while let l = s.unicodeScalars.last, l.properties.isWhitespace { s = Substring(s.unicodeScalars.dropLast()) }
        return String(s)
    }
}
