import Testing

@testable import Inspection

@Suite struct PasswordZIPInMailTests {
    @Test(arguments: ["mail/zipcrypto-password-in-body.eml", "mail/aes256-password-in-body.eml"])
    func opensTheArchiveWithThePasswordFromTheJapaneseBody(path: String) throws {
        let r = try Fixture.scan(path)
        let opened = r.findings(.zipOpenedWithPassword)
        #expect(opened.count == 1)
        #expect(opened.first?.message.contains("\"K7xQ2m\"") == true)
        #expect(opened.first?.message.contains("パスワード") == true)
        // The entry was extracted and inspected: its content is a PE, named with a double extension.
        let entry = r.nodes.first { $0.name == "請求書.pdf.exe" }
        #expect(entry?.type == .pe)
        #expect(entry?.path == "message/attachment[1] 請求書.zip/請求書.pdf.exe")
        #expect(r.has(.executableInEncryptedArchive))
        #expect(r.has(.doubleExtension))
        #expect(!r.has(.zipEncryptedUnopened))
        #expect(r.verdict == .malicious)
    }

    @Test(arguments: ["mail/zipcrypto-no-password.eml", "mail/aes256-no-password.eml"])
    func reportsAnArchiveThatNoCandidateOpens(path: String) throws {
        let r = try Fixture.scan(path)
        let f = r.findings(.zipEncryptedUnopened)
        #expect(f.count == 1)
        #expect(f.first?.evidence.path == "message/attachment[1] 請求書.zip")
        #expect(f.first?.evidence.detail == "請求書.pdf.exe")
        #expect(!r.nodes.contains { $0.name == "請求書.pdf.exe" })
        #expect(r.verdict == .suspicious)
    }

    @Test func aUserPasswordOpensWhatTheMailDoesNot() throws {
        let r = try Fixture.scan("mail/aes256-no-password.eml", passwords: ["K7xQ2m"])
        #expect(r.findings(.zipOpenedWithPassword).first?.message.contains("user") == true)
        #expect(r.verdict == .malicious)
    }

    @Test func passwordOnTheLineAfterAnEnglishMarker() throws {
        let r = try Fixture.scan("mail/utf8-password-next-line.eml")
        #expect(r.findings(.zipOpenedWithPassword).first?.message.contains("K7xQ2m") == true)
        #expect(r.nodes.contains { $0.name == "invoice.txt" && $0.size == 11 })
        #expect(r.verdict == .clean)
    }

    @Test func ordinaryPPAPMailIsNotMalicious() throws {
        let r = try Fixture.scan("mail/ppap-clean.eml")
        #expect(r.has(.zipEncrypted))
        #expect(r.has(.zipOpenedWithPassword))
        #expect(r.verdict == .clean)
        // Every artifact carries its three hashes.
        for n in r.nodes {
            #expect(n.hashes.md5?.count == 32 && n.hashes.sha1?.count == 40 && n.hashes.sha256?.count == 64)
        }
    }

    @Test func doubleExtensionAttachment() throws {
        let r = try Fixture.scan("mail/double-extension.eml")
        let f = r.findings(.doubleExtension)
        #expect(f.first?.evidence.path == "message/attachment[1] 書類.pdf.exe")
        #expect(r.has(.executableContent))
        #expect(r.verdict == .malicious)
    }
}
