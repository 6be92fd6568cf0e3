import ByteCursor

/// The bounds that an untrusted feed file is held to.
///
/// Row-level limits (line length, field count, value length) make the row a ``RowIssue`` and the import goes on;
/// input-level limits (size, rows, JSON depth) stop the import with ``ThreatIntelError/Code/limitExceeded``.
public struct IntelLimits: Sendable, Hashable {
    /// The largest feed file read (MalwareBazaar's full dump is ~150 MB; 1,000,000 URLhaus rows ~200 MB).
    public var maxInputBytes: Limit
    /// The most data rows (or JSON entries) read from one input.
    public var maxRows: Limit
    /// The longest line; a longer one is skipped as ``RowIssue/Reason/lineTooLong``.
    public var maxLineBytes: Limit
    /// The most fields in a CSV row; more is ``RowIssue/Reason/tooManyFields``.
    public var maxFields: Limit
    /// The longest IOC value (URLs are the long ones); a longer one is ``RowIssue/Reason/invalidValue``.
    public var maxValueBytes: Limit
    /// The deepest JSON nesting (the feeds nest 3 levels).
    public var maxJSONDepth: Limit
    /// The most row issues kept with their details; the rest are only counted.
    public var maxIssues: Limit

    public init(
        maxInputBytes: Limit = Limit("intel.maxInputBytes", 4 << 30),
        maxRows: Limit = Limit("intel.maxRows", 50_000_000),
        maxLineBytes: Limit = Limit("intel.maxLineBytes", 64 << 10),
        maxFields: Limit = Limit("intel.maxFields", 64),
        maxValueBytes: Limit = Limit("intel.maxValueBytes", 8 << 10),
        maxJSONDepth: Limit = Limit("intel.maxJSONDepth", 32),
        maxIssues: Limit = Limit("intel.maxIssues", 10_000)
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxRows = maxRows
        self.maxLineBytes = maxLineBytes
        self.maxFields = maxFields
        self.maxValueBytes = maxValueBytes
        self.maxJSONDepth = maxJSONDepth
        self.maxIssues = maxIssues
    }

    public static let `default` = IntelLimits()
}
