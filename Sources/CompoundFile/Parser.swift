import ByteCursor

/// Anomalies in the order found, capped per code.
struct AnomalyLog: Sendable {
    private(set) var anomalies: [CFBAnomaly] = []
    private var counts: [CFBAnomaly.Code: Int] = [:]
    let cap: Limit

    init(cap: Limit) { self.cap = cap }

    mutating func record(_ code: CFBAnomaly.Code, entryID: Int? = nil, offset: Int? = nil, _ detail: String) {
        let n = counts[code, default: 0] + 1
        counts[code] = n
        if cap.allows(n) {
            anomalies.append(CFBAnomaly(code, entryID: entryID, offset: offset, detail: detail))
        } else if n == cap.maximum + 1 {
            anomalies.append(
                CFBAnomaly(.tooManyAnomalies, detail: "\(cap.name): more than \(cap.maximum) \(code) anomalies"))
        }
    }
}

/// Who holds a sector: a file structure or a directory entry's chain.
enum Claimant: Hashable, Sendable {
    case fat, difat, directory, miniFAT, miniStream
    case entry(Int)

    var label: String {
        switch self {
        case .fat: "the FAT"
        case .difat: "the DIFAT"
        case .directory: "the directory"
        case .miniFAT: "the mini FAT"
        case .miniStream: "the mini stream"
        case .entry(let id): "entry \(id)"
        }
    }
}

/// Builds a ``CompoundFile``: header, DIFAT, FAT, directory, mini stream, mini FAT, tree, chain checks.
///
/// Every step records what it could not make sense of and carries on with what it has; only an input that is not
/// a compound file, or a header without a usable sector size, throws.
struct CFBBuilder {
    let input: ByteCursor
    let limits: CFBLimits
    let header: CFBHeader
    let sectorShift: Int
    let sectorSize: Int
    let miniSectorSize: Int
    /// Sectors present in the input (the last may be short).
    let fileSectorCount: Int
    /// Sectors that may be addressed: present and within `cfb.maxSectors`.
    let sectorLimit: Int
    var log: AnomalyLog

    var fat = ChainTable.empty
    var miniFAT = ChainTable.empty
    var records: [DirectoryRecord] = []
    var recordOffsets: [Int] = []
    var miniStreamSectors: [UInt32] = []
    var miniStreamSize = 0
    var miniStreamCutoff: UInt64 = 4096
    var entries: [CFBEntry] = []
    var root = CFBEntry(id: 0, name: "Root Entry", type: .root, path: "", parent: nil, size: 0, startSector: SectorID.endOfChain)

    // Sector ownership, for overlap detection.
    private var claims: [Int32] = []
    private var miniClaims: [Int32] = []
    private var claimants: [Claimant] = []
    private var claimantIndex: [Claimant: Int32] = [:]
    private var reportedOverlaps: Set<[Int32]> = []
    private var overlapBudget = 0

    init(_ bytes: ArraySlice<UInt8>, limits: CFBLimits) throws {
        guard bytes.starts(with: CompoundFile.signature) else {
            throw CFBError(.notCFB, "no compound file signature", offset: 0)
        }
        guard bytes.count >= CFBHeader.size else {
            throw CFBError(.truncated, "the input ends inside the 512-byte header (\(bytes.count) bytes)", offset: 0)
        }
        input = ByteCursor(bytes)
        self.limits = limits
        var log = AnomalyLog(cap: limits.maxAnomalies)
        var cursor = input
        let header = try CFBHeader(reading: &cursor)
        self.header = header

        guard (7...16).contains(header.sectorShift) else {
            throw CFBError(.badSectorSize, "sector shift \(header.sectorShift) is not usable", offset: 30)
        }
        sectorShift = Int(header.sectorShift)
        sectorSize = 1 << sectorShift
        switch (header.majorVersion, sectorSize) {
        case (3, 512), (4, 4096): break
        case (3, _), (4, _):
            log.record(
                .badSectorSize, offset: 30,
                "version \(header.majorVersion) header with \(sectorSize)-byte sectors")
        default:
            log.record(.badHeader, offset: 26, "major version \(header.majorVersion) (expected 3 or 4)")
        }
        if header.byteOrder != 0xFFFE {
            log.record(.badHeader, offset: 28, "byte order mark 0x\(String(header.byteOrder, radix: 16))")
        }
        if header.miniSectorShift == 6 {
            miniSectorSize = 64
        } else if (2...header.sectorShift).contains(header.miniSectorShift) {
            miniSectorSize = 1 << Int(header.miniSectorShift)
            log.record(.badSectorSize, offset: 32, "mini sector size \(miniSectorSize) (expected 64)")
        } else {
            miniSectorSize = 64
            log.record(.badSectorSize, offset: 32, "mini sector shift \(header.miniSectorShift) unusable; 64 used")
        }
        if header.miniStreamCutoff != 4096 {
            log.record(.badHeader, offset: 56, "mini stream cutoff \(header.miniStreamCutoff) (expected 4096)")
        }
        miniStreamCutoff = UInt64(header.miniStreamCutoff)

        // Sector n starts at (n + 1) * sectorSize; the first sector-sized block is the header's.
        let body = max(0, bytes.count - sectorSize)
        fileSectorCount = body / sectorSize + (body % sectorSize == 0 ? 0 : 1)
        if body % sectorSize != 0 {
            log.record(
                .truncatedSector, offset: sectorSize * fileSectorCount,
                "the file ends \(body % sectorSize) bytes into sector \(fileSectorCount - 1)")
        }
        if bytes.count < sectorSize {
            log.record(.truncatedSector, offset: bytes.count, "the file ends inside the \(sectorSize)-byte header sector")
        }
        if limits.maxSectors.allows(fileSectorCount) {
            sectorLimit = fileSectorCount
        } else {
            sectorLimit = max(0, limits.maxSectors.maximum)
            log.record(
                .limitExceeded,
                "\(limits.maxSectors.name): \(fileSectorCount) sectors exceed \(limits.maxSectors.maximum); the rest are not read")
        }
        self.log = log
        claims = [Int32](repeating: 0, count: sectorLimit)
        overlapBudget = sectorLimit + 4096
    }

    // MARK: - Sectors

    /// The byte offset of sector `s`, or nil when it cannot be addressed.
    func sectorOffset(_ s: Int) -> Int? {
        guard s >= 0, s < sectorLimit else { return nil }
        let (offset, overflow) = (s + 1).multipliedReportingOverflow(by: sectorSize)
        guard !overflow, offset < input.totalCount else { return nil }
        return offset
    }

    /// The bytes of sector `s` (short when the file ends inside it), or nil when it cannot be addressed.
    func sectorBytes(_ s: Int) -> ArraySlice<UInt8>? {
        guard let offset = sectorOffset(s) else { return nil }
        return try? input.slice(at: offset, count: min(sectorSize, input.totalCount - offset))
    }

    /// Sector number `s` as an index, if it names an addressable sector.
    func sectorIndex(_ s: UInt32) -> Int? {
        guard s <= SectorID.maxRegular, let i = Int(exactly: s), i < sectorLimit else { return nil }
        return i
    }

    /// Reads little-endian 32-bit values from `bytes`, padding a short final value away.
    static func words(_ bytes: ArraySlice<UInt8>, into out: inout [UInt32], max: Int) {
        var c = ByteCursor(bytes)
        while out.count < max, let v = try? c.readUInt32LE() { out.append(v) }
    }

    // MARK: - Claims

    private mutating func claimantID(_ c: Claimant) -> Int32 {
        if let id = claimantIndex[c] { return id }
        claimants.append(c)
        let id = Int32(truncatingIfNeeded: claimants.count)
        claimantIndex[c] = id
        return id
    }

    /// Marks `sectors` as held by `who`; reports each new pair of claimants that share a sector.
    mutating func claim(_ sectors: some Sequence<UInt32>, by who: Claimant, mini: Bool = false) {
        let id = claimantID(who)
        for s in sectors {
            guard let i = Int(exactly: s), i < (mini ? miniClaims.count : claims.count) else { continue }
            let previous = mini ? miniClaims[i] : claims[i]
            if previous != 0 && previous != id {
                overlapBudget -= 1
                if overlapBudget < 0 {
                    if overlapBudget == -1 {
                        log.record(
                            .limitExceeded,
                            "\(limits.maxSectors.name): too many shared sectors; overlap checks stopped")
                    }
                    return
                }
                let pair = [min(previous, id), max(previous, id), mini ? 1 : 0]
                if reportedOverlaps.insert(pair).inserted {
                    let other = claimants[Int(previous) - 1]
                    let entryID: Int? = if case .entry(let e) = who { e } else { nil }
                    let kind = mini ? "mini sector" : "sector"
                    log.record(
                        .overlappingStreams, entryID: entryID, offset: mini ? nil : sectorOffset(i),
                        "\(who.label) and \(other.label) both use \(kind) \(s)")
                }
            }
            if mini { miniClaims[i] = id } else { claims[i] = id }
        }
    }

    // MARK: - Parse

    mutating func parse() {
        readFAT()
        readDirectory()
        readMiniStream()
        walkTree()
        checkStreams()
        checkTrailingData()
    }

    /// Collects the FAT sector numbers from the header and the DIFAT chain, then reads the FAT.
    mutating func readFAT() {
        var fatSectors: [UInt32] = []
        var ended = false
        for (k, v) in header.difat.enumerated() {
            if v == SectorID.free || v == SectorID.endOfChain {
                ended = true
            } else if ended {
                log.record(.badHeader, offset: 76 + 4 * k, "header DIFAT entry \(k) follows a free entry; ignored")
                break
            } else {
                fatSectors.append(v)
            }
        }

        // The DIFAT chain: each sector lists sectorSize/4 - 1 FAT sectors, then the next DIFAT sector.
        let perDIFAT = sectorSize / 4 - 1
        let usefulFATSectors = sectorLimit / (sectorSize / 4) + 1
        var difatSectors: [UInt32] = []
        var seen = Set<UInt32>()
        var s = header.firstDIFATSector
        while s != SectorID.endOfChain && s != SectorID.free {
            guard let i = sectorIndex(s), let bytes = sectorBytes(i) else {
                log.record(.sectorOutOfRange, "DIFAT chain points at \(SectorID.describe(s))")
                break
            }
            guard seen.insert(s).inserted else {
                log.record(.difatLoop, offset: sectorOffset(i), "DIFAT chain returns to sector \(s)")
                break
            }
            difatSectors.append(s)
            var words: [UInt32] = []
            Self.words(bytes, into: &words, max: perDIFAT + 1)
            for v in words.prefix(perDIFAT) where v != SectorID.free && v != SectorID.endOfChain {
                fatSectors.append(v)
            }
            guard words.count == perDIFAT + 1 else {
                log.record(.truncatedSector, offset: sectorOffset(i), "DIFAT sector \(s) is cut short")
                break
            }
            s = words[perDIFAT]
            if fatSectors.count > usefulFATSectors && s != SectorID.endOfChain && s != SectorID.free {
                log.record(
                    .sizeMismatch, offset: sectorOffset(i),
                    "DIFAT lists more FAT sectors than the file has sectors to describe; the rest are ignored")
                break
            }
        }
        if difatSectors.count != Int(header.difatSectorCount) {
            log.record(
                .sizeMismatch, offset: 72,
                "header declares \(header.difatSectorCount) DIFAT sectors, the chain has \(difatSectors.count)")
        }
        if fatSectors.count != Int(header.fatSectorCount) {
            log.record(
                .sizeMismatch, offset: 44,
                "header declares \(header.fatSectorCount) FAT sectors, the DIFAT lists \(fatSectors.count)")
        }
        claim(difatSectors, by: .difat)

        let perSector = sectorSize / 4
        var next: [UInt32] = []
        next.reserveCapacity(min(sectorLimit, fatSectors.count * perSector))
        var claimed: [UInt32] = []
        var claimedSet = Set<UInt32>()
        for (k, v) in fatSectors.enumerated() {
            if next.count >= sectorLimit { break }
            let target = min(sectorLimit, next.count + perSector)
            guard let i = sectorIndex(v), let bytes = sectorBytes(i) else {
                log.record(.sectorOutOfRange, "FAT sector \(k) is \(SectorID.describe(v))")
                next.append(contentsOf: repeatElement(SectorID.free, count: target - next.count))
                continue
            }
            if !claimedSet.insert(v).inserted {
                log.record(.overlappingStreams, offset: sectorOffset(i), "sector \(v) is listed twice as a FAT sector")
            }
            claimed.append(v)
            Self.words(bytes, into: &next, max: target)
            if next.count < target {
                next.append(contentsOf: repeatElement(SectorID.free, count: target - next.count))
            }
        }
        claim(claimed, by: .fat)
        fat = ChainTable(next: next)
    }

    /// Reads the directory chain's 128-byte entries.
    mutating func readDirectory() {
        let start = header.firstDirectorySector
        let perSector = sectorSize / DirectoryRecord.size
        let readable = fat.readable(from: start)
        let (maxBytes, overflow) = limits.maxDirectoryEntries.maximum.multipliedReportingOverflow(
            by: DirectoryRecord.size)
        let maxSectors = overflow ? Int.max : max(0, maxBytes) / sectorSize + 1
        switch fat.endingOf(start) {
        case .loop:
            log.record(.fatLoop, "the directory chain loops after \(readable) sectors")
        case .outOfRange:
            log.record(
                .sectorOutOfRange, offset: 48,
                readable == 0
                    ? "the directory starts at \(SectorID.describe(start))"
                    : "the directory chain leaves the FAT after \(readable) sectors")
        default: break
        }
        let sectors = fat.sectors(from: start, count: min(readable, maxSectors))
        claim(sectors, by: .directory)
        if header.majorVersion == 4 && header.directorySectorCount != 0
            && Int(header.directorySectorCount) != readable
        {
            log.record(
                .sizeMismatch, offset: 40,
                "header declares \(header.directorySectorCount) directory sectors, the chain has \(readable)")
        }
        var truncatedByLimit = readable > maxSectors
        outer: for s in sectors {
            guard let i = sectorIndex(s), let bytes = sectorBytes(i), let base = sectorOffset(i) else { break }
            if bytes.count < sectorSize {
                log.record(.truncatedSector, offset: base, "directory sector \(s) is cut short")
            }
            for slot in 0..<min(perSector, bytes.count / DirectoryRecord.size) {
                if records.count >= limits.maxDirectoryEntries.maximum {
                    truncatedByLimit = true
                    break outer
                }
                let at = bytes.startIndex + slot * DirectoryRecord.size
                guard let record = try? DirectoryRecord(reading: bytes[at..<(at + DirectoryRecord.size)]) else {
                    break outer
                }
                records.append(record)
                recordOffsets.append(base + slot * DirectoryRecord.size)
            }
        }
        if truncatedByLimit {
            log.record(
                .limitExceeded,
                "\(limits.maxDirectoryEntries.name): the directory has more than \(limits.maxDirectoryEntries.maximum) entries; the rest are not read")
        }
    }

    /// The size a stream is read with: v3 (512-byte sector) readers ignore the high 32 bits.
    mutating func effectiveSize(_ record: DirectoryRecord, id: Int) -> UInt64 {
        guard sectorSize == 512, record.rawSize >> 32 != 0 else { return record.rawSize }
        log.record(
            .sizeHighBits, entryID: id, offset: recordOffsets.indices.contains(id) ? recordOffsets[id] + 120 : nil,
            "size 0x\(String(record.rawSize, radix: 16)) has high bits set in a file with 512-byte sectors; \(record.rawSize & 0xFFFF_FFFF) used")
        return record.rawSize & 0xFFFF_FFFF
    }

    /// Locates the mini stream (the root's chain) and reads the mini FAT.
    mutating func readMiniStream() {
        guard let rootRecord = records.first else {
            log.record(.badDirectoryEntry, "the directory has no entries: no root entry")
            return
        }
        if rootRecord.typeByte != 5 {
            log.record(
                .badDirectoryEntry, entryID: 0, offset: recordOffsets.first,
                "entry 0 has type \(rootRecord.typeByte), not root (5)")
        }
        let rootSize = effectiveSize(rootRecord, id: 0)
        root = CFBEntry(
            id: 0, name: rootRecord.name, type: .root, path: "", parent: nil, size: rootSize,
            startSector: rootRecord.startSector, clsid: rootRecord.clsid, stateBits: rootRecord.stateBits,
            created: rootRecord.created, modified: rootRecord.modified, isInMiniStream: false, depth: 0)
        // The mini stream is read like any stream, through the FAT.
        let used = checkChain(of: root, table: fat, unit: sectorSize, mini: false)
        miniStreamSectors = fat.sectors(from: rootRecord.startSector, count: used)
        claim(miniStreamSectors, by: .miniStream)
        var bytes = 0
        for s in miniStreamSectors {
            guard let i = sectorIndex(s), let chunk = sectorBytes(i) else { break }
            bytes += chunk.count
            if chunk.count < sectorSize { break }
        }
        miniStreamSize = rootSize < UInt64(bytes) ? Int(rootSize) : bytes

        // The mini FAT: a chain of FAT sectors of 32-bit mini sector numbers.
        let start = header.firstMiniFATSector
        let declared = Int(header.miniFATSectorCount)
        if start == SectorID.endOfChain || start == SectorID.free {
            if declared != 0 {
                log.record(.sizeMismatch, offset: 64, "header declares \(declared) mini FAT sectors but no first sector")
            }
            return
        }
        let readable = fat.readable(from: start)
        var count = declared == 0 ? readable : min(declared, readable)
        if readable < declared {
            switch fat.endingOf(start) {
            case .loop: log.record(.fatLoop, "the mini FAT chain loops after \(readable) sectors")
            case .outOfRange:
                log.record(
                    .sectorOutOfRange,
                    readable == 0
                        ? "the mini FAT starts at \(SectorID.describe(start))"
                        : "the mini FAT chain leaves the FAT after \(readable) of \(declared) sectors")
            default:
                log.record(.sizeMismatch, offset: 64, "header declares \(declared) mini FAT sectors, the chain has \(readable)")
            }
        } else if readable > declared {
            log.record(
                .sizeMismatch, offset: 64,
                declared == 0
                    ? "header declares no mini FAT sectors but a mini FAT chain starts at sector \(start)"
                    : "the mini FAT chain has \(readable) sectors, the header declares \(declared)")
            if fat.endingOf(start) == .loop { log.record(.fatLoop, "the mini FAT chain loops") }
        }
        let perSector = sectorSize / 4
        let maxEntries = max(0, limits.maxSectors.maximum)
        if count > maxEntries / perSector + 1 {
            log.record(
                .limitExceeded,
                "\(limits.maxSectors.name): the mini FAT has more than \(maxEntries) entries; the rest are not read")
            count = maxEntries / perSector + 1
        }
        let sectors = fat.sectors(from: start, count: count)
        claim(sectors, by: .miniFAT)
        // Only mini sectors inside the mini stream can be read.
        let capacity = min(maxEntries, miniStreamSize / miniSectorSize + (miniStreamSize % miniSectorSize == 0 ? 0 : 1))
        var next: [UInt32] = []
        next.reserveCapacity(min(capacity, count * perSector))
        for s in sectors {
            guard next.count < capacity, let i = sectorIndex(s), let bytes = sectorBytes(i) else { break }
            Self.words(bytes, into: &next, max: capacity)
        }
        miniFAT = ChainTable(next: next)
        miniClaims = [Int32](repeating: 0, count: next.count)
    }

    /// Walks the red-black trees of the directory from the root, storage before its children, siblings in order.
    ///
    /// Iterative, with a visited set: an entry reached a second time (a cycle, or two parents) is reported and not
    /// followed again, so the walk ends after at most one visit per entry.
    mutating func walkTree() {
        guard !records.isEmpty else { return }
        var visited = [Bool](repeating: false, count: records.count)
        visited[0] = true

        struct Frame {
            var children: [Int]
            var next = 0
            var parent: Int
            var prefix: String
            var depth: Int
        }

        let rootChildren = siblings(of: 0, visited: &visited)
        checkDuplicateNames(rootChildren, in: "the root")
        var stack = [Frame(children: rootChildren, parent: 0, prefix: "", depth: 1)]
        while let top = stack.last {
            guard top.next < top.children.count else {
                stack.removeLast()
                continue
            }
            let id = top.children[top.next]
            stack[stack.count - 1].next += 1
            let record = records[id]
            let type = CFBEntryType(rawValue: record.typeByte)
            if type == .empty {
                log.record(.badDirectoryEntry, entryID: id, offset: recordOffsets[id], "unused entry \(id) inside the tree")
                continue
            }
            if !record.nameLengthIsValid {
                log.record(
                    .badDirectoryEntry, entryID: id, offset: recordOffsets[id] + 64,
                    "entry \(id) has a name length of \(record.nameLength) bytes")
            }
            if type == .root {
                log.record(.badDirectoryEntry, entryID: id, offset: recordOffsets[id], "a second root entry (\(id))")
            }
            let size = effectiveSize(record, id: id)
            let path = top.prefix + record.name
            entries.append(
                CFBEntry(
                    id: id, name: record.name, type: type, path: path, parent: top.parent, size: size,
                    startSector: record.startSector, clsid: record.clsid, stateBits: record.stateBits,
                    created: record.created, modified: record.modified,
                    isInMiniStream: type == .stream && size < miniStreamCutoff, depth: top.depth))
            if type == .storage {
                if top.depth >= limits.maxDepth.maximum {
                    if record.child != StreamID.none {
                        log.record(
                            .limitExceeded, entryID: id,
                            "\(limits.maxDepth.name): storage \"\(path)\" is nested \(top.depth) deep; its children are not read")
                    }
                } else {
                    let children = siblings(of: id, visited: &visited)
                    checkDuplicateNames(children, in: "storage \"\(path)\"")
                    stack.append(Frame(children: children, parent: id, prefix: path + "/", depth: top.depth + 1))
                }
            } else if record.child != StreamID.none {
                log.record(.badDirectoryEntry, entryID: id, offset: recordOffsets[id] + 76, "entry \(id) is not a storage but has a child")
            }
        }
    }

    /// Reports siblings whose names are equal ignoring case: OLE forbids them, and a lookup by path finds only the
    /// first, so a second "ThisDocument" could hide behind it.
    mutating func checkDuplicateNames(_ ids: [Int], in storage: String) {
        guard ids.count > 1 else { return }
        var seen = Set<String>()
        for id in ids where records[id].typeByte != 0 {
            let key = records[id].name.uppercased()
            if !seen.insert(key).inserted {
                log.record(
                    .duplicateName, entryID: id, offset: recordOffsets[id],
                    "\(storage) has two entries named \"\(records[id].name)\"")
            }
        }
    }

    /// The entries of `storage`'s child tree, in order (left subtree, node, right subtree), each marked visited.
    mutating func siblings(of storage: Int, visited: inout [Bool]) -> [Int] {
        var out: [Int] = []
        var pending: [Int] = []
        var from = storage
        var current = records[storage].child
        while true {
            while current != StreamID.none {
                guard current <= StreamID.maxRegular, let i = Int(exactly: current), i < records.count else {
                    log.record(
                        .directoryOutOfRange, entryID: from, offset: recordOffsets[from],
                        "entry \(from) points at entry \(current); the directory has \(records.count)")
                    break
                }
                if visited[i] {
                    log.record(
                        .directoryCycle, entryID: i, offset: recordOffsets[from],
                        "entry \(from) points at entry \(i), which is already in the tree")
                    break
                }
                visited[i] = true
                pending.append(i)
                from = i
                current = records[i].left
            }
            guard let node = pending.popLast() else { break }
            out.append(node)
            from = node
            current = records[node].right
        }
        return out
    }

    /// Checks the chain of `entry` against its size; returns how many sectors a read of it may follow.
    @discardableResult
    mutating func checkChain(of entry: CFBEntry, table: ChainTable, unit: Int, mini: Bool) -> Int {
        let size = entry.size
        let what = entry.id == 0 ? "the mini stream (root entry)" : "stream \"\(entry.path)\""
        if size > UInt64(input.totalCount) {
            log.record(
                .absurdSize, entryID: entry.id, offset: recordOffsets.indices.contains(entry.id) ? recordOffsets[entry.id] + 120 : nil,
                "\(what) declares \(size) bytes in a file of \(input.totalCount)")
        }
        let unit64 = UInt64(unit)
        let needed64 = size / unit64 + (size % unit64 == 0 ? 0 : 1)
        let needed = Int(exactly: needed64) ?? Int.max
        let readable = table.readable(from: entry.startSector)
        let ending = table.endingOf(entry.startSector)
        let used = min(needed, readable)
        if size == 0 { return 0 }
        let loopCode: CFBAnomaly.Code = mini ? .miniFATLoop : .fatLoop
        let tableName = mini ? "mini FAT" : "FAT"
        if readable < needed {
            switch ending {
            case .loop:
                log.record(loopCode, entryID: entry.id, "the chain of \(what) loops after \(readable) sectors")
            case .outOfRange:
                log.record(
                    .sectorOutOfRange, entryID: entry.id,
                    readable == 0
                        ? "\(what) starts at \(mini ? "mini sector \(entry.startSector)" : SectorID.describe(entry.startSector)), outside the \(tableName)"
                        : "the chain of \(what) leaves the \(tableName) after \(readable) sectors")
            default:
                if size <= UInt64(input.totalCount) {
                    log.record(
                        .sizeMismatch, entryID: entry.id,
                        "\(what) declares \(size) bytes, its chain holds \(readable) sectors of \(unit)")
                }
            }
        } else if readable > needed {
            if ending == .loop {
                log.record(loopCode, entryID: entry.id, "the chain of \(what) loops past its data")
            } else {
                log.record(
                    .sizeMismatch, entryID: entry.id,
                    "the chain of \(what) has \(readable) sectors, \(size) bytes need \(needed)")
            }
        } else if ending == .outOfRange {
            log.record(.sectorOutOfRange, entryID: entry.id, "the chain of \(what) does not end with ENDOFCHAIN")
        } else if ending == .loop {
            log.record(loopCode, entryID: entry.id, "the chain of \(what) loops past its data")
        }
        return used
    }

    /// Checks every stream's chain and marks the sectors it uses.
    mutating func checkStreams() {
        for entry in entries where entry.type == .stream {
            if entry.isInMiniStream {
                let used = checkChain(of: entry, table: miniFAT, unit: miniSectorSize, mini: true)
                claim(miniFAT.sectors(from: entry.startSector, count: used), by: .entry(entry.id), mini: true)
            } else {
                let used = checkChain(of: entry, table: fat, unit: sectorSize, mini: false)
                let sectors = fat.sectors(from: entry.startSector, count: used)
                claim(sectors, by: .entry(entry.id))
                // A short final sector: does the stream need bytes past the end of the file?
                if let last = sectors.last, let i = sectorIndex(last), let bytes = sectorBytes(i),
                    bytes.count < sectorSize
                {
                    let (full, overflow) = (sectors.count - 1).multipliedReportingOverflow(by: sectorSize)
                    if !overflow, UInt64(full + bytes.count) < entry.size {
                        log.record(
                            .truncatedSector, entryID: entry.id, offset: sectorOffset(i),
                            "stream \"\(entry.path)\" needs bytes past the end of the file")
                    }
                }
            }
        }
    }

    /// Reports bytes after the last sector the FAT allocates.
    ///
    /// One free sector of slack inside the FAT's coverage is tolerated (Word leaves one); anything longer, or
    /// anything the FAT does not even describe, is appended data that readers following the FAT never see.
    mutating func checkTrailingData() {
        var last = fat.next.lastIndex(where: { $0 != SectorID.free }) ?? -1
        if let i = claims.lastIndex(where: { $0 != 0 }) { last = max(last, i) }
        let (end, overflow) = (last + 2).multipliedReportingOverflow(by: sectorSize)
        guard !overflow else { return }
        let expected = max(end, CFBHeader.size)
        let slack = input.totalCount - expected
        guard slack > 0 else { return }
        let slackInsideFAT = fat.count > last + 1 && slack <= sectorSize
        if !slackInsideFAT {
            log.record(.trailingData, offset: expected, "\(slack) bytes after the last allocated sector")
        }
    }
}
