import Foundation
import Testing

@testable import Inspection

/// An in-memory feed keyed by indicator.
struct DictionaryLookup: IndicatorLookup {
    var entries: [Indicator: [IndicatorHit]]

    func lookup(_ indicator: Indicator) -> [IndicatorHit] { entries[indicator] ?? [] }
}

@Suite struct IntelMatchTests {
    static let message = """
        Received: from mx.example.co.jp (mx.example.co.jp [10.1.1.1]) by store.example.co.jp
        Received: from relay.bad.example (relay.bad.example [198.51.100.23]) by mx.example.co.jp (Postfix)
        From: a@sender.example
        Subject: invoice

        Get it at http://c2.bad.example/load/invoice.doc or http://192.0.2.80:8080/x
        """

    @Test func urlDomainIPAndSenderIPHits() {
        let lookup = DictionaryLookup(entries: [
            Indicator(.url, "http://c2.bad.example/load/invoice.doc"): [
                IndicatorHit(feed: "urlhaus", entry: "http://c2.bad.example/load/invoice.doc (malware_download)")
            ],
            Indicator(.domain, "c2.bad.example"): [IndicatorHit(feed: "domains.txt", entry: "c2.bad.example")],
            Indicator(.ip, "192.0.2.80"): [
                IndicatorHit(feed: "feodotracker", entry: "192.0.2.80:8080 Heodo", threat: "Emotet")
            ],
            Indicator(.ip, "198.51.100.23"): [IndicatorHit(feed: "ips.txt", entry: "198.51.100.23")],
        ])
        let r = scanMail(Self.message, indicators: lookup)
        let hits = r.findings(.intelMatch)
        #expect(hits.contains { $0.message.contains("urlhaus") && $0.message.hasPrefix("URL ") })
        #expect(hits.contains { $0.message.contains("domain c2.bad.example") })
        #expect(hits.contains { $0.message.contains("192.0.2.80") && $0.message.contains("Emotet") })
        #expect(hits.contains { $0.message.contains("sender IP 198.51.100.23") })
        #expect(r.root.properties?["mail.sender-ip"] == "198.51.100.23")
        #expect(r.verdict == .malicious)
    }

    @Test func attachmentHashHit() throws {
        let bytes = try Fixture.bytes("mail/zipcrypto-password-in-body.eml")
        let plain = Inspector().scan(bytes[...], input: "x")
        let exe = try #require(plain.nodes.first { $0.type == .pe })
        let sha256 = try #require(exe.hashes.sha256)
        let lookup = DictionaryLookup(entries: [
            Indicator(.sha256, sha256): [IndicatorHit(feed: "malwarebazaar", entry: "\(sha256) Emotet", threat: "Emotet")]
        ])
        let r = Inspector(indicators: lookup).scan(bytes[...], input: "x")
        let hit = try #require(r.findings(.intelMatch).first)
        #expect(hit.evidence.path == exe.path)
        #expect(hit.message.contains("malwarebazaar"))
        #expect(hit.severity == .critical)
    }

    @Test func noLookupNoHitsAndUnlistedIndicatorsAreQuiet() {
        #expect(!scanMail(Self.message).has(.intelMatch))
        #expect(!scanMail(Self.message, indicators: DictionaryLookup(entries: [:])).has(.intelMatch))
    }
}
