/// An error thrown by the ZIP module when an archive cannot be read at all or an entry cannot be extracted.
///
/// Everything that can be recovered from while parsing becomes a ``ZIPAnomaly`` instead; `ZIPError` is for the
/// cases where there is nothing left to return. Equality and hashing consider the ``code`` only, so tests can write
/// `#expect(throws: ZIPError.wrongPassword)` style checks while the description keeps the details.
public struct ZIPError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Neither an end of central directory record nor a local file header was found.
        public static let notZIP = Code("not-zip")
        /// The entry's data or a header ran past the end of the input.
        public static let truncated = Code("truncated")
        /// The entry's local header could not be read, so its data cannot be located.
        public static let badLocalHeader = Code("bad-local-header")
        /// The compression method is recognised (or not) but not implemented: deflate64, bzip2, LZMA, zstd, PPMd...
        public static let unsupportedMethod = Code("unsupported-method")
        /// The encryption scheme is recognised but not implemented (PKWARE strong encryption).
        public static let unsupportedEncryption = Code("unsupported-encryption")
        /// The entry is encrypted and no password was given.
        public static let passwordRequired = Code("password-required")
        /// The password failed the check byte (ZipCrypto) or the password verifier (WinZip AES), or the data it
        /// decrypted does not inflate.
        public static let wrongPassword = Code("wrong-password")
        /// The entry is encrypted and its decrypted content fails the CRC-32 or the AES authentication code.
        public static let badCRC = Code("bad-crc")
        /// The compressed stream of an unencrypted entry is not valid deflate.
        public static let corruptData = Code("corrupt-data")
        /// zlib or the crypto library failed for a reason unrelated to the input.
        public static let internalFailure = Code("internal-failure")
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
        return "ZIPError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: ZIPError, rhs: ZIPError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notZIP = ZIPError(.notZIP, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let wrongPassword = ZIPError(.wrongPassword, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badCRC = ZIPError(.badCRC, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let unsupportedMethod = ZIPError(.unsupportedMethod, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let passwordRequired = ZIPError(.passwordRequired, "")
}
