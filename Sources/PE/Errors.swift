/// An error thrown by the PE module when the input has no MZ header, no PE header, or ends inside the COFF header.
///
/// Everything after the COFF file header that can be recovered from becomes a ``PEAnomaly`` instead; `PEError` is
/// for the cases where there is nothing left to return. Equality and hashing consider the ``code`` only, so tests
/// can write `#expect(throws: PEError.notPE)` style checks while the description keeps the details.
public struct PEError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input does not start with `MZ`.
        public static let notPE = Code("not-pe")
        /// There is an MZ header but no `PE\0\0` signature where `e_lfanew` points (a DOS program, or garbage).
        public static let noPEHeader = Code("no-pe-header")
        /// The input ends inside the DOS header, the PE signature or the COFF file header.
        public static let truncated = Code("truncated")
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
        return "PEError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: PEError, rhs: PEError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notPE = PEError(.notPE, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let noPEHeader = PEError(.noPEHeader, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let truncated = PEError(.truncated, "")
}
