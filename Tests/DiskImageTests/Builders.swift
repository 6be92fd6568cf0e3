import TestSupport

/// In-memory images for malformed, limit and padding tests: every field under the test's control.

/// A FAT12/16/32 volume with 512-byte sectors and clusters; the FAT type follows from `clusters`.
struct FATBuilder {
    let clusters: Int
    var fat: [Int]
    var data: [UInt8]
    var root: [UInt8] = []
    var label = "TESTFAT    "
    private var nextFree = 2

    var bits: Int { clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32 }
    var endOfChain: Int { bits == 12 ? 0xFFF : bits == 16 ? 0xFFFF : 0x0FFF_FFFF }

    init(clusters: Int) {
        self.clusters = clusters
        fat = Array(repeating: 0, count: clusters + 2)
        data = Array(repeating: 0, count: clusters * 512)
        fat[0] = 0x0FFF_FFF8 & (bits == 12 ? 0xFFF : bits == 16 ? 0xFFFF : 0x0FFF_FFFF)
        fat[1] = endOfChain
        if bits == 32 { nextFree = 3; fat[2] = endOfChain }  // cluster 2: the root directory
    }

    /// Stores `bytes` in a contiguous chain of new clusters; returns the first (0 for empty content).
    mutating func store(_ bytes: [UInt8]) -> Int {
        guard !bytes.isEmpty else { return 0 }
        let count = (bytes.count + 511) / 512
        let first = nextFree
        for i in 0..<count {
            let c = first + i
            fat[c] = i == count - 1 ? endOfChain : c + 1
            let chunk = bytes[(i * 512)..<min(bytes.count, (i + 1) * 512)]
            data.replaceSubrange(((c - 2) * 512)..<((c - 2) * 512 + chunk.count), with: chunk)
        }
        nextFree += count
        return first
    }

    /// Writes `bytes` into cluster `cluster` (and those after it) without touching the FAT.
    mutating func write(_ bytes: [UInt8], at cluster: Int) {
        data.replaceSubrange(((cluster - 2) * 512)..<((cluster - 2) * 512 + bytes.count), with: bytes)
    }

    /// A 32-byte directory entry; `name` is the 11-byte 8.3 form ("INVOICE DLL").
    static func entry(_ name: String, attributes: UInt8 = 0x20, cluster: Int, size: Int) -> [UInt8] {
        var e = Array(name.utf8.prefix(11)) + Array(repeating: 0x20, count: max(0, 11 - name.utf8.count))
        e += [attributes, 0, 0, 0, 0, 0, 0, 0, 0]
        e += [UInt8((cluster >> 16) & 0xFF), UInt8(cluster >> 24 & 0xFF)]
        e += [0x00, 0x48, 0x63, 0x5D]  // 09:00:00, 2026-11-03
        e += [UInt8(cluster & 0xFF), UInt8(cluster >> 8 & 0xFF)]
        e += [UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 24 & 0xFF)]
        return e
    }

    /// VFAT long-name entries for `name`, to be placed before the short entry `short`.
    static func longName(_ name: String, for short: [UInt8]) -> [UInt8] {
        var sum: UInt8 = 0
        for b in short[0..<11] { sum = ((sum & 1) << 7) &+ (sum >> 1) &+ b }
        var units = Array(name.utf16)
        if units.count % 13 != 0 { units.append(0) }
        while units.count % 13 != 0 { units.append(0xFFFF) }
        let parts = units.count / 13
        var out: [UInt8] = []
        for p in stride(from: parts, through: 1, by: -1) {
            let u = units[((p - 1) * 13)..<(p * 13)].flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            var e = [UInt8(p) | (p == parts ? 0x40 : 0)] + u[0..<10] + [0x0F, 0, sum] + u[10..<22] + [0, 0]
            e += u[22..<26]
            out += e
        }
        return out
    }

    /// The whole volume.
    func finished() -> [UInt8] {
        let rootEntries = bits == 32 ? 0 : 512
        let rootSectors = rootEntries * 32 / 512
        let fatBytes = bits == 12 ? (fat.count * 3 + 1) / 2 : fat.count * bits / 8
        let fatSectors = (fatBytes + 511) / 512
        let reserved = bits == 32 ? 8 : 1
        let total = reserved + 2 * fatSectors + rootSectors + clusters
        var boot = [UInt8](repeating: 0, count: 512 * reserved)
        boot[0] = 0xEB; boot[1] = 0x3C; boot[2] = 0x90
        func put16(_ v: Int, _ at: Int) { boot[at] = UInt8(v & 0xFF); boot[at + 1] = UInt8(v >> 8 & 0xFF) }
        func put32(_ v: Int, _ at: Int) { put16(v & 0xFFFF, at); put16(v >> 16 & 0xFFFF, at + 2) }
        put16(512, 11); boot[13] = 1; put16(reserved, 14); boot[16] = 2; put16(rootEntries, 17)
        if total < 65536 { put16(total, 19) } else { put32(total, 32) }
        boot[21] = 0xF8
        if bits == 32 {
            put32(fatSectors, 36); put32(2, 44); boot[66] = 0x29
            boot.replaceSubrange(71..<82, with: Array(label.utf8.prefix(11)))
        } else {
            put16(fatSectors, 22); boot[38] = 0x29
            boot.replaceSubrange(43..<54, with: Array(label.utf8.prefix(11)))
        }
        boot[510] = 0x55; boot[511] = 0xAA
        var table = [UInt8](repeating: 0, count: fatSectors * 512)
        for (n, v) in fat.enumerated() {
            switch bits {
            case 12:
                let at = n + n / 2
                if n & 1 == 0 {
                    table[at] = UInt8(v & 0xFF); table[at + 1] = (table[at + 1] & 0xF0) | UInt8(v >> 8 & 0x0F)
                } else {
                    table[at] = (table[at] & 0x0F) | UInt8((v & 0x0F) << 4); table[at + 1] = UInt8(v >> 4 & 0xFF)
                }
            case 16:
                table[2 * n] = UInt8(v & 0xFF); table[2 * n + 1] = UInt8(v >> 8 & 0xFF)
            default:
                for i in 0..<4 { table[4 * n + i] = UInt8(v >> (8 * i) & 0xFF) }
            }
        }
        var out = boot + table + table
        var rootArea = [UInt8](repeating: 0, count: rootSectors * 512)
        var clusterData = data
        if bits == 32 {
            clusterData.replaceSubrange(0..<min(512, root.count), with: root.prefix(512))
        } else {
            rootArea.replaceSubrange(0..<min(rootArea.count, root.count), with: root.prefix(rootArea.count))
        }
        out += rootArea + clusterData
        precondition(out.count == total * 512)
        return out
    }
}

/// An ISO 9660 volume (2,048-byte blocks, no Joliet) built record by record.
struct ISOBuilder {
    var image = [UInt8](repeating: 0, count: 18 * 2048)
    var rootBlock = 0
    var rootSize = 2048

    var nextBlock: Int { image.count / 2048 }

    /// Appends `bytes` in new blocks; returns the first block.
    mutating func store(_ bytes: [UInt8]) -> Int {
        let block = nextBlock
        image += bytes
        image += [UInt8](repeating: 0, count: (2048 - bytes.count % 2048) % 2048)
        return block
    }

    /// Reserves `count` blocks for a directory to be filled later.
    mutating func reserve(_ count: Int = 1) -> Int { store([UInt8](repeating: 0, count: count * 2048)) }

    /// A directory record.
    static func record(
        _ name: [UInt8], block: Int, size: Int, flags: UInt8 = 0, beBlock: Int? = nil, systemUse: [UInt8] = []
    ) -> [UInt8] {
        func both32(_ v: Int, be: Int? = nil) -> [UInt8] {
            let b = be ?? v
            return [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF),
                    UInt8(b >> 24 & 0xFF), UInt8(b >> 16 & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b & 0xFF)]
        }
        var r: [UInt8] = [0, 0] + both32(block, be: beBlock) + both32(size)
        r += [126, 11, 3, 9, 15, 30, 0, flags, 0, 0, 1, 0, 0, 1, UInt8(name.count)] + name
        if name.count % 2 == 0 { r.append(0) }
        r += systemUse
        r[0] = UInt8(r.count)
        return r
    }

    static func file(_ name: String, block: Int, size: Int, hidden: Bool = false) -> [UInt8] {
        record(Array((name + ";1").utf8), block: block, size: size, flags: hidden ? 1 : 0)
    }

    static func directory(_ name: String, block: Int, size: Int = 2048) -> [UInt8] {
        record(Array(name.utf8), block: block, size: size, flags: 2)
    }

    /// Fills the directory at `block` with ".", ".." and `records` (packed into sectors).
    mutating func fill(_ block: Int, parent: Int, records: [[UInt8]], size: Int = 2048) {
        var data = Self.record([0], block: block, size: size, flags: 2) + Self.record([1], block: parent, size: 2048, flags: 2)
        for r in records {
            if data.count % 2048 + r.count > 2048 { data += [UInt8](repeating: 0, count: 2048 - data.count % 2048) }
            data += r
        }
        image.replaceSubrange((block * 2048)..<(block * 2048 + data.count), with: data)
    }

    /// The finished image with its primary descriptor (volume size = the blocks written) and terminator.
    func finished(volumeBlocks: Int? = nil) -> [UInt8] {
        var out = image
        var pvd = [UInt8](repeating: 0, count: 2048)
        pvd[0] = 1
        pvd.replaceSubrange(1..<6, with: Array("CD001".utf8))
        pvd[6] = 1
        pvd.replaceSubrange(40..<72, with: Array("BUILT".utf8) + [UInt8](repeating: 0x20, count: 27))
        let blocks = volumeBlocks ?? out.count / 2048
        let size = [UInt8(blocks & 0xFF), UInt8(blocks >> 8 & 0xFF), UInt8(blocks >> 16 & 0xFF), UInt8(blocks >> 24 & 0xFF)]
        pvd.replaceSubrange(80..<88, with: size + size.reversed())
        pvd.replaceSubrange(128..<132, with: [0x00, 0x08, 0x08, 0x00])
        let root = Self.record([0], block: rootBlock, size: rootSize, flags: 2)
        pvd.replaceSubrange(156..<(156 + root.count), with: root)
        out.replaceSubrange((16 * 2048)..<(17 * 2048), with: pvd)
        var term = [UInt8](repeating: 0, count: 2048)
        term[0] = 255
        term.replaceSubrange(1..<6, with: Array("CD001".utf8))
        term[6] = 1
        out.replaceSubrange((17 * 2048)..<(18 * 2048), with: term)
        return out
    }
}
