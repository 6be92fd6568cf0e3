import CompoundFile
import Foundation
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
        #expect(SHA256.hex(bytes) == golden.sha256, "the input changed since the golden was written")
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
            #expect(SHA256.hex(content.bytes) == expected.sha256, "\(expected.path)")
        }
    }
}
