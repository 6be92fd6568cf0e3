import ByteCursor
import DiskImage
import Testing

@Suite("Each limit, exceeded")
struct LimitTests {
    static func limits(_ change: (inout DiskImageLimits) -> Void) -> DiskImageLimits {
        var l = DiskImageLimits.default
        change(&l)
        return l
    }

    /// A root with `files` small files.
    static func flatISO(files: Int) -> [UInt8] {
        var b = ISOBuilder()
        let root = b.reserve(2)
        let data = b.store(MalformedTests.dll)
        b.rootBlock = root
        b.rootSize = 4096
        b.fill(root, parent: root, records: (0..<files).map {
            ISOBuilder.file("F\($0).DLL", block: data, size: MalformedTests.dll.count)
        }, size: 4096)
        return b.finished()
    }

    @Test func maxEntries() throws {
        let iso = try DiskImage(parsing: Self.flatISO(files: 10), limits: Self.limits { $0.maxEntries.maximum = 4 })
        #expect(iso.entries.count == 4)
        #expect(iso.anomalies(.limitExceeded).first?.detail.contains("image.maxEntries") == true)
        let all = try DiskImage(parsing: Self.flatISO(files: 10))
        #expect(all.entries.count == 10 && all.anomalies.isEmpty)
    }

    @Test func maxDepth() throws {
        var b = ISOBuilder()
        let blocks = (0..<6).map { _ in b.reserve() }
        for (i, block) in blocks.enumerated() {
            let children = i + 1 < blocks.count ? [ISOBuilder.directory("D\(i + 1)", block: blocks[i + 1])] : []
            b.fill(block, parent: i == 0 ? block : blocks[i - 1], records: children)
        }
        b.rootBlock = blocks[0]
        let iso = try DiskImage(parsing: b.finished(), limits: Self.limits { $0.maxDepth.maximum = 3 })
        #expect(iso.paths == ["D1", "D1/D2", "D1/D2/D3"])
        #expect(iso.anomalies(.limitExceeded).first?.detail.contains("image.maxDepth") == true)
        #expect(try DiskImage(parsing: b.finished()).entries.count == 5)
    }

    @Test func maxDirectoryBytes() throws {
        let iso = try DiskImage(parsing: Self.flatISO(files: 60), limits: Self.limits { $0.maxDirectoryBytes.maximum = 2048 })
        #expect(iso.entries.count < 60)
        #expect(iso.anomalies(.limitExceeded).first?.detail.contains("image.maxDirectoryBytes") == true)
        var b = FATBuilder(clusters: 64)
        let sub = b.store([UInt8](repeating: 0, count: 2048))
        b.write((0..<40).flatMap { FATBuilder.entry("F\($0)", cluster: 0, size: 0) }, at: sub)
        b.root = FATBuilder.entry("DIR", attributes: 0x10, cluster: sub, size: 0)
        let fat = try DiskImage(parsing: b.finished(), limits: Self.limits { $0.maxDirectoryBytes.maximum = 16 * 32 + 1024 })
        #expect(fat.entries.count < 41)
        #expect(fat.anomalies(.limitExceeded).first?.detail.contains("image.maxDirectoryBytes") == true)
    }

    @Test func maxExtentsPerFile() throws {
        var b = ISOBuilder()
        let root = b.reserve()
        let blocks = (0..<3).map { _ in b.store([UInt8](repeating: 0x41, count: 2048)) }
        b.rootBlock = root
        b.fill(root, parent: root, records: blocks.enumerated().map { i, block in
            ISOBuilder.record(Array("M.BIN;1".utf8), block: block, size: 2048, flags: i < 2 ? 0x80 : 0)
        })
        let iso = try DiskImage(parsing: b.finished(), limits: Self.limits { $0.maxExtentsPerFile.maximum = 2 })
        #expect(iso.paths == ["M.BIN"])
        #expect(try iso.read(iso.entries[0], keepLimit: 1 << 20).bytes.count == 4096)
        #expect(iso.anomalies(.limitExceeded).first?.detail.contains("image.maxExtentsPerFile") == true)
    }

    @Test func maxClusterVisits() throws {
        var b = FATBuilder(clusters: 64)
        var root: [UInt8] = []
        for i in 0..<4 {
            let c = b.store([UInt8](repeating: UInt8(i + 1), count: 2048))
            root += FATBuilder.entry("F\(i)     BIN", cluster: c, size: 2048)
        }
        b.root = root
        let img = try DiskImage(parsing: b.finished(), limits: Self.limits { $0.maxClusterVisits.maximum = 10 })
        #expect(img.anomalies(.limitExceeded).first?.detail.contains("image.maxClusterVisits") == true)
        #expect(try img.read(img.entries[3], keepLimit: 1 << 20).truncated)
        #expect(try img.read(img.entries[0], keepLimit: 1 << 20).bytes.count == 2048)
    }

    @Test func maxDescriptors() throws {
        let iso = try Fixture.image("lure.iso", limits: Self.limits { $0.maxDescriptors.maximum = 1 })
        #expect(iso.anomalies(.limitExceeded).first?.detail.contains("image.maxDescriptors") == true)
        #expect(iso.entries.count == 4)  // the primary descriptor came first
        let udf = try Fixture.image("udf-only.img", limits: Self.limits { $0.maxDescriptors.maximum = 3 })
        #expect(udf.anomalies(.limitExceeded).contains { $0.detail.contains("image.maxDescriptors") })
    }

    @Test func maxReadBytesPerEntry() throws {
        let img = try Fixture.image("fat12.img", limits: Self.limits { $0.maxReadBytesPerEntry.maximum = 1000 })
        let entry = try #require(img.entry(Fixture.longName))
        let x = try img.extract(entry, keepLimit: 1 << 20)
        #expect(x.stoppedAtLimit)
        #expect(x.output.totalBytes == 1000)
        #expect(try img.read(entry, keepLimit: 1 << 20).truncated)
        #expect(try !img.read(try #require(img.entry("invoice.lnk")), keepLimit: 1 << 20).truncated)
    }

    @Test func keepLimit() throws {
        let img = try Fixture.image("fat12.img")
        let r = try img.read(try #require(img.entry(Fixture.longName)), keepLimit: 100)
        #expect(r.bytes.count == 100)
        #expect(r.truncated)
    }

    @Test func maxAnomalies() throws {
        let loops = (0..<10).map { ISOBuilder.directory("L\($0)", block: 18) }
        var b = ISOBuilder()
        let root = b.reserve()
        b.rootBlock = root
        b.fill(root, parent: root, records: loops)
        let iso = try DiskImage(parsing: b.finished(), limits: Self.limits { $0.maxAnomalies.maximum = 3 })
        #expect(iso.anomalyCodes == ["directory-loop", "directory-loop", "directory-loop", "too-many-anomalies"])
    }
}

@Suite("Zero padding")
struct PaddingTests {
    static let tail = Array("TAIL".utf8)
    static let padded = MalformedTests.dll + [UInt8](repeating: 0, count: 8 << 20) + tail

    func expectBounded(_ r: (bytes: [UInt8], truncated: Bool, padding: [ZeroRun]), sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.bytes == MalformedTests.dll + Self.tail, sourceLocation: sourceLocation)
        #expect(!r.truncated, sourceLocation: sourceLocation)
        #expect(r.padding == [ZeroRun(offset: MalformedTests.dll.count, length: 8 << 20)], sourceLocation: sourceLocation)
    }

    @Test func paddedDLLInsideAnISO() throws {
        var b = ISOBuilder()
        let root = b.reserve()
        let data = b.store(Self.padded)
        b.rootBlock = root
        b.fill(root, parent: root, records: [
            ISOBuilder.file("INVOICE.LNK", block: data, size: 4),
            ISOBuilder.file("INVOICE.DLL", block: data, size: Self.padded.count),
        ])
        let iso = try DiskImage(parsing: b.finished())
        let dll = try #require(iso.entry("INVOICE.DLL"))
        #expect(dll.size == UInt64(Self.padded.count))
        expectBounded(try iso.read(dll, keepLimit: 1 << 20))
        let x = try iso.extract(dll, keepLimit: 1 << 20)
        #expect(x.output.totalBytes == Self.padded.count)
    }

    @Test func paddedDLLInsideAFATImage() throws {
        var b = FATBuilder(clusters: (Self.padded.count + 511) / 512 + 8)
        let c = b.store(Self.padded)
        b.root = FATBuilder.entry("INVOICE DLL", cluster: c, size: Self.padded.count)
        let img = try DiskImage(parsing: b.finished())
        expectBounded(try img.read(img.entries[0], keepLimit: 1 << 20))
        // With a keep limit below the content, the content is cut, the padding still measured.
        let small = try img.read(img.entries[0], keepLimit: 10)
        #expect(small.bytes.count == 10 && small.truncated)
        #expect(small.padding.first?.length == 8 << 20)
    }
}
