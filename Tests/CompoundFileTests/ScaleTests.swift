import CompoundFile
import Testing

/// Writes version 3 compound files with only a directory: enough to stress the tree walk.
struct DirectoryOnlyWriter {
    struct Node {
        var name: String
        var type: UInt8
        var left: UInt32 = 0xFFFF_FFFF
        var right: UInt32 = 0xFFFF_FFFF
        var child: UInt32 = 0xFFFF_FFFF
    }

    /// Entry 0 must be the root.
    var nodes: [Node]

    func bytes() -> [UInt8] {
        let dirSectors = (nodes.count * 128 + 511) / 512
        var fatSectors = 1
        while fatSectors * 128 < fatSectors + dirSectors { fatSectors += 1 }
        precondition(fatSectors <= 109)
        var out = [UInt8](repeating: 0, count: 512 * (1 + fatSectors + dirSectors))
        func put32(_ v: UInt32, _ o: Int) { for k in 0..<4 { out[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
        func put16(_ v: UInt16, _ o: Int) { for k in 0..<2 { out[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
        out.replaceSubrange(0..<8, with: CompoundFile.signature)
        put16(0x3E, 24); put16(3, 26); put16(0xFFFE, 28); put16(9, 30); put16(6, 32)
        put32(UInt32(fatSectors), 44); put32(UInt32(fatSectors), 48); put32(4096, 56)
        put32(0xFFFF_FFFE, 60); put32(0xFFFF_FFFE, 68)
        for k in 0..<109 { put32(k < fatSectors ? UInt32(k) : 0xFFFF_FFFF, 76 + 4 * k) }
        var fat = [UInt32](repeating: 0xFFFF_FFFF, count: fatSectors * 128)
        for k in 0..<fatSectors { fat[k] = 0xFFFF_FFFD }
        for k in 0..<dirSectors { fat[fatSectors + k] = k + 1 == dirSectors ? 0xFFFF_FFFE : UInt32(fatSectors + k + 1) }
        for (i, v) in fat.enumerated() { put32(v, 512 + 4 * i) }
        let dir = 512 * (1 + fatSectors)
        for (i, n) in nodes.enumerated() {
            let o = dir + 128 * i
            for (k, u) in n.name.utf16.prefix(31).enumerated() { put16(u, o + 2 * k) }
            put16(UInt16(2 * (min(n.name.utf16.count, 31) + 1)), o + 64)
            out[o + 66] = n.type
            put32(n.left, o + 68); put32(n.right, o + 72); put32(n.child, o + 76)
            put32(0xFFFF_FFFE, o + 116)
        }
        return out
    }
}

@Suite("Scale")
struct ScaleTests {
    /// 20,000 siblings in a degenerate tree (each the left, or the right, child of the previous): iterative walk.
    @Test(arguments: [true, false])
    func degenerateSiblingChain(leftLeaning: Bool) throws {
        let n = 20_000
        var nodes = [DirectoryOnlyWriter.Node(name: "Root Entry", type: 5, child: 1)]
        for i in 1...n {
            var node = DirectoryOnlyWriter.Node(name: "S\(i)", type: 2)
            if i < n {
                if leftLeaning { node.left = UInt32(i + 1) } else { node.right = UInt32(i + 1) }
            }
            nodes.append(node)
        }
        let cfb = try CompoundFile(parsing: DirectoryOnlyWriter(nodes: nodes).bytes())
        #expect(cfb.entries.count == n)
        #expect(cfb.anomalies.isEmpty, "\(cfb.anomalies.prefix(3))")
        #expect(cfb.entry(path: "s19999")?.id == 19_999)
        // In order: a left-leaning chain lists the last entry first.
        #expect(cfb.entries.first?.name == (leftLeaning ? "S\(n)" : "S1"))
    }

    /// 5,000 storages nested in each other: the walk stops at cfb.maxDepth (64) and reports it.
    @Test func deepNesting() throws {
        let n = 5_000
        var nodes = [DirectoryOnlyWriter.Node(name: "Root Entry", type: 5, child: 1)]
        for i in 1...n {
            nodes.append(DirectoryOnlyWriter.Node(name: "D", type: 1, child: i < n ? UInt32(i + 1) : 0xFFFF_FFFF))
        }
        let cfb = try CompoundFile(parsing: DirectoryOnlyWriter(nodes: nodes).bytes())
        #expect(cfb.entries.count == 64)
        #expect(cfb.anomalies(.limitExceeded).count == 1)
        #expect(cfb.entries.last?.path == Array(repeating: "D", count: 64).joined(separator: "/"))
    }

    /// Every entry pointing at entry 1: one listing, one anomaly per extra reference (capped).
    @Test func everyoneReferencesOneEntry() throws {
        var nodes = [DirectoryOnlyWriter.Node(name: "Root Entry", type: 5, child: 1)]
        nodes.append(DirectoryOnlyWriter.Node(name: "A", type: 1, child: 2))
        for i in 2..<3_000 {
            nodes.append(DirectoryOnlyWriter.Node(name: "N\(i)", type: 1, left: 1, right: i + 1 < 3_000 ? UInt32(i + 1) : 0xFFFF_FFFF, child: 1))
        }
        let cfb = try CompoundFile(parsing: DirectoryOnlyWriter(nodes: nodes).bytes())
        #expect(Set(cfb.entries.map(\.id)).count == cfb.entries.count)
        #expect(cfb.anomalies(.directoryCycle).count == CFBLimits.default.maxAnomalies.maximum)
        #expect(cfb.anomalies(.tooManyAnomalies).count == 1)
    }
}
