/// An error from the Scripts module, thrown where there is nothing to return (a Script Encoder block that cannot
/// be decoded).
///
/// ``ScriptAnalyzer/analyze(_:language:location:limits:)`` never throws: what goes wrong while analysing becomes
/// an anomaly in ``ScriptAnalysis/anomalies``. Equality and hashing consider the ``code`` only, so tests can write
/// `#expect(throws: ScriptsError.badChecksum)` while the description keeps the details.
public struct ScriptsError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No `#@~^` Script Encoder marker in the input.
        public static let notEncoded = Code("not-encoded")
        /// The input ended inside an encoded block (length field, data, checksum or trailer).
        public static let truncated = Code("truncated")
        /// A length or checksum field is not six Base64 digits and `==`, or an escape is not one of `@#&!*$`.
        public static let malformed = Code("malformed")
        /// The block decoded, but its checksum does not match the decoded characters.
        public static let badChecksum = Code("bad-checksum")
        /// A named limit (``ScriptLimits``) was exceeded.
        public static let limitExceeded = Code("limit-exceeded")
    }

    public let code: Code
    /// Where in the input it happened, when known.
    public let offset: Int?
    public let reason: String
    public let file: String
    public let line: UInt

    public init(_ code: Code, _ reason: String, offset: Int? = nil, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.file = file
        self.line = line
    }

    public var description: String {
        let at = offset.map { " at offset \($0)" } ?? ""
        return "ScriptsError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: ScriptsError, rhs: ScriptsError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notEncoded = ScriptsError(.notEncoded, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let truncated = ScriptsError(.truncated, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let malformed = ScriptsError(.malformed, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badChecksum = ScriptsError(.badChecksum, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let limitExceeded = ScriptsError(.limitExceeded, "")
}
