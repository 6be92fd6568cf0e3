import Foundation
import Registry
import TestSupport
import Testing

/// Inputs no test thought of: every prefix of a small hive, seeded random mutations of real and built hives, and
/// random bytes. Each parses or throws a ``RegistryError``, and whatever parses walks completely.
@Suite("Robustness")
struct RobustnessTests {
    static func exercise(_ bytes: [UInt8], logs: [[UInt8]] = [], limits: RegistryLimits = .default) {
        do {
            let hive = try RegistryHive(parsing: bytes, logs: logs, limits: limits)
            var keys = 0
            hive.walk { key, values in
                keys += 1
                _ = hive.subkeys(of: key)
                _ = hive.parent(of: key)
                for v in values { _ = hive.value(v.name, in: key) }
            }
            #expect(keys == hive.keyCount)
            _ = hive.key(path: "Software\\Microsoft\\Windows\\CurrentVersion\\Run")
        } catch is RegistryError {
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// Drip-feed: every prefix of a valid hive fails cleanly or parses.
    @Test func everyPrefix() throws {
        var b = HiveBuilder()
        b.add(
            HiveBuilder.Key(
                name: "ROOT",
                className: "c",
                values: [
                    HiveBuilder.Value(name: "v", type: 1, data: HiveBuilder.sz("x")),
                    HiveBuilder.Value(name: "big", type: 3, data: [UInt8](repeating: 7, count: 1000)),
                ],
                subkeys: (0..<5).map { HiveBuilder.Key(name: "k\($0)") },
                list: .ri(perLeaf: 2)
            )
        )
        let file = b.finished()
        var threw = 0
        for n in 0..<file.count {
            do {
                let hive = try RegistryHive(parsing: file[0..<n])
                var keys = 0
                hive.walk { _, _ in keys += 1 }
                #expect(keys == hive.keyCount)
                #expect(!hive.anomalies.isEmpty, "prefix \(n) of \(file.count) parsed without anomaly")
            } catch is RegistryError {
                threw += 1
            }
        }
        #expect(threw >= 8192)
        #expect(file.count == 8192)
        #expect(try RegistryHive(parsing: file).anomalies.isEmpty)
    }

    /// Byte flips, 32-bit field overwrites with boundary values, and truncations.
    static func mutate(_ bytes: [UInt8], rng: inout SplitMix64, from: Int) -> [UInt8] {
        var m = bytes
        let edits = 1 + Int(rng.next() % 8)
        for _ in 0..<edits {
            let i = from + Int(rng.next() % UInt64(max(1, m.count - from - 4)))
            switch rng.next() % 4 {
            case 0: m[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            case 1:
                let v: [UInt32] = [
                    0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0004, 32, 0xFFFF_FFF8,
                    UInt32(truncatingIfNeeded: rng.next()),
                ]
                let w = v[Int(rng.next() % UInt64(v.count))]
                for k in 0..<4 where i + k < m.count { m[i + k] = UInt8(truncatingIfNeeded: w >> (8 * UInt32(k))) }
            case 2: m[i] = 0
            default: if rng.next() % 8 == 0 { m.removeSubrange(i...) }
            }
        }
        return m
    }

    @Test func mutatedBuiltHive() {
        let file = HiveBuilder.sample().bytes
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<500 { Self.exercise(Self.mutate(file, rng: &rng, from: 4096)) }
        for _ in 0..<100 { Self.exercise(Self.mutate(file, rng: &rng, from: 0)) }
    }

    @Test func mutatedSAM() throws {
        let sam = try Corpus.bytes("SAM")
        var rng = SplitMix64(seed: 42)
        for _ in 0..<200 { Self.exercise(Self.mutate(Array(sam.prefix(4096 + 0x5000)), rng: &rng, from: 4096)) }
    }

    @Test func mutatedLogs() {
        let (primary, logs) = LogBuilder.dirtyHiveWithLog(entries: 3)
        var rng = SplitMix64(seed: 9)
        for _ in 0..<150 { Self.exercise(primary, logs: [Self.mutate(logs[0], rng: &rng, from: 0)]) }
    }

    @Test func randomBytes() {
        var rng = SplitMix64(seed: 1)
        for _ in 0..<100 {
            var bytes = (0..<(4096 + Int(rng.next() % 16384))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            bytes.replaceSubrange(0..<4, with: Array("regf".utf8))
            bytes.replaceSubrange(20..<32, with: HiveBuilder.le32(1) + HiveBuilder.le32(5) + HiveBuilder.le32(0))
            if bytes.count > 4100 { bytes.replaceSubrange(4096..<4100, with: Array("hbin".utf8)) }
            Self.exercise(bytes)
        }
    }
}
