import CompoundFile
import Foundation
import TestSupport
import Testing

/// Every compound file of the oletools corpus (and the ones inside its ZIP containers) against olefile's view of
/// it, written by `scripts/make-cfb-fixtures.py`: the same storages, the same streams with the same sizes and
/// content, and no anomaly.
@Suite("olefile differential")
struct CorpusTests {
    static let goldens: [(String, Golden)] = (try? Golden.all()) ?? []

    @Test func goldensArePresent() {
        #expect(Self.goldens.count >= 65, "the fixture script writes one golden per compound file")
        #expect(Self.goldens.filter { $0.1.source == "corpus" }.count >= 37)
        #expect(FileManager.default.fileExists(atPath: Fixture.corpus.path), "corpus at \(Fixture.corpus.path)")
    }

    @Test(arguments: Self.goldens.map(\.0))
    func matchesOlefile(name: String) throws {
        let golden = try #require(Self.goldens.first { $0.0 == name }?.1)
        let bytes = try golden.input()
        #expect(bytes.count == golden.size)
        #expect(HexDigest.sha256(bytes) == golden.sha256, "the input changed since the golden was written")
        let cfb = try CompoundFile(parsing: bytes)
        #expect(cfb.sectorSize == golden.sectorSize)
        #expect(cfb.anomalies.isEmpty, "\(cfb.anomalies)")

        let storages = cfb.entries.filter(\.isStorage).map(\.path).sorted()
        #expect(storages == golden.storages.sorted())
        let streams = cfb.entries.filter(\.isStream)
        #expect(streams.map(\.path).sorted() == golden.streams.map(\.path).sorted())
        for expected in golden.streams {
            let entry = try #require(cfb.entry(path: expected.path), "\(expected.path)")
            #expect(entry.size == UInt64(expected.size), "\(expected.path)")
            let content = try cfb.stream(entry)
            #expect(!content.truncated, "\(expected.path)")
            #expect(content.bytes.count == expected.size, "\(expected.path)")
            #expect(HexDigest.sha256(content.bytes) == expected.sha256, "\(expected.path)")
        }
    }

    /// PowerPoint's ExOleObjStg records: the same objects, inflated to the same bytes as Python's zlib, and the
    /// Packager payload inside (calc.lnk in `sample_with_lnk_file.ppt` and `.pps`).
    @Test func powerPointObjects() throws {
        var checked = 0
        var payloads = 0
        for (name, golden) in Self.goldens where !golden.pptObjects.isEmpty {
            let cfb = try CompoundFile(parsing: try golden.input())
            let objects = cfb.powerPointOLEObjects()
            #expect(objects.map(\.recordOffset) == golden.pptObjects.map(\.offset), "\(name)")
            for (object, expected) in zip(objects, golden.pptObjects) {
                #expect(object.compressed == expected.compressed, "\(name)")
                #expect(object.bytes.count == expected.size, "\(name)")
                #expect(HexDigest.sha256(object.bytes) == expected.sha256, "\(name)")
                checked += 1
                guard let native = expected.ole10native else { continue }
                #expect(!object.truncated, "\(name)")
                let inner = try CompoundFile(parsing: object.bytes)
                let found = try #require(inner.embeddedObjects().first?.native, "\(name)")
                #expect(found.label == native.label)
                #expect(found.payload.count == native.payloadSize)
                #expect(HexDigest.sha256(Array(found.payload)) == native.payloadSHA256)
                payloads += 1
            }
        }
        #expect(checked >= 21)
        #expect(payloads >= 6)
        let lnk = try CompoundFile(parsing: try Fixture.corpusBytes("oleobj/sample_with_lnk_file.pps"))
        let object = try #require(lnk.powerPointOLEObjects().first)
        let native = try #require(try CompoundFile(parsing: object.bytes).embeddedObjects().first?.native)
        #expect(native.label == "calc.lnk")
        #expect(HexDigest.sha256(native.payload) == "d8019f6968282b9eef712acb82920fd6446e28ac6684b443b5e48be0c79414ea")
    }
}
