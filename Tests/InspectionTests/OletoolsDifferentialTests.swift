import CompoundFile
import Foundation
import OfficeCrypto
import OfficeMacros
import Testing
import ZIP

@testable import Inspection

/// The whole oletools corpus against what olevba, mraptor, msodde and oleobj 0.60.2 say about it
/// (goldens by scripts/make-olevba-goldens.py). Emoguard must find what they find; where it finds more (XLM in
/// .xlsb/.xlsm/.xltm), the test says so explicitly.
@Suite struct OletoolsDifferentialTests {
    struct Golden: Decodable {
        struct OleVBA: Decodable {
            struct Macro: Decodable { var stream: String?; var vba_filename: String?; var code: String; var code_sha256: String }
            struct Keyword: Decodable { var type: String?; var keyword: String? }
            var type: String?
            var macros: [Macro]
            var analysis: [Keyword]
            var xlm: Bool
        }
        struct MRaptor: Decodable { var verdict: String }
        struct MSODDE: Decodable { var links: [String] }
        struct OleObj: Decodable {
            struct File: Decodable { var name: String; var md5: String }
            var files: [File]
            var externalRelationships: [String]?
        }
        var file: String
        var olevba: OleVBA
        var mraptor: MRaptor
        var msodde: MSODDE?
        var oleobj: OleObj?
    }

    static let corpus = RepoFile.root.appendingPathComponent("Tests/Corpus/oletools")
    static let goldenDir = RepoFile.root.appendingPathComponent("Tests/InspectionTests/Resources/olevba-golden")

    static func goldens() throws -> [Golden] {
        var out: [Golden] = []
        let e = FileManager.default.enumerator(atPath: goldenDir.path)
        while let p = e?.nextObject() as? String {
            guard p.hasSuffix(".json") else { continue }
            out.append(try JSONDecoder().decode(Golden.self, from: Data(contentsOf: goldenDir.appendingPathComponent(p))))
        }
        return out.sorted { $0.file < $1.file }
    }

    /// The bytes of a corpus file; `a.zip/member` reads the member with the corpus password.
    static func bytes(_ file: String) throws -> [UInt8] {
        if let r = file.range(of: ".zip/") {
            let zipPath = String(file[..<r.lowerBound]) + ".zip"
            let member = String(file[r.upperBound...])
            let zip = try ZIPArchive(parsing: Array(try Data(contentsOf: corpus.appendingPathComponent(zipPath))))
            guard let entry = zip.entries.first(where: { $0.name.hasSuffix(member) }) else { return [] }
            return try zip.extract(entry, password: Array("infected-test".utf8)).output.bytes
        }
        return Array(try Data(contentsOf: corpus.appendingPathComponent(file)))
    }

    /// Every golden file scanned once (lazily, thread-safe), shared by the tests below.
    static let results: [String: ScanResult] = {
        var out: [String: ScanResult] = [:]
        for g in (try? goldens()) ?? [] {
            guard let b = try? bytes(g.file) else { continue }
            out[g.file] = Inspector().scan(b[...], name: (g.file as NSString).lastPathComponent, input: g.file)
        }
        return out
    }()

    static func scan(_ file: String) throws -> ScanResult {
        if let r = results[file] { return r }
        return Inspector().scan(try bytes(file)[...], name: (file as NSString).lastPathComponent, input: file)
    }

    /// olevba's module text: attribute lines dropped, line endings normalised, trailing blanks trimmed.
    static func normalise(_ code: String) -> String {
        code.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("Attribute VB_") }
            .map { String($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n").trimmingCharacters(in: CharacterSet(charactersIn: "\n"))
    }

    /// VBA modules of a file as Emoguard reads them (OLE2 directly, OOXML via vbaProject.bin, encrypted via
    /// VelvetSweatshop), keyed by olevba's `ole_stream` naming ("VBA/Module1").
    static func modules(_ bytes: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        func fromCFB(_ b: [UInt8]) {
            guard let cfb = try? CompoundFile(parsing: b[...]) else { return }
            if OfficeEncryption.detect(cfb) != nil,
                let (plain, _) = (try? OfficeEncryption.decryptPackage(cfb, passwords: [])) ?? nil
            {
                fromZIP(plain)
                return
            }
            for p in VBAExtractor.projects(in: cfb).projects {
                for m in p.modules {
                    out["VBA/" + m.streamName] = normalise(m.source)
                }
            }
        }
        func fromZIP(_ b: [UInt8]) {
            guard let zip = try? ZIPArchive(parsing: b[...]) else { return }
            for e in zip.entries where e.name.lowercased().hasSuffix("vbaproject.bin") {
                if let x = try? zip.extract(e) { fromCFB(x.output.bytes) }
            }
        }
        if bytes.starts(with: CompoundFile.signature) { fromCFB(bytes) } else { fromZIP(bytes) }
        return out
    }

    @Test func vbaModulesMatchOlevba() throws {
        var compared = 0
        for g in try Self.goldens() {
            let expected = g.olevba.macros.filter { !($0.vba_filename ?? "").lowercased().hasPrefix("xlm") }
            guard !expected.isEmpty, g.olevba.type != "Text", g.olevba.type != "SLK" else { continue }
            let ours = Self.modules(try Self.bytes(g.file))
            for m in expected {
                guard let stream = m.stream else { continue }
                let key = stream.split(separator: "/").suffix(2).joined(separator: "/")
                #expect(ours[key] != nil, "\(g.file): module \(stream) not found; have \(ours.keys.sorted())")
                if let code = ours[key] {
                    #expect(code == Self.normalise(m.code), "\(g.file) \(stream)")
                    compared += 1
                }
            }
        }
        #expect(compared >= 15)
    }

    @Test func autoExecAndSuspiciousKeywordsCoverOlevba() throws {
        // olevba's Hex/Base64 "strings" come from the GUIDs of Attribute lines; Emoguard does not count those.
        let noise: Set<String> = ["Hex Strings", "Base64 Strings"]
        for g in try Self.goldens() where !g.olevba.analysis.isEmpty {
            guard g.olevba.type != "Text" else { continue }
            let r = try Self.scan(g.file)
            let ours = Set(r.findings.compactMap { $0.evidence.detail?.lowercased() })
            for k in g.olevba.analysis where k.type == "AutoExec" || k.type == "Suspicious" {
                guard let kw = k.keyword, !noise.contains(kw) else { continue }
                #expect(ours.contains(kw.lowercased()), "\(g.file): olevba \(k.type ?? "") \(kw) missing from \(ours.sorted())")
            }
        }
    }

    @Test func xlmFoundWhereverOlevbaFindsItAndInTheFormatsItMisses() throws {
        for g in try Self.goldens() {
            let r = try Self.scan(g.file)
            if g.olevba.xlm { #expect(r.has(.xlmPresent), "\(g.file)") }
        }
        for ext in ["xls", "xlt", "slk", "xlsb", "xlsm", "xltm"] {
            let file = "excel4-macros/excel4_sample_macro.\(ext)"
            let r = try Self.scan(file)
            #expect(r.has(.xlmPresent), "\(file)")
            #expect(r.findings.contains { $0.id == RuleID.macroAutoExec.rawValue && $0.message.contains("Auto_Open") }, "\(file)")
        }
    }

    @Test func ddeMatchesMsodde() throws {
        for g in try Self.goldens() {
            guard let dde = g.msodde, !dde.links.isEmpty else { continue }
            let r = try Self.scan(g.file)
            #expect(r.has(.officeDDE) || r.has(.officeDDECommand), "\(g.file): msodde found \(dde.links)")
        }
        for name in ["harmless-clean.docx", "harmless-clean.docm", "harmless-clean.doc"] {
            let r = try Self.scan("msodde/\(name)")
            #expect(!r.has(.officeDDE) && !r.has(.officeDDECommand), "\(name)")
        }
    }

    @Test func embeddedObjectsAndExternalLinksMatchOleobj() throws {
        for g in try Self.goldens() {
            guard let obj = g.oleobj else { continue }
            let r = try Self.scan(g.file)
            let md5s = Set(r.nodes.compactMap(\.hashes.md5))
            for f in obj.files {
                #expect(md5s.contains(f.md5), "\(g.file): oleobj extracted \(f.name) (\(f.md5))")
            }
            for line in obj.externalRelationships ?? [] {
                guard let url = line.split(separator: " ").last.map(String.init) else { continue }
                #expect(r.findings.contains { $0.evidence.detail == url }, "\(g.file): \(url)")
            }
        }
    }

    @Test func velvetSweatshopDocumentsAreDecryptedAndTheirMacroFound() throws {
        for ext in ["xls", "xlsb", "xlsm"] {
            let r = try Self.scan("encrypted/autostart-encrypt-standardpassword.\(ext)")
            #expect(r.has(.officeDecrypted), "\(ext)")
            #expect(r.findings.contains { $0.evidence.path.contains("Modul1") && $0.id == RuleID.macroAutoExec.rawValue }, "\(ext)")
        }
        for name in ["encrypted/encrypted.docx", "encrypted/encrypted.xlsm", "basic/encrypted.docx"] {
            #expect(try Self.scan(name).has(.officeEncryptedUnopened), "\(name)")
        }
    }

    @Test func everyCorpusFileScansWithoutAnInputError() throws {
        for g in try Self.goldens() {
            let r = try Self.scan(g.file)
            #expect(r.error == nil, "\(g.file)")
        }
    }
}
