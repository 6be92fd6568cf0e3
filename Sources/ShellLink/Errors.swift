/// An error thrown by the ShellLink module when the input is not a shell link at all or its header is cut short.
///
/// Everything after the 76-byte header that can be recovered from becomes a ``ShellLinkAnomaly`` instead;
/// `ShellLinkError` is for the cases where there is nothing left to return. Equality and hashing consider the
/// ``code`` only, so tests can write `#expect(throws: ShellLinkError.notShellLink)` style checks while the
/// description keeps the details.
public struct ShellLinkError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input does not start with a header size of 0x4C followed by the shell link CLSID
        /// `00021401-0000-0000-C000-000000000046`.
        public static let notShellLink = Code("not-shell-link")
        /// The input starts like a shell link but ends inside the 76-byte header.
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
        return "ShellLinkError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: ShellLinkError, rhs: ShellLinkError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notShellLink = ShellLinkError(.notShellLink, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let truncated = ShellLinkError(.truncated, "")
}
