import CompoundFile
import Foundation
import Testing

/// Throughput in release mode; opt-in:
/// `CFB_BENCH=1 swift test -c release --scratch-path .build-cfb --filter CompoundFileTests.BenchmarkTests`
@Suite("Benchmarks", .enabled(if: ProcessInfo.processInfo.environment["CFB_BENCH"] != nil), .serialized)
struct BenchmarkTests {
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// The fastest and the median of `rounds` timings of `body` (the machine is shared: the minimum is the
    /// least disturbed pass).
    static func best(_ rounds: Int, _ body: () throws -> Void) rethrows -> (min: Double, median: Double) {
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<rounds { times.append(seconds(try clock.measure(body))) }
        times.sort()
        return (times[0], times[times.count / 2])
    }

    /// Opens every compound file of the corpus (and those from its ZIP containers), reads every stream, parses
    /// every Ole10Native stream and inflates every PowerPoint object.
    @Test func corpus() throws {
        let inputs = try CorpusTests.goldens.filter { $0.1.source != "fixture" }.map { try $0.1.input() }
        let total = inputs.reduce(0) { $0 + $1.count }
        var streams = 0
        var streamBytes = 0
        let parse = try Self.best(100) {
            for bytes in inputs { _ = try CompoundFile(parsing: bytes) }
        }
        let read = try Self.best(100) {
            streams = 0
            streamBytes = 0
            for bytes in inputs {
                let cfb = try CompoundFile(parsing: bytes)
                for e in cfb.entries where e.isStream {
                    streams += 1
                    streamBytes += try cfb.stream(e).bytes.count
                }
            }
        }
        let all = try Self.best(100) {
            for bytes in inputs {
                let cfb = try CompoundFile(parsing: bytes)
                for e in cfb.entries where e.isStream { _ = try cfb.stream(e) }
                _ = cfb.embeddedObjects()
                _ = cfb.powerPointOLEObjects()
            }
        }
        func ms(_ t: (min: Double, median: Double)) -> String {
            String(format: "%.2f ms (median %.2f)", t.min * 1000, t.median * 1000)
        }
        print("BENCH cfb corpus: \(inputs.count) files, \(total >> 10) KiB, \(streams) streams, \(streamBytes >> 10) KiB")
        print("BENCH cfb corpus: parse \(ms(parse)); parse + read every stream \(ms(read)); "
            + "+ Ole10Native + PowerPoint objects \(ms(all)) = "
            + "\(String(format: "%.0f", Double(total) / 1_048_576 / all.min)) MiB/s")
    }

    /// One large file: 32 MiB in 4096-byte sectors (version 4), one stream, read whole.
    @Test func largeStream() throws {
        let ss = 4096
        let per = ss / 4
        let sectorCount = (32 << 20) / ss
        let fatSectors = (sectorCount + 2 + per) / per + 1
        var bytes = [UInt8](repeating: 0, count: ss * (1 + fatSectors + 1 + sectorCount))
        func put32(_ v: UInt32, at o: Int) { for k in 0..<4 { bytes[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
        func put16(_ v: UInt16, at o: Int) { for k in 0..<2 { bytes[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
        bytes.replaceSubrange(0..<8, with: CompoundFile.signature)
        put16(0x3E, at: 24); put16(4, at: 26); put16(0xFFFE, at: 28); put16(12, at: 30); put16(6, at: 32)
        put32(1, at: 40)
        put32(UInt32(fatSectors), at: 44)
        put32(UInt32(fatSectors), at: 48)  // the directory right after the FAT
        put32(4096, at: 56)
        put32(0xFFFF_FFFE, at: 60); put32(0xFFFF_FFFE, at: 68)
        for k in 0..<109 { put32(k < fatSectors ? UInt32(k) : 0xFFFF_FFFF, at: 76 + 4 * k) }
        var fat = [UInt32](repeating: 0xFFFF_FFFF, count: fatSectors * per)
        for k in 0..<fatSectors { fat[k] = 0xFFFF_FFFD }
        fat[fatSectors] = 0xFFFF_FFFE
        let first = fatSectors + 1
        for s in first..<(first + sectorCount) { fat[s] = s + 1 == first + sectorCount ? 0xFFFF_FFFE : UInt32(s + 1) }
        for (i, v) in fat.enumerated() { put32(v, at: ss + 4 * i) }
        let dir = ss * (1 + fatSectors)
        for slot in 0..<(ss / 128) {
            put32(0xFFFF_FFFF, at: dir + 128 * slot + 68); put32(0xFFFF_FFFF, at: dir + 128 * slot + 72)
            put32(0xFFFF_FFFF, at: dir + 128 * slot + 76)
        }
        for (k, u) in "Root Entry".utf16.enumerated() { put16(u, at: dir + 2 * k) }
        put16(22, at: dir + 64); bytes[dir + 66] = 5
        put32(1, at: dir + 76)
        put32(0xFFFF_FFFE, at: dir + 116)
        let e = dir + 128
        for (k, u) in "Payload".utf16.enumerated() { put16(u, at: e + 2 * k) }
        put16(16, at: e + 64); bytes[e + 66] = 2
        put32(UInt32(first), at: e + 116); put32(UInt32(ss * sectorCount), at: e + 120)
        let clock = ContinuousClock()
        var cfb: CompoundFile?
        let parse = try clock.measure { cfb = try CompoundFile(parsing: bytes) }
        let file = try #require(cfb)
        #expect(file.anomalies.isEmpty, "\(file.anomalies)")
        var count = 0
        let read = try clock.measure { count = try file.stream(path: "Payload")?.bytes.count ?? 0 }
        #expect(count == ss * sectorCount)
        var copy = 0
        let baseline = clock.measure {
            var out: [UInt8] = []
            out.reserveCapacity(ss * sectorCount)
            for k in 0..<sectorCount { out.append(contentsOf: bytes[(ss * (first + k + 1))..<(ss * (first + k + 2))]) }
            copy = out.count
        }
        print("BENCH cfb large: sector-by-sector copy baseline \(String(format: "%.2f", Self.seconds(baseline) * 1000)) ms (\(copy))")
        print(
            "BENCH cfb large: parse \(String(format: "%.2f", Self.seconds(parse) * 1000)) ms, read 32 MiB in "
                + "\(String(format: "%.2f", Self.seconds(read) * 1000)) ms = "
                + "\(String(format: "%.0f", 32 / Self.seconds(read))) MiB/s")
    }
}
