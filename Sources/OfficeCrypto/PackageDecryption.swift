import ByteCursor
import Crypto

/// ECMA-376 package decryption: Standard (AES-ECB, SHA-1, 50,000 spins) and Agile (AES-CBC in 4,096-byte segments,
/// keys from the password through the block keys of [MS-OFFCRYPTO] 2.3.4.11-13).
///
/// ```
/// EncryptedPackage: streamSize u64 | ciphertext (Standard: AES-ECB blocks; Agile: 4,096-byte segments,
///                   segment i under IV = H(keyData.salt + i as u32)[0..<blockSize])
/// ```
enum PackageDecryption {
    /// The agile block keys ([MS-OFFCRYPTO] 2.3.4.13).
    static let verifierInputBlockKey: [UInt8] = [0xFE, 0xA7, 0xD2, 0x76, 0x3B, 0x4B, 0x9E, 0x79]
    static let verifierValueBlockKey: [UInt8] = [0xD7, 0xAA, 0x0F, 0x6D, 0x30, 0x61, 0x34, 0x4E]
    static let keyValueBlockKey: [UInt8] = [0x14, 0x6E, 0x0B, 0xE7, 0xAB, 0xAC, 0xD0, 0xD6]
    /// ECMA-376 Standard encryption's fixed spin count.
    static let standardSpinCount = 50_000
    static let segmentLength = 4096

    // MARK: - Standard

    /// The AES key for `password`, or `nil` when the verifier rejects it.
    static func standardKey(_ info: StandardEncryptionInfo, password: String) throws(OfficeCryptoError) -> [UInt8]? {
        guard info.isAES else { throw OfficeCryptoError(.unsupportedEncryption, "Standard encryption with RC4") }
        let keyLength = info.keySize / 8
        guard [16, 24, 32].contains(keyLength) else {
            throw OfficeCryptoError(.unsupportedEncryption, "AES key of \(info.keySize) bits")
        }
        let h = HashAlgorithm.sha1.iterated(
            salt: info.salt, password: utf16LE(password), spinCount: standardSpinCount)
        let final = HashAlgorithm.sha1.hash(h + littleEndian32(0))
        // [MS-OFFCRYPTO] 2.3.4.7: X1 = SHA1(0x36 pad ^ Hfinal), X2 = SHA1(0x5C pad ^ Hfinal), key = (X1 + X2) prefix.
        var pad1 = [UInt8](repeating: 0x36, count: 64)
        var pad2 = [UInt8](repeating: 0x5C, count: 64)
        for k in final.indices {
            pad1[k] ^= final[k]
            pad2[k] ^= final[k]
        }
        let key = Array((HashAlgorithm.sha1.hash(pad1) + HashAlgorithm.sha1.hash(pad2)).prefix(keyLength))
        let verifier = try AESCipher.decryptECB(info.encryptedVerifier[...], key: key)
        let verifierHash = try AESCipher.decryptECB(info.encryptedVerifierHash[...], key: key)
        return HashAlgorithm.sha1.hash(verifier) == Array(verifierHash.prefix(20)) ? key : nil
    }

    static func decryptStandard(_ package: ArraySlice<UInt8>, key: [UInt8], limits: OfficeCryptoLimits)
        throws(OfficeCryptoError) -> [UInt8]
    {
        let (size, body) = try sizeAndBody(package, limits: limits)
        let whole = body.prefix(body.count - body.count % AESCipher.blockSize)
        // Only as many blocks as the declared size needs.
        let blocksNeeded = size / AESCipher.blockSize + (size % AESCipher.blockSize == 0 ? 0 : 1)
        let needed = min(whole.count / AESCipher.blockSize, blocksNeeded) * AESCipher.blockSize
        let plain = try AESCipher.decryptECB(whole.prefix(needed), key: key)
        return Array(plain.prefix(size))
    }

    // MARK: - Agile

    /// The package key for `password`, or `nil` when the verifier rejects it.
    static func agileKey(_ info: AgileEncryptionInfo, password: String, limits: OfficeCryptoLimits)
        throws(OfficeCryptoError) -> [UInt8]?
    {
        let p = info.passwordKey
        guard let hash = HashAlgorithm(agileName: p.hashAlgorithm), HashAlgorithm(agileName: info.keyData.hashAlgorithm) != nil,
            p.cipherAlgorithm.uppercased() == "AES", info.keyData.cipherAlgorithm.uppercased() == "AES",
            p.cipherChaining == "ChainingModeCBC", info.keyData.cipherChaining == "ChainingModeCBC",
            p.blockSize == AESCipher.blockSize, info.keyData.blockSize == AESCipher.blockSize
        else {
            throw OfficeCryptoError(
                .unsupportedEncryption,
                "agile \(p.cipherAlgorithm)/\(p.cipherChaining)/\(p.hashAlgorithm) keyData \(info.keyData.cipherAlgorithm)")
        }
        guard limits.maxSpinCount.allows(info.spinCount) else {
            throw .limitExceeded(limits.maxSpinCount, value: info.spinCount)
        }
        let h = hash.iterated(salt: p.saltValue, password: utf16LE(password), spinCount: info.spinCount)
        func derived(_ blockKey: [UInt8]) -> [UInt8] {
            normalized(hash.hash(h + blockKey), count: p.keyBits / 8, pad: 0x36)
        }
        let iv = normalized(p.saltValue, count: p.blockSize, pad: 0x36)
        let input = try AESCipher.decryptCBC(info.encryptedVerifierHashInput[...], key: derived(verifierInputBlockKey), iv: iv)
        let value = try AESCipher.decryptCBC(info.encryptedVerifierHashValue[...], key: derived(verifierValueBlockKey), iv: iv)
        let expected = hash.hash(Array(input.prefix(p.saltValue.count)))
        guard p.hashSize <= expected.count, value.count >= p.hashSize,
            expected.prefix(p.hashSize).elementsEqual(value.prefix(p.hashSize))
        else { return nil }
        let key = try AESCipher.decryptCBC(info.encryptedKeyValue[...], key: derived(keyValueBlockKey), iv: iv)
        let keyLength = info.keyData.keyBits / 8
        guard key.count >= keyLength, [16, 24, 32].contains(keyLength) else {
            throw OfficeCryptoError(.malformedEncryptionInfo, "package key of \(info.keyData.keyBits) bits")
        }
        return Array(key.prefix(keyLength))
    }

    static func decryptAgile(
        _ package: ArraySlice<UInt8>, key: [UInt8], info: AgileEncryptionInfo, limits: OfficeCryptoLimits
    ) throws(OfficeCryptoError) -> [UInt8] {
        guard let hash = HashAlgorithm(agileName: info.keyData.hashAlgorithm) else {
            throw OfficeCryptoError(.unsupportedEncryption, "hash \(info.keyData.hashAlgorithm)")
        }
        let (size, body) = try sizeAndBody(package, limits: limits)
        var out: [UInt8] = []
        out.reserveCapacity(min(size, body.count))
        var segment: UInt32 = 0
        var start = body.startIndex
        while start < body.endIndex, out.count < size {
            let end = min(start + segmentLength, body.endIndex)
            let whole = (end - start) - (end - start) % AESCipher.blockSize
            if whole == 0 { break }
            let iv = normalized(hash.hash(info.keyData.saltValue + littleEndian32(segment)), count: 16, pad: 0x36)
            out += try AESCipher.decryptCBC(body[start..<(start + whole)], key: key, iv: iv)
            start = end
            segment &+= 1
        }
        if out.count > size { out.removeLast(out.count - size) }
        return out
    }

    // MARK: - Helpers

    /// The declared plaintext size (bounded by the limit) and the ciphertext after it.
    static func sizeAndBody(_ package: ArraySlice<UInt8>, limits: OfficeCryptoLimits) throws(OfficeCryptoError)
        -> (Int, ArraySlice<UInt8>)
    {
        var cursor = ByteCursor(package)
        guard let declared = try? cursor.readUInt64LE() else {
            throw OfficeCryptoError(.truncated, "EncryptedPackage shorter than its size field")
        }
        guard let size = Int(exactly: declared), limits.maxPlaintextBytes.allows(size) else {
            throw .limitExceeded(limits.maxPlaintextBytes, value: Int(clamping: declared))
        }
        return (size, cursor.remainingBytes)
    }

    /// `bytes` cut or padded with `pad` to `count` bytes ([MS-OFFCRYPTO] 2.3.4.11, 2.3.4.12).
    static func normalized(_ bytes: [UInt8], count: Int, pad: UInt8) -> [UInt8] {
        if bytes.count >= count { return Array(bytes.prefix(count)) }
        return bytes + [UInt8](repeating: pad, count: count - bytes.count)
    }
}
