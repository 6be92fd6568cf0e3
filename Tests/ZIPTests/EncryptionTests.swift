import Testing
import ZIP

@Suite("Passwords")
struct EncryptionTests {
    static let wrong = Array("K7xQ2n".utf8)

    /// A wrong password is refused by the check (usually) or by the CRC/authentication (rarely); never accepted.
    func expectRejected(_ zip: ZIPArchive, _ entry: ZIPEntry) {
        do {
            let x = try zip.extract(entry, password: Self.wrong)
            Issue.record("wrong password accepted for \(entry.name): crcValid \(x.crcValid)")
        } catch let error as ZIPError {
            #expect(error.code == .wrongPassword || error.code == .badCRC, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: ["zipcrypto.zip", "zipcrypto-stream.zip", "aes256.zip", "aes128.zip"])
    func wrongPasswordIsRejected(file: String) throws {
        let zip = try Fixture.archive(file)
        for entry in zip.entries {
            expectRejected(zip, entry)
            #expect(throws: ZIPError.passwordRequired) { try zip.extract(entry) }
        }
    }

    @Test func zipCryptoCheckByteRejectsMostPasswords() throws {
        let zip = try Fixture.archive("zipcrypto.zip")
        let entry = zip.entries[0]
        var accepted = 0
        for i in 0..<512 {
            if zip.passwordMatches(Array("guess\(i)".utf8), for: entry) { accepted += 1 }
        }
        // About 1 in 256 passes the check byte (2 in 256 with the DOS-time fallback).
        #expect(accepted < 20)
        #expect(zip.passwordMatches(Fixture.password, for: entry))
    }

    @Test func aesVerifierRejectsWrongPassword() throws {
        let zip = try Fixture.archive("aes256.zip")
        for entry in zip.entries {
            #expect(!zip.passwordMatches(Self.wrong, for: entry))
            #expect(throws: ZIPError.wrongPassword) { try zip.extract(entry, password: Self.wrong) }
        }
    }

    @Test func tamperedAESCiphertextFailsAuthentication() throws {
        var bytes = try Fixture.bytes("aes256.zip")
        let zip = try ZIPArchive(parsing: bytes)
        let entry = try #require(zip.entry("readme.txt"))
        let at = try #require(entry.dataOffset) + 16 + 2 + 5  // salt, verifier, then into the ciphertext
        bytes[at] ^= 0x01
        let tampered = try ZIPArchive(parsing: bytes)
        #expect(throws: ZIPError.badCRC) {
            try tampered.extract(try #require(tampered.entry("readme.txt")), password: Fixture.password)
        }
    }
}
