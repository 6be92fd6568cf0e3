import CZlib
import Foundation
import Testing

/// End-to-end tests: run the built `emoguard` binary and check its output and exit status.
struct CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `emoguard` binary next to the test bundle (swift test builds every product).
    static var binary: URL {
        let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent()
        for dir in [bundleDir, Bundle.main.bundleURL, packageRoot.appendingPathComponent(".build/debug")] {
            let candidate = dir.appendingPathComponent("emoguard")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/emoguard")
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutData: Data
    }

    static func run(_ args: [String], stdin: Data? = nil, executable: URL? = nil) throws -> Output {
        let p = Process()
        p.executableURL = executable ?? binary
        p.arguments = args
        p.currentDirectoryURL = packageRoot
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let inPipe = Pipe()
        if stdin != nil { p.standardInput = inPipe }
        try p.run()
        if let stdin {
            inPipe.fileHandleForWriting.write(stdin)
            try inPipe.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self), stdoutData: o)
    }

    /// Runs the binary and measures that one child's peak RSS (KB). The measuring parent is a small Python process
    /// (its `resource` module reads the child's rusage): a child spawned straight from this large test process would
    /// inherit the test process's high-water mark, since Linux carries `ru_maxrss` across exec.
    static func runMeasured(_ args: [String]) throws -> (output: Output, maxRSSKB: Int) {
        let script = """
            import resource, subprocess, sys
            r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            sys.stdout.buffer.write(r.stdout)
            sys.stderr.write("%d %d" % (r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
            """
        let out = try run(["-c", script, binary.path] + args, executable: URL(fileURLWithPath: "/usr/bin/python3"))
        let fields = out.stderr.split(separator: " ").compactMap { Int($0) }
        guard fields.count == 2 else { throw CocoaError(.executableLoad) }
        return (Output(status: Int32(fields[0]), stdout: out.stdout, stderr: "", stdoutData: out.stdoutData),
            fields[1])
    }

    static func json(_ out: Output) throws -> [String: Any] {
        let obj = try JSONSerialization.jsonObject(with: out.stdoutData)
        return obj as? [String: Any] ?? [:]
    }

    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("emoguard-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    static func example(_ name: String) -> String { "Examples/\(name)" }

    /// SHA-256 of a file by the system's sha256sum, an implementation we did not write.
    static func sha256Hex(_ url: URL) throws -> String { try digestHex(url, tool: "sha256sum") }

    /// A file's digest by coreutils' `md5sum`, `sha1sum` or `sha256sum`.
    static func digestHex(_ url: URL, tool: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        p.arguments = [url.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix { $0 != " " })
    }
    static func fixture(_ name: String) -> String { "Tests/InspectionTests/Resources/mail/\(name)" }
}

@Suite(.serialized) struct CLITests {
    @Test func theReadmeExampleIsDetectedWithExitStatus1() throws {
        let out = try CLI.run(["scan", "--no-color", CLI.example("emotet-style-reply.eml")])
        #expect(out.status == 1)
        #expect(out.stdout.contains("MALICIOUS"))
        #expect(out.stdout.contains("combination.runnable-in-encrypted-archive"))
        #expect(out.stdout.contains("message/attachment[1] 請求書.zip/請求書.pdf.exe"))
        #expect(out.stdout.contains("K7xQ2m"))
    }

    @Test func cleanMailExitsZero() throws {
        let out = try CLI.run(["scan", "--no-color", CLI.example("ordinary-ppap.eml")])
        #expect(out.status == 0, "\(out.stdout)")
        #expect(out.stdout.contains("CLEAN"))
    }

    @Test func unreadableInputExitsTwo() throws {
        let out = try CLI.run(["scan", "/nonexistent/emoguard-missing.eml"])
        #expect(out.status == 2)
        #expect(out.stdout.contains("no such file"))
    }

    @Test func detectionWinsOverAnErrorInTheSameRun() throws {
        let out = try CLI.run(["scan", "/nonexistent/x.eml", CLI.example("emotet-style-reply.eml")])
        #expect(out.status == 1)
    }

    @Test func badUsageIsAnError() throws {
        let out = try CLI.run(["scan"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("<paths>"))
    }

    @Test func jsonReportFollowsTheSchema() throws {
        let out = try CLI.run(["scan", "--json", CLI.example("emotet-style-reply.eml")])
        #expect(out.status == 1)
        let doc = try CLI.json(out)
        #expect(doc["schema"] as? String == "emoguard.scan-report")
        #expect(doc["schemaVersion"] as? Int == 1)
        let results = try #require(doc["results"] as? [[String: Any]])
        #expect(results.count == 1)
        let r = results[0]
        #expect(r["verdict"] as? String == "malicious")
        #expect((r["score"] as? Double ?? 0) >= 10)
        let findings = try #require(r["findings"] as? [[String: Any]])
        for f in findings {
            for key in ["id", "severity", "score", "title", "message", "evidence"] {
                #expect(f[key] != nil, "finding lacks \(key)")
            }
        }
        let root = try #require(r["root"] as? [String: Any])
        #expect(root["type"] as? String == "message/rfc822")
        #expect(root["path"] as? String == "message")
        let hashes = try #require(root["hashes"] as? [String: String])
        let file = CLI.packageRoot.appendingPathComponent(CLI.example("emotet-style-reply.eml"))
        #expect(hashes["md5"] == (try CLI.digestHex(file, tool: "md5sum")))
        #expect(hashes["sha1"] == (try CLI.digestHex(file, tool: "sha1sum")))
        #expect(hashes["sha256"] == (try CLI.digestHex(file, tool: "sha256sum")))
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["malicious"] as? Int == 1)
    }

    @Test func digestsCanBeChosen() throws {
        let out = try CLI.run(["scan", "--json", "--digests", "sha256", CLI.example("ordinary-ppap.eml")])
        let root = try #require((try CLI.json(out)["results"] as? [[String: Any]])?.first?["root"] as? [String: Any])
        #expect(root["hashes"] as? [String: String] == [
            "sha256": "\(try CLI.sha256Hex(CLI.packageRoot.appendingPathComponent(CLI.example("ordinary-ppap.eml"))))"
        ])
        let bad = try CLI.run(["scan", "--digests", "crc32", CLI.example("ordinary-ppap.eml")])
        #expect(bad.status == 2)
    }

    @Test func mboxIsSplitAndEachMessageReported() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var mbox = Data()
        for name in ["ppap-clean.eml", "zipcrypto-password-in-body.eml", "utf8-password-next-line.eml"] {
            let msg = try Data(contentsOf: CLI.packageRoot.appendingPathComponent(CLI.fixture(name)))
            mbox.append(Data("From sender@example.invalid Tue Mar  7 10:15:00 2023\n".utf8))
            mbox.append(msg)
            mbox.append(Data("\n".utf8))
        }
        let path = dir.appendingPathComponent("export.mbox")
        try mbox.write(to: path)
        let out = try CLI.run(["scan", "--json", path.path])
        #expect(out.status == 1)
        let results = try #require(try CLI.json(out)["results"] as? [[String: Any]])
        #expect(results.map { $0["messageIndex"] as? Int } == [0, 1, 2])
        #expect(results.map { $0["verdict"] as? String } == ["clean", "malicious", "clean"])
        #expect(results[0]["messageOffset"] as? Int == 0)
        #expect(results[1]["messageLine"] as? Int ?? 0 > 1)
    }

    @Test func maildirAndDirectoriesAreWalked() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        for sub in ["cur", "new", "tmp"] {
            try fm.createDirectory(at: dir.appendingPathComponent("Maildir/\(sub)"), withIntermediateDirectories: true)
        }
        try fm.copyItem(
            at: CLI.packageRoot.appendingPathComponent(CLI.fixture("ppap-clean.eml")),
            to: dir.appendingPathComponent("Maildir/cur/1.host:2,S"))
        try fm.copyItem(
            at: CLI.packageRoot.appendingPathComponent(CLI.fixture("double-extension.eml")),
            to: dir.appendingPathComponent("Maildir/new/2.host"))
        // tmp/ holds messages still being delivered: not scanned.
        try Data("junk".utf8).write(to: dir.appendingPathComponent("Maildir/tmp/3.host"))
        let out = try CLI.run(["scan", "--json", dir.appendingPathComponent("Maildir").path])
        let doc = try CLI.json(out)
        let results = try #require(doc["results"] as? [[String: Any]])
        #expect(results.count == 2)
        #expect(out.status == 1)
        // A plain directory is walked recursively and finds the Maildir inside.
        let out2 = try CLI.run(["scan", "--json", dir.path])
        #expect((try CLI.json(out2)["results"] as? [[String: Any]])?.count == 2)
    }

    @Test func standardInput() throws {
        let msg = try Data(contentsOf: CLI.packageRoot.appendingPathComponent(CLI.example("emotet-style-reply.eml")))
        let out = try CLI.run(["scan", "--json", "-"], stdin: msg)
        #expect(out.status == 1)
        let results = try #require(try CLI.json(out)["results"] as? [[String: Any]])
        #expect(results.first?["input"] as? String == "-")
    }
}

/// Many small files (a Maildir) must not each pin a read buffer: memory stays flat as the file count grows.
@Suite struct ManySmallFilesTests {
    @Test func memoryDoesNotGrowWithTheNumberOfFiles() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let msg = try Data(contentsOf: CLI.packageRoot.appendingPathComponent(CLI.fixture("ppap-clean.eml")))
        for i in 0..<300 { try msg.write(to: dir.appendingPathComponent("m\(i).eml")) }
        let (out, rss) = try CLI.runMeasured(["scan", "--json", "--jobs", "1", dir.path])
        #expect(out.status == 0)
        // 300 files x 4 MiB of read buffer would be 1.2 GB; the debug binary itself needs about 40 MB.
        #expect(rss / 1024 < 150, "peak RSS \(rss / 1024) MB")
    }
}

/// The zero-padding acceptance test: a ~1 MB ZIP whose single entry inflates to more than 1 GB of zeros around a
/// small document is inspected in bounded memory; the document is found and the padding reported.
@Suite struct ZeroPaddingTests {
    @Test func gigabytePaddedEntryIsInspectedInBoundedMemory() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inner = try Data(contentsOf: CLI.packageRoot.appendingPathComponent(CLI.fixture("double-extension.eml")))
        let zip = try PaddedZIP.build(
            name: "請求書.eml", before: 600 << 20, content: Array(inner), after: 500 << 20)
        #expect(zip.count < 2 << 20)
        let path = dir.appendingPathComponent("padded.zip")
        try Data(zip).write(to: path)

        let (out, rss) = try CLI.runMeasured(["scan", "--json", path.path])
        let peakMB = rss / 1024  // kilobytes on Linux
        #expect(peakMB < 100, "peak RSS \(peakMB) MB")

        let results = try #require(try CLI.json(out)["results"] as? [[String: Any]])
        let r = results[0]
        let findings = try #require(r["findings"] as? [[String: Any]])
        let padding = findings.first { $0["id"] as? String == "content.zero-padding" }
        #expect(padding != nil)
        #expect((padding?["evidence"] as? [String: Any])?["path"] as? String == "padded.zip/請求書.eml")
        // The document inside (a mail with a double-extension attachment) was found and inspected.
        #expect(findings.contains { $0["id"] as? String == "attachment.double-extension" })
        let root = try #require(r["root"] as? [String: Any])
        let entry = try #require((root["children"] as? [[String: Any]])?.first)
        #expect(entry["size"] as? Int == inner.count)
        #expect(entry["originalSize"] as? Int == (600 << 20) + inner.count + (500 << 20))
        #expect(entry["paddingBytes"] as? Int == (600 << 20) + (500 << 20))
    }
}

/// Builds a deflated single-entry ZIP of `before` zeros, `content`, `after` zeros, streaming through zlib so the
/// padding never exists in memory.
enum PaddedZIP {
    struct Failure: Error {}

    static func build(name: String, before: Int, content: [UInt8], after: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw Failure() }
        defer { deflateEnd(&stream) }
        var compressed: [UInt8] = []
        var crc = crc32(0, nil, 0)
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var outBuf = [UInt8](repeating: 0, count: 1 << 16)

        func feed(_ chunk: [UInt8], count: Int, finish: Bool) {
            chunk.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(count)
                crc = crc32(crc, input.baseAddress, UInt32(count))
                repeat {
                    outBuf.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        _ = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                        compressed.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
                    }
                } while stream.avail_out == 0 || (finish && stream.avail_in > 0)
            }
        }
        var left = before
        while left > 0 { let n = min(left, zeros.count); feed(zeros, count: n, finish: false); left -= n }
        feed(content, count: content.count, finish: false)
        left = after
        while left > 0 { let n = min(left, zeros.count); feed(zeros, count: n, finish: false); left -= n }
        feed([], count: 0, finish: true)

        let total = UInt32(before + content.count + after)
        let nameBytes = Array(name.utf8)
        var zip: [UInt8] = []
        func u16(_ v: Int) { zip += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: UInt32) { zip += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
        u32(0x0403_4B50); u16(20); u16(0x0800); u16(8); u16(0); u16(0x5667)
        u32(UInt32(crc)); u32(UInt32(compressed.count)); u32(total); u16(nameBytes.count); u16(0)
        zip += nameBytes
        zip += compressed
        let cdOffset = UInt32(zip.count)
        u32(0x0201_4B50); u16(0x031E); u16(20); u16(0x0800); u16(8); u16(0); u16(0x5667)
        u32(UInt32(crc)); u32(UInt32(compressed.count)); u32(total); u16(nameBytes.count); u16(0); u16(0)
        u16(0); u16(0); u32(0o100644 << 16); u32(0)
        zip += nameBytes
        let cdSize = UInt32(zip.count) - cdOffset
        u32(0x0605_4B50); u16(0); u16(0); u16(1); u16(1); u32(cdSize); u32(cdOffset); u16(0)
        return zip
    }
}
