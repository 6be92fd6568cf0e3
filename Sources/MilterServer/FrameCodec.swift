import ByteCursor
import Milter
import NIOCore

/// Cuts the MTA's byte stream into ``MilterFrame``s on a channel.
///
/// ```
///  0               4       5
///  +---------------+-------+---------------------------+
///  | length (BE32) |  cmd  | data (length - 1 bytes)   |
///  +---------------+-------+---------------------------+
/// ```
/// The length is checked against `milter.maxFrameBytes` as soon as its four bytes are in, before the data is
/// buffered; a partial frame leaves the buffer untouched and asks for more bytes. Malformed lengths throw
/// ``MilterError`` (`empty-frame`, `frame-too-large`); the stream cannot be resynchronised after that, so the
/// connection handler answers by closing.
public struct MilterFrameByteDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = MilterFrame

    public let maxFrameBytes: Limit

    public init(maxFrameBytes: Limit = MilterLimits.default.maxFrameBytes) {
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MilterFrame? {
        guard let declared = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        let length = try MilterFrame.checkedLength(declared, limit: maxFrameBytes)
        guard buffer.readableBytes >= 4 + length else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let command = buffer.readInteger(as: UInt8.self),
            let data = buffer.readBytes(length: length - 1)
        else { return nil }  // unreachable: both were counted above
        return MilterFrame(command: command, data: data)
    }

    /// At the end of the stream: a last whole frame, or `truncated-frame` when bytes of an incomplete one remain.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MilterFrame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        guard buffer.readableBytes == 0 else {
            let count = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: count)
            throw MilterError(.truncatedFrame, "the stream ended \(count) bytes into a frame")
        }
        return nil
    }
}

/// Writes the filter's ``MilterResponse``s as frames.
public struct MilterResponseEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = MilterResponse

    public init() {}

    public func encode(data: MilterResponse, out: inout ByteBuffer) throws {
        let frame = data.frame
        out.writeInteger(UInt32(truncatingIfNeeded: frame.data.count + 1))
        out.writeInteger(frame.command)
        out.writeBytes(frame.data)
    }
}
