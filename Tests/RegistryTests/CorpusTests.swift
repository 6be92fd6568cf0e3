import Foundation
import Registry
import Testing

/// The regipy hive corpus: every hive opens, every key and value reads, and the keys that matter to EmoCheck are
/// where regipy finds them.
@Suite("Corpus")
struct CorpusTests {
    @Test(arguments: Corpus.hives)
    func everyHiveReads(_ name: String) throws {
        let hive = try Corpus.hive(name)
        var keys = 0
        var values = 0
        hive.walk { _, v in
            keys += 1
            values += v.count
        }
        #expect(keys == hive.keyCount)
        #expect(values == hive.valueCount)
        print("\(name): \(keys) keys, \(values) values, anomalies: \(hive.anomalies.prefix(8).map(\.description))")
    }
}
