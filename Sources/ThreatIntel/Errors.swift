import ByteCursor

/// An error that stops a whole import or store operation (a malformed row is not an error: it becomes a
/// ``RowIssue`` and the import goes on).
///
/// Equality and hashing consider the ``code`` only, so tests assert on the code while the description keeps the
/// details.
public struct ThreatIntelError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The format could not be recognised from the content (and none was given).
        public static let unknownFormat = Code("unknown-format")
        /// A JSON feed is not well-formed JSON or does not have the feed's shape.
        public static let malformedJSON = Code("malformed-json")
        /// A named limit was exceeded for the input as a whole.
        public static let limitExceeded = Code("limit-exceeded")
        /// The input is not UTF-8 text.
        public static let notText = Code("not-text")
        /// The SQLite store failed (cannot be opened, written, or has an unexpected schema).
        public static let store = Code("store")
    }

    public let code: Code
    /// The 1-based line of the input where it happened, when known.
    public let line: Int?
    public let reason: String
    public let file: String
    public let sourceLine: UInt

    public init(_ code: Code, _ reason: String, line: Int? = nil, file: String = #fileID, sourceLine: UInt = #line) {
        self.code = code
        self.reason = reason
        self.line = line
        self.file = file
        self.sourceLine = sourceLine
    }

    public var description: String {
        let at = line.map { " at line \($0)" } ?? ""
        return "ThreatIntelError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: ThreatIntelError, rhs: ThreatIntelError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    @inline(never)
    static func limitExceeded(
        _ limit: Limit,
        value: Int,
        line: Int? = nil,
        file: String = #fileID,
        sourceLine: UInt = #line
    )
        -> ThreatIntelError
    {
        ThreatIntelError(
            .limitExceeded,
            "\(limit.name): \(value) exceeds \(limit.maximum)",
            line: line,
            file: file,
            sourceLine: sourceLine
        )
    }
}

/// A row of a feed that was skipped, with its line number and why.
public struct RowIssue: Hashable, Sendable, CustomStringConvertible {
    /// Why a row was skipped; stable across releases.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A quoted field was not closed on its line.
        public static let unterminatedQuote = Reason("unterminated-quote")
        /// The row has fewer fields than the layout needs.
        public static let missingField = Reason("missing-field")
        /// The IOC value is not a valid IP, domain, URL or digest for its kind.
        public static let invalidValue = Reason("invalid-value")
        /// The IOC type is one Emoguard does not match (ThreatFox `sha3_384_hash`, ...).
        public static let unsupportedType = Reason("unsupported-type")
        /// A JSON entry is not an object, or a field has the wrong JSON type.
        public static let invalidEntry = Reason("invalid-entry")
        /// The line is longer than ``IntelLimits/maxLineBytes``.
        public static let lineTooLong = Reason("line-too-long")
        /// The row has more fields than ``IntelLimits/maxFields``.
        public static let tooManyFields = Reason("too-many-fields")
        /// The line is not valid UTF-8.
        public static let notText = Reason("not-text")
    }

    /// The 1-based line number in the input.
    public var line: Int
    public var reason: Reason
    /// Details for people (`"dst_ip '999.1.1.1' is not an IP address"`).
    public var detail: String

    public init(line: Int, reason: Reason, detail: String) {
        self.line = line
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "line \(line): \(reason): \(detail)" }
}
