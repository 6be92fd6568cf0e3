import CZlib

/// Traditional PKWARE encryption ("ZipCrypto", APPNOTE 6.1): three 32-bit keys updated by every plaintext byte.
///
/// ```
///  data: [ 12-byte encryption header ][ encrypted compressed data ]
///          last header byte = high byte of the CRC-32 (or of the DOS time with a data descriptor)
/// ```
/// The cipher is broken (known-plaintext attacks); Emotet used it anyway, with the password in the mail body.
struct ZipCryptoKeys {
    static let headerSize = 12

    private var k0: UInt32 = 0x1234_5678
    private var k1: UInt32 = 0x2345_6789
    private var k2: UInt32 = 0x3456_7890

    /// Keys initialised with `password`.
    init(password: [UInt8]) {
        let t = Self.crcTable
        for p in password { Self.update(&k0, &k1, &k2, with: p, table: t) }
    }

    /// Steps the keys with one plaintext byte.
    @inline(__always)
    private static func update(
        _ k0: inout UInt32, _ k1: inout UInt32, _ k2: inout UInt32, with p: UInt8, table t: UnsafePointer<UInt32>
    ) {
        k0 = t[Int((k0 ^ UInt32(p)) & 0xFF)] ^ (k0 >> 8)
        k1 = (k1 &+ (k0 & 0xFF)) &* 134_775_813 &+ 1
        k2 = t[Int((k2 ^ (k1 >> 24)) & 0xFF)] ^ (k2 >> 8)
    }

    /// Decrypts `buffer` in place.
    mutating func decrypt(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        // Keys in locals and the table through a pointer: the loop is the whole cost of ZipCrypto.
        var k0 = self.k0
        var k1 = self.k1
        var k2 = self.k2
        let t = Self.crcTable
        for i in 0..<buffer.count {
            let x = (k2 | 2) & 0xFFFF
            let p = base[i] ^ UInt8(truncatingIfNeeded: (x &* (x ^ 1)) >> 8)
            base[i] = p
            Self.update(&k0, &k1, &k2, with: p, table: t)
        }
        self.k0 = k0
        self.k1 = k1
        self.k2 = k2
    }

    /// Decrypts the 12-byte encryption header and returns its check byte (the last one).
    mutating func decryptHeader(_ header: ArraySlice<UInt8>) -> UInt8 {
        var copy = Array(header.prefix(Self.headerSize))
        copy.withUnsafeMutableBytes { decrypt($0) }
        return copy.last ?? 0
    }

    /// zlib's byte-wise CRC-32 table (reflected polynomial 0xEDB88320), which the key schedule steps with.
    static var crcTable: UnsafePointer<UInt32> { get_crc_table() }
}
