import Crypto
import CryptoExtras

/// RC4, the stream cipher of Office 97-2003 encryption ([MS-OFFCRYPTO] 2.3.6, 2.3.5).
struct RC4 {
    private var state: [UInt8]
    private var i: UInt8 = 0
    private var j: UInt8 = 0

    init(key: [UInt8]) {
        var s = [UInt8](repeating: 0, count: 256)
        for k in 0..<256 { s[k] = UInt8(k) }
        if !key.isEmpty {
            var j: UInt8 = 0
            for k in 0..<256 {
                j = j &+ s[k] &+ key[k % key.count]
                s.swapAt(k, Int(j))
            }
        }
        state = s
    }

    /// XORs the next keystream bytes into `bytes`.
    mutating func apply(_ bytes: inout [UInt8]) {
        for k in bytes.indices { bytes[k] ^= nextByte() }
    }

    /// The next `count` keystream bytes.
    mutating func keystream(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        apply(&out)
        return out
    }

    @inline(__always)
    mutating func nextByte() -> UInt8 {
        i = i &+ 1
        let si = state[Int(i)]
        j = j &+ si
        let sj = state[Int(j)]
        state[Int(i)] = sj
        state[Int(j)] = si
        return state[Int(si &+ sj)]
    }
}

/// The hash algorithms Office encryption names.
enum HashAlgorithm: Sendable {
    case md5, sha1, sha256, sha384, sha512

    /// The algorithm for an agile descriptor's `hashAlgorithm` attribute.
    init?(agileName: String) {
        switch agileName.uppercased() {
        case "SHA1", "SHA-1": self = .sha1
        case "SHA256", "SHA-256": self = .sha256
        case "SHA384", "SHA-384": self = .sha384
        case "SHA512", "SHA-512": self = .sha512
        case "MD5": self = .md5
        default: return nil
        }
    }

    var digestSize: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    func hash(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .md5: Array(Insecure.MD5.hash(data: bytes))
        case .sha1: Array(Insecure.SHA1.hash(data: bytes))
        case .sha256: Array(SHA256.hash(data: bytes))
        case .sha384: Array(SHA384.hash(data: bytes))
        case .sha512: Array(SHA512.hash(data: bytes))
        }
    }

    /// `H0 = H(salt + password)`, then `Hn = H(iterator + Hn-1)` for `spinCount` iterations, the iterator a
    /// 32-bit little-endian counter from 0 ([MS-OFFCRYPTO] 2.3.4.7 and 2.3.4.11).
    func iterated(salt: [UInt8], password: [UInt8], spinCount: Int) -> [UInt8] {
        switch self {
        case .md5: Self.iterate(Insecure.MD5.self, salt: salt, password: password, spinCount: spinCount)
        case .sha1: Self.iterate(Insecure.SHA1.self, salt: salt, password: password, spinCount: spinCount)
        case .sha256: Self.iterate(SHA256.self, salt: salt, password: password, spinCount: spinCount)
        case .sha384: Self.iterate(SHA384.self, salt: salt, password: password, spinCount: spinCount)
        case .sha512: Self.iterate(SHA512.self, salt: salt, password: password, spinCount: spinCount)
        }
    }

    /// The spin loop: one reused buffer, the digest copied in place, no allocation per iteration.
    private static func iterate<H: HashFunction>(
        _: H.Type, salt: [UInt8], password: [UInt8], spinCount: Int
    ) -> [UInt8] {
        let first = H.hash(data: salt + password)
        var buffer = [UInt8](repeating: 0, count: 4 + H.Digest.byteCount)
        buffer.withUnsafeMutableBytes { b in
            first.withUnsafeBytes { d in
                UnsafeMutableRawBufferPointer(rebasing: b[4...]).copyMemory(from: d)
            }
            var iterator: UInt32 = 0
            for _ in 0..<max(0, spinCount) {
                b[0] = UInt8(truncatingIfNeeded: iterator)
                b[1] = UInt8(truncatingIfNeeded: iterator >> 8)
                b[2] = UInt8(truncatingIfNeeded: iterator >> 16)
                b[3] = UInt8(truncatingIfNeeded: iterator >> 24)
                var hasher = H()
                hasher.update(bufferPointer: UnsafeRawBufferPointer(b))
                let digest = hasher.finalize()
                digest.withUnsafeBytes { d in
                    UnsafeMutableRawBufferPointer(rebasing: b[4...]).copyMemory(from: d)
                }
                iterator &+= 1
            }
        }
        return Array(buffer[4...])
    }
}

/// AES through swift-crypto: CBC without padding (CryptoExtras `AES._CBC`), and ECB built on it.
enum AESCipher {
    static let blockSize = 16

    /// Decrypts whole blocks with AES-CBC; `ciphertext.count` must be a multiple of 16.
    static func decryptCBC(_ ciphertext: ArraySlice<UInt8>, key: [UInt8], iv: [UInt8]) throws(OfficeCryptoError)
        -> [UInt8]
    {
        guard ciphertext.count % blockSize == 0, [16, 24, 32].contains(key.count), iv.count == blockSize else {
            throw OfficeCryptoError(.malformedEncryptionInfo, "AES input of \(ciphertext.count) bytes, key \(key.count)")
        }
        if ciphertext.isEmpty { return [] }
        do {
            let plain = try AES._CBC.decrypt(
                ciphertext, using: SymmetricKey(data: key), iv: try AES._CBC.IV(ivBytes: iv), noPadding: true)
            return Array(plain)
        } catch {
            throw OfficeCryptoError(.internalFailure, "AES-CBC: \(error)")
        }
    }

    /// Decrypts whole blocks with AES-ECB: CBC with a zero IV gives `D(C[i]) ^ C[i-1]`, so each block after the
    /// first is XORed with the ciphertext block before it.
    static func decryptECB(_ ciphertext: ArraySlice<UInt8>, key: [UInt8]) throws(OfficeCryptoError) -> [UInt8] {
        var plain = try decryptCBC(ciphertext, key: key, iv: [UInt8](repeating: 0, count: blockSize))
        let base = ciphertext.startIndex
        var k = blockSize
        while k < plain.count {
            plain[k] ^= ciphertext[base + k - blockSize]
            k += 1
        }
        return plain
    }
}

/// `text` as UTF-16LE bytes, the form Office hashes passwords in.
func utf16LE(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf16.count * 2)
    for unit in text.utf16 {
        out.append(UInt8(truncatingIfNeeded: unit))
        out.append(UInt8(truncatingIfNeeded: unit >> 8))
    }
    return out
}

/// A 32-bit little-endian integer's bytes.
func littleEndian32(_ value: UInt32) -> [UInt8] {
    [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value >> 16),
     UInt8(truncatingIfNeeded: value >> 24)]
}

/// Decodes standard base64 (RFC 4648), ignoring whitespace; `nil` on any other character or bad length.
func base64Decode(_ text: String) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    var padding = 0
    for c in text.utf8 {
        let value: UInt32
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(c - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(c - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): value = 62
        case UInt8(ascii: "/"): value = 63
        case UInt8(ascii: "="):
            padding += 1
            continue
        case 0x20, 0x09, 0x0A, 0x0D: continue
        default: return nil
        }
        guard padding == 0 else { return nil }
        accumulator = (accumulator << 6) | value
        bits += 6
        if bits >= 8 {
            bits -= 8
            out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
        }
    }
    guard padding <= 2 else { return nil }
    return out
}
