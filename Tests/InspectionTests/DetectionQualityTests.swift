import Foundation
import Testing

@testable import Inspection

/// The labelled corpus of docs/detection-quality.md: every Emotet-style lure the engine can open is malicious, an
/// archive it cannot open is at least suspicious, and no ordinary message is malicious. Prints the confusion table.
@Suite struct DetectionQualityTests {
    enum Label: String, CaseIterable {
        case lure = "Emotet-style, openable"
        case lockedLure = "Emotet-style, password not in the mail"
        case ordinary = "ordinary"
    }

    /// The policy of `Resources/corpus/emoguard.yaml` (the CLI test scans with the file itself).
    static let corpusPolicy = MailPolicy(
        ownDomains: ["customer.example.jp"], partnerDomains: ["partner.example.jp", "supplier.example.com"],
        protectedNames: ["経理部", "総務部", "山田 太郎", "田中 一郎", "鈴木 花子", "佐藤 美咲", "Ichiro Tanaka", "John Smith", "Accounts Payable"])

    /// The messages of `scripts/make-mail-corpus.py`, as `labels.json` lists them.
    static func mailCorpus() throws -> [(String, Label)] {
        struct Entry: Decodable {
            var file: String
            var label: String
        }
        let dir = "Tests/InspectionTests/Resources/corpus/"
        let entries = try JSONDecoder().decode([Entry].self, from: Data(try RepoFile.bytes(dir + "labels.json")))
        return entries.map { (dir + $0.file, $0.label == "emotet" ? .lure : .ordinary) }
    }

    static func corpus() throws -> [(String, Label)] {
        var items: [(String, Label)] = [
            ("Tests/InspectionTests/Resources/mail/zipcrypto-password-in-body.eml", .lure),
            ("Tests/InspectionTests/Resources/mail/aes256-password-in-body.eml", .lure),
            ("Tests/InspectionTests/Resources/mail/double-extension.eml", .lure),
            ("Examples/emotet-style-reply.eml", .lure),
            ("Tests/InspectionTests/Resources/mail/zipcrypto-no-password.eml", .lockedLure),
            ("Tests/InspectionTests/Resources/mail/aes256-no-password.eml", .lockedLure),
            ("Tests/InspectionTests/Resources/mail/ppap-clean.eml", .ordinary),
            ("Tests/InspectionTests/Resources/mail/utf8-password-next-line.eml", .ordinary),
            ("Examples/ordinary-ppap.eml", .ordinary),
            // Office (issue 3): benign specimens with the structure of the attack, and ordinary documents.
            ("Tests/OfficeMacrosTests/Resources/vba/autoopen-powershell.docm", .lure),
            ("Tests/OfficeMacrosTests/Resources/vba/autoopen-powershell.doc", .lure),
            ("Tests/OfficeMacrosTests/Resources/xlm/synthetic/macro.xlsm.zip", .lure),
            ("Tests/OfficeMacrosTests/Resources/xlm/synthetic/macro.slk", .lure),
            ("Tests/Corpus/oletools/msodde/dde-test.docx", .lure),
            ("Tests/Corpus/oletools/msodde/dde-test.xlsx", .lure),
            ("Tests/Corpus/oletools/oleobj/sample_with_calc_embedded.doc", .lure),
            ("Tests/OfficeMacrosTests/Resources/vba/format-table.docm", .ordinary),
            ("Tests/OfficeMacrosTests/Resources/vba/cp932.docm", .ordinary),
            ("Tests/Corpus/oletools/msodde/harmless-clean.docx", .ordinary),
            ("Tests/Corpus/oletools/msodde/harmless-clean.docm", .ordinary),
            ("Tests/Corpus/oletools/msodde/harmless-clean.doc", .ordinary),
            ("Tests/Corpus/oletools/oleobj/embedded-simple-2007.docx", .ordinary),
            ("Tests/Corpus/oletools/oleobj/embedded-simple-2007.xlsx", .ordinary),
            ("Tests/Corpus/oletools/olevba/sample_with_vba.ppt", .ordinary),
            ("Tests/Corpus/oletools/oleform/oleform-PR314.docm", .ordinary),
            // The lures after the macro block (issue 5), and their benign twins.
            ("Tests/InspectionTests/Resources/lures/lnk-in-password-zip.eml", .lure),
            ("Tests/InspectionTests/Resources/lures/onenote-wsf.eml", .lure),
            ("Tests/InspectionTests/Resources/lures/iso-lnk-dll.eml", .lure),
            ("Tests/ShellLinkTests/Resources/fixtures/powershell-enc.lnk", .lure),
            ("Tests/ShellLinkTests/Resources/fixtures/findstr-vbs.lnk", .lure),
            ("Tests/OneNoteTests/Resources/fixtures/lure-wsf.one", .lure),
            ("Tests/OneNoteTests/Resources/fixtures/lure-wsf.onepkg", .lure),
            ("Tests/DiskImageTests/Resources/lure.iso", .lure),
            ("Tests/ScriptsTests/Resources/downloader.vbs", .lure),
            ("Tests/ScriptsTests/Resources/downloader.vbe", .lure),
            ("Tests/RTFTests/Resources/specimens/package-vbs.rtf", .lure),
            ("Tests/HTMLTests/Resources/smuggling-blob.html", .lure),
            ("Tests/HTMLTests/Resources/smuggling-mssave.html", .lure),
            ("Tests/DiskImageTests/Resources/rar5-encrypted.rar", .lockedLure),
            ("Tests/HTMLTests/Resources/benign-newsletter.html", .ordinary),
            ("Tests/HTMLTests/Resources/benign-inline-image.html", .ordinary),
            ("Tests/InspectionTests/Resources/lures/lnk-to-pdf.eml", .ordinary),
            ("Tests/InspectionTests/Resources/lures/onenote-png.eml", .ordinary),
            ("Tests/InspectionTests/Resources/lures/iso-pdfs.eml", .ordinary),
            ("Tests/ShellLinkTests/Resources/fixtures/benign-pdf.lnk", .ordinary),
            ("Tests/OneNoteTests/Resources/fixtures/picture-png.one", .ordinary),
            ("Tests/DiskImageTests/Resources/pdfs.iso", .ordinary),
            ("Tests/RTFTests/Resources/specimens/clean.rtf", .ordinary),
            ("Tests/ScriptsTests/Resources/compute.js", .ordinary),
        ]
        let dir = RepoFile.root.appendingPathComponent("Tests/MIMETests/Resources/python-email")
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasPrefix("msg_") {
            items.append(("Tests/MIMETests/Resources/python-email/\(name)", .ordinary))
        }
        return items
    }

    @Test func confusionTable() throws {
        var table: [Label: [VerdictLevel: Int]] = [:]
        var wrong: [String] = []
        let corpus = try Self.corpus().map { ($0.0, $0.1, false) } + Self.mailCorpus().map { ($0.0, $0.1, true) }
        for (path, label, configured) in corpus {
            let inspector = configured ? Inspector(mailPolicy: Self.corpusPolicy) : Inspector()
            let r = inspector.scan(try RepoFile.bytes(path)[...], name: path, input: path)
            table[label, default: [:]][r.verdict, default: 0] += 1
            switch label {
            case .lure where r.verdict != .malicious: wrong.append("\(path): \(r.verdict)")
            case .lockedLure where r.verdict == .clean: wrong.append("\(path): \(r.verdict)")
            case .ordinary where r.verdict == .malicious: wrong.append("\(path): \(r.verdict)")
            default: break
            }
        }
        var text = "| label | clean | suspicious | malicious |\n|---|---|---|---|\n"
        for label in Label.allCases {
            let row = table[label] ?? [:]
            text += "| \(label.rawValue) | \(row[.clean] ?? 0) | \(row[.suspicious] ?? 0) | \(row[.malicious] ?? 0) |\n"
        }
        print(text)
        #expect(wrong.isEmpty, "\(wrong)")
        #expect((table[.ordinary]?[.clean] ?? 0) >= 70)
        #expect((table[.lure]?[.malicious] ?? 0) >= 54)
    }

    /// The issue-6 corpus alone: 30 Emotet-style messages all malicious, no ordinary one malicious.
    @Test func mailCorpusConfusionTable() throws {
        var table: [String: [VerdictLevel: Int]] = [:]
        var wrong: [String] = []
        for (path, label) in try Self.mailCorpus() {
            let r = Inspector(mailPolicy: Self.corpusPolicy).scan(try RepoFile.bytes(path)[...], name: path, input: path)
            let key = label == .lure ? "emotet" : "ordinary"
            table[key, default: [:]][r.verdict, default: 0] += 1
            if label == .lure && r.verdict != .malicious || label == .ordinary && r.verdict == .malicious {
                wrong.append("\(path): \(r.verdict)")
            }
        }
        var text = "| label | clean | suspicious | malicious |\n|---|---|---|---|\n"
        for key in ["emotet", "ordinary"] {
            let row = table[key] ?? [:]
            text += "| \(key) | \(row[.clean] ?? 0) | \(row[.suspicious] ?? 0) | \(row[.malicious] ?? 0) |\n"
        }
        print(text)
        #expect(wrong.isEmpty, "\(wrong)")
        #expect(table["emotet"]?[.malicious] == 30)
        #expect(table["ordinary"]?[.malicious] == nil)
    }
}
