import ByteCursor

/// The object type of a directory entry.
public enum CFBEntryType: Sendable, Hashable {
    /// An unallocated entry (type 0).
    case empty
    /// A storage: a folder of streams and storages (type 1).
    case storage
    /// A stream: file content (type 2).
    case stream
    /// The root storage, entry 0 (type 5); its chain holds the mini stream.
    case root
    /// Any other type byte (3 and 4 were "lock bytes" and "property" in early OLE, never written by Office).
    case unknown(UInt8)

    init(rawValue: UInt8) {
        switch rawValue {
        case 0: self = .empty
        case 1: self = .storage
        case 2: self = .stream
        case 5: self = .root
        default: self = .unknown(rawValue)
        }
    }

    /// Whether entries of this type have children (storages and the root).
    public var isStorage: Bool {
        switch self {
        case .storage, .root: true
        default: false
        }
    }
}

/// One entry of the directory: a stream or a storage, with its place in the tree.
public struct CFBEntry: Sendable, Hashable {
    /// The directory entry index (the root is 0).
    public var id: Int
    /// The name, decoded from UTF-16LE; control characters are kept (`"\u{1}Ole10Native"`,
    /// `"\u{5}SummaryInformation"`).
    public var name: String
    public var type: CFBEntryType
    /// The names from the root's child down to this entry joined by `/` (`"Macros/VBA/ThisDocument"`); the root's
    /// own name is not included and the root's path is empty.
    public var path: String
    /// The id of the storage this entry is in (0 for the root's children); `nil` for the root.
    public var parent: Int?
    /// The stream size used for reading: the declared size, with the high 32 bits dropped in a file with 512-byte
    /// sectors (MS-CFB: version 3 readers ignore them; an anomaly records the raw value).
    public var size: UInt64
    /// The first sector (or mini sector) of the entry's chain.
    public var startSector: UInt32
    /// The class id (16 bytes, as stored).
    public var clsid: [UInt8]
    /// User-defined flags.
    public var stateBits: UInt32
    /// Creation time (FILETIME: 100 ns ticks since 1601-01-01 UTC), 0 when not set.
    public var created: UInt64
    /// Modification time (FILETIME), 0 when not set.
    public var modified: UInt64
    /// Whether the content lives in the mini stream (a stream smaller than the mini stream cutoff, 4096).
    public var isInMiniStream: Bool
    /// Storage nesting: 1 for the root's children, 0 for the root.
    public var depth: Int

    public init(
        id: Int, name: String, type: CFBEntryType, path: String, parent: Int?, size: UInt64, startSector: UInt32,
        clsid: [UInt8] = Array(repeating: 0, count: 16), stateBits: UInt32 = 0, created: UInt64 = 0,
        modified: UInt64 = 0, isInMiniStream: Bool = false, depth: Int = 0
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.path = path
        self.parent = parent
        self.size = size
        self.startSector = startSector
        self.clsid = clsid
        self.stateBits = stateBits
        self.created = created
        self.modified = modified
        self.isInMiniStream = isInMiniStream
        self.depth = depth
    }

    /// Whether this is a stream (the only type ``CompoundFile/stream(_:)`` reads, with the root).
    public var isStream: Bool { type == .stream }
    /// Whether this is a storage or the root.
    public var isStorage: Bool { type.isStorage }

    /// The class id in registry form, `{00020906-0000-0000-C000-000000000046}`.
    public var clsidString: String {
        guard clsid.count == 16 else { return "" }
        func hex(_ bytes: some Sequence<UInt8>) -> String {
            bytes.map { b in
                let digits = Array("0123456789ABCDEF".utf8)
                return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 0xF)]], as: UTF8.self)
            }.joined()
        }
        let c = clsid
        return "{" + hex([c[3], c[2], c[1], c[0]]) + "-" + hex([c[5], c[4]]) + "-" + hex([c[7], c[6]]) + "-"
            + hex(c[8..<10]) + "-" + hex(c[10..<16]) + "}"
    }
}

/// A directory entry as stored (128 bytes), before its place in the tree is known.
///
/// ```
///  0 name (64, UTF-16LE)  64 name length in bytes with the terminator (2)  66 type (1)  67 color (1)
///  68 left sibling (4)  72 right sibling (4)  76 child (4)  80 CLSID (16)  96 state bits (4)
///  100 created (8)  108 modified (8)  116 start sector (4)  120 size (8)
/// ```
struct DirectoryRecord: Sendable {
    var name: String
    var nameLength: UInt16
    var typeByte: UInt8
    var left: UInt32
    var right: UInt32
    var child: UInt32
    var clsid: [UInt8]
    var stateBits: UInt32
    var created: UInt64
    var modified: UInt64
    var startSector: UInt32
    var rawSize: UInt64

    static let size = 128

    init(reading bytes: ArraySlice<UInt8>) throws {
        var c = ByteCursor(bytes)
        let rawName = try c.readBytes(64)
        nameLength = try c.readUInt16LE()
        typeByte = try c.readUInt8()
        _ = try c.readUInt8()  // color
        left = try c.readUInt32LE()
        right = try c.readUInt32LE()
        child = try c.readUInt32LE()
        clsid = Array(try c.readBytes(16))
        stateBits = try c.readUInt32LE()
        created = try c.readUInt64LE()
        modified = try c.readUInt64LE()
        startSector = try c.readUInt32LE()
        rawSize = try c.readUInt64LE()
        // The name length counts the terminating NUL; an out-of-range length is clamped (and reported by the parser).
        let byteCount = min(Int(nameLength), 64)
        let units = max(0, byteCount / 2 - 1)
        var utf16: [UInt16] = []
        utf16.reserveCapacity(units)
        var ascii = true
        var i = rawName.startIndex
        for _ in 0..<units {
            let unit = UInt16(rawName[i]) | UInt16(rawName[i + 1]) << 8
            ascii = ascii && unit < 0x80
            utf16.append(unit)
            i += 2
        }
        // Most names are ASCII: build those from bytes, without the UTF-16 transcoder.
        name =
            ascii
            ? String(decoding: utf16.lazy.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
            : String(decoding: utf16, as: UTF16.self)
    }

    /// Whether the name length field is usable as is: even, at most 64, and 0 only for an unused entry.
    var nameLengthIsValid: Bool {
        nameLength <= 64 && nameLength % 2 == 0 && (nameLength >= 2 || typeByte == 0)
    }
}
