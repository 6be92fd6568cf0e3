import CompoundFile
import Foundation
import Testing

@testable import OfficeMacros

/// Finding and reading projects in real compound files: Word, Excel, vbaProject.bin and PowerPoint 97.
@Suite struct VBACompoundFileTests {
    static func projects(_ bytes: [UInt8]) throws -> (projects: [VBAProject], errors: [OfficeMacrosError]) {
        VBAExtractor.projects(in: try CompoundFile(parsing: bytes))
    }

    /// Compares with olevba's golden: module names, stream paths and sources.
    static func expectGolden(_ projects: [VBAProject], _ sample: String) throws {
        let golden = try VBAFixture.golden(sample)
        #expect(projects.count == golden.projects.count)
        for (project, expected) in zip(projects, golden.projects) {
            #expect(project.modules.map(\.name) == expected.modules.map(\.name))
            #expect(project.modules.map(\.source) == expected.modules.map(\.code))
        }
    }

    @Test func wordDocument() throws {
        let (projects, errors) = try Self.projects(try VBAFixture.bytes("autoopen-powershell.doc"))
        #expect(errors.isEmpty)
        #expect(projects.map(\.storagePath) == ["Macros"])
        try Self.expectGolden(projects, "autoopen-powershell.doc")
    }

    @Test(arguments: ["autoopen-powershell", "format-table", "cp932"])
    func vbaProjectBin(name: String) throws {
        let (projects, errors) = try Self.projects(try VBAFixture.bytes("\(name).vbaProject.bin"))
        #expect(errors.isEmpty)
        #expect(projects.map(\.storagePath) == [""])
        try Self.expectGolden(projects, "\(name).docm")
    }

    @Test func excelWorkbook() throws {
        let (projects, errors) = try Self.projects(
            try VBAFixture.corpusBytes("encrypted/autostart-encrypt-standardpassword.xls")
        )
        #expect(errors.isEmpty)
        #expect(projects.map(\.storagePath) == ["_VBA_PROJECT_CUR"])
        try Self.expectGolden(projects, "autostart-encrypt-standardpassword.xls")
        let analysis = MacroAnalyzer.analyze(project: try #require(projects.first))
        #expect(analysis.indicators.first?.keyword == "Auto_Open")
        #expect(analysis.indicators.first?.location == "Modul1")
        #expect(analysis.indicators.first?.line == 2)
    }

    @Test func powerPoint97() throws {
        let (projects, errors) = try Self.projects(try VBAFixture.corpusBytes("olevba/sample_with_vba.ppt"))
        #expect(errors.isEmpty, "\(errors)")
        try Self.expectGolden(projects, "sample_with_vba.ppt")
        let module = try #require(projects.first?.modules.first)
        #expect(module.visibleSource == "Sub Action_Click()\n  MsgBox \"The action button clicked!\"\nEnd Sub\n")
    }

    @Test func noProjectInAPlainDocument() throws {
        let (projects, errors) = try Self.projects(try VBAFixture.corpusBytes("msodde/harmless-clean.doc"))
        #expect(projects.isEmpty)
        #expect(errors.isEmpty)
    }

    /// Every corpus compound file: no trap; projects only where olevba finds them.
    @Test func wholeCorpusDoesNotTrap() throws {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: VBAFixture.corpus.path) else { return }
        var files = 0
        for case let path as String in walker {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: VBAFixture.corpus.appendingPathComponent(path).path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { continue }
            let bytes = try VBAFixture.corpusBytes(path)
            guard CompoundFile.hasSignature(bytes[...]), let cfb = try? CompoundFile(parsing: bytes) else { continue }
            files += 1
            _ = VBAExtractor.projects(in: cfb)
        }
        #expect(files >= 20)
    }
}
