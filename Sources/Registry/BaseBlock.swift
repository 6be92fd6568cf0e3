import ByteCursor

/// The base block (file header) of a registry hive: the first 4,096 bytes of a primary file, or the first 512
/// bytes of a transaction log, which keeps a modified copy of it.
///
/// ```
///  offset  size  field
///       0     4  "regf"
///       4     4  primary sequence number     incremented when a write starts
///       8     4  secondary sequence number   incremented when it ends: they differ in a dirty hive
///      12     8  last written (FILETIME)
///      20     4  major version (1)
///      24     4  minor version (3, 4, 5; big data `db` records from 4 on)
///      28     4  file type (0 primary, 1 and 2 old-format log, 6 new-format log)
///      32     4  file format (1, direct memory load)
///      36     4  root cell offset            relative to the hive bins data (file offset 4,096)
///      40     4  hive bins data size         a multiple of 4,096
///      44     4  clustering factor
///      48    64  file name (UTF-16LE, for debugging)
///     112   396  reserved (Windows 10: RmId, LogId, flags, TmId, GUID signature, last reorganized time)
///     508     4  checksum                    XOR of the 127 little-endian 32-bit words before it
///     512  3576  reserved
///    4088     8  boot type, boot recover (no meaning on disk)
/// ```
public struct RegistryBaseBlock: Sendable, Hashable {
    /// The base block's size in a primary file.
    public static let size = 4096
    /// The part of the base block that a transaction log keeps, and that the checksum covers (508 bytes + 4).
    public static let logCopySize = 512

    public var primarySequence: UInt32
    public var secondarySequence: UInt32
    /// The last written time, a FILETIME (100 ns intervals since 1601-01-01 UTC).
    public var lastWritten: UInt64
    public var majorVersion: UInt32
    public var minorVersion: UInt32
    /// 0 for a primary file; 1 or 2 for an old-format transaction log, 6 for a new-format one.
    public var fileType: UInt32
    public var fileFormat: UInt32
    /// The root key node's cell offset (relative to the hive bins data).
    public var rootCellOffset: UInt32
    /// The size of the hive bins data that the base block declares.
    public var hiveBinsDataSize: UInt32
    public var clusteringFactor: UInt32
    /// The file name Windows recorded for debugging (a partial path), decoded from UTF-16LE up to the first NUL.
    public var fileName: String
    /// The checksum stored at offset 508.
    public var checksum: UInt32
    /// The checksum computed over the first 508 bytes.
    public var computedChecksum: UInt32

    /// Whether the stored checksum matches the computed one.
    public var checksumValid: Bool { checksum == computedChecksum }
    /// Whether the sequence numbers differ or the checksum is wrong: the hive was not written completely.
    public var isDirty: Bool { primarySequence != secondarySequence || !checksumValid }

    /// The `regf` signature as a little-endian 32-bit word.
    static let signature: UInt32 = 0x6667_6572

    /// Reads the first 512 bytes of `bytes` as a base block.
    ///
    /// - Throws: ``RegistryError`` `.notRegistry` without the `regf` signature, `.truncated` when fewer than 512
    ///   bytes remain.
    init(parsing bytes: ArraySlice<UInt8>) throws(RegistryError) {
        guard bytes.count >= Self.logCopySize else {
            if bytes.count >= 4, !bytes.prefix(4).elementsEqual([0x72, 0x65, 0x67, 0x66]) {
                throw RegistryError(.notRegistry, "no regf signature", offset: 0)
            }
            throw RegistryError(.truncated, "\(bytes.count) bytes: a base block needs 512", offset: 0)
        }
        do {
            var c = ByteCursor(bytes.prefix(Self.logCopySize))
            guard try c.readUInt32LE() == Self.signature else {
                throw RegistryError(.notRegistry, "no regf signature", offset: 0)
            }
            primarySequence = try c.readUInt32LE()
            secondarySequence = try c.readUInt32LE()
            lastWritten = try c.readUInt64LE()
            majorVersion = try c.readUInt32LE()
            minorVersion = try c.readUInt32LE()
            fileType = try c.readUInt32LE()
            fileFormat = try c.readUInt32LE()
            rootCellOffset = try c.readUInt32LE()
            hiveBinsDataSize = try c.readUInt32LE()
            clusteringFactor = try c.readUInt32LE()
            fileName = Text.utf16UpToNUL(try c.readBytes(64))
            try c.seek(to: 508)
            checksum = try c.readUInt32LE()
            computedChecksum = Self.xor32(bytes.prefix(508))
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.truncated, "base block: \(error)", offset: 0)
        }
    }

    /// The XOR-32 checksum of `bytes` (a multiple of 4 bytes long): every little-endian 32-bit word XORed.
    ///
    /// Windows replaces a result of 0 by 1 and 0xFFFFFFFF by 0xFFFFFFFE; both are handled.
    static func xor32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0
        var cursor = ByteCursor(bytes)
        while cursor.remaining >= 4, let word = try? cursor.readUInt32LE() { c ^= word }
        if c == 0 { return 1 }
        if c == 0xFFFF_FFFF { return 0xFFFF_FFFE }
        return c
    }

    /// Writes the sequence numbers, the hive bins data size and a fresh checksum into a primary file's base block.
    static func patch(
        _ hive: inout [UInt8],
        sequence: UInt32,
        hiveBinsDataSize: UInt32? = nil
    ) {
        guard hive.count >= logCopySize else { return }
        store(sequence, at: 4, in: &hive)
        store(sequence, at: 8, in: &hive)
        if let hiveBinsDataSize { store(hiveBinsDataSize, at: 40, in: &hive) }
        store(xor32(hive[0..<508]), at: 508, in: &hive)
    }

    static func store(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        guard offset >= 0, offset <= bytes.count - 4 else { return }
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }
}
