import ByteCursor

/// Excel 97-2003 (BIFF8) Workbook stream encryption: the `FILEPASS` record and RC4 decryption of the records after
/// it ([MS-XLS] 2.4.117, [MS-OFFCRYPTO] 2.3.6 and 2.3.5).
///
/// ```
/// record:   type u16 | size u16 | data[size]          (headers are never encrypted)
/// FILEPASS: wEncryptionType u16 (0 XOR, 1 RC4) | vMajor u16 | vMinor u16 | ...
///             1.1:        salt[16] | encryptedVerifier[16] | encryptedVerifierHash[16]        (RC4, MD5, 40-bit)
///             2,3,4.2:    flags u32 | headerSize u32 | EncryptionHeader | EncryptionVerifier  (RC4 CryptoAPI, SHA-1)
/// ```
///
/// The RC4 keystream runs over the whole stream: byte `n` of the stream uses byte `n % 1024` of the keystream of
/// block `n / 1024` (the key is rederived per block), whether or not that byte is encrypted. Record headers, the
/// records BOF, FILEPASS, UsrExcl, FileLock, InterfaceHdr, RRDInfo and RRDHead, and the first four bytes
/// (`lbPlyPos`) of each BoundSheet8 stay clear. As msoffcrypto-tool does, the decrypted stream keeps every byte in
/// place and turns FILEPASS into a record of type 0 full of zeros, so that readers no longer see it encrypted.
enum BIFF8 {
    static let bof: UInt16 = 0x0809
    static let eof: UInt16 = 0x000A
    static let filePass: UInt16 = 0x002F
    static let boundSheet: UInt16 = 0x0085
    /// Records that are never encrypted, besides FILEPASS.
    static let clearRecords: Set<UInt16> = [0x0809, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138]
    static let rekeyBlock = 1024

    /// What a FILEPASS record says.
    enum FilePass {
        case xor
        case rc4(salt: [UInt8], verifier: [UInt8], verifierHash: [UInt8])
        case rc4CryptoAPI(StandardEncryptionInfo)
        case unknown(type: UInt16, major: UInt16, minor: UInt16)

        var kind: OfficeEncryptionKind? {
            switch self {
            case .xor: .biff8XOR
            case .rc4: .biff8RC4
            case .rc4CryptoAPI: .biff8RC4CryptoAPI
            case .unknown: nil
            }
        }
    }

    /// The FILEPASS record of the workbook globals (between the first BOF and its EOF), if any.
    static func filePass(_ stream: ArraySlice<UInt8>) throws(OfficeCryptoError) -> FilePass? {
        var cursor = ByteCursor(stream)
        do {
            guard try cursor.readUInt16LE() == bof else { return nil }
            try cursor.skip(try ByteCursor.length(try cursor.readUInt16LE()))
            while !cursor.isAtEnd {
                let type = try cursor.readUInt16LE()
                let size = Int(try cursor.readUInt16LE())
                var data = try cursor.subCursor(count: size)
                if type == eof { return nil }
                guard type == filePass else { continue }
                let encryptionType = try data.readUInt16LE()
                if encryptionType == 0 { return .xor }
                let major = try data.readUInt16LE()
                let minor = try data.readUInt16LE()
                switch (encryptionType, major, minor) {
                case (1, 1, 1):
                    return .rc4(
                        salt: Array(try data.readBytes(16)), verifier: Array(try data.readBytes(16)),
                        verifierHash: Array(try data.readBytes(16)))
                case (1, 2...4, 2):
                    let flags = try data.readUInt32LE()
                    let headerSize = try ByteCursor.length(try data.readUInt32LE())
                    var header = try data.subCursor(count: headerSize)
                    return .rc4CryptoAPI(
                        try StandardEncryptionInfo(flags: flags, header: &header, verifier: &data, major: major))
                default:
                    return .unknown(type: encryptionType, major: major, minor: minor)
                }
            }
            return nil
        } catch {
            throw OfficeCryptoError.reading(error, "Workbook stream")
        }
    }

    // MARK: - Keys

    /// RC4 key derivation of [MS-OFFCRYPTO] 2.3.6.2: MD5 of the password, truncated to 40 bits, mixed 16 times
    /// with the salt.
    struct RC4Key {
        let truncated: [UInt8]

        init(password: String, salt: [UInt8]) {
            let h0 = HashAlgorithm.md5.hash(utf16LE(password))
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 21)
            for _ in 0..<16 { buffer += h0.prefix(5) + salt }
            truncated = Array(HashAlgorithm.md5.hash(buffer).prefix(5))
        }

        func key(block: UInt32) -> [UInt8] { HashAlgorithm.md5.hash(truncated + littleEndian32(block)) }
    }

    /// RC4 CryptoAPI key derivation of [MS-OFFCRYPTO] 2.3.5.2: SHA-1 of salt and password, then per block; a 40-bit
    /// key is padded with zeros to 128 bits.
    struct CryptoAPIKey {
        let h0: [UInt8]
        let keyBytes: Int

        init(password: String, salt: [UInt8], keySize: Int) {
            h0 = HashAlgorithm.sha1.hash(salt + utf16LE(password))
            keyBytes = keySize / 8
        }

        func key(block: UInt32) -> [UInt8] {
            let h = HashAlgorithm.sha1.hash(h0 + littleEndian32(block))
            if keyBytes == 5 { return Array(h.prefix(5)) + [UInt8](repeating: 0, count: 11) }
            return Array(h.prefix(keyBytes))
        }
    }

    /// The block key function for `password`, or `nil` when the verifier rejects it.
    static func keyFunction(_ pass: FilePass, password: String) throws(OfficeCryptoError)
        -> (@Sendable (UInt32) -> [UInt8])?
    {
        switch pass {
        case .rc4(let salt, let verifier, let verifierHash):
            let derivation = RC4Key(password: password, salt: salt)
            var rc4 = RC4(key: derivation.key(block: 0))
            var v = verifier
            var h = verifierHash
            rc4.apply(&v)
            rc4.apply(&h)
            guard HashAlgorithm.md5.hash(v) == h else { return nil }
            return { derivation.key(block: $0) }
        case .rc4CryptoAPI(let info):
            guard !info.isAES, info.keySize <= 128 else {
                throw OfficeCryptoError(.unsupportedEncryption, "FILEPASS CryptoAPI algorithm \(info.algorithmID)")
            }
            let derivation = CryptoAPIKey(password: password, salt: info.salt, keySize: info.keySize)
            var rc4 = RC4(key: derivation.key(block: 0))
            var v = info.encryptedVerifier
            var h = info.encryptedVerifierHash
            rc4.apply(&v)
            rc4.apply(&h)
            guard HashAlgorithm.sha1.hash(v) == Array(h.prefix(20)) else { return nil }
            return { derivation.key(block: $0) }
        case .xor:
            throw OfficeCryptoError(.unsupportedEncryption, "XOR obfuscation")
        case .unknown(let type, let major, let minor):
            throw OfficeCryptoError(.unsupportedEncryption, "FILEPASS type \(type) version \(major).\(minor)")
        }
    }

    // MARK: - Decryption

    /// The decrypted Workbook stream, same size as `stream`.
    static func decrypt(_ stream: ArraySlice<UInt8>, blockKey: @escaping (UInt32) -> [UInt8]) -> [UInt8] {
        var out = Array(stream)
        var keystream = Keystream(blockKey: blockKey)
        var pos = 0
        while pos + 4 <= out.count {
            let type = UInt16(out[pos]) | UInt16(out[pos + 1]) << 8
            let size = Int(UInt16(out[pos + 2]) | UInt16(out[pos + 3]) << 8)
            let dataStart = pos + 4
            let dataEnd = min(dataStart + size, out.count)
            if type == filePass {
                out[pos] = 0
                out[pos + 1] = 0
                for k in dataStart..<dataEnd { out[k] = 0 }
            } else if !clearRecords.contains(type) {
                let encryptedStart = type == boundSheet ? min(dataStart + 4, dataEnd) : dataStart
                for k in encryptedStart..<dataEnd { out[k] ^= keystream.byte(at: k) }
            }
            pos = dataStart + size
        }
        return out
    }

    /// The RC4 keystream by stream offset, rekeyed every 1,024 bytes; offsets must not decrease.
    struct Keystream {
        let blockKey: (UInt32) -> [UInt8]
        var block = -1
        var bytes: [UInt8] = []

        mutating func byte(at offset: Int) -> UInt8 {
            let b = offset / BIFF8.rekeyBlock
            if b != block {
                var rc4 = RC4(key: blockKey(UInt32(truncatingIfNeeded: b)))
                bytes = rc4.keystream(BIFF8.rekeyBlock)
                block = b
            }
            return bytes[offset % BIFF8.rekeyBlock]
        }
    }
}
