import ByteCursor

/// One thing to inspect: bytes, where they came from, and what the container said about them.
public struct Artifact: Sendable {
    /// The path segment naming this artifact inside its parent (`attachment[2] invoice.zip`, `請求書.xlsm`).
    public var segment: String
    /// The file name the container gave it, if any.
    public var name: String?
    /// The bytes (padding already dropped, if any was found).
    public var bytes: ArraySlice<UInt8>
    /// The type the container declared (a MIME Content-Type), if any.
    public var declaredType: String?
    /// The size before padding was dropped, when padding was dropped.
    public var originalSize: Int?
    /// Zero runs dropped from the original.
    public var padding: [ZeroRun]
    /// Whether the content was cut at a size limit.
    public var truncated: Bool
    /// Whether it came out of a password-protected container.
    public var fromEncryptedContainer: Bool
    /// Context handed to this artifact's analyzers (password candidates and the like); nil: the parent's.
    public var context: InspectionContext?
    /// Properties its container knew about it, for the report (`zip.method`, `mime.part`).
    public var properties: [String: String]

    public init(
        segment: String, name: String? = nil, bytes: ArraySlice<UInt8>, declaredType: String? = nil,
        originalSize: Int? = nil, padding: [ZeroRun] = [], truncated: Bool = false,
        fromEncryptedContainer: Bool = false, context: InspectionContext? = nil, properties: [String: String] = [:]
    ) {
        self.segment = segment
        self.name = name
        self.bytes = bytes
        self.declaredType = declaredType
        self.originalSize = originalSize
        self.padding = padding
        self.truncated = truncated
        self.fromEncryptedContainer = fromEncryptedContainer
        self.context = context
        self.properties = properties
    }
}

/// What an analyzer found in one artifact.
public struct AnalysisOutput: Sendable {
    public var children: [Artifact] = []
    public var facts: [Fact] = []
    /// Properties for the report (`mime.subject`, `zip.entries`).
    public var properties: [String: String] = [:]
    /// Context for the children, when the analyzer adds to it (password candidates from a mail body).
    public var childContext: InspectionContext?

    public init() {}
}

/// One analyzer per format: bytes in; children, facts and properties out.
///
/// Analyzers never throw: a part that fails to parse becomes a fact (`engine.parse-error` or a format-specific
/// rule) and the scan goes on, as Strelka's scanners do.
public protocol Analyzer: Sendable {
    /// A short name for logs and the report (`mime`, `zip`).
    var name: String { get }
    /// Inspects `artifact`, spending from `budget`.
    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput
}

/// What flows down the artifact tree: facts about the enclosing mail that analyzers below may use.
public struct InspectionContext: Sendable, Hashable {
    /// Passwords to try on encrypted containers, best first.
    public var passwordCandidates: [PasswordCandidate] = []
    /// The subject of the nearest enclosing message.
    public var subject: String?
    /// What the organisation configured for the mail-level rules (own domains, protected names, ...).
    public var mailPolicy: MailPolicy

    public init(passwordCandidates: [PasswordCandidate] = [], subject: String? = nil, mailPolicy: MailPolicy = .default) {
        self.passwordCandidates = passwordCandidates
        self.subject = subject
        self.mailPolicy = mailPolicy
    }
}
