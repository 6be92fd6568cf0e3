import TestSupport
import Testing
import ZIP

@Suite("Hostile input never crashes")
struct RobustnessTests {
    static let small: ZIPLimits = {
        var limits = ZIPLimits.default
        limits.maxInflatedBytesPerEntry.maximum = 1 << 20
        limits.keepBytesPerEntry = 1 << 20
        // Short zero runs are dropped, not kept: keeping them is slow in a debug build.
        limits.minimumPaddingRun = 4096
        return limits
    }()

    /// Parses and extracts everything; errors are fine, crashes and hangs are not.
    static func exercise(_ bytes: ArraySlice<UInt8>) -> ZIPArchive? {
        guard let zip = try? ZIPArchive(parsing: bytes, limits: small) else { return nil }
        for entry in zip.entries {
            _ = zip.passwordMatches(Fixture.password, for: entry)
            _ = try? zip.extract(entry, password: entry.isEncrypted ? Fixture.password : nil, limits: small)
        }
        return zip
    }

    /// Every prefix of a valid archive parses with an anomaly or throws, until the last byte.
    @Test(arguments: ["infozip-plain.zip", "zipcrypto-stream.zip", "aes128.zip", "zip64-full.zip", "data-descriptor.zip"])
    func dripFeed(file: String) throws {
        let bytes = try Fixture.bytes(file)
        for n in 0..<bytes.count {
            if let zip = Self.exercise(bytes[0..<n]) {
                #expect(!zip.anomalies.isEmpty, "prefix of \(n) bytes parsed without a complaint")
            }
        }
        let whole = try #require(Self.exercise(bytes[...]))
        #expect(whole.anomalies.isEmpty)
    }

    /// Seeded byte flips over every fixture.
    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0x5EED)
        for file in ["infozip-plain.zip", "zipcrypto.zip", "aes256.zip", "overlap-bomb.zip", "zip64-full.zip",
                     "data-descriptor.zip", "hidden-entry.zip", "truncated.zip", "sjis-name.zip"] {
            let original = try Fixture.bytes(file)
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<Int(rng.next() % 4 + 1) {
                    let i = Int(rng.next() % UInt64(bytes.count))
                    bytes[i] = rng.next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: rng.next())
                }
                _ = Self.exercise(bytes[...])
            }
        }
    }

    /// A slice that does not start at index 0 reports offsets from its own start.
    @Test func sliceOffsets() throws {
        let bytes = try Fixture.bytes("infozip-plain.zip")
        let padded = Array(repeating: 0xAA, count: 100) + bytes
        let zip = try ZIPArchive(parsing: padded[100...])
        #expect(zip.anomalies.isEmpty)
        let entry = try #require(zip.entry("invoice.txt"))
        #expect(try zip.extract(entry).output.bytes == Fixture.invoice)
    }
}

@Suite("Scale")
struct ScaleTests {
    /// Fifield's full overlap: thousands of central records pointing at one local header.
    @Test func thousandsOfEntriesSharingOneLocalHeader() throws {
        var b = ZIPBuilder()
        b.add(name: "kernel.bin", [.zeros(1 << 16)])
        let one = b.finished()
        // Split the one-entry archive into its local part, central record and end record.
        let cdOffset = Int(one[one.count - 6]) | Int(one[one.count - 5]) << 8 | Int(one[one.count - 4]) << 16
        let record = Array(one[cdOffset..<(one.count - 22)])
        let copies = 20_000
        var out = Array(one[0..<cdOffset])
        for _ in 0..<copies { out += record }
        let cdSize = record.count * copies
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(copies & 0xFFFF)) + le16(UInt16(copies & 0xFFFF))
            + le32(UInt32(cdSize)) + le32(UInt32(cdOffset)) + le16(0)
        let zip = try ZIPArchive(parsing: out)
        #expect(zip.entries.count == copies)
        // Capped per code: the flood of duplicate names does not hide the overlaps.
        let cap = ZIPLimits.default.maxAnomalies.maximum
        #expect(zip.anomalies(.duplicateName).count == cap)
        #expect(zip.anomalies(.overlappingEntries).count == cap)
        #expect(zip.anomalies(.tooManyAnomalies).count == 2)
    }

    /// A megabyte of "PK\x03\x04" and "PK\x05\x06" patterns parses in bounded time and memory.
    @Test func signatureFlood() throws {
        let flood = Array(repeating: [0x50, 0x4B, 0x03, 0x04, 0x50, 0x4B, 0x05, 0x06] as [UInt8], count: 1 << 15)
            .flatMap { $0 }
        _ = try? ZIPArchive(parsing: flood)
        var b = ZIPBuilder()
        b.add(name: "flood.bin", [.bytes(flood)], method: 0)
        let zip = try ZIPArchive(parsing: b.finished())
        #expect(zip.entries.count == 1)
    }
}
