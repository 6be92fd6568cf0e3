import ByteCursor

/// An error from the MIME module, thrown only where nothing useful can be parsed (almost everything else is a
/// ``MIMEDefect`` on the part it concerns).
///
/// Equality and hashing consider the ``code`` only.
public struct MIMEError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; raw values are stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input held no bytes at all.
        public static let emptyInput = Code("empty-input")
        /// A named limit was exceeded where no partial result makes sense.
        public static let limitExceeded = Code("limit-exceeded")
    }

    public let code: Code
    /// Where in the input it happened, when known.
    public let offset: Int?
    public let reason: String
    public let file: String
    public let line: UInt

    public init(code: Code, offset: Int?, reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.offset = offset
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String {
        let at = offset.map { " at offset \($0)" } ?? ""
        return "MIMEError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: MIMEError, rhs: MIMEError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    @inline(never)
    public static func emptyInput(file: String = #fileID, line: UInt = #line) -> MIMEError {
        MIMEError(code: .emptyInput, offset: 0, reason: "the message has no bytes", file: file, line: line)
    }

    @inline(never)
    public static func limitExceeded(
        _ limit: Limit,
        value: Int,
        offset: Int? = nil,
        file: String = #fileID,
        line: UInt = #line
    ) -> MIMEError {
        MIMEError(
            code: .limitExceeded,
            offset: offset,
            reason: "\(limit.name): \(value) exceeds \(limit.maximum)",
            file: file,
            line: line
        )
    }
}

/// Something wrong (or suspicious) in a message that parsing tolerated, with where it was found.
///
/// Defects follow Python's `email.errors` defect classes where one exists (the raw value is the kebab-case name),
/// plus Emoguard's own (limits, charsets, non-ASCII headers).
public struct MIMEDefect: Sendable, Hashable, CustomStringConvertible {
    /// The kind of defect; raw values are stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A multipart whose start boundary never appears (Python `StartBoundaryNotFoundDefect`).
        public static let startBoundaryNotFound = Code("start-boundary-not-found")
        /// A multipart without a closing boundary (Python `CloseBoundaryNotFoundDefect`).
        public static let noClosingBoundary = Code("no-closing-boundary")
        /// A multipart type without a boundary parameter (Python `NoBoundaryInMultipartDefect`).
        public static let multipartWithoutBoundary = Code("multipart-without-boundary")
        /// A multipart root that ended up without subparts (Python `MultipartInvariantViolationDefect`).
        public static let multipartInvariantViolation = Code("multipart-invariant-violation")
        /// A multipart with a transfer encoding other than 7bit/8bit/binary.
        public static let invalidMultipartTransferEncoding = Code("invalid-multipart-transfer-encoding")
        /// A line that is not a header ended the header block (Python `MissingHeaderBodySeparatorDefect`).
        public static let missingHeaderBodySeparator = Code("missing-header-body-separator")
        /// The header block began with a continuation line (Python `FirstHeaderLineIsContinuationDefect`).
        public static let firstHeaderLineIsContinuation = Code("first-header-line-is-continuation")
        /// A `From ` line inside the header block (Python `MisplacedEnvelopeHeaderDefect`).
        public static let misplacedEnvelopeHeader = Code("misplaced-envelope-header")
        /// A malformed header line, e.g. an empty name (Python `InvalidHeaderDefect`).
        public static let invalidHeader = Code("invalid-header")
        /// Base64 with missing or bad padding (Python `InvalidBase64PaddingDefect`).
        public static let invalidBase64Padding = Code("invalid-base64-padding")
        /// Base64 with characters outside the alphabet (Python `InvalidBase64CharactersDefect`).
        public static let invalidBase64Characters = Code("invalid-base64-characters")
        /// Base64 whose length cannot be decoded (Python `InvalidBase64LengthDefect`); the text is kept raw.
        public static let invalidBase64Length = Code("invalid-base64-length")
        /// Quoted-printable with `=` not followed by two hex digits or a line break.
        public static let invalidQuotedPrintable = Code("invalid-quoted-printable")
        /// A uuencoded body that could not be decoded; the raw bytes are kept.
        public static let invalidUUEncoding = Code("invalid-uuencoding")
        /// A charset label that is not known; text was decoded by guessing.
        public static let unknownCharset = Code("unknown-charset")
        /// Bytes that are invalid in the declared charset.
        public static let invalidByteSequence = Code("invalid-byte-sequence")
        /// An RFC 2047 encoded word that could not be decoded.
        public static let invalidEncodedWord = Code("invalid-encoded-word")
        /// Nesting deeper than ``MIMELimits/maxDepth``; the rest is kept as an unparsed body.
        public static let depthLimit = Code("depth-limit")
        /// More parts than ``MIMELimits/maxParts``; the rest is kept as an unparsed epilogue.
        public static let partLimit = Code("part-limit")
        /// A header block over ``MIMELimits/maxHeaderBytes`` or ``MIMELimits/maxHeaderFields``; the rest was skipped.
        public static let headerLimit = Code("header-limit")
        /// Raw 8-bit bytes in a header (RFC 5322 allows ASCII only; RFC 6532 allows UTF-8).
        public static let nonASCIIHeader = Code("non-ascii-header")
        /// Obsolete syntax such as whitespace before the colon.
        public static let obsoleteHeaderSyntax = Code("obsolete-header-syntax")
    }

    public var code: Code
    /// The byte offset in the message where it was found.
    public var offset: Int
    /// The 1-based line in the message, when known.
    public var line: Int?
    /// Free text for a human.
    public var detail: String

    public init(_ code: Code, offset: Int, line: Int? = nil, detail: String = "") {
        self.code = code
        self.offset = offset
        self.line = line
        self.detail = detail
    }

    public var description: String {
        let l = line.map { " line \($0)" } ?? ""
        return "\(code) at \(offset)\(l)\(detail.isEmpty ? "" : ": \(detail)")"
    }
}

/// Named bounds on what a message may make the parser do.
public struct MIMELimits: Sendable, Hashable {
    /// The deepest nesting of multiparts and attached messages (`mime.maxDepth`, 64).
    public var maxDepth: Limit
    /// The most parts in one message (`mime.maxParts`, 4096).
    public var maxParts: Limit
    /// The most header bytes kept per part (`mime.maxHeaderBytes`, 1 MiB).
    public var maxHeaderBytes: Limit
    /// The most header fields kept per part (`mime.maxHeaderFields`, 2000).
    public var maxHeaderFields: Limit

    public init(
        maxDepth: Limit = Limit("mime.maxDepth", 64),
        maxParts: Limit = Limit("mime.maxParts", 4096),
        maxHeaderBytes: Limit = Limit("mime.maxHeaderBytes", 1 << 20),
        maxHeaderFields: Limit = Limit("mime.maxHeaderFields", 2000)
    ) {
        self.maxDepth = maxDepth
        self.maxParts = maxParts
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderFields = maxHeaderFields
    }

    /// The defaults above.
    public static let `default` = MIMELimits()
}
