import ByteCursor

/// Marvin32, the keyed hash Windows uses to protect new-format transaction log entries.
///
/// The state is two 32-bit words seeded from a 64-bit key; every little-endian 32-bit word of the input is added
/// to the first and mixed, the 0-3 final bytes are padded with 0x80 and mixed, then one more mix. The 64-bit result
/// is `(p1 << 32) | p0`.
///
/// ```
///  mix:  p1 ^= p0; p0 = rotl(p0, 20); p0 += p1; p1 = rotl(p1, 9)
///        p1 ^= p0; p0 = rotl(p0, 27); p0 += p1; p1 = rotl(p1, 19)
/// ```
enum Marvin32 {
    /// The seed of registry log entries: 0x82EF4D887A4E55C5 (the regf specification gives it as the decimal
    /// number of its byte-swapped form, 14219357686671994754).
    static let registrySeed: UInt64 = 0x82EF_4D88_7A4E_55C5

    static func hash(_ bytes: ArraySlice<UInt8>, seed: UInt64 = registrySeed) -> UInt64 {
        var p0 = UInt32(truncatingIfNeeded: seed)
        var p1 = UInt32(truncatingIfNeeded: seed >> 32)
        var cursor = ByteCursor(bytes)
        while cursor.remaining >= 4, let word = try? cursor.readUInt32LE() {
            p0 &+= word
            mix(&p0, &p1)
        }
        var final: UInt32 = 0x80
        for b in cursor.readRest().reversed() { final = final << 8 | UInt32(b) }
        p0 &+= final
        mix(&p0, &p1)
        mix(&p0, &p1)
        return UInt64(p1) << 32 | UInt64(p0)
    }

    @inline(__always)
    static func mix(_ p0: inout UInt32, _ p1: inout UInt32) {
        p1 ^= p0
        p0 = p0.rotatedLeft(20)
        p0 &+= p1
        p1 = p1.rotatedLeft(9)
        p1 ^= p0
        p0 = p0.rotatedLeft(27)
        p0 &+= p1
        p1 = p1.rotatedLeft(19)
    }
}

extension UInt32 {
    @inline(__always)
    fileprivate func rotatedLeft(_ n: UInt32) -> UInt32 { self << n | self >> (32 - n) }
}
