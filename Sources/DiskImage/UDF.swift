import ByteCursor

/// Reads the file set of a UDF (ECMA-167 / OSTA UDF 1.02-2.01) volume far enough to list files and read them.
///
/// ```
///  sector 256: Anchor Volume Descriptor Pointer ──> Volume Descriptor Sequence
///      Primary VD, Partition D. (start, length), Logical Volume D. (block size, partition maps,
///      File Set D. address), ..., Terminating D.
///  partition: File Set Descriptor ──> root ICB (File Entry / Extended File Entry)
///      File Entry: ICB tag (file type, allocation descriptor kind), information length,
///                  allocation descriptors (short / long) or the data itself (embedded)
///      directory data: File Identifier Descriptors (characteristics, name, ICB of the child)
/// ```
///
/// Every descriptor starts with a 16-byte tag (identifier, checksum of the tag, CRC of the body, location);
/// the tag checksum must hold, a failing CRC or location is an anomaly. Metadata and virtual partitions
/// (UDF 2.50, packet-written discs) are recognised and reported, not read.
struct UDFReader {
    let volume: Volume
    let limits: DiskImageLimits
    let sectorSize: Int
    let blockSize: Int
    /// Partition reference number (index in the logical volume's map table) to the partition's first byte and
    /// length, volume-relative.
    let partitions: [Int: (start: Int, length: Int)]
    let fileSetDescriptor: (block: Int, partition: Int)
    let label: String?
    /// The end of the volume as its structures declare it: the last partition, or the last anchor.
    var declaredEnd = 0

    enum Tag: UInt16 {
        case primaryVolume = 1, anchor = 2, pointer = 3, partition = 5, logicalVolume = 6, terminating = 8
        case fileSet = 256, fileIdentifier = 257, allocationExtent = 258, fileEntry = 261, extendedFileEntry = 266
    }

    // MARK: - Descriptor tags

    /// Checks the descriptor tag of `r` (ECMA-167 3/7.2) and returns its identifier.
    ///
    /// ```
    ///  0 identifier | 2 version | 4 checksum | 5 reserved | 6 serial | 8 CRC | 10 CRC length | 12 location
    /// ```
    static func tag(_ r: Record, location: Int?, anomalies: inout AnomalyLog) throws -> UInt16 {
        let head = try r.bytes(0, 16)
        var sum: UInt8 = 0
        for (i, b) in head.enumerated() where i != 4 { sum &+= b }
        guard sum == head[head.startIndex + 4] else {
            throw DiskImageError(.malformed, "descriptor tag checksum fails", offset: r.base)
        }
        let id = try r.u16(0)
        let crcLength = Int(try r.u16(10))
        if let body = try? r.bytes(16, crcLength) {
            if CRC16.itu(body) != (try r.u16(8)) {
                anomalies.add(.badChecksum, offset: r.base, "descriptor \(id): CRC over \(crcLength) bytes fails")
            }
        } else {
            anomalies.add(.badChecksum, offset: r.base, "descriptor \(id): CRC length \(crcLength) overruns it")
        }
        if let location, UInt32(truncatingIfNeeded: location) != (try r.u32(12)) {
            anomalies.add(
                .malformedRecord, offset: r.base,
                "descriptor \(id) says it is at block \(try r.u32(12)), found at \(location)")
        }
        return id
    }

    // MARK: - Opening the volume

    /// Finds the anchor and reads the volume descriptor sequence; nil (with anomalies) when that fails.
    static func open(volume: Volume, limits: DiskImageLimits, anomalies: inout AnomalyLog) -> UDFReader? {
        var scratch = AnomalyLog(limit: limits.maxAnomalies)
        var anchor: (Record, Int)?
        for size in [2048, 512, 4096, 1024] {
            let candidates = [256, volume.length / size - 1, volume.length / size - 257]
            for sector in candidates where sector >= 256 {
                guard let r = try? volume.record(sector * size, size),
                    (try? tag(r, location: sector, anomalies: &scratch)) == Tag.anchor.rawValue
                else { continue }
                anchor = (r, size)
                break
            }
            if anchor != nil { break }
        }
        guard let (avdp, sectorSize) = anchor else {
            anomalies.add(.malformedRecord, "UDF recognition sequence but no anchor volume descriptor pointer")
            return nil
        }
        _ = try? tag(avdp, location: nil, anomalies: &anomalies)
        for (lengthField, locationField) in [(16, 20), (24, 28)] {
            guard let length = try? avdp.u32(lengthField), let location = try? avdp.u32(locationField) else { continue }
            if var reader = readSequence(
                volume: volume, limits: limits, sectorSize: sectorSize, location: Int(location), length: Int(length),
                anomalies: &anomalies)
            {
                // The other anchors sit at the last sector and 256 sectors before it.
                reader.declaredEnd = reader.partitions.values.map { $0.start &+ $0.length }.max() ?? 0
                let last = volume.length / sectorSize - 1
                var anchors = 0
                for sector in Set([256, last, last - 256]) where sector >= 256 {
                    if let r = try? volume.record(sector * sectorSize, sectorSize),
                        (try? tag(r, location: sector, anomalies: &scratch)) == Tag.anchor.rawValue
                    {
                        anchors += 1
                        reader.declaredEnd = max(reader.declaredEnd, (sector + 1) * sectorSize)
                    }
                }
                if anchors < 2 {
                    anomalies.add(
                        .malformedRecord, offset: volume.base,
                        "\(anchors) anchor volume descriptor pointer; UDF records two of sectors 256, N-256, N-1")
                }
                return reader
            }
            anomalies.add(.malformedRecord, offset: volume.base, "main UDF volume descriptor sequence unusable")
        }
        return nil
    }

    /// Reads one volume descriptor sequence (following pointer descriptors) for the partition and logical
    /// volume descriptors.
    static func readSequence(
        volume: Volume, limits: DiskImageLimits, sectorSize: Int, location: Int, length: Int,
        anomalies: inout AnomalyLog
    ) -> UDFReader? {
        var partitionsByNumber: [Int: (start: Int, length: Int)] = [:]
        var logical: Record?
        var label: String?
        var extents = [(location, length)]
        var visited = Set<Int>()
        var read = 0
        sequence: while let (start, bytes) = extents.popLast() {
            guard visited.insert(start).inserted else {
                anomalies.add(.directoryLoop, "UDF volume descriptor pointer loops back to sector \(start)")
                break
            }
            for i in 0..<max(0, bytes / sectorSize) {
                read += 1
                guard limits.maxDescriptors.allows(read) else {
                    anomalies.add(
                        .limitExceeded,
                        "\(limits.maxDescriptors.name): more than \(limits.maxDescriptors.maximum) UDF descriptors")
                    break sequence
                }
                let sector = start + i
                guard let offset = try? multiply(sector, sectorSize), let r = try? volume.record(offset, sectorSize),
                    let id = try? tag(r, location: sector, anomalies: &anomalies)
                else { break }
                switch Tag(rawValue: id) {
                case .partition:
                    if let number = try? r.u16(22), let first = try? r.u32(188), let count = try? r.u32(192),
                        let s = try? multiply(Int(first), sectorSize), let l = try? multiply(Int(count), sectorSize)
                    {
                        partitionsByNumber[Int(number)] = (s, l)
                        if let contents = try? r.bytes(25, 6), Array(contents) != Array("+NSR02".utf8),
                            Array(contents) != Array("+NSR03".utf8)
                        {
                            anomalies.add(.unsupportedFeature, offset: r.base, "partition contents are not NSR")
                        }
                    }
                case .logicalVolume:
                    logical = r
                    label = dstring(try? r.bytes(84, 128))
                case .primaryVolume:
                    if label == nil { label = dstring(try? r.bytes(24, 32)) }
                case .pointer:
                    if let l = try? r.u32(20), let next = try? r.u32(24) { extents.append((Int(next), Int(l))) }
                    continue sequence
                case .terminating:
                    break sequence
                default:
                    break
                }
            }
        }
        guard let lvd = logical, let block = try? lvd.u32(212), let blockSize = Int(exactly: block),
            [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].contains(blockSize),
            let fsdBlock = try? lvd.u32(252), let fsdPartition = try? lvd.u16(256),
            let mapCount = try? lvd.u32(268)
        else {
            anomalies.add(.malformedRecord, "no usable UDF logical volume descriptor")
            return nil
        }
        // Partition maps (ECMA-167 3/10.7): type 1 names a partition number; type 2 is a UDF extension.
        var partitions: [Int: (start: Int, length: Int)] = [:]
        var position = 440
        for reference in 0..<min(Int(mapCount), 64) {
            guard let type = try? lvd.u8(position), let len = try? lvd.u8(position + 1), len >= 2 else { break }
            if type == 1, let number = try? lvd.u16(position + 4), let p = partitionsByNumber[Int(number)] {
                partitions[reference] = p
            } else if type == 2, let ident = try? lvd.bytes(position + 5, 23) {
                let name = Names.bytes(ident).trimmingCharacters(in: "\0 ")
                if name == "*UDF Sparable Partition", let number = try? lvd.u16(position + 38),
                    let p = partitionsByNumber[Int(number)]
                {
                    partitions[reference] = p  // sparing only remaps defective packets on the medium
                } else {
                    anomalies.add(.unsupportedFeature, offset: lvd.base + position, "UDF partition map \"\(name)\"")
                }
            }
            position += Int(len)
        }
        if partitions.isEmpty, let only = partitionsByNumber.first, mapCount == 0 {
            partitions[0] = only.value
        }
        guard !partitions.isEmpty else {
            anomalies.add(.malformedRecord, "UDF logical volume maps no readable partition")
            return nil
        }
        return UDFReader(
            volume: volume, limits: limits, sectorSize: sectorSize, blockSize: blockSize, partitions: partitions,
            fileSetDescriptor: (Int(fsdBlock), Int(fsdPartition)), label: label)
    }

    /// A dstring (ECMA-167 1/7.2.12): OSTA CS0 characters, the used length in the last byte.
    static func dstring(_ raw: ArraySlice<UInt8>?) -> String? {
        guard let raw, let used = raw.last, used > 0 else { return nil }
        let s = cs0(raw.prefix(min(Int(used), raw.count - 1))).trimmingCharacters(in: "\0 ")
        return s.isEmpty ? nil : s
    }

    /// OSTA compressed Unicode: compression ID 8 (one byte a character) or 16 (UTF-16 big-endian).
    static func cs0(_ raw: ArraySlice<UInt8>) -> String {
        guard let id = raw.first else { return "" }
        let rest = raw.dropFirst()
        switch id {
        case 16, 255: return Names.utf16(rest, bigEndian: true)
        default: return Charsets_latin1(rest)
        }
    }

    // MARK: - Addresses

    /// The volume offset of logical block `block` of partition reference `partition`.
    func offset(block: Int, partition: Int, count: Int = 0) throws -> Int {
        guard let p = partitions[partition] else {
            throw DiskImageError(.malformed, "partition reference \(partition) is not mapped")
        }
        let relative = try multiply(block, blockSize)
        guard relative <= p.length, count <= p.length - relative else {
            throw DiskImageError(.malformed, "block \(block) lies outside partition \(partition)")
        }
        return try add(p.start, relative)
    }

    // MARK: - File entries

    struct FileEntry {
        var offset: Int
        var fileType: UInt8
        var size: UInt64
        var modified: ImageTimestamp?
        var extents: [Extent]
        var unreadable: String?
    }

    /// Reads the (extended) file entry at `block` of `partition` and resolves its allocation descriptors.
    func fileEntry(block: Int, partition: Int, path: String, anomalies: inout AnomalyLog) throws -> FileEntry {
        let offset = try offset(block: block, partition: partition, count: blockSize)
        let r = try volume.record(offset, blockSize)
        let id = try Self.tag(r, location: block, anomalies: &anomalies)
        let extended: Bool
        switch Tag(rawValue: id) {
        case .fileEntry: extended = false
        case .extendedFileEntry: extended = true
        default: throw DiskImageError(.malformed, "descriptor \(id) where a file entry belongs", offset: r.base)
        }
        let strategy = try r.u16(20)
        if strategy != 4 {
            anomalies.add(.unsupportedFeature, path: path, offset: r.base, "ICB strategy \(strategy) read as strategy 4")
        }
        let fileType = try r.u8(27)
        let flags = try r.u16(34)
        let size = try r.u64(56)
        let modified = Self.timestamp(try r.bytes(extended ? 92 : 84, 12))
        let eaLength = Int(try r.u32(extended ? 208 : 168))
        let adLength = Int(try r.u32(extended ? 212 : 172))
        let adStart = try add(extended ? 216 : 176, eaLength)
        guard adStart <= blockSize, adLength <= blockSize - adStart else {
            throw DiskImageError(.malformed, "allocation descriptors overrun the file entry", offset: r.base)
        }
        let ads = try r.bytes(adStart, adLength)
        var entry = FileEntry(
            offset: volume.base + offset, fileType: fileType, size: size, modified: modified, extents: [])
        let wanted = Int(exactly: size) ?? Int.max
        switch flags & 7 {
        case 3:  // embedded: the data is the allocation descriptor area
            entry.extents = [Extent(offset: r.base + adStart, length: min(adLength, wanted))]
            if wanted > adLength {
                anomalies.add(.sizeMismatch, path: path, offset: r.base, "embedded data of \(adLength) bytes for size \(size)")
            }
        case 0, 1:
            entry.extents = try allocation(
                ads, long: flags & 7 == 1, partition: partition, wanted: wanted, path: path, anomalies: &anomalies)
        default:
            entry.unreadable = "extended allocation descriptors"
            anomalies.add(.unsupportedFeature, path: path, offset: r.base, "extended allocation descriptors")
        }
        return entry
    }

    /// Turns short (8-byte) or long (16-byte) allocation descriptors into extents, following allocation extent
    /// descriptors, up to `wanted` bytes.
    func allocation(
        _ first: ArraySlice<UInt8>, long: Bool, partition: Int, wanted: Int, path: String,
        anomalies: inout AnomalyLog
    ) throws -> [Extent] {
        var extents: [Extent] = []
        var total = 0
        var area = first
        var visited = Set<Int>()
        let size = long ? 16 : 8
        while true {
            var c = ByteCursor(area)
            var next: (block: Int, partition: Int)?
            while c.remaining >= size, total < wanted {
                let raw = try c.readUInt32LE()
                let position = Int(try c.readUInt32LE())
                var part = partition
                if long {
                    part = Int(try c.readUInt16LE())
                    try c.skip(6)
                }
                let type = raw >> 30
                let length = Int(raw & 0x3FFF_FFFF)
                if length == 0 { break }
                if type == 3 {
                    next = (position, part)
                    break
                }
                guard limits.maxExtentsPerFile.allows(extents.count + 1) else {
                    anomalies.add(
                        .limitExceeded, path: path,
                        "\(limits.maxExtentsPerFile.name): more than \(limits.maxExtentsPerFile.maximum) extents")
                    return extents
                }
                let take = min(length, wanted - total)
                total += take
                if type != 0 {
                    extents.append(Extent(offset: nil, length: take))  // allocated or not, but not recorded
                    continue
                }
                guard let start = try? offset(block: position, partition: part),
                    let (abs, present) = volume.clip(start, take)
                else {
                    anomalies.add(
                        .extentBeyondEnd, path: path, "extent at block \(position) lies outside its partition")
                    extents.append(Extent(offset: nil, length: 0))
                    continue
                }
                if present < take {
                    anomalies.add(.extentBeyondEnd, path: path, offset: abs, "extent of \(take) bytes, \(present) present")
                }
                extents.append(Extent(offset: abs, length: present))
            }
            guard let n = next else { break }
            guard visited.insert(n.block).inserted, visited.count <= 4096 else {
                anomalies.add(.directoryLoop, path: path, "allocation extent descriptors loop")
                break
            }
            let o = try offset(block: n.block, partition: n.partition, count: blockSize)
            let r = try volume.record(o, blockSize)
            guard try Self.tag(r, location: n.block, anomalies: &anomalies) == Tag.allocationExtent.rawValue else {
                throw DiskImageError(.malformed, "allocation extent descriptor expected", offset: r.base)
            }
            let length = Int(try r.u32(20))
            area = try r.bytes(24, min(length, blockSize - 24))
        }
        if total < wanted {
            anomalies.add(.sizeMismatch, path: path, "allocation descriptors cover \(total) of \(wanted) bytes")
        }
        return extents
    }

    /// A 12-byte timestamp (ECMA-167 1/7.3): type and time zone, year, month, day, hour, minute, second, ...
    static func timestamp(_ b: ArraySlice<UInt8>) -> ImageTimestamp? {
        var c = ByteCursor(b)
        guard let tz = try? c.readUInt16LE(), let year = try? c.readUInt16LE(), let rest = try? c.readBytes(5) else {
            return nil
        }
        let v = Array(rest)
        if year == 0 && v.allSatisfy({ $0 == 0 }) { return nil }
        let minutes = Int(Int16(bitPattern: (tz & 0x0FFF) << 4) >> 4)
        let hasZone = tz >> 12 == 1 && minutes != -2047
        return ImageTimestamp(
            year: Int(Int16(bitPattern: year)), month: Int(v[0]), day: Int(v[1]), hour: Int(v[2]), minute: Int(v[3]),
            second: Int(v[4]), utcOffsetMinutes: hasZone ? minutes : nil)
    }

    // MARK: - Directory tree

    /// Walks the file set from its root directory.
    func walk(anomalies: inout AnomalyLog) -> View {
        var view = View(source: "udf")
        view.label = label
        let root: (block: Int, partition: Int)
        do {
            let o = try offset(block: fileSetDescriptor.block, partition: fileSetDescriptor.partition, count: blockSize)
            let r = try volume.record(o, blockSize)
            guard try Self.tag(r, location: fileSetDescriptor.block, anomalies: &anomalies) == Tag.fileSet.rawValue
            else {
                throw DiskImageError(.malformed, "file set descriptor expected", offset: r.base)
            }
            root = (Int(try r.u32(404)), Int(try r.u16(408)))
        } catch {
            anomalies.add(.malformedRecord, "UDF file set descriptor unreadable: \(error)")
            return view
        }
        var visited: Set<[Int]> = [[root.block, root.partition]]
        var stack: [(icb: (block: Int, partition: Int), path: String, depth: Int)] = [(root, "", 0)]
        var budget = limits.maxDirectoryBytes.maximum
        while let dir = stack.popLast() {
            let data: [UInt8]
            do {
                let fe = try fileEntry(block: dir.icb.block, partition: dir.icb.partition, path: dir.path, anomalies: &anomalies)
                data = gather(fe.extents, budget: &budget, path: dir.path, anomalies: &anomalies)
            } catch {
                anomalies.add(.malformedRecord, path: dir.path, "UDF directory unreadable: \(error)")
                continue
            }
            var children: [(icb: (block: Int, partition: Int), path: String, depth: Int)] = []
            var c = ByteCursor(data)
            while c.remaining >= 38 {
                let start = c.offset
                guard let head = try? Record(c, at: start, count: 38), let implLength = try? head.u16(36),
                    let nameLength = try? head.u8(19)
                else { break }
                let used = 38 + Int(implLength) + Int(nameLength)
                let length = (used + 3) & ~3
                guard used <= c.remaining, let r = try? Record(c, at: start, count: min(length, c.remaining)),
                    (try? Self.tag(r, location: nil, anomalies: &anomalies)) == Tag.fileIdentifier.rawValue,
                    let characteristics = try? r.u8(18), let block = try? r.u32(24), let partition = try? r.u16(28),
                    let fid = try? c.readBytes(min(length, c.remaining))
                else {
                    if data[start...].contains(where: { $0 != 0 }) {
                        anomalies.add(.malformedRecord, path: dir.path, "bad file identifier descriptor at byte \(start)")
                    }
                    break
                }
                if characteristics & 0x08 != 0 || characteristics & 0x04 != 0 { continue }  // parent, deleted
                let nameBytes = fid.dropFirst(38 + Int(implLength)).prefix(Int(nameLength))
                let (name, problem) = Names.sanitize(Self.cs0(nameBytes))
                let path = dir.path.isEmpty ? name : dir.path + "/" + name
                if let problem { anomalies.add(.suspiciousName, path: path, problem) }
                let icb = (Int(block), Int(partition))
                let fe: FileEntry
                do {
                    fe = try fileEntry(block: icb.0, partition: icb.1, path: path, anomalies: &anomalies)
                } catch {
                    anomalies.add(.malformedRecord, path: path, "file entry unreadable: \(error)")
                    continue
                }
                let isDirectory = characteristics & 0x02 != 0 || fe.fileType == 4
                let entry = ImageEntry(
                    index: 0, path: path, size: fe.size, isDirectory: isDirectory,
                    isHidden: characteristics & 0x01 != 0, modified: fe.modified,
                    extentOffset: fe.extents.first(where: { $0.offset != nil })?.offset, source: "udf")
                if isDirectory {
                    guard dir.depth + 1 <= limits.maxDepth.maximum else {
                        anomalies.add(
                            .limitExceeded, path: path,
                            "\(limits.maxDepth.name): deeper than \(limits.maxDepth.maximum) directories")
                        continue
                    }
                    guard visited.insert([icb.0, icb.1]).inserted else {
                        anomalies.add(.directoryLoop, path: path, offset: fe.offset, "directory ICB \(icb.0) was already listed")
                        continue
                    }
                    guard view.add(entry, .none, limits: limits, anomalies: &anomalies) else { return view }
                    children.append((icb, path, dir.depth + 1))
                } else {
                    let layout = Layout(extents: fe.extents, unreadable: fe.unreadable)
                    guard view.add(entry, layout, limits: limits, anomalies: &anomalies) else { return view }
                }
            }
            stack.append(contentsOf: children.reversed())
        }
        return view
    }

    /// Copies a directory's extents into one buffer, within the directory byte budget.
    private func gather(_ extents: [Extent], budget: inout Int, path: String, anomalies: inout AnomalyLog) -> [UInt8] {
        var out: [UInt8] = []
        for e in extents {
            let n = min(e.length, max(0, budget))
            if n < e.length {
                anomalies.add(
                    .limitExceeded, path: path,
                    "\(limits.maxDirectoryBytes.name): directory bytes beyond \(limits.maxDirectoryBytes.maximum)")
            }
            budget -= n
            if let o = e.offset, let bytes = try? volume.image.slice(at: o, count: n) {
                out += bytes
            } else {
                out += repeatElement(0, count: n)
            }
            if budget <= 0 { break }
        }
        return out
    }
}

/// Latin-1 bytes as a string.
func Charsets_latin1(_ raw: ArraySlice<UInt8>) -> String {
    String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// CRC-ITU-T (polynomial 0x1021, initial 0), the CRC of UDF descriptor tags.
enum CRC16 {
    static let table: [UInt16] = (0..<256).map { i -> UInt16 in
        var crc = UInt16(i) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    static func itu(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for b in bytes { crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ b)] }
        return crc
    }
}
