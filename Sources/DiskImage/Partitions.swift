import ByteCursor

/// The 512-byte footer of a Virtual Hard Disk (Microsoft's VHD specification), big-endian.
///
/// A fixed VHD is the raw disk followed by this footer; a dynamic or differencing one starts with a copy of it,
/// then a "cxsparse" header and a block allocation table.
///
/// ```
///  0 "conectix" | 8 features | 12 version | 16 data offset | 24 time stamp | 28 creator | 32 creator version
///  36 creator OS | 40 original size | 48 current size | 56 geometry | 60 disk type (2 fixed, 3 dynamic,
///  4 differencing) | 64 checksum (ones' complement of the byte sum) | 68 unique id | 84 saved state
/// ```
struct VHDFooter {
    /// Absolute offset of the footer (at the end, or 0 for a dynamic disk's copy).
    var offset: Int
    var diskType: UInt32
    var currentSize: UInt64

    var isFixed: Bool { diskType == 2 }
    var typeName: String {
        switch diskType {
        case 2: "fixed"
        case 3: "dynamic"
        case 4: "differencing"
        default: "type \(diskType)"
        }
    }

    /// The footer at the end of the input (or, for a dynamic disk, its copy at the start); nil when neither.
    init?(image: ByteCursor, count: Int, anomalies: inout AnomalyLog) {
        let cookie = Array("conectix".utf8)
        var found: Record?
        for at in [count - 512, count - 511, 0] where at >= 0 {
            if let r = try? Record(image, at: at, count: min(512, count - at)), let c = try? r.bytes(0, 8),
                Array(c) == cookie, r.count >= 511
            {
                found = r
                break
            }
        }
        guard let r = found, let type = try? r.u32be(60), let size = try? r.u64be(48),
            let stored = try? r.u32be(64), let all = try? r.bytes(0, r.count)
        else { return nil }
        offset = r.base
        diskType = type
        if r.count == 511 {
            anomalies.add(.malformedRecord, offset: r.base, "511-byte VHD footer (Virtual PC 2004 and earlier)")
        }
        currentSize = size
        var sum: UInt32 = 0
        for (i, b) in all.enumerated() where !(64..<68).contains(i) { sum &+= UInt32(b) }
        if ~sum != stored {
            anomalies.add(.badChecksum, offset: r.base + 64, "VHD footer checksum \(stored), computed \(~sum)")
        }
        if type == 2, size != UInt64(r.base) {
            anomalies.add(.sizeMismatch, offset: r.base + 48, "VHD current size \(size), \(r.base) bytes of disk")
        }
    }
}

/// The partitions of a raw disk: a master boot record, or a GUID partition table behind a protective MBR.
///
/// ```
///  MBR (sector 0): 446 four 16-byte entries: 0 status | 4 type | 8 first LBA | 12 sectors ; 510 0x55 0xAA
///  GPT (sector 1): "EFI PART" | 72 entries LBA | 80 entry count | 84 entry size
///      entry: 0 type GUID | 16 unique GUID | 32 first LBA | 40 last LBA | 56 name (UTF-16)
/// ```
struct PartitionTable {
    var volumes: [Volume] = []

    init?(disk: Volume, limits: DiskImageLimits, anomalies: inout AnomalyLog) {
        guard let mbr = try? disk.record(0, 512), (try? mbr.u16(510)) == 0xAA55 else { return nil }
        var entries: [(type: UInt8, first: Int, count: Int)] = []
        for i in 0..<4 {
            let e = 446 + 16 * i
            guard let status = try? mbr.u8(e), let type = try? mbr.u8(e + 4), let first = try? mbr.u32(e + 8),
                let count = try? mbr.u32(e + 12)
            else { return nil }
            if type == 0 { continue }
            guard status == 0 || status == 0x80 else { return nil }  // not a partition table
            entries.append((type, Int(first), Int(count)))
        }
        guard !entries.isEmpty else { return nil }
        var end = 512
        if entries.contains(where: { $0.type == 0xEE }) {
            guard let gpt = Self.gpt(disk: disk, limits: limits, anomalies: &anomalies) else { return nil }
            entries = gpt
        }
        for e in entries {
            if [0x05, 0x0F, 0x85].contains(e.type) {
                anomalies.add(.unsupportedFeature, "extended partition (type 0x\(String(e.type, radix: 16))) not read")
                continue
            }
            guard let start = try? multiply(e.first, 512), let length = try? multiply(e.count, 512),
                let stop = try? add(start, length), start > 0, start < disk.length || length == 0
            else {
                anomalies.add(.extentBeyondEnd, "partition at sector \(e.first) lies beyond the end of the disk")
                continue
            }
            end = max(end, stop)
            volumes.append(Volume(image: disk.image, base: disk.base + start, length: min(length, disk.length - start)))
        }
        DiskImage.checkEnd(disk, declaredEnd: end, what: "partitioned disk", anomalies: &anomalies)
    }

    static func gpt(disk: Volume, limits: DiskImageLimits, anomalies: inout AnomalyLog)
        -> [(type: UInt8, first: Int, count: Int)]?
    {
        guard let header = try? disk.record(512, 92), let sig = try? header.bytes(0, 8),
            Array(sig) == Array("EFI PART".utf8), let table = try? header.u64(72),
            let count = try? header.u32(80), let size = try? header.u32(84), size >= 128, size <= 4096
        else {
            anomalies.add(.malformedRecord, offset: disk.base + 512, "protective MBR without a GPT header")
            return nil
        }
        var out: [(type: UInt8, first: Int, count: Int)] = []
        let n = min(Int(count), limits.maxDescriptors.maximum)
        if n < Int(count) {
            anomalies.add(.limitExceeded, "\(limits.maxDescriptors.name): GPT with \(count) entries")
        }
        for i in 0..<n {
            guard let base = try? int(table).multipliedReportingOverflow(by: 512),
                !base.overflow, let at = try? add(base.partialValue, i * Int(size)),
                let e = try? disk.record(at, 128), let type = try? e.bytes(0, 16),
                let first = try? e.u64(32), let last = try? e.u64(40)
            else { break }
            if type.allSatisfy({ $0 == 0 }) { continue }
            guard let f = Int(exactly: first), let l = Int(exactly: last), l >= f else { continue }
            out.append((0x00, f, l - f + 1))
        }
        return out
    }
}
