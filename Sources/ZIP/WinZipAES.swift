import Crypto
import CryptoExtras

/// WinZip AES decryption (AE-1/AE-2): PBKDF2-HMAC-SHA1 keys, AES-CTR with a little-endian counter, HMAC-SHA1.
///
/// ```
///  data: [ salt 8/12/16 ][ verifier 2 ][ encrypted compressed data ][ authentication code 10 ]
///  PBKDF2(password, salt, 1000 rounds) = [ AES key ][ HMAC key ][ verifier 2 ]
///  keystream block n (n = 1, 2, ...) = AES(key, n as a 16-byte little-endian integer)
///  authentication code = HMAC-SHA1(HMAC key, encrypted data), first 10 bytes
/// ```
struct WinZipAESDecryptor {
    static let verifierSize = 2
    static let authenticationCodeSize = 10
    static let rounds = 1000

    private let key: SymmetricKey
    private var hmac: HMAC<Insecure.SHA1>
    private var counter: UInt64 = 0
    /// The current keystream block, and how much of it is used (16 = spent).
    private var block: [UInt8] = Array(repeating: 0, count: 16)
    private var used = 16

    /// The salt size for a key of `bits`.
    static func saltSize(bits: Int) -> Int { bits / 16 }

    /// Derives the keys; returns nil unless the password verifier matches.
    init?(password: [UInt8], salt: ArraySlice<UInt8>, verifier: ArraySlice<UInt8>, bits: Int) {
        let keyBytes = bits / 8
        guard keyBytes == 16 || keyBytes == 24 || keyBytes == 32, verifier.count == Self.verifierSize,
            let derived = try? KDF.Insecure.PBKDF2.deriveKey(
                from: password, salt: Array(salt), using: .insecureSHA1,
                outputByteCount: 2 * keyBytes + Self.verifierSize, unsafeUncheckedRounds: Self.rounds)
        else { return nil }
        let material = derived.withUnsafeBytes { Array($0) }
        guard material.count == 2 * keyBytes + Self.verifierSize,
            material[(2 * keyBytes)...].elementsEqual(verifier)
        else { return nil }
        key = SymmetricKey(data: material[0..<keyBytes])
        hmac = HMAC(key: SymmetricKey(data: material[keyBytes..<(2 * keyBytes)]))
    }

    /// Authenticates and decrypts `buffer` in place.
    mutating func decrypt(_ buffer: UnsafeMutableRawBufferPointer) throws {
        hmac.update(data: UnsafeRawBufferPointer(buffer))
        var i = 0
        let n = buffer.count
        while i < n {
            if used == 16 { try nextBlock() }
            let take = min(16 - used, n - i)
            block.withUnsafeBufferPointer { ks in
                for j in 0..<take { buffer[i + j] ^= ks[used + j] }
            }
            used += take
            i += take
        }
    }

    private mutating func nextBlock() throws {
        counter &+= 1
        let c = counter
        block.withUnsafeMutableBufferPointer { b in
            for j in 0..<8 { b[j] = UInt8(truncatingIfNeeded: c >> (8 * UInt64(j))) }
            for j in 8..<16 { b[j] = 0 }
        }
        try AES.permute(&block, key: key)
        used = 0
    }

    /// Whether `code` equals the first 10 bytes of the HMAC over all data decrypted.
    func authenticates(_ code: ArraySlice<UInt8>) -> Bool {
        let mac = hmac.finalize()
        return mac.withUnsafeBytes { $0.prefix(Self.authenticationCodeSize).elementsEqual(code) }
    }
}
