import Foundation
import OneNote
import TestSupport
import Testing

/// Cabinets made by gcab (MSZIP and stored) and by the fixture script (reserved areas, checksums, UTF-8 names).
@Suite("Cabinets")
struct CabinetTests {
    static let listing: [String: [CabinetEntryGolden]] = (try? Fixture.json("golden/cabinets.json")) ?? [:]

    @Test func listingIsThere() {
        #expect(Self.listing.count == 4)
    }

    @Test(arguments: ["lure-wsf.onepkg", "both.onepkg", "multiblock.cab", "stored.cab"])
    func listsAndExtracts(_ name: String) throws {
        let want = try #require(Self.listing[name])
        let cab = try Fixture.cabinet("fixtures/" + name)
        #expect(cab.anomalies.isEmpty, "\(cab.anomalies)")
        #expect(cab.files.map(\.name) == want.map(\.name))
        #expect(cab.files.map { Int($0.size) } == want.map(\.size))
        for (file, golden) in zip(cab.files, want) {
            let (bytes, anomalies) = try cab.extractReporting(file)
            #expect(anomalies.isEmpty, "\(anomalies)")
            #expect(HexDigest.sha256(bytes) == golden.sha256, "\(name): \(file.name)")
        }
    }

    @Test func compressionMethods() throws {
        #expect(try Fixture.cabinet("fixtures/lure-wsf.onepkg").folders.map(\.compression) == [.msZip])
        #expect(try Fixture.cabinet("fixtures/both.onepkg").folders.map(\.compression) == [.none])
        let multi = try Fixture.cabinet("fixtures/multiblock.cab")
        #expect(multi.folders.first?.blockCount ?? 0 > 2)
    }

    @Test func onepkgHoldsTheLure() throws {
        let cab = try Fixture.cabinet("fixtures/lure-wsf.onepkg")
        let entry = try #require(cab.files.first { $0.name == "Invoice.one" })
        let one = try OneNoteFile(parsing: try cab.extract(entry))
        #expect(one.embeddedFiles.map(\.name) == ["invoice.wsf"])
    }

    @Test func storedCabinetFields() throws {
        let cab = try Fixture.cabinet("fixtures/stored.cab")
        #expect(cab.dataReserve == 1)
        #expect(cab.versionMajor == 1 && cab.versionMinor == 3)
        #expect(cab.files[1].name == "résumé.txt")
        #expect(cab.files[1].attributes & 0x80 != 0)
        #expect(cab.files[0].date == 0x5661)
    }

    @Test func notACabinet() throws {
        #expect(throws: OneNoteError.notCabinet) { try CabinetArchive(parsing: [UInt8]()) }
        let one = try Fixture.bytes("fixtures/lure-wsf.one")
        #expect(throws: OneNoteError.notCabinet) { try CabinetArchive(parsing: one) }
    }

    /// Every prefix of the MSZIP cabinet: it throws, or lists what it can, and extraction throws or returns the
    /// right bytes.
    @Test func dripFeed() throws {
        let bytes = try Fixture.bytes("fixtures/lure-wsf.onepkg")
        let want = try #require(Self.listing["lure-wsf.onepkg"])
        for n in 0...bytes.count {
            guard let cab = try? CabinetArchive(parsing: bytes[0..<n]) else { continue }
            for file in cab.files {
                guard let content = try? cab.extract(file) else { continue }
                let golden = try #require(want.first { $0.name == file.name })
                #expect(HexDigest.sha256(content) == golden.sha256, "prefix \(n): \(file.name)")
            }
        }
    }

    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0xCAB)
        for name in ["lure-wsf.onepkg", "stored.cab", "multiblock.cab"] {
            let base = try Fixture.bytes("fixtures/" + name)
            for _ in 0..<300 {
                var m = base
                for _ in 0..<(1 + rng.nextInt() % 6) {
                    m[rng.nextInt() % m.count] = UInt8(truncatingIfNeeded: rng.nextInt())
                }
                guard let cab = try? CabinetArchive(parsing: m) else { continue }
                for file in cab.files.prefix(8) { _ = try? cab.extract(file) }
            }
        }
    }
}
