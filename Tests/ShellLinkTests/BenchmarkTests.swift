import Foundation
import ShellLink
import TestSupport
import Testing

/// Throughput in release mode; opt-in:
/// `LNK_BENCH=1 swift test -c release --scratch-path .build-lnk --filter ShellLinkTests.BenchmarkTests`
@Suite("Benchmarks", .enabled(if: ProcessInfo.processInfo.environment["LNK_BENCH"] != nil), .serialized)
struct BenchmarkTests {
    /// Parses and analyses every fixture 1,000 times.
    @Test func fixtures() throws {
        let inputs = try Fixture.names.map { try Fixture.bytes(try #require(try Fixture.expected()[$0]).file) }
        let total = inputs.reduce(0) { $0 + $1.count } * 1000
        let t = try Benchmark.best(5) {
            for _ in 0..<1000 {
                for bytes in inputs { _ = LNKAnalysis.indicators(try ShellLink(parsing: bytes)) }
            }
        }
        print("LNK: \(inputs.count * 1000) shortcuts (\(total) bytes) parsed and analysed in \(t) s: "
            + "\(Int(Double(inputs.count * 1000) / t)) shortcuts/s, \(Int(Double(total) / t / 1e6)) MB/s")
    }

    /// A shortcut with 200 MB appended (never copied) and 65,535 characters of padded arguments.
    @Test func appendedAndPadded() throws {
        var bytes = try Fixture.bytes("fixtures/findstr-vbs.lnk")
        bytes.append(contentsOf: [UInt8](repeating: 0x41, count: 200 << 20))
        let t = try Benchmark.best(5) {
            let link = try ShellLink(parsing: bytes)
            #expect(link.appendedData.count == (200 << 20) + 12)
            _ = LNKAnalysis.indicators(link)
        }
        print("LNK: \(bytes.count) bytes with 200 MB appended: \(t * 1000) ms, \(Int(Double(bytes.count) / t / 1e6)) MB/s")
    }
}
