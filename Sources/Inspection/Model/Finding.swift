/// How bad a finding is, from informational to certainly malicious.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case info, low, medium, high, critical

    var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// Where in the artifact tree a finding's evidence lies.
///
/// `path` names the artifact (`message/attachment[2] invoice.zip/請求書.xlsm`); `offset` is a byte offset inside
/// that artifact and `line` a 1-based line number, when they apply.
public struct Evidence: Codable, Sendable, Hashable {
    public var path: String
    public var offset: Int?
    public var line: Int?
    /// A short excerpt or value that supports the finding (a file name, a password source, a header value).
    public var detail: String?

    public init(path: String = "", offset: Int? = nil, line: Int? = nil, detail: String? = nil) {
        self.path = path
        self.offset = offset
        self.line = line
        self.detail = detail
    }
}

/// What an analyzer observed, before the rule table gives it a severity and a score.
public struct Fact: Sendable, Hashable {
    public var rule: RuleID
    /// One line saying what was seen, specific to this occurrence ("password-protected ZIP not opened by 4 candidates").
    public var message: String
    public var evidence: Evidence

    /// A fact about the artifact being analyzed; `within` names a place inside it (a stream, a part, a cell sheet).
    public init(
        _ rule: RuleID, _ message: String, within: String = "", offset: Int? = nil, line: Int? = nil,
        detail: String? = nil
    ) {
        self.rule = rule
        self.message = message
        self.evidence = Evidence(path: within, offset: offset, line: line, detail: detail)
    }
}

/// A fact the rule table has judged: a stable ID, a severity, a score and an explanation.
public struct Finding: Codable, Sendable, Hashable {
    /// Stable identifier of the rule, such as `zip.encrypted-unopened`.
    public var id: String
    public var severity: Severity
    public var score: Double
    /// The rule's one-line summary, the same for every occurrence.
    public var title: String
    /// What was seen in this occurrence.
    public var message: String
    public var evidence: Evidence

    public init(id: String, severity: Severity, score: Double, title: String, message: String, evidence: Evidence) {
        self.id = id
        self.severity = severity
        self.score = score
        self.title = title
        self.message = message
        self.evidence = evidence
    }
}
