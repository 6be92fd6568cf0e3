import ByteCursor
import DiskImage
import TestSupport
import Testing

/// Images made by real tools (genisoimage, xorriso, mkudffs, mkfs.fat + mtools), listed and read back.
@Suite("Fixtures made by real tools")
struct FixtureTests {
    /// Reads every file of `image` and checks it against the script's SHA-256 of the content named like it.
    func expectContents(_ image: DiskImage, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for entry in image.entries where !entry.isDirectory {
            let content = entry.name.lowercased() == Fixture.longName.lowercased() ? "report.txt" : entry.name.lowercased()
            let expected = try #require(Fixture.contents[content], "no content for \(entry.path)", sourceLocation: sourceLocation)
            #expect(entry.size == UInt64(expected.size), "\(entry.path)", sourceLocation: sourceLocation)
            let r = try image.read(entry, keepLimit: 1 << 20)
            #expect(!r.truncated && r.padding.isEmpty, "\(entry.path)", sourceLocation: sourceLocation)
            #expect(HexDigest.sha256(r.bytes) == expected.sha256, "\(entry.path)", sourceLocation: sourceLocation)
        }
    }

    @Test func genisoimageJolietRockRidge() throws {
        let iso = try Fixture.image("lure.iso")
        #expect(iso.kind == .iso9660)
        #expect(iso.fileSystems == [.iso9660])
        #expect(iso.volumeLabel == "INVOICE_2026")
        #expect(iso.paths == ["docs", "invoice.dll", "invoice.lnk", "docs/readme.txt"])
        #expect(iso.entries.allSatisfy { $0.source == "joliet" })
        #expect(iso.entry("invoice.dll")?.isHidden == true)
        #expect(iso.entry("invoice.lnk")?.isHidden == false)
        #expect(iso.entry("docs")?.isDirectory == true)
        let modified = try #require(iso.entry("invoice.lnk")?.modified)
        #expect(modified.description == "2026-11-03 09:15:30+00:00")
        #expect(iso.anomalies.isEmpty, "\(iso.anomalies)")
        try expectContents(iso)
        #expect(throws: DiskImageError.notReadable) { try iso.read(iso.entry("docs")!, keepLimit: 100) }
    }

    /// Without its Joliet descriptor the primary tree is read, with the Rock Ridge (NM) names.
    @Test func rockRidgeNames() throws {
        var bytes = try Fixture.bytes("lure.iso")
        #expect(bytes[17 * 2048] == 2)  // the Joliet supplementary descriptor
        bytes[17 * 2048] = 3
        let iso = try DiskImage(parsing: bytes)
        #expect(iso.paths == ["docs", "invoice.dll", "invoice.lnk", "docs/readme.txt"])
        #expect(iso.entries.allSatisfy { $0.source == "iso9660" })
        #expect(iso.entry("invoice.dll")?.isHidden == true)
        try expectContents(iso)
    }

    @Test func plainISOLevel1Names() throws {
        let iso = try Fixture.image("plain.iso")
        #expect(iso.paths == ["INVOICE.LNK", "README.TXT"])
        #expect(iso.volumeLabel == "PLAIN")
        #expect(iso.anomalies.isEmpty, "\(iso.anomalies)")
        try expectContents(iso)
    }

    @Test func xorrisoLongName() throws {
        let iso = try Fixture.image("lure-xorriso.iso")
        #expect(iso.volumeLabel == "XORRISO_LURE")
        #expect(Set(iso.paths) == [Fixture.longName, "invoice.dll", "invoice.lnk"])
        #expect(iso.anomalies.isEmpty, "\(iso.anomalies)")
        try expectContents(iso)
    }

    @Test func benignISOOfPDFs() throws {
        let iso = try Fixture.image("pdfs.iso")
        #expect(iso.paths == ["statement.pdf", "terms.pdf"])
        #expect(iso.entries.allSatisfy { !$0.isHidden })
        try expectContents(iso)
    }

    /// genisoimage -udf: a UDF 1.02 file set beside the ISO 9660 and Joliet trees over the same data.
    @Test func udfBridge() throws {
        let iso = try Fixture.image("udf-bridge.iso")
        #expect(iso.kind == .iso9660)
        #expect(iso.fileSystems == [.udf, .iso9660])
        #expect(iso.volumeLabel == "UDF_LURE")
        #expect(iso.paths == ["docs", "invoice.dll", "invoice.lnk", "docs/readme.txt"])
        #expect(iso.entries.allSatisfy { $0.source == "udf" })
        // genisoimage's -hidden sets the ISO 9660 and Joliet flag only: Windows (reading UDF) shows the DLL.
        #expect(iso.entry("invoice.dll")?.isHidden == false)
        #expect(iso.anomalyCodes == ["view-mismatch", "view-mismatch"])
        #expect(iso.anomalies.allSatisfy { $0.detail.contains("hidden in the") })
        try expectContents(iso)
    }

    @Test func udfOnly() throws {
        let img = try Fixture.image("udf-only.img")
        #expect(img.kind == .udf)
        #expect(img.fileSystems == [.udf])
        #expect(img.paths == ["docs", "invoice.dll", "invoice.lnk", "docs/readme.txt"])
        #expect(img.entry("docs/readme.txt")?.modified?.description == "2026-11-03 09:15:30+00:00")
        #expect(img.anomalies.isEmpty, "\(img.anomalies)")
        try expectContents(img)
    }

    /// mkudffs: UDF 2.01, 512-byte blocks, extended file entries, the root directory embedded in its ICB.
    @Test func emptyUDF201() throws {
        let img = try Fixture.image("udf-empty.img")
        #expect(img.kind == .udf)
        #expect(img.volumeLabel == "EMPTYUDF")
        #expect(img.entries.isEmpty)
        #expect(img.anomalies.isEmpty, "\(img.anomalies)")
    }

    static let fatPaths = ["invoice.lnk", "invoice.dll", Fixture.longName, "docs", "docs/readme.txt"]

    @Test func fat12WithLongNameAndHiddenFile() throws {
        let img = try Fixture.image("fat12.img")
        #expect(img.kind == .fat)
        #expect(img.fileSystems == [.fat])
        #expect(img.volumeLabel == "EMOFAT")
        #expect(img.paths == Self.fatPaths)
        #expect(img.entry("invoice.dll")?.isHidden == true)
        #expect(img.entries.filter(\.isHidden).count == 1)
        #expect(img.entry("invoice.lnk")?.modified?.description == "2026-11-03 09:15:30")
        #expect(img.anomalies.isEmpty, "\(img.anomalies)")
        try expectContents(img)
    }

    @Test(arguments: ["fat12.vhd", "disk-mbr.vhd"])
    func fixedVHD(name: String) throws {
        let img = try Fixture.image(name)
        #expect(img.kind == .vhd)
        #expect(img.fileSystems == [.fat])
        #expect(img.volumeLabel == "EMOFAT")
        #expect(img.paths == Self.fatPaths)
        #expect(img.anomalies.isEmpty, "\(img.anomalies)")
        try expectContents(img)
    }

    @Test func dynamicVHDAndVHDXAreRecognised() throws {
        let dynamic = try Fixture.image("dynamic.vhd")
        #expect(dynamic.kind == .vhd)
        #expect(dynamic.entries.isEmpty)
        #expect(dynamic.anomalyCodes == ["unsupported-feature"])
        let vhdx = try Fixture.image("disk.vhdx")
        #expect(vhdx.kind == .vhdx)
        #expect(vhdx.anomalyCodes == ["unsupported-feature"])
    }

    @Test(arguments: ["plain.7z", "invoice.dll.gz", "rar5-plain.rar", "invoice.cab"])
    func archivesAreNotDiskImages(name: String) throws {
        #expect(throws: DiskImageError.notADiskImage) { try Fixture.image(name) }
    }

    @Test func entriesOfAnotherImageAreRefused() throws {
        let a = try Fixture.image("lure.iso")
        let b = try Fixture.image("pdfs.iso")
        #expect(throws: DiskImageError.noSuchEntry) { try b.read(a.entries[2], keepLimit: 100) }
    }

    /// A slice that does not start at index 0 lists the same and reports offsets from its own start.
    @Test func sliceOffsets() throws {
        let bytes = try Fixture.bytes("fat12.img")
        let padded = [UInt8](repeating: 0xAA, count: 1000) + bytes
        let img = try DiskImage(parsing: padded[1000...])
        let plain = try Fixture.image("fat12.img")
        #expect(img.entries == plain.entries)
        try expectContents(img)
    }
}
