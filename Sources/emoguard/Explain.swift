import ArgumentParser
import Foundation
import Inspection

/// `emoguard explain MESSAGE`: the verdict's arithmetic, finding by finding.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a verdict: every finding with the score it contributed, group caps and thresholds.",
        discussion: """
            Scans MESSAGE (a message or any file; - for standard input) like `scan` and prints, for every \
            finding, its rule, severity, what was seen, where, the weight the rule table gives it and why, and \
            what it added after its group's cap; then the group totals, the thresholds and the reason for the \
            verdict. Exit status as scan: 0 clean, 1 suspicious or malicious, 2 error.
            """)

    @Argument(help: "The message or file to explain; - for standard input.")
    var message: String

    @Flag(help: "Write the explanation as JSON.")
    var json = false

    @Option(name: .customLong("password"), help: "An extra archive password to try (repeatable).")
    var passwords: [String] = []

    @OptionGroup var engine: EngineOptions

    func run() throws {
        let inspector = try engine.inspector(
            limits: .default, passwords: passwords, digests: Set(DigestKind.allCases))
        let bytes: [UInt8]
        do {
            if message == "-" {
                bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            } else {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: message)))
            }
        } catch {
            FileHandle.standardError.write(Data("emoguard: \(message): \(error.localizedDescription)\n".utf8))
            throw ExitCode(ExitStatus.error)
        }
        let name = message == "-" ? nil : URL(fileURLWithPath: message).lastPathComponent
        let result = inspector.scan(bytes[...], name: name, input: message)
        let explanation = VerdictExplanation(findings: result.findings, thresholds: inspector.thresholds)
        let out = OutputStream.standardOutput
        if json {
            out.write(try Self.json(input: message, explanation))
        } else {
            out.write(Self.text(input: message, explanation))
        }
        out.flush()
        if explanation.level != .clean { throw ExitCode(ExitStatus.detected) }
    }

    /// The explanation as JSON: input, verdict, score, thresholds, reason, groups and contributions.
    static func json(input: String, _ e: VerdictExplanation) throws -> String {
        struct Document: Encodable {
            var input: String
            var verdict: VerdictLevel
            var score: Double
            var reason: String
            var thresholds: VerdictThresholds
            var groups: [VerdictExplanation.GroupTotal]
            var findings: [Entry]
        }
        struct Entry: Encodable {
            var id: String
            var severity: Severity
            var group: String
            var score: Double
            var contributed: Double
            var duplicate: Bool
            var title: String
            var message: String
            var rationale: String
            var evidence: Evidence
        }
        let doc = Document(
            input: input, verdict: e.level, score: e.score, reason: e.reason, thresholds: e.thresholds,
            groups: e.groups,
            findings: e.contributions.map { c in
                Entry(
                    id: c.finding.id, severity: c.finding.severity, group: c.group, score: c.finding.score,
                    contributed: c.contributed, duplicate: c.duplicate, title: c.finding.title,
                    message: c.finding.message, rationale: RuleTable.rule(RuleID(c.finding.id)).rationale,
                    evidence: c.finding.evidence)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(doc), as: UTF8.self) + "\n"
    }

    /// The explanation for people.
    static func text(input: String, _ e: VerdictExplanation) -> String {
        var s = "\(input): \(e.level.rawValue) (score \(number(e.score)))\n\n"
        if e.contributions.isEmpty {
            s += "No findings.\n\n"
        } else {
            s += "Findings, worst first (score: the rule's weight; added: what it counted after its group's cap):\n"
            for (i, c) in e.contributions.enumerated() {
                let f = c.finding
                let added =
                    c.duplicate
                    ? "counted already (same rule, same place)"
                    : c.contributed < f.score ? "added \(number(c.contributed)) (group \(c.group) capped)"
                    : "added \(number(c.contributed))"
                s += "\n\(i + 1). \(f.id) [\(f.severity.rawValue), group \(c.group)] score \(number(f.score)), \(added)\n"
                s += "   \(f.title)\n"
                s += "   seen: \(f.message)\n"
                var at = "   at: \(f.evidence.path)"
                if let line = f.evidence.line { at += ", line \(line)" }
                if let offset = f.evidence.offset { at += ", offset \(offset)" }
                s += at + "\n"
                if let detail = f.evidence.detail, !detail.isEmpty { s += "   evidence: \(detail.prefix(300))\n" }
                s += "   why this weight: \(RuleTable.rule(RuleID(f.id)).rationale)\n"
            }
            s += "\n"
        }
        if !e.groups.isEmpty {
            s += "Groups:\n"
            let width = e.groups.map(\.group.count).max() ?? 0
            for g in e.groups {
                let pad = String(repeating: " ", count: width - g.group.count)
                var line = "  \(g.group)\(pad)  \(number(g.counted))"
                if let cap = g.cap, g.raw > cap {
                    line += " (\(number(g.raw)) capped at \(number(cap)))"
                } else if let cap = g.cap {
                    line += " (cap \(number(cap)))"
                }
                s += line + "\n"
            }
            s += "  total\(String(repeating: " ", count: max(0, width - 5)))  \(number(e.score))\n\n"
        }
        s += "Thresholds: suspicious at \(number(e.thresholds.suspicious)), malicious at "
            + "\(number(e.thresholds.malicious)); a critical finding is malicious and a high one at least "
            + "suspicious whatever the score.\n"
        s += "Verdict: \(e.reason).\n"
        return s
    }

    static func number(_ d: Double) -> String {
        let r = (d * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
