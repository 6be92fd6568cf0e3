import OOXML
import OfficeMacros

/// OOXML packages (.docx/.docm/.xlsx/.xlsm/.xlsb/.pptx/...): relationships, DDE, Excel 4.0 macro sheets.
///
/// The ZIP analyzer has already extracted every part as a child (so `vbaProject.bin` and `oleObject*.bin` are
/// inspected by the OLE analyzer); this adds what only the package as a whole shows.
enum OOXMLFacts {
    static func isPackage(_ children: [Artifact]) -> Bool {
        children.contains { $0.name == "[Content_Types].xml" }
    }

    static func analyze(_ children: [Artifact], into out: inout AnalysisOutput) {
        var parts: [String: [UInt8]] = [:]
        for c in children { if let n = c.name { parts[n] = Array(c.bytes) } }
        let rels = parts.filter { $0.key.hasSuffix(".rels") }.map { (partName: $0.key, xml: $0.value) }
        guard let info = try? OOXMLPackageInfo(
            partNames: Array(parts.keys), contentTypesXML: parts["[Content_Types].xml"], relationships: rels)
        else {
            out.facts.append(Fact(.officeMalformed, "OOXML package relationships could not be read"))
            return
        }
        out.properties["ooxml.kind"] = info.documentKind
        if info.isMacroEnabled { out.properties["ooxml.macro-enabled"] = "true" }

        for rel in info.externalRelationships {
            let type = rel.type.lowercased()
            if type.hasSuffix("/attachedtemplate") {
                out.facts.append(
                    Fact(.officeRemoteTemplate, "template loaded from \(rel.target)", within: rel.sourcePart, detail: rel.target))
            } else if type.hasSuffix("/oleobject") || type.hasSuffix("/frame") || type.hasSuffix("/subdocument") {
                out.facts.append(
                    Fact(.officeExternalObject, "external \(rel.type.split(separator: "/").last ?? "object") \(rel.target)",
                         within: rel.sourcePart, detail: rel.target))
            }
        }

        // DDE in Word parts and Excel external links and sheets.
        for (name, bytes) in parts.sorted(by: { $0.key < $1.key }) where name.hasSuffix(".xml") {
            var fields: [DDEField] = []
            if name.hasPrefix("word/") {
                fields = OOXMLScanner.ddeFields(wordDocumentXML: bytes, partName: name)
            } else if name.hasPrefix("xl/externalLinks/") || name.hasPrefix("xl/worksheets/") {
                fields = OOXMLScanner.ddeLinks(excelPartXML: bytes, partName: name)
            }
            for f in fields.prefix(10) { out.facts.append(DDEFacts.fact(f)) }
        }
        for (name, bytes) in parts.sorted(by: { $0.key < $1.key })
        where name.hasPrefix("xl/externalLinks/") && name.hasSuffix(".bin") {
            for f in OOXMLScanner.ddeLinksXLSB(binaryPart: bytes, partName: name).prefix(10) {
                out.facts.append(DDEFacts.fact(f))
            }
        }

        // Excel 4.0 macro sheets: XML (xlsm/xltm/xlsx) or binary (xlsb).
        var risk = MacroRiskFlags(autoExec: false, write: false, execute: false)
        let xmlSheets = parts.filter { $0.key.hasPrefix("xl/macrosheets/") && $0.key.hasSuffix(".xml") }
            .sorted { $0.key < $1.key }.map { (path: $0.key, name: String?.none, bytes: $0.value) }
        let binSheets = parts.filter { $0.key.hasPrefix("xl/macrosheets/") && $0.key.hasSuffix(".bin") }
            .sorted { $0.key < $1.key }.map { (path: $0.key, name: String?.none, bytes: $0.value) }
        // The workbook's relationships say which sheet part is a macro sheet (and so whether it is hidden); shared
        // strings resolve the string constants (URLs) on macro sheets.
        if let workbook = parts["xl/workbook.xml"] {
            let xlm = XLMExtractor.fromOOXML(
                workbookXML: workbook, macroSheets: xmlSheets,
                workbookRelationships: parts["xl/_rels/workbook.xml.rels"], sharedStrings: parts["xl/sharedStrings.xml"])
            MacroFacts.xlm(xlm, within: "xl/workbook.xml", risk: &risk, into: &out)
        } else if let workbook = parts["xl/workbook.bin"] {
            let xlm = XLMExtractor.fromBIFF12(
                workbookBin: workbook, sheets: binSheets,
                workbookRelationships: parts["xl/_rels/workbook.bin.rels"], sharedStrings: parts["xl/sharedStrings.bin"])
            MacroFacts.xlm(xlm, within: "xl/workbook.bin", risk: &risk, into: &out)
        }
        MacroFacts.verdict(risk, into: &out)
    }
}

enum DDEFacts {
    static func fact(_ f: DDEField) -> Fact {
        let lower = f.command.lowercased()
        let runsSomething = ["cmd", "powershell", "mshta", "rundll32", "regsvr32", "wscript", "cscript", "certutil",
            "bitsadmin", "msiexec", "calc"].contains { lower.contains($0) }
        return Fact(
            runsSomething ? .officeDDECommand : .officeDDE,
            "DDE field: \(f.instruction.prefix(300))", within: f.part, offset: f.offset, detail: f.command)
    }
}

/// SYLK spreadsheets, flat XML documents (Word/Excel 2003 XML, Flat OPC) and CSV: XLM and DDE without a container.
struct TextDocumentAnalyzer: Analyzer {
    let name = "text-document"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let bytes = Array(artifact.bytes)
        switch Sniffer.sniff(artifact.bytes) {
        case .sylk:
            var risk = MacroRiskFlags(autoExec: false, write: false, execute: false)
            MacroFacts.xlm(XLMExtractor.fromSYLK(bytes), within: "", risk: &risk, into: &out)
            MacroFacts.verdict(risk, into: &out)
            for f in OOXMLScanner.ddeInCSV(bytes).prefix(10) { out.facts.append(DDEFacts.fact(f)) }
        case .xml:
            for f in OOXMLScanner.ddeInFlatXML(bytes).prefix(10) { out.facts.append(DDEFacts.fact(f)) }
        default:
            // CSV-style DDE (=cmd|' /c calc'!A0), in what Excel opens as a sheet: a file named .csv (or .txt, .prn,
            // .tsv) or declared text/csv. Mail bodies are not sheets (ISO-2022-JP text is full of = and |), and
            // the scan is only worth it when a pipe follows an equals sign.
            let ext = NameChecks.lastExtension(artifact.name)
            let sheet = ["csv", "txt", "prn", "tsv"].contains(ext)
                || (artifact.declaredType?.lowercased().contains("csv") ?? false)
            if sheet, bytes.contains(0x7C), bytes.contains(0x3D) {
                for f in OOXMLScanner.ddeInCSV(bytes).prefix(10) { out.facts.append(DDEFacts.fact(f)) }
            }
        }
        return out
    }
}
