/// An error from the HTML module's decoders (Base64, percent and hex escapes, `data:` URLs).
///
/// ``HTMLAnalysis/analyze(_:limits:)`` never throws: a decoder error becomes an ``HTMLAnomaly`` (code
/// `invalid-encoding` or `limit-exceeded`) and the analysis goes on. Equality and hashing consider the ``code``
/// only, so tests can write `#expect(throws: HTMLError.invalidEncoding)` while the description keeps the details.
public struct HTMLError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The text is not valid in the encoding it claims (a character outside the Base64 alphabet, a `%` not
        /// followed by two hex digits, an odd number of hex digits).
        public static let invalidEncoding = Code("invalid-encoding")
        /// A `data:` URL without the comma that ends its header.
        public static let malformedDataURL = Code("malformed-data-url")
    }

    public let code: Code
    /// Where in the text it happened, when known.
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
        return "HTMLError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: HTMLError, rhs: HTMLError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let invalidEncoding = HTMLError(.invalidEncoding, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let malformedDataURL = HTMLError(.malformedDataURL, "")
}
