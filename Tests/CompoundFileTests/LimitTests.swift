import ByteCursor
import CompoundFile
import Testing

@Suite("Each limit, exceeded")
struct LimitTests {
    @Test func maxSectors() throws {
        var limits = CFBLimits.default
        limits.maxSectors.maximum = 8
        let cfb = try Fixture.cfb("fixtures/small.cfb", limits: limits)
        #expect(cfb.anomalies(.limitExceeded).first?.detail.contains("cfb.maxSectors") == true)
        // Whatever is past the limit reads as out of range; nothing traps.
        for e in cfb.entries where e.isStream { _ = try cfb.stream(e) }
    }

    @Test func maxDirectoryEntries() throws {
        var limits = CFBLimits.default
        limits.maxDirectoryEntries.maximum = 40
        let cfb = try Fixture.cfb("fixtures/wide.cfb", limits: limits)
        #expect(cfb.anomalies(.limitExceeded).first?.detail.contains("cfb.maxDirectoryEntries") == true)
        #expect(cfb.entries.count < 40)
        let whole = try Fixture.cfb("fixtures/wide.cfb")
        #expect(whole.entries.count == 300)
        #expect(whole.anomalies.isEmpty)
    }

    @Test func maxStreamBytes() throws {
        var limits = CFBLimits.default
        limits.maxStreamBytes.maximum = 1000
        let cfb = try Fixture.cfb("fixtures/small.cfb", limits: limits)
        let big = try #require(try cfb.stream(path: "WordDocument"))
        #expect(big.truncated && big.cutAtLimit)
        #expect(big.bytes.count == 1000)
        #expect(big.declaredSize == 4970)
        let mini = try #require(try cfb.stream(path: "Macros/VBA/dir"))
        #expect(!mini.truncated && !mini.cutAtLimit)
        // Exactly at the limit is not cut.
        limits.maxStreamBytes.maximum = 4970
        let exact = try #require(try CompoundFile(parsing: try Fixture.bytes("fixtures/small.cfb"), limits: limits)
            .stream(path: "WordDocument"))
        #expect(!exact.truncated && exact.bytes.count == 4970)
    }

    @Test func maxDepth() throws {
        var limits = CFBLimits.default
        limits.maxDepth.maximum = 3
        let cfb = try Fixture.cfb("fixtures/deep.cfb", limits: limits)
        #expect(cfb.anomalies(.limitExceeded).first?.detail.contains("cfb.maxDepth") == true)
        #expect(cfb.entry(path: "a/b/c") != nil)
        #expect(cfb.entry(path: "a/b/c/d") == nil)
        #expect(cfb.entry(path: "top") != nil)
        let whole = try Fixture.cfb("fixtures/deep.cfb")
        #expect(whole.entry(path: "a/b/c/d/e/leaf")?.depth == 6)
        #expect(try whole.stream(path: "A/B/C/D/E/LEAF")?.bytes == Array("deep leaf".utf8))
    }

    @Test func maxAnomalies() throws {
        var limits = CFBLimits.default
        limits.maxAnomalies.maximum = 1
        limits.maxStreamBytes.maximum = 10
        // wide.cfb with every stream's size raised: one size-mismatch per stream.
        var bytes = try Fixture.bytes("fixtures/wide.cfb")
        let cfb0 = try CompoundFile(parsing: bytes)
        _ = cfb0
        // Raise the size field of every directory entry that is a stream (type byte 2) to 600 bytes.
        for offset in stride(from: 512, to: bytes.count - 127, by: 128) where bytes[offset + 66] == 2 {
            bytes[offset + 120] = 0x58
            bytes[offset + 121] = 0x02
        }
        let cfb = try CompoundFile(parsing: bytes, limits: limits)
        #expect(cfb.anomalies.count <= 4)
        #expect(cfb.anomalies(.tooManyAnomalies).count >= 1)
    }
}
