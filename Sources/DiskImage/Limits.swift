import ByteCursor

/// The bounds that untrusted images are held to while listing and reading.
///
/// Listing allocates in proportion to what it finds (entries, directory bytes), never to a declared count or
/// size; reading streams through a ``PaddingStripper``, so memory stays near the caller's keep limit whatever
/// the entry's size.
public struct DiskImageLimits: Sendable, Hashable {
    /// The most entries (files and directories, all views together) listed from one image.
    public var maxEntries: Limit
    /// The deepest directory nesting followed.
    public var maxDepth: Limit
    /// The largest directory read (an ISO directory extent, a UDF directory file, a FAT directory chain).
    public var maxDirectoryBytes: Limit
    /// The most extents (ISO multi-extent records, UDF allocation descriptors, FAT cluster runs) of one file.
    public var maxExtentsPerFile: Limit
    /// The most FAT entries followed while listing, all chains together.
    public var maxClusterVisits: Limit
    /// The most volume descriptors (ISO 9660 and UDF sequences) read.
    public var maxDescriptors: Limit
    /// The most bytes read for one entry, padding and sparse zeros included.
    public var maxReadBytesPerEntry: Limit
    /// The most anomalies of one code recorded for one image; one more says that the rest were dropped.
    public var maxAnomalies: Limit
    /// The shortest run of zero bytes that counts as padding and is dropped while reading.
    public var minimumPaddingRun: Int

    public init(
        maxEntries: Limit = Limit("image.maxEntries", 65_536),
        maxDepth: Limit = Limit("image.maxDepth", 64),
        maxDirectoryBytes: Limit = Limit("image.maxDirectoryBytes", 16 << 20),
        maxExtentsPerFile: Limit = Limit("image.maxExtentsPerFile", 65_536),
        maxClusterVisits: Limit = Limit("image.maxClusterVisits", 1 << 24),
        maxDescriptors: Limit = Limit("image.maxDescriptors", 256),
        maxReadBytesPerEntry: Limit = Limit("image.maxReadBytesPerEntry", 4 << 30),
        maxAnomalies: Limit = Limit("image.maxAnomalies", 1024),
        minimumPaddingRun: Int = 1 << 20
    ) {
        self.maxEntries = maxEntries
        self.maxDepth = maxDepth
        self.maxDirectoryBytes = maxDirectoryBytes
        self.maxExtentsPerFile = maxExtentsPerFile
        self.maxClusterVisits = maxClusterVisits
        self.maxDescriptors = maxDescriptors
        self.maxReadBytesPerEntry = maxReadBytesPerEntry
        self.maxAnomalies = maxAnomalies
        self.minimumPaddingRun = minimumPaddingRun
    }

    /// The defaults: 65,536 entries, depth 64, 16 MiB directories, 65,536 extents per file, 16 Mi cluster
    /// visits, 256 descriptors, 4 GiB read per entry, 1,024 anomalies per code, 1 MiB padding runs.
    public static let `default` = DiskImageLimits()
}
