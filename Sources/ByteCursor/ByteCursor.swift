/// A bounds-checked value cursor over untrusted bytes.
///
/// Every binary parser in Emoguard reads through a `ByteCursor`. The cursor owns a slice of the input
/// (`ArraySlice<UInt8>`, so slicing never copies) and consumes it from the front. Every read is checked; a read
/// past the end throws ``CursorError`` with the absolute offset where it happened, so that a finding can point at
/// its evidence.
///
/// ```
///  base                       position                         end
///   |<------- consumed -------->|<--------- remaining --------->|
/// ```
///
/// Offsets reported by the cursor (``offset``) are relative to ``origin``, the start index of the buffer the
/// cursor was first made from; sub-cursors made with ``subCursor(count:)`` or ``cursor(at:count:)`` keep that
/// origin so that nested structures still report offsets in the outer file.
public struct ByteCursor: Sendable {
    /// The bytes not read yet.
    @usableFromInline var remainingStorage: ArraySlice<UInt8>
    /// The bytes not read yet.
    @inlinable public var remainingBytes: ArraySlice<UInt8> { remainingStorage }
    /// The index in the underlying storage that offset 0 refers to.
    public let origin: Int
    /// The whole buffer that absolute seeks may address.
    @usableFromInline let whole: ArraySlice<UInt8>

    /// Makes a cursor at the start of `bytes`.
    public init(_ bytes: ArraySlice<UInt8>) {
        self.remainingStorage = bytes
        self.whole = bytes
        self.origin = bytes.startIndex
    }

    /// Makes a cursor at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    private init(remaining: ArraySlice<UInt8>, whole: ArraySlice<UInt8>, origin: Int) {
        self.remainingStorage = remaining
        self.whole = whole
        self.origin = origin
    }

    /// The offset of the next byte to be read, relative to ``origin``.
    @inlinable public var offset: Int { remainingBytes.startIndex - origin }
    /// The number of bytes left to read.
    @inlinable public var remaining: Int { remainingBytes.count }
    /// Whether every byte has been read.
    @inlinable public var isAtEnd: Bool { remainingBytes.isEmpty }
    /// The size of the whole buffer the cursor can seek in.
    public var totalCount: Int { whole.count }

    // MARK: - Integers

    /// Reads one byte.
    @inlinable public mutating func readUInt8() throws -> UInt8 {
        guard let b = remainingStorage.popFirst() else { throw CursorError.truncated(needed: 1, offset: offset) }
        return b
    }

    /// Reads a little-endian unsigned 16-bit integer.
    @inlinable public mutating func readUInt16LE() throws -> UInt16 {
        try readInteger(UInt16.self, littleEndian: true)
    }
    /// Reads a little-endian unsigned 32-bit integer.
    @inlinable public mutating func readUInt32LE() throws -> UInt32 {
        try readInteger(UInt32.self, littleEndian: true)
    }
    /// Reads a little-endian unsigned 64-bit integer.
    @inlinable public mutating func readUInt64LE() throws -> UInt64 {
        try readInteger(UInt64.self, littleEndian: true)
    }
    /// Reads a big-endian unsigned 16-bit integer.
    @inlinable public mutating func readUInt16BE() throws -> UInt16 {
        try readInteger(UInt16.self, littleEndian: false)
    }
    /// Reads a big-endian unsigned 32-bit integer.
    @inlinable public mutating func readUInt32BE() throws -> UInt32 {
        try readInteger(UInt32.self, littleEndian: false)
    }

    @inlinable
    mutating func readInteger<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, littleEndian: Bool) throws -> T {
        let size = MemoryLayout<T>.size
        guard remainingBytes.count >= size else {
            throw CursorError.truncated(needed: size, offset: offset)
        }
        var value: T = 0
        let start = remainingBytes.startIndex
        if littleEndian {
            for i in 0..<size { value |= T(remainingBytes[start + i]) << (8 * i) }
        } else {
            for i in 0..<size { value = (value << 8) | T(remainingBytes[start + i]) }
        }
        remainingStorage = remainingStorage.dropFirst(size)
        return value
    }

    // MARK: - Byte runs

    /// Reads exactly `count` bytes, without copying.
    ///
    /// - Throws: ``CursorError`` `.invalidLength` for a negative count, `.truncated` when fewer bytes remain.
    @inlinable public mutating func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0 else { throw CursorError.invalidLength(count, offset: offset) }
        guard remainingBytes.count >= count else { throw CursorError.truncated(needed: count, offset: offset) }
        let run = remainingBytes.prefix(count)
        remainingStorage = remainingStorage.dropFirst(count)
        return run
    }

    /// Reads exactly `count` bytes given as an unsigned field from the input.
    @inlinable public mutating func readBytes<T: BinaryInteger>(count: T) throws -> ArraySlice<UInt8> {
        guard let n = Int(exactly: count) else { throw CursorError.invalidLength(Int.max, offset: offset) }
        return try readBytes(n)
    }

    /// Skips exactly `count` bytes.
    @inlinable public mutating func skip(_ count: Int) throws {
        _ = try readBytes(count)
    }

    /// Returns the next `count` bytes without consuming them, or fewer if fewer remain.
    @inlinable public func peek(upTo count: Int) -> ArraySlice<UInt8> {
        remainingBytes.prefix(max(0, count))
    }

    /// Reads every remaining byte.
    public mutating func readRest() -> ArraySlice<UInt8> {
        let rest = remainingBytes
        remainingStorage = remainingStorage[remainingBytes.endIndex...]
        return rest
    }

    /// Splits off a cursor over the next `count` bytes (consumed from this one), keeping the origin.
    public mutating func subCursor(count: Int) throws -> ByteCursor {
        let run = try readBytes(count)
        return ByteCursor(remaining: run, whole: run, origin: origin)
    }

    // MARK: - Seeking

    /// Moves to an absolute `offset` (relative to ``origin``) within the whole buffer.
    public mutating func seek(to offset: Int) throws {
        guard offset >= 0, offset <= whole.endIndex - origin, origin + offset >= whole.startIndex else {
            throw CursorError.outOfRange(offset: offset, size: whole.endIndex - origin)
        }
        remainingStorage = whole[(origin + offset)...]
    }

    /// A cursor over `count` bytes at absolute `offset`, keeping the origin; this cursor does not move.
    public func cursor(at offset: Int, count: Int) throws -> ByteCursor {
        let bytes = try slice(at: offset, count: count)
        return ByteCursor(remaining: bytes, whole: bytes, origin: origin)
    }

    /// The `count` bytes at absolute `offset` (relative to ``origin``), bounds-checked, without copying.
    public func slice(at offset: Int, count: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, count >= 0 else { throw CursorError.invalidLength(min(offset, count), offset: offset) }
        let size = whole.endIndex - origin
        guard origin >= whole.startIndex, offset <= size, count <= size - offset else {
            throw CursorError.outOfRange(offset: offset, size: size)
        }
        return whole[(origin + offset)..<(origin + offset + count)]
    }

    /// Converts a length field to `Int`, failing on values that cannot index memory.
    public static func length<T: BinaryInteger>(_ value: T, offset: Int = 0) throws -> Int {
        guard let n = Int(exactly: value), n >= 0 else { throw CursorError.invalidLength(Int.max, offset: offset) }
        return n
    }
}
