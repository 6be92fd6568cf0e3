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
                checksum &+=
                    v.name.utf8.count &+ v.data.count &+ (v.string?.utf8.count ?? 0)
                    &+ (v.strings?.count ?? 0) &+ Int(truncatingIfNeeded: v.integer ?? 0)
            }
        }
        return (keys, values, checksum)
    }

    /// The process's peak resident set: `VmHWM` from /proc/self/status on Linux (getrusage's `ru_maxrss` survives
    /// `execve`, so in a test process it would report `swift test`'s own peak), else `ru_maxrss`.
    static func peakRSSKiB() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        {
            return kib
        }
        #if canImport(Glibc)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
        #else
        return 0
        #endif
    }

    /// `REGISTRY_BENCH_HIVE` picks one hive (so that a process's peak RSS is that hive's); both by default.
    static let hives: [String] =
        ProcessInfo.processInfo.environment["REGISTRY_BENCH_HIVE"].map { [$0] }
        ?? ["SYSTEM_WIN_10_1709", "SYSTEM"]

    /// The hive: read from `REGISTRY_BENCH_DIR/<name>` when given (bench/registry.sh decompresses it there),
    /// otherwise decompressed from the corpus.
    static func load(_ name: String) throws -> [UInt8] {
        if let dir = ProcessInfo.processInfo.environment["REGISTRY_BENCH_DIR"] {
            return Array(try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(name)))
        }
        return try Corpus.bytes(name)
    }

    @Test(arguments: hives)
    func walkEveryKeyAndValue(_ name: String) throws {
        let harness = Self.peakRSSKiB()
        let bytes = try Self.load(name)
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
                + "\(Self.runs): \(String(format: "%.4f", best)) s, peak RSS \(Self.peakRSSKiB()) KiB "
                + "(test harness before loading the hive: \(harness) KiB)"
        )
    }
}
