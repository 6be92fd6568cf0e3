import ByteCursor
import CompoundFile
import Testing

@testable import OfficeCrypto

@Suite("Malformed input and limits")
struct RobustnessTests {
    static let agileInfo = Fixture.stream("encrypted__dde-test-encrypt-standardpassword.xlsx", "EncryptionInfo") ?? []
    static let standardInfo = Fixture.stream("synthetic-standard-aes128.docx", "EncryptionInfo") ?? []

    @Test func everyPrefixOfEncryptionInfoFailsCleanly() {
        for info in [Self.standardInfo, Self.agileInfo] {
            #expect(!info.isEmpty)
            for n in 0..<info.count {
                #expect(throws: OfficeCryptoError.self) { try EncryptionInfo(parsing: Array(info.prefix(n))) }
            }
            #expect((try? EncryptionInfo(parsing: info)) != nil)
        }
    }

    @Test func everyPrefixOfAWorkbookDecryptsOrFailsCleanly() throws {
        let workbook = try #require(Fixture.stream("synthetic-rc4cryptoapi.xls", "Workbook"))
        for n in stride(from: 0, to: 600, by: 1) {
            let prefix = Array(workbook.prefix(n))
            _ = OfficeEncryption.detectBIFF8(workbookStream: prefix)
            _ = try? OfficeEncryption.decryptBIFF8(workbookStream: prefix, passwords: [])
        }
    }

    @Test func truncatedPackagesDecryptWhatIsThere() throws {
        let info = try #require(Fixture.stream("synthetic-standard-aes128.docx", "EncryptionInfo"))
        let package = try #require(Fixture.stream("synthetic-standard-aes128.docx", "EncryptedPackage"))
        for n in [0, 7, 8, 9, 24, 25, 100, package.count - 1] {
            let result = try? OfficeEncryption.decryptPackage(
                encryptionInfo: info, encryptedPackage: Array(package.prefix(n)), passwords: ["Invoice2026!"])
            if n >= 8 { #expect(result?.plaintext.count == max(0, (n - 8) / 16 * 16)) }
        }
    }

    @Test func spinCountLimit() throws {
        var limits = OfficeCryptoLimits.default
        limits.maxSpinCount.maximum = 1000
        let package = try #require(Fixture.stream("encrypted__dde-test-encrypt-standardpassword.xlsx", "EncryptedPackage"))
        #expect(throws: OfficeCryptoError.limitExceeded) {
            try OfficeEncryption.decryptPackage(
                encryptionInfo: Self.agileInfo, encryptedPackage: package, passwords: [], limits: limits)
        }
    }

    @Test func plaintextAndInfoLimits() throws {
        var limits = OfficeCryptoLimits.default
        limits.maxPlaintextBytes.maximum = 100
        let package = try #require(Fixture.stream("synthetic-standard-aes128.docx", "EncryptedPackage"))
        #expect(throws: OfficeCryptoError.limitExceeded) {
            try OfficeEncryption.decryptPackage(
                encryptionInfo: Self.standardInfo, encryptedPackage: package, passwords: ["Invoice2026!"],
                limits: limits)
        }
        let workbook = try #require(Fixture.stream("synthetic-rc4cryptoapi.xls", "Workbook"))
        #expect(throws: OfficeCryptoError.limitExceeded) {
            try OfficeEncryption.decryptBIFF8(workbookStream: workbook, passwords: [], limits: limits)
        }
        limits = .default
        limits.maxEncryptionInfoBytes.maximum = 64
        #expect(throws: OfficeCryptoError.limitExceeded) { try EncryptionInfo(parsing: Self.agileInfo, limits: limits) }
    }

    @Test func hugeDeclaredSizeIsALimitNotAnAllocation() throws {
        let package = try #require(Fixture.stream("synthetic-standard-aes128.docx", "EncryptedPackage"))
        let huge = [UInt8](repeating: 0xFF, count: 8) + package.dropFirst(8)
        #expect(throws: OfficeCryptoError.limitExceeded) {
            try OfficeEncryption.decryptPackage(
                encryptionInfo: Self.standardInfo, encryptedPackage: huge, passwords: ["Invoice2026!"])
        }
    }

    @Test func unsupportedSchemes() throws {
        #expect(throws: OfficeCryptoError.unsupportedEncryption) {
            try OfficeEncryption.decryptPackage(
                encryptionInfo: [4, 0, 3, 0, 0, 0, 0, 0], encryptedPackage: [], passwords: [])
        }
        #expect(throws: OfficeCryptoError.unsupportedEncryption) { try EncryptionInfo(parsing: [9, 0, 9, 0]) }
        // A BIFF8 stream with an XOR FILEPASS.
        let xor: [UInt8] = [0x09, 0x08, 4, 0, 0, 6, 5, 0] + [0x2F, 0, 6, 0, 0, 0, 0x34, 0x12, 0x78, 0x56]
            + [0x0A, 0, 0, 0]
        #expect(OfficeEncryption.detectBIFF8(workbookStream: xor) == .biff8XOR)
        #expect(throws: OfficeCryptoError.unsupportedEncryption) {
            try OfficeEncryption.decryptBIFF8(workbookStream: xor, passwords: [])
        }
        // FILEPASS after the globals' EOF does not count.
        let late: [UInt8] = [0x09, 0x08, 0, 0, 0x0A, 0, 0, 0, 0x2F, 0, 2, 0, 0, 0]
        #expect(OfficeEncryption.detectBIFF8(workbookStream: late) == nil)
    }

    @Test func agileDescriptorsWithBadFields() throws {
        func info(_ xml: String) -> [UInt8] { [4, 0, 4, 0, 0x40, 0, 0, 0] + Array(xml.utf8) }
        let key = #"saltSize="16" blockSize="16" keyBits="128" hashSize="20" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA1" saltValue="AAAAAAAAAAAAAAAAAAAAAA==""#
        let good = #"<encryption><keyData \#(key)/><keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password"><p:encryptedKey spinCount="10" \#(key) encryptedVerifierHashInput="AAAAAAAAAAAAAAAAAAAAAA==" encryptedVerifierHashValue="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" encryptedKeyValue="AAAAAAAAAAAAAAAAAAAAAA=="/></keyEncryptor></keyEncryptors></encryption>"#
        #expect((try? EncryptionInfo(parsing: info(good))) != nil)
        // A wrong password on a well-formed descriptor: nil, not an error.
        #expect(try OfficeEncryption.decryptPackage(encryptionInfo: info(good), encryptedPackage: [], passwords: ["x"]) == nil)
        for bad in [
            good.replacingOccurrences(of: #"spinCount="10""#, with: #"spinCount="-1""#),
            good.replacingOccurrences(of: #"spinCount="10""#, with: #"spinCount="99999999999999999999""#),
            good.replacingOccurrences(of: "AAAAAAAAAAAAAAAAAAAAAA==", with: "@@"),
            good.replacingOccurrences(of: #"blockSize="16""#, with: #"blockSize="0""#),
            good.replacingOccurrences(of: "<keyData", with: "<keyDat"),
            "<encryption>", "", "<!DOCTYPE x [<!ENTITY a 'b'>]><encryption>&a;</encryption>",
        ] {
            #expect(throws: OfficeCryptoError.self) { try EncryptionInfo(parsing: info(bad)) }
        }
        // Unsupported cipher parameters are reported when a password is tried.
        for unsupported in [
            good.replacingOccurrences(of: "SHA1", with: "RIPEMD160"),
            good.replacingOccurrences(of: #"cipherAlgorithm="AES""#, with: #"cipherAlgorithm="DES""#),
            good.replacingOccurrences(of: "ChainingModeCBC", with: "ChainingModeCFB"),
        ] {
            #expect(throws: OfficeCryptoError.unsupportedEncryption) {
                try OfficeEncryption.decryptPackage(encryptionInfo: info(unsupported), encryptedPackage: [], passwords: [])
            }
        }
    }

    @Test func damagedDescriptorsAreStillReportedEncrypted() {
        #expect(EncryptionInfo.kind(versionOf: [4, 0, 4, 0, 0x40, 0, 0, 0] + Array("<broken".utf8)) == .ecma376Agile)
        #expect(EncryptionInfo.kind(versionOf: [3, 0, 2, 0]) == .ecma376Standard)
        #expect(EncryptionInfo.kind(versionOf: [4, 0, 3, 0]) == .ecma376Extensible)
        #expect(EncryptionInfo.kind(versionOf: [1, 0, 1, 0]) == nil)
        #expect(EncryptionInfo.kind(versionOf: [4, 0]) == nil)
    }

    @Test func garbageCompoundFilesAreNotEncrypted() throws {
        #expect(OfficeEncryption.detectWord(wordDocumentStream: [0xEC, 0xA5], tableStream: { _ in nil }) == nil)
        var fib = [UInt8](repeating: 0, count: 32)
        fib[0] = 0xEC
        fib[1] = 0xA5
        fib[11] = 0x01  // fEncrypted
        #expect(OfficeEncryption.detectWord(wordDocumentStream: fib, tableStream: { _ in nil }) == nil)
        #expect(OfficeEncryption.detectWord(wordDocumentStream: fib, tableStream: { $0 == "0Table" ? [2, 0, 2, 0] : nil }) == .wordRC4CryptoAPI)
        fib[11] = 0x83  // fEncrypted, fWhichTblStm, fObfuscated
        #expect(OfficeEncryption.detectWord(wordDocumentStream: fib, tableStream: { _ in nil }) == .wordXOR)
        #expect(OfficeEncryption.detectPowerPoint(currentUserStream: [0, 0, 0xF6, 0x0F]) == nil)
    }
}
