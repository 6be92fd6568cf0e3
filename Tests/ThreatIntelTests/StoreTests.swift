import Foundation
import Testing

@testable import ThreatIntel

@Suite struct StoreImport {
    @Test func importReportsRowsAndSkippedLines() throws {
        let temp = try TemporaryStore()
        let summary = try temp.store.importFeed(Fixture.feed("feodo-current.csv"))
        #expect(summary.feed == "feodotracker")
        #expect(summary.format == .feodoCSV)
        #expect(summary.rowsRead == 7)
        #expect((summary.added, summary.updated, summary.unchanged) == (3, 0, 0))
        #expect(summary.skipped == 4)
        #expect(summary.issues.lines == [12, 13, 15, 16])
    }

    @Test func reimportingTheSameFileChangesNothing() throws {
        let temp = try TemporaryStore()
        for name in ["feodo-current.csv", "urlhaus.csv", "malwarebazaar.csv", "threatfox.json", "feodo.json"] {
            let first = try temp.store.importFeed(
                Fixture.feed(name),
                feed: name,
                now: Date(timeIntervalSince1970: 1_700_000_000)
            )
            #expect(first.added == first.indicators, "\(name)")
            let snapshot = try dump(temp.store)
            let second = try temp.store.importFeed(
                Fixture.feed(name),
                feed: name,
                now: Date(timeIntervalSince1970: 1_800_000_000)
            )
            #expect((second.added, second.updated) == (0, 0), "\(name)")
            #expect(second.unchanged == first.indicators, "\(name)")
            #expect(try dump(temp.store) == snapshot, "\(name)")
        }
        // The import log records both imports of every file.
        let stats = try temp.store.statistics()
        #expect(stats.first(where: { $0.feed == "feodo.json" })?.lastImport == "2027-01-15T08:00:00Z")
    }

    @Test func laterRowsWidenTheDatesAndUpdateTheEntry() throws {
        let temp = try TemporaryStore()
        let a =
            "# first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware\n2022-11-02 10:00:00,192.0.2.10,8080,online,2023-01-01,Emotet\n"
        let b =
            "# first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware\n2022-12-01 10:00:00,192.0.2.10,443,online,2023-03-01,Emotet\n"
        _ = try temp.store.importFeed(Array(a.utf8))
        let second = try temp.store.importFeed(Array(b.utf8))
        #expect((second.added, second.updated, second.unchanged) == (0, 1, 0))
        let match = try IntelSet(store: temp.store).match(kind: .ip, value: "192.0.2.10")
        #expect(match.count == 1)
        #expect(match.first?.firstSeen == "2022-11-02 10:00:00")
        #expect(match.first?.lastSeen == "2023-03-01")
        #expect(match.first?.entry.hasPrefix("192.0.2.10:443 Emotet") == true)
    }

    @Test func aListNeedsAFeedName() throws {
        let temp = try TemporaryStore()
        #expect(throws: ThreatIntelError(.unknownFormat, "")) {
            try temp.store.importFeed(Fixture.feed("list.txt"))
        }
        let summary = try temp.store.importFeed(Fixture.feed("list.txt"), feed: "list.txt")
        #expect(summary.added == 9)
    }

    @Test func brokenJSONStoresNothing() throws {
        let temp = try TemporaryStore()
        let text = #"[{"ip_address": "192.0.2.10", "port": 80, "malware": "Emotet"}, {"ip_address": "#
        #expect(throws: ThreatIntelError(.malformedJSON, "")) {
            try temp.store.importFeed(Array(text.utf8), format: .feodoJSON)
        }
        #expect(try temp.store.statistics().isEmpty)
    }

    @Test func importFileUsesTheListsFileName() throws {
        let temp = try TemporaryStore()
        let path = temp.folder.appendingPathComponent("blocklist.txt")
        try Data("192.0.2.200\nc2.example.invalid\n".utf8).write(to: path)
        let summary = try temp.store.importFile(atPath: path.path)
        #expect(summary.feed == "blocklist.txt")
        #expect(
            try IntelSet(store: temp.store).match(kind: .domain, value: "C2.Example.Invalid").first?.feed
                == "blocklist.txt"
        )
    }

    func dump(_ store: IntelStore) throws -> [String] {
        try store.database.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT kind || '|' || value || '|' || feed || '|' || entry || '|' || ifnull(threat, '') || '|' ||
                    ifnull(first_seen, '') || '|' || ifnull(last_seen, '') || '|' || imported_at
                    FROM indicator ORDER BY kind, value, feed
                    """
            )
        }
    }
}

@Suite struct Matching {
    static func loaded() throws -> (TemporaryStore, IntelSet) {
        let temp = try TemporaryStore()
        for name in ["feodo-current.csv", "urlhaus.csv", "malwarebazaar.csv", "threatfox.json"] {
            _ = try temp.store.importFeed(Fixture.feed(name))
        }
        _ = try temp.store.importFeed(Fixture.feed("list.txt"), feed: "list.txt")
        return (temp, try IntelSet(store: temp.store))
    }

    @Test func eachKindMatches() throws {
        let (temp, set) = try Self.loaded()
        _ = temp
        let digests = try Fixture.lines("malwarebazaar.digests")
        #expect(set.match(kind: .sha256, value: digests[0].uppercased()).map(\.feed) == ["malwarebazaar"])
        #expect(set.match(kind: .md5, value: digests[1]).first?.threat == "Heodo")
        #expect(set.match(kind: .sha1, value: digests[2]).first?.feed == "malwarebazaar")
        #expect(
            set.match(kind: .url, value: "HTTP://SHOP.example.invalid/wp-content/uploads/2022/11/Invoice.zip").first?
                .feed == "urlhaus"
        )
        #expect(set.match(kind: .domain, value: "c2.example.invalid.").first?.threat == "Emotet")
        let ip = set.match(kind: .ip, value: "192.0.2.10:443")
        #expect(ip.map(\.feed) == ["feodotracker"])
        #expect(ip.first?.entry.hasPrefix("192.0.2.10:8080 Emotet") == true)
        #expect(set.match(kind: .ip, value: "2001:DB8:0::7").first?.feed == "list.txt")
        #expect(set.match(kind: .sha256, value: try Fixture.lines("threatfox.sha256")[0]).first?.feed == "threatfox")
    }

    @Test func oneValueInSeveralFeedsNamesEach() throws {
        let (temp, _) = try Self.loaded()
        _ = try temp.store.importFeed(Array("192.0.2.10\n".utf8), feed: "local")
        let set = try IntelSet(store: temp.store)
        #expect(set.match(kind: .ip, value: "192.0.2.10").map(\.feed) == ["feodotracker", "local"])
    }

    @Test func missesAndInvalidValuesMatchNothing() throws {
        let (temp, set) = try Self.loaded()
        _ = temp
        #expect(set.match(kind: .ip, value: "192.0.2.11").isEmpty)
        #expect(set.match(kind: .ip, value: "not an ip").isEmpty)
        #expect(set.match(kind: .domain, value: "example.invalid.other").isEmpty)
        // A URL's host is not a domain indicator: URLhaus's shop.example.invalid does not match as a domain.
        #expect(set.match(kind: .domain, value: "shop.example.invalid").isEmpty)
        // The kind matters: the IP is not a domain.
        #expect(set.match(kind: .md5, value: "192.0.2.10").isEmpty)
        #expect(IntelSet().match(kind: .ip, value: "192.0.2.10").isEmpty)
    }

    @Test func theSetCountsDistinctIndicators() throws {
        let (temp, set) = try Self.loaded()
        let total = try temp.store.statistics().map(\.total).reduce(0, +)
        // 192.0.2.10 is in one feed only here; every stored (kind, value) is distinct across feeds but two.
        #expect(set.count <= total)
        #expect(set.count > 0)
    }

    @Test func aReadOnlyStoreMustExist() {
        #expect(throws: ThreatIntelError(.store, "")) {
            try IntelSet(path: "/nonexistent/intel.sqlite")
        }
    }
}
