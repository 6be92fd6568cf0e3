import Foundation
import OOXML
import Testing

/// Throughput in release mode; opt-in:
/// `OOXML_BENCH=1 swift test -c release --scratch-path .build-ooxml --filter 'OOXMLTests.BenchmarkTests'`
@Suite("Benchmarks", .enabled(if: ProcessInfo.processInfo.environment["OOXML_BENCH"] != nil), .serialized)
struct BenchmarkTests {
    /// A WordprocessingML body of about `megabytes` MiB: paragraphs of runs with attributes, entities and fields.
    static func document(megabytes: Int) -> [UInt8] {
        var xml = Array(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="urn:w"><w:body>"#.utf8)
        let paragraph = Array(
            (#"<w:p w:rsidR="00794224" w:rsidRDefault="00794224"><w:pPr><w:rPr><w:lang w:val="en-GB"/></w:rPr></w:pPr>"#
                + #"<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Invoice 4711 &amp; payment details for order 2026 </w:t></w:r>"#
                + #"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "https://x.example.invalid/a"</w:instrText></w:r>"#
                + #"<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#).utf8)
        while xml.count < megabytes << 20 { xml += paragraph }
        xml += Array("</w:body></w:document>".utf8)
        return xml
    }

    static func measure(_ label: String, bytes: Int, _ body: () throws -> Void) rethrows {
        let elapsed = try ContinuousClock().measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("BENCH \(label): \(bytes >> 20) MiB in \(String(format: "%.3f", seconds)) s = "
            + "\(String(format: "%.0f", Double(bytes) / 1_048_576 / seconds)) MiB/s")
    }

    @Test func tokenizer() throws {
        let xml = Self.document(megabytes: 32)
        var limits = XMLLimits.default
        limits.maxTokens.maximum = .max
        try Self.measure("XMLTokenizer", bytes: xml.count) {
            var tokenizer = XMLTokenizer(xml, limits: limits)
            var count = 0
            while try tokenizer.next() != nil { count += 1 }
            #expect(count > 1_000_000)
        }
    }

    @Test func ddeScan() throws {
        let xml = Self.document(megabytes: 32)
        var limits = OOXMLScanLimits.default
        limits.xml.maxTokens.maximum = .max
        limits.maxFindings.maximum = .max
        Self.measure("ddeFields", bytes: xml.count) {
            #expect(OOXMLScanner.ddeFields(wordDocumentXML: xml, partName: "word/document.xml", limits: limits).isEmpty)
        }
    }
}
