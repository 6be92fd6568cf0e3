/// An error thrown by the RTF module when the input is not RTF at all.
///
/// Everything that can be recovered from while parsing (unbalanced braces, odd hex digit counts, absurd `\bin`
/// lengths, objects that are not OLE) becomes an ``RTFAnomaly`` instead; `RTFError` is for the cases where there is
/// nothing to return. Equality and hashing consider the ``code`` only, so tests can write
/// `#expect(throws: RTFError.notRTF)` style checks while the description keeps the details.
public struct RTFError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input does not start with `{\rt`, the prefix Word needs to open a file as RTF.
        public static let notRTF = Code("not-rtf")
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
        return "RTFError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: RTFError, rhs: RTFError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notRTF = RTFError(.notRTF, "")
}
