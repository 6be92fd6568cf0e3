import Foundation
import Registry
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Reading every key and every value (data decoded) of the corpus's largest hives, release mode; opt-in, prints
/// but never asserts a time:
/// `REGISTRY_BENCH=1 swift test -c release --scratch-path .build-bench --filter RegistryTests.BenchmarkTests`
/// (bench/registry.sh runs it next to regipy and prints the ratio).
@Suite("Benchmarks", .enabled(if: ProcessInfo.processInfo.environment["REGISTRY_BENCH"] != nil), .serialized)
struct BenchmarkTests {
    static let runs = Int(ProcessInfo.processInfo.environment["REGISTRY_BENCH_RUNS"] ?? "") ?? 5

    /// Opens the hive and walks it, touching every decoded field so that nothing is optimised away.
    static func readEverything(_ bytes: [UInt8]) throws -> (keys: Int, values: Int, checksum: Int) {
        let hive = try RegistryHive(parsing: bytes)
        var keys = 0
        var values = 0
        var checksum = 0
        hive.walk { key, vs in
            keys += 1
            checksum &+= key.path.utf8.count &+ key.name.utf8.count &+ Int(truncatingIfNeeded: key.lastWritten)
            for v in vs {
                values += 1
                checksum &+= v.name.utf8.count &+ v.data.count &+ (v.string?.utf8.count ?? 0)
                    &+ (v.strings?.count ?? 0) &+ Int(truncatingIfNeeded: v.integer ?? 0)
            }
        }
        return (keys, values, checksum)
    }

    static func peakRSSKiB() -> Int {
        #if canImport(Glibc)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
        #else
        return 0
        #endif
    }

    @Test(arguments: ["SYSTEM_WIN_10_1709", "SYSTEM"])
    func walkEveryKeyAndValue(_ name: String) throws {
        let bytes = try Corpus.bytes(name)
        let clock = ContinuousClock()
        var best = Double.infinity
        var result = (keys: 0, values: 0, checksum: 0)
        for _ in 0..<Self.runs {
            let elapsed = try clock.measure { result = try Self.readEverything(bytes) }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = min(best, seconds)
        }
        #expect(result.keys > 0 && result.values > 0)
        print(
            "BENCH registry \(name): \(bytes.count) bytes, \(result.keys) keys, \(result.values) values, best of "
                + "\(Self.runs): \(String(format: "%.4f", best)) s, peak RSS \(Self.peakRSSKiB()) KiB")
    }
}
