import ByteCursor
import Foundation
import PE
import TestSupport
import Testing

/// Throughput in release mode; opt-in:
/// `PE_BENCH=1 swift test -c release --scratch-path .build-lnk --filter PETests.BenchmarkTests`
@Suite("Benchmarks", .enabled(if: ProcessInfo.processInfo.environment["PE_BENCH"] != nil), .serialized)
struct BenchmarkTests {
    /// calc.exe and the fixtures, 1,000 times.
    @Test func fixtures() throws {
        let inputs = try ["corpus/calc.exe", "fixtures/tiny.dll", "fixtures/x64.exe", "fixtures/signed.exe"]
            .map { try Fixture.bytes($0) }
        let total = inputs.reduce(0) { $0 + $1.count } * 1000
        let t = try Benchmark.best(5) {
            for _ in 0..<1000 { for bytes in inputs { _ = try PEFile(parsing: bytes) } }
        }
        print("PE: \(inputs.count * 1000) files (\(total) bytes) in \(t) s: "
            + "\(Int(Double(inputs.count * 1000) / t)) files/s, \(Int(Double(total) / t / 1e6)) MB/s")
    }

    /// A 256 MB section of varied bytes: the entropy pass is the cost.
    @Test func largeSection() throws {
        var bytes = try Fixture.bytes("fixtures/tiny.dll")
        let table = 0x80 + 24 + 224
        // Grow the last section (.idata, raw at 0x600) to 256 MiB.
        let size = 256 << 20
        for (i, b) in withUnsafeBytes(of: UInt32(size).littleEndian, Array.init).enumerated() {
            bytes[table + 80 + 16 + i] = b
        }
        var state: UInt64 = 1
        bytes.reserveCapacity(0x600 + size)
        while bytes.count < 0x600 + size {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            bytes.append(UInt8(truncatingIfNeeded: state >> 56))
        }
        var entropy: Double?
        let t = try Benchmark.best(3) { entropy = try PEFile(parsing: bytes).sections.last?.entropy }
        print("PE: \(bytes.count) bytes with a 256 MiB section (entropy \(entropy ?? -1)) in \(t) s: "
            + "\(Int(Double(bytes.count) / t / 1e6)) MB/s")
    }

    /// A 600 MB zero-padded DLL from its stripped form: the cost does not depend on the padding.
    @Test func sixHundredMegabytePadding() throws {
        let tiny = try Fixture.bytes("fixtures/tiny.dll")
        let runs = [ZeroRun(offset: tiny.count, length: 600 << 20)]
        let t = try Benchmark.best(100) { _ = try PEFile(parsing: tiny[...], padding: runs) }
        print("PE: 600 MB padded DLL from its stripped form in \(t * 1e6) µs")
    }
}
