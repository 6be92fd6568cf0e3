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
        for b in password { update(b) }
    }

    @inline(__always)
    private static func crcByte(_ crc: UInt32, _ b: UInt8) -> UInt32 {
        crcTable[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8)
    }

    @inline(__always)
    private mutating func update(_ plain: UInt8) {
        k0 = Self.crcByte(k0, plain)
        k1 = (k1 &+ (k0 & 0xFF)) &* 134_775_813 &+ 1
        k2 = Self.crcByte(k2, UInt8(truncatingIfNeeded: k1 >> 24))
    }

    /// Decrypts `buffer` in place.
    mutating func decrypt(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        // Keys in locals and the table through a pointer: the loop is the whole cost of ZipCrypto.
        var k0 = self.k0
        var k1 = self.k1
        var k2 = self.k2
        Self.crcTable.withUnsafeBufferPointer { table in
            guard let t = table.baseAddress else { return }
            for i in 0..<buffer.count {
                let x = (k2 | 2) & 0xFFFF
                let p = base[i] ^ UInt8(truncatingIfNeeded: (x &* (x ^ 1)) >> 8)
                base[i] = p
                k0 = t[Int((k0 ^ UInt32(p)) & 0xFF)] ^ (k0 >> 8)
                k1 = (k1 &+ (k0 & 0xFF)) &* 134_775_813 &+ 1
                k2 = t[Int((k2 ^ (k1 >> 24)) & 0xFF)] ^ (k2 >> 8)
            }
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

    /// The CRC-32 table (reflected polynomial 0xEDB88320).
    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
