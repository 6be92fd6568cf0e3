import FuzzDriver
import OOXML

/// Small limits so that one input cannot run for long.
let xmlLimits: XMLLimits = {
    var limits = XMLLimits.default
    limits.maxDepth.maximum = 64
    limits.maxAttributes.maximum = 64
    limits.maxNameBytes.maximum = 256
    limits.maxTokens.maximum = 1 << 16
    return limits
}()
let scanLimits: OOXMLScanLimits = {
    var limits = OOXMLScanLimits(xml: xmlLimits)
    limits.maxFindings.maximum = 256
    return limits
}()
let opcLimits: OPCLimits = {
    var limits = OPCLimits(xml: xmlLimits)
    limits.maxRelationships.maximum = 1024
    return limits
}()

/// Tokenizes the input as XML, describes it as content types and relationship parts of a package, and runs every
/// DDE and URL scan over it (XML, XLSB records, CSV, Word binary stream).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var tokenizer = XMLTokenizer(bytes, limits: xmlLimits)
    var depth = 0
    while let token = try? tokenizer.next() {
        if case .startElement(let name, _, _, _) = token { _ = XMLTokenizer.localName(name) }
        depth = max(depth, tokenizer.depth)
    }
    _ = try? OOXMLPackageInfo(
        partNames: ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/vbaProject.bin",
                    "word/embeddings/oleObject1.bin", "xl/macrosheets/sheet1.xml", "word/activeX/activeX1.bin"],
        contentTypesXML: bytes,
        relationships: [("_rels/.rels", bytes), ("word/_rels/document.xml.rels", bytes)], limits: opcLimits)
    _ = OOXMLScanner.ddeFields(wordDocumentXML: bytes, partName: "word/document.xml", limits: scanLimits)
    _ = OOXMLScanner.wordFields(wordXML: bytes, limits: scanLimits)
    _ = OOXMLScanner.ddeLinks(excelPartXML: bytes, partName: "xl/externalLinks/externalLink1.xml", limits: scanLimits)
    _ = OOXMLScanner.ddeLinksXLSB(binaryPart: bytes, partName: "xl/externalLinks/externalLink1.bin", limits: scanLimits)
    _ = OOXMLScanner.ddeInFlatXML(bytes, limits: scanLimits)
    _ = OOXMLScanner.ddeInCSV(bytes, limits: scanLimits)
    _ = OOXMLScanner.ddeInWordBinary(stream: bytes, limits: scanLimits)
    _ = OOXMLScanner.urls(inXML: bytes, limits: scanLimits)
    return 0
}

@_cdecl("FuzzOOXML_main")
public func fuzzOOXMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
