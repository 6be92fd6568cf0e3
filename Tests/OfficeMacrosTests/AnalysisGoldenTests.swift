import Testing

@testable import OfficeMacros

/// The analyzer against olevba's and mraptor's output on real and fixture projects.
@Suite struct AnalysisGoldenTests {
    @Test(arguments: VBAFixture.goldenSamples)
    func matchesOlevba(sample: String) throws {
        let golden = try VBAFixture.golden(sample)
        let lookup = try VBAFixture.streamLookup(sample)
        var flags = MacroRiskFlags()
        var findings: [VBAFixture.Golden.Finding] = []
        for expected in golden.projects {
            let project = try VBAExtractor.project(storagePath: expected.storage, stream: lookup)
            let analysis = MacroAnalyzer.analyze(project: project, options: .init(deobfuscate: false))
            flags = flags.union(analysis.flags)
            findings += analysis.indicators.map {
                VBAFixture.Golden.Finding(type: $0.kind.rawValue, keyword: $0.keyword, description: $0.description)
            }
        }
        #expect(flags.flagString == golden.mraptor.flags)
        #expect(flags.isMalicious == golden.mraptor.suspicious)
        #expect(findings == golden.analysis)
    }
}
