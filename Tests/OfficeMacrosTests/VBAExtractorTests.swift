import ByteCursor
import Testing

@testable import OfficeMacros

/// Project extraction on the raw streams of real and fixture projects, against olevba 0.60.2.
@Suite struct VBAExtractorTests {
    @Test(arguments: VBAFixture.goldenSamples)
    func modulesMatchOlevba(sample: String) throws {
        let golden = try VBAFixture.golden(sample)
        let lookup = try VBAFixture.streamLookup(sample)
        for expected in golden.projects {
            let project = try VBAExtractor.project(storagePath: expected.storage, stream: lookup)
            #expect(project.name == expected.name)
            #expect(project.codePage == expected.codepage)
            #expect(project.modules.map(\.name) == expected.modules.map(\.name))
            for (module, want) in zip(project.modules, expected.modules) {
                #expect(module.source == want.code, "module \(module.name) of \(sample)")
                #expect(module.sourceOffset == want.offset)
                #expect(module.pcodeBytes == want.offset)
                #expect(module.streamPath == want.stream)
                #expect(module.normalizedSource == want.code.replacingOccurrences(of: "\r\n", with: "\n"))
                #expect(!module.isPartial)
                #expect(module.invalidCharacters == 0)
            }
            #expect(project.indicators.isEmpty, "no stomping in \(sample): \(project.indicators)")
            #expect(project.vbaProjectStream != nil)
            #expect(!project.projectStream.isEmpty)
        }
    }

    @Test func japaneseModuleDecodesExactly() throws {
        let project = try VBAExtractor.project(storagePath: "", stream: try VBAFixture.streamLookup("cp932.docm"))
        #expect(project.codePage == 932)
        let module = try #require(project.modules.first { $0.name == "Module1" })
        #expect(module.type == .procedural)
        #expect(module.normalizedSource.contains("' 請求書を開く\n"))
        #expect(module.normalizedSource.contains("MsgBox \"こんにちは\""))
        #expect(module.normalizedSource.contains("MsgBox \"請求書（第１号）を確認してください\""))
        #expect(module.visibleSource.hasPrefix("' 請求書を開く\nSub ShowGreeting()"))
    }

    @Test func projectStreamAndHeader() throws {
        let project = try VBAExtractor.project(
            storagePath: "",
            stream: try VBAFixture.streamLookup("oleform-PR314.docm")
        )
        #expect(project.projectStream["Document"]?.first?.hasPrefix("ThisDocument/") == true)
        #expect(project.projectStream["Module"] == ["NewMacros"])
        #expect(project.projectStream["Name"] == ["\"Project\""])
        #expect(project.projectStream["CMG"]?.count == 1)
        #expect(project.projectStream["Workspace/ThisDocument"]?.count == 1)
        let header = try #require(project.vbaProjectStream)
        #expect(header.hasPerformanceCache)
        #expect(project.modules.first { $0.name == "ThisDocument" }?.type == .documentClass)
        #expect(project.modules.first { $0.name == "NewMacros" }?.type == .procedural)
        #expect(project.directory.references.count >= 2)
    }

    @Test func wordDocumentStorage() throws {
        let project = try VBAExtractor.project(
            storagePath: "Macros",
            stream: try VBAFixture.streamLookup("autoopen-powershell.doc")
        )
        #expect(project.vbaStoragePath == "Macros/VBA")
        #expect(project.modules.map(\.streamPath) == ["Macros/VBA/ThisDocument", "Macros/VBA/Module1"])
        // ms-ovba writes no p-code: the 7-byte _VBA_PROJECT header has no performance cache.
        #expect(project.vbaProjectStream?.hasPerformanceCache == false)
    }

    @Test func missingDirStream() throws {
        #expect(throws: OfficeMacrosError.missingStream) {
            try VBAExtractor.project(storagePath: "Macros", stream: { _ in .missing })
        }
    }

    @Test func missingModuleStreamIsAnAnomaly() throws {
        let inner = try VBAFixture.streamLookup("oleform-PR314.docm")
        let project = try VBAExtractor.project(storagePath: "") { path in
            path.lowercased() == "vba/newmacros" ? .missing : inner(path)
        }
        #expect(project.modules.count == 3)
        #expect(project.anomalies.contains { $0.contains("NewMacros") })
    }

    @Test func corruptModuleSourceKeepsTheRest() throws {
        let inner = try VBAFixture.streamLookup("oleform-PR314.docm")
        guard case .found(var bytes, _) = inner("VBA/NewMacros") else {
            Issue.record("no NewMacros stream")
            return
        }
        let golden = try VBAFixture.golden("oleform-PR314.docm")
        let offset = try #require(golden.projects.first?.modules.first { $0.name == "NewMacros" }?.offset)
        bytes[offset] = 0x02  // bad container signature
        let project = try VBAExtractor.project(storagePath: "") { path in
            path.lowercased() == "vba/newmacros" ? .found(bytes, truncated: false) : inner(path)
        }
        let module = try #require(project.modules.first { $0.name == "NewMacros" })
        #expect(module.isPartial)
        #expect(module.source.isEmpty)
        #expect(project.modules.count == 4)
    }

    /// Every truncation of every stream of a real project: no trap, and a project or a clean error.
    @Test func truncatedStreams() throws {
        let inner = try VBAFixture.streamLookup("autostart-encrypt-standardpassword.xls")
        for name in ["_VBA_PROJECT_CUR/VBA/dir", "_VBA_PROJECT_CUR/VBA/Modul1", "_VBA_PROJECT_CUR/PROJECT"] {
            guard case .found(let bytes, _) = inner(name) else {
                Issue.record("no \(name)")
                continue
            }
            for n in stride(from: 0, to: bytes.count, by: 7) {
                let cut = Array(bytes[..<n])
                do {
                    _ = try VBAExtractor.project(storagePath: "_VBA_PROJECT_CUR") { path in
                        path.lowercased() == name.lowercased() ? .found(cut, truncated: true) : inner(path)
                    }
                } catch {
                    #expect(name.hasSuffix("dir"))
                }
            }
        }
    }

    @Test func moduleLimit() throws {
        var limits = VBALimits.default
        limits.maxModules = Limit("vba.maxModules", 2)
        let project = try VBAExtractor.project(
            storagePath: "",
            limits: limits,
            stream: try VBAFixture.streamLookup("oleform-PR314.docm")
        )
        #expect(project.modules.count == 2)
        #expect(project.anomalies.contains { $0.contains("vba.maxModules") })
    }
}
