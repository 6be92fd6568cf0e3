import HTML
import TestSupport
import Testing

@Suite("Pages against the fixture script's goldens")
struct FixtureTests {
    /// Payload bytes (SHA-256), names and techniques, indicator kinds and URLs are what Python computed.
    @Test(arguments: Fixture.names)
    func golden(name: String) throws {
        let (bytes, golden) = try Fixture.load(name)
        #expect(bytes.count == golden.size)
        let analysis = HTMLAnalysis.analyze(bytes[...])
        #expect(analysis.charset == golden.charset)
        #expect(
            analysis.payloads.map { HexDigest.sha256($0.bytes) } == golden.payloads.map(\.sha256),
            "\(name): \(analysis.payloads.map { ($0.technique, $0.bytes.count) }) \(analysis.indicators)")
        #expect(analysis.payloads.map(\.name) == golden.payloads.map(\.name))
        #expect(analysis.payloads.map(\.technique) == golden.payloads.map(\.technique))
        #expect(analysis.payloads.allSatisfy { !$0.truncated })
        for kind in golden.indicators {
            #expect(analysis.kinds.contains(kind), "\(name): no \(kind) in \(analysis.indicators)")
        }
        for kind in golden.absent {
            #expect(!analysis.kinds.contains(kind), "\(name): unexpected \(kind) in \(analysis.indicators)")
        }
        #expect(analysis.urls == golden.urls, "\(name)")
        if let forms = golden.forms {
            #expect(analysis.forms.map(\.action) == forms.map(\.action))
            #expect(analysis.forms.map(\.method) == forms.map(\.method))
            #expect(analysis.forms.map(\.hasPasswordField) == forms.map(\.password))
        }
    }

    /// Every inline script is handed to the script analyzer, as a page script (not standalone).
    @Test func scriptsAreAnalysed() throws {
        let (bytes, _) = try Fixture.load("benign-newsletter")
        let analysis = HTMLAnalysis.analyze(bytes[...])
        #expect(analysis.scripts.count == 1)  // the src-only script is empty: not analysed
        #expect(analysis.scripts.allSatisfy { !$0.flags.autoExec })
    }

    /// Offsets and lines point at the encoded literal.
    @Test func payloadLocation() throws {
        let (bytes, _) = try Fixture.load("smuggling-inline-atob")
        let analysis = HTMLAnalysis.analyze(bytes[...])
        let payload = try #require(analysis.payloads.first)
        #expect(bytes[payload.offset] == UInt8(ascii: "'"))
        #expect(payload.line == 4)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false)[payload.line - 1].contains("atob("))
    }

    /// A slice that does not start at index 0 gives the same result, with offsets from its own start.
    @Test func sliceOffsets() throws {
        let (bytes, _) = try Fixture.load("smuggling-mssave")
        let shifted = [UInt8](repeating: 0x41, count: 100) + bytes
        let a = HTMLAnalysis.analyze(shifted[100...])
        let b = HTMLAnalysis.analyze(bytes[...])
        #expect(a.payloads == b.payloads)
        #expect(a.indicators == b.indicators)
    }

    /// Sniffing.
    @Test func looksLikeHTML() throws {
        for name in Fixture.names {
            let (bytes, _) = try Fixture.load(name)
            #expect(HTMLAnalysis.looksLikeHTML(bytes[...]), "\(name)")
        }
        let no: [String] = ["", "PK\u{3}\u{4}", "%PDF-1.7 <html>", "Dim x\r\nx = 1", "{\\rtf1 <html>", "hello < world"]
        for s in no { #expect(!HTMLAnalysis.looksLikeHTML(Array(s.utf8)[...]), "\(s)") }
        let yes = ["\u{FEFF}  <!DOCTYPE html><p>x", "\n\n<html>", "<script>x()</script>", "junk\n<html><body>"]
        for s in yes { #expect(HTMLAnalysis.looksLikeHTML(Array(s.utf8)[...]), "\(s)") }
    }
}
