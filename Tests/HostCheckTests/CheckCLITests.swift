import Foundation
import HostCheck
import Testing

/// End-to-end: the built `emoguard check` on built collections.
@Suite(.serialized) struct CheckCLITests {
    func build(_ name: String) throws -> (Collection, URL) {
        let c = try Collection.named(name)
        return (c, try c.materialize(in: try Fixtures.tempDir()))
    }

    @Test func anInfectedCollectionExits1AndWritesEmoChecksReport() throws {
        let (c, dest) = try build("v1")
        defer { try? FileManager.default.removeItem(at: dest) }
        let outDir = dest.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        var args = ["check", dest.path, "--lang", "en", "--emocheck-json=\(outDir.path)"]
        for p in c.processPaths(in: dest) { args += ["--processes", p] }
        let out = try CLI.run(args)
        #expect(out.status == 1, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("[!!] Emotet detected: v1"))
        #expect(out.stdout.contains("multformat.exe (PID 2816)"))
        #expect(out.stdout.contains("Isolate the PC"))
        let files = try FileManager.default.contentsOfDirectory(atPath: outDir.path)
        #expect(files.count == 1)
        let name = try #require(files.first)
        #expect(name.range(of: #"^DESKTOP-EMO01_\d{14}_emoguard\.json$"#, options: .regularExpression) != nil, "\(name)")
        let text = try String(contentsOf: outDir.appendingPathComponent(name), encoding: .utf8)
        try EmoCheckSample.validate(text)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(doc["is_infected"] as? String == "yes")
        #expect(doc["hostname"] as? String == "DESKTOP-EMO01")
        let entry = try #require((doc["emotet_processes"] as? [[String: Any]])?.first)
        #expect(entry["process_name"] as? String == "multformat.exe")
        #expect(entry["process_id"] as? String == "2816")
        let stamp = name.split(separator: "_")[1]
        let scanTime = try #require(doc["scan_time"] as? String)
        #expect(scanTime.filter(\.isNumber) == String(stamp), "the file name and scan_time are the same moment")
    }

    @Test func aCleanCollectionExits0() throws {
        let (c, dest) = try build("clean-sidebar")
        defer { try? FileManager.default.removeItem(at: dest) }
        var args = ["check", dest.path]
        for p in c.processPaths(in: dest) { args += ["--processes", p] }
        args.append("--emocheck-json")
        let out = try CLI.run(args, cwd: dest, env: ["LANG": "ja_JP.UTF-8", "PATH": "/usr/bin:/bin"])
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("Emotet は検知されませんでした"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dest.path).filter { $0.hasSuffix("_emoguard.json") }
        #expect(files.count == 1)
        #expect(files.first?.hasPrefix("WKS-WIN732BITA_") == true)
        let text = try String(contentsOf: dest.appendingPathComponent(files[0]), encoding: .utf8)
        try EmoCheckSample.validate(text)
        #expect(text.contains(#""is_infected":"no""#))
    }

    @Test func persistenceWithoutProcessesExits1AndJSONSaysSo() throws {
        let (c, dest) = try build("2022-2023")
        defer { try? FileManager.default.removeItem(at: dest) }
        _ = c
        let out = try CLI.run(["check", "--json", dest.path])
        #expect(out.status == 1, "\(out.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(doc["status"] as? String == "persistence-found")
        let detections = try #require(doc["detections"] as? [[String: Any]])
        #expect(detections.count == 2)
        #expect(detections.allSatisfy { $0["confirmation"] as? String == "no-process-list" })
        let padded = try #require(detections.compactMap { $0["file"] as? [String: Any] }.first { ($0["size"] as? Int ?? 0) > 500 << 20 })
        #expect(((padded["inspection"] as? [String: Any])?["paddingBytes"] as? Int ?? 0) > 500 << 20)
    }

    @Test func theVolumeSerialFlagAndTheCollectorSnapshot() throws {
        let (c, dest) = try build("v2")
        defer { try? FileManager.default.removeItem(at: dest) }
        var args = ["check", dest.path, "--volume-serial", "1234-ABCD", "--lang", "en"]
        for p in c.processPaths(in: dest) { args += ["--processes", p] }
        let out = try CLI.run(args)
        #expect(out.status == 1)
        #expect(out.stdout.contains("decodes to the process name ellipsebid.exe"))
        let snap = try CLI.run(["check", "--snapshot", Fixtures.resourcePath("hostcheck/snapshots/collector-sample.json"), "--lang", "en"])
        #expect(snap.status == 1)
        #expect(snap.stdout.contains("pfxguid.exe (PID 3500)"))
        #expect(snap.stdout.contains("Host: PC-SALES-07"))
    }

    @Test func errorsExit2() throws {
        #expect(try CLI.run(["check", "/nonexistent/triage"]).status == 2)
        #expect(try CLI.run(["check"]).status == 2)
        let (_, dest) = try build("clean-allowlist")
        defer { try? FileManager.default.removeItem(at: dest) }
        let badList = dest.appendingPathComponent("junk.csv")
        try Data("nothing here\n".utf8).write(to: badList)
        let out = try CLI.run(["check", dest.path, "--processes", badList.path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("no header row"))
        #expect(try CLI.run(["check", dest.path, "--volume-serial", "xyz"]).status == 2)
        #expect(try CLI.run(["check", dest.path, "--lang", "fr"]).status == 2)
    }
}
