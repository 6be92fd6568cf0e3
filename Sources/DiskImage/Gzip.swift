import ByteCursor
import CZlib

/// Reads gzip streams (RFC 1952): every member's header, raw deflate through zlib, CRC-32 and ISIZE checks.
///
/// ```
///  member: 1F 8B | 08 method | flags | mtime (4) | xfl | os
///          [FEXTRA: xlen (2) + data] [FNAME: text 00] [FCOMMENT: text 00] [FHCRC: CRC-16 of the header]
///          deflate data | CRC-32 (4) | ISIZE (4, size mod 2^32)
///  stream:  member member ...   (gzip -c a b > ab.gz; the output is the concatenation)
/// ```
///
/// The output goes through a ``PaddingStripper``: a DLL padded with hundreds of megabytes of zeros and gzipped
/// to a few kilobytes comes back as its content, its padding runs and its real size, in memory near `keepLimit`.
public enum GzipReader {
    /// The longest file name kept from a header.
    static let maxNameBytes = 1024

    /// Inflates every member of the gzip stream in `bytes`.
    ///
    /// - Parameters:
    ///   - keepLimit: the most content bytes kept (after zero runs are dropped).
    ///   - maxInflated: the most bytes inflated, padding included; inflation stops there (`crcValid` false).
    ///   - minimumPaddingRun: the shortest zero run that is dropped as padding.
    /// - Returns: the first member's file name (FNAME), the output, whether every member was complete with a
    ///   matching CRC-32, ISIZE and (when present) header CRC with nothing but zeros after the last one, and the
    ///   number of members read.
    /// - Throws: ``DiskImageError`` `.notGzip` when the input does not start with a deflate gzip header,
    ///   `.corruptData` when the first member's header or deflate data is broken before any output.
    public static func inflate(
        _ bytes: ArraySlice<UInt8>, keepLimit: Int, maxInflated: Int, minimumPaddingRun: Int = 1 << 20
    ) throws -> (name: String?, output: StrippedOutput, crcValid: Bool, members: Int) {
        var c = ByteCursor(bytes)
        var sink = InflateSink(
            stripper: PaddingStripper(minimumRun: minimumPaddingRun, keepLimit: max(0, keepLimit)),
            limit: max(0, maxInflated))
        var members = 0
        var valid = true
        var name: String?
        let inflater = try RawInflater()
        while !c.isAtEnd {
            let start = c.offset
            let header: Header
            do {
                header = try Header(&c)
            } catch let error as DiskImageError where error.code == .notGzip && members > 0 {
                // Bytes after the last member: zeros (block padding) are harmless, anything else is not gzip.
                if bytes[(bytes.startIndex + start)...].contains(where: { $0 != 0 }) { valid = false }
                break
            } catch {
                if members == 0 {
                    if let e = error as? DiskImageError { throw e }
                    throw DiskImageError(.corruptData, "gzip header cut short", offset: start)
                }
                valid = false
                break
            }
            if members == 0 { name = header.name }
            if !header.headerCRCValid { valid = false }
            sink.crc = 0
            let before = sink.total
            inflater.reset()
            let rest = c.remainingBytes
            let (status, consumed): (InflateStatus, Int)
            do {
                (status, consumed) = try rest.withUnsafeBytes { try inflater.feed($0, sink: &sink) }
            } catch {
                if members == 0 && sink.total == 0 { throw error }
                valid = false
                break
            }
            members += 1
            guard status == .ended else {
                valid = false  // cut short, or stopped at maxInflated
                break
            }
            try c.skip(consumed)
            guard let crc = try? c.readUInt32LE(), let size = try? c.readUInt32LE() else {
                valid = false
                break
            }
            if crc != sink.crc || size != UInt32(truncatingIfNeeded: sink.total - before) { valid = false }
        }
        return (name, sink.stripper.finish(), valid && members > 0, members)
    }

    /// Inflates every member of `bytes`.
    public static func inflate(_ bytes: [UInt8], keepLimit: Int, maxInflated: Int)
        throws -> (name: String?, output: StrippedOutput, crcValid: Bool, members: Int)
    {
        try inflate(bytes[...], keepLimit: keepLimit, maxInflated: maxInflated)
    }

    /// A member header (RFC 1952 2.3).
    struct Header {
        var name: String?
        var comment: String?
        var headerCRCValid = true

        init(_ c: inout ByteCursor) throws {
            let start = c.remainingBytes
            let startOffset = c.offset
            guard c.remaining >= 3, try c.readUInt8() == 0x1F, try c.readUInt8() == 0x8B else {
                throw DiskImageError(.notGzip, "no gzip magic", offset: startOffset)
            }
            guard try c.readUInt8() == 8 else {
                throw DiskImageError(.notGzip, "gzip compression method is not deflate", offset: startOffset)
            }
            let flags = try c.readUInt8()
            try c.skip(6)  // mtime, xfl, os
            if flags & 0x04 != 0 { try c.skip(Int(try c.readUInt16LE())) }
            if flags & 0x08 != 0 { name = Names.bytes(try Self.zeroTerminated(&c).prefix(GzipReader.maxNameBytes)) }
            if flags & 0x10 != 0 { comment = Names.bytes(try Self.zeroTerminated(&c).prefix(GzipReader.maxNameBytes)) }
            if flags & 0x02 != 0 {
                let covered = start.prefix(c.offset - startOffset)
                let expected = try c.readUInt16LE()
                headerCRCValid = UInt16(truncatingIfNeeded: CRC32.checksum(covered)) == expected
            }
        }

        static func zeroTerminated(_ c: inout ByteCursor) throws -> ArraySlice<UInt8> {
            guard let end = c.remainingBytes.firstIndex(of: 0) else {
                throw DiskImageError(.corruptData, "unterminated header text", offset: c.offset)
            }
            let text = try c.readBytes(end - c.remainingBytes.startIndex)
            try c.skip(1)
            return text
        }
    }
}

// MARK: - zlib

/// CRC-32 (ISO 3309), computed by zlib.
enum CRC32 {
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return crc }
        var left = bytes.count
        var value = UInt(crc)
        while left > 0 {
            let n = min(left, 1 << 30)
            value = CZlib.crc32(value, p, UInt32(n))
            p += n
            left -= n
        }
        return UInt32(truncatingIfNeeded: value)
    }
}

/// Where inflated bytes go: CRC-32, the padding stripper, and the count checked against the limit.
struct InflateSink {
    var stripper: PaddingStripper
    var crc: UInt32 = 0
    var total = 0
    let limit: Int

    init(stripper: PaddingStripper, limit: Int) {
        self.stripper = stripper
        self.limit = limit
    }

    var room: Int { limit - total }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        crc = CRC32.update(crc, bytes)
        stripper.write(bytes)
        total += bytes.count
    }
}

enum InflateStatus: Equatable {
    /// All input consumed without the stream ending.
    case needMore
    /// The deflate stream ended.
    case ended
    /// The sink's limit was reached with output still to come.
    case limit
}

/// A raw-deflate inflate stream over zlib that reports how much input it consumed.
final class RawInflater {
    static let outputChunk = 1 << 20
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer

    init() throws {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.outputChunk, alignment: 16)
        let rc = inflateInit2_(stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            output.deallocate()
            throw DiskImageError(.internalFailure, "inflateInit2 failed (\(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    func reset() { inflateReset(stream) }

    /// Inflates from the start of `input` until the stream ends, the input runs out or the sink is full;
    /// returns the status and the input bytes consumed.
    func feed(_ input: UnsafeRawBufferPointer, sink: inout InflateSink) throws -> (InflateStatus, Int) {
        guard let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count > 0 else {
            return (.needMore, 0)
        }
        var next = UnsafeMutablePointer(mutating: base)
        var left = input.count
        var consumed = 0
        stream.pointee.avail_in = 0
        while true {
            if stream.pointee.avail_in == 0 && left > 0 {
                let n = min(left, 1 << 30)
                stream.pointee.next_in = next
                stream.pointee.avail_in = UInt32(n)
                next += n
                left -= n
            }
            let room = sink.room
            let probing = room <= 0
            let capacity = probing ? 1 : min(output.count, room)
            stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(capacity)
            let availBefore = Int(stream.pointee.avail_in)
            let rc = CZlib.inflate(stream, Z_NO_FLUSH)
            consumed += availBefore - Int(stream.pointee.avail_in)
            let produced = capacity - Int(stream.pointee.avail_out)
            if probing && produced > 0 { return (.limit, consumed) }
            if produced > 0 { sink.write(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            switch rc {
            case Z_STREAM_END:
                return (.ended, consumed)
            case Z_OK, Z_BUF_ERROR:
                if stream.pointee.avail_in == 0 && left == 0 && produced < capacity { return (.needMore, consumed) }
                if rc == Z_BUF_ERROR && produced == 0 { return (.needMore, consumed) }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw DiskImageError(.corruptData, "inflate: \(message)", offset: consumed)
            }
        }
    }
}
