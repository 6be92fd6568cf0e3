/// An error from the OfficeMacros module (VBA projects and Excel 4.0 macros) when a part cannot be read at all.
///
/// Everything that can be recovered from becomes an anomaly string or a partial result instead; this error is for
/// the cases where there is nothing left to return for that part (a project whose `dir` stream is corrupt, a module
/// whose stream is missing). Equality and hashing consider the ``code`` only, so tests can write
/// `#expect(throws: OfficeMacrosError.corruptCompression)` while the description keeps the details.
public struct OfficeMacrosError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases. Other files may add codes in extensions.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// An MS-OVBA compressed container is malformed (bad signature, bad chunk header, copy token before any
        /// output).
        public static let corruptCompression = Code("corrupt-compression")
        /// A record or stream ended before a field it declares.
        public static let truncated = Code("truncated")
        /// The `dir` stream's records could not be parsed.
        public static let corruptDirStream = Code("corrupt-dir-stream")
        /// A stream the project names (`dir`, a module stream, `PROJECT`) is missing from the compound file.
        public static let missingStream = Code("missing-stream")
        /// The `_VBA_PROJECT` stream header is malformed.
        public static let corruptVBAProjectStream = Code("corrupt-vba-project-stream")
        /// A module's source offset points outside its stream.
        public static let badModuleOffset = Code("bad-module-offset")
        /// A named limit (``VBALimits``, XLM limits) was exceeded.
        public static let limitExceeded = Code("limit-exceeded")
        /// The compound file (or another container) failed to give up a stream.
        public static let containerError = Code("container-error")
        /// An Excel 4.0 macro sheet or record could not be parsed.
        public static let corruptXLM = Code("corrupt-xlm")
        /// The content is in a form that is recognised but not supported.
        public static let unsupported = Code("unsupported")
    }

    public let code: Code
    /// Where in the stream it happened, when known.
    public let offset: Int?
    /// The stream or storage path it concerns, when known (`"Macros/VBA/dir"`).
    public let path: String?
    public let reason: String
    public let file: String
    public let line: UInt

    public init(
        _ code: Code,
        _ reason: String,
        offset: Int? = nil,
        path: String? = nil,
        file: String = #fileID,
        line: UInt = #line
    ) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.path = path
        self.file = file
        self.line = line
    }

    public var description: String {
        let at = offset.map { " at offset \($0)" } ?? ""
        let inPath = path.map { " in \($0)" } ?? ""
        return "OfficeMacrosError.\(code): \(reason)\(inPath)\(at)"
    }

    public static func == (lhs: OfficeMacrosError, rhs: OfficeMacrosError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let corruptCompression = OfficeMacrosError(.corruptCompression, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let truncated = OfficeMacrosError(.truncated, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let corruptDirStream = OfficeMacrosError(.corruptDirStream, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let missingStream = OfficeMacrosError(.missingStream, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let limitExceeded = OfficeMacrosError(.limitExceeded, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let corruptXLM = OfficeMacrosError(.corruptXLM, "")
}
