/// Something structurally wrong or suspicious that the parser recovered from.
///
/// Anomalies are facts for the engine's rules: an archive with a hidden local entry or overlapping entries still
/// parses, and the anomaly says what a naive unzip would have missed.
public struct ZIPAnomaly: Sendable, Hashable, CustomStringConvertible {
    /// The kind of anomaly; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Name, method, flags, sizes or CRC differ between the central directory and the local header (or the
        /// data descriptor).
        public static let localCentralMismatch = Code("local-central-mismatch")
        /// Two entries share or overlap their local data: the non-recursive zip bomb (Fifield 2019).
        public static let overlappingEntries = Code("overlapping-entries")
        /// A local header that the central directory does not list: a payload most tools do not show.
        public static let entryNotInCentralDirectory = Code("entry-not-in-central-directory")
        /// The end record's entry count or directory size disagrees with the central directory found.
        public static let centralDirectoryCountMismatch = Code("central-directory-count-mismatch")
        /// No usable central directory: the entries come from scanning local headers.
        public static let noCentralDirectory = Code("no-central-directory")
        /// A record or an entry's data runs past the end of the input.
        public static let truncated = Code("truncated")
        /// Bytes before the first local header (self-extractor stub, polyglot, or a hidden prefix).
        public static let dataBeforeArchive = Code("data-before-archive")
        /// Bytes after the end of central directory record and its comment.
        public static let dataAfterArchive = Code("data-after-archive")
        /// More than one end of central directory record (concatenated archives, or a decoy in the comment).
        public static let multipleEndRecords = Code("multiple-end-records")
        /// A declared or measured inflation ratio typical of bombs and padded documents.
        public static let suspiciousCompressionRatio = Code("suspicious-compression-ratio")
        /// Two entries with the same name.
        public static let duplicateName = Code("duplicate-name")
        /// A name that climbs out of the extraction folder: "../", an absolute path, a drive letter, a backslash.
        public static let pathTraversal = Code("path-traversal")
        /// An entry whose content fails its CRC-32.
        public static let badCRC = Code("bad-crc")
        /// A compression method that ``ZIPArchive/extract(_:password:limits:)`` cannot decompress.
        public static let unsupportedMethod = Code("unsupported-method")
        /// An encrypted entry whose local header name differs from its central directory name (masked or
        /// rewritten names hide what the encrypted file really is).
        public static let encryptedNameMismatch = Code("encrypted-name-mismatch")
        /// An end record comment length that does not match the bytes that follow it.
        public static let badCommentLength = Code("bad-comment-length")
        /// A named limit was reached; the rest was not read.
        public static let limitExceeded = Code("limit-exceeded")
        /// A header field that cannot be right (a ZIP64 marker without the ZIP64 field, an extra field that
        /// overruns its block, an offset outside the input).
        public static let malformedHeader = Code("malformed-header")
        /// Too many anomalies; the rest were dropped.
        public static let tooManyAnomalies = Code("too-many-anomalies")
    }

    public var code: Code
    /// The entry it concerns (``ZIPEntry/index``), if any.
    public var entryIndex: Int?
    /// Where in the input, if known.
    public var offset: Int?
    /// What exactly was found, for the report.
    public var detail: String

    public init(_ code: Code, entryIndex: Int? = nil, offset: Int? = nil, detail: String) {
        self.code = code
        self.entryIndex = entryIndex
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        var s = code.rawValue
        if let entryIndex { s += " entry \(entryIndex)" }
        if let offset { s += " at \(offset)" }
        return s + ": " + detail
    }
}
