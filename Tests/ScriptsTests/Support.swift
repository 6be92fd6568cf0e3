import Foundation
import OfficeMacros
import Scripts

/// Fixtures made by `scripts/make-script-fixtures.py`.
enum Fixture {
    /// The bytes of `Resources/name`.
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return Array(try Data(contentsOf: url))
    }

    /// The fixture, analysed with the language its name gives.
    static func analysis(_ name: String, limits: ScriptLimits = .default) throws -> ScriptAnalysis {
        let b = try bytes(name)
        let language = ScriptAnalyzer.detectLanguage(b[...], fileName: name)
        return ScriptAnalyzer.analyze(b[...], language: language, location: name, limits: limits)
    }
}

extension ScriptAnalysis {
    /// The suspicious keywords, as written in the code.
    var suspicious: [String] { indicators.filter { $0.kind == .suspicious }.map(\.keyword) }
    /// The IOCs.
    var iocs: [String] { indicators.filter { $0.kind == .ioc }.map(\.keyword) }
    /// The decoded texts.
    var decodedTexts: [String] { decoded.map(\.decoded) }

    /// Whether a suspicious keyword matches `keyword` case-insensitively.
    func hasSuspicious(_ keyword: String) -> Bool {
        indicators.contains { $0.kind == .suspicious && $0.keyword.lowercased() == keyword.lowercased() }
    }

    /// A readable dump for failure messages.
    var dump: String {
        var lines = ["language: \(language) flags: \(flags.flagString) encoded: \(wasEncoded)"]
        for i in indicators {
            lines.append("  [\(i.kind.rawValue)] \(i.keyword.prefix(120)) | \(i.description.prefix(120)) | line \(i.line.map(String.init) ?? "-")")
        }
        for d in decoded { lines.append("  decoded \(d.encoding): \(d.decoded.prefix(160)) <- \(d.encoded.prefix(80))") }
        for b in blocks { lines.append("  block \(b) ") }
        for a in anomalies { lines.append("  anomaly: \(a)") }
        return lines.joined(separator: "\n")
    }
}
