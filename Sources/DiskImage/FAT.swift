import ByteCursor

/// Reads a FAT12, FAT16 or FAT32 volume: the BIOS parameter block, cluster chains and directories with VFAT long
/// names.
///
/// ```
///  | boot sector (BPB) | reserved | FAT 1 | FAT 2 | root directory (FAT12/16) | data: cluster 2, 3, ...    |
///  BPB: 11 bytes/sector | 13 sectors/cluster | 14 reserved sectors | 16 FATs | 17 root entries
///       19 total sectors (16-bit) | 21 media | 22 sectors/FAT (16-bit) | 32 total sectors (32-bit)
///       FAT32: 36 sectors/FAT | 44 root cluster | 71 label          FAT12/16: 43 label
///  directory entry (32 bytes): 0 name 8.3 | 11 attributes | 12 case flags | 20 cluster high | 22 time
///       24 date | 26 cluster low | 28 size            long name entry: attributes 0x0F, 13 UTF-16 units
/// ```
///
/// The FAT type follows from the cluster count (Microsoft's rule: below 4,085 FAT12, below 65,525 FAT16).
/// Chains are followed with a visited set, so a chain that loops ends with an anomaly; the total of clusters
/// followed is capped by ``DiskImageLimits/maxClusterVisits``.
struct FATReader {
    let volume: Volume
    let limits: DiskImageLimits
    let bits: Int
    let clusterBytes: Int
    let fatOffset: Int
    let fatBytes: Int
    let rootOffset: Int
    let rootBytes: Int
    let rootCluster: Int
    let dataOffset: Int
    let clusterCount: Int
    let label: String?
    /// The volume size the boot sector declares.
    let declaredBytes: Int

    /// Clusters below this number have their data in the input.
    let trackable: Int
    private var visits = 0
    private var seen: [UInt64]
    private var touched: [Int] = []
    private var budgetReported = false

    /// Whether the first sector of `volume` holds a plausible BIOS parameter block.
    static func looksLikeFAT(_ volume: Volume) -> Bool {
        guard let r = try? volume.record(0, 512), let jump = try? r.u8(0), jump == 0xEB || jump == 0xE9,
            let bps = try? r.u16(11), [512, 1024, 2048, 4096].contains(bps),
            let spc = try? r.u8(13), spc != 0, spc & (spc - 1) == 0,
            let reserved = try? r.u16(14), reserved > 0,
            let fats = try? r.u8(16), fats > 0, fats <= 4,
            let media = try? r.u8(21), media == 0xF0 || media >= 0xF8,
            let total16 = try? r.u16(19), let total32 = try? r.u32(32), total16 != 0 || total32 != 0,
            let fat16 = try? r.u16(22), let fat32 = try? r.u32(36), fat16 != 0 || fat32 != 0
        else { return false }
        return true
    }

    init(volume: Volume, limits: DiskImageLimits, anomalies: inout AnomalyLog) throws {
        self.volume = volume
        self.limits = limits
        let r = try volume.record(0, 512)
        let bytesPerSector = Int(try r.u16(11))
        let sectorsPerCluster = Int(try r.u8(13))
        let reserved = Int(try r.u16(14))
        let fats = Int(try r.u8(16))
        let rootEntries = Int(try r.u16(17))
        let total16 = Int(try r.u16(19))
        let total = total16 != 0 ? total16 : Int(try r.u32(32))
        let fat16Size = Int(try r.u16(22))
        let fatSectors = fat16Size != 0 ? fat16Size : Int(try r.u32(36))
        let rootSectors = (rootEntries * 32 + bytesPerSector - 1) / bytesPerSector
        let metaSectors = reserved + fats * fatSectors + rootSectors
        guard total > metaSectors else {
            throw DiskImageError(.malformed, "FAT volume of \(total) sectors has no data area")
        }
        let clusters = (total - metaSectors) / sectorsPerCluster
        bits = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32
        clusterBytes = bytesPerSector * sectorsPerCluster
        fatOffset = reserved * bytesPerSector
        fatBytes = fatSectors * bytesPerSector
        rootOffset = (reserved + fats * fatSectors) * bytesPerSector
        rootBytes = bits == 32 ? 0 : rootSectors * bytesPerSector
        rootCluster = bits == 32 ? Int(try r.u32(44)) : 0
        dataOffset = metaSectors * bytesPerSector
        // Clusters the FAT itself can describe bound the count too.
        let describable = bits == 12 ? fatBytes * 2 / 3 : fatBytes / (bits / 8)
        clusterCount = min(clusters, max(0, describable - 2))
        if clusterCount < clusters {
            anomalies.add(.sizeMismatch, offset: volume.base, "FAT describes \(clusterCount) of \(clusters) clusters")
        }
        let labelField = try r.bytes(bits == 32 ? 71 : 43, 11)
        let signature = try r.u8(bits == 32 ? 66 : 38)
        let text = Names.bytes(labelField).trimmingTrailingSpaces
        label = (signature == 0x29 && !text.isEmpty && text != "NO NAME") ? text : nil
        // Only clusters whose data is in the input can be followed; the visited set covers those.
        let present = max(0, volume.length - dataOffset) / max(1, clusterBytes) + 2
        trackable = min(clusterCount + 2, present)
        seen = Array(repeating: 0, count: trackable / 64 + 1)
        declaredBytes = total * bytesPerSector
    }

    // MARK: - Clusters

    /// The FAT entry of `cluster`.
    func next(_ cluster: Int) throws -> Int {
        switch bits {
        case 12:
            let at = cluster + cluster / 2
            guard at + 2 <= fatBytes else { throw DiskImageError(.malformed, "cluster \(cluster) outside the FAT") }
            let v = Int(try volume.record(fatOffset + at, 2).u16(0))
            return cluster & 1 == 1 ? v >> 4 : v & 0xFFF
        case 16:
            guard cluster * 2 + 2 <= fatBytes else { throw DiskImageError(.malformed, "cluster \(cluster) outside the FAT") }
            return Int(try volume.record(fatOffset + cluster * 2, 2).u16(0))
        default:
            guard cluster * 4 + 4 <= fatBytes else { throw DiskImageError(.malformed, "cluster \(cluster) outside the FAT") }
            return Int(try volume.record(fatOffset + cluster * 4, 4).u32(0) & 0x0FFF_FFFF)
        }
    }

    var endOfChain: Int { bits == 12 ? 0xFF8 : bits == 16 ? 0xFFF8 : 0x0FFF_FFF8 }

    /// Follows the chain from `first` for at most `count` clusters (until the end mark when nil); the clusters as
    /// merged runs of volume offsets.
    mutating func chain(from first: Int, count: Int?, path: String, anomalies: inout AnomalyLog) -> [Extent] {
        defer {
            for w in touched { seen[w] = 0 }
            touched.removeAll(keepingCapacity: true)
        }
        var runs: [Extent] = []
        var cluster = first
        var n = 0
        while count.map({ n < $0 }) ?? true {
            guard cluster >= 2, cluster <= clusterCount + 1 else {
                if count != nil || n == 0 {
                    anomalies.add(.badClusterChain, path: path, "cluster \(cluster) is not a data cluster (after \(n))")
                }
                break
            }
            guard cluster < trackable else {
                anomalies.add(.extentBeyondEnd, path: path, "cluster \(cluster) lies beyond the end of the input")
                break
            }
            let word = cluster >> 6, bit = UInt64(1) << UInt64(cluster & 63)
            if seen[word] & bit != 0 {
                anomalies.add(.badClusterChain, path: path, "cluster chain loops back to cluster \(cluster)")
                break
            }
            if seen[word] == 0 { touched.append(word) }
            seen[word] |= bit
            visits += 1
            guard limits.maxClusterVisits.allows(visits) else {
                if !budgetReported {
                    budgetReported = true
                    anomalies.add(
                        .limitExceeded, path: path,
                        "\(limits.maxClusterVisits.name): more than \(limits.maxClusterVisits.maximum) clusters followed")
                }
                break
            }
            let offset = dataOffset + (cluster - 2) * clusterBytes
            if let last = runs.last, let o = last.offset, o + last.length == offset {
                runs[runs.count - 1].length += clusterBytes
            } else {
                guard limits.maxExtentsPerFile.allows(runs.count + 1) else {
                    anomalies.add(
                        .limitExceeded, path: path,
                        "\(limits.maxExtentsPerFile.name): more than \(limits.maxExtentsPerFile.maximum) cluster runs")
                    break
                }
                runs.append(Extent(offset: offset, length: clusterBytes))
            }
            n += 1
            if let count, n == count { break }
            guard let following = try? next(cluster) else {
                anomalies.add(.badClusterChain, path: path, "FAT entry of cluster \(cluster) unreadable")
                break
            }
            if following >= endOfChain {
                if count != nil {
                    anomalies.add(.badClusterChain, path: path, "cluster chain ends after \(n) of \(count ?? 0) clusters")
                }
                break
            }
            if following < 2 || following > clusterCount + 1 {
                anomalies.add(
                    .badClusterChain, path: path, "cluster \(cluster) links to \(following), not a data cluster")
                break
            }
            cluster = following
        }
        return runs
    }

    /// Runs of volume offsets turned into input extents, clipped to what is present and to `size` bytes.
    func clip(_ runs: [Extent], size: Int, path: String, anomalies: inout AnomalyLog) -> [Extent] {
        var out: [Extent] = []
        var left = size
        for run in runs where left > 0 {
            guard let o = run.offset else { continue }
            let want = min(run.length, left)
            left -= want
            guard let (abs, present) = volume.clip(o, want) else {
                anomalies.add(.extentBeyondEnd, path: path, "cluster run at \(o) lies beyond the end of the input")
                break
            }
            out.append(Extent(offset: abs, length: present))
            if present < want {
                anomalies.add(.extentBeyondEnd, path: path, offset: abs, "cluster run of \(want) bytes, \(present) present")
                break
            }
        }
        return out
    }

    // MARK: - Directories

    /// Walks the directory tree from the root.
    mutating func walk(anomalies: inout AnomalyLog) -> View {
        var view = View(source: "fat")
        view.label = label
        var budget = limits.maxDirectoryBytes.maximum
        var visited: Set<Int> = bits == 32 ? [rootCluster] : []
        var stack: [(cluster: Int, path: String, depth: Int)] = [(bits == 32 ? rootCluster : 0, "", 0)]
        while let dir = stack.popLast() {
            var extents: [Extent]
            if dir.cluster == 0 {
                guard let (abs, present) = volume.clip(rootOffset, rootBytes) else {
                    anomalies.add(.extentBeyondEnd, "root directory lies beyond the end of the input")
                    continue
                }
                extents = [Extent(offset: abs, length: present)]
            } else {
                let runs = chain(from: dir.cluster, count: nil, path: dir.path, anomalies: &anomalies)
                extents = clip(runs, size: Int.max, path: dir.path, anomalies: &anomalies)
            }
            var data: [UInt8] = []
            for e in extents {
                guard let o = e.offset else { continue }
                let n = min(e.length, max(0, budget))
                if n < e.length {
                    anomalies.add(
                        .limitExceeded, path: dir.path,
                        "\(limits.maxDirectoryBytes.name): directory bytes beyond \(limits.maxDirectoryBytes.maximum)")
                }
                budget -= n
                if let bytes = try? volume.image.slice(at: o, count: n) { data += bytes }
            }
            var children: [(cluster: Int, path: String, depth: Int)] = []
            var long = LongName()
            var c = ByteCursor(data)
            while let e = try? c.readBytes(32) {
                let r = Array(e)
                if r[0] == 0 { break }
                if r[0] == 0xE5 {
                    long = LongName()
                    continue
                }
                let attributes = r[11]
                if attributes & 0x3F == 0x0F {
                    long.add(r)
                    continue
                }
                if attributes & 0x08 != 0 {
                    long = LongName()
                    continue
                }
                let short = Self.shortName(r)
                let longName = long.name(for: r)
                long = LongName()
                if short == "." || short == ".." { continue }
                let (name, problem) = Names.sanitize(longName ?? short)
                let path = dir.path.isEmpty ? name : dir.path + "/" + name
                if let problem { anomalies.add(.suspiciousName, path: path, problem) }
                let first = (bits == 32 ? Int(r[20]) << 16 | Int(r[21]) << 24 : 0) | Int(r[26]) | Int(r[27]) << 8
                let size = Int(r[28]) | Int(r[29]) << 8 | Int(r[30]) << 16 | Int(r[31]) << 24
                let modified = Self.timestamp(date: UInt16(r[24]) | UInt16(r[25]) << 8, time: UInt16(r[22]) | UInt16(r[23]) << 8)
                let hidden = attributes & 0x02 != 0
                if attributes & 0x10 != 0 {
                    guard dir.depth + 1 <= limits.maxDepth.maximum else {
                        anomalies.add(
                            .limitExceeded, path: path,
                            "\(limits.maxDepth.name): deeper than \(limits.maxDepth.maximum) directories")
                        continue
                    }
                    guard first != 0, visited.insert(first).inserted else {
                        anomalies.add(
                            .directoryLoop, path: path, "directory at cluster \(first) is the root or already listed")
                        continue
                    }
                    let entry = ImageEntry(
                        index: 0, path: path, size: 0, isDirectory: true, isHidden: hidden, modified: modified,
                        extentOffset: volume.clip(dataOffset + max(0, first - 2) * clusterBytes, 0)?.start,
                        source: "fat")
                    guard view.add(entry, .none, limits: limits, anomalies: &anomalies) else { return view }
                    children.append((first, path, dir.depth + 1))
                    continue
                }
                var layout = Layout.none
                if size > 0 {
                    let needed = (size + clusterBytes - 1) / clusterBytes
                    if needed > clusterCount {
                        anomalies.add(
                            .sizeMismatch, path: path, "size \(size) exceeds the volume's \(clusterCount) clusters")
                    }
                    let runs = chain(from: first, count: min(needed, clusterCount), path: path, anomalies: &anomalies)
                    layout = Layout(extents: clip(runs, size: size, path: path, anomalies: &anomalies), unreadable: nil)
                }
                let entry = ImageEntry(
                    index: 0, path: path, size: UInt64(size), isDirectory: false, isHidden: hidden,
                    modified: modified, extentOffset: layout.extents.first?.offset, source: "fat")
                guard view.add(entry, layout, limits: limits, anomalies: &anomalies) else { return view }
            }
            stack.append(contentsOf: children.reversed())
        }
        return view
    }

    /// The 8.3 name, with the lower-case flags of byte 12 applied (as Windows NT writes them).
    static func shortName(_ r: [UInt8]) -> String {
        var base = Array(r[0..<8])
        if base[0] == 0x05 { base[0] = 0xE5 }
        let ext = Array(r[8..<11])
        func text(_ b: [UInt8], lower: Bool) -> String {
            var bytes = b
            while let l = bytes.last, l == 0x20 { bytes.removeLast() }
            if lower { bytes = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 } }
            return Names.bytes(bytes[...])
        }
        let b = text(base, lower: r[12] & 0x08 != 0)
        let e = text(ext, lower: r[12] & 0x10 != 0)
        return e.isEmpty ? b : b + "." + e
    }

    /// A DOS date and time (local, two-second resolution).
    static func timestamp(date: UInt16, time: UInt16) -> ImageTimestamp? {
        guard date != 0 else { return nil }
        return ImageTimestamp(
            year: 1980 + Int(date >> 9), month: Int((date >> 5) & 0x0F), day: Int(date & 0x1F),
            hour: Int(time >> 11), minute: Int((time >> 5) & 0x3F), second: Int(time & 0x1F) * 2,
            utcOffsetMinutes: nil)
    }
}

/// VFAT long-name entries collected before the short entry they belong to.
///
/// Each entry carries 13 UTF-16 units (bytes 1-10, 14-25, 28-31), its sequence number (0x40 marks the last,
/// which comes first) and the checksum of the short name; a name is used only when every part is there and
/// every checksum matches.
struct LongName {
    private var parts: [Int: [UInt8]] = [:]
    private var count = 0
    private var checksum: UInt8?
    private var broken = false

    mutating func add(_ r: [UInt8]) {
        let sequence = Int(r[0] & 0x1F)
        if r[0] & 0x40 != 0 {
            self = LongName()
            count = sequence
            checksum = r[13]
        } else if checksum != r[13] || parts[sequence] != nil {
            broken = true
        }
        guard sequence >= 1, sequence <= 20 else {
            broken = true
            return
        }
        parts[sequence] = Array(r[1..<11] + r[14..<26] + r[28..<32])
    }

    func name(for short: [UInt8]) -> String? {
        guard !broken, count > 0, let checksum, parts.count == count else { return nil }
        var sum: UInt8 = 0
        for b in short[0..<11] { sum = ((sum & 1) << 7) &+ (sum >> 1) &+ b }
        guard sum == checksum else { return nil }
        var units: [UInt8] = []
        for i in 1...count {
            guard let p = parts[i] else { return nil }
            units += p
        }
        var end = 0
        while end + 1 < units.count, !(units[end] == 0 && units[end + 1] == 0) { end += 2 }
        let name = Names.utf16(units[0..<end], bigEndian: false)
        return name.isEmpty ? nil : name
    }
}
