import ByteCursor

/// The volume descriptors at the start of an ISO 9660 (ECMA-119) or UDF (ECMA-167) volume.
///
/// Both start the same way: 32 KiB of system area, then 2,048-byte descriptors from sector 16, each with a
/// type byte and a five-letter identifier. ISO 9660 writes "CD001" descriptors up to a terminator (type 255);
/// UDF writes its Volume Recognition Sequence ("BEA01", "NSR02"/"NSR03", "TEA01"), after the ISO ones on a
/// "bridge" disc.
///
/// ```
///  0        32768      34816      36864                    sector 256 (UDF anchor)
///  |system  | CD001 1  | CD001 2  | CD001 255 | BEA01 | NSR02 | TEA01 | ... | AVDP |
///  |area    | primary  | Joliet   | terminator|  UDF recognition   |
/// ```
struct VolumeDescriptors {
    static let sectorSize = 2048
    static let firstSector = 16

    var primary: Record?
    var joliet: Record?
    var hasCD001 = false
    var hasNSR = false
    var bootRecord = false

    /// Scans the descriptors of `volume`; nil when sector 16 holds neither "CD001" nor a UDF identifier.
    init?(volume: Volume, limits: DiskImageLimits, anomalies: inout AnomalyLog) {
        var sector = Self.firstSector
        var count = 0
        while true {
            let offset = sector * Self.sectorSize
            guard let d = try? volume.record(offset, Self.sectorSize), let ident = try? d.bytes(1, 5) else {
                if count > 0, offset < volume.length {
                    anomalies.add(.truncated, offset: volume.base + offset, "volume descriptor cut short")
                }
                break
            }
            let type = (try? d.u8(0)) ?? 0
            switch Array(ident) {
            case Array("CD001".utf8):
                hasCD001 = true
                if type == 1, primary == nil { primary = d }
                if type == 2, joliet == nil, Self.isJoliet(d) { joliet = d }
                if type == 0 { bootRecord = true }
            case Array("NSR02".utf8), Array("NSR03".utf8):
                hasNSR = true
            case Array("BEA01".utf8), Array("TEA01".utf8), Array("BOOT2".utf8), Array("CDW02".utf8):
                break
            default:
                // An unknown descriptor ends the sequence.
                if count == 0 { return nil }
                sector = Int.max
            }
            if sector == Int.max { break }
            count += 1
            if !limits.maxDescriptors.allows(count) {
                anomalies.add(
                    .limitExceeded, offset: volume.base + offset,
                    "\(limits.maxDescriptors.name): more than \(limits.maxDescriptors.maximum) volume descriptors")
                break
            }
            sector += 1
        }
        if count == 0 { return nil }
    }

    /// A supplementary descriptor whose escape sequences (offset 88) announce UCS-2 level 1, 2 or 3.
    static func isJoliet(_ d: Record) -> Bool {
        guard let esc = try? d.bytes(88, 3) else { return false }
        return esc[esc.startIndex] == 0x25 && esc[esc.startIndex + 1] == 0x2F
            && [0x40, 0x43, 0x45].contains(esc[esc.startIndex + 2])
    }
}

/// Reads the directory trees of an ISO 9660 volume: the primary tree (with Rock Ridge names) and Joliet.
///
/// A directory record (ECMA-119 9.1); both-endian fields hold a little-endian then a big-endian copy:
///
/// ```
///  0 len | 1 ext-attr len | 2 extent LBA (LE,BE) | 10 data length (LE,BE) | 18 date (7) | 25 flags
///  26 unit size | 27 gap | 28 volume seq (LE,BE) | 32 name len | 33 name [pad] | system use (Rock Ridge)
///  flags: 0x01 hidden, 0x02 directory, 0x04 associated, 0x80 multi-extent (more records follow)
/// ```
struct ISO9660Reader {
    let volume: Volume
    let limits: DiskImageLimits
    let blockSize: Int

    /// A parsed directory record.
    struct DirectoryRecord {
        var offset: Int
        var block: Int
        var length: Int
        var extendedAttributeBlocks: Int
        var flags: UInt8
        var name: ArraySlice<UInt8>
        var systemUse: ArraySlice<UInt8>
        var recorded: ImageTimestamp?
        var interleaved: Bool

        var isHidden: Bool { flags & 0x01 != 0 }
        var isDirectory: Bool { flags & 0x02 != 0 }
        var isAssociated: Bool { flags & 0x04 != 0 }
        var continues: Bool { flags & 0x80 != 0 }
        /// "." (0x00) or ".." (0x01).
        var isSelfOrParent: Bool { name.count == 1 && (name.first ?? 2) <= 1 }
    }

    /// The logical block size of `primary` (offset 128), 2,048 when it is not a power of two in 512...2048.
    static func blockSize(_ primary: Record, anomalies: inout AnomalyLog) -> Int {
        let le = Int((try? primary.u16(128)) ?? 2048)
        let be = Int((try? primary.u16be(130)) ?? 2048)
        if le != be {
            anomalies.add(.bothEndianMismatch, offset: primary.base + 128, "logical block size \(le) / \(be)")
        }
        guard [512, 1024, 2048].contains(le) else {
            anomalies.add(.malformedRecord, offset: primary.base + 128, "logical block size \(le); 2048 assumed")
            return 2048
        }
        return le
    }

    /// The volume identifier (offset 40): d-characters, or UCS-2 for Joliet.
    static func label(_ d: Record, joliet: Bool) -> String? {
        guard let raw = try? d.bytes(40, 32) else { return nil }
        let s = (joliet ? Names.utf16(raw, bigEndian: true) : Names.bytes(raw)).trimmingTrailingSpaces
        return s.isEmpty ? nil : s
    }

    /// The volume size the primary descriptor declares (offset 80), in bytes.
    static func declaredSize(_ primary: Record, blockSize: Int) -> Int? {
        guard let blocks = try? primary.u32(80) else { return nil }
        return Int(blocks).multipliedReportingOverflow(by: blockSize).overflow ? nil : Int(blocks) * blockSize
    }

    /// Reads the directory record at `offset` (volume-relative) of `available` bytes.
    func parseRecord(_ r: Record, anomalies: inout AnomalyLog) throws -> DirectoryRecord {
        let len = Int(try r.u8(0))
        let nameLength = Int(try r.u8(32))
        guard len >= 34, 33 + nameLength <= len else {
            throw DiskImageError(.malformed, "directory record of \(len) bytes with a \(nameLength)-byte name")
        }
        let blockLE = try r.u32(2), blockBE = try r.u32be(6)
        let sizeLE = try r.u32(10), sizeBE = try r.u32be(14)
        if blockLE != blockBE || sizeLE != sizeBE {
            anomalies.add(
                .bothEndianMismatch, offset: r.base,
                "extent \(blockLE)/\(blockBE), length \(sizeLE)/\(sizeBE); the little-endian values are used")
        }
        let nameEnd = 33 + nameLength + (nameLength % 2 == 0 ? 1 : 0)
        let systemUse = nameEnd < len ? try r.bytes(nameEnd, len - nameEnd) : []
        return DirectoryRecord(
            offset: r.base, block: Int(blockLE), length: Int(sizeLE),
            extendedAttributeBlocks: Int(try r.u8(1)), flags: try r.u8(25),
            name: try r.bytes(33, nameLength), systemUse: systemUse,
            recorded: Self.timestamp(try r.bytes(18, 7)), interleaved: try r.u8(26) != 0 || r.u8(27) != 0)
    }

    /// The 7-byte recording date (ECMA-119 9.1.5): years since 1900, month, day, hour, minute, second, and the
    /// offset from GMT in 15-minute steps.
    static func timestamp(_ b: ArraySlice<UInt8>) -> ImageTimestamp? {
        guard b.count == 7 else { return nil }
        let v = Array(b)
        if v.allSatisfy({ $0 == 0 }) { return nil }
        return ImageTimestamp(
            year: 1900 + Int(v[0]), month: Int(v[1]), day: Int(v[2]), hour: Int(v[3]), minute: Int(v[4]),
            second: Int(v[5]), utcOffsetMinutes: Int(Int8(bitPattern: v[6])) * 15)
    }

    /// The name Windows shows: Joliet UCS-2, or the Rock Ridge "NM" name, or the ISO name without ";1" and a
    /// trailing ".".
    func name(of record: DirectoryRecord, joliet: Bool, rockRidge: Bool, anomalies: inout AnomalyLog) -> String {
        if !joliet, rockRidge, let nm = rockRidgeName(record, anomalies: &anomalies) { return nm }
        var s = joliet ? Names.utf16(record.name, bigEndian: true) : Names.bytes(record.name)
        if let semicolon = s.lastIndex(of: ";"), s[s.index(after: semicolon)...].allSatisfy(\.isNumber) {
            s = String(s[..<semicolon])
        }
        if s.hasSuffix("."), s.count > 1 { s.removeLast() }
        return s
    }

    /// The Rock Ridge alternate name (RRIP "NM" entries in the System Use area, following "CE" continuations).
    func rockRidgeName(_ record: DirectoryRecord, anomalies: inout AnomalyLog) -> String? {
        var area = record.systemUse
        var name: [UInt8] = []
        var found = false
        var hops = 0
        var visited = Set<Int>()
        while true {
            var next: (Int, Int)?
            var c = ByteCursor(area)
            while c.remaining >= 4 {
                guard let sig = try? c.readBytes(2), let len8 = try? c.readUInt8(), let _ = try? c.readUInt8() else {
                    break
                }
                let len = Int(len8)
                guard len >= 4, let data = try? c.readBytes(len - 4) else { break }
                let s = Array(sig)
                if s == Array("ST".utf8) { break }
                if s == Array("NM".utf8), let flags = data.first {
                    found = true
                    if flags & 0x06 != 0 { return nil }  // "." or ".."
                    if name.count < 4096 { name += data.dropFirst() }
                }
                if s == Array("CE".utf8), data.count >= 24 {
                    let r = Record.le32(data, 0), o = Record.le32(data, 8), l = Record.le32(data, 16)
                    next = (Int(r) * blockSize + Int(o), Int(l))
                }
            }
            guard let (offset, length) = next else { break }
            hops += 1
            guard hops <= 16, visited.insert(offset).inserted, length <= 1 << 16,
                let more = try? volume.slice(offset, length)
            else {
                anomalies.add(.malformedRecord, offset: record.offset, "Rock Ridge continuation area unreadable or looping")
                break
            }
            area = more
        }
        return found && !name.isEmpty ? Names.bytes(name[...]) : nil
    }

    /// Whether the root's "." record starts with a SUSP "SP" entry, or any Rock Ridge entry.
    static func usesRockRidge(_ root: DirectoryRecord) -> Bool {
        let su = Array(root.systemUse.prefix(7))
        return su.count >= 7 && su[0] == 0x53 && su[1] == 0x50 && su[4] == 0xBE && su[5] == 0xEF
    }

    /// Walks the tree under the root record at offset 156 of `descriptor`.
    func walk(descriptor: Record, joliet: Bool, anomalies: inout AnomalyLog) -> View {
        var view = View(source: joliet ? "joliet" : "iso9660")
        guard let rootRecord = try? Record(volume.image, at: descriptor.base + 156, count: 34),
            let root = try? parseRecord(rootRecord, anomalies: &anomalies)
        else {
            anomalies.add(.malformedRecord, offset: descriptor.base + 156, "root directory record unreadable")
            return view
        }
        var rockRidge = false
        if !joliet, let first = try? firstRecord(ofDirectoryAt: root.block), Self.usesRockRidge(first) {
            rockRidge = true
        }
        view.longNames = joliet || rockRidge
        var visited: Set<Int> = [root.block]
        var stack: [(block: Int, length: Int, path: String, depth: Int)] = [(root.block, root.length, "", 0)]
        var budget = limits.maxDirectoryBytes.maximum
        while let dir = stack.popLast() {
            var children: [(block: Int, length: Int, path: String, depth: Int)] = []
            let length = min(dir.length, max(0, budget))
            if length < dir.length {
                anomalies.add(
                    .limitExceeded, path: dir.path,
                    "\(limits.maxDirectoryBytes.name): directory bytes beyond \(limits.maxDirectoryBytes.maximum)")
            }
            budget -= length
            guard let start = try? multiply(dir.block, blockSize), let (abs, present) = volume.clip(start, length)
            else {
                anomalies.add(.extentBeyondEnd, path: dir.path, "directory extent at block \(dir.block) is outside")
                continue
            }
            if present < length {
                anomalies.add(
                    .extentBeyondEnd, path: dir.path, offset: abs,
                    "directory extent of \(length) bytes, \(present) present")
            }
            var pending: (name: String, record: DirectoryRecord, extents: [Extent], size: Int)?
            var position = 0
            while position < present {
                guard let r = try? Record(volume.image, at: abs + position, count: 1),
                    let len8 = try? r.u8(0)
                else { break }
                let sectorEnd = (position / VolumeDescriptors.sectorSize + 1) * VolumeDescriptors.sectorSize
                let len = Int(len8)
                if len == 0 {
                    position = sectorEnd
                    continue
                }
                guard position + len <= min(sectorEnd, present),
                    let rec = try? Record(volume.image, at: abs + position, count: len),
                    let record = try? parseRecord(rec, anomalies: &anomalies)
                else {
                    anomalies.add(
                        .malformedRecord, path: dir.path, offset: abs + position,
                        "directory record of \(len) bytes does not fit its sector")
                    position = sectorEnd
                    continue
                }
                position += len
                if record.isSelfOrParent || record.isAssociated { continue }
                let raw = name(of: record, joliet: joliet, rockRidge: rockRidge, anomalies: &anomalies)
                let (clean, problem) = Names.sanitize(raw)
                let path = dir.path.isEmpty ? clean : dir.path + "/" + clean
                if let problem { anomalies.add(.suspiciousName, path: path, offset: record.offset, problem) }
                if record.isDirectory {
                    guard dir.depth + 1 <= limits.maxDepth.maximum else {
                        anomalies.add(
                            .limitExceeded, path: path,
                            "\(limits.maxDepth.name): deeper than \(limits.maxDepth.maximum) directories")
                        continue
                    }
                    guard visited.insert(record.block).inserted else {
                        anomalies.add(
                            .directoryLoop, path: path, offset: record.offset,
                            "directory extent at block \(record.block) was already listed")
                        continue
                    }
                    let entry = ImageEntry(
                        index: 0, path: path, size: UInt64(record.length), isDirectory: true,
                        isHidden: record.isHidden, modified: record.recorded,
                        extentOffset: (try? multiply(record.block, blockSize)).flatMap { volume.clip($0, 0)?.start },
                        source: view.source)
                    guard view.add(entry, .none, limits: limits, anomalies: &anomalies) else { return view }
                    children.append((record.block, record.length, path, dir.depth + 1))
                    continue
                }
                // A file, possibly in several extents (multi-extent records share one name).
                let extent = fileExtent(record, path: path, anomalies: &anomalies)
                if var p = pending, p.name == clean {
                    if limits.maxExtentsPerFile.allows(p.extents.count + 1) {
                        p.extents.append(extent)
                        p.size += record.length
                    } else if p.extents.count == limits.maxExtentsPerFile.maximum {
                        anomalies.add(
                            .limitExceeded, path: path,
                            "\(limits.maxExtentsPerFile.name): more than \(limits.maxExtentsPerFile.maximum) extents")
                    }
                    pending = p
                } else {
                    if let p = pending {
                        anomalies.add(
                            .malformedRecord, path: p.name, offset: p.record.offset,
                            "multi-extent file without its last record")
                        if !addFile(p, dir: dir.path, to: &view, anomalies: &anomalies) { return view }
                    }
                    pending = (clean, record, [extent], record.length)
                }
                if !record.continues, let p = pending {
                    pending = nil
                    if !addFile(p, dir: dir.path, to: &view, anomalies: &anomalies) { return view }
                }
            }
            if let p = pending {
                anomalies.add(
                    .malformedRecord, path: p.name, offset: p.record.offset, "multi-extent file without its last record")
                if !addFile(p, dir: dir.path, to: &view, anomalies: &anomalies) { return view }
            }
            // Depth-first, in directory order.
            stack.append(contentsOf: children.reversed())
        }
        return view
    }

    private func addFile(
        _ p: (name: String, record: DirectoryRecord, extents: [Extent], size: Int), dir: String,
        to view: inout View, anomalies: inout AnomalyLog
    ) -> Bool {
        let path = dir.isEmpty ? p.name : dir + "/" + p.name
        let entry = ImageEntry(
            index: 0, path: path, size: UInt64(p.size), isDirectory: false, isHidden: p.record.isHidden,
            modified: p.record.recorded, extentOffset: p.extents.first?.offset, source: view.source)
        return view.add(entry, Layout(extents: p.extents, unreadable: nil), limits: limits, anomalies: &anomalies)
    }

    /// The bytes of one file record: its extent, clipped to the input (with an anomaly when it runs past).
    private func fileExtent(_ record: DirectoryRecord, path: String, anomalies: inout AnomalyLog) -> Extent {
        if record.interleaved {
            anomalies.add(.unsupportedFeature, path: path, offset: record.offset, "interleaved file; read as contiguous")
        }
        guard record.length > 0 else { return Extent(offset: nil, length: 0) }
        guard let first = try? add(record.block, record.extendedAttributeBlocks),
            let start = try? multiply(first, blockSize),
            let (abs, present) = volume.clip(start, record.length)
        else {
            anomalies.add(
                .extentBeyondEnd, path: path, offset: record.offset,
                "extent at block \(record.block) starts beyond the end of the volume")
            return Extent(offset: nil, length: 0)
        }
        if present < record.length {
            anomalies.add(
                .extentBeyondEnd, path: path, offset: abs,
                "extent of \(record.length) bytes, \(present) present in the input")
        }
        return Extent(offset: abs, length: present)
    }

    /// The "." record of the directory at `block`.
    private func firstRecord(ofDirectoryAt block: Int) throws -> DirectoryRecord {
        let start = try multiply(block, blockSize)
        let head = try volume.record(start, 1)
        let len = Int(try head.u8(0))
        var log = AnomalyLog(limit: limits.maxAnomalies)
        return try parseRecord(try volume.record(start, len), anomalies: &log)
    }
}

extension Record {
    /// A little-endian 32-bit value at `offset` of a short slice (zero where the slice is too short).
    static func le32(_ s: ArraySlice<UInt8>, _ offset: Int) -> UInt32 {
        var c = ByteCursor(s)
        guard (try? c.skip(offset)) != nil, let v = try? c.readUInt32LE() else { return 0 }
        return v
    }
}
