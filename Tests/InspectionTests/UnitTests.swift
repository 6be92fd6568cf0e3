import Foundation
import Testing

@testable import Inspection

@Suite struct PasswordCandidateTests {
    func passwords(_ text: String) -> [String] { PasswordCandidates.extract(from: text, source: "body").map(\.password) }

    @Test(arguments: [
        ("パスワード：K7xQ2m", "K7xQ2m"),
        ("パスワード: K7xQ2m", "K7xQ2m"),
        ("解凍パスワードは「aB3-9xZ」です。", "aB3-9xZ"),
        ("ＰＷ：Ｋ７ｘＱ２ｍ", "K7xQ2m"),
        ("【パスワード】 Hq82LmPz", "Hq82LmPz"),
        ("PW:pa55w0rd!", "pa55w0rd!"),
        ("Password: S3cret_2023.", "S3cret_2023"),
        ("The password is Zx81Qa", "Zx81Qa"),
        ("添付ファイルの解凍キー = 20230307", "20230307"),
        ("暗号化ZIPのパスワードは以下のとおりです：Kp7-mm2", "Kp7-mm2"),
    ])
    func findsThePasswordAfterAMarker(text: String, expected: String) {
        #expect(passwords(text).first == expected, "\(text)")
    }

    @Test func readsThePasswordFromTheNextLine() {
        let text = "ファイルのパスワードは下記の通りです。\n\n   Qw7Er9Ty   \n\nよろしくお願いします"
        #expect(passwords(text).first == "Qw7Er9Ty")
        let c = PasswordCandidates.extract(from: text, source: "body[1]").first
        #expect(c?.source == "body[1] line 3 after \"パスワード\"")
    }

    @Test func ignoresWordsThatOnlyContainAMarker() {
        #expect(passwords("We passed the compass test, bypass nothing.").isEmpty)
        #expect(passwords("パスポートの写しを送ります").isEmpty)
    }

    @Test func capsAndDeduplicates() {
        let text = (0..<100).map { "password: tok\($0)en" }.joined(separator: "\n") + "\npassword: tok1en"
        let found = passwords(text)
        #expect(found.count == PasswordCandidates.maxCandidates)
        #expect(Set(found).count == found.count)
    }

    @Test func subjectTokensAreCandidates() {
        let c = PasswordCandidates.extract(fromSubject: "Re: 請求書 PW:Kz81aa 20230307").map(\.password)
        #expect(c.first == "Kz81aa")
        #expect(c.contains("20230307"))
    }
}

@Suite struct SnifferTests {
    @Test(arguments: [
        ([0x50, 0x4B, 0x03, 0x04, 0, 0] as [UInt8], ArtifactType.zip),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], .ole2),
        (Array("%PDF-1.7\n".utf8), .pdf),
        (Array("{\\rtf1\\ansi".utf8), .rtf),
        ([0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0x00, 0, 0], .lnk),
        ([0x1F, 0x8B, 8, 0], .gzip),
        (Array("Rar!\u{1A}\u{07}\u{00}".utf8), .rar),
        ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0, 4], .sevenZip),
        (Array("From: a@example.invalid\nSubject: hi\n\nbody\n".utf8), .mailMessage),
        (Array("From a@example.invalid Tue Mar  7 10:15:00 2023\nFrom: a@example.invalid\nSubject: x\n\nb\n".utf8), .mbox),
        (Array("<!DOCTYPE html><html><body>x</body></html>".utf8), .html),
        (Array("just some words\n".utf8), .text),
        ([], .empty),
        ([0x4D, 0x5A, 0x90, 0x00], .unknown),  // MZ without a PE header
    ])
    func sniffsByContent(bytes: [UInt8], expected: ArtifactType) {
        #expect(Sniffer.sniff(bytes[...]) == expected)
    }

    @Test func peNeedsAValidHeaderOffset() {
        var b = [UInt8](repeating: 0, count: 0x48)
        b[0] = 0x4D
        b[1] = 0x5A
        b[0x3C] = 0x40
        b[0x40] = 0x50
        b[0x41] = 0x45
        #expect(Sniffer.sniff(b[...]) == .pe)
        b[0x3C] = 0xFF  // e_lfanew past the end
        b[0x3F] = 0x7F
        #expect(Sniffer.sniff(b[...]) == .unknown)
    }
}

@Suite struct NameCheckTests {
    func ids(_ name: String, _ type: ArtifactType = .text) -> [String] {
        NameChecks.facts(name: name, type: type, artifact: Artifact(segment: name, bytes: [])).map(\.rule.rawValue)
    }

    @Test func dangerousExtensions() {
        for ext in ["exe", "scr", "js", "jse", "vbs", "vbe", "wsf", "hta", "lnk", "one", "iso", "img", "cmd", "bat", "ps1"] {
            #expect(ids("file.\(ext)").contains(RuleID.dangerousExtension.rawValue), "\(ext)")
        }
        #expect(ids("report.pdf", .pdf).isEmpty)
        #expect(ids("請求書.xlsx", .zip).isEmpty)
    }

    @Test func doubleExtensionsAndDirectionOverrides() {
        #expect(ids("請求書.pdf.exe").contains(RuleID.doubleExtension.rawValue))
        #expect(ids("invoice\u{202E}fdp.exe").contains(RuleID.doubleExtension.rawValue))
        #expect(ids("scan.doc            .js").contains(RuleID.doubleExtension.rawValue))
        #expect(!ids("archive.tar.gz").contains(RuleID.doubleExtension.rawValue))
    }

    @Test func nameContentMismatch() {
        #expect(ids("invoice.pdf", .pe).contains(RuleID.typeMismatch.rawValue))
        #expect(ids("invoice.pdf", .pe).contains(RuleID.executableContent.rawValue))
        #expect(ids("photo.jpg", .zip).contains(RuleID.typeMismatch.rawValue))
        // Honest pairs are not mismatches: .doc holding RTF, encrypted .docx in OLE2.
        #expect(!ids("letter.doc", .rtf).contains(RuleID.typeMismatch.rawValue))
        #expect(!ids("secret.docx", .ole2).contains(RuleID.typeMismatch.rawValue))
    }
}

@Suite struct VerdictTests {
    func finding(_ id: RuleID, path: String = "p") -> Finding { RuleTable.judge(Fact(id, "m"), at: path) }

    @Test func thresholdsAndCriticalFindings() {
        #expect(Verdict(findings: []).level == .clean)
        #expect(Verdict(findings: [finding(.zipEncrypted)]).level == .clean)
        #expect(Verdict(findings: [finding(.zipEncryptedUnopened)]).level == .suspicious)
        #expect(Verdict(findings: [finding(.executableInEncryptedArchive)]).level == .malicious)
        #expect(Verdict(findings: [finding(.executableContent), finding(.doubleExtension)]).level == .malicious)
    }

    @Test func groupCapsStopWeakSignalsFromAddingUp() {
        let many = (0..<50).map { finding(.mimeDefect, path: "p\($0)") } + (0..<10).map { finding(.parseError, path: "q\($0)") }
        let v = Verdict(findings: many)
        #expect(v.score <= 6)
        #expect(v.level != .malicious)
    }

    @Test func sameRuleAtSamePathCountsOnce() {
        let v = Verdict(findings: [finding(.typeMismatch), finding(.typeMismatch)])
        #expect(v.score == 4)
    }

    @Test func everyRuleHasADistinctIDAndAnExplanation() {
        let ids = RuleTable.rules.map(\.id)
        #expect(Set(ids).count == ids.count)
        for r in RuleTable.rules {
            #expect(!r.title.isEmpty && !r.rationale.isEmpty, "\(r.id)")
            #expect(r.id.rawValue.contains("."), "\(r.id)")
        }
    }
}

@Suite struct ReportJSONTests {
    /// The hand-written serializer must write what JSONEncoder writes from the Codable types.
    @Test(arguments: [
        "mail/zipcrypto-password-in-body.eml", "mail/aes256-no-password.eml", "mail/ppap-clean.eml",
        "mail/double-extension.eml",
    ])
    func directSerializerMatchesJSONEncoder(path: String) throws {
        var result = try Fixture.scan(path)
        result.messageIndex = 3
        result.messageOffset = 1234
        result.error = "quote \" backslash \\ tab \t control \u{01} slash /"
        result.findings.append(
            Finding(id: "x.y", severity: .low, score: 0.25, title: "t", message: "日本語\n", evidence: Evidence(
                path: "a/b", offset: 7, line: 9, detail: "d")))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let viaEncoder = try JSONSerialization.jsonObject(with: encoder.encode(result)) as? NSDictionary
        let direct = try JSONSerialization.jsonObject(with: Data(result.jsonBytes)) as? NSDictionary
        #expect(viaEncoder != nil)
        #expect(viaEncoder == direct)
        // Byte for byte, too (same key order, same number formatting).
        #expect(String(decoding: try encoder.encode(result), as: UTF8.self) == String(decoding: result.jsonBytes, as: UTF8.self))
    }
}
