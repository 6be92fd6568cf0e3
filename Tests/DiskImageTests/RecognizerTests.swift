import ByteCursor
import DiskImage
import TestSupport
import Testing

@Suite("Container recognition and encrypted flags")
struct RecognizerTests {
    static let cases: [(file: String, kind: ContainerKind, encrypted: Bool?)] = [
        ("plain-storedheader.7z", .sevenZip, false),
        ("encrypted-storedheader.7z", .sevenZip, true),
        ("encrypted-headers.7z", .sevenZip, true),
        // 7-Zip's default LZMA-compressed header hides the file coders: unknown, not "not encrypted".
        ("plain.7z", .sevenZip, nil),
        ("encrypted.7z", .sevenZip, nil),
        ("rar4-plain.rar", .rar, false),
        ("rar4-encrypted.rar", .rar, true),
        ("rar4-encrypted-headers.rar", .rar, true),
        ("rar5-plain.rar", .rar, false),
        ("rar5-encrypted.rar", .rar, true),
        ("rar5-encrypted-headers.rar", .rar, true),
        ("plain.ace", .ace, false),
        ("encrypted.ace", .ace, true),
        ("invoice.cab", .cab, false),
        ("invoice.dll.xz", .xz, false),
        ("invoice.dll.bz2", .bzip2, false),
        ("invoice.tar", .tar, false),
        ("plain.dmg", .dmg, false),
        ("encrypted.dmg", .dmg, true),
        ("invoice.dll.gz", .gzip, false),
        ("lure.iso", .iso9660, false),
        ("udf-bridge.iso", .iso9660, false),
        ("udf-only.img", .udf, false),
        ("fat12.img", .fat, false),
        ("fat12.vhd", .vhd, false),
        ("dynamic.vhd", .vhd, false),
        ("disk.vhdx", .vhdx, false),
    ]

    @Test(arguments: cases.indices)
    func recognise(index: Int) throws {
        let c = Self.cases[index]
        let r = try #require(ContainerRecognizer.recognize(try Fixture.bytes(c.file)), "\(c.file)")
        #expect(r.kind == c.kind, "\(c.file)")
        #expect(r.encrypted == c.encrypted, "\(c.file): \(r.details)")
    }

    @Test func namesInDetails() throws {
        for file in ["rar4-encrypted.rar", "rar5-encrypted.rar", "encrypted.ace"] {
            let r = try #require(ContainerRecognizer.recognize(try Fixture.bytes(file)))
            #expect(r.details.contains("invoice.lnk (encrypted)"), "\(file): \(r.details)")
            #expect(r.details.contains("invoice.dll (encrypted)"), "\(file): \(r.details)")
        }
        let cab = try #require(ContainerRecognizer.recognize(try Fixture.bytes("invoice.cab")))
        #expect(cab.details.hasSuffix("2 files: invoice.lnk, invoice.dll"), "\(cab.details)")
        let headers = try #require(ContainerRecognizer.recognize(try Fixture.bytes("encrypted-headers.7z")))
        #expect(headers.details.contains("names hidden"))
        let gz = try #require(ContainerRecognizer.recognize(try Fixture.bytes("invoice.dll.gz")))
        #expect(gz.details.contains("\"invoice.dll\""))
    }

    @Test func unknownInput() {
        #expect(ContainerRecognizer.recognize(Array("just some text, not an archive".utf8)) == nil)
        #expect(ContainerRecognizer.recognize([UInt8]()) == nil)
        #expect(ContainerRecognizer.recognize([UInt8](repeating: 0, count: 70_000)) == nil)
    }

    /// Every prefix and seeded byte flips of each archive: recognition never crashes or hangs.
    @Test func hostileHeaders() throws {
        var rng = SplitMix64(seed: 0xACE)
        for c in Self.cases where !["lure.iso", "udf-bridge.iso", "udf-only.img", "fat12.img", "fat12.vhd", "disk.vhdx"].contains(c.file) {
            let original = try Fixture.bytes(c.file)
            for n in stride(from: 0, to: min(original.count, 4096), by: 1) { _ = ContainerRecognizer.recognize(original[0..<n]) }
            for _ in 0..<300 {
                var bytes = original
                for _ in 0..<Int(rng.next() % 4 + 1) {
                    let i = Int(rng.next() % UInt64(min(bytes.count, 1024)))
                    bytes[i] = rng.next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: rng.next())
                }
                _ = ContainerRecognizer.recognize(bytes)
            }
        }
    }
}

@Suite("gzip")
struct GzipTests {
    @Test func gzipToolOutput() throws {
        let g = try GzipReader.inflate(try Fixture.bytes("invoice.dll.gz"), keepLimit: 1 << 20, maxInflated: 1 << 20)
        #expect(g.name == "invoice.dll")
        #expect(g.crcValid)
        #expect(g.members == 1)
        #expect(HexDigest.sha256(g.output.bytes) == Fixture.contents["invoice.dll"]?.sha256)
    }

    /// Two members; the first with FEXTRA, FNAME, FCOMMENT and FHCRC.
    @Test func multipleMembersAndAllHeaderFlags() throws {
        let g = try GzipReader.inflate(try Fixture.bytes("multi.gz"), keepLimit: 1 << 20, maxInflated: 1 << 20)
        #expect(g.name == "report.txt")
        #expect(g.members == 2)
        #expect(g.crcValid)
        let report = try #require(Fixture.contents["report.txt"]), readme = try #require(Fixture.contents["readme.txt"])
        #expect(g.output.bytes.count == report.size + readme.size)
        #expect(HexDigest.sha256(Array(g.output.bytes.prefix(report.size))) == report.sha256)
        #expect(HexDigest.sha256(Array(g.output.bytes.suffix(readme.size))) == readme.sha256)
    }

    @Test func badCRCAndBadHeaderCRC() throws {
        let g = try GzipReader.inflate(try Fixture.bytes("bad-crc.gz"), keepLimit: 1 << 20, maxInflated: 1 << 20)
        #expect(!g.crcValid)
        #expect(g.output.bytes.count == Fixture.contents["readme.txt"]?.size)
        var multi = try Fixture.bytes("multi.gz")
        // The FHCRC field of the first member sits right before its deflate data; corrupt the comment instead.
        let comment = Array("first member".utf8)
        let at = try #require(multi.indices.first { multi[$0...].starts(with: comment) })
        multi[at] ^= 0x20
        let h = try GzipReader.inflate(multi, keepLimit: 1 << 20, maxInflated: 1 << 20)
        #expect(!h.crcValid)
        #expect(h.members == 2)
    }

    /// A DLL followed by 4 MiB of zeros, gzipped to 4 KB: kept bytes are the DLL and its tail, the run is reported.
    @Test func paddedDLL() throws {
        let dll = try #require(Fixture.contents["invoice.dll"])
        let g = try GzipReader.inflate(try Fixture.bytes("padded-dll.gz"), keepLimit: 1 << 20, maxInflated: 64 << 20)
        #expect(g.crcValid)
        #expect(g.output.totalBytes == dll.size + (4 << 20) + 4)
        #expect(g.output.bytes.count < dll.size + 4)  // the DLL's own trailing zero joins the run
        #expect(g.output.padding.count == 1)
        #expect((g.output.padding.first?.length ?? 0) >= 4 << 20)
        #expect(g.output.bytes.suffix(4) == Array("TAIL".utf8)[...])
    }

    @Test func maxInflatedStops() throws {
        let g = try GzipReader.inflate(try Fixture.bytes("padded-dll.gz"), keepLimit: 1 << 20, maxInflated: 1 << 20)
        #expect(!g.crcValid)
        #expect(g.output.totalBytes == 1 << 20)
    }

    @Test func keepLimit() throws {
        let g = try GzipReader.inflate(try Fixture.bytes("multi.gz"), keepLimit: 100, maxInflated: 1 << 20)
        #expect(g.output.bytes.count == 100)
        #expect(g.output.truncated)
        #expect(g.crcValid)
    }

    @Test func notGzipAndTruncated() throws {
        #expect(throws: DiskImageError.notGzip) { try GzipReader.inflate(Array("hello".utf8), keepLimit: 10, maxInflated: 10) }
        #expect(throws: DiskImageError.notGzip) { try GzipReader.inflate([0x1F, 0x8B, 0x07, 0, 0, 0, 0, 0, 0, 0], keepLimit: 10, maxInflated: 10) }
        let bytes = try Fixture.bytes("multi.gz")
        for n in 0..<bytes.count {
            if let g = try? GzipReader.inflate(bytes[0..<n], keepLimit: 1 << 20, maxInflated: 1 << 20), g.crcValid {
                // Only the first member alone is a whole gzip stream.
                let firstMemberOnly = g.members == 1 && g.output.totalBytes == Fixture.contents["report.txt"]?.size
                #expect(firstMemberOnly, "prefix of \(n) bytes passed as whole")
            }
        }
        #expect(try GzipReader.inflate(bytes + [0, 0, 0, 0], keepLimit: 1 << 20, maxInflated: 1 << 20).crcValid)
        #expect(try !GzipReader.inflate(bytes + [1, 2, 3], keepLimit: 1 << 20, maxInflated: 1 << 20).crcValid)
    }

    @Test func corruptDeflate() throws {
        var bytes = try Fixture.bytes("invoice.dll.gz")
        for i in 25..<40 { bytes[i] = 0xFF }
        #expect(throws: DiskImageError.self) {
            let g = try GzipReader.inflate(bytes, keepLimit: 1 << 20, maxInflated: 1 << 20)
            if !g.crcValid { throw DiskImageError.corruptData }
        }
    }
}
