import ByteCursor
import DiskImage
import TestSupport
import Testing

@Suite("Hostile input never crashes")
struct RobustnessTests {
    static let small: DiskImageLimits = {
        var l = DiskImageLimits.default
        l.maxEntries.maximum = 256
        l.maxReadBytesPerEntry.maximum = 1 << 20
        l.minimumPaddingRun = 4096
        return l
    }()

    /// Lists and reads everything; errors are fine, crashes and hangs are not.
    static func exercise(_ bytes: ArraySlice<UInt8>) -> DiskImage? {
        guard let image = try? DiskImage(parsing: bytes, limits: small) else { return nil }
        for entry in image.entries where !entry.isDirectory { _ = try? image.read(entry, keepLimit: 64 << 10) }
        return image
    }

    /// Prefixes of a valid image (every byte of the last 2 KiB, a stride elsewhere) list with an anomaly or
    /// throw, until the last byte; except where the prefix is a valid image of another kind (the raw disk inside
    /// a VHD without its footer).
    @Test(arguments: ["lure.iso", "plain.iso", "lure-xorriso.iso", "fat12.img", "fat12.vhd", "disk-mbr.vhd",
                      "udf-only.img", "udf-empty.img"])
    func dripFeed(file: String) throws {
        let bytes = try Fixture.bytes(file)
        let stride = Swift.max(1, bytes.count / 700) | 1
        var prefixes = Array(Swift.stride(from: 0, to: bytes.count, by: stride))
        prefixes += Swift.max(0, bytes.count - 2100)..<bytes.count
        let whole = try #require(Self.exercise(bytes[...]))
        for n in prefixes {
            if let image = Self.exercise(bytes[0..<n]), image.kind == whole.kind {
                #expect(!image.anomalies.isEmpty, "\(file): prefix of \(n) bytes listed without a complaint")
            }
        }
        #expect(whole.anomalies.isEmpty)
    }

    /// Seeded byte flips in the metadata of every fixture.
    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0x150)
        for file in ["lure.iso", "lure-xorriso.iso", "plain.iso", "udf-only.img", "udf-bridge.iso", "udf-empty.img",
                     "fat12.img", "disk-mbr.vhd", "dynamic.vhd"] {
            let original = try Fixture.bytes(file)
            // Where the structures are: descriptors and directories (ISO), anchors and file entries (UDF), FATs.
            let regions = [0..<min(original.count, 80 << 10), max(0, original.count - (80 << 10))..<original.count]
            for round in 0..<120 {
                var bytes = original
                let region = regions[round % 2]
                for _ in 0..<Int(rng.next() % 6 + 1) {
                    let i = region.lowerBound + Int(rng.next() % UInt64(region.count))
                    bytes[i] = rng.next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: rng.next())
                }
                _ = Self.exercise(bytes[...])
            }
        }
    }

    /// Random structures in the FAT and ISO builders' images.
    @Test func randomFATChains() throws {
        var rng = SplitMix64(seed: 0xFA7)
        for _ in 0..<200 {
            var b = FATBuilder(clusters: 32)
            var root: [UInt8] = []
            for i in 0..<4 {
                let c = b.store([UInt8](repeating: UInt8(i), count: Int(rng.next() % 2000) + 1))
                let attributes: UInt8 = rng.next() % 4 == 0 ? 0x10 : 0x20
                root += FATBuilder.entry("F\(i)", attributes: attributes, cluster: c, size: Int(rng.next() % 5000))
            }
            b.root = root
            for c in 2..<34 where rng.next() % 3 == 0 { b.fat[c] = Int(rng.next() % 40) }
            _ = Self.exercise(b.finished()[...])
        }
    }
}
