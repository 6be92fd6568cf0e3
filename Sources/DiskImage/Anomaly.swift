/// Something structurally wrong or suspicious in an image that the parser recovered from.
///
/// Anomalies are facts for the engine's rules: an image whose directory points back at its parent still lists,
/// and the anomaly says what a naive reader would have looped on.
public struct DiskImageAnomaly: Sendable, Hashable, CustomStringConvertible {
    /// The kind of anomaly; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input ends before the size the volume declares (a cut-off download, or a crafted size).
        public static let truncated = Code("truncated")
        /// A file or directory extent lies (partly) beyond the end of the volume.
        public static let extentBeyondEnd = Code("extent-beyond-end")
        /// A directory that contains itself or one of its ancestors (directory records pointing backwards).
        public static let directoryLoop = Code("directory-loop")
        /// A FAT cluster chain that loops, ends early, or runs through free or reserved clusters.
        public static let badClusterChain = Code("bad-cluster-chain")
        /// A record that cannot be right: a length that overruns its sector, a field out of range.
        public static let malformedRecord = Code("malformed-record")
        /// A descriptor tag checksum or CRC that fails (UDF), or a VHD footer checksum.
        public static let badChecksum = Code("bad-checksum")
        /// The little- and big-endian copies of an ISO 9660 both-endian field differ.
        public static let bothEndianMismatch = Code("both-endian-mismatch")
        /// A file the primary view (UDF, then Joliet, then ISO 9660) does not show: visible only to some readers.
        public static let viewMismatch = Code("view-mismatch")
        /// A name with a path separator, a control character, "." or "..".
        public static let suspiciousName = Code("suspicious-name")
        /// Non-zero bytes after the end the volume, partition table or VHD footer declares (an appended payload,
        /// or a footer cut short).
        public static let dataAfterVolume = Code("data-after-volume")
        /// A declared size that disagrees with what is there (VHD current size, FAT chain length, file sizes).
        public static let sizeMismatch = Code("size-mismatch")
        /// A structure this reader recognises but does not read (dynamic VHD, VHDX, NTFS, UDF metadata or
        /// virtual partitions, extended allocation descriptors).
        public static let unsupportedFeature = Code("unsupported-feature")
        /// A named limit was reached; the rest was not read.
        public static let limitExceeded = Code("limit-exceeded")
        /// Too many anomalies of one code; the rest were dropped.
        public static let tooManyAnomalies = Code("too-many-anomalies")
    }

    public var code: Code
    /// The entry path it concerns, if any.
    public var path: String?
    /// Where in the input, if known.
    public var offset: Int?
    /// What exactly was found, for the report.
    public var detail: String

    public init(_ code: Code, path: String? = nil, offset: Int? = nil, detail: String) {
        self.code = code
        self.path = path
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        var s = code.rawValue
        if let path { s += " " + path }
        if let offset { s += " at \(offset)" }
        return s + ": " + detail
    }
}
