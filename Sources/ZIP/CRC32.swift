import CZlib

/// CRC-32 (ISO 3309, the one ZIP uses), computed by zlib.
enum CRC32 {
    /// The CRC-32 of `bytes`.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// Continues `crc` over `bytes`, in pieces that fit zlib's 32-bit length.
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
