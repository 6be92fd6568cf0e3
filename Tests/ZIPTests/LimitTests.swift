import ByteCursor
import Testing
import ZIP

@Suite("Each limit, exceeded")
struct LimitTests {
    @Test func maxEntries() throws {
        var b = ZIPBuilder()
        for i in 0..<5 { b.add(name: "f\(i).txt", [.bytes(Fixture.readme)]) }
        var limits = ZIPLimits.default
        limits.maxEntries.maximum = 3
        let zip = try ZIPArchive(parsing: b.finished(), limits: limits)
        #expect(zip.entries.count == 3)
        #expect(zip.anomalies(.limitExceeded).first?.detail.contains("zip.maxEntries") == true)
    }

    @Test func maxNameBytes() throws {
        var b = ZIPBuilder()
        let long = String(repeating: "a", count: 100) + ".txt"
        b.add(name: long, [.bytes(Fixture.readme)])
        var limits = ZIPLimits.default
        limits.maxNameBytes.maximum = 16
        let zip = try ZIPArchive(parsing: b.finished(), limits: limits)
        let entry = try #require(zip.entries.first)
        #expect(entry.rawName.count == 16)
        #expect(entry.name == String(repeating: "a", count: 16))
        #expect(zip.anomalies(.limitExceeded).first?.detail.contains("zip.maxNameBytes") == true)
        #expect(try zip.extract(entry).output.bytes == Fixture.readme)
    }

    @Test func maxInflatedBytesPerEntry() throws {
        var b = ZIPBuilder()
        b.add(name: "padded.doc", [.bytes(Fixture.invoice), .zeros(4 << 20), .bytes(Fixture.readme)])
        let zip = try ZIPArchive(parsing: b.finished())
        var limits = ZIPLimits.default
        limits.maxInflatedBytesPerEntry.maximum = 1 << 20
        let x = try zip.extract(zip.entries[0], limits: limits)
        #expect(x.stoppedAtLimit)
        #expect(!x.crcValid)
        #expect(x.output.totalBytes == 1 << 20)
        #expect(x.output.bytes.starts(with: Fixture.invoice))
        // Without the limit the same entry is whole.
        let whole = try zip.extract(zip.entries[0])
        #expect(!whole.stoppedAtLimit && whole.crcValid)
        #expect(whole.output.bytes == Fixture.invoice + Fixture.readme)
    }

    @Test(arguments: [ZIPMethod.stored, ZIPMethod.deflate])
    func limitExactlyAtTheSizeIsNotExceeded(method: UInt16) throws {
        var b = ZIPBuilder()
        b.add(name: "exact.txt", [.bytes(Fixture.report)], method: method)
        let zip = try ZIPArchive(parsing: b.finished())
        var limits = ZIPLimits.default
        limits.maxInflatedBytesPerEntry.maximum = Fixture.report.count
        let x = try zip.extract(zip.entries[0], limits: limits)
        #expect(!x.stoppedAtLimit)
        #expect(x.crcValid)
        limits.maxInflatedBytesPerEntry.maximum = Fixture.report.count - 1
        let y = try zip.extract(zip.entries[0], limits: limits)
        #expect(y.stoppedAtLimit)
        #expect(y.output.totalBytes == Fixture.report.count - 1)
    }

    @Test func keepBytesPerEntry() throws {
        var b = ZIPBuilder()
        b.add(name: "report.txt", [.bytes(Fixture.report)])
        let zip = try ZIPArchive(parsing: b.finished())
        var limits = ZIPLimits.default
        limits.keepBytesPerEntry = 1000
        let x = try zip.extract(zip.entries[0], limits: limits)
        #expect(x.output.truncated)
        #expect(x.output.bytes == Array(Fixture.report.prefix(1000)))
        #expect(x.crcValid)
    }

    @Test func maxAnomalies() throws {
        var b = ZIPBuilder()
        for i in 0..<10 { b.add(name: "../up\(i).txt", [.bytes(Fixture.readme)]) }
        var limits = ZIPLimits.default
        limits.maxAnomalies.maximum = 4
        let zip = try ZIPArchive(parsing: b.finished(), limits: limits)
        #expect(zip.anomalies.count == 5)
        #expect(zip.anomalies.last?.code == .tooManyAnomalies)
    }

    @Test func maxSignatureHits() throws {
        var b = ZIPBuilder()
        b.add(name: "many-signatures.bin", [.bytes(Array(repeating: [0x50, 0x4B, 0x03, 0x04], count: 100).flatMap { $0 })], method: 0)
        var limits = ZIPLimits.default
        limits.maxSignatureHits.maximum = 10
        let zip = try ZIPArchive(parsing: b.finished(), limits: limits)
        #expect(zip.entries.count == 1)
        #expect(zip.anomalies(.limitExceeded).first?.detail.contains("zip.maxSignatureHits") == true)
    }
}
