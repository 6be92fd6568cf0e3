import ByteCursor
import DiskImage
import Testing

/// Hostile structures give anomalies, not crashes or hangs.
@Suite("Malformed images")
struct MalformedTests {
    static let dll = Array("MZ fake DLL stub for tests".utf8)
    static let lnk = Array("L\0\0\0 fake shortcut".utf8)

    /// Root: INVOICE.LNK, SUB/ (holding a record back to the root and one to itself), and `extra` records.
    static func loopingISO(extra: [[UInt8]] = []) -> [UInt8] {
        var b = ISOBuilder()
        let root = b.reserve(), sub = b.reserve()
        let lnk = b.store(Self.lnk)
        b.rootBlock = root
        b.fill(root, parent: root, records: [ISOBuilder.file("INVOICE.LNK", block: lnk, size: Self.lnk.count),
                                             ISOBuilder.directory("SUB", block: sub)] + extra)
        b.fill(sub, parent: root, records: [ISOBuilder.directory("BACK", block: root),
                                            ISOBuilder.directory("SELF", block: sub)])
        return b.finished()
    }

    @Test func isoDirectoriesPointingAtThemselvesOrBackwards() throws {
        let iso = try DiskImage(parsing: Self.loopingISO())
        #expect(iso.paths == ["INVOICE.LNK", "SUB"])
        #expect(iso.anomalies(.directoryLoop).count == 2)
        #expect(try iso.read(iso.entries[0], keepLimit: 100).bytes == Self.lnk)
    }

    @Test func isoExtentBeyondTheEndAndAbsurdSize() throws {
        var b = ISOBuilder()
        let root = b.reserve()
        let dll = b.store(Self.dll)
        b.rootBlock = root
        b.fill(root, parent: root, records: [
            ISOBuilder.file("FAR.DLL", block: 0x7FFF_FFFF, size: 4096),
            ISOBuilder.file("HUGE.DLL", block: dll, size: 0xFFFF_FFFF),
        ])
        let iso = try DiskImage(parsing: b.finished())
        #expect(iso.paths == ["FAR.DLL", "HUGE.DLL"])
        #expect(iso.anomalies(.extentBeyondEnd).count == 2)
        let far = try iso.read(iso.entries[0], keepLimit: 100)
        #expect(far.bytes.isEmpty && far.truncated)
        let huge = try iso.read(iso.entries[1], keepLimit: 1 << 20)
        #expect(huge.truncated)
        #expect(huge.bytes.starts(with: Self.dll))
        #expect(iso.entries[1].size == 0xFFFF_FFFF)
    }

    @Test func isoBothEndianMismatchAndBadRecords() throws {
        var b = ISOBuilder()
        let root = b.reserve()
        let dll = b.store(Self.dll)
        b.rootBlock = root
        let split = ISOBuilder.record(Array("SPLIT.DLL;1".utf8), block: dll, size: Self.dll.count, beBlock: 99)
        b.fill(root, parent: root, records: [split])
        var bytes = b.finished()
        // After it, a record too short to hold its fixed fields.
        bytes[root * 2048 + 34 + 34 + split.count] = 20
        let iso = try DiskImage(parsing: bytes)
        #expect(iso.paths == ["SPLIT.DLL"])
        #expect(iso.anomalies(.bothEndianMismatch).count == 1)
        #expect(iso.anomalies(.malformedRecord).count == 1)
        #expect(try iso.read(iso.entries[0], keepLimit: 100).bytes == Self.dll)
    }

    /// A file in two extents (multi-extent flag on the first record).
    @Test func isoMultiExtentFile() throws {
        var b = ISOBuilder()
        let root = b.reserve()
        let part1 = [UInt8](repeating: 0x41, count: 2048), part2 = Array("tail".utf8)
        let first = b.store(part1), second = b.store(part2)
        b.rootBlock = root
        b.fill(root, parent: root, records: [
            ISOBuilder.record(Array("BIG.BIN;1".utf8), block: first, size: 2048, flags: 0x80),
            ISOBuilder.record(Array("BIG.BIN;1".utf8), block: second, size: 4),
        ])
        let iso = try DiskImage(parsing: b.finished())
        #expect(iso.paths == ["BIG.BIN"])
        #expect(iso.entries[0].size == 2052)
        #expect(try iso.read(iso.entries[0], keepLimit: 4096).bytes == part1 + part2)
        #expect(iso.anomalies.isEmpty)
    }

    @Test func isoTruncatedAndTrailingData() throws {
        let bytes = Self.loopingISO()
        let cut = try DiskImage(parsing: bytes.dropLast(100))
        #expect(cut.anomalies(.truncated).count == 1)
        let appended = try DiskImage(parsing: bytes + Array("payload".utf8))
        #expect(appended.anomalies(.dataAfterVolume).count == 1)
        #expect(throws: DiskImageError.notADiskImage) { try DiskImage(parsing: bytes.prefix(32768 + 100)) }
    }

    // MARK: - FAT

    @Test func fatChainLoopingAndEndingEarly() throws {
        var b = FATBuilder(clusters: 64)
        let loop = b.store([UInt8](repeating: 0x4C, count: 1024))  // two clusters
        b.fat[loop + 1] = loop  // ... whose second links back to the first
        let short = b.store(Self.dll)
        let wild = b.store(Self.dll)
        b.fat[wild] = 0x0FF0  // a reserved value in FAT12, not a data cluster
        b.root = FATBuilder.entry("LOOP    BIN", cluster: loop, size: 4096)
            + FATBuilder.entry("SHORT   DLL", cluster: short, size: 2048)
            + FATBuilder.entry("WILD    DLL", cluster: wild, size: 1000)
            + FATBuilder.entry("ABSURD  DLL", cluster: short, size: 0x7FFF_FFFF)
        let img = try DiskImage(parsing: b.finished())
        #expect(img.paths == ["LOOP.BIN", "SHORT.DLL", "WILD.DLL", "ABSURD.DLL"])
        let chains = img.anomalies(.badClusterChain).map(\.detail)
        #expect(chains.count == 4, "\(chains)")
        #expect(chains[0].contains("loops back"))
        #expect(img.anomalies(.sizeMismatch).count == 1)
        for e in img.entries {
            let r = try img.read(e, keepLimit: 1 << 20)
            #expect(r.truncated)
            #expect(r.bytes.count <= 1024)
        }
    }

    @Test func fatDirectoryLoops() throws {
        var b = FATBuilder(clusters: 64)
        let sub = b.store([UInt8](repeating: 0, count: 512))
        let lnk = b.store(Self.lnk)
        // SUB holds ".", "..", a directory pointing back at SUB, and one pointing at the root (cluster 0).
        b.write(FATBuilder.entry(".          ", attributes: 0x10, cluster: sub, size: 0)
                + FATBuilder.entry("..         ", attributes: 0x10, cluster: 0, size: 0)
                + FATBuilder.entry("AGAIN      ", attributes: 0x10, cluster: sub, size: 0)
                + FATBuilder.entry("ROOT       ", attributes: 0x10, cluster: 0, size: 0)
                + FATBuilder.entry("INVOICE LNK", cluster: lnk, size: Self.lnk.count), at: sub)
        b.root = FATBuilder.entry("SUB        ", attributes: 0x10, cluster: sub, size: 0)
        let img = try DiskImage(parsing: b.finished())
        #expect(img.paths == ["SUB", "SUB/INVOICE.LNK"])
        #expect(img.anomalies(.directoryLoop).count == 2)
        // A directory whose own cluster chain loops ends too.
        b.fat[sub] = sub
        let looping = try DiskImage(parsing: b.finished())
        #expect(looping.anomalies(.badClusterChain).count == 1)
        #expect(looping.paths == ["SUB", "SUB/INVOICE.LNK"])
    }

    @Test func fatLongNamesChecksumsAndHiddenFiles() throws {
        var b = FATBuilder(clusters: 64)
        let dll = b.store(Self.dll)
        let short = FATBuilder.entry("INVOIC~1DLL", attributes: 0x22, cluster: dll, size: Self.dll.count)
        let other = FATBuilder.entry("REPORT~1PDF", cluster: dll, size: Self.dll.count)
        b.root = FATBuilder.longName("invoice 2026-11-03.pdf.dll", for: short) + short
            + FATBuilder.longName("orphaned long name.pdf", for: short) + other  // checksum of another entry
        let img = try DiskImage(parsing: b.finished())
        #expect(img.paths == ["invoice 2026-11-03.pdf.dll", "REPORT~1.PDF"])
        #expect(img.entries[0].isHidden)
        #expect(!img.entries[1].isHidden)
        #expect(try img.read(img.entries[0], keepLimit: 100).bytes == Self.dll)
    }

    @Test(arguments: [5000, 70000])
    func fat16And32(clusters: Int) throws {
        var b = FATBuilder(clusters: clusters)
        let dll = b.store(Self.dll)
        let sub = b.store([UInt8](repeating: 0, count: 512))
        let lnk = b.store(Self.lnk)
        let entry = FATBuilder.entry("INVOICE LNK", cluster: lnk, size: Self.lnk.count)
        b.write(FATBuilder.longName("Invoice.pdf.lnk", for: entry) + entry, at: sub)
        b.root = FATBuilder.entry("INVOICE DLL", attributes: 0x02, cluster: dll, size: Self.dll.count)
            + FATBuilder.entry("DOCS       ", attributes: 0x10, cluster: sub, size: 0)
        let img = try DiskImage(parsing: b.finished())
        #expect(img.volumeLabel == "TESTFAT")
        #expect(img.paths == ["INVOICE.DLL", "DOCS", "DOCS/Invoice.pdf.lnk"])
        #expect(img.entries[0].isHidden)
        #expect(try img.read(img.entries[2], keepLimit: 100).bytes == Self.lnk)
        #expect(img.anomalies.isEmpty, "\(img.anomalies)")
    }

    @Test func fatVolumeCutShort() throws {
        var b = FATBuilder(clusters: 64)
        let dll = b.store([UInt8](repeating: 0x44, count: 4000))
        b.root = FATBuilder.entry("INVOICE DLL", cluster: dll, size: 4000)
        let bytes = b.finished()
        let img = try DiskImage(parsing: bytes.prefix(bytes.count - 64 * 512 + 2 * 512))
        #expect(img.anomalies(.truncated).count == 1)
        let r = try img.read(img.entries[0], keepLimit: 1 << 20)
        #expect(r.truncated)
        #expect(r.bytes.count < 4000)
    }

    // MARK: - UDF

    /// udf-only.img with docs/readme.txt's identifier turned into a directory that points back at docs.
    @Test func udfDirectoryPointingBackwards() throws {
        var bytes = try Fixture.bytes("udf-only.img")
        /// The start of the file identifier descriptor (tag 257) whose name (CS0, 8-bit) is `name`.
        func fid(named name: String) throws -> Int {
            let pattern = [UInt8(8)] + Array(name.utf8)
            for nameAt in 500_000..<(bytes.count - pattern.count) where bytes[nameAt...].starts(with: pattern) {
                for implLength in 0...64 {
                    let s = nameAt - 38 - implLength
                    let l = Int(bytes[s + 36]) | Int(bytes[s + 37]) << 8
                    if bytes[s] == 1, bytes[s + 1] == 1, l == implLength { return s }
                }
            }
            throw DiskImageError.malformed
        }
        let docs = try fid(named: "docs"), readme = try fid(named: "readme.txt")
        bytes[readme + 18] = 0x02
        bytes.replaceSubrange((readme + 20)..<(readme + 36), with: bytes[(docs + 20)..<(docs + 36)])
        let img = try DiskImage(parsing: bytes)
        #expect(img.paths == ["docs", "invoice.dll", "invoice.lnk"])
        #expect(img.anomalies(.directoryLoop).count == 1)
        #expect(img.anomalies(.badChecksum).count == 1)  // the descriptor's CRC no longer matches
    }

    @Test func udfAnchorOrSequenceBroken() throws {
        var bytes = try Fixture.bytes("udf-only.img")
        // Break every anchor's tag checksum: the recognition sequence is there, the volume is not readable.
        for sector in [256, bytes.count / 2048 - 1] { bytes[sector * 2048 + 4] ^= 0xFF }
        let img = try DiskImage(parsing: bytes)
        #expect(img.kind == .udf)
        #expect(img.entries.isEmpty)
        #expect(!img.anomalies(.malformedRecord).isEmpty)
    }

    // MARK: - Containers

    @Test func vhdFooterChecksumAndSize() throws {
        var bytes = try Fixture.bytes("fat12.vhd")
        bytes[bytes.count - 512 + 70] ^= 0x01  // unique id byte: checksum fails
        bytes[bytes.count - 512 + 55] ^= 0x01  // current size
        let img = try DiskImage(parsing: bytes)
        #expect(img.kind == .vhd)
        #expect(img.anomalies(.badChecksum).count == 1)
        #expect(img.anomalies(.sizeMismatch).count == 1)
        #expect(img.paths == FixtureTests.fatPaths)
    }

    @Test func partitionBeyondTheDisk() throws {
        var bytes = try Fixture.bytes("disk-mbr.vhd")
        bytes[446 + 8 + 3] = 0x7F  // first LBA far beyond the end
        let img = try DiskImage(parsing: bytes)
        #expect(img.entries.isEmpty)
        #expect(!img.anomalies(.extentBeyondEnd).isEmpty)
    }
}
