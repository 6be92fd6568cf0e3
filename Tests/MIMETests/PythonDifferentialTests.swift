import Foundation
import MIME
import TestSupport
import Testing

/// Compares the part tree of every message in Python's email test corpus with goldens written by
/// `scripts/python-email-golden.py` (`BytesParser(policy=email.policy.default)`).
///
/// Every remaining difference is listed in ``PythonDifferentialTests/allowed`` (Python's corpus: none) or
/// ``PythonDifferentialTests/allowedExtra`` (our edge cases) with its reason and described in
/// `docs/mime-differences.md`; any other difference fails the test.
@Suite struct PythonDifferentialTests {
    /// Documented, deliberate differences: "msg_NN#part.field" -> reason.
    static let allowed: [String: String] = [:]

    /// Our defect codes that have a Python defect class.
    static let pythonNames: [MIMEDefect.Code: String] = [
        .startBoundaryNotFound: "StartBoundaryNotFoundDefect",
        .noClosingBoundary: "CloseBoundaryNotFoundDefect",
        .multipartWithoutBoundary: "NoBoundaryInMultipartDefect",
        .multipartInvariantViolation: "MultipartInvariantViolationDefect",
        .invalidMultipartTransferEncoding: "InvalidMultipartContentTransferEncodingDefect",
        .missingHeaderBodySeparator: "MissingHeaderBodySeparatorDefect",
        .firstHeaderLineIsContinuation: "FirstHeaderLineIsContinuationDefect",
        .misplacedEnvelopeHeader: "MisplacedEnvelopeHeaderDefect",
        .invalidHeader: "InvalidHeaderDefect",
        .invalidBase64Padding: "InvalidBase64PaddingDefect",
        .invalidBase64Characters: "InvalidBase64CharactersDefect",
        .invalidBase64Length: "InvalidBase64LengthDefect",
    ]

    static func resources(_ sub: String) -> URL? {
        Bundle.module.url(forResource: "Resources", withExtension: nil)?.appendingPathComponent(sub)
    }

    static func messageNames() -> [String] {
        guard let dir = resources("python-email"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return names.filter { $0.hasPrefix("msg_") && $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func mapped(_ defects: [MIMEDefect]) -> [String] {
        defects.compactMap { pythonNames[$0.code] }.sorted()
    }

    static func digest(_ bytes: ArraySlice<UInt8>?) -> String {
        guard let b = bytes else { return "null" }
        return "\(b.count):\(HexDigest.sha256(Array(b)))"
    }

    static func digest(_ json: Any?) -> String {
        guard let d = json as? [String: Any], let len = d["len"] as? Int, let sha = d["sha256"] as? String else {
            return "null"
        }
        return "\(len):\(sha)"
    }

    static func string(_ v: Any?) -> String {
        if let s = v as? String { return s }
        if let i = v as? Int { return String(i) }
        return "null"
    }

    static func bool(_ v: Any?) -> String {
        if let b = v as? Bool { return b ? "true" : "false" }
        return "null"
    }

    @Test func corpusIsComplete() {
        #expect(PythonDifferentialTests.messageNames().count == 48)
    }

    @Test(arguments: PythonDifferentialTests.messageNames())
    func matchesPython(_ name: String) throws {
        let dir = try #require(PythonDifferentialTests.resources("python-email"))
        let goldenDir = try #require(PythonDifferentialTests.resources("python-email-golden"))
        let differences = try PythonDifferentialTests.compare(
            name: name,
            message: dir.appendingPathComponent(name + ".txt"),
            golden: goldenDir.appendingPathComponent(name + ".json"),
            allowed: PythonDifferentialTests.allowed
        )
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    /// Edge cases of our own (made by the development mutators): transfer-encoding recovery and attachment file
    /// names in every form, with goldens from the same script.
    static func extraNames() -> [String] {
        guard let dir = resources("python-extra"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// Documented differences on the extra cases (docs/mime-differences.md).
    static let allowedExtra: [String: String] = [
        "msg_x039#1.filename": "class 12: an unquoted value keeps its special characters (Python cuts at ':')",
        "msg_x060#1.filename": "class 13: broken quoting around an encoded word",
        "msg_x090#1.filename": "class 14: an empty first RFC 2231 section counts as absent",
    ]

    @Test(arguments: PythonDifferentialTests.extraNames())
    func matchesPythonOnExtraCases(_ name: String) throws {
        let dir = try #require(PythonDifferentialTests.resources("python-extra"))
        let goldenDir = try #require(PythonDifferentialTests.resources("python-extra-golden"))
        let differences = try PythonDifferentialTests.compare(
            name: name,
            message: dir.appendingPathComponent(name + ".txt"),
            golden: goldenDir.appendingPathComponent(name + ".json"),
            allowed: PythonDifferentialTests.allowedExtra
        )
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    /// Runs the same comparison over a directory of extra messages and goldens (for example mutated messages
    /// made while developing) when `MIME_DIFF_CORPUS` names a directory holding `corpus/` and `golden/`.
    @Test func extraCorpusWhenConfigured() throws {
        guard let root = ProcessInfo.processInfo.environment["MIME_DIFF_CORPUS"] else { return }
        let base = URL(fileURLWithPath: root)
        let names = try FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent("corpus").path)
            .filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
        var all: [String] = []
        for name in names {
            all += try PythonDifferentialTests.compare(
                name: name,
                message: base.appendingPathComponent("corpus/\(name).txt"),
                golden: base.appendingPathComponent("golden/\(name).json"),
                allowed: [:]
            )
        }
        let report = base.appendingPathComponent("differences.txt")
        try all.joined(separator: "\n").write(to: report, atomically: true, encoding: .utf8)
        print("MIME_DIFF_CORPUS: \(names.count) messages, \(all.count) differences, see \(report.path)")
    }

    static func compare(name: String, message: URL, golden goldenURL: URL, allowed: [String: String]) throws -> [String]
    {
        let data = try Data(contentsOf: message)
        let goldenData = try Data(contentsOf: goldenURL)
        let golden = try #require(try JSONSerialization.jsonObject(with: goldenData) as? [String: Any])
        let expected = try #require(golden["parts"] as? [[String: Any]])
        guard !data.isEmpty else { return [] }
        let message = try MIMEMessage(parsing: [UInt8](data))
        let parts = message.walk()
        var parentOf: [ObjectIdentifier: Int] = [:]
        for (i, p) in parts.enumerated() {
            for c in p.children { parentOf[ObjectIdentifier(c)] = i }
        }
        var differences: [String] = []
        func check(_ index: Int, _ field: String, _ ours: String, _ theirs: String) {
            guard ours != theirs else { return }
            let key = "\(name)#\(index).\(field)"
            if allowed[key] == nil {
                differences.append("\(key): ours=\(ours) python=\(theirs)")
            }
        }
        check(-1, "count", String(parts.count), String(expected.count))
        for (i, (part, exp)) in zip(parts, expected).enumerated() {
            let S = PythonDifferentialTests.string
            check(i, "depth", String(part.depth), S(exp["depth"]))
            check(i, "parent", parentOf[ObjectIdentifier(part)].map(String.init) ?? "null", S(exp["parent"]))
            check(i, "content_type", part.contentType.mimeType, S(exp["content_type"]))
            check(
                i,
                "is_multipart",
                part.hasChildren ? "true" : "false",
                PythonDifferentialTests.bool(exp["is_multipart"])
            )
            check(i, "filename", part.filename ?? "null", S(exp["filename"]))
            check(i, "disposition", part.disposition ?? "null", S(exp["disposition"]))
            var boundary = part.contentType.parameters["boundary"]
            while let b = boundary, let l = b.last, l == " " || l == "\t" { boundary = String(b.dropLast()) }
            check(i, "boundary", boundary ?? "null", S(exp["boundary"]))
            check(
                i,
                "defects",
                PythonDifferentialTests.mapped(part.defects).joined(separator: ","),
                ((exp["defects"] as? [String]) ?? []).sorted().joined(separator: ",")
            )
            check(
                i,
                "preamble",
                PythonDifferentialTests.digest(part.preamble),
                PythonDifferentialTests.digest(exp["preamble"])
            )
            check(
                i,
                "epilogue",
                PythonDifferentialTests.digest(part.epilogue),
                PythonDifferentialTests.digest(exp["epilogue"])
            )
            if !part.hasChildren {
                let body = part.decodedBody()
                check(
                    i,
                    "payload",
                    PythonDifferentialTests.digest(body.bytes[...]),
                    "\(S(exp["payload_len"])):\(S(exp["payload_sha256"]))"
                )
                check(
                    i,
                    "payload_defects",
                    PythonDifferentialTests.mapped(body.defects).joined(separator: ","),
                    ((exp["payload_defects"] as? [String]) ?? []).sorted().joined(separator: ",")
                )
            }
        }
        return differences
    }
}
