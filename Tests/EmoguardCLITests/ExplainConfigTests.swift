import Foundation
import Testing

/// `emoguard explain`, `--config` and `--intel` end to end.
@Suite struct ExplainAndConfigCLITests {
    static let corpus = "Tests/InspectionTests/Resources/corpus/"

    @Test func explainShowsEveryFindingWithItsContributionAndTheReason() throws {
        let o = try CLI.run([
            "explain", "--config", Self.corpus + "emoguard.yaml", Self.corpus + "e01-hijacked-reply-zipcrypto-doc.eml",
        ])
        #expect(o.status == 1)
        #expect(o.stdout.contains("malicious (score"))
        #expect(o.stdout.contains("combination.hijacked-thread-lure [critical, group combination] score 10, added 10"))
        #expect(o.stdout.contains("why this weight:"))
        #expect(o.stdout.contains("Groups:"))
        #expect(o.stdout.contains("capped at"))
        #expect(o.stdout.contains("Thresholds: suspicious at 4, malicious at 10"))
        #expect(o.stdout.contains("Verdict: malicious: "))
    }

    @Test func explainJSON() throws {
        let o = try CLI.run(["explain", "--json", Self.corpus + "o07-proper-reply-ja.eml"])
        #expect(o.status == 0)
        let doc = try JSONSerialization.jsonObject(with: o.stdoutData) as? [String: Any]
        #expect(doc?["verdict"] as? String == "clean")
        #expect((doc?["thresholds"] as? [String: Any])?["malicious"] as? Double == 10)
        #expect(doc?["reason"] as? String != nil)
    }

    @Test func configurationChangesTheVerdict() throws {
        let message = Self.corpus + "e17-own-lookalike-html-smuggling.eml"
        let with = try CLI.run(["scan", "--json", "--config", Self.corpus + "emoguard.yaml", message])
        #expect(with.stdout.contains("mail.lookalike-domain"))
        let without = try CLI.run(["scan", "--json", message])
        #expect(!without.stdout.contains("mail.lookalike-domain"))
    }

    @Test func anInvalidConfigurationExitsWithTwoAndTheLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("emoguard-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.yaml")
        try Data("own_domains: [example.co.jp]\nthreshold: 3\n".utf8).write(to: file)
        let o = try CLI.run(["scan", "--config", file.path, Self.corpus + "o07-proper-reply-ja.eml"])
        #expect(o.status == 2)
        #expect(o.stderr.contains("bad.yaml:2: unknown setting 'threshold'"))
    }

    /// The offline example of the README: import the bundled feeds, then a scan names the feed entry that matched
    /// the attachment inside the password ZIP; importing again changes nothing; a malformed row is reported by line.
    @Test func importedFeedsAreMatchedByScan() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("emoguard-intel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("intel.sqlite").path
        let feeds = ["malwarebazaar.csv", "feodotracker-ipblocklist.csv", "urlhaus.csv", "threatfox.json", "indicators.txt"]
            .map { "Examples/intel/" + $0 }
        let first = try CLI.run(["intel", "import", "--db", db] + feeds)
        #expect(first.status == 0, "\(first.stderr)")
        let again = try CLI.run(["intel", "import", "--db", db] + feeds)
        #expect(again.stdout.contains(" 0 added, 0 updated"))

        let scan = try CLI.run(["scan", "--json", "--intel", db, "Examples/emotet-style-reply.eml"])
        #expect(scan.status == 1)
        let findings = (try CLI.json(scan)["results"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]] ?? []
        let hits = findings.filter { $0["id"] as? String == "intel.match" }
        #expect(!hits.isEmpty)
        #expect(hits.contains { ($0["evidence"] as? [String: Any])?["path"] as? String
            == "message/attachment[1] 請求書.zip/請求書.pdf.exe" })
        #expect(hits.contains { ($0["message"] as? String ?? "").contains("malwarebazaar") })

        let clean = try CLI.run(["scan", "--json", "--intel", db, "Examples/ordinary-ppap.eml"])
        #expect(!clean.stdout.contains("intel.match"))

        let bad = dir.appendingPathComponent("bad.txt")
        try Data("192.0.2.55\nnot an indicator at all\n".utf8).write(to: bad)
        let partial = try CLI.run(["intel", "import", "--db", db, bad.path])
        #expect(partial.status == 0)
        #expect(partial.stderr.contains("bad.txt:2: skipped"))
    }

    @Test func aMissingIntelStoreIsAnError() throws {
        let o = try CLI.run(["scan", "--intel", "/nonexistent/intel.sqlite", Self.corpus + "o07-proper-reply-ja.eml"])
        #expect(o.status == 2)
        #expect(o.stderr.contains("threat-intelligence store"))
    }
}
