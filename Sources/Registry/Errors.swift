/// An error thrown by the Registry module when the input is not a registry hive at all, or its base block or root
/// key is unusable.
///
/// Everything that can be recovered from while parsing becomes a ``RegistryAnomaly`` instead: a broken cell, a
/// looping subkey list or a truncated value leaves the rest of the hive readable. `RegistryError` is for the cases
/// where there is nothing left to return. Equality and hashing consider the ``code`` only, so tests can write
/// `#expect(throws: RegistryError.notRegistry)` style checks while the description keeps the details.
public struct RegistryError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input does not start with the `regf` signature.
        public static let notRegistry = Code("not-registry")
        /// The input ends inside the 4,096-byte base block, or before the first hive bin.
        public static let truncated = Code("truncated")
        /// A base block field makes the hive unreadable: an unknown major version, a file type that is not a
        /// primary file, a hive bins data size that is not a multiple of 4,096.
        public static let badBaseBlock = Code("bad-base-block")
        /// The root cell offset does not lead to a key node.
        public static let badRoot = Code("bad-root")
        /// A named limit was exceeded before anything could be returned (the hive is larger than
        /// ``RegistryLimits/maxHiveBytes``).
        public static let limitExceeded = Code("limit-exceeded")
    }

    public let code: Code
    /// Where in the input it happened (a file offset), when known.
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
        return "RegistryError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: RegistryError, rhs: RegistryError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notRegistry = RegistryError(.notRegistry, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let truncated = RegistryError(.truncated, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badBaseBlock = RegistryError(.badBaseBlock, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badRoot = RegistryError(.badRoot, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let limitExceeded = RegistryError(.limitExceeded, "")
}
