import Foundation
import Testing

@testable import Inspection

/// Files elsewhere in the repository (the ZIP target's fixtures, built by scripts/make-zip-fixtures.py).
enum RepoFile {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func scanZIPFixture(_ name: String, limits: BudgetLimits = .default) throws -> ScanResult {
        let bytes = try bytes("Tests/ZIPTests/Resources/\(name)")
        return Inspector(limits: limits).scan(bytes[...], name: name, input: name)
    }
}

/// A minimal stored-method ZIP writer for building nested archives in tests.
enum StoredZIP {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    static func make(_ files: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func u16(_ v: Int, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: UInt32, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        for (name, data) in files {
            let n = Array(name.utf8)
            let crc = crc32(data)
            let offset = UInt32(out.count)
            u32(0x0403_4B50, &out); u16(20, &out); u16(0x0800, &out); u16(0, &out); u16(0, &out); u16(0x21, &out)
            u32(crc, &out); u32(UInt32(data.count), &out); u32(UInt32(data.count), &out); u16(n.count, &out); u16(0, &out)
            out += n
            out += data
            u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(0x0800, &central); u16(0, &central)
            u16(0, &central); u16(0x21, &central); u32(crc, &central); u32(UInt32(data.count), &central)
            u32(UInt32(data.count), &central); u16(n.count, &central); u16(0, &central); u16(0, &central)
            u16(0, &central); u16(0, &central); u32(0, &central); u32(offset, &central)
            central += n
        }
        let cdOffset = UInt32(out.count)
        out += central
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(files.count, &out); u16(files.count, &out)
        u32(UInt32(central.count), &out); u32(cdOffset, &out); u16(0, &out)
        return out
    }
}

@Suite struct HostileInputTests {
    @Test func overlappingEntryBombIsReportedNotExtracted() throws {
        let r = try RepoFile.scanZIPFixture("overlap-bomb.zip")
        #expect(r.has(.zipBomb))
        #expect(r.verdict >= .suspicious)
    }

    @Test func nestedBombStopsAtTheBudget() throws {
        let r = try RepoFile.scanZIPFixture("nested-bomb.zip")
        #expect(r.has(.zipBomb) || r.has(.budgetExhausted) || r.has(.zeroPadding))
        #expect(r.verdict >= .suspicious)
    }

    @Test func headerMismatchAndHiddenEntries() throws {
        #expect(try RepoFile.scanZIPFixture("local-central-mismatch.zip").has(.zipHeaderMismatch))
        let hidden = try RepoFile.scanZIPFixture("hidden-entry.zip")
        #expect(hidden.has(.zipHiddenEntry))
        // The hidden payload is extracted and inspected, not only flagged.
        #expect(hidden.nodes.contains { $0.properties?["zip.hidden"] == "true" })
    }

    @Test func truncatedArchiveIsAFindingAndWhatRemainsIsInspected() throws {
        let r = try RepoFile.scanZIPFixture("truncated.zip")
        #expect(r.has(.zipMalformed))
        #expect(r.error == nil)
    }

    @Test func pathTraversalIsReported() throws {
        #expect(try RepoFile.scanZIPFixture("path-traversal.zip").has(.zipPathTraversal))
    }

    @Test func everyZIPFixtureScansWithoutAnInputError() throws {
        let dir = RepoFile.root.appendingPathComponent("Tests/ZIPTests/Resources")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".zip") }
        #expect(names.count > 10)
        for name in names {
            let r = try RepoFile.scanZIPFixture(name)
            #expect(r.error == nil, "\(name)")
            #expect(r.root.type == .zip, "\(name)")
        }
    }

    @Test func deeplyNestedArchivesStopAtTheDepthLimit() {
        var bytes = Array("innermost".utf8)
        for i in 0..<100 { bytes = StoredZIP.make([("level\(i).zip", bytes)]) }
        let r = Inspector().scan(bytes[...], name: "deep.zip")
        let f = r.findings(.budgetExhausted)
        #expect(f.count == 1)
        #expect(f.first?.message.contains("budget.maxDepth") == true)
        #expect(r.nodes.count == BudgetLimits.default.maxDepth.maximum + 1)
    }

    @Test func hundredDeepForwardedMessages() {
        var msg = "From: a@example.invalid\nSubject: inner\n\nhello\n"
        for i in 0..<100 {
            msg = "From: a@example.invalid\nSubject: fwd \(i)\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"b\(i)\"\n\n--b\(i)\nContent-Type: text/plain\n\nsee attached\n"
                + "--b\(i)\nContent-Type: message/rfc822\n\n\(msg)\n--b\(i)--\n"
        }
        let r = Inspector().scan(Array(msg.utf8)[...], input: "deep.eml")
        #expect(r.has(.budgetExhausted))
        #expect(r.error == nil)
    }

    @Test func tenThousandPartsGiveAFindingNotAHang() {
        var msg = "From: a@example.invalid\nSubject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"x\"\n\n"
        for i in 0..<10_000 { msg += "--x\nContent-Type: text/plain\n\npart \(i)\n" }
        msg += "--x--\n"
        let r = Inspector().scan(Array(msg.utf8)[...], input: "parts.eml")
        #expect(r.has(.budgetExhausted))
        #expect(r.nodes.count <= BudgetLimits.default.maxArtifacts.maximum)
    }

    @Test func artifactCountLimit() {
        let files = (0..<50).map { ("f\($0).txt", Array("x\($0)".utf8)) }
        var limits = BudgetLimits.default
        limits.maxArtifacts.maximum = 10
        let r = Inspector(limits: limits).scan(StoredZIP.make(files)[...], name: "many.zip")
        let f = r.findings(.budgetExhausted)
        #expect(f.count == 1)
        #expect(f.first?.message.contains("budget.maxArtifacts") == true)
        #expect(r.nodes.count == 10)
    }

    @Test func timeLimit() {
        var limits = BudgetLimits.default
        limits.maxMilliseconds.maximum = -1
        let r = Inspector(limits: limits).scan(StoredZIP.make([("a.txt", [1, 2, 3])])[...], name: "a.zip")
        #expect(r.findings(.budgetExhausted).first?.message.contains("budget.maxMilliseconds") == true)
    }

    @Test func totalBytesLimit() {
        var limits = BudgetLimits.default
        limits.maxTotalBytes.maximum = 3000
        let big = [UInt8](repeating: 0x41, count: 800)
        let r = Inspector(limits: limits).scan(StoredZIP.make([("a.txt", big), ("b.txt", big)])[...], name: "a.zip")
        #expect(r.findings(.budgetExhausted).first?.message.contains("budget.maxTotalBytes") == true)
    }

    @Test func garbageNeverThrowsOrCrashes() {
        var rng = SystemRandomNumberGenerator()
        let seeds: [[UInt8]] = [
            Array("PK\u{03}\u{04}".utf8), [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], Array("From: x\n\n".utf8),
        ]
        for seed in seeds {
            for _ in 0..<200 {
                let tail = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                _ = Inspector().scan((seed + tail)[...], name: "junk")
            }
        }
    }
}

@Suite struct BudgetLimitTests {
    @Test func inflatedBytesLimitStopsAndNamesItself() throws {
        // nested-bomb.zip inflates far more than 1 MiB.
        var limits = BudgetLimits.default
        limits.maxInflatedBytes.maximum = 1 << 20
        let r = try RepoFile.scanZIPFixture("nested-bomb.zip", limits: limits)
        let messages = r.findings.map(\.message).joined(separator: "\n")
        #expect(messages.contains("budget.maxInflatedBytes") || messages.contains("zip.maxInflatedBytesPerEntry"), "\(messages)")
    }

    @Test func perArtifactBytesLimit() {
        var limits = BudgetLimits.default
        limits.maxArtifactBytes.maximum = 100
        let r = Inspector(limits: limits).scan(
            StoredZIP.make([("small.txt", Array("ok".utf8)), ("big.txt", [UInt8](repeating: 0x41, count: 500))])[...],
            name: "a.zip")
        #expect(r.findings(.budgetExhausted).contains { $0.message.contains("budget.maxArtifactBytes") })
        #expect(r.nodes.contains { $0.name == "small.txt" })
    }

    @Test func inlineUUEncodedAttachmentIsInspected() {
        // "begin 644 invoice.exe": a uuencoded MZ/PE header stub inside a plain text body.
        var pe = [UInt8](repeating: 0, count: 0x48)
        pe[0] = 0x4D; pe[1] = 0x5A; pe[0x3C] = 0x40; pe[0x40] = 0x50; pe[0x41] = 0x45
        var lines: [String] = []
        var i = 0
        while i < pe.count {
            let chunk = Array(pe[i..<min(i + 45, pe.count)])
            var line = String(UnicodeScalar(UInt8(32 + chunk.count)))
            var j = 0
            while j < chunk.count {
                let b = chunk[j..<min(j + 3, chunk.count)] + [0, 0]
                let v = [b[b.startIndex] >> 2, (b[b.startIndex] & 3) << 4 | b[b.startIndex + 1] >> 4,
                         (b[b.startIndex + 1] & 15) << 2 | b[b.startIndex + 2] >> 6, b[b.startIndex + 2] & 63]
                line += String(v.map { Character(UnicodeScalar($0 == 0 ? 96 : $0 + 32)) })
                j += 3
            }
            lines.append(line)
            i += 45
        }
        let msg = "From: a@example.invalid\nSubject: invoice\n\nPlease see the file.\n\nbegin 644 invoice.exe\n"
            + lines.joined(separator: "\n") + "\n`\nend\n"
        let r = Inspector().scan(Array(msg.utf8)[...], input: "uu.eml")
        let node = r.nodes.first { $0.name == "invoice.exe" }
        #expect(node?.type == .pe)
        #expect(node?.path == "message/attachment[1] invoice.exe")
        #expect(r.has(.dangerousExtension))
        #expect(r.has(.executableContent))
    }
}
