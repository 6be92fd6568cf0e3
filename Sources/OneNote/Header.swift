import ByteCursor

/// A FileChunkReference: where a structure is in the file.
struct ChunkReference: Sendable, Hashable {
    var offset: UInt64
    var size: UInt64

    /// fcrNil: every bit of the offset set and a zero size.
    var isNil: Bool { size == 0 && (offset == UInt64.max || offset == UInt64(UInt32.max)) }
    /// fcrZero.
    var isZero: Bool { offset == 0 && size == 0 }

    /// The bytes it points at, when they lie inside `whole`.
    func range(in total: Int) -> Range<Int>? {
        guard let start = Int(exactly: offset), let count = Int(exactly: size), start <= total,
            count <= total - start
        else { return nil }
        return start..<(start + count)
    }
}

/// The 1,024-byte header of a revision store file ([MS-ONESTORE] 2.3.1), the fields a reader needs.
///
/// ```
///    0  guidFileType (16)   guidFile (16)   guidLegacyFileVersion (16)   guidFileFormat (16)
///   64  ffvLastCodeThatWroteToThisFile (4) ... ffvOldestCodeThatMayReadThisFile (4)
///   80  legacy fields (fcrLegacyFreeChunkList, fcrLegacyTransactionLog, cTransactionsInLog ...)
///  128  guidAncestor (16)   crcName (4)
///  148  fcrHashedChunkList (12)   fcrTransactionLog (12)   fcrFileNodeListRoot (12)   fcrFreeChunkList (12)
///  196  cbExpectedFileLength (8) ... reserved to 1024
/// ```
struct RevisionStoreHeader: Sendable {
    static let size = 1024

    var fileType: GUID
    var fileFormat: GUID
    var lastCodeVersion: UInt32
    var transactionsInLog: UInt32
    var hasNoEmbeddedFileObjects: Bool
    var transactionLog: ChunkReference
    var fileNodeListRoot: ChunkReference
    var expectedFileLength: UInt64

    init(_ bytes: ArraySlice<UInt8>) throws {
        guard bytes.count >= Self.size else {
            throw OneNoteError(.truncated, "the input ends inside the 1024-byte header", offset: bytes.count)
        }
        var c = ByteCursor(bytes)
        guard let type = GUID(try c.readBytes(16)) else { throw OneNoteError(.truncated, "header") }
        fileType = type
        try c.skip(32)
        guard let format = GUID(try c.readBytes(16)) else { throw OneNoteError(.truncated, "header") }
        fileFormat = format
        lastCodeVersion = try c.readUInt32LE()
        try c.seek(to: 96)
        transactionsInLog = try c.readUInt32LE()
        try c.seek(to: 127)
        hasNoEmbeddedFileObjects = try c.readUInt8() != 0
        try c.seek(to: 160)
        transactionLog = ChunkReference(offset: try c.readUInt64LE(), size: UInt64(try c.readUInt32LE()))
        fileNodeListRoot = ChunkReference(offset: try c.readUInt64LE(), size: UInt64(try c.readUInt32LE()))
        try c.seek(to: 196)
        expectedFileLength = try c.readUInt64LE()
    }
}
