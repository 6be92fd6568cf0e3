import ByteCursor

/// A key node (`nk` record): one registry key.
///
/// ```
///  offset  size  field (offsets from the start of the cell data)
///       0     2  "nk"
///       2     2  flags            0x0020 KEY_COMP_NAME: the name is Latin-1, one byte per character
///       4     8  last written (FILETIME)
///      12     4  access bits / spare
///      16     4  parent key node offset
///      20     4  number of subkeys
///      24     4  number of volatile subkeys (in memory only)
///      28     4  subkeys list offset (lf, lh, li or ri; 0xFFFFFFFF when none)
///      32     4  volatile subkeys list offset
///      36     4  number of values
///      40     4  values list offset (a cell of 32-bit vk offsets)
///      44     4  security (sk) offset
///      48     4  class name offset
///      52    16  largest subkey name, subkey class name, value name, value data (hints)
///      68     4  work var
///      72     2  name length (bytes)
///      74     2  class name length (bytes)
///      76     …  name
/// ```
struct KeyNode {
    var offset: Int
    var flags: UInt16
    var lastWritten: UInt64
    var parent: UInt32
    var subkeyCount: UInt32
    var subkeyList: UInt32
    var valueCount: UInt32
    var valueList: UInt32
    var security: UInt32
    var classOffset: UInt32
    var classLength: UInt16
    var nameBytes: ArraySlice<UInt8>
    /// Whether the name had to be cut because the cell is shorter than the name length says.
    var nameTruncated: Bool

    /// `nk` as a little-endian 16-bit word.
    static let signature: UInt16 = 0x6B6E
    static let fixedSize = 76
    static let compressedName: UInt16 = 0x0020

    var name: String {
        flags & Self.compressedName != 0 ? Text.latin1(nameBytes) : Text.utf16(nameBytes)
    }

    /// Parses the key node in `cell`.
    static func parse(_ cell: Bins.Cell) -> Result<KeyNode, Bins.Failure> {
        var c = cell.data
        do {
            guard try c.readUInt16LE() == signature else {
                return .failure(.bad("no nk signature at cell \(cell.offset)"))
            }
            let flags = try c.readUInt16LE()
            let lastWritten = try c.readUInt64LE()
            try c.skip(4)
            let parent = try c.readUInt32LE()
            let subkeyCount = try c.readUInt32LE()
            try c.skip(4)
            let subkeyList = try c.readUInt32LE()
            try c.skip(4)
            let valueCount = try c.readUInt32LE()
            let valueList = try c.readUInt32LE()
            let security = try c.readUInt32LE()
            let classOffset = try c.readUInt32LE()
            try c.skip(20)
            let nameLength = Int(try c.readUInt16LE())
            let classLength = try c.readUInt16LE()
            let available = min(nameLength, c.remaining)
            let nameBytes = try c.readBytes(available)
            return .success(
                KeyNode(
                    offset: cell.offset,
                    flags: flags,
                    lastWritten: lastWritten,
                    parent: parent,
                    subkeyCount: subkeyCount,
                    subkeyList: subkeyList,
                    valueCount: valueCount,
                    valueList: valueList,
                    security: security,
                    classOffset: classOffset,
                    classLength: classLength,
                    nameBytes: nameBytes,
                    nameTruncated: available < nameLength
                )
            )
        } catch {
            return .failure(.bad("key node at cell \(cell.offset) is truncated (\(cell.data.remaining) bytes)"))
        }
    }
}

/// A value key (`vk` record): one value's name, type and where its data is.
///
/// ```
///  offset  size  field
///       0     2  "vk"
///       2     2  name length (bytes; 0 for the default value)
///       4     4  data size      bit 31 set: the data (at most 4 bytes) is in the data offset field itself
///       8     4  data offset    a cell holding the data, or a big data (db) record
///      12     4  data type      REG_SZ = 1 ... REG_QWORD = 11; anything else is kept
///      16     2  flags          0x0001: the name is Latin-1, one byte per character
///      18     2  spare
///      20     …  name
/// ```
struct ValueKey {
    var offset: Int
    var nameBytes: ArraySlice<UInt8>
    var compressedName: Bool
    var rawSize: UInt32
    var dataOffset: UInt32
    var type: UInt32
    var nameTruncated: Bool

    /// `vk` as a little-endian 16-bit word.
    static let signature: UInt16 = 0x6B76
    static let inlineFlag: UInt32 = 0x8000_0000

    var name: String { compressedName ? Text.latin1(nameBytes) : Text.utf16(nameBytes) }
    var isInline: Bool { rawSize & Self.inlineFlag != 0 }
    var size: Int { Int(rawSize & ~Self.inlineFlag) }

    static func parse(_ cell: Bins.Cell) -> Result<ValueKey, Bins.Failure> {
        var c = cell.data
        do {
            guard try c.readUInt16LE() == signature else {
                return .failure(.bad("no vk signature at cell \(cell.offset)"))
            }
            let nameLength = Int(try c.readUInt16LE())
            let rawSize = try c.readUInt32LE()
            let dataOffset = try c.readUInt32LE()
            let type = try c.readUInt32LE()
            let flags = try c.readUInt16LE()
            try c.skip(2)
            let available = min(nameLength, c.remaining)
            let nameBytes = try c.readBytes(available)
            return .success(
                ValueKey(
                    offset: cell.offset,
                    nameBytes: nameBytes,
                    compressedName: flags & 1 != 0,
                    rawSize: rawSize,
                    dataOffset: dataOffset,
                    type: type,
                    nameTruncated: available < nameLength
                )
            )
        } catch {
            return .failure(.bad("value key at cell \(cell.offset) is truncated (\(cell.data.remaining) bytes)"))
        }
    }
}
