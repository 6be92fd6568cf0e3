/// The part-tree parser: a byte-offset reimplementation of Python's `email.feedparser` (the tolerant parser
/// behind `BytesParser(policy=email.policy.default)`).
///
/// Python reads lines and stops a part at any line that matches a boundary of an enclosing multipart (its "EOF
/// stack"). Here the same decisions are made on offsets: a part's end is found by scanning for `--` at the start of
/// a line (`memchr`), never by materialising lines, so big base64 bodies are skipped at memory speed.
///
/// ```
///  part:  [header lines][blank line][body .......................][CRLF]--boundary
///          start         bodyStart                       payloadEnd   end (terminator line)
/// ```
final class PartNode {
    enum Kind {
        /// A body kept as it is.
        case leaf
        /// Subparts parsed between boundaries.
        case multipart
        /// A multipart type whose start boundary never appeared: the body is kept as the payload.
        case multipartStartNotFound
        /// A multipart type without a boundary parameter: the body is kept as the payload.
        case multipartNoBoundary
        /// message/*: one inner message (or, for delivery-status, a series of header blocks).
        case message
    }

    struct Field {
        var lineStart: Int
        var nameEnd: Int
        var valueEnd: Int
    }

    let start: Int
    let depth: Int
    let defaultType: MIMEContentType
    var kind = Kind.leaf
    var bodyStart = 0
    var end = 0
    var payloadEnd = 0
    var fields: [Field] = []
    var envelope: Range<Int>?
    var defects: [MIMEDefect] = []
    var children: [PartNode] = []
    var preamble: Range<Int>?
    var epilogue: Range<Int>?
    var contentType: MIMEParameterizedValue?
    var effectiveType = MIMEContentType.textPlain

    init(start: Int, depth: Int, defaultType: MIMEContentType) {
        self.start = start
        self.depth = depth
        self.defaultType = defaultType
    }
}

struct PartParser {
    let p: UnsafeBufferPointer<UInt8>
    let n: Int
    let limits: MIMELimits
    /// `--boundary` of every enclosing multipart: a line matching one ends the current part.
    private var boundaries: [[UInt8]] = []
    /// Active blank-line terminators (message/delivery-status header blocks).
    private var blankMatchers = 0
    private var partCount = 0
    private var partLimitReported = false
    /// The part created last (Python's `_last`), whose trailing line break belongs to the next boundary.
    private var last: PartNode?

    init(_ p: UnsafeBufferPointer<UInt8>, limits: MIMELimits) {
        self.p = p
        self.n = p.count
        self.limits = limits
    }

    /// Parses the whole buffer as one message.
    mutating func parseMessage() -> PartNode {
        let root = parsePart(at: 0, depth: 0, defaultType: .textPlain)
        if root.effectiveType.type == "multipart" && root.children.isEmpty {
            root.defects.append(MIMEDefect(.multipartInvariantViolation, offset: 0))
        }
        return root
    }

    // MARK: - Line tests

    /// Matches `--boundary[--][ \t]*(EOL|EOF)` at line start `i`.
    @inline(__always)
    private func matchBoundary(at i: Int, _ sep: [UInt8]) -> (close: Bool, next: Int)? {
        let m = sep.count
        guard i + m <= n else { return nil }
        let same = sep.withUnsafeBufferPointer { s -> Bool in
            guard let sb = s.baseAddress, let pb = p.baseAddress else { return m == 0 }
            return memcmp(pb + i, sb, m) == 0
        }
        guard same else { return nil }
        var j = i + m
        var close = false
        if j + 1 < n && p[j] == 0x2D && p[j + 1] == 0x2D {
            close = true
            j += 2
        }
        while j < n && (p[j] == 0x20 || p[j] == 0x09) { j += 1 }
        if j >= n { return (close, n) }
        if p[j] == 0x0A { return (close, j + 1) }
        if p[j] == 0x0D { return (close, j + 1 < n && p[j + 1] == 0x0A ? j + 2 : j + 1) }
        return nil
    }

    /// Whether the line at `i` ends the current part (Python's readline returning "").
    @inline(__always)
    private func isTerminator(_ i: Int) -> Bool {
        guard i < n else { return true }
        let b = p[i]
        if blankMatchers > 0 && (b == 0x0A || b == 0x0D) { return true }
        guard b == 0x2D, i + 1 < n, p[i + 1] == 0x2D else { return false }
        for sep in boundaries where matchBoundary(at: i, sep) != nil { return true }
        return false
    }

    /// The first line start at or after line start `i` that ends the current part, or `n`. With `own`, also stops
    /// at a line matching that boundary, reported in `match`.
    private func scan(from i: Int, own: [UInt8]?) -> (pos: Int, match: (close: Bool, next: Int)?) {
        if boundaries.isEmpty && blankMatchers == 0 && own == nil { return (n, nil) }
        if blankMatchers > 0 {
            // Line by line (delivery-status header blocks are short).
            var j = i
            while j < n {
                if isTerminator(j) { return (j, nil) }
                if let own, let m = matchBoundary(at: j, own) { return (j, m) }
                j = ByteScan.line(p, from: j).next
            }
            return (n, nil)
        }
        var j = i
        while j < n {
            let h = ByteScan.find(0x2D, in: p, from: j, to: n)
            guard h + 1 < n else { return (n, nil) }
            if p[h + 1] != 0x2D {
                j = h + 2
                continue
            }
            if h == i || p[h - 1] == 0x0A || p[h - 1] == 0x0D {
                if isTerminator(h) { return (h, nil) }
                if let own, let m = matchBoundary(at: h, own) { return (h, m) }
            }
            j = h + 1
        }
        return (n, nil)
    }

    /// Python's header line test: `^(From |[\041-\071\073-\176]*:|[\t ])`.
    @inline(__always)
    private func isHeaderLine(_ s: Int, _ e: Int) -> Bool {
        guard s < e else { return false }
        let b = p[s]
        if b == 0x20 || b == 0x09 { return true }
        if e - s >= 5 && b == 0x46 && p[s + 1] == 0x72 && p[s + 2] == 0x6F && p[s + 3] == 0x6D && p[s + 4] == 0x20 {
            return true
        }
        var j = s
        while j < e {
            let c = p[j]
            if c == 0x3A { return true }
            if c < 0x21 || c > 0x7E { return false }
            j += 1
        }
        return false
    }

    // MARK: - Parts

    private mutating func parsePart(at start: Int, depth: Int, defaultType: MIMEContentType) -> PartNode {
        partCount += 1
        let node = PartNode(start: start, depth: depth, defaultType: defaultType)
        last = node
        parseHeaders(node)
        classify(node)
        let maintype = node.effectiveType.type
        if (maintype == "multipart" || maintype == "message") && depth >= limits.maxDepth.maximum {
            node.defects.append(
                MIMEDefect(
                    .depthLimit,
                    offset: node.bodyStart,
                    detail: "\(limits.maxDepth.name)=\(limits.maxDepth.maximum)"
                )
            )
            parseLeaf(node)
        } else if node.effectiveType.mimeType == "message/delivery-status" {
            parseDeliveryStatus(node)
        } else if maintype == "message" {
            parseAttachedMessage(node)
        } else if maintype == "multipart" {
            parseMultipart(node)
        } else {
            parseLeaf(node)
        }
        return node
    }

    private mutating func parseHeaders(_ node: PartNode) {
        var pos = node.start
        var lines: [(s: Int, e: Int)] = []
        var headerBytes = 0
        var limited = false
        while pos < n {
            if isTerminator(pos) { break }
            let (e, next) = ByteScan.line(p, from: pos)
            if isHeaderLine(pos, e) {
                headerBytes += next - pos
                if !limited {
                    let isContinuation = p[pos] == 0x20 || p[pos] == 0x09
                    if headerBytes > limits.maxHeaderBytes.maximum
                        || (!isContinuation && lines.count >= limits.maxHeaderFields.maximum)
                    {
                        limited = true
                        node.defects.append(
                            MIMEDefect(
                                .headerLimit,
                                offset: pos,
                                detail: headerBytes > limits.maxHeaderBytes.maximum
                                    ? "\(limits.maxHeaderBytes.name)=\(limits.maxHeaderBytes.maximum)"
                                    : "\(limits.maxHeaderFields.name)=\(limits.maxHeaderFields.maximum)"
                            )
                        )
                    } else {
                        lines.append((pos, e))
                    }
                }
                pos = next
                continue
            }
            if e == pos {
                pos = next  // the blank separator line
            } else {
                node.defects.append(MIMEDefect(.missingHeaderBodySeparator, offset: pos))
            }
            break
        }
        node.bodyStart = pos

        // Python's _parse_headers.
        var current: PartNode.Field?
        for (k, line) in lines.enumerated() {
            let b = p[line.s]
            if b == 0x20 || b == 0x09 {
                if current == nil {
                    node.defects.append(MIMEDefect(.firstHeaderLineIsContinuation, offset: line.s))
                } else {
                    current?.valueEnd = line.e
                }
                continue
            }
            if let c = current {
                node.fields.append(c)
                current = nil
            }
            if line.e - line.s >= 5 && b == 0x46 && p[line.s + 1] == 0x72 && p[line.s + 2] == 0x6F
                && p[line.s + 3] == 0x6D && p[line.s + 4] == 0x20
            {
                if k == 0 {
                    node.envelope = line.s..<line.e
                } else if k == lines.count - 1 {
                    // Python pushes a trailing "From " line back: it starts the body.
                    node.bodyStart = line.s
                    break
                } else {
                    node.defects.append(MIMEDefect(.misplacedEnvelopeHeader, offset: line.s))
                }
                continue
            }
            let colon = ByteScan.find(0x3A, in: p, from: line.s, to: line.e)
            if colon == line.s || colon >= line.e {
                node.defects.append(MIMEDefect(.invalidHeader, offset: line.s, detail: "missing header name"))
                continue
            }
            current = PartNode.Field(lineStart: line.s, nameEnd: colon, valueEnd: line.e)
        }
        if let c = current { node.fields.append(c) }
    }

    /// Sets the effective content type, like Python's `get_content_type()`.
    private func classify(_ node: PartNode) {
        guard let f = node.fields.first(where: { fieldNameIs($0, "content-type") }) else {
            node.effectiveType = node.defaultType
            return
        }
        let raw = UnsafeBufferPointer(rebasing: p[(f.nameEnd + 1)..<f.valueEnd])
        let ct = MIMEParameterizedValue(parsing: Array(raw)[...])
        node.contentType = ct
        // Python counts the slashes of everything before the first ';' (comments and junk included).
        var slashes = 0
        for b in raw {
            if b == 0x3B { break }
            if b == 0x2F { slashes += 1 }
        }
        node.effectiveType = slashes == 1 ? PartParser.effectiveType(ct.value) : .textPlain
        node.effectiveType.parameters = Dictionary(
            ct.parameters.map { ($0.name, $0.value) },
            uniquingKeysWith: { a, _ in a }
        )
    }

    /// `type/subtype` with exactly one slash, else text/plain (RFC 2045 section 5.2).
    static func effectiveType(_ value: String) -> MIMEContentType {
        // Only the token before any whitespace counts ("text/plain x" is text/plain).
        let token = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        let pieces = token.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2 else { return .textPlain }
        return MIMEContentType(type: String(pieces[0]), subtype: String(pieces[1]))
    }

    func fieldNameIs(_ f: PartNode.Field, _ lowerName: String) -> Bool {
        let len = f.nameEnd - f.lineStart
        guard len == lowerName.utf8.count else { return false }
        var j = f.lineStart
        for c in lowerName.utf8 {
            if ByteScan.lower(p[j]) != c { return false }
            j += 1
        }
        return true
    }

    func fieldValue(_ f: PartNode.Field) -> [UInt8] {
        Array(UnsafeBufferPointer(rebasing: p[(f.nameEnd + 1)..<f.valueEnd]))
    }

    private func parseLeaf(_ node: PartNode) {
        node.kind = .leaf
        node.end = scan(from: node.bodyStart, own: nil).pos
        node.payloadEnd = node.end
    }

    private mutating func parseAttachedMessage(_ node: PartNode) {
        guard checkPartLimit(node, at: node.bodyStart) else {
            parseLeaf(node)
            return
        }
        node.kind = .message
        let child = parsePart(at: node.bodyStart, depth: node.depth + 1, defaultType: .textPlain)
        node.children = [child]
        node.end = child.end
        node.payloadEnd = node.end
    }

    private mutating func parseDeliveryStatus(_ node: PartNode) {
        node.kind = .message
        var pos = node.bodyStart
        while true {
            guard checkPartLimit(node, at: pos) else {
                pos = scan(from: pos, own: nil).pos
                break
            }
            blankMatchers += 1
            let child = parsePart(at: pos, depth: node.depth + 1, defaultType: .textPlain)
            blankMatchers -= 1
            node.children.append(child)
            pos = child.end
            if !isTerminator(pos) { pos = ByteScan.line(p, from: pos).next }  // the blank line
            if isTerminator(pos) { break }
        }
        node.end = pos
        node.payloadEnd = pos
        if node.children.isEmpty { node.kind = .leaf }
    }

    private mutating func checkPartLimit(_ node: PartNode, at offset: Int) -> Bool {
        if partCount < limits.maxParts.maximum { return true }
        node.defects.append(
            MIMEDefect(.partLimit, offset: offset, detail: "\(limits.maxParts.name)=\(limits.maxParts.maximum)")
        )
        return false
    }

    private mutating func parseMultipart(_ node: PartNode) {
        guard let boundaryValue = node.contentType?["boundary"] else {
            node.defects.append(MIMEDefect(.multipartWithoutBoundary, offset: node.bodyStart))
            node.kind = .multipartNoBoundary
            node.end = scan(from: node.bodyStart, own: nil).pos
            node.payloadEnd = node.end
            return
        }
        // Python's get_boundary(): rstrip() only.
        var boundary = Array(boundaryValue.utf8)
        while let l = boundary.last, l == 0x20 || l == 0x09 { boundary.removeLast() }
        if let cte = node.fields.first(where: { fieldNameIs($0, "content-transfer-encoding") }) {
            let v = ByteScan.lowercasedString(MIMEParameterizedValue.stripComments(fieldValue(cte)[...]))
            if v != "7bit" && v != "8bit" && v != "binary" {
                node.defects.append(MIMEDefect(.invalidMultipartTransferEncoding, offset: cte.lineStart))
            }
        }
        let sep: [UInt8] = [0x2D, 0x2D] + boundary
        let childDefault: MIMEContentType =
            node.effectiveType.mimeType == "multipart/digest" ? .messageRFC822 : .textPlain
        node.kind = .multipart
        var pos = node.bodyStart
        var capturingPreamble = true
        var close: (line: Int, next: Int)?
        while true {
            let (h, match) = scan(from: pos, own: sep)
            pos = h
            guard let m = match else { break }
            if m.close {
                close = (h, m.next)
                break
            }
            if capturingPreamble {
                if h > node.bodyStart {
                    node.preamble = node.bodyStart..<(h - ByteScan.trailingEOL(p, start: node.bodyStart, end: h))
                }
                capturingPreamble = false
            }
            // Consume this boundary line and any boundary lines right after it.
            var q = m.next
            while q < n && !isTerminator(q), let again = matchBoundary(at: q, sep) { q = again.next }
            guard checkPartLimit(node, at: q) else {
                let e = scan(from: q, own: nil).pos
                node.epilogue = q..<e
                node.end = e
                node.payloadEnd = e
                return
            }
            boundaries.append(sep)
            let child = parsePart(at: q, depth: node.depth + 1, defaultType: childDefault)
            boundaries.removeLast()
            node.children.append(child)
            if let l = last { dropTrailingLineBreak(l) }
            last = node
            pos = child.end
        }
        if capturingPreamble {
            node.defects.append(MIMEDefect(.startBoundaryNotFound, offset: node.bodyStart))
            node.kind = .multipartStartNotFound
            node.payloadEnd = pos
            if let c = close {
                // Python consumes (and drops) the rest up to the end of this part.
                node.end = scan(from: c.next, own: nil).pos
            } else {
                node.end = pos
            }
            node.epilogue = node.end..<node.end
            return
        }
        guard let c = close else {
            node.defects.append(MIMEDefect(.noClosingBoundary, offset: pos))
            node.end = pos
            node.payloadEnd = pos
            return
        }
        let e = scan(from: c.next, own: nil).pos
        node.epilogue = c.next..<e
        node.end = e
        node.payloadEnd = e
    }

    /// The line break before a boundary belongs to the boundary: drop it from the payload (or epilogue) of the
    /// part created last, as Python does.
    private func dropTrailingLineBreak(_ node: PartNode) {
        if node.effectiveType.type == "multipart" {
            if let ep = node.epilogue {
                if ep.isEmpty {
                    node.epilogue = nil
                } else {
                    node.epilogue =
                        ep
                        .lowerBound..<(ep.upperBound - ByteScan.trailingEOL(p, start: ep.lowerBound, end: ep.upperBound))
                }
            }
            return
        }
        if node.kind == .leaf {
            node.payloadEnd -= ByteScan.trailingEOL(p, start: node.bodyStart, end: node.payloadEnd)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
