import Foundation
import Testing

@testable import OfficeMacros

/// Every keyword of olevba's tables, the ActiveX event pattern, IOCs, hex and Base64 strings and mraptor's
/// flags, on snippets whose olevba 0.60.2 and mraptor verdicts are in `golden/analysis-cases.json`.
@Suite struct AnalysisKeywordTests {
    struct Case: Decodable {
        var code: String
        var analysis: [VBAFixture.Golden.Finding]
        var mraptor: VBAFixture.Golden.Raptor
    }

    static let cases: [Case] = {
        guard let url = try? VBAFixture.root.appendingPathComponent("golden/analysis-cases.json"),
            let data = try? Data(contentsOf: url)
        else { return [] }
        return (try? JSONDecoder().decode([Case].self, from: data)) ?? []
    }()

    @Test func casesLoaded() {
        #expect(Self.cases.count >= 700)
    }

    @Test func everyCaseMatchesOlevbaAndMraptor() {
        var mismatches = 0
        for c in Self.cases {
            let analysis = MacroAnalyzer.analyze(source: c.code, location: "m", options: .init(deobfuscate: false))
            let findings = analysis.indicators.map {
                VBAFixture.Golden.Finding(type: $0.kind.rawValue, keyword: $0.keyword, description: $0.description)
            }
            if findings != c.analysis || analysis.flags.flagString != c.mraptor.flags
                || analysis.flags.isMalicious != c.mraptor.suspicious
            {
                mismatches += 1
                Issue.record(
                    "\(c.code.debugDescription)\n ours: \(findings.map { "\($0.type)|\($0.keyword)" }) \(analysis.flags.flagString)\n olevba: \(c.analysis.map { "\($0.type)|\($0.keyword)" }) \(c.mraptor.flags)"
                )
                if mismatches > 20 { break }
            }
        }
        #expect(mismatches == 0)
    }
}
