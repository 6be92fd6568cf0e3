import ByteCursor
import CZlib

/// The result of extracting one entry: its content with zero padding stripped, and whether it checked out.
public struct ZIPExtraction: Sendable {
    /// The content kept, the zero runs dropped (with their offsets in the inflated stream), the inflated size.
    public var output: StrippedOutput
    /// Whether the whole stream was read and its CRC-32 matches (for WinZip AES: the authentication code, and the
    /// CRC-32 too for AE-1).
    public var crcValid: Bool
    /// Whether extraction stopped at ``ZIPLimits/maxInflatedBytesPerEntry`` before the stream ended.
    public var stoppedAtLimit: Bool
    /// Inflated bytes (padding included) per stored byte.
    public var compressionRatio: Double
    /// The CRC-32 of the bytes inflated (all of them, padding included).
    public var computedCRC32: UInt32
    /// Whether the entry's data ran past the end of the input (a truncated archive): the output is partial.
    public var inputTruncated: Bool
}

extension ZIPArchive {
    /// Bytes fed to inflate at a time for encrypted data (decrypted into a buffer of this size).
    static let inputChunk = 64 << 10
    /// Bytes inflate writes at a time; large, so zero padding reaches the stripper in big runs.
    static let outputChunk = 1 << 20

    /// Cheap check whether `password` is plausible for `entry`.
    ///
    /// ZipCrypto compares the decrypted header's check byte with the CRC's (or, with a data descriptor, the DOS
    /// time's) high byte, so about 1 wrong password in 256 passes; ``extract(_:password:limits:)`` then fails it by
    /// CRC. WinZip AES compares the 2-byte password verifier (1 in 65,536). An unencrypted entry accepts any
    /// password; PKWARE strong encryption accepts none.
    public func passwordMatches(_ password: [UInt8], for entry: ZIPEntry) -> Bool {
        guard let (data, _) = try? storedData(of: entry) else { return false }
        switch entry.encryption {
        case .none: return true
        case .strongEncryption: return false
        case .zipCrypto:
            guard data.count >= ZipCryptoKeys.headerSize else { return false }
            var keys = ZipCryptoKeys(password: password)
            return Self.checkByteMatches(keys.decryptHeader(data), entry: entry)
        case .winZipAES(let bits, _, _):
            let saltSize = WinZipAESDecryptor.saltSize(bits: bits)
            guard data.count >= saltSize + WinZipAESDecryptor.verifierSize else { return false }
            let salt = data.prefix(saltSize)
            let verifier = data.dropFirst(saltSize).prefix(WinZipAESDecryptor.verifierSize)
            return WinZipAESDecryptor(password: password, salt: salt, verifier: verifier, bits: bits) != nil
        }
    }

    static func checkByteMatches(_ check: UInt8, entry: ZIPEntry) -> Bool {
        check == UInt8(truncatingIfNeeded: entry.crc32 >> 24)
            || check == UInt8(truncatingIfNeeded: entry.modified.time >> 8)
    }

    /// Streams the entry's data through decryption and inflate into a ``PaddingStripper``.
    ///
    /// Memory stays near `limits.keepBytesPerEntry` whatever the entry inflates to; inflation stops at
    /// `limits.maxInflatedBytesPerEntry` (``ZIPExtraction/stoppedAtLimit``). An unencrypted entry whose CRC fails
    /// is returned with ``ZIPExtraction/crcValid`` false; an encrypted one throws, since that means a wrong password.
    ///
    /// - Throws: ``ZIPError`` `.passwordRequired`, `.wrongPassword`, `.badCRC` (encrypted entries),
    ///   `.unsupportedMethod`, `.unsupportedEncryption`, `.corruptData`, `.badLocalHeader`, `.truncated`.
    public func extract(_ entry: ZIPEntry, password: [UInt8]? = nil, limits: ZIPLimits = .default) throws
        -> ZIPExtraction
    {
        if entry.encryption == .strongEncryption {
            throw ZIPError(.unsupportedEncryption, "PKWARE strong encryption is not supported", offset: entry.dataOffset)
        }
        guard ZIPMethod.isSupported(entry.method) else {
            throw ZIPError(
                .unsupportedMethod, "method \(entry.method) (\(entry.methodName)) is not supported",
                offset: entry.dataOffset)
        }
        let (data, truncated) = try storedData(of: entry)
        var cipher = Cipher.none
        var payload = data
        var authenticationCode: ArraySlice<UInt8>?
        switch entry.encryption {
        case .none, .strongEncryption:
            break
        case .zipCrypto:
            guard let password else { throw ZIPError(.passwordRequired, "entry is encrypted (ZipCrypto)") }
            guard data.count >= ZipCryptoKeys.headerSize else {
                throw ZIPError(.truncated, "encryption header cut short", offset: entry.dataOffset)
            }
            var keys = ZipCryptoKeys(password: password)
            guard Self.checkByteMatches(keys.decryptHeader(data), entry: entry) else {
                throw ZIPError(.wrongPassword, "ZipCrypto check byte does not match", offset: entry.dataOffset)
            }
            cipher = .zipCrypto(keys)
            payload = data.dropFirst(ZipCryptoKeys.headerSize)
        case .winZipAES(let bits, _, _):
            guard let password else { throw ZIPError(.passwordRequired, "entry is encrypted (WinZip AES-\(bits))") }
            let saltSize = WinZipAESDecryptor.saltSize(bits: bits)
            let head = saltSize + WinZipAESDecryptor.verifierSize
            guard data.count >= head else {
                throw ZIPError(.truncated, "AES salt and verifier cut short", offset: entry.dataOffset)
            }
            guard
                let aes = WinZipAESDecryptor(
                    password: password, salt: data.prefix(saltSize),
                    verifier: data.dropFirst(saltSize).prefix(WinZipAESDecryptor.verifierSize), bits: bits)
            else {
                throw ZIPError(.wrongPassword, "AES password verifier does not match", offset: entry.dataOffset)
            }
            cipher = .aes(aes)
            payload = data.dropFirst(head)
            if !truncated && payload.count >= WinZipAESDecryptor.authenticationCodeSize {
                authenticationCode = payload.suffix(WinZipAESDecryptor.authenticationCodeSize)
                payload = payload.dropLast(WinZipAESDecryptor.authenticationCodeSize)
            }
        }

        var sink = Sink(
            stripper: PaddingStripper(minimumRun: limits.minimumPaddingRun, keepLimit: limits.keepBytesPerEntry),
            limit: max(0, limits.maxInflatedBytesPerEntry.maximum))
        let decoder: Decoder = entry.method == ZIPMethod.deflate ? .inflate(try Inflater()) : .stored
        var status = Decoder.Status.needMore
        do {
            status = try Self.run(payload, cipher: &cipher, decoder: decoder, sink: &sink)
        } catch let error as ZIPError where error.code == .corruptData && entry.isEncrypted {
            throw ZIPError(.wrongPassword, "decrypted data does not inflate", offset: entry.dataOffset)
        }
        let stoppedAtLimit = status == .limit
        // Stored data is complete when all of it was copied; deflate when the stream said it ended.
        let complete = entry.method == ZIPMethod.deflate ? status == .ended : status == .needMore && !truncated
        let crcMatches = sink.crc == entry.crc32
        var valid: Bool
        if case .winZipAES(_, let vendorVersion, _) = entry.encryption, case .aes(let aes) = cipher {
            let authentic = authenticationCode.map { aes.authenticates($0) } ?? false
            valid = complete && authentic && (vendorVersion == 2 || crcMatches)
        } else {
            valid = complete && crcMatches
        }
        if entry.isEncrypted && complete && !valid {
            throw ZIPError(
                .badCRC, "decrypted content fails its integrity check (wrong password or altered data)",
                offset: entry.dataOffset)
        }
        let output = sink.stripper.finish()
        return ZIPExtraction(
            output: output, crcValid: valid, stoppedAtLimit: stoppedAtLimit,
            compressionRatio: Double(sink.total) / Double(max(1, entry.compressedSize)),
            computedCRC32: sink.crc, inputTruncated: truncated)
    }

    /// The entry's stored bytes (what `compressedSize` covers), and whether the input ends before they do.
    func storedData(of entry: ZIPEntry) throws -> (ArraySlice<UInt8>, Bool) {
        guard let start = entry.dataOffset, start <= input.totalCount else {
            throw ZIPError(.badLocalHeader, "the entry's local header could not be read", offset: entry.dataOffset)
        }
        let available = input.totalCount - start
        let declared = Int(exactly: entry.compressedSize) ?? Int.max
        let count = min(declared, available)
        return (try input.slice(at: start, count: count), declared > available)
    }

    /// Feeds `payload` through the cipher and decoder into `sink`.
    static func run(
        _ payload: ArraySlice<UInt8>, cipher: inout Cipher, decoder: Decoder, sink: inout Sink
    ) throws -> Decoder.Status {
        try payload.withUnsafeBytes { raw in
            if case .none = cipher {
                return try decoder.feed(raw, sink: &sink)
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: inputChunk, alignment: 16)
            defer { buffer.deallocate() }
            var offset = 0
            var status = Decoder.Status.needMore
            while offset < raw.count {
                let n = min(inputChunk, raw.count - offset)
                let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n])
                chunk.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)]))
                try cipher.decrypt(chunk)
                status = try decoder.feed(UnsafeRawBufferPointer(chunk), sink: &sink)
                if status != .needMore { return status }
                offset += n
            }
            return status
        }
    }
}

/// The decryption applied to an entry's data before it is decompressed.
enum Cipher {
    case none
    case zipCrypto(ZipCryptoKeys)
    case aes(WinZipAESDecryptor)

    mutating func decrypt(_ buffer: UnsafeMutableRawBufferPointer) throws {
        switch self {
        case .none: break
        case .zipCrypto(var keys):
            keys.decrypt(buffer)
            self = .zipCrypto(keys)
        case .aes(var aes):
            self = .none  // let `aes` be uniquely referenced while it runs
            defer { self = .aes(aes) }
            do { try aes.decrypt(buffer) } catch { throw ZIPError(.internalFailure, "AES failed: \(error)") }
        }
    }
}

/// Where decompressed bytes go: CRC-32, the padding stripper, and the count checked against the limit.
struct Sink {
    var stripper: PaddingStripper
    var crc: UInt32 = 0
    var total = 0
    let limit: Int

    init(stripper: PaddingStripper, limit: Int) {
        self.stripper = stripper
        self.limit = limit
    }

    /// Bytes that may still be written.
    var room: Int { limit - total }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        crc = CRC32.update(crc, bytes)
        stripper.write(bytes)
        total += bytes.count
    }
}

/// How an entry's (decrypted) data becomes its content.
enum Decoder {
    case stored
    case inflate(Inflater)

    enum Status: Equatable {
        /// All input consumed; more may follow.
        case needMore
        /// The deflate stream ended.
        case ended
        /// The sink's limit was reached with output still to come.
        case limit
    }

    func feed(_ input: UnsafeRawBufferPointer, sink: inout Sink) throws -> Status {
        switch self {
        case .stored:
            let n = min(input.count, max(0, sink.room))
            sink.write(UnsafeRawBufferPointer(rebasing: input[0..<n]))
            return n < input.count ? .limit : .needMore
        case .inflate(let inflater):
            return try inflater.feed(input, sink: &sink)
        }
    }
}

/// A raw-deflate (no zlib header) inflate stream over zlib, writing in ``ZIPArchive/outputChunk`` pieces.
final class Inflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer
    private var ended = false

    init() throws {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: ZIPArchive.outputChunk, alignment: 16)
        let rc = inflateInit2_(stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            output.deallocate()
            throw ZIPError(.internalFailure, "inflateInit2 failed (\(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    /// Inflates all of `input` (or until the stream ends or the sink is full).
    func feed(_ input: UnsafeRawBufferPointer, sink: inout Sink) throws -> Decoder.Status {
        if ended { return .ended }
        guard let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count > 0 else {
            return .needMore
        }
        var next = UnsafeMutablePointer(mutating: base)
        var left = input.count
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
            // At the limit, ask for one byte more: the stream may end right there, or overflow.
            let capacity = probing ? 1 : min(output.count, room)
            stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(capacity)
            let rc = CZlib.inflate(stream, Z_NO_FLUSH)
            let produced = capacity - Int(stream.pointee.avail_out)
            if probing && produced > 0 { return .limit }
            if produced > 0 { sink.write(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            switch rc {
            case Z_STREAM_END:
                ended = true
                return .ended
            case Z_OK, Z_BUF_ERROR:
                if stream.pointee.avail_in == 0 && left == 0 && produced < capacity { return .needMore }
                if rc == Z_BUF_ERROR && produced == 0 { return .needMore }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw ZIPError(.corruptData, "inflate: \(message)", offset: Int(stream.pointee.total_in))
            }
        }
    }
}
