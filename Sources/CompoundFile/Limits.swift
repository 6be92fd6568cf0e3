import ByteCursor

/// The bounds that untrusted compound files are held to while parsing and reading streams.
///
/// Parsing never allocates in proportion to a declared count or size: tables are sized by the sectors actually
/// present in the input, and these limits cap them. A stream read returns at most ``maxStreamBytes`` bytes, so a
/// 2 GB embedded object is never read into memory.
public struct CFBLimits: Sendable, Hashable {
    /// The most sectors addressed: FAT entries kept, and mini FAT entries kept. Sectors past it are out of range.
    public var maxSectors: Limit
    /// The most directory entries read.
    public var maxDirectoryEntries: Limit
    /// The most bytes one stream read returns; longer streams come back cut, with ``CFBStream/truncated`` set.
    public var maxStreamBytes: Limit
    /// The deepest storage nesting walked; storages below it are listed but their children are not.
    public var maxDepth: Limit
    /// The most anomalies of one code recorded for one file; one more says that the rest were dropped.
    public var maxAnomalies: Limit

    public init(
        maxSectors: Limit = Limit("cfb.maxSectors", 1 << 22),
        maxDirectoryEntries: Limit = Limit("cfb.maxDirectoryEntries", 1 << 16),
        maxStreamBytes: Limit = Limit("cfb.maxStreamBytes", 64 << 20),
        maxDepth: Limit = Limit("cfb.maxDepth", 64),
        maxAnomalies: Limit = Limit("cfb.maxAnomalies", 256)
    ) {
        self.maxSectors = maxSectors
        self.maxDirectoryEntries = maxDirectoryEntries
        self.maxStreamBytes = maxStreamBytes
        self.maxDepth = maxDepth
        self.maxAnomalies = maxAnomalies
    }

    /// The defaults: 4,194,304 sectors, 65,536 directory entries, 64 MiB per stream read, 64 levels of storages,
    /// 256 anomalies per code.
    public static let `default` = CFBLimits()
}
