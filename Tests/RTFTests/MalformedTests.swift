import Foundation
import RTF
import TestSupport
import Testing

/// Malformed inputs give findings, not crashes.
@Suite("Malformed RTF")
struct MalformedTests {
    static let expectations: [(String, [String])] = [
        ("unbalanced.rtf", ["unclosed-groups"]),
        ("extra-close.rtf", ["extra-close-brace", "data-after-end"]),
        ("odd-hex.rtf", ["odd-hex-digits"]),
        ("bin-absurd.rtf", ["bad-bin-length", "objdata-binary"]),
        ("bin-negative.rtf", ["bad-bin-length"]),
        ("long-word.rtf", ["long-control-word"]),
        ("truncated-object.rtf", ["truncated-object"]),
        ("not-ole.rtf", ["not-ole-object"]),
        ("rt-header.rtf", ["unusual-header"]),
        ("nested-objdata.rtf", ["depth-limit"]),
    ]

    @Test(arguments: Self.expectations.map { $0.0 })
    func specimen(_ file: String) throws {
        let codes = try #require(Self.expectations.first { $0.0 == file }).1
        let document = try Fixture.document("malformed/" + file)
        for code in codes {
            #expect(document.anomalyCodes.contains(code), "\(file): expected \(code), got \(document.anomalies)")
        }
    }

    @Test func unbalancedStillYieldsTheObject() throws {
        let document = try Fixture.document("malformed/unbalanced.rtf")
        #expect(document.objects.first?.package?.label == "invoice.vbs")
    }

    @Test func objectAfterTheDocumentEndIsFound() throws {
        let document = try Fixture.document("malformed/extra-close.rtf")
        #expect(document.objects.first?.package?.label == "invoice.vbs")
    }

    @Test func hundredThousandNestedGroups() throws {
        let document = try Fixture.document("malformed/nested-groups.rtf")
        #expect(document.maxGroupDepth == 100_001)
        #expect(document.anomalies.isEmpty, "\(document.anomalies)")
    }

    @Test func notRTF() {
        for input in ["", "{", "{\\r", "hello", "{\\RTF1}", "\u{FEFF}{\\rtf1}"] {
            #expect(throws: RTFError.notRTF) { try RTFDocument(parsing: Array(input.utf8)) }
        }
    }

    /// Every prefix of the Package specimen parses (or, below 4 bytes, is not RTF): no crash, and the payload only
    /// appears whole.
    @Test func dripFeed() throws {
        let bytes = try Fixture.bytes("specimens/package-vbs.rtf")
        let full = try RTFDocument(parsing: bytes)
        let payload = try #require(full.objects.first?.package?.payload)
        for n in 0..<bytes.count {
            let prefix = bytes[0..<n]
            guard n >= 4 else {
                #expect(throws: RTFError.notRTF) { try RTFDocument(parsing: prefix) }
                continue
            }
            let document = try RTFDocument(parsing: prefix)
            #expect(document.anomalyCodes.contains("unclosed-groups") || n == bytes.count)
            for object in document.objects {
                if let p = object.package, !p.isTruncated, !p.isLink, object.ole1?.isTruncated == false {
                    #expect(p.payload.count == payload.count)
                }
            }
        }
    }

    /// Random mutations of every specimen: parsing never traps.
    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0x5EED)
        func next() -> Int { rng.nextInt() }
        let tokens = ["{", "}", "\\", "\\bin", "\\bin99999", "\\'", "\\*\\objdata ", "\\u-3", "\\objupdate", " ", "0"]
        for name in Fixture.names(in: "specimens") {
            let base = try Fixture.bytes("specimens/" + name)
            for _ in 0..<60 {
                var m = base
                for _ in 0..<(1 + next() % 6) {
                    let at = 4 + next() % max(1, m.count - 4)
                    switch next() % 3 {
                    case 0: m[min(at, m.count - 1)] = UInt8(truncatingIfNeeded: next())
                    case 1: m.insert(contentsOf: Array(tokens[next() % tokens.count].utf8), at: min(at, m.count))
                    default: m.removeSubrange(min(at, m.count)..<min(m.count, at + next() % 32))
                    }
                }
                _ = try? RTFDocument(parsing: m)
            }
        }
    }
}
