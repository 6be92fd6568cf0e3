/// A run of zero bytes that was measured and dropped from a stream.
public struct ZeroRun: Hashable, Sendable, Codable {
    /// Offset of the first zero byte in the original (unstripped) stream.
    public var offset: Int
    /// Number of zero bytes.
    public var length: Int

    public init(offset: Int, length: Int) {
        self.offset = offset
        self.length = length
    }
}

/// The bytes a ``PaddingStripper`` kept, and what it dropped.
public struct StrippedOutput: Sendable {
    /// The content with every long zero run removed, at most `keepLimit` bytes.
    public var bytes: [UInt8]
    /// The zero runs that were dropped, in stream order.
    public var padding: [ZeroRun]
    /// The size of the original stream.
    public var totalBytes: Int
    /// Whether content (not padding) was cut off because it exceeded the keep limit.
    public var truncated: Bool

    /// Total bytes of dropped padding.
    public var paddingBytes: Int { padding.reduce(0) { $0 + $1.length } }
}

/// A sink for decompressed or copied output that recognises zero padding while streaming.
///
/// Emotet (March 2023) shipped ~1 MB archives whose document inflated to more than 500 MB, nearly all zeros, so
/// that scanners with a size cap skipped them. A `PaddingStripper` receives the stream chunk by chunk and keeps
/// only content: a run of at least `minimumRun` zero bytes is recorded as a ``ZeroRun`` and dropped, shorter runs
/// are kept as they are. Memory stays below `keepLimit` plus one chunk whatever the stream's size.
///
/// ```
///  stream:  [ doc bytes ][ 000000 ... 600 MB ... 000000 ][ tail ]
///  kept:    [ doc bytes ][ tail ]            padding: [(offset, 600 MB)]
/// ```
public struct PaddingStripper: Sendable {
    /// The shortest zero run that counts as padding.
    public let minimumRun: Int
    /// The most content bytes kept.
    public let keepLimit: Int

    private var kept: [UInt8] = []
    private var runs: [ZeroRun] = []
    private var pendingZeros = 0
    private(set) public var totalBytes = 0
    private var truncated = false

    public init(minimumRun: Int = 1 << 20, keepLimit: Int) {
        self.minimumRun = max(1, minimumRun)
        self.keepLimit = max(0, keepLimit)
    }

    /// Bytes of content kept so far.
    public var keptCount: Int { kept.count }

    /// Appends the next chunk of the stream.
    public mutating func write(_ chunk: UnsafeRawBufferPointer) {
        let n = chunk.count
        guard n > 0, let base = chunk.baseAddress else { return }
        var i = 0
        while i < n {
            // Count zeros, a word at a time where aligned.
            var z = i
            while z < n, (Int(bitPattern: base + z) & 7) != 0, base.load(fromByteOffset: z, as: UInt8.self) == 0 {
                z += 1
            }
            while z + 8 <= n, (Int(bitPattern: base + z) & 7) == 0, base.load(fromByteOffset: z, as: UInt64.self) == 0
            {
                z += 8
            }
            while z < n, base.load(fromByteOffset: z, as: UInt8.self) == 0 { z += 1 }
            pendingZeros += z - i
            totalBytes += z - i
            i = z
            if i == n { break }
            // Non-zero content up to the next zero byte.
            flushPendingZeros()
            var e = i + 1
            while e < n, base.load(fromByteOffset: e, as: UInt8.self) != 0 { e += 1 }
            append(UnsafeRawBufferPointer(rebasing: chunk[i..<e]))
            totalBytes += e - i
            i = e
        }
    }

    /// Appends the next chunk of the stream.
    public mutating func write(_ chunk: ArraySlice<UInt8>) {
        chunk.withUnsafeBytes { write($0) }
    }

    /// Ends the stream and returns what was kept.
    public mutating func finish() -> StrippedOutput {
        flushPendingZeros()
        let out = StrippedOutput(bytes: kept, padding: runs, totalBytes: totalBytes, truncated: truncated)
        kept = []
        runs = []
        return out
    }

    private mutating func flushPendingZeros() {
        guard pendingZeros > 0 else { return }
        if pendingZeros >= minimumRun {
            runs.append(ZeroRun(offset: totalBytes - pendingZeros, length: pendingZeros))
        } else {
            let room = keepLimit - kept.count
            if pendingZeros <= room {
                kept.append(contentsOf: repeatElement(0, count: pendingZeros))
            } else {
                kept.append(contentsOf: repeatElement(0, count: max(0, room)))
                truncated = true
            }
        }
        pendingZeros = 0
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let room = keepLimit - kept.count
        if bytes.count <= room {
            kept.append(contentsOf: bytes)
        } else {
            if room > 0 { kept.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<room])) }
            truncated = true
        }
    }
}
