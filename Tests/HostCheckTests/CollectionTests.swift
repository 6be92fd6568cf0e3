import Foundation
import HostCheck
import Testing

/// The collections of `scripts/make-hostcheck-fixtures.py`: one per generation and three clean ones, built from the
/// real NTUSER.DAT (plus values added with hivexregedit), read through the Registry module, and checked.
@Suite(.serialized) struct CollectionTests {
    static let names = [
        "v1", "v2", "v3", "v4", "v5", "2022-2023", "clean-sidebar", "clean-random-folders", "clean-allowlist",
    ]

    @Test func theManifestHasEveryGenerationAndTheCleanMachines() throws {
        let all = try Collection.all().map(\.name)
        #expect(all == Self.names)
    }

    @Test(arguments: names)
    func collectionComesOutAsExpected(_ name: String) throws {
        let c = try Collection.named(name)
        let (r, dest) = try c.check()
        defer { try? FileManager.default.removeItem(at: dest) }
        #expect(r.status.rawValue == c.expect.status, "\(name): \(r.detections.map(\.summary))")
        #expect(r.isInfected == (c.expect.exit == 1))
        if let host = c.expect.hostname { #expect(r.hostname == host) }
        #expect(r.detections.count == c.expect.detections.count, "\(name): \(r.detections.map(\.summary))")
        for e in c.expect.detections {
            let match = r.detections.first { d in
                d.generation.rawValue == e.generation && d.confirmation.rawValue == e.confirmation
                    && (e.file == nil || d.file?.windowsPath == e.file)
                    && (e.process == nil || d.processName.lowercased() == e.process?.lowercased())
                    && (e.pid == nil || d.processes.contains { $0.pid == e.pid })
            }
            #expect(match != nil, "\(name): expected \(e.generation) \(e.confirmation) \(e.file ?? "") among \(r.detections.map { "\($0.generation.rawValue) \($0.confirmation.rawValue) \($0.file?.windowsPath ?? "")" })")
            if let match, let file = match.file {
                #expect(file.isPE == true)
                #expect(file.inspection?.type == "application/vnd.microsoft.portable-executable")
                #expect(file.inspection?.findings.contains { $0.id == "content.executable" } == true)
                if e.padding == true {
                    #expect((file.inspection?.paddingBytes ?? 0) > 500 << 20)
                    #expect(file.inspection?.findings.contains { $0.id == "content.zero-padding" } == true)
                    #expect((file.inspection?.inspectedBytes ?? .max) < 1 << 20)
                }
            }
        }
    }

    @Test func theInfectedHivesAreReadThroughTheRegistryModule() throws {
        let c = try Collection.named("v4")
        let dest = try c.materialize(in: try Fixtures.tempDir())
        defer { try? FileManager.default.removeItem(at: dest) }
        let s = try TriageFolderReader().read(dest.path)
        #expect(s.hostname == "DESKTOP-EMO01")
        #expect(s.volumeSerial?.value == 0x0C0F_FEE0)
        #expect(s.runValues.contains { $0.name == "Sidebar" }, "the real NTUSER.DAT's values are kept")
        #expect(s.runValues.contains { $0.name == "tpnwddz.bkq" && $0.location.root == "HKCU" })
        #expect(s.runValues.contains { $0.name == "SecurityHealth" && $0.location.root == "HKLM" })
        #expect(s.services.contains { $0.name == "abcdefg.xyz" })
        #expect(s.explorerValues.contains { $0.location.key.contains("WOW6432Node") })
        #expect(s.is64Bit == true)
        #expect(s.systemFiles["wscapi.dll"] == 4096)
    }

    @Test func aWholeCheckStaysCleanWithThousandsOfLegitimateFiles() throws {
        // The benchmark's shape, small: 2,000 files in 200 vendor-like folders, some PE, no launcher.
        let c = try Collection.named("clean-random-folders")
        let dest = try c.materialize(in: try Fixtures.tempDir())
        defer { try? FileManager.default.removeItem(at: dest) }
        let local = dest.appendingPathComponent("C/Users/alice/AppData/Local")
        for i in 0..<200 {
            let dir = local.appendingPathComponent("Vendor\(String(UnicodeScalar(UInt8(65 + i % 26))))app\(i)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for j in 0..<10 {
                try Data(j % 3 == 0 ? Stubs.pe() : Array("data".utf8)).write(to: dir.appendingPathComponent("file\(j).dat"))
            }
        }
        let r = HostChecker().check(try TriageFolderReader().read(dest.path))
        #expect(r.detections.isEmpty)
    }
}
