/// Something structurally wrong or suspicious in a compound file that the parser recovered from.
///
/// Anomalies are facts for the engine's rules: a document whose FAT loops or whose streams share sectors still
/// opens, every stream read stops safely, and the anomaly says what a naive reader would have tripped over.
public struct CFBAnomaly: Sendable, Hashable, CustomStringConvertible {
    /// The kind of anomaly; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A sector chain followed through the FAT visits a sector twice (stream, directory, mini FAT or mini
        /// stream chain).
        public static let fatLoop = Code("fat-loop")
        /// The chain of DIFAT sectors visits a sector twice.
        public static let difatLoop = Code("difat-loop")
        /// A mini stream chain followed through the mini FAT visits a mini sector twice.
        public static let miniFATLoop = Code("minifat-loop")
        /// A chain points at a sector (or mini sector) that does not exist, or at a special marker (FREESECT,
        /// FATSECT, DIFSECT) where a sector number belongs.
        public static let sectorOutOfRange = Code("sector-out-of-range")
        /// The file ends inside a sector: the final sector is short, or a stream needs bytes past the end.
        public static let truncatedSector = Code("truncated-sector")
        /// A declared size disagrees with its chain: the stream is larger than its chain holds, the chain is longer
        /// than the size needs, or a header count disagrees with what was found.
        public static let sizeMismatch = Code("size-mismatch")
        /// A version 3 file (512-byte sectors) sets the high 32 bits of a stream size; they are ignored.
        public static let sizeHighBits = Code("size-high-bits")
        /// Two streams, or a stream and a file structure (FAT, DIFAT, directory, mini FAT), claim the same sector.
        public static let overlappingStreams = Code("overlapping-streams")
        /// The directory tree reaches an entry twice: a cycle back to an ancestor, or an entry shared by two
        /// parents. It is listed once and not followed again.
        public static let directoryCycle = Code("directory-cycle")
        /// A left, right or child id points past the directory.
        public static let directoryOutOfRange = Code("directory-out-of-range")
        /// A directory entry that cannot be right: an unused entry inside the tree, a second root, a name length
        /// that is odd or longer than 64 bytes, a missing root entry.
        public static let badDirectoryEntry = Code("bad-directory-entry")
        /// Two entries of one storage have the same name (ignoring case); lookups by path find the first only.
        public static let duplicateName = Code("duplicate-name")
        /// A header field that cannot be right but that the parser could work around (byte order, version, counts,
        /// mini stream cutoff).
        public static let badHeader = Code("bad-header")
        /// The sector size does not match the major version (a version 4 header with 512-byte sectors), or the
        /// mini sector size is not 64.
        public static let badSectorSize = Code("bad-sector-size")
        /// A stream size larger than the whole file (or the whole mini stream): it cannot be true.
        public static let absurdSize = Code("absurd-size")
        /// A named limit was reached; the rest was not read.
        public static let limitExceeded = Code("limit-exceeded")
        /// Bytes after the last sector that the FAT allocates: appended data most readers never look at.
        public static let trailingData = Code("trailing-data")
        /// Too many anomalies of one code; the rest were dropped.
        public static let tooManyAnomalies = Code("too-many-anomalies")
    }

    public var code: Code
    /// The directory entry it concerns (``CFBEntry/id``), if any.
    public var entryID: Int?
    /// Where in the input, if known.
    public var offset: Int?
    /// What exactly was found, for the report.
    public var detail: String

    public init(_ code: Code, entryID: Int? = nil, offset: Int? = nil, detail: String) {
        self.code = code
        self.entryID = entryID
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        var s = code.rawValue
        if let entryID { s += " entry \(entryID)" }
        if let offset { s += " at \(offset)" }
        return s + ": " + detail
    }
}
