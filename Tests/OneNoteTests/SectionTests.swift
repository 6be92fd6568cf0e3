import Foundation
import OneNote
import TestSupport
import Testing

/// The hand-built sections against what they were built with and what pyOneNote and one-extract read in them.
@Suite("OneNote sections")
struct SectionTests {
    static let wsf = Array(#"<job><script language="VBScript">MsgBox "x"</script></job>"#.utf8)
    static let sections = ["lure-wsf.one", "picture-png.one", "unnamed.one"]

    @Test func lureWithEmbeddedWSF() throws {
        let one = try Fixture.section("fixtures/lure-wsf.one")
        #expect(one.isOneNote2010)
        #expect(!one.isTableOfContents)
        #expect(!one.isEncrypted)
        #expect(one.anomalies.isEmpty, "\(one.anomalies)")
        try #require(one.embeddedFiles.count == 1)
        let file = one.embeddedFiles[0]
        #expect(file.name == "invoice.wsf")
        #expect(file.displayName == "invoice.wsf")
        #expect(file.kind == .embeddedFile)
        #expect(file.fileExtension == ".wsf")
        #expect(file.sourcePath == #"C:\Users\user\Desktop\invoice.wsf"#)
        #expect(Array(file.bytes) == Self.wsf)
        #expect(file.declaredLength == UInt64(Self.wsf.count))
        #expect(!file.truncated)
        #expect(one.pageTitles == ["Invoice 2023-03"])
        #expect(one.textSnippets == ["Double click to view file"])
    }

    @Test func pictureWithPNG() throws {
        let one = try Fixture.section("fixtures/picture-png.one")
        #expect(one.anomalies.isEmpty, "\(one.anomalies)")
        let file = try #require(one.embeddedFiles.first)
        #expect(file.name == "logo.png")
        #expect(file.kind == .picture)
        #expect(file.altText == "Company logo")
        #expect(file.bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    @Test func unnamedBlobFallsBackToIndex() throws {
        let one = try Fixture.section("fixtures/unnamed.one")
        let file = try #require(one.embeddedFiles.first)
        #expect(file.name == nil)
        #expect(file.guid == nil)
        #expect(file.kind == .unknown)
        #expect(file.displayName == "embedded[0].txt")
        #expect(one.anomalyCodes == ["unreferenced-blob"])
    }

    /// pyOneNote's files (GUID, extension, content, and the name its command line binds through the container's
    /// identity) and one-extract's blobs and titles, as the committed goldens record them.
    @Test(arguments: Self.sections)
    func matchesPeers(_ name: String) throws {
        let golden: SectionGolden = try Fixture.json("golden/\(name).json")
        let bytes = try Fixture.bytes("fixtures/" + name)
        #expect(HexDigest.sha256(bytes) == golden.sha256)
        let one = try OneNoteFile(parsing: bytes)
        // one-extract: every blob its scan finds, in order.
        #expect(one.embeddedFiles.map(\.bytes.count) == golden.oneExtract.files.map(\.size))
        #expect(one.embeddedFiles.map { HexDigest.sha256(Array($0.bytes)) } == golden.oneExtract.files.map(\.sha256))
        #expect(one.pageTitles == golden.oneExtract.titles)
        // pyOneNote: the blobs the revision store references, with their names.
        for py in golden.pyOneNote.files {
            let file = try #require(one.embeddedFiles.first { $0.guid == py.guid }, "\(name): blob \(py.guid)")
            #expect(file.fileExtension == py.extension)
            #expect(file.name == py.name)
            #expect(file.bytes.count == py.size)
            #expect(HexDigest.sha256(Array(file.bytes)) == py.sha256)
        }
        #expect(one.embeddedFiles.filter { $0.guid != nil }.count == golden.pyOneNote.files.count)
        #expect(one.pageTitles == golden.pyOneNote.titles)
        #expect(one.textSnippets == golden.pyOneNote.texts)
        #expect(one.embeddedFiles.first?.offset == golden.built.blobOffset)
        #expect(one.embeddedFiles.first.map { HexDigest.sha256(Array($0.bytes)) } == golden.built.payloadSHA256)
    }

    @Test func notOneNote() throws {
        #expect(throws: OneNoteError.notOneNote) { try OneNoteFile(parsing: [UInt8]()) }
        #expect(throws: OneNoteError.notOneNote) { try OneNoteFile(parsing: [UInt8](repeating: 0, count: 4096)) }
        let cab = try Fixture.bytes("fixtures/lure-wsf.onepkg")
        #expect(throws: OneNoteError.notOneNote) { try OneNoteFile(parsing: cab) }
    }

    /// Every prefix of the WSF section: below the header it throws, after it it parses, and the embedded file is
    /// either marked truncated or whole.
    @Test func dripFeed() throws {
        let bytes = try Fixture.bytes("fixtures/lure-wsf.one")
        for n in 0...bytes.count {
            let prefix = bytes[0..<n]
            if n < 1024 {
                #expect(throws: OneNoteError.self) { try OneNoteFile(parsing: prefix) }
                continue
            }
            let one = try OneNoteFile(parsing: prefix)
            for file in one.embeddedFiles {
                #expect(file.truncated || Array(file.bytes) == Self.wsf, "prefix \(n)")
            }
            if n == bytes.count { #expect(one.embeddedFiles.first?.name == "invoice.wsf") }
        }
    }

    /// Random mutations of every section: parsing never traps, and every blob is a slice of the input.
    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0x0E)
        for name in Self.sections {
            let base = try Fixture.bytes("fixtures/" + name)
            for _ in 0..<300 {
                var m = base
                for _ in 0..<(1 + rng.nextInt() % 8) {
                    let at = 1024 + rng.nextInt() % (m.count - 1024)
                    m[at] = UInt8(truncatingIfNeeded: rng.nextInt())
                }
                guard let one = try? OneNoteFile(parsing: m) else { continue }
                for file in one.embeddedFiles {
                    #expect(file.bytes.startIndex >= 0 && file.bytes.endIndex <= m.count)
                    _ = file.displayName
                }
            }
        }
    }
}
