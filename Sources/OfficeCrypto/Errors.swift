import ByteCursor

/// An error thrown by the OfficeCrypto module: the encryption cannot be read, is not supported, or a limit was hit.
///
/// A wrong password is not an error: the decrypting functions return `nil` when no candidate fits. Equality and
/// hashing consider the ``code`` only, so tests can write `#expect(throws: OfficeCryptoError.unsupportedEncryption)`.
public struct OfficeCryptoError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The document carries no encryption this module knows about (no `EncryptionInfo`, no `FILEPASS`).
        public static let notEncrypted = Code("not-encrypted")
        /// The encryption is recognised but not implemented (Extensible encryption, XOR obfuscation, an
        /// unknown cipher or hash algorithm).
        public static let unsupportedEncryption = Code("unsupported-encryption")
        /// The encryption header (`EncryptionInfo`, `FILEPASS`, the agile XML descriptor) is malformed.
        public static let malformedEncryptionInfo = Code("malformed-encryption-info")
        /// A stream or record ended before a field did.
        public static let truncated = Code("truncated")
        /// A named limit (``OfficeCryptoLimits``) was exceeded.
        public static let limitExceeded = Code("limit-exceeded")
        /// The crypto library failed for a reason unrelated to the input.
        public static let internalFailure = Code("internal-failure")
    }

    public let code: Code
    /// Where in the stream it happened, when known.
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
        return "OfficeCryptoError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: OfficeCryptoError, rhs: OfficeCryptoError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// An error naming the `limit` that `value` exceeded.
    @inline(never)
    public static func limitExceeded(
        _ limit: Limit, value: Int, offset: Int? = nil, file: String = #fileID, line: UInt = #line
    ) -> OfficeCryptoError {
        OfficeCryptoError(
            .limitExceeded, "\(limit.name): \(value) exceeds \(limit.maximum)", offset: offset, file: file, line: line)
    }

    /// The error for a failed ``ByteCursor`` read: `truncated`, or `malformedEncryptionInfo` for other codes.
    static func reading(_ error: any Error, _ what: String) -> OfficeCryptoError {
        if let error = error as? OfficeCryptoError { return error }
        if let cursor = error as? CursorError {
            let code: Code = cursor.code == .truncated ? .truncated : .malformedEncryptionInfo
            return OfficeCryptoError(code, "\(what): \(cursor.reason)", offset: cursor.offset)
        }
        return OfficeCryptoError(.malformedEncryptionInfo, "\(what): \(error)")
    }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notEncrypted = OfficeCryptoError(.notEncrypted, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let unsupportedEncryption = OfficeCryptoError(.unsupportedEncryption, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let malformedEncryptionInfo = OfficeCryptoError(.malformedEncryptionInfo, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let truncated = OfficeCryptoError(.truncated, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let limitExceeded = OfficeCryptoError(.limitExceeded, "")
}
