import ByteCursor

/// The fields of a compound file header, as read.
///
/// The header is the first 512 bytes of the file; in a version 4 file the rest of its 4096-byte sector is zero.
/// Sector `n` starts at byte `(n + 1) * sectorSize`.
///
/// ```
///  0  signature D0 CF 11 E0 A1 B1 1A E1   8  CLSID (16, zero)
///  24 minor version (2)  26 major version (2: 3 or 4)  28 byte order (2: FE FF)
///  30 sector shift (2: 9 or 12)  32 mini sector shift (2: 6)  34 reserved (6)
///  40 directory sectors (4, v4 only)  44 FAT sectors (4)  48 first directory sector (4)
///  52 transaction signature (4)  56 mini stream cutoff (4: 4096)
///  60 first mini FAT sector (4)  64 mini FAT sectors (4)  68 first DIFAT sector (4)  72 DIFAT sectors (4)
///  76 DIFAT: the first 109 FAT sector numbers (436)
/// ```
public struct CFBHeader: Sendable, Hashable {
    public var minorVersion: UInt16
    public var majorVersion: UInt16
    public var byteOrder: UInt16
    public var sectorShift: UInt16
    public var miniSectorShift: UInt16
    public var directorySectorCount: UInt32
    public var fatSectorCount: UInt32
    public var firstDirectorySector: UInt32
    public var transactionSignature: UInt32
    public var miniStreamCutoff: UInt32
    public var firstMiniFATSector: UInt32
    public var miniFATSectorCount: UInt32
    public var firstDIFATSector: UInt32
    public var difatSectorCount: UInt32
    /// The 109 FAT sector numbers stored in the header.
    public var difat: [UInt32]

    /// The size of the header structure; a version 4 file pads it to a 4096-byte sector.
    public static let size = 512

    /// Reads the header from the start of `cursor`.
    init(reading cursor: inout ByteCursor) throws {
        _ = try cursor.readBytes(8)  // signature, checked by the caller
        _ = try cursor.readBytes(16)  // CLSID
        minorVersion = try cursor.readUInt16LE()
        majorVersion = try cursor.readUInt16LE()
        byteOrder = try cursor.readUInt16LE()
        sectorShift = try cursor.readUInt16LE()
        miniSectorShift = try cursor.readUInt16LE()
        _ = try cursor.readBytes(6)
        directorySectorCount = try cursor.readUInt32LE()
        fatSectorCount = try cursor.readUInt32LE()
        firstDirectorySector = try cursor.readUInt32LE()
        transactionSignature = try cursor.readUInt32LE()
        miniStreamCutoff = try cursor.readUInt32LE()
        firstMiniFATSector = try cursor.readUInt32LE()
        miniFATSectorCount = try cursor.readUInt32LE()
        firstDIFATSector = try cursor.readUInt32LE()
        difatSectorCount = try cursor.readUInt32LE()
        var difat: [UInt32] = []
        difat.reserveCapacity(109)
        for _ in 0..<109 { difat.append(try cursor.readUInt32LE()) }
        self.difat = difat
    }
}

/// Special sector numbers (MS-CFB 2.1).
enum SectorID {
    /// The largest regular sector number.
    static let maxRegular: UInt32 = 0xFFFF_FFFA
    /// Marks a DIFAT sector in the FAT.
    static let difat: UInt32 = 0xFFFF_FFFC
    /// Marks a FAT sector in the FAT.
    static let fat: UInt32 = 0xFFFF_FFFD
    /// Ends a chain.
    static let endOfChain: UInt32 = 0xFFFF_FFFE
    /// An unallocated sector.
    static let free: UInt32 = 0xFFFF_FFFF

    /// A readable name for a sector number or marker.
    static func describe(_ s: UInt32) -> String {
        switch s {
        case difat: "DIFSECT"
        case fat: "FATSECT"
        case endOfChain: "ENDOFCHAIN"
        case free: "FREESECT"
        case 0xFFFF_FFFB: "reserved marker 0xFFFFFFFB"
        default: "sector \(s)"
        }
    }
}

/// Special directory entry ids (MS-CFB 2.6.1).
enum StreamID {
    /// The largest regular entry id.
    static let maxRegular: UInt32 = 0xFFFF_FFFA
    /// No sibling or child.
    static let none: UInt32 = 0xFFFF_FFFF
}
