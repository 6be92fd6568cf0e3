import ByteCursor
import CompoundFile

/// The encryption schemes of Office documents that OfficeCrypto recognises.
public enum OfficeEncryptionKind: String, Sendable, Hashable, CaseIterable {
    /// ECMA-376 Standard encryption of an OOXML package (AES-ECB, SHA-1, 50,000 spins): decrypted.
    case ecma376Standard
    /// ECMA-376 Agile encryption of an OOXML package (XML descriptor, AES-CBC, SHA-1/SHA-512 spins): decrypted.
    case ecma376Agile
    /// ECMA-376 Extensible encryption (a third-party cryptographic provider): reported only.
    case ecma376Extensible
    /// Excel 97-2003 XOR obfuscation: reported only.
    case biff8XOR
    /// Excel 97-2003 RC4 (MD5, 40-bit): decrypted.
    case biff8RC4
    /// Excel 97-2003 RC4 CryptoAPI (SHA-1): decrypted.
    case biff8RC4CryptoAPI
    /// Word 97-2003 XOR obfuscation (`fObfuscated`): reported only.
    case wordXOR
    /// Word 97-2003 RC4: decrypted.
    case wordRC4
    /// Word 97-2003 RC4 CryptoAPI: decrypted.
    case wordRC4CryptoAPI
    /// PowerPoint 97-2003 CryptoAPI: reported only.
    case powerPointCryptoAPI

    /// Whether ``OfficeEncryption`` can decrypt documents of this kind.
    public var isDecryptable: Bool {
        switch self {
        case .ecma376Standard, .ecma376Agile, .biff8RC4, .biff8RC4CryptoAPI, .wordRC4, .wordRC4CryptoAPI: true
        default: false
        }
    }
}

/// Detection and decryption of encrypted Office documents.
///
/// Every decrypting function tries the caller's password candidates and Excel's default password
/// ``defaultPassword`` (`VelvetSweatshop`, which Excel uses when a workbook is only write-protected and which
/// malspam relied on to ship "encrypted" documents that open without a prompt). A password is verified with the
/// document's verifier before anything is decrypted; no candidate fitting is not an error but a `nil` result.
public struct OfficeEncryption: Sendable {
    /// Excel's default encryption password.
    public static let defaultPassword = "VelvetSweatshop"

    // MARK: - Detection

    /// The encryption of a Compound File Binary document, or `nil` when it is not encrypted (or its scheme is
    /// unknown).
    ///
    /// Looks for ECMA-376 `EncryptionInfo` + `EncryptedPackage` streams, a FILEPASS record in an Excel `Workbook`
    /// (or `Book`) stream, the `fEncrypted` flag of a Word `WordDocument` FIB, and the encrypted header token of a
    /// PowerPoint `Current User` stream.
    public static func detect(_ cfb: CompoundFile) -> OfficeEncryptionKind? {
        if let info = try? cfb.stream(path: "EncryptionInfo"), cfb.entry(path: "EncryptedPackage") != nil {
            return EncryptionInfo.kind(versionOf: info.bytes)
        }
        for name in ["Workbook", "Book"] {
            if let workbook = try? cfb.stream(path: name) { return detectBIFF8(workbookStream: workbook.bytes) }
        }
        if let word = try? cfb.stream(path: "WordDocument") {
            return detectWord(wordDocumentStream: word.bytes) { name in (try? cfb.stream(path: name))?.bytes }
        }
        if let user = try? cfb.stream(path: "Current User"), cfb.entry(path: "PowerPoint Document") != nil {
            return detectPowerPoint(currentUserStream: user.bytes)
        }
        return nil
    }

    /// The encryption of an Excel 97-2003 Workbook stream: the FILEPASS record of its globals substream.
    public static func detectBIFF8(workbookStream: [UInt8]) -> OfficeEncryptionKind? {
        (try? BIFF8.filePass(workbookStream[...]))??.kind
    }

    /// The encryption of a Word 97-2003 document from its FIB ([MS-DOC] 2.5.2) and the encryption header at the
    /// start of its table stream.
    ///
    /// ```
    /// FIB: wIdent u16 (0xA5EC) | nFib u16 | ... | flags u16 at 0x0A: fEncrypted 0x0100, fWhichTblStm 0x0200,
    ///      fObfuscated 0x8000 | ... | lKey u32 at 0x0E
    /// 0Table/1Table: vMajor u16 | vMinor u16 (1.1 RC4, 2-4.2 RC4 CryptoAPI) | ...
    /// ```
    public static func detectWord(
        wordDocumentStream: [UInt8], tableStream: (String) -> [UInt8]?
    ) -> OfficeEncryptionKind? {
        var cursor = ByteCursor(wordDocumentStream)
        guard (try? cursor.readUInt16LE()) == 0xA5EC, (try? cursor.skip(8)) != nil,
            let flags = try? cursor.readUInt16LE(), flags & 0x0100 != 0
        else { return nil }
        if flags & 0x8000 != 0 { return .wordXOR }
        guard let table = tableStream(flags & 0x0200 != 0 ? "1Table" : "0Table") else { return nil }
        var header = ByteCursor(table)
        guard let major = try? header.readUInt16LE(), let minor = try? header.readUInt16LE() else { return nil }
        switch (major, minor) {
        case (1, 1): return .wordRC4
        case (2...4, 2): return .wordRC4CryptoAPI
        default: return nil
        }
    }

    /// The encryption of a PowerPoint 97-2003 document from its `Current User` stream ([MS-PPT] 2.3.2): a
    /// CurrentUserAtom whose headerToken is `0xF3D1C4DF` means the document is encrypted (CryptoAPI RC4).
    ///
    /// ```
    /// record header: recVer/Instance u16 | recType u16 (0x0FF6) | recLen u32
    /// CurrentUserAtom: size u32 (0x14) | headerToken u32 (0xE391C05F clear, 0xF3D1C4DF encrypted) | ...
    /// ```
    public static func detectPowerPoint(currentUserStream: [UInt8]) -> OfficeEncryptionKind? {
        var cursor = ByteCursor(currentUserStream)
        guard (try? cursor.skip(2)) != nil, (try? cursor.readUInt16LE()) == 0x0FF6, (try? cursor.skip(8)) != nil,
            let token = try? cursor.readUInt32LE()
        else { return nil }
        return token == 0xF3D1_C4DF ? .powerPointCryptoAPI : nil
    }

    // MARK: - ECMA-376 packages

    /// Decrypts the OOXML package of an ECMA-376 encrypted document (`EncryptionInfo` and `EncryptedPackage`).
    ///
    /// - Returns: the decrypted ZIP bytes and the password that opened them, or `nil` when no candidate did.
    /// - Throws: ``OfficeCryptoError`` `.notEncrypted` without the two streams, `.unsupportedEncryption` for
    ///   Extensible encryption or unknown algorithms, `.malformedEncryptionInfo`/`.truncated` for bad headers,
    ///   `.limitExceeded` for a spin count or plaintext size over ``OfficeCryptoLimits``.
    public static func decryptPackage(
        _ cfb: CompoundFile, passwords: [String], limits: OfficeCryptoLimits = .default
    ) throws -> (plaintext: [UInt8], password: String)? {
        guard let info = try cfb.stream(path: "EncryptionInfo"), let package = try cfb.stream(path: "EncryptedPackage")
        else { throw OfficeCryptoError(.notEncrypted, "no EncryptionInfo and EncryptedPackage streams") }
        return try decryptPackage(
            encryptionInfo: info.bytes, encryptedPackage: package.bytes, passwords: passwords, limits: limits)
    }

    /// Decrypts an ECMA-376 encrypted package given its two streams.
    public static func decryptPackage(
        encryptionInfo: [UInt8], encryptedPackage: [UInt8], passwords: [String],
        limits: OfficeCryptoLimits = .default
    ) throws(OfficeCryptoError) -> (plaintext: [UInt8], password: String)? {
        let info = try EncryptionInfo(parsing: encryptionInfo, limits: limits)
        for password in try candidates(passwords, limits: limits) {
            switch info {
            case .standard(let standard):
                if let key = try PackageDecryption.standardKey(standard, password: password) {
                    return (try PackageDecryption.decryptStandard(encryptedPackage[...], key: key, limits: limits), password)
                }
            case .agile(let agile):
                if let key = try PackageDecryption.agileKey(agile, password: password, limits: limits) {
                    return (
                        try PackageDecryption.decryptAgile(encryptedPackage[...], key: key, info: agile, limits: limits),
                        password
                    )
                }
            case .extensible(let major, let minor):
                throw OfficeCryptoError(.unsupportedEncryption, "Extensible encryption \(major).\(minor)")
            }
        }
        return nil
    }

    // MARK: - Excel 97-2003

    /// Decrypts an Excel 97-2003 Workbook stream protected with RC4 or RC4 CryptoAPI.
    ///
    /// - Returns: the stream with every encrypted record decrypted in place (same size; FILEPASS becomes a zeroed
    ///   record of type 0, as msoffcrypto-tool writes it) and the password, or `nil` when no candidate fits.
    /// - Throws: ``OfficeCryptoError`` `.notEncrypted` without FILEPASS, `.unsupportedEncryption` for XOR
    ///   obfuscation or an unknown FILEPASS version, `.limitExceeded` for a stream over the plaintext limit.
    public static func decryptBIFF8(
        workbookStream: [UInt8], passwords: [String], limits: OfficeCryptoLimits = .default
    ) throws(OfficeCryptoError) -> (stream: [UInt8], password: String)? {
        guard limits.maxPlaintextBytes.allows(workbookStream.count) else {
            throw .limitExceeded(limits.maxPlaintextBytes, value: workbookStream.count)
        }
        guard let pass = try BIFF8.filePass(workbookStream[...]) else {
            throw OfficeCryptoError(.notEncrypted, "no FILEPASS record")
        }
        for password in try candidates(passwords, limits: limits) {
            if let blockKey = try BIFF8.keyFunction(pass, password: password) {
                return (BIFF8.decrypt(workbookStream[...], blockKey: blockKey), password)
            }
        }
        return nil
    }

    /// The candidates without repeats, `VelvetSweatshop` added, at most ``OfficeCryptoLimits/maxPasswords``.
    static func candidates(_ passwords: [String], limits: OfficeCryptoLimits) throws(OfficeCryptoError) -> [String] {
        var out: [String] = []
        for p in passwords + [defaultPassword] where !out.contains(p) {
            guard limits.maxPasswords.allows(out.count + 1) else { break }
            out.append(p)
        }
        if !out.contains(defaultPassword), let last = out.indices.last { out[last] = defaultPassword }
        return out
    }
}
