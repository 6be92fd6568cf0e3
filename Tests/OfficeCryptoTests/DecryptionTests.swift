import ByteCursor
import CompoundFile
import Foundation
import Testing

@testable import OfficeCrypto
import TestSupport

/// The kind each fixture must be detected as (msoffcrypto-tool names the class, not the RC4 variant).
func expectedKind(_ name: String) -> OfficeEncryptionKind? {
    if name == "synthetic-rc4cryptoapi.xls" { return .biff8RC4CryptoAPI }
    if name == "synthetic-rc4cryptoapi40.doc" { return .wordRC4CryptoAPI }
    if name.hasPrefix("synthetic-standard") { return .ecma376Standard }
    if name.hasSuffix(".xls") { return .biff8RC4 }
    if name.hasSuffix(".doc") { return .wordRC4 }
    if name.hasSuffix(".ppt") { return .powerPointCryptoAPI }
    return .ecma376Agile
}

/// The candidates a test hands over: wrong ones, and the fixture's password unless it is the default.
func candidates(_ golden: Fixture.Golden) -> [String] {
    ["infected", "Password1234_"] + (golden.passwordUsed == OfficeEncryption.defaultPassword ? [] : [golden.passwordUsed])
}

@Suite("Decryption against msoffcrypto-tool")
struct DecryptionTests {
    @Test func goldensLoaded() {
        #expect(Fixture.names.count == 23)
    }

    @Test(arguments: Fixture.names)
    func streamsDecryptLikeMsoffcrypto(name: String) throws {
        let golden = try #require(Fixture.goldens[name])
        #expect(golden.encrypted)
        if let workbook = Fixture.stream(name, "Workbook") {
            #expect(OfficeEncryption.detectBIFF8(workbookStream: workbook) == expectedKind(name))
            let result = try OfficeEncryption.decryptBIFF8(workbookStream: workbook, passwords: candidates(golden))
            if let expected = golden.decrypted {
                let result = try #require(result, "\(name)")
                #expect(result.password == golden.passwordUsed)
                #expect(result.stream.count == expected.workbookSize)
                #expect(HexDigest.sha256(result.stream) == expected.workbookSHA256, "\(name)")
            } else {
                #expect(result == nil)
            }
        } else if let info = Fixture.stream(name, "EncryptionInfo"),
            let package = Fixture.stream(name, "EncryptedPackage")
        {
            #expect(try EncryptionInfo(parsing: info).kind == expectedKind(name))
            let result = try OfficeEncryption.decryptPackage(
                encryptionInfo: info, encryptedPackage: package, passwords: candidates(golden))
            if let expected = golden.decrypted {
                let result = try #require(result, "\(name)")
                #expect(result.password == golden.passwordUsed)
                #expect(result.plaintext.count == expected.size)
                #expect(HexDigest.sha256(result.plaintext) == expected.sha256, "\(name)")
                #expect(result.plaintext.starts(with: [0x50, 0x4B, 0x03, 0x04]))
            } else {
                #expect(result == nil, "\(name)")
            }
        }
    }

    @Test(arguments: Fixture.names)
    func compoundFilesAreDetectedAndDecrypted(name: String) throws {
        let golden = try #require(Fixture.goldens[name])
        let cfb = try CompoundFile(parsing: try Fixture.bytes("cfb/\(name)"))
        #expect(OfficeEncryption.detect(cfb) == expectedKind(name), "\(name)")
        guard expectedKind(name) == .ecma376Agile || expectedKind(name) == .ecma376Standard else { return }
        let result = try OfficeEncryption.decryptPackage(cfb, passwords: candidates(golden))
        if let expected = golden.decrypted {
            #expect(result.map { HexDigest.sha256($0.plaintext) } == expected.sha256, "\(name)")
        } else {
            #expect(result == nil, "\(name): not decrypted")
        }
    }

    @Test func encryptedWordAndPowerPointAreReportedNotDecrypted() throws {
        let doc = try CompoundFile(parsing: try Fixture.bytes("cfb/encrypted__encrypted.doc"))
        #expect(OfficeEncryption.detect(doc) == .wordRC4)
        #expect(try OfficeEncryption.decryptWord(doc, passwords: ["infected"]) == nil)
        #expect(throws: OfficeCryptoError.notEncrypted) { try OfficeEncryption.decryptPackage(doc, passwords: []) }
        let ppt = try CompoundFile(parsing: try Fixture.bytes("cfb/encrypted__encrypted.ppt"))
        #expect(OfficeEncryption.detect(ppt) == .powerPointCryptoAPI)
        #expect(OfficeEncryptionKind.powerPointCryptoAPI.isDecryptable == false)
        #expect(throws: OfficeCryptoError.notEncrypted) { try OfficeEncryption.decryptPackage(ppt, passwords: []) }
        #expect(throws: OfficeCryptoError.notEncrypted) { try OfficeEncryption.decryptWord(ppt, passwords: []) }
    }

    @Test(arguments: ["synthetic-rc4.doc", "synthetic-rc4cryptoapi40.doc"])
    func wordDecryptsLikeMsoffcrypto(name: String) throws {
        let golden = try #require(Fixture.goldens[name])
        let expected = try #require(golden.decrypted)
        let cfb = try CompoundFile(parsing: try Fixture.bytes("cfb/\(name)"))
        let result = try #require(try OfficeEncryption.decryptWord(cfb, passwords: candidates(golden)))
        #expect(result.password == golden.passwordUsed)
        #expect(HexDigest.sha256(result.wordDocument) == expected.wordDocumentSHA256)
        #expect(HexDigest.sha256(result.table) == expected.tableSHA256)
        #expect(HexDigest.sha256(Array(result.wordDocument.dropFirst(0x44))) == golden.plainWordDocumentTailSHA256)
        #expect(result.data == nil)
        #expect(OfficeEncryption.detectWord(wordDocumentStream: result.wordDocument) { _ in result.table } == nil)
        #expect(try OfficeEncryption.decryptWord(cfb, passwords: ["wrong"]).map(\.password) == (golden.passwordUsed == "VelvetSweatshop" ? "VelvetSweatshop" : nil))
    }

    @Test func velvetSweatshopIsAlwaysTried() throws {
        let workbook = try #require(Fixture.stream("encrypted__dde-test-encrypt-standardpassword.xls", "Workbook"))
        #expect(try OfficeEncryption.decryptBIFF8(workbookStream: workbook, passwords: [])?.password == "VelvetSweatshop")
        var limits = OfficeCryptoLimits.default
        limits.maxPasswords.maximum = 2
        let many = (0..<10).map { "guess\($0)" }
        #expect(try OfficeEncryption.candidates(many, limits: limits) == ["guess0", "VelvetSweatshop"])
        #expect(
            try OfficeEncryption.decryptBIFF8(workbookStream: workbook, passwords: many, limits: limits)?.password
                == "VelvetSweatshop")
        #expect(try OfficeEncryption.candidates(["a", "a", "VelvetSweatshop", "b"], limits: .default) == [
            "a", "VelvetSweatshop", "b",
        ])
    }

    @Test func decryptedWorkbookIsNoLongerEncrypted() throws {
        let workbook = try #require(Fixture.stream("encrypted__autostart-encrypt-standardpassword.xls", "Workbook"))
        let plain = try #require(try OfficeEncryption.decryptBIFF8(workbookStream: workbook, passwords: []))
        #expect(OfficeEncryption.detectBIFF8(workbookStream: plain.stream) == nil)
        #expect(throws: OfficeCryptoError.notEncrypted) {
            try OfficeEncryption.decryptBIFF8(workbookStream: plain.stream, passwords: [])
        }
    }
}

@Suite("Known answers from msoffcrypto-tool's documentation")
struct KnownAnswerTests {
    @Test func standardKeyDerivation() throws {
        // msoffcrypto.method.ecma376_standard: makekey_from_password and verifykey.
        let salt: [UInt8] = [0xE8, 0x82, 0x66, 0x49, 0x0C, 0x5B, 0xD1, 0xEE, 0xBD, 0x2B, 0x43, 0x94, 0xE3, 0xF8, 0x30, 0xEF]
        let expected: [UInt8] = [
            0x40, 0xB1, 0x3A, 0x71, 0xF9, 0x0B, 0x96, 0x6E, 0x37, 0x54, 0x08, 0xF2, 0xD1, 0x81, 0xA1, 0xAA,
        ]
        let verifier = Array("Qos.".utf8) + [0x96, 0x6F, 0xAC, 0x17, 0xB1, 0xC5, 0xD7, 0xD8, 0xCC, 0x36, 0xC9, 0x28]
        let verifierHash =
            Array("+ah".utf8) + [0xDA, 0xBE, 0x29, 0x11, 0xAD, 0x2B, 0xD3, 0x7C, 0x17, 0x46, 0x74, 0x5C, 0x14, 0xD3, 0xCF]
            + [0x1B, 0xB1, 0x40, 0xA4, 0x8F, 0x4E, 0x6F, 0x3D, 0x23, 0x88, 0x08, 0x72, 0xB1, 0x6A]
        var info = try StandardEncryptionInfo.synthetic(salt: salt, verifier: verifier, verifierHash: verifierHash)
        #expect(try PackageDecryption.standardKey(info, password: "Password1234_") == expected)
        #expect(try PackageDecryption.standardKey(info, password: "password1234_") == nil)
        info.algorithmID = 0x6801
        #expect(throws: OfficeCryptoError.unsupportedEncryption) {
            try PackageDecryption.standardKey(info, password: "Password1234_")
        }
    }

    @Test func rc4KeyAndVerifier() throws {
        // msoffcrypto.method.rc4: _makekey and verifypw.
        let salt: [UInt8] = [0xE8, 0x77, 0x2C, 0x1D, 0x91, 0xC5, 0x6A, 0x37, 0x96, 0x47, 0x61, 0xB2, 0x80, 0x18, 0x32, 0x17]
        let key = BIFF8.RC4Key(password: "password1", salt: salt).key(block: 0)
        #expect(key == [0x20, 0xBF, 0x32, 0xDD, 0xF5, 0x40, 0x85, 0x8C, 0x51, 0x37, 0x44, 0xAF, 0x0F, 0x24, 0xE0, 0x3C])
        let verifier: [UInt8] = [0xC9, 0xE9, 0x97, 0xD4, 0x54, 0x97, 0x3D, 0x31, 0x0B, 0xB1, 0xBA, 0x70, 0x14, 0x26, 0x83, 0x7E]
        let hash: [UInt8] = [0xB1, 0xDE, 0x17, 0x8F, 0x07, 0xE9, 0x89, 0xC4, 0x4D, 0xAE, 0x5E, 0x4C, 0xF9, 0x6A, 0xC4, 0x07]
        let pass = BIFF8.FilePass.rc4(salt: salt, verifier: verifier, verifierHash: hash)
        #expect(try BIFF8.keyFunction(pass, password: "password1") != nil)
        #expect(try BIFF8.keyFunction(pass, password: "password2") == nil)
    }

    @Test func rc4TestVector() {
        // RFC 6229, key 0x0102030405, keystream offset 0.
        var rc4 = RC4(key: [1, 2, 3, 4, 5])
        #expect(rc4.keystream(16) == [0xB2, 0x39, 0x63, 0x05, 0xF0, 0x3D, 0xC0, 0x27, 0xCC, 0xC3, 0x52, 0x4A, 0x0A, 0x11, 0x18, 0xA8])
    }

    @Test func base64() {
        #expect(base64Decode("SGVsbG8=") == Array("Hello".utf8))
        #expect(base64Decode("SGVs\nbG8h") == Array("Hello!".utf8))
        #expect(base64Decode("SGV*") == nil)
        #expect(base64Decode("S=G") == nil)
        #expect(base64Decode("") == [])
    }
}

extension StandardEncryptionInfo {
    /// An AES-128 Standard header around a verifier.
    static func synthetic(salt: [UInt8], verifier: [UInt8], verifierHash: [UInt8]) throws -> StandardEncryptionInfo {
        var header = ByteCursor(
            [0x24, 0, 0, 0] + [0, 0, 0, 0] + [0x0E, 0x66, 0, 0] + [0x04, 0x80, 0, 0] + [128, 0, 0, 0] + [0x18, 0, 0, 0]
                + [UInt8](repeating: 0, count: 8) + [0x41, 0, 0, 0])
        var verifierCursor = ByteCursor([16, 0, 0, 0] + salt + verifier + [20, 0, 0, 0] + verifierHash)
        return try StandardEncryptionInfo(flags: 0x24, header: &header, verifier: &verifierCursor, major: 3)
    }
}
