import ByteCursor

/// The bounds that untrusted VBA projects are held to.
///
/// Parsing allocates in proportion to what it finds, never to a declared count, and these limits cap that. A limit
/// that is hit becomes an ``OfficeMacrosError`` with code `limit-exceeded` naming it, and the part that fit is kept.
public struct VBALimits: Sendable, Hashable {
    /// The most bytes one MS-OVBA compressed container (a `dir` stream, a module's source) decompresses to.
    public var maxDecompressedBytes: Limit
    /// The most modules read from one project.
    public var maxModules: Limit
    /// The most records read from one `dir` stream.
    public var maxDirRecords: Limit
    /// The most VBA projects read from one compound file.
    public var maxProjects: Limit
    /// The most `key=value` lines kept from one `PROJECT` stream.
    public var maxProjectStreamLines: Limit
    /// The most bytes of decompressed source, over all modules of one compound file.
    public var maxTotalSourceBytes: Limit
    /// The most embedded storages (PowerPoint `ExOleObjStg` records) examined in one file.
    public var maxEmbeddedStorages: Limit

    public init(
        maxDecompressedBytes: Limit = Limit("vba.maxDecompressedBytes", 16 << 20),
        maxModules: Limit = Limit("vba.maxModules", 2048),
        maxDirRecords: Limit = Limit("vba.maxDirRecords", 65_536),
        maxProjects: Limit = Limit("vba.maxProjects", 64),
        maxProjectStreamLines: Limit = Limit("vba.maxProjectStreamLines", 8192),
        maxTotalSourceBytes: Limit = Limit("vba.maxTotalSourceBytes", 64 << 20),
        maxEmbeddedStorages: Limit = Limit("vba.maxEmbeddedStorages", 64)
    ) {
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxModules = maxModules
        self.maxDirRecords = maxDirRecords
        self.maxProjects = maxProjects
        self.maxProjectStreamLines = maxProjectStreamLines
        self.maxTotalSourceBytes = maxTotalSourceBytes
        self.maxEmbeddedStorages = maxEmbeddedStorages
    }

    /// The defaults: 16 MiB per container, 2,048 modules, 65,536 dir records, 64 projects, 64 MiB of source.
    public static let `default` = VBALimits()
}
