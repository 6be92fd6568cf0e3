import ByteCursor

/// Something structurally wrong or suspicious in a PE file that the parser recovered from.
///
/// Anomalies are facts for the engine's rules: an executable whose sections run past the end of the file, whose
/// export table claims a million names or whose import table points outside the image still yields every field
/// that could be read, and the anomaly says what a naive reader would have tripped over.
public struct PEAnomaly: Sendable, Hashable, CustomStringConvertible {
    /// The kind of anomaly; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The optional header is cut short, has an unknown magic, or SizeOfOptionalHeader disagrees with it.
        public static let badOptionalHeader = Code("bad-optional-header")
        /// The section table runs past the end of the file.
        public static let truncatedSectionTable = Code("truncated-section-table")
        /// A section's raw data lies (partly) past the end of the file: the bytes are missing.
        public static let sectionOutsideFile = Code("section-outside-file")
        /// A data directory's RVA maps to no section and no header byte, or its table runs past the end.
        public static let badDirectory = Code("bad-directory")
        /// The export directory is malformed: its name table points outside the file, a name repeats.
        public static let badExportTable = Code("bad-export-table")
        /// The import directory is malformed: a descriptor or thunk array points outside the file.
        public static let badImportTable = Code("bad-import-table")
        /// The security directory does not hold a WIN_CERTIFICATE with an Authenticode (PKCS #7) signature.
        public static let badCertificateTable = Code("bad-certificate-table")
        /// The entry point lies outside every section (and the headers).
        public static let entryPointOutsideSections = Code("entry-point-outside-sections")
        /// A section is both writable and executable.
        public static let writableExecutableSection = Code("writable-executable-section")
        /// Zero padding was dropped from this file before parsing (the detail says where: overlay or section).
        public static let zeroPadding = Code("zero-padding")
        /// The padding map handed to the parser does not fit the bytes; it was ignored.
        public static let badPaddingMap = Code("bad-padding-map")
        /// A named limit was reached; the rest of that structure was not read.
        public static let limitExceeded = Code("limit-exceeded")
        /// Too many anomalies of one code; the rest were dropped.
        public static let tooManyAnomalies = Code("too-many-anomalies")
    }

    public var code: Code
    /// Where in the input (original offsets, padding included), if known.
    public var offset: Int?
    /// What exactly was found, for the report.
    public var detail: String

    public init(_ code: Code, offset: Int? = nil, detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        var s = code.rawValue
        if let offset { s += " at \(offset)" }
        return s + ": " + detail
    }
}

/// Collects anomalies, at most `limit` of each code (one more says that the rest were dropped).
typealias AnomalyLog = CappedAnomalyLog<PEAnomaly>

extension CappedAnomalyLog where Anomaly == PEAnomaly {
    /// At most `limit` (at least 1) anomalies of each code; one more says that the rest were dropped.
    init(limit: Int) {
        let limit = max(1, limit)
        self.init(limit: limit) { code, offset in
            PEAnomaly(.tooManyAnomalies, offset: offset, detail: "more than \(limit) '\(code)' anomalies")
        }
    }
}

extension PEAnomaly: CappedAnomaly {}
