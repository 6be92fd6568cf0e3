import ByteCursor
import OOXML

/// The `EncryptionInfo` stream of an ECMA-376 encrypted package ([MS-OFFCRYPTO] 2.3.4.5, 2.3.4.6, 2.3.4.10).
///
/// ```
/// Version: major u16 | minor u16
///   2,3,4 . 2  Standard:   flags u32 | headerSize u32 | EncryptionHeader[headerSize] | EncryptionVerifier
///   3,4   . 3  Extensible: (reported, not decrypted)
///   4     . 4  Agile:      reserved u32 (0x40) | XML <encryption> descriptor
/// ```
public enum EncryptionInfo: Sendable, Hashable {
    case standard(StandardEncryptionInfo)
    case agile(AgileEncryptionInfo)
    case extensible(major: UInt16, minor: UInt16)

    /// The kind of encryption.
    public var kind: OfficeEncryptionKind {
        switch self {
        case .standard: .ecma376Standard
        case .agile: .ecma376Agile
        case .extensible: .ecma376Extensible
        }
    }

    /// The kind of encryption from the version at the start of an `EncryptionInfo` stream alone, so that a
    /// document whose descriptor is damaged or unusual is still reported as encrypted.
    public static func kind(versionOf bytes: [UInt8]) -> OfficeEncryptionKind? {
        var cursor = ByteCursor(bytes)
        guard let major = try? cursor.readUInt16LE(), let minor = try? cursor.readUInt16LE() else { return nil }
        switch (major, minor) {
        case (4, 4): return .ecma376Agile
        case (2...4, 2): return .ecma376Standard
        case (3...4, 3): return .ecma376Extensible
        default: return nil
        }
    }

    /// Parses an `EncryptionInfo` stream.
    public init(parsing bytes: ArraySlice<UInt8>, limits: OfficeCryptoLimits = .default) throws(OfficeCryptoError) {
        do {
            try limits.maxEncryptionInfoBytes.check(bytes.count)
        } catch {
            throw .limitExceeded(limits.maxEncryptionInfoBytes, value: bytes.count)
        }
        var cursor = ByteCursor(bytes)
        do {
            let major = try cursor.readUInt16LE()
            let minor = try cursor.readUInt16LE()
            switch (major, minor) {
            case (4, 4):
                _ = try cursor.readUInt32LE()
                self = .agile(try AgileEncryptionInfo(xml: Array(cursor.readRest())))
            case (2...4, 2):
                let flags = try cursor.readUInt32LE()
                let headerSize = try ByteCursor.length(try cursor.readUInt32LE(), offset: cursor.offset)
                var header = try cursor.subCursor(count: headerSize)
                self = .standard(
                    try StandardEncryptionInfo(flags: flags, header: &header, verifier: &cursor, major: major))
            case (3...4, 3):
                self = .extensible(major: major, minor: minor)
            default:
                throw OfficeCryptoError(
                    .unsupportedEncryption, "EncryptionInfo version \(major).\(minor)", offset: 0)
            }
        } catch {
            throw OfficeCryptoError.reading(error, "EncryptionInfo")
        }
    }

    public init(parsing bytes: [UInt8], limits: OfficeCryptoLimits = .default) throws(OfficeCryptoError) {
        try self.init(parsing: bytes[...], limits: limits)
    }
}

/// The CryptoAPI `EncryptionHeader` and `EncryptionVerifier` shared by ECMA-376 Standard encryption and the RC4
/// CryptoAPI encryption of Office 97-2003 files ([MS-OFFCRYPTO] 2.3.2, 2.3.3).
///
/// ```
/// EncryptionHeader:   flags u32 | sizeExtra u32 | algID u32 | algIDHash u32 | keySize u32 (bits) |
///                     providerType u32 | reserved1 u32 | reserved2 u32 | CSPName UTF-16LE (rest)
/// EncryptionVerifier: saltSize u32 | salt[16] | encryptedVerifier[16] | verifierHashSize u32 |
///                     encryptedVerifierHash[20 for RC4, 32 for AES]
/// ```
public struct StandardEncryptionInfo: Sendable, Hashable {
    public var flags: UInt32
    /// `0x660E`/`0x660F`/`0x6610` for AES-128/192/256, `0x6801` for RC4.
    public var algorithmID: UInt32
    public var hashAlgorithmID: UInt32
    /// Key size in bits (0 means 40 for RC4).
    public var keySize: Int
    /// The cryptographic service provider named in the header (`Microsoft Enhanced RSA and AES Cryptographic
    /// Provider`).
    public var cspName: String
    public var salt: [UInt8]
    public var encryptedVerifier: [UInt8]
    public var verifierHashSize: Int
    public var encryptedVerifierHash: [UInt8]

    /// Whether the cipher is AES (else RC4).
    public var isAES: Bool {
        (0x660E...0x6610).contains(algorithmID) || (algorithmID == 0 && flags & 0x20 != 0)
    }

    init(flags: UInt32, header: inout ByteCursor, verifier: inout ByteCursor, major: UInt16) throws {
        self.flags = flags
        _ = try header.readUInt32LE()  // flags again
        _ = try header.readUInt32LE()  // sizeExtra
        algorithmID = try header.readUInt32LE()
        hashAlgorithmID = try header.readUInt32LE()
        keySize = try ByteCursor.length(try header.readUInt32LE())
        _ = try header.readUInt32LE()  // providerType
        _ = try header.readUInt32LE()
        _ = try header.readUInt32LE()
        let name = header.readRest()
        var units: [UInt16] = []
        var k = name.startIndex
        while k + 1 < name.endIndex {
            let unit = UInt16(name[k]) | UInt16(name[k + 1]) << 8
            if unit == 0 { break }
            units.append(unit)
            k += 2
        }
        cspName = String(decoding: units, as: UTF16.self)
        let saltSize = try ByteCursor.length(try verifier.readUInt32LE())
        guard saltSize == 16 else {
            throw OfficeCryptoError(.malformedEncryptionInfo, "salt size \(saltSize)", offset: verifier.offset)
        }
        salt = Array(try verifier.readBytes(16))
        encryptedVerifier = Array(try verifier.readBytes(16))
        verifierHashSize = try ByteCursor.length(try verifier.readUInt32LE())
        guard verifierHashSize == 20 else {
            throw OfficeCryptoError(
                .malformedEncryptionInfo, "verifier hash size \(verifierHashSize)", offset: verifier.offset)
        }
        let isAES = (0x660E...0x6610).contains(algorithmID) || (algorithmID == 0 && flags & 0x20 != 0)
        encryptedVerifierHash = Array(try verifier.readBytes(isAES ? 32 : 20))
        if keySize == 0 { keySize = isAES ? 128 : 40 }
        guard keySize % 8 == 0, (40...256).contains(keySize) else {
            throw OfficeCryptoError(.malformedEncryptionInfo, "key size \(keySize)")
        }
    }
}

/// The agile encryption descriptor: the `keyData` and password `encryptedKey` elements of the XML
/// ([MS-OFFCRYPTO] 2.3.4.10).
public struct AgileEncryptionInfo: Sendable, Hashable {
    /// Cipher parameters of one element (`keyData` or `encryptedKey`).
    public struct Parameters: Sendable, Hashable {
        public var saltValue: [UInt8]
        public var blockSize: Int
        public var keyBits: Int
        public var hashSize: Int
        public var cipherAlgorithm: String
        public var cipherChaining: String
        public var hashAlgorithm: String
    }

    /// How the package itself is encrypted.
    public var keyData: Parameters
    /// How the intermediate key is encrypted with the password key.
    public var passwordKey: Parameters
    public var spinCount: Int
    public var encryptedVerifierHashInput: [UInt8]
    public var encryptedVerifierHashValue: [UInt8]
    public var encryptedKeyValue: [UInt8]

    init(xml: [UInt8]) throws {
        var tokenizer = XMLTokenizer(xml)
        var keyData: [String: String]?
        var encryptedKey: [String: String]?
        var keyEncryptorURI: String?
        while let token = try tokenizer.next() {
            guard case .startElement(let name, let attributes, _, _) = token else { continue }
            switch XMLTokenizer.localName(name) {
            case "keyData": if keyData == nil { keyData = attributes }
            case "keyEncryptor": keyEncryptorURI = attributes["uri"]
            case "encryptedKey":
                // The password key encryptor (certificate key encryptors carry other attributes).
                if encryptedKey == nil, attributes["spinCount"] != nil,
                    keyEncryptorURI?.hasSuffix("keyEncryptor/password") ?? true
                {
                    encryptedKey = attributes
                }
            default: break
            }
        }
        guard let keyData, let encryptedKey else {
            throw OfficeCryptoError(.malformedEncryptionInfo, "agile descriptor without keyData or password key")
        }
        self.keyData = try Self.parameters(keyData)
        self.passwordKey = try Self.parameters(encryptedKey)
        guard let spin = encryptedKey["spinCount"].flatMap({ Int($0) }), spin >= 0 else {
            throw OfficeCryptoError(.malformedEncryptionInfo, "spinCount")
        }
        spinCount = spin
        encryptedVerifierHashInput = try Self.base64(encryptedKey, "encryptedVerifierHashInput")
        encryptedVerifierHashValue = try Self.base64(encryptedKey, "encryptedVerifierHashValue")
        encryptedKeyValue = try Self.base64(encryptedKey, "encryptedKeyValue")
    }

    private static func parameters(_ attributes: [String: String]) throws -> Parameters {
        func number(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let value = attributes[name].flatMap({ Int($0) }), range.contains(value) else {
                throw OfficeCryptoError(.malformedEncryptionInfo, "\(name)=\(attributes[name] ?? "missing")")
            }
            return value
        }
        return Parameters(
            saltValue: try base64(attributes, "saltValue"), blockSize: try number("blockSize", 2...4096),
            keyBits: try number("keyBits", 8...4096), hashSize: try number("hashSize", 1...1024),
            cipherAlgorithm: attributes["cipherAlgorithm"] ?? "", cipherChaining: attributes["cipherChaining"] ?? "",
            hashAlgorithm: attributes["hashAlgorithm"] ?? "")
    }

    private static func base64(_ attributes: [String: String], _ name: String) throws -> [UInt8] {
        guard let text = attributes[name], let bytes = base64Decode(text) else {
            throw OfficeCryptoError(.malformedEncryptionInfo, "\(name) is not base64")
        }
        return bytes
    }
}
