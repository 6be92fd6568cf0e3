import Foundation
import Registry
import Testing

/// Hives written by ``HiveBuilder`` with one structure broken: each gives its anomaly (or error), never a crash or
/// a loop, and the rest of the hive stays readable.
@Suite("Malformed hives")
struct MalformedTests {
    typealias B = HiveBuilder

    static func parse(_ bytes: [UInt8], limits: RegistryLimits = .default) throws -> RegistryHive {
        let hive = try RegistryHive(parsing: bytes, limits: limits)
        // Everything indexed must read without trouble.
        var keys = 0
        hive.walk { _, _ in keys += 1 }
        #expect(keys == hive.keyCount)
        return hive
    }

    /// A root with `children` empty subkeys and one value each.
    static func simple(children: Int = 3, list: B.ListKind = .lf) -> B {
        var b = B()
        b.add(
            B.Key(
                name: "ROOT",
                values: [B.Value(name: "v", type: 1, data: B.sz("hello world"))],
                subkeys: (0..<children).map {
                    B.Key(name: "k\($0)", values: [B.Value(name: "x", type: 4, data: B.le32(7))])
                },
                list: list
            )
        )
        return b
    }

    static func file(_ b: B) -> [UInt8] {
        var b = b
        return b.finished()
    }

    /// Patches bytes of a cell's data (`field` counts from the record's signature) in a finished file.
    static func patch(_ file: inout [UInt8], cell offset: UInt32, at field: Int, _ bytes: [UInt8]) {
        let start = 4096 + Int(offset) + 4 + field
        file.replaceSubrange(start..<(start + bytes.count), with: bytes)
    }

    /// Sets a cell's size field.
    static func setSize(_ file: inout [UInt8], cell offset: UInt32, _ size: Int32) {
        let start = 4096 + Int(offset)
        file.replaceSubrange(start..<(start + 4), with: B.le32(UInt32(bitPattern: size)))
    }

    // MARK: - Errors

    @Test func notAHive() {
        #expect(throws: RegistryError.notRegistry) {
            try RegistryHive(parsing: Array("PK\u{3}\u{4}".utf8) + [UInt8](repeating: 0, count: 9000))
        }
        #expect(throws: RegistryError.notRegistry) { try RegistryHive(parsing: Array("nope".utf8)) }
        #expect(throws: RegistryError.truncated) { try RegistryHive(parsing: Array("regf".utf8)) }
        #expect(throws: RegistryError.truncated) { try RegistryHive(parsing: [UInt8]()) }
    }

    @Test func baseBlockOnly() {
        var file = Self.file(Self.simple())
        file.removeSubrange(4096...)
        #expect(throws: RegistryError.truncated) { try RegistryHive(parsing: file) }
    }

    @Test func badRoot() {
        var file = Self.file(Self.simple())
        file.replaceSubrange(36..<40, with: B.le32(0x00FF_FF00))
        B.setChecksum(&file)
        #expect(throws: RegistryError.badRoot) { try RegistryHive(parsing: file) }
        file.replaceSubrange(36..<40, with: B.le32(0))  // the hbin header
        B.setChecksum(&file)
        #expect(throws: RegistryError.badRoot) { try RegistryHive(parsing: file) }
    }

    @Test func transactionLogGivenAsHive() {
        var file = Self.file(Self.simple())
        file.replaceSubrange(28..<32, with: B.le32(6))
        B.setChecksum(&file)
        #expect(throws: RegistryError.badBaseBlock) { try RegistryHive(parsing: file) }
        file.replaceSubrange(28..<32, with: B.le32(0))
        file.replaceSubrange(20..<24, with: B.le32(2))
        B.setChecksum(&file)
        #expect(throws: RegistryError.badBaseBlock) { try RegistryHive(parsing: file) }
    }

    // MARK: - Base block and hive bins

    @Test func badChecksum() throws {
        var file = Self.file(Self.simple())
        file[508] ^= 0x55
        let hive = try Self.parse(file)
        #expect(!hive.checksumValid)
        #expect(hive.isDirty)
        #expect(hive.anomalyCodes == [.badChecksum, .dirtyHive])
        #expect(hive.keyCount == 4)
    }

    @Test func sequenceNumbersDiffer() throws {
        var b = Self.simple()
        let hive = try Self.parse(b.finished(primarySequence: 9, secondarySequence: 8))
        #expect(hive.isDirty && hive.checksumValid)
        #expect(hive.anomalyCodes == [.dirtyHive])
    }

    @Test func truncatedHiveBins() throws {
        // Enough keys to fill several hive bins; the file is cut in the middle.
        let b = Self.simple(children: 300)
        var file = Self.file(b)
        let full = try Self.parse(file)
        #expect(full.keyCount == 301)
        file.removeSubrange((file.count - 4096 * 2)...)
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.truncatedHive))
        #expect(hive.anomalyCodes.contains(.cellOutOfRange))
        #expect(hive.keyCount > 1 && hive.keyCount < 301)
    }

    @Test func damagedHiveBin() throws {
        let b = Self.simple(children: 300)
        var file = Self.file(b)
        let bin = try #require(b.binOffsets.dropFirst(2).first)
        file.replaceSubrange((4096 + bin)..<(4096 + bin + 4), with: [0, 0, 0, 0])
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.badHBin))
        #expect(hive.anomalyCodes.contains(.cellOutOfRange))
        #expect(hive.keyCount > 100 && hive.keyCount < 301)
        // The bins after the damaged one are still mapped.
        #expect(hive.key(path: "k299") != nil || hive.key(path: "k0") != nil)
    }

    @Test func hiveBinSizeWrong() throws {
        let b = Self.simple(children: 300)
        var file = Self.file(b)
        let bin = try #require(b.binOffsets.dropFirst(1).first)
        file.replaceSubrange((4096 + bin + 8)..<(4096 + bin + 12), with: B.le32(0x7FFF_F000))
        file.replaceSubrange((4096 + bin + 4)..<(4096 + bin + 8), with: B.le32(12345))
        let hive = try Self.parse(file)
        #expect(hive.anomalies.filter { $0.code == .badHBin }.count == 2)
        #expect(hive.keyCount == 301)
    }

    @Test func hiveBinsSizeNotAMultipleOfAPage() throws {
        var file = Self.file(Self.simple())
        file.replaceSubrange(40..<44, with: B.le32(4096 + 100))
        B.setChecksum(&file)
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.badBaseBlock))
        #expect(hive.keyCount == 4)
    }

    // MARK: - Cells

    @Test func cellSizeZero() throws {
        let b = Self.simple()
        var file = Self.file(b)
        let k1 = try #require(b.keys["k1"])
        Self.setSize(&file, cell: k1, 0)
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.badCell))
        #expect(hive.keyCount == 3)
        #expect(hive.key(path: "k1") == nil && hive.key(path: "k2") != nil)
    }

    @Test func cellRunsPastItsBin() throws {
        let b = Self.simple()
        var file = Self.file(b)
        let k1 = try #require(b.keys["k1"])
        Self.setSize(&file, cell: k1, -0x7FFF_0000)
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.badCell])
        #expect(hive.keyCount == 4)  // cut at the bin's end, still a key node
    }

    @Test func freeCellReferenced() throws {
        let b = Self.simple()
        var file = Self.file(b)
        let k1 = try #require(b.keys["k1"])
        let start = 4096 + Int(k1)
        let size = Int32(
            bitPattern: UInt32(file[start]) | UInt32(file[start + 1]) << 8 | UInt32(file[start + 2]) << 16 | UInt32(
                file[start + 3]
            ) << 24
        )
        Self.setSize(&file, cell: k1, -size)
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.badCell])
        #expect(hive.anomalies.first?.detail.contains("free") == true)
        #expect(hive.keyCount == 4)
    }

    @Test func offsetsOutOfRange() throws {
        let b = Self.simple()
        var file = Self.file(b)
        let list = try #require(b.subkeyLists[""])
        // lf element 1 points far outside, element 2 into the hbin header, element 3 is misaligned.
        Self.patch(&file, cell: list, at: 4 + 8, B.le32(0x7FFF_FF00))
        Self.patch(&file, cell: list, at: 4 + 16, B.le32(8))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.cellOutOfRange))
        #expect(hive.anomalies.filter { $0.code == .cellOutOfRange }.count == 2)
        #expect(hive.keyCount == 2)
        var misaligned = Self.file(b)
        Self.patch(&misaligned, cell: list, at: 4, B.le32(try #require(b.keys["k0"]) + 4))
        #expect(try Self.parse(misaligned).anomalyCodes.contains(.badCell))
    }

    // MARK: - Keys and subkey lists

    @Test func keyIsItsOwnChild() throws {
        let b = Self.simple()
        var file = Self.file(b)
        let list = try #require(b.subkeyLists[""])
        Self.patch(&file, cell: list, at: 4, B.le32(try #require(b.keys[""])))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.subkeyLoop))
        #expect(hive.keyCount == 3)
    }

    @Test func cycleThroughAnAncestor() throws {
        var b = B()
        b.add(
            B.Key(name: "ROOT", subkeys: [B.Key(name: "a", subkeys: [B.Key(name: "b", subkeys: [B.Key(name: "c")])])])
        )
        var file = b.finished()
        // c's list... c has none: give "b"'s list an entry pointing back at "a".
        let bList = try #require(b.subkeyLists["a\\b"])
        Self.patch(&file, cell: bList, at: 4, B.le32(try #require(b.keys["a"])))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.subkeyLoop))
        #expect(hive.keyCount == 3)
    }

    @Test func keyListedTwice() throws {
        let b = Self.simple()
        var file = Self.file(b)
        let list = try #require(b.subkeyLists[""])
        Self.patch(&file, cell: list, at: 4 + 8, B.le32(try #require(b.keys["k0"])))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.subkeyLoop])
        #expect(hive.subkeys(of: hive.root).map(\.name) == ["k0", "k2"])
    }

    @Test func subkeyListPointsToItself() throws {
        // An index root whose only element is itself, and one listing the same leaf twice.
        let b = Self.simple(children: 6, list: .ri(perLeaf: 3))
        var file = Self.file(b)
        let ri = try #require(b.subkeyLists[""])
        Self.patch(&file, cell: ri, at: 4, B.le32(ri))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.badSubkeyList))
        #expect(hive.keyCount == 4)  // the root and the second leaf's three keys

        var twice = Self.file(b)
        let e = 4096 + Int(ri) + 4 + 4
        let leaf0 =
            UInt32(twice[e]) | UInt32(twice[e + 1]) << 8 | UInt32(twice[e + 2]) << 16 | UInt32(twice[e + 3]) << 24
        Self.patch(&twice, cell: ri, at: 8, B.le32(leaf0))
        let h2 = try Self.parse(twice)
        #expect(h2.anomalies.contains { $0.code == .badSubkeyList && $0.detail.contains("twice") })
    }

    @Test func nestedIndexRoots() throws {
        var b = B()
        b.add(B.Key(name: "ROOT", subkeys: (0..<4).map { B.Key(name: "k\($0)") }, list: .ri(perLeaf: 2)))
        let ri = try #require(b.subkeyLists[""])
        // ri -> ri -> (the original ri's leaves): tolerated one level down, with an anomaly.
        let outer = b.cell(B.indexRoot([ri]))
        // ri -> ri -> ri -> leaves: too deep.
        let deepest = b.cell(B.indexRoot([outer]))
        var file = b.finished()
        let rootNK = try #require(b.keys[""])
        Self.patch(&file, cell: rootNK, at: 28, B.le32(outer))
        let hive = try Self.parse(file)
        #expect(hive.anomalies.contains { $0.code == .badSubkeyList && $0.detail.contains("nested") })
        #expect(hive.keyCount == 5)
        Self.patch(&file, cell: rootNK, at: 28, B.le32(deepest))
        let deep = try Self.parse(file)
        #expect(deep.anomalyCodes.contains(.badSubkeyList))
        #expect(deep.keyCount == 1)
    }

    @Test func unknownListSignature() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.subkeyLists[""]), at: 0, Array("zz".utf8))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.badSubkeyList])
        #expect(hive.keyCount == 1)
    }

    @Test func listCountLargerThanItsCell() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.subkeyLists[""]), at: 2, B.le16(0xFFFF))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.badSubkeyList))
        #expect(hive.subkeys(of: hive.root).count >= 3)
    }

    @Test func declaredSubkeyCountDisagrees() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.keys[""]), at: 20, B.le32(5))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.badSubkeyList])
        #expect(hive.root.declaredSubkeyCount == 5 && hive.root.subkeyCount == 3)
    }

    @Test func notAKeyNode() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.keys["k1"]), at: 0, Array("vk".utf8))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.badKey])
        #expect(hive.keyCount == 3)
    }

    @Test func keyNameRunsPastItsCell() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.keys["k1"]), at: 72, B.le16(0xFFFF))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.badKey])
        #expect(hive.subkeys(of: hive.root)[1].name.hasPrefix("k1"))
    }

    @Test func parentMismatch() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.keys["k1"]), at: 16, B.le32(0x1234))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.parentMismatch])
    }

    @Test func classNameMissing() throws {
        var b = B()
        b.add(B.Key(name: "ROOT", className: "JD"))
        var file = b.finished()
        Self.patch(&file, cell: try #require(b.keys[""]), at: 48, B.le32(0x00FF_0000))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes.isSuperset(of: [.badClassName, .cellOutOfRange]))
        #expect(hive.root.className == nil)
        Self.patch(&file, cell: try #require(b.keys[""]), at: 48, B.le32(try #require(b.keys[""])))
        Self.patch(&file, cell: try #require(b.keys[""]), at: 74, B.le16(0xFFF0))
        #expect(try Self.parse(file).anomalyCodes.contains(.badClassName))
    }

    // MARK: - Values

    @Test func valueListTruncated() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.keys[""]), at: 36, B.le32(1000))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.badValueList])
        #expect(hive.values(of: hive.root).first?.string == "hello world")
    }

    @Test func valueListOutOfRange() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.keys[""]), at: 40, B.le32(0x7000_0000))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.cellOutOfRange, .badValueList])
        #expect(hive.values(of: hive.root).isEmpty)
    }

    @Test func notAValueKey() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.values["|v"]), at: 0, Array("nk".utf8))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.badValue])
        #expect(hive.root.valueCount == 0 && hive.root.declaredValueCount == 1)
    }

    @Test func hugeValueSizes() throws {
        let b = Self.simple()
        var file = Self.file(b)
        let vk = try #require(b.values["|v"])
        Self.patch(&file, cell: vk, at: 4, B.le32(0x7FFF_FFFF))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.limitExceeded, .truncatedData])
        let v = try #require(hive.values(of: hive.root).first)
        #expect(v.isTruncated && v.declaredSize == 0x7FFF_FFFF)
        #expect(v.string == "hello world")
        // Inline with more than 4 bytes.
        Self.patch(&file, cell: vk, at: 4, B.le32(0x8000_0010))
        let inline = try Self.parse(file)
        #expect(inline.anomalyCodes == [.badValue])
        #expect(inline.values(of: inline.root).first?.data.count == 4)
    }

    @Test func valueDataOutOfRange() throws {
        let b = Self.simple()
        var file = Self.file(b)
        Self.patch(&file, cell: try #require(b.values["|v"]), at: 8, B.le32(0x0FFF_FFF0))
        let hive = try Self.parse(file)
        #expect(hive.anomalyCodes == [.cellOutOfRange, .truncatedData])
        let v = try #require(hive.values(of: hive.root).first)
        #expect(v.data.isEmpty && v.isTruncated)
    }

    @Test func bigDataSegmentsBroken() throws {
        var b = B()
        let data = (0..<50000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        b.add(B.Key(name: "ROOT", values: [B.Value(name: "big", type: 3, data: data)]))
        let clean = b.finished()
        #expect(try Self.parse(clean).values(of: try Self.parse(clean).root).first?.data == data)
        let list = try #require(b.segmentLists["|big"])
        // Segment 2 out of range.
        var file = clean
        Self.patch(&file, cell: list, at: 4, B.le32(0xFFFF_FF00))
        var hive = try Self.parse(file)
        #expect(hive.anomalyCodes.isSuperset(of: [.cellOutOfRange, .badBigData, .truncatedData]))
        var v = try #require(hive.values(of: hive.root).first)
        #expect(v.isTruncated && v.data == Array(data.prefix(16344)))
        // The segment list itself out of range.
        file = clean
        Self.patch(&file, cell: try #require(b.dataCells["|big"]), at: 4, B.le32(0x00FF_FF00))
        hive = try Self.parse(file)
        #expect(hive.anomalyCodes.isSuperset(of: [.cellOutOfRange, .badBigData, .truncatedData]))
        // More segments declared than the list holds; a short segment.
        file = clean
        Self.patch(&file, cell: try #require(b.dataCells["|big"]), at: 2, B.le16(500))
        hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.badBigData))
        #expect(hive.values(of: hive.root).first?.data == data)
        file = clean
        let segs = try #require(b.segments["|big"])
        Self.setSize(&file, cell: segs[1], -16)
        hive = try Self.parse(file)
        #expect(hive.anomalyCodes.isSuperset(of: [.badBigData, .truncatedData]))
        v = try #require(hive.values(of: hive.root).first)
        #expect(v.isTruncated && v.data.count == 16344 + 12)
        // A truncated db record.
        file = clean
        Self.setSize(&file, cell: try #require(b.dataCells["|big"]), -8)
        hive = try Self.parse(file)
        #expect(hive.anomalyCodes.contains(.truncatedData))
    }

    @Test func bigDataInAVersion13Hive() throws {
        // Version 1.3 has no big data records: a large value is one cell.
        var b = B()
        b.minorVersion = 3
        let data = (0..<20000).map { UInt8(truncatingIfNeeded: $0) }
        b.add(B.Key(name: "ROOT", values: [B.Value(name: "big", type: 3, data: data)]))
        let hive = try Self.parse(b.finished())
        #expect(hive.anomalies.isEmpty)
        let v = try #require(hive.values(of: hive.root).first)
        #expect(v.storage == .cell && v.data == data)
    }

    @Test func stringsThatDoNotDecode() throws {
        var b = B()
        b.add(
            B.Key(
                name: "ROOT",
                values: [
                    B.Value(name: "odd", type: 1, data: B.sz("abc") + [0x41]),
                    B.Value(name: "lone", type: 1, data: [0x00, 0xD8, 0x41, 0x00, 0, 0]),
                    B.Value(name: "embedded", type: 1, data: B.sz("a") + B.sz("b") + [0, 0, 0, 0]),
                    B.Value(name: "multiUnterminated", type: 7, data: B.sz("a") + B.utf16("tail")),
                    B.Value(name: "multiEmpty", type: 7, data: [0, 0, 0, 0]),
                    B.Value(name: "shortDword", type: 4, data: [1, 2]),
                    B.Value(name: "shortQword", type: 11, data: [1, 2, 3, 4, 5, 6]),
                ]
            )
        )
        let hive = try Self.parse(b.finished())
        let v = Dictionary(uniqueKeysWithValues: hive.values(of: hive.root).map { ($0.name, $0) })
        #expect(v["odd"]?.string == "abc")
        #expect(v["lone"]?.string == "\u{FFFD}A")
        #expect(v["embedded"]?.string == "a\u{0}b")
        #expect(v["multiUnterminated"]?.strings == ["a", "tail"])
        #expect(v["multiEmpty"]?.strings == [])
        #expect(v["shortDword"]?.integer == nil)
        #expect(v["shortQword"]?.integer == nil)
    }
}
