import CompoundFile
import Testing

@Suite("Lookup and reading")
struct APITests {
    @Test func tree() throws {
        let cfb = try Fixture.cfb("fixtures/small.cfb")
        #expect(cfb.majorVersion == 3 && cfb.sectorSize == 512 && cfb.miniSectorSize == 64)
        #expect(cfb.root.type == .root && cfb.root.name == "Root Entry" && cfb.root.path.isEmpty)
        let paths = cfb.entries.map(\.path)
        // A storage comes before its children.
        for e in cfb.entries {
            if let parent = e.parent, parent != 0 {
                let p = try #require(cfb.entries.firstIndex { $0.id == parent })
                let c = try #require(cfb.entries.firstIndex { $0.id == e.id })
                #expect(p < c)
            }
        }
        #expect(paths.contains("Macros/VBA/ThisDocument"))
        #expect(paths.contains("ObjectPool/_1234567890/\u{1}Ole10Native"))
        #expect(cfb.children(of: nil).map(\.name).sorted()
            == ["Macros", "ObjectPool", "WordDocument", "\u{1}CompObj", "\u{5}SummaryInformation"].sorted())
        #expect(cfb.children(of: cfb.root).count == 5)
        let vba = try #require(cfb.entry(path: "macros/vba"))
        #expect(vba.type == .storage)
        #expect(cfb.children(of: vba).map(\.name) == ["dir", "Module1", "ThisDocument"])
        #expect(cfb.streams(under: "Macros").map(\.path)
            == ["Macros/VBA/dir", "Macros/VBA/Module1", "Macros/VBA/ThisDocument"])
        #expect(cfb.streams(under: "").count == 8)
        #expect(cfb.streams(under: "WordDocument").isEmpty)
        #expect(cfb.entry(path: "MACROS/Vba/THISDOCUMENT")?.isInMiniStream == false)
        #expect(cfb.entry(path: "Macros/VBA/dir")?.isInMiniStream == true)
        #expect(cfb.entry(path: "nope") == nil)
        #expect(try cfb.stream(path: "nope") == nil)
        #expect(cfb.entry(path: "") == cfb.root)
        #expect(cfb.entry(id: vba.id) == vba)
    }

    @Test func readingStorageThrows() throws {
        let cfb = try Fixture.cfb("fixtures/small.cfb")
        #expect(throws: CFBError.notAStream) { try cfb.stream(path: "Macros") }
    }

    @Test func emptyStream() throws {
        let cfb = try Fixture.cfb("fixtures/small.cfb")
        let s = try #require(try cfb.stream(path: "Macros/VBA/Module1"))
        #expect(s.bytes.isEmpty && !s.truncated && s.declaredSize == 0)
    }

    @Test func versionFour() throws {
        let v3 = try Fixture.cfb("fixtures/small.cfb")
        let v4 = try Fixture.cfb("fixtures/small-v4.cfb")
        #expect(v4.majorVersion == 4 && v4.sectorSize == 4096)
        #expect(v4.anomalies.isEmpty)
        #expect(v4.entries.map(\.path) == v3.entries.map(\.path))
        for e in v3.entries where e.isStream {
            #expect(try v4.stream(path: e.path)?.bytes == v3.stream(e).bytes)
        }
    }

    @Test func rootReadsTheMiniStream() throws {
        let cfb = try Fixture.cfb("fixtures/small.cfb")
        let mini = try cfb.stream(cfb.root)
        #expect(UInt64(mini.bytes.count) == cfb.root.size && !mini.truncated)
    }

    @Test func entryFieldsOfARealDocument() throws {
        let cfb = try CompoundFile(parsing: try Fixture.corpusBytes("oleobj/sample_with_calc_embedded.doc"))
        let word = try #require(cfb.entry(path: "WordDocument"))
        #expect(word.clsid.count == 16)
        let pool = try #require(cfb.entry(path: "ObjectPool/_1572084892"))
        #expect(pool.created != 0 || pool.modified != 0)
        #expect(pool.clsidString.hasPrefix("{") && pool.clsidString.count == 38)
        #expect(cfb.root.clsidString == "{00020906-0000-0000-C000-000000000046}")
    }
}

@Suite("Chunked reading")
struct ChunkTests {
    @Test func chunksMatchTheStream() throws {
        let cfb = try Fixture.cfb("fixtures/small.cfb")
        for e in cfb.entries where e.isStream {
            var joined: [UInt8] = []
            var chunks = 0
            let r = try cfb.forEachChunk(of: e) { joined += $0; chunks += 1 }
            let s = try cfb.stream(e)
            #expect(joined == s.bytes && r.count == s.bytes.count && r.truncated == s.truncated)
            #expect(chunks == (e.size == 0 ? 0 : Int((e.size + (e.isInMiniStream ? 63 : 511)) / (e.isInMiniStream ? 64 : 512))))
        }
        let word = try #require(cfb.entry(path: "WordDocument"))
        var total = 0
        let r = try cfb.forEachChunk(of: word, maxBytes: 700) { total += $0.count }
        #expect(total == 700 && r.cutAtLimit && r.truncated)
        let macros = try #require(cfb.entry(path: "Macros"))
        #expect(throws: CFBError.notAStream) { try cfb.forEachChunk(of: macros) { _ in } }
    }
}
