import ByteCursor
import Foundation
import Registry
import Testing

/// Every limit of ``RegistryLimits``, exceeded: the part past it is not read, an anomaly names the limit, and the
/// rest of the hive reads.
@Suite("Limits")
struct LimitTests {
    typealias B = HiveBuilder

    static func limits(_ change: (inout RegistryLimits) -> Void) -> RegistryLimits {
        var l = RegistryLimits.default
        change(&l)
        return l
    }

    static func wide(_ n: Int) -> [UInt8] {
        var b = B()
        b.add(B.Key(name: "ROOT", subkeys: (0..<n).map { B.Key(name: "k\($0)", subkeys: [B.Key(name: "leaf")]) }))
        return b.finished()
    }

    static func limitAnomaly(_ hive: RegistryHive, _ name: String) -> Bool {
        hive.anomalies.contains { $0.code == .limitExceeded && $0.detail.contains(name) }
    }

    @Test func defaults() {
        let d = RegistryLimits.default
        #expect(d.maxKeys.name == "registry.maxKeys")
        #expect(d.maxDepth.name == "registry.maxDepth" && d.maxDepth.maximum == 512)
        #expect(d.maxSubkeysPerKey.name == "registry.maxSubkeysPerKey")
        #expect(d.maxValuesPerKey.name == "registry.maxValuesPerKey")
        #expect(d.maxValueBytes.name == "registry.maxValueBytes")
        #expect(d.maxCells.name == "registry.maxCells")
        #expect(d.maxHiveBytes.name == "registry.maxHiveBytes")
        #expect(d.maxLogEntries.name == "registry.maxLogEntries")
        #expect(d.maxAnomalies.name == "registry.maxAnomalies")
    }

    @Test func maxKeys() throws {
        let hive = try RegistryHive(parsing: Self.wide(20), limits: Self.limits { $0.maxKeys.maximum = 10 })
        #expect(hive.keyCount == 10)
        #expect(Self.limitAnomaly(hive, "registry.maxKeys"))
        var n = 0
        hive.walk { _, _ in n += 1 }
        #expect(n == 10)
    }

    @Test func maxDepth() throws {
        var key = B.Key(name: "bottom")
        for i in 0..<40 { key = B.Key(name: "d\(i)", subkeys: [key]) }
        var b = B()
        b.add(B.Key(name: "ROOT", subkeys: [key]))
        let file = b.finished()
        #expect(try RegistryHive(parsing: file).keyCount == 42)
        let hive = try RegistryHive(parsing: file, limits: Self.limits { $0.maxDepth.maximum = 10 })
        #expect(hive.keyCount == 11)
        #expect(Self.limitAnomaly(hive, "registry.maxDepth"))
    }

    /// A chain of `levels` keys below the root, written without recursion.
    static func chain(_ levels: Int) -> [UInt8] {
        var b = B()
        let nks = (0...levels).map { _ in b.reserve(76 + 6) }
        let lists = (0..<levels).map { _ in b.reserve(4 + 8) }
        for i in 0...levels {
            b.fill(
                nks[i],
                B.nk(
                    name: B.latin1(String(format: "d%05d", i)),
                    compressed: true,
                    parent: i == 0 ? 0xFFFF_FFFF : nks[i - 1],
                    subkeyCount: i < levels ? 1 : 0,
                    subkeyList: i < levels ? lists[i] : 0xFFFF_FFFF,
                    valueCount: 0,
                    valueList: 0xFFFF_FFFF,
                    classOffset: 0xFFFF_FFFF,
                    classLength: 0,
                    lastWritten: 1
                )
            )
            if i < levels { b.fill(lists[i], B.leaf("lf", [nks[i + 1]])) }
        }
        return b.finished(root: nks[0])
    }

    @Test func deepHiveWalksIteratively() throws {
        // 20,000 levels: no recursion anywhere (indexing, walking, paths).
        let file = Self.chain(20000)
        let hive = try RegistryHive(parsing: file, limits: Self.limits { $0.maxDepth.maximum = 1 << 20 })
        var deepest = 0
        hive.walk { k, _ in deepest = max(deepest, k.depth) }
        #expect(deepest == 20000)
        let capped = try RegistryHive(parsing: file)
        #expect(capped.keyCount == 513)
        #expect(Self.limitAnomaly(capped, "registry.maxDepth"))
    }

    @Test func maxSubkeysPerKey() throws {
        let hive = try RegistryHive(parsing: Self.wide(20), limits: Self.limits { $0.maxSubkeysPerKey.maximum = 5 })
        #expect(hive.root.subkeyCount == 5)
        #expect(Self.limitAnomaly(hive, "registry.maxSubkeysPerKey"))
        var b = B()
        b.add(B.Key(name: "ROOT", subkeys: (0..<20).map { B.Key(name: "k\($0)") }, list: .ri(perLeaf: 3)))
        let ri = try RegistryHive(parsing: b.finished(), limits: Self.limits { $0.maxSubkeysPerKey.maximum = 7 })
        #expect(ri.root.subkeyCount == 7)
        #expect(Self.limitAnomaly(ri, "registry.maxSubkeysPerKey"))
    }

    @Test func maxValuesPerKey() throws {
        var b = B()
        b.add(B.Key(name: "ROOT", values: (0..<30).map { B.Value(name: "v\($0)", type: 4, data: B.le32(UInt32($0))) }))
        let hive = try RegistryHive(parsing: b.finished(), limits: Self.limits { $0.maxValuesPerKey.maximum = 12 })
        #expect(hive.values(of: hive.root).count == 12)
        #expect(Self.limitAnomaly(hive, "registry.maxValuesPerKey"))
    }

    @Test func maxValueBytes() throws {
        var b = B()
        let big = [UInt8](repeating: 0x41, count: 50000)
        b.add(
            B.Key(
                name: "ROOT",
                values: [
                    B.Value(name: "big", type: 3, data: big),
                    B.Value(name: "small", type: 3, data: [1, 2, 3, 4, 5, 6]),
                ]
            )
        )
        let hive = try RegistryHive(parsing: b.finished(), limits: Self.limits { $0.maxValueBytes.maximum = 20000 })
        let values = hive.values(of: hive.root)
        #expect(values[0].data.count == 20000 && values[0].isTruncated)
        #expect(values[1].data.count == 6 && !values[1].isTruncated)
        #expect(Self.limitAnomaly(hive, "registry.maxValueBytes"))
    }

    @Test func maxCells() throws {
        let hive = try RegistryHive(parsing: Self.wide(50), limits: Self.limits { $0.maxCells.maximum = 30 })
        #expect(Self.limitAnomaly(hive, "registry.maxCells"))
        #expect(hive.keyCount < 101)
        var n = 0
        hive.walk { _, _ in n += 1 }
        #expect(n == hive.keyCount)
    }

    @Test func maxHiveBytes() {
        #expect(throws: RegistryError.limitExceeded) {
            try RegistryHive(parsing: Self.wide(3), limits: Self.limits { $0.maxHiveBytes.maximum = 5000 })
        }
    }

    @Test func maxAnomalies() throws {
        // 40 subkey offsets out of range, 5 anomalies of that code kept, then one "too many".
        var b = B()
        b.add(B.Key(name: "ROOT", subkeys: (0..<40).map { B.Key(name: "k\($0)") }))
        var file = b.finished()
        let list = 4096 + Int(try #require(b.subkeyLists[""])) + 4 + 4
        for i in 0..<40 { file.replaceSubrange((list + 8 * i)..<(list + 8 * i + 4), with: B.le32(0x7000_0000)) }
        let hive = try RegistryHive(parsing: file, limits: Self.limits { $0.maxAnomalies.maximum = 5 })
        #expect(hive.anomalies.filter { $0.code == .cellOutOfRange }.count == 5)
        #expect(hive.anomalies.filter { $0.code == .tooManyAnomalies }.count == 1)
    }

    @Test func maxLogEntries() throws {
        let (hive, logs) = LogBuilder.dirtyHiveWithLog(entries: 5)
        let all = try RegistryHive(parsing: hive, logs: logs)
        #expect(all.logEntriesReplayed == 5)
        let some = try RegistryHive(parsing: hive, logs: logs, limits: Self.limits { $0.maxLogEntries.maximum = 2 })
        #expect(some.logEntriesReplayed == 2)
        #expect(Self.limitAnomaly(some, "registry.maxLogEntries"))
    }
}
