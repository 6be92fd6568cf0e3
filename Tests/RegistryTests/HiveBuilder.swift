import Registry

/// Writes small, valid regf hives byte by byte for tests (and fuzz seeds), and records where every structure went
/// so that a test can break one field.
///
/// Cells are allocated in order in 4 KiB hive bins (a cell larger than a page gets a bin of its own size); a bin's
/// unused tail becomes a free cell. Big values (above 16,344 bytes, version 1.4 and later) become big data records.
struct HiveBuilder {
    struct Value {
        var name: String
        var type: UInt32
        var data: [UInt8]
        var compressedName = true
    }

    enum ListKind {
        case lf, lh, li
        /// An index root over `lf` leaves of at most `perLeaf` entries.
        case ri(perLeaf: Int)
    }

    struct Key {
        var name: String
        var compressedName = true
        var className: String? = nil
        var values: [Value] = []
        var subkeys: [Key] = []
        var list: ListKind = .lf
    }

    var minorVersion: UInt32 = 5
    private(set) var data: [UInt8] = []
    private var binStart = 0
    private var binCapacity = 0
    private var bins: [(start: Int, size: Int)] = []

    /// Where things went: key path ("" for the root) to its nk cell offset.
    private(set) var keys: [String: UInt32] = [:]
    /// "path|value name" to the vk cell offset.
    private(set) var values: [String: UInt32] = [:]
    /// "path|value name" to the data cell offset (or the db record's).
    private(set) var dataCells: [String: UInt32] = [:]
    /// Key path to its subkey list (the ri, for index roots).
    private(set) var subkeyLists: [String: UInt32] = [:]
    /// Key path to its value list.
    private(set) var valueLists: [String: UInt32] = [:]
    /// "path|value name" to its big data segment list and segments.
    private(set) var segmentLists: [String: UInt32] = [:]
    private(set) var segments: [String: [UInt32]] = [:]
    /// Cell offsets of hive bins.
    var binOffsets: [Int] { bins.map(\.start) }

    // MARK: - Byte helpers

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    static func utf16(_ s: String) -> [UInt8] { s.utf16.flatMap { le16($0) } }
    static func latin1(_ s: String) -> [UInt8] { s.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
    static func sz(_ s: String) -> [UInt8] { utf16(s) + [0, 0] }

    // MARK: - Cells

    /// Allocates a cell for `payloadSize` bytes; returns its offset.
    mutating func reserve(_ payloadSize: Int) -> UInt32 {
        let size = (4 + payloadSize + 7) / 8 * 8
        if data.count + size > binStart + binCapacity { openBin(for: size) }
        let offset = data.count
        data += Self.le32(UInt32(bitPattern: -Int32(size)))
        data += [UInt8](repeating: 0, count: size - 4)
        return UInt32(offset)
    }

    /// Allocates a cell holding `payload`.
    mutating func cell(_ payload: [UInt8]) -> UInt32 {
        let offset = reserve(payload.count)
        fill(offset, payload)
        return offset
    }

    mutating func fill(_ offset: UInt32, _ payload: [UInt8]) {
        let start = Int(offset) + 4
        data.replaceSubrange(start..<(start + payload.count), with: payload)
    }

    /// Overwrites bytes at a cell offset (relative to the hive bins data).
    mutating func patch(_ offset: Int, _ bytes: [UInt8]) {
        data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }

    private mutating func openBin(for size: Int) {
        closeBin()
        binStart = data.count
        binCapacity = max(4096, (size + 32 + 4095) / 4096 * 4096)
        data += Array("hbin".utf8) + Self.le32(UInt32(binStart)) + Self.le32(UInt32(binCapacity))
        data += [UInt8](repeating: 0, count: 20)
        bins.append((binStart, binCapacity))
    }

    private mutating func closeBin() {
        guard binCapacity > 0 else { return }
        let rest = binStart + binCapacity - data.count
        if rest > 0 { data += Self.le32(UInt32(rest)) + [UInt8](repeating: 0, count: rest - 4) }
    }

    // MARK: - Records

    static func nk(
        name: [UInt8],
        compressed: Bool,
        flags: UInt16 = 0,
        parent: UInt32,
        subkeyCount: Int,
        subkeyList: UInt32,
        valueCount: Int,
        valueList: UInt32,
        classOffset: UInt32,
        classLength: Int,
        lastWritten: UInt64
    ) -> [UInt8] {
        var b: [UInt8] = Array("nk".utf8) + le16(flags | (compressed ? 0x20 : 0)) + le64(lastWritten) + le32(0)
        b += le32(parent) + le32(UInt32(subkeyCount)) + le32(0) + le32(subkeyList) + le32(0xFFFF_FFFF)
        b += le32(UInt32(valueCount)) + le32(valueList) + le32(0xFFFF_FFFF) + le32(classOffset)
        b += [UInt8](repeating: 0, count: 20) + le16(UInt16(name.count)) + le16(UInt16(classLength)) + name
        return b
    }

    static func vk(name: [UInt8], compressed: Bool, size: UInt32, dataOffset: UInt32, type: UInt32) -> [UInt8] {
        Array("vk".utf8) + le16(UInt16(name.count)) + le32(size) + le32(dataOffset) + le32(type)
            + le16(compressed ? 1 : 0) + le16(0) + name
    }

    static func leaf(_ kind: String, _ offsets: [UInt32]) -> [UInt8] {
        var b = Array(kind.utf8) + le16(UInt16(offsets.count))
        for o in offsets {
            b += le32(o)
            if kind != "li" { b += le32(0) }
        }
        return b
    }

    static func indexRoot(_ lists: [UInt32]) -> [UInt8] {
        Array("ri".utf8) + le16(UInt16(lists.count)) + lists.flatMap { le32($0) }
    }

    // MARK: - Trees

    /// Adds `key` and everything under it; returns its nk offset.
    @discardableResult
    mutating func add(
        _ key: Key,
        parent: UInt32 = 0xFFFF_FFFF,
        path: String = "",
        lastWritten: UInt64 = 0x01D0_0000_0000_0000
    ) -> UInt32 {
        let name = key.compressedName ? Self.latin1(key.name) : Self.utf16(key.name)
        let nk = reserve(76 + name.count)
        keys[path] = nk
        var classOffset: UInt32 = 0xFFFF_FFFF
        var classLength = 0
        if let className = key.className {
            let bytes = Self.utf16(className)
            classOffset = cell(bytes)
            classLength = bytes.count
        }
        var vks: [UInt32] = []
        for value in key.values {
            let id = path + "|" + value.name
            let vname = value.compressedName ? Self.latin1(value.name) : Self.utf16(value.name)
            var size = UInt32(value.data.count)
            var dataOffset: UInt32 = 0xFFFF_FFFF
            if value.data.count <= 4 && !value.data.isEmpty {
                size |= 0x8000_0000
                var word: UInt32 = 0
                for (i, b) in value.data.enumerated() { word |= UInt32(b) << (8 * UInt32(i)) }
                dataOffset = word
            } else if value.data.count > 16344 && minorVersion >= 4 {
                var segs: [UInt32] = []
                var i = 0
                while i < value.data.count {
                    let part = Array(value.data[i..<min(i + 16344, value.data.count)])
                    segs.append(cell(part))
                    i += 16344
                }
                let list = cell(segs.flatMap { Self.le32($0) })
                dataOffset = cell(Array("db".utf8) + Self.le16(UInt16(segs.count)) + Self.le32(list))
                segmentLists[id] = list
                segments[id] = segs
            } else if !value.data.isEmpty {
                dataOffset = cell(value.data)
            }
            if dataOffset != 0xFFFF_FFFF && size & 0x8000_0000 == 0 { dataCells[id] = dataOffset }
            let v = cell(
                Self.vk(
                    name: vname,
                    compressed: value.compressedName,
                    size: size,
                    dataOffset: dataOffset,
                    type: value.type
                )
            )
            values[id] = v
            vks.append(v)
        }
        var valueList: UInt32 = 0xFFFF_FFFF
        if !vks.isEmpty {
            valueList = cell(vks.flatMap { Self.le32($0) })
            valueLists[path] = valueList
        }
        // The lists are allocated before the subkeys (their sizes are known), so they come early in the file.
        var subkeyList: UInt32 = 0xFFFF_FFFF
        var leaves: [(offset: UInt32, range: Range<Int>)] = []
        let n = key.subkeys.count
        if n > 0 {
            switch key.list {
            case .lf, .lh: subkeyList = reserve(4 + 8 * n)
            case .li: subkeyList = reserve(4 + 4 * n)
            case .ri(let perLeaf):
                let count = (n + perLeaf - 1) / perLeaf
                subkeyList = reserve(4 + 4 * count)
                for i in 0..<count {
                    let range = (i * perLeaf)..<min((i + 1) * perLeaf, n)
                    leaves.append((reserve(4 + 8 * range.count), range))
                }
            }
            subkeyLists[path] = subkeyList
        }
        var children: [UInt32] = []
        for child in key.subkeys {
            let childPath = path.isEmpty ? child.name : path + "\\" + child.name
            children.append(add(child, parent: nk, path: childPath, lastWritten: lastWritten))
        }
        if n > 0 {
            switch key.list {
            case .lf: fill(subkeyList, Self.leaf("lf", children))
            case .lh: fill(subkeyList, Self.leaf("lh", children))
            case .li: fill(subkeyList, Self.leaf("li", children))
            case .ri:
                for leaf in leaves { fill(leaf.offset, Self.leaf("lf", Array(children[leaf.range]))) }
                fill(subkeyList, Self.indexRoot(leaves.map(\.offset)))
            }
        }
        fill(
            nk,
            Self.nk(
                name: name,
                compressed: key.compressedName,
                flags: parent == 0xFFFF_FFFF ? 0x0C : 0,
                parent: parent,
                subkeyCount: children.count,
                subkeyList: subkeyList,
                valueCount: vks.count,
                valueList: valueList,
                classOffset: classOffset,
                classLength: classLength,
                lastWritten: lastWritten
            )
        )
        return nk
    }

    /// The finished file: base block, then the hive bins. `root` defaults to the first key added.
    mutating func finished(
        root: UInt32? = nil,
        primarySequence: UInt32 = 7,
        secondarySequence: UInt32 = 7,
        lastWritten: UInt64 = 0x01D0_0000_0000_0001
    ) -> [UInt8] {
        closeBin()
        binCapacity = 0
        var base =
            Array("regf".utf8) + Self.le32(primarySequence) + Self.le32(secondarySequence) + Self.le64(lastWritten)
        base += Self.le32(1) + Self.le32(minorVersion) + Self.le32(0) + Self.le32(1)
        base += Self.le32(root ?? keys[""] ?? 32) + Self.le32(UInt32(data.count)) + Self.le32(1)
        base += Self.utf16("\\??\\C:\\test\\hive").prefix(64)
        base += [UInt8](repeating: 0, count: 4096 - base.count)
        Self.setChecksum(&base)
        return base + data
    }

    /// Recomputes the base block checksum of a whole file.
    static func setChecksum(_ file: inout [UInt8]) {
        var c: UInt32 = 0
        for i in stride(from: 0, to: 508, by: 4) {
            c ^= UInt32(file[i]) | UInt32(file[i + 1]) << 8 | UInt32(file[i + 2]) << 16 | UInt32(file[i + 3]) << 24
        }
        if c == 0 { c = 1 }
        if c == 0xFFFF_FFFF { c = 0xFFFF_FFFE }
        file.replaceSubrange(508..<512, with: le32(c))
    }

    /// A small hive with one of everything: compressed and UTF-16 names, a class name, every value type, inline
    /// and cell data, a big data value, and lf, lh, li and ri subkey lists.
    static func sample() -> (bytes: [UInt8], builder: HiveBuilder) {
        var b = HiveBuilder()
        let big = (0..<40000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let run = Key(
            name: "Run",
            values: [
                Value(name: "Updater", type: 1, data: sz("C:\\Users\\x\\AppData\\Local\\updater.exe")),
                Value(name: "", type: 1, data: sz("default")),
            ],
            list: .lh
        )
        let cv = Key(name: "CurrentVersion", subkeys: [run, Key(name: "RunOnce")], list: .li)
        let windows = Key(name: "Windows", subkeys: [cv])
        let many = Key(name: "Many", subkeys: (0..<10).map { Key(name: "k\($0)") }, list: .ri(perLeaf: 4))
        let types = Key(
            name: "Types",
            className: "Skew1",
            values: [
                Value(name: "none", type: 0, data: [1, 2, 3, 4, 5]),
                Value(name: "sz", type: 1, data: sz("text")),
                Value(name: "expand", type: 2, data: sz("%SystemRoot%\\x")),
                Value(name: "binary", type: 3, data: [0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01]),
                Value(name: "dword", type: 4, data: le32(0x1234_5678)),
                Value(name: "dwordBE", type: 5, data: [0x12, 0x34, 0x56, 0x78]),
                Value(name: "link", type: 6, data: utf16("\\Registry\\Machine\\Target")),
                Value(name: "multi", type: 7, data: sz("a") + sz("bc") + [0, 0]),
                Value(name: "resources", type: 8, data: [1, 0, 0, 0, 9, 9, 9, 9]),
                Value(name: "qword", type: 11, data: le64(0x0102_0304_0506_0708)),
                Value(name: "rid", type: 0x3E9, data: []),
                Value(name: "big", type: 3, data: big),
                Value(name: "inline2", type: 3, data: [0xAB, 0xCD]),
                Value(name: "Ünïcode", type: 1, data: sz("ü"), compressedName: false),
                Value(name: "café", type: 1, data: sz("latin1 name"), compressedName: true),
            ]
        )
        let root = Key(
            name: "ROOT",
            subkeys: [
                Key(name: "Software", subkeys: [Key(name: "Microsoft", subkeys: [windows])]),
                types, many,
                Key(name: "Ωmega", compressedName: false),
            ]
        )
        b.add(root)
        return (b.finished(), b)
    }
}
