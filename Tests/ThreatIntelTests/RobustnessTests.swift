import TestSupport
import Testing

@testable import ThreatIntel

/// Random and mutated input never crashes a reader: it gives records, row issues or a ThreatIntelError.
@Suite struct Robustness {
    static let feeds = [
        "feodo-current.csv", "feodo-2020.csv", "feodo.json", "urlhaus.csv", "malwarebazaar.csv", "threatfox.json",
        "list.txt",
    ]

    func survive(_ bytes: [UInt8], _ format: FeedFormat?) {
        do {
            let (records, outcome) = try FeedParser.records(bytes, format: format)
            #expect(outcome.indicators == records.count)
            #expect(outcome.skipped >= outcome.issues.count)
            for r in records { #expect(Normalizer.normalize(Substring(r.value), as: r.kind) == r.value) }
        } catch is ThreatIntelError {
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: feeds)
    func mutatedFeeds(name: String) throws {
        let original = try Fixture.feed(name)
        let format = try FeedFormat.detect(original)
        var random = SplitMix64(seed: 0x1D7E_1_2023)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0...random.below(8) {
                let at = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: at)
                case 2: bytes.insert([0x22, 0x2C, 0x0A, 0x5B, 0x7B, 0x3A, 0xFF][random.below(7)], at: at)
                default: bytes = Array(bytes.prefix(at))
                }
                if bytes.isEmpty { break }
            }
            survive(bytes, format)
            survive(bytes, nil)
        }
    }

    @Test(arguments: ["feodo.json", "threatfox.json"])
    func everyPrefixOfJSONFailsCleanly(name: String) throws {
        let original = try Fixture.feed(name)
        let format = try FeedFormat.detect(original)
        for end in 0..<original.count {
            let prefix = Array(original.prefix(end))
            if prefix.allSatisfy({ $0 == 0x20 || $0 == 0x0A }) && end > 0 { continue }
            let trimmedEnd = prefix.lastIndex(where: { $0 != 0x0A && $0 != 0x20 }).map { $0 + 1 } ?? 0
            // Every prefix short of the closing bracket is incomplete JSON.
            if trimmedEnd < (original.lastIndex(where: { $0 != 0x0A && $0 != 0x20 }) ?? 0) + 1 {
                #expect(throws: ThreatIntelError.self) { try FeedParser.records(prefix, format: format) }
            }
        }
    }

    @Test func randomBytes() {
        var random = SplitMix64(seed: 6)
        for _ in 0..<500 {
            let bytes = (0..<random.below(400)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            for format in FeedFormat.allCases { survive(bytes, format) }
            survive(bytes, nil)
        }
    }
}
