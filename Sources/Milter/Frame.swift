import ByteCursor

/// One milter protocol frame: a command (MTA to filter) or a response (filter to MTA).
///
/// ```
///  0               4       5
///  +---------------+-------+---------------------------+
///  | length (BE32) |  cmd  |  data (length - 1 bytes)  |
///  +---------------+-------+---------------------------+
/// ```
/// The length covers the command byte and the data, so it is never zero.
public struct MilterFrame: Hashable, Sendable {
    /// The command or response byte (`O`, `C`, `B`... or `c`, `a`, `y`...).
    public var command: UInt8
    /// The bytes after the command byte.
    public var data: [UInt8]

    public init(command: UInt8, data: [UInt8] = []) {
        self.command = command
        self.data = data
    }

    /// The frame as it goes on the wire.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(5 + data.count)
        MilterFrame.appendUInt32(UInt32(truncatingIfNeeded: data.count + 1), to: &out)
        out.append(command)
        out.append(contentsOf: data)
        return out
    }

    static func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value >> 24))
        out.append(UInt8(truncatingIfNeeded: value >> 16))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
    }

    static func appendCString(_ string: String, to out: inout [UInt8]) {
        out.append(contentsOf: string.utf8.filter { $0 != 0 })
        out.append(0)
    }

    static func appendCString(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: bytes.filter { $0 != 0 })
        out.append(0)
    }

    /// The frame length in a length field (command byte plus data), checked: any stream decoder calls this as
    /// soon as the four bytes are in, before buffering the data.
    ///
    /// - Throws: ``MilterError`` `.emptyFrame` for zero, `.frameTooLarge` above `limit`.
    public static func checkedLength(_ declared: UInt32, limit: Limit) throws -> Int {
        guard declared > 0 else { throw MilterError(.emptyFrame, "frame length is zero") }
        guard let length = Int(exactly: declared), limit.allows(length) else {
            throw MilterError(.frameTooLarge, "\(limit.name): \(declared) exceeds \(limit.maximum)")
        }
        return length
    }

    /// A command byte for messages: the character when printable, else its hex value.
    static func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
    }
}

/// An incremental decoder that cuts the MTA's byte stream into ``MilterFrame``s.
///
/// Feed it whatever the socket delivered and call ``next()`` until it returns `nil` (more bytes needed). The length
/// field is checked against `milter.maxFrameBytes` as soon as its four bytes are in, before any data is buffered.
/// After an error the decoder stays failed: every later ``next()`` throws the same error, since the stream cannot be
/// resynchronised.
public struct MilterFrameDecoder: Sendable {
    public let maxFrameBytes: Limit
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var failure: MilterError?

    public init(maxFrameBytes: Limit = MilterLimits.default.maxFrameBytes) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// The number of bytes received and not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Appends bytes from the stream.
    public mutating func feed(_ bytes: ArraySlice<UInt8>) {
        if readIndex > 0, readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends bytes from the stream.
    public mutating func feed(_ bytes: [UInt8]) { feed(bytes[...]) }

    /// The next complete frame, or `nil` when more bytes are needed.
    ///
    /// - Throws: ``MilterError`` `.emptyFrame` for a zero length, `.frameTooLarge` for a length above the limit.
    public mutating func next() throws -> MilterFrame? {
        if let failure { throw failure }
        var cursor = ByteCursor(buffer[readIndex...])
        guard cursor.remaining >= 4 else { return nil }
        let length: Int
        do { length = try MilterFrame.checkedLength(try cursor.readUInt32BE(), limit: maxFrameBytes) } catch {
            return try fail(error)
        }
        guard cursor.remaining >= length else { return nil }
        let command = try cursor.readUInt8()
        let data = Array(try cursor.readBytes(length - 1))
        readIndex += 4 + length
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
        return MilterFrame(command: command, data: data)
    }

    private mutating func fail(_ error: any Error) throws -> MilterFrame? {
        let error = error as? MilterError ?? MilterError(.malformedCommand, "\(error)")
        failure = error
        throw error
    }
}
