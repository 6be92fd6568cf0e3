import ByteCursor

/// A parsed Compound File Binary (MS-CFB, "OLE2") container: the directory tree, and checked access to every
/// stream.
///
/// ```
///  [header 512 (+ padding to 4096 in v4)][sector 0][sector 1] ... [sector n]
///
///  header DIFAT (109 FAT sector numbers) --> DIFAT sectors (more FAT sector numbers, chained)
///  FAT: one 32-bit "next sector" per sector --> chains for the directory, the mini FAT, the mini stream, streams
///  directory: 128-byte entries; entry 0 is the root, siblings form a red-black tree (left/right), child = subtree
///  streams below the cutoff (4096) live in the mini stream, in 64-byte mini sectors chained by the mini FAT
/// ```
/// Parsing reads the header, the DIFAT, the FAT, the directory, the mini FAT and the locations of the mini stream,
/// walks the directory tree once (iteratively, each entry at most once) and checks every stream's chain against
/// its size. Nothing is copied: stream content is read on request with ``stream(_:)``, through chains that were
/// proven finite and in range while parsing. Everything wrong but survivable is an entry in ``anomalies``.
public struct CompoundFile: Sendable {
    /// The eight bytes every compound file starts with.
    public static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// Whether `bytes` start with the compound file signature.
    public static func hasSignature(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.starts(with: signature) }

    /// The header fields as read.
    public let header: CFBHeader
    /// The major version from the header (3 or 4; other values are reported and kept).
    public var majorVersion: Int
    /// The sector size in bytes (512 for version 3, 4096 for version 4).
    public var sectorSize: Int
    /// The mini sector size in bytes (64).
    public var miniSectorSize: Int
    /// Streams smaller than this live in the mini stream (4096).
    public var miniStreamCutoff: UInt64
    /// Every reachable entry, in tree walk order (a storage before its children, siblings in directory order); the
    /// root is not included.
    public var entries: [CFBEntry]
    /// The root entry (id 0). When the directory cannot be read it is a placeholder and an anomaly says so.
    public var root: CFBEntry
    /// What was wrong or suspicious, in the order it was found.
    public var anomalies: [CFBAnomaly]
    /// The limits the file was parsed with; stream reads use ``CFBLimits/maxStreamBytes``.
    public let limits: CFBLimits

    let input: ByteCursor
    let fat: ChainTable
    let miniFAT: ChainTable
    let miniStreamSectors: [UInt32]
    let miniStreamSize: Int
    let sectorLimit: Int
    /// Entry id -> index in `entries`.
    let indexByID: [Int: Int]
    /// Upper-cased path -> index in `entries` (the first entry when names repeat).
    let indexByPath: [String: Int]
    /// Storage id (0 for the root) -> indices in `entries` of its children.
    let childIndices: [Int: [Int]]

    /// Parses `bytes` as a compound file.
    ///
    /// - Throws: ``CFBError`` `.notCFB` without the signature, `.truncated` when the header is incomplete,
    ///   `.badSectorSize` when the sector shift is unusable. Everything else is recorded in ``anomalies``.
    public init(parsing bytes: ArraySlice<UInt8>, limits: CFBLimits = .default) throws {
        var builder = try CFBBuilder(bytes, limits: limits)
        builder.parse()
        header = builder.header
        majorVersion = Int(builder.header.majorVersion)
        sectorSize = builder.sectorSize
        miniSectorSize = builder.miniSectorSize
        miniStreamCutoff = builder.miniStreamCutoff
        entries = builder.entries
        root = builder.root
        anomalies = builder.log.anomalies
        self.limits = limits
        input = builder.input
        fat = builder.fat
        miniFAT = builder.miniFAT
        miniStreamSectors = builder.miniStreamSectors
        miniStreamSize = builder.miniStreamSize
        sectorLimit = builder.sectorLimit

        var byID: [Int: Int] = [:]
        var byPath: [String: Int] = [:]
        var children: [Int: [Int]] = [:]
        for (i, e) in builder.entries.enumerated() {
            byID[e.id] = i
            let key = Self.pathKey(e.path)
            if byPath[key] == nil { byPath[key] = i }
            children[e.parent ?? 0, default: []].append(i)
        }
        indexByID = byID
        indexByPath = byPath
        childIndices = children
    }

    /// Parses `bytes` as a compound file.
    public init(parsing bytes: [UInt8], limits: CFBLimits = .default) throws {
        try self.init(parsing: bytes[...], limits: limits)
    }

    /// The anomalies with `code`.
    public func anomalies(_ code: CFBAnomaly.Code) -> [CFBAnomaly] {
        anomalies.filter { $0.code == code }
    }

    // MARK: - Lookup

    /// The lookup key of a path: segments upper-cased (OLE names compare case-insensitively), empty segments
    /// dropped.
    static func pathKey(_ path: String) -> String {
        var previous: UInt8 = 0x2F
        var clean = true
        for b in path.utf8 {
            if b == 0x2F && previous == 0x2F { clean = false; break }
            previous = b
        }
        if clean && previous != 0x2F { return path.uppercased() }
        return path.split(separator: "/", omittingEmptySubsequences: true).map { $0.uppercased() }.joined(separator: "/")
    }

    /// The entry at `path` ("Macros/VBA/ThisDocument"), comparing each segment case-insensitively; the empty path
    /// is the root.
    public func entry(path: String) -> CFBEntry? {
        let key = Self.pathKey(path)
        if key.isEmpty { return root }
        return indexByPath[key].map { entries[$0] }
    }

    /// The entry with directory id `id`, if it is reachable (0 is the root).
    public func entry(id: Int) -> CFBEntry? {
        if id == root.id { return root }
        return indexByID[id].map { entries[$0] }
    }

    /// The children of a storage, in directory order; `nil` (or the root) for the root's children.
    public func children(of entry: CFBEntry?) -> [CFBEntry] {
        let id = entry?.id ?? root.id
        return (childIndices[id] ?? []).map { entries[$0] }
    }

    /// Every stream below the storage at `storagePath`, at any depth, in tree walk order; every stream for `""`.
    public func streams(under storagePath: String) -> [CFBEntry] {
        let key = Self.pathKey(storagePath)
        if key.isEmpty { return entries.filter(\.isStream) }
        guard let storageIndex = indexByPath[key], entries[storageIndex].isStorage else { return [] }
        // Entries are in walk order: a storage's descendants follow it, before the next entry at its depth or above.
        let depth = entries[storageIndex].depth
        var out: [CFBEntry] = []
        for e in entries[(storageIndex + 1)...] {
            if e.depth <= depth { break }
            if e.isStream { out.append(e) }
        }
        return out
    }

    /// Every stream, in tree walk order.
    public var streamEntries: [CFBEntry] { entries.filter(\.isStream) }
}
