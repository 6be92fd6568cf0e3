import ByteCursor
import CompoundFile

/// The streams of a Word 97-2003 document after decryption.
public struct DecryptedWordDocument: Sendable {
    /// The `WordDocument` stream: its FIB base no longer says encrypted, the rest decrypted from offset 0x44.
    public var wordDocument: [UInt8]
    /// The table stream (`0Table` or `1Table`, named by ``tableStreamName``), decrypted whole as msoffcrypto-tool
    /// does (its first `lKey` bytes, the encryption header, become noise).
    public var table: [UInt8]
    public var tableStreamName: String
    /// The `Data` stream, decrypted, when the document has one.
    public var data: [UInt8]?
    /// The password that opened the document.
    public var password: String
}

extension OfficeEncryption {
    /// The size of the FIB base and the fixed part after it that stay clear ([MS-DOC] 2.2.6.2).
    static let wordClearPrefix = 0x44
    /// Word's RC4 rekeying interval.
    static let wordRekeyBlock = 512

    /// Decrypts a Word 97-2003 document protected with RC4 or RC4 CryptoAPI ([MS-OFFCRYPTO] 2.3.6, 2.3.5;
    /// [MS-DOC] 2.2.6.2).
    ///
    /// ```
    /// WordDocument: FibBase (32 bytes: flags at 0x0A, lKey u32 at 0x0E) | ... clear up to 0x44 | encrypted
    /// 0Table/1Table: encryption header [lKey bytes: vMajor u16 | vMinor u16 | RC4 or CryptoAPI header] | encrypted
    /// Data:         encrypted
    /// keystream:    byte n of a stream uses block n / 512, RC4 rekeyed per block
    /// ```
    ///
    /// - Returns: the decrypted streams and the password, or `nil` when no candidate fits.
    /// - Throws: ``OfficeCryptoError`` `.notEncrypted` when the FIB does not say encrypted, `.unsupportedEncryption`
    ///   for XOR obfuscation, `.malformedEncryptionInfo`/`.truncated` for a bad header.
    public static func decryptWord(
        wordDocumentStream: [UInt8], tableStream: (String) -> [UInt8]?, dataStream: [UInt8]?, passwords: [String],
        limits: OfficeCryptoLimits = .default
    ) throws(OfficeCryptoError) -> DecryptedWordDocument? {
        for size in [wordDocumentStream.count, dataStream?.count ?? 0] where !limits.maxPlaintextBytes.allows(size) {
            throw .limitExceeded(limits.maxPlaintextBytes, value: size)
        }
        var fib = ByteCursor(wordDocumentStream)
        let flags: UInt16
        let headerSize: Int
        do {
            guard try fib.readUInt16LE() == 0xA5EC else { throw OfficeCryptoError(.notEncrypted, "not a Word FIB") }
            try fib.skip(8)
            flags = try fib.readUInt16LE()
            try fib.skip(2)
            headerSize = try ByteCursor.length(try fib.readUInt32LE())
            guard wordDocumentStream.count >= wordClearPrefix else {
                throw OfficeCryptoError(.truncated, "WordDocument shorter than its FIB base")
            }
        } catch {
            throw OfficeCryptoError.reading(error, "WordDocument FIB")
        }
        guard flags & 0x0100 != 0 else { throw OfficeCryptoError(.notEncrypted, "fEncrypted is clear") }
        guard flags & 0x8000 == 0 else { throw OfficeCryptoError(.unsupportedEncryption, "Word XOR obfuscation") }
        let tableName = flags & 0x0200 != 0 ? "1Table" : "0Table"
        guard let table = tableStream(tableName) else {
            throw OfficeCryptoError(.truncated, "no \(tableName) stream")
        }
        guard limits.maxPlaintextBytes.allows(table.count) else {
            throw .limitExceeded(limits.maxPlaintextBytes, value: table.count)
        }
        let header = try rc4Header(table.prefix(headerSize))
        for password in try candidates(passwords, limits: limits) {
            guard let blockKey = try BIFF8.keyFunction(header, password: password) else { continue }
            var word = rc4Decrypt(wordDocumentStream[...], blockKey: blockKey, from: wordClearPrefix)
            // The FIB base no longer says encrypted: fEncrypted and fObfuscated cleared, lKey zeroed.
            word[0x0B] &= ~0x81
            for k in 0x0E..<0x12 { word[k] = 0 }
            return DecryptedWordDocument(
                wordDocument: word, table: rc4Decrypt(table[...], blockKey: blockKey, from: 0),
                tableStreamName: tableName, data: dataStream.map { rc4Decrypt($0[...], blockKey: blockKey, from: 0) },
                password: password)
        }
        return nil
    }

    /// Decrypts the `WordDocument`, table and `Data` streams of a Compound File.
    public static func decryptWord(_ cfb: CompoundFile, passwords: [String], limits: OfficeCryptoLimits = .default)
        throws -> DecryptedWordDocument?
    {
        guard let word = try cfb.stream(path: "WordDocument") else {
            throw OfficeCryptoError(.notEncrypted, "no WordDocument stream")
        }
        return try decryptWord(
            wordDocumentStream: word.bytes, tableStream: { (try? cfb.stream(path: $0))?.bytes },
            dataStream: try cfb.stream(path: "Data")?.bytes, passwords: passwords, limits: limits)
    }

    /// The RC4 or RC4 CryptoAPI encryption header at the start of a table stream (or after FILEPASS's type).
    static func rc4Header(_ bytes: ArraySlice<UInt8>) throws(OfficeCryptoError) -> BIFF8.FilePass {
        var cursor = ByteCursor(bytes)
        do {
            let major = try cursor.readUInt16LE()
            let minor = try cursor.readUInt16LE()
            switch (major, minor) {
            case (1, 1):
                return .rc4(
                    salt: Array(try cursor.readBytes(16)), verifier: Array(try cursor.readBytes(16)),
                    verifierHash: Array(try cursor.readBytes(16)))
            case (2...4, 2):
                let flags = try cursor.readUInt32LE()
                let size = try ByteCursor.length(try cursor.readUInt32LE())
                var header = try cursor.subCursor(count: size)
                return .rc4CryptoAPI(
                    try StandardEncryptionInfo(flags: flags, header: &header, verifier: &cursor, major: major))
            default:
                throw OfficeCryptoError(.unsupportedEncryption, "Word encryption version \(major).\(minor)")
            }
        } catch {
            throw OfficeCryptoError.reading(error, "Word encryption header")
        }
    }

    /// `bytes` with the RC4 keystream (512-byte blocks, by stream offset) XORed in from offset `from`.
    static func rc4Decrypt(_ bytes: ArraySlice<UInt8>, blockKey: @escaping (UInt32) -> [UInt8], from: Int) -> [UInt8] {
        var out = Array(bytes)
        var block = from / wordRekeyBlock
        var offset = block * wordRekeyBlock
        while offset < out.count {
            var rc4 = RC4(key: blockKey(UInt32(truncatingIfNeeded: block)))
            let end = min(offset + wordRekeyBlock, out.count)
            for k in offset..<end {
                let key = rc4.nextByte()
                if k >= from { out[k] ^= key }
            }
            offset = end
            block += 1
        }
        return out
    }
}
