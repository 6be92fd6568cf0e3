@testable import Registry

/// Writes transaction logs for tests: a final hive, a primary file that lacks some of its pages (dirty), and logs
/// that carry them.
enum LogBuilder {
    typealias B = HiveBuilder
    static let sequence: UInt32 = 40

    /// A hive with enough keys for several pages.
    static func finalHive() -> (bytes: [UInt8], builder: B) {
        var b = B()
        b.add(
            B.Key(
                name: "ROOT",
                subkeys: (0..<300).map {
                    B.Key(name: "key\($0)", values: [B.Value(name: "n", type: 1, data: B.sz("value \($0)"))])
                }
            )
        )
        return (b.finished(primarySequence: sequence, secondarySequence: sequence), b)
    }

    /// The primary file: `final` with the hive bins pages `pages` zeroed and the sequence numbers of a write that
    /// did not finish (primary = secondary + 1).
    static func stalePrimary(_ final: [UInt8], pages: [Int], checksum: Bool = true) -> [UInt8] {
        var p = final
        for page in pages {
            let start = 4096 + page * 4096
            p.replaceSubrange(start..<(start + 4096), with: [UInt8](repeating: 0, count: 4096))
        }
        p.replaceSubrange(4..<8, with: B.le32(sequence + 1))
        p.replaceSubrange(8..<12, with: B.le32(sequence))
        B.setChecksum(&p)
        if !checksum { p[508] ^= 0xFF }
        return p
    }

    /// The 512-byte base block copy of a log.
    static func logBase(_ final: [UInt8], fileType: UInt32, sequence: UInt32) -> [UInt8] {
        var base = Array(final[0..<512])
        base.replaceSubrange(4..<8, with: B.le32(sequence))
        base.replaceSubrange(8..<12, with: B.le32(sequence))
        base.replaceSubrange(28..<32, with: B.le32(fileType))
        B.setChecksum(&base)
        return base
    }

    struct Entry {
        var sequence: UInt32
        var pages: [(offset: Int, data: [UInt8])]
        var hiveBinsSize: UInt32
        var corruptHash = false
    }

    /// One HvLE entry.
    static func entry(_ e: Entry) -> [UInt8] {
        var refs: [UInt8] = []
        var data: [UInt8] = []
        for p in e.pages {
            refs += B.le32(UInt32(p.offset)) + B.le32(UInt32(p.data.count))
            data += p.data
        }
        var body = refs + data
        let size = (40 + body.count + 511) / 512 * 512
        body += [UInt8](repeating: 0, count: size - 40 - body.count)
        var head =
            Array("HvLE".utf8) + B.le32(UInt32(size)) + B.le32(0) + B.le32(e.sequence) + B.le32(e.hiveBinsSize)
            + B.le32(UInt32(e.pages.count))
        let hash1 = Marvin32.hash(body[...]) ^ (e.corruptHash ? 1 : 0)
        head += B.le64(hash1)
        let hash2 = Marvin32.hash((head + [UInt8](repeating: 0, count: 8))[0..<32])
        head += B.le64(hash2)
        return head + body
    }

    static func newLog(_ final: [UInt8], _ entries: [Entry]) -> [UInt8] {
        logBase(final, fileType: 6, sequence: entries.first?.sequence ?? sequence) + entries.flatMap { entry($0) }
    }

    static func page(_ final: [UInt8], _ n: Int) -> [UInt8] {
        Array(final[(4096 + n * 4096)..<(4096 + (n + 1) * 4096)])
    }

    /// A dirty primary file and one new-format log whose `entries` entries (sequence 40, 41, ...) each restore one
    /// page (page 0, which holds the root, is intact in the primary file; the others are zeroed).
    static func dirtyHiveWithLog(entries n: Int) -> (hive: [UInt8], logs: [[UInt8]]) {
        let (final, _) = finalHive()
        let hbins = UInt32(final.count - 4096)
        let entries = (0..<n).map { i in
            Entry(sequence: sequence + UInt32(i), pages: [(i * 4096, page(final, i))], hiveBinsSize: hbins)
        }
        return (stalePrimary(final, pages: Array(1..<max(1, n))), [newLog(final, entries)])
    }

    /// An old-format log: base block copy (file type 1), "DIRT" and a bitmap of 512-byte pages, the pages.
    static func oldLog(_ final: [UInt8], pages: [Int], lastWritten: UInt64? = nil) -> [UInt8] {
        var base = logBase(final, fileType: 1, sequence: sequence)
        if let lastWritten { base.replaceSubrange(12..<20, with: B.le64(lastWritten)) }
        B.setChecksum(&base)
        let hbins = final.count - 4096
        var bitmap = [UInt8](repeating: 0, count: (hbins / 512 + 7) / 8)
        var data: [UInt8] = []
        for page in pages.sorted() {
            for sub in 0..<8 {
                let bit = page * 8 + sub
                bitmap[bit / 8] |= 1 << UInt8(bit % 8)
                let start = 4096 + bit * 512
                data += final[start..<(start + 512)]
            }
        }
        var vector = Array("DIRT".utf8) + bitmap
        vector += [UInt8](repeating: 0, count: (vector.count + 511) / 512 * 512 - vector.count)
        return base + vector + data
    }
}
