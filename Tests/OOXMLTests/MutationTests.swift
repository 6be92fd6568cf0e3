import OOXML
import TestSupport
import Testing

@Suite("Mutated fixtures never crash")
struct MutationTests {
    /// Byte flips, insertions of markup characters and cuts of real parts, run through every scanner.
    @Test func mutatedPartsScanCleanly() throws {
        var rng = SplitMix64(seed: 2026)
        let seeds: [[UInt8]] = try ["msodde__dde-test.docx", "msodde__dde-test.xlsx", "specimen-dde-split.docx"]
            .flatMap { try Fixture.package($0).parts.values } + [try Fixture.bytes("flat/dde-in-excel2003.xml")]
        let markup = Array("<>&;\"'=/![]?#x:".utf8)
        for round in 0..<600 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + rng.below(8)) where !bytes.isEmpty {
                let at = rng.below(bytes.count)
                switch rng.below(4) {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.insert(markup[rng.below(markup.count)], at: at)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + rng.below(64)))
                default: bytes = Array(bytes.prefix(at))
                }
            }
            var tokenizer = XMLTokenizer(bytes)
            while (try? tokenizer.next()) != nil {}
            _ = try? OOXMLPackageInfo(
                partNames: ["word/document.xml"], contentTypesXML: bytes, relationships: [("_rels/.rels", bytes)])
            _ = OOXMLScanner.ddeFields(wordDocumentXML: bytes, partName: "p")
            _ = OOXMLScanner.ddeLinks(excelPartXML: bytes, partName: "p")
            _ = OOXMLScanner.ddeLinksXLSB(binaryPart: bytes, partName: "p")
            _ = OOXMLScanner.ddeInFlatXML(bytes)
            _ = OOXMLScanner.ddeInCSV(bytes)
            _ = OOXMLScanner.ddeInWordBinary(stream: bytes)
            _ = OOXMLScanner.urls(inXML: bytes)
        }
    }
}
