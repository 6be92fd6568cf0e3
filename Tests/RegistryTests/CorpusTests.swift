import Foundation
import Registry
import Testing

/// The regipy hive corpus: every hive opens, every key and value reads, and the anomalies are the expected ones.
/// (The key-by-key comparison with regipy is in GoldenTests.)
@Suite("Corpus")
struct CorpusTests {
    /// Anomaly codes each hive may show: the clean ones none, the dirty ones (no logs given) only that.
    static let expected: [String: Set<RegistryAnomaly.Code>] = [
        "SAM": [], "NTUSER.DAT": [], "NTUSER_modified.DAT": [], "ntuser_software_partial": [], "SYSTEM": [],
        "UsrClass.dat": [.dirtyHive], "SYSTEM_WIN_10_1709": [.dirtyHive], "transactions_NTUSER.DAT": [.dirtyHive],
    ]

    @Test(arguments: Corpus.hives)
    func everyHiveReads(_ name: String) throws {
        let hive = try Corpus.hive(name)
        var keys = 0
        var values = 0
        var truncated = 0
        hive.walk { _, v in
            keys += 1
            values += v.count
            truncated += v.filter(\.isTruncated).count
        }
        #expect(keys == hive.keyCount)
        #expect(values == hive.valueCount)
        if let codes = Self.expected[name] {
            #expect(hive.anomalyCodes == codes, "\(hive.anomalies.prefix(5))")
            #expect(truncated == 0)
        }
    }

    /// regipy raises after 261 keys; the reader maps around the zeroed hive bins and reads what is left.
    @Test func corruptedSystemHive() throws {
        let hive = try Corpus.hive("corrupted_system_hive")
        #expect(hive.keyCount >= 1687)
        #expect(hive.valueCount >= 5625)
        let codes = hive.anomalyCodes
        #expect(codes.isSuperset(of: [.badHBin, .cellOutOfRange, .badSubkeyList]))
        #expect(!codes.contains(.badChecksum) && !codes.contains(.dirtyHive))
        #expect(hive.key(path: "ControlSet001\\Control") != nil)
        #expect(hive.root.subkeyCount > 0)
    }

    @Test func systemHiveKeys() throws {
        let hive = try Corpus.hive("SYSTEM")
        let select = try #require(hive.key(path: "Select"))
        let current = try #require(hive.value("Current", in: select)?.integer)
        #expect((1...3).contains(current))
        let services = try #require(hive.key(path: "ControlSet00\(current)\\Services"))
        #expect(services.subkeyCount > 100)
        #expect(hive.root.name.hasPrefix("CMI-CreateHive") || !hive.root.name.isEmpty)
    }

    @Test func samKeepsItsRIDsInValueTypes() throws {
        let hive = try Corpus.hive("SAM")
        let names = try #require(hive.key(path: "SAM\\Domains\\Account\\Users\\Names"))
        let users = hive.subkeys(of: names)
        #expect(!users.isEmpty)
        for user in users {
            let v = try #require(hive.value("", in: user))
            guard case .unknown(let rid) = v.type else {
                Issue.record("\(user.name): \(v.type)")
                continue
            }
            #expect(rid >= 500)
            #expect(v.storage == .inline && v.data.isEmpty)
        }
    }
}
