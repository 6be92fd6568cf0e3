import Testing

@testable import ThreatIntel

@Suite struct FeedFormatDetection {
    @Test(arguments: [
        ("feodo-current.csv", FeedFormat.feodoCSV), ("feodo-2020.csv", .feodoCSV), ("feodo.json", .feodoJSON),
        ("urlhaus.csv", .urlhausCSV), ("malwarebazaar.csv", .malwareBazaarCSV), ("threatfox.json", .threatFoxJSON),
        ("list.txt", .list),
    ])
    func detectsEachFeed(name: String, format: FeedFormat) throws {
        #expect(try FeedFormat.detect(Fixture.feed(name)) == format)
    }

    @Test func unknownJSONIsRejected() {
        #expect(throws: ThreatIntelError(.unknownFormat, "")) {
            try FeedFormat.detect(Array(#"{"hello": 1}"#.utf8))
        }
    }

    @Test func proseNamingColumnsIsAList() throws {
        #expect(try FeedFormat.detect(Array("The `dst_ip` and `urlhaus_link` columns, sha256_hash md5_hash\n".utf8)) == .list)
        #expect(try FeedFormat.detect(Fixture.bytes("../Resources/feeds/list.txt")) == .list)
    }

    @Test func threatFoxCSVHeaderIsRecognised() throws {
        let text = """
            # "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","reference","tags","anonymous","reporter"
            "2022-11-02 10:00:00", "1000001", "192.0.2.77:7080", "ip:port", "botnet_cc", "win.emotet", "Geodo,Heodo", "Emotet", "", "100", "", "Emotet", "0", "example"
            """
        #expect(try FeedFormat.detect(Array(text.utf8)) == .threatFoxCSV)
        let (records, outcome) = try FeedParser.records(Array(text.utf8))
        #expect(outcome.issues.isEmpty)
        #expect(records.map(\.value) == ["192.0.2.77"])
        #expect(records.first?.threat == "Emotet")
    }
}

@Suite struct FeodoTrackerFeed {
    @Test func currentLayout() throws {
        let (records, outcome) = try FeedParser.records(Fixture.feed("feodo-current.csv"))
        #expect(outcome.format == .feodoCSV)
        #expect(records.map(\.value) == ["192.0.2.10", "198.51.100.7", "203.0.113.44"])
        #expect(records.allSatisfy { $0.kind == .ip })
        #expect(
            records[0].entry == "192.0.2.10:8080 Emotet, first seen 2022-11-02 10:15:31, last online 2023-03-15, online"
        )
        #expect(records[0].threat == "Emotet")
        #expect(records[0].firstSeen == "2022-11-02 10:15:31")
        #expect(records[0].lastSeen == "2023-03-15")
        #expect(outcome.rowsRead == 7)
        #expect(outcome.issues.lines == [12, 13, 15, 16])
        #expect(outcome.issues.map(\.reason) == [.invalidValue, .invalidValue, .unterminatedQuote, .missingField])
    }

    @Test func olderLayoutNamesEmotetHeodo() throws {
        let (records, outcome) = try FeedParser.records(Fixture.feed("feodo-2020.csv"))
        #expect(records.count == 4)
        #expect(records[1].entry.hasPrefix("198.51.100.168:8080 Heodo"))
        #expect(records[1].lastSeen == "2020-11-02")
        #expect(records[3].threat == "TrickBot")
        #expect(outcome.issues.lines == [13])
    }

    @Test func layoutsWithoutTheirHeaderFallBackByFieldCount() throws {
        let text = "2020-10-29 19:16:38,192.0.2.181,80,Heodo\n2020-10-29 19:16:39,192.0.2.182,443\n"
        let (records, outcome) = try FeedParser.records(Array(text.utf8), format: .feodoCSV)
        #expect(outcome.issues.isEmpty)
        #expect(records.map(\.threat) == ["Heodo", nil])
        #expect(
            records.map(\.entry) == [
                "192.0.2.181:80 Heodo, first seen 2020-10-29 19:16:38",
                "192.0.2.182:443, first seen 2020-10-29 19:16:39",
            ]
        )
    }

    @Test func json() throws {
        let (records, outcome) = try FeedParser.records(Fixture.feed("feodo.json"))
        #expect(records.map(\.value) == ["192.0.2.10", "2001:db8::1"])
        #expect(records[0].entry.contains("EXAMPLE-AS JP"))
        #expect(records[1].entry.hasPrefix("[2001:db8::1]:443 Dridex"))
        #expect(outcome.rowsRead == 4)
        #expect(outcome.issues.lines == [26, 32])
        #expect(outcome.issues.map(\.reason) == [.invalidValue, .invalidEntry])
    }

    @Test func hostnamesAreNotDomainIndicators() throws {
        let (records, _) = try FeedParser.records(Fixture.feed("feodo.json"))
        #expect(!records.contains { $0.kind == .domain })
    }
}

@Suite struct URLhausFeed {
    @Test func rows() throws {
        let (records, outcome) = try FeedParser.records(Fixture.feed("urlhaus.csv"))
        #expect(
            records.map(\.value) == [
                "http://shop.example.invalid/wp-content/uploads/2022/11/Invoice.zip",
                "http://203.0.113.9:8080/bins/x.dll",
                "https://docs.example.invalid/Share/Doc.xlsm",
            ]
        )
        #expect(records.allSatisfy { $0.kind == .url })
        #expect(records[0].threat == "emotet,epoch4,Heodo,zip")
        #expect(records[2].threat == "malware_download")
        #expect(records[0].entry.contains("https://urlhaus.abuse.ch/url/2500001/"))
        #expect(records[0].firstSeen == "2022-11-02 10:00:00")
        #expect(outcome.issues.lines == [12, 14])
        #expect(outcome.issues.map(\.reason) == [.invalidValue, .unterminatedQuote])
    }
}

@Suite struct MalwareBazaarFeed {
    @Test func rowsGiveEveryDigest() throws {
        let digests = try Fixture.lines("malwarebazaar.digests")
        let (records, outcome) = try FeedParser.records(Fixture.feed("malwarebazaar.csv"))
        #expect(records.map(\.kind) == [.sha256, .md5, .sha1, .sha256])
        #expect(records.map(\.value) == [digests[0], digests[1], digests[2], digests[3]])
        #expect(records[0].threat == "Heodo")
        #expect(records[0].entry.hasPrefix("INV-0307.zip (zip) Heodo, first seen 2023-03-07 10:00:00"))
        #expect(outcome.rowsRead == 5)
        #expect(outcome.issues.lines == [12, 13, 14])
        #expect(outcome.issues.map(\.reason) == [.invalidValue, .invalidValue, .unterminatedQuote])
    }
}

@Suite struct ThreatFoxFeed {
    @Test func export() throws {
        let sha = try Fixture.lines("threatfox.sha256")[0]
        let (records, outcome) = try FeedParser.records(Fixture.feed("threatfox.json"))
        #expect(records.map(\.kind) == [.ip, .domain, .url, .sha256])
        #expect(
            records.map(\.value) == [
                "192.0.2.77", "c2.example.invalid", "https://dl.example.invalid/a/Invoice.one", sha,
            ]
        )
        #expect(
            records[0].entry
                == "192.0.2.77:7080 Emotet botnet_cc, confidence 100, first seen 2022-11-02 10:00:00, ThreatFox id 1000001"
        )
        #expect(records[1].lastSeen == "2022-11-04 10:00:00")
        #expect(outcome.rowsRead == 6)
        #expect(outcome.issues.map(\.reason) == [.unsupportedType, .invalidValue])
        #expect(outcome.issues.lines == [71, 82])
    }

    @Test func apiResponseShape() throws {
        let text =
            #"{"query_status": "ok", "data": [{"id": "42", "ioc": "x", "ioc_value": "Example.invalid", "ioc_type": "domain", "malware_printable": "Emotet"}]}"#
        let (records, outcome) = try FeedParser.records(Array(text.utf8))
        #expect(outcome.issues.isEmpty)
        #expect(records.map(\.value) == ["example.invalid"])
        #expect(records[0].entry.hasSuffix("ThreatFox id 42"))
    }

    @Test func brokenJSONStopsTheImportWithItsLine() {
        let text = "{\n \"1\": [\n {\"ioc_value\": \"a\",\n }\n ]\n}"
        do {
            _ = try FeedParser.records(Array(text.utf8), format: .threatFoxJSON)
            Issue.record("no error")
        } catch let error as ThreatIntelError {
            #expect(error.code == .malformedJSON)
            #expect(error.line == 4)
        } catch {
            Issue.record("\(error)")
        }
    }
}

@Suite struct PlainListFeed {
    @Test func kindsAreInferred() throws {
        let (records, outcome) = try FeedParser.records(Fixture.feed("list.txt"))
        #expect(records.map(\.kind) == [.ip, .ip, .ip, .domain, .url, .domain, .md5, .sha1, .sha256])
        #expect(
            records.map(\.value) == [
                "192.0.2.1", "198.51.100.2", "2001:db8::7", "example.invalid", "http://bad.example.invalid/x.doc",
                "hosts.example.invalid", "d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ]
        )
        #expect(records[1].entry == "198.51.100.2:8080")
        #expect(outcome.issues.lines == [11, 12])
        #expect(outcome.rowsRead == 11)
    }
}

@Suite struct Normalisation {
    @Test(arguments: [
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"), ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
        ("::", "::"), ("::ffff:192.0.2.1", "::ffff:c000:201"), ("192.0.2.1", "192.0.2.1"),
    ])
    func addresses(raw: String, canonical: String) {
        #expect(Normalizer.normalize(Substring(raw), as: .ip) == canonical)
    }

    @Test(arguments: ["1.2.3", "1.2.3.256", "1::2::3", "12345::", "01.2.3.4x", ""])
    func invalidAddresses(raw: String) {
        #expect(Normalizer.normalize(Substring(raw), as: .ip) == nil)
    }

    @Test func urlsKeepTheirPathCase() {
        #expect(
            Normalizer.normalize("HTTP://Example.INVALID:8080/A/b?C=D", as: .url)
                == "http://example.invalid:8080/A/b?C=D"
        )
        #expect(Normalizer.normalize("example.invalid/a", as: .url) == nil)
        #expect(Normalizer.normalize("http://a b/", as: .url) == nil)
    }

    @Test func domains() {
        #expect(Normalizer.normalize("WWW.Example.Invalid.", as: .domain) == "www.example.invalid")
        #expect(Normalizer.normalize("localhost", as: .domain) == nil)
        #expect(Normalizer.normalize("-bad.example.invalid", as: .domain) == nil)
        #expect(Normalizer.normalize("192.0.2.1", as: .domain) == nil)
    }
}
