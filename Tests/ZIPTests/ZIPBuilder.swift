import CZlib

/// Builds ZIP archives in memory for tests, streaming content through zlib's raw deflate in chunks.
///
/// Content is a list of segments, and a zero segment is never materialised: a gigabyte of zero padding costs one
/// reusable 1 MiB buffer and about a megabyte of deflate output (what Emotet's padded documents looked like).
/// The engine's tests can copy this approach.
///
/// ```
///  [local header][data] ... [central directory][end record]
/// ```
struct ZIPBuilder {
    /// A piece of an entry's content.
    enum Segment {
        case bytes([UInt8])
        case zeros(Int)

        var count: Int {
            switch self {
            case .bytes(let b): b.count
            case .zeros(let n): n
            }
        }
    }

    private(set) var archive: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    static let zeroChunk = [UInt8](repeating: 0, count: 1 << 20)

    /// Adds an entry; `method` 8 deflates (streamed), 0 stores.
    mutating func add(name: String, _ segments: [Segment], method: UInt16 = 8, level: Int32 = 6) {
        add(rawName: Array(name.utf8), segments, method: method, level: level)
    }

    /// Adds an entry with the name bytes as given.
    mutating func add(rawName name: [UInt8], _ segments: [Segment], method: UInt16 = 8, level: Int32 = 6) {
        var crc: UInt = 0
        var size = 0
        var data: [UInt8] = []
        if method == 8 {
            data = Self.deflate(segments, crc: &crc)
        } else {
            for s in segments {
                switch s {
                case .bytes(let b):
                    data += b
                case .zeros(let n):
                    data += [UInt8](repeating: 0, count: n)
                }
            }
            crc = data.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, UInt32($0.count)) }
        }
        for s in segments { size += s.count }
        add(rawName: name, data: data, method: method, crc: UInt32(crc), uncompressedSize: size)
    }

    /// Adds an entry whose stored bytes are already made (encrypted, or deliberately wrong).
    mutating func add(
        rawName name: [UInt8], data: [UInt8], method: UInt16, flags: UInt16 = 0, crc: UInt32, uncompressedSize: Int,
        extra: [UInt8] = []
    ) {
        let offset = archive.count
        precondition(uncompressedSize <= 0xFFFF_FFFE && data.count <= 0xFFFF_FFFE, "the builder writes 32-bit sizes")
        archive += le32(0x0403_4B50) + le16(20) + le16(flags) + le16(method) + le16(0x4A0F) + le16(0x5D63)
            + le32(crc) + le32(UInt32(data.count)) + le32(UInt32(uncompressedSize)) + le16(UInt16(name.count))
            + le16(UInt16(extra.count)) + name + extra
        archive += data
        central += le32(0x0201_4B50) + le16(0x0314) + le16(20) + le16(flags) + le16(method) + le16(0x4A0F)
            + le16(0x5D63) + le32(crc) + le32(UInt32(data.count)) + le32(UInt32(uncompressedSize))
            + le16(UInt16(name.count)) + le16(UInt16(extra.count)) + le16(0) + le16(0) + le16(0) + le32(0)
            + le32(UInt32(offset)) + name + extra
        count += 1
    }

    /// The archive with its central directory and end record.
    func finished(comment: [UInt8] = []) -> [UInt8] {
        var out = archive
        let cdOffset = out.count
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(count)) + le16(UInt16(count))
            + le32(UInt32(central.count)) + le32(UInt32(cdOffset)) + le16(UInt16(comment.count)) + comment
        return out
    }

    /// Raw deflate of the segments, fed 1 MiB at a time; `crc` gets the CRC-32 of the content.
    static func deflate(_ segments: [Segment], crc: inout UInt, level: Int32 = 6) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let rc = deflateInit2_(
            stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(rc == Z_OK)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let zeroCRC = zeroChunk.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, UInt32($0.count)) }

        func pump(_ input: UnsafeBufferPointer<UInt8>, flush: Int32) {
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.pointee.avail_in = UInt32(input.count)
            repeat {
                let produced: Int = buffer.withUnsafeMutableBufferPointer { b in
                    stream.pointee.next_out = b.baseAddress
                    stream.pointee.avail_out = UInt32(b.count)
                    _ = CZlib.deflate(stream, flush)
                    return b.count - Int(stream.pointee.avail_out)
                }
                out += buffer[0..<produced]
            } while stream.pointee.avail_out == 0 || stream.pointee.avail_in > 0
        }

        for segment in segments {
            switch segment {
            case .bytes(let b):
                b.withUnsafeBufferPointer { p in
                    crc = CZlib.crc32(crc, p.baseAddress, UInt32(p.count))
                    pump(p, flush: Z_NO_FLUSH)
                }
            case .zeros(var n):
                while n > 0 {
                    let k = min(n, zeroChunk.count)
                    zeroChunk.withUnsafeBufferPointer { p in
                        pump(UnsafeBufferPointer(rebasing: p[0..<k]), flush: Z_NO_FLUSH)
                    }
                    crc = k == zeroChunk.count
                        ? crc32_combine(crc, zeroCRC, off_t(k))
                        : zeroChunk.withUnsafeBufferPointer { CZlib.crc32(crc, $0.baseAddress, UInt32(k)) }
                    n -= k
                }
            }
        }
        [UInt8]().withUnsafeBufferPointer { pump($0, flush: Z_FINISH) }
        return out
    }
}

func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
