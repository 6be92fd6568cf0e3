import Foundation
import Registry
import Testing

/// Writes the seeds of `fuzz/corpus/FuzzRegistry` (opt-in: `REGISTRY_FUZZ_SEEDS=fuzz/corpus/FuzzRegistry swift test
/// --filter RegistryTests.FuzzSeedTests`), and always checks that each seed reads the way the fuzz target reads it:
/// a hive, optionally followed by its transaction logs (split at their `regf` base blocks).
@Suite("Fuzz seeds")
struct FuzzSeedTests {
    typealias B = HiveBuilder

    static func seeds() throws -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        let sam = try Corpus.bytes("SAM")
        out.append(("sam.hive", Array(sam.prefix(4096 + 0x5000))))
        out.append(("sample.hive", B.sample().bytes))
        let (final, _) = LogBuilder.finalHive()
        let (dirty, logs) = LogBuilder.dirtyHiveWithLog(entries: 3)
        out.append(("dirty-new-log.hive+log", dirty + logs[0]))
        let stale = LogBuilder.stalePrimary(final, pages: [2])
        out.append(("dirty-old-log.hive+log", stale + LogBuilder.oldLog(final, pages: [2])))
        // Malformed: a key that is its own child, a self-referencing index root, a huge value size.
        var b = B()
        b.add(
            B.Key(
                name: "ROOT",
                values: [B.Value(name: "v", type: 1, data: B.sz("hello"))],
                subkeys: (0..<4).map { B.Key(name: "k\($0)") },
                list: .ri(perLeaf: 2)
            )
        )
        var loop = b.finished()
        let ri = 4096 + Int(try #require(b.subkeyLists[""])) + 4 + 4
        loop.replaceSubrange(ri..<(ri + 4), with: B.le32(try #require(b.subkeyLists[""])))
        out.append(("ri-loop.hive", loop))
        var own = b.finished()
        let leaf =
            Int(own[ri + 4 - 4]) | Int(own[ri + 5 - 4]) << 8 | Int(own[ri + 6 - 4]) << 16 | Int(own[ri + 7 - 4]) << 24
        own.replaceSubrange((4096 + leaf + 8)..<(4096 + leaf + 12), with: B.le32(try #require(b.keys[""])))
        out.append(("own-child.hive", own))
        var huge = b.finished()
        let vk = 4096 + Int(try #require(b.values["|v"])) + 4 + 4
        huge.replaceSubrange(vk..<(vk + 4), with: B.le32(0x7FFF_FFFF))
        out.append(("huge-value.hive", huge))
        return out
    }

    @Test func seedsRead() throws {
        for (name, bytes) in try Self.seeds() {
            let split = stride(from: 4096, to: bytes.count - 4, by: 512).first {
                bytes[$0..<($0 + 4)].elementsEqual("regf".utf8)
            }
            let hive = try RegistryHive(
                parsing: bytes[0..<(split ?? bytes.count)],
                logs: split.map { [Array(bytes[$0...])] } ?? []
            )
            #expect(hive.keyCount > 0, "\(name)")
            if split != nil { #expect(hive.logsReplayed == 1, "\(name)") }
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["REGISTRY_FUZZ_SEEDS"] != nil))
    func writeSeeds() throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["REGISTRY_FUZZ_SEEDS"] ?? ".")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, bytes) in try Self.seeds() { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
    }
}
