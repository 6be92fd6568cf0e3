import ByteCursor
import Foundation
import OneNote
import Testing

/// The specimens of `Resources/malformed/manifest.json`: a valid section or cabinet with one structure broken.
@Suite("Malformed OneNote and cabinets")
struct MalformedTests {
    struct Specimen: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var anomalies: [String]
        var error: String?
        var note: String
        var testDescription: String { file }
    }

    static let specimens: [Specimen] = (try? Fixture.json("malformed/manifest.json")) ?? []

    @Test func manifestIsComplete() {
        #expect(Self.specimens.count >= 19)
    }

    @Test(arguments: Self.specimens)
    func specimen(_ s: Specimen) throws {
        let bytes = try Fixture.bytes("malformed/" + s.file)
        let isCabinet = s.file.hasSuffix(".cab")
        if let code = s.error {
            #expect {
                if isCabinet { _ = try CabinetArchive(parsing: bytes) } else { _ = try OneNoteFile(parsing: bytes) }
            } throws: { error in
                (error as? OneNoteError)?.code.rawValue == code
            }
            return
        }
        var codes: [String]
        if isCabinet {
            let cab = try CabinetArchive(parsing: bytes)
            codes = cab.anomalyCodes
            for file in cab.files {
                if let (_, extra) = try? cab.extractReporting(file) { codes += extra.map(\.code.rawValue) }
            }
        } else {
            let one = try OneNoteFile(parsing: bytes)
            codes = one.anomalyCodes
            // The blob is still there, whatever broke around it.
            #expect(!one.embeddedFiles.isEmpty, "\(s.file)")
        }
        for code in s.anomalies {
            #expect(codes.contains(code), "\(s.file): expected \(code), got \(codes)")
        }
    }

    /// A stray header GUID whose "length" is the real header's bytes: the real blob after it is still found whole.
    @Test func fakeHeaderDoesNotHideTheRealBlob() throws {
        let one = try Fixture.section("malformed/two-headers.one")
        #expect(one.embeddedFiles.count == 2)
        #expect(one.embeddedFiles.contains { !$0.truncated && Array($0.bytes) == SectionTests.wsf })
    }

    @Test func lzxIsRecognisedNotExtracted() throws {
        let cab = try Fixture.cabinet("malformed/lzx.cab")
        #expect(cab.folders.first?.compression == .lzx)
        #expect(throws: OneNoteError.unsupportedCompression) { try cab.extract(cab.files[0]) }
    }

    @Test func corruptMSZIPThrows() throws {
        let cab = try Fixture.cabinet("malformed/corrupt-mszip.cab")
        #expect(throws: OneNoteError.self) { try cab.extract(cab.files[1]) }
    }
}

/// Each limit, exceeded.
@Suite("OneNote limits")
struct LimitTests {
    @Test func fileNodes() throws {
        var limits = OneNoteLimits.default
        limits.maxFileNodes = Limit("onenote.maxFileNodes", 5)
        let one = try Fixture.section("fixtures/lure-wsf.one", limits: limits)
        #expect(one.anomalyCodes.contains("limit-exceeded"))
        #expect(one.embeddedFiles.count == 1)  // the scan still finds the blob
    }

    @Test func listDepth() throws {
        var limits = OneNoteLimits.default
        limits.maxListDepth = Limit("onenote.maxListDepth", 1)
        let one = try Fixture.section("fixtures/lure-wsf.one", limits: limits)
        #expect(one.anomalyCodes.contains("limit-exceeded"))
        #expect(one.embeddedFiles.first?.name == nil)
    }

    @Test func embeddedFiles() throws {
        var limits = OneNoteLimits.default
        limits.maxEmbeddedFiles = Limit("onenote.maxEmbeddedFiles", 1)
        let one = try Fixture.section("malformed/unreferenced-blob.one", limits: limits)
        #expect(one.embeddedFiles.count == 1)
        #expect(one.anomalyCodes.contains("limit-exceeded"))
    }

    @Test func propertyDepthAndText() throws {
        var limits = OneNoteLimits.default
        limits.maxTextSnippets = Limit("onenote.maxTextSnippets", 0)
        let one = try Fixture.section("fixtures/lure-wsf.one", limits: limits)
        #expect(one.textSnippets.isEmpty && one.pageTitles.isEmpty)
        limits.maxTextSnippets = Limit("onenote.maxTextSnippets", 1)
        limits.maxTextLength = Limit("onenote.maxTextLength", 6)
        #expect(try Fixture.section("fixtures/lure-wsf.one", limits: limits).textSnippets == ["Double"])
    }

    @Test func cabinetFilesAndExtraction() throws {
        var limits = OneNoteLimits.default
        limits.maxCabinetFiles = Limit("cab.maxFiles", 1)
        limits.maxExtractBytes = Limit("cab.maxExtractBytes", 1000)
        let cab = try Fixture.cabinet("fixtures/stored.cab", limits: limits)
        #expect(cab.files.count == 1)
        #expect(cab.anomalyCodes.contains("limit-exceeded"))
        #expect(throws: OneNoteError.limitExceeded) { try cab.extract(cab.files[0]) }
    }

    @Test func anomalies() throws {
        var limits = OneNoteLimits.default
        limits.maxAnomalies = Limit("onenote.maxAnomalies", 2)
        var bytes = try Fixture.bytes("fixtures/lure-wsf.one")
        // Ten stray blob headers with absurd lengths: ten truncated-blob anomalies, capped.
        let header: [UInt8] = [0xE7, 0x16, 0xE3, 0xBD, 0x65, 0x26, 0x11, 0x45, 0xA4, 0xC4, 0x8D, 0x4D, 0x0B, 0x7A, 0x9E, 0xAC]
        for _ in 0..<10 { bytes += header + [UInt8](repeating: 0xFF, count: 8) }
        let one = try OneNoteFile(parsing: bytes, limits: limits)
        #expect(one.anomalyCodes.filter { $0 == "truncated-blob" }.count == 2)
        #expect(one.anomalyCodes.contains("too-many-anomalies"))
    }
}
