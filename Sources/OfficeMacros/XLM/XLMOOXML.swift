import OOXML

/// Package relationships (`xl/_rels/workbook.xml.rels`, `xl/_rels/workbook.bin.rels`).
///
/// ```
///  <Relationship Id="rId1" Type=".../xlMacrosheet" Target="macrosheets/sheet1.xml"/>
/// ```
enum XLMRelationships {
    struct Relationship {
        var type: String
        /// The target resolved against the workbook part's folder: `xl/macrosheets/sheet1.xml`.
        var target: String
    }

    /// The relationships by Id; a malformed part gives what was read before the problem and an anomaly.
    static func parse(_ bytes: [UInt8], base: String, anomalies: inout XLMAnomalies) -> [String: Relationship] {
        var out: [String: Relationship] = [:]
        var tokenizer = XMLTokenizer(bytes[...])
        do {
            while let token = try tokenizer.next() {
                guard case .startElement(let name, let attributes, _, _) = token,
                    XMLTokenizer.localName(name) == "Relationship",
                    let id = attributes["Id"], let target = attributes["Target"]
                else { continue }
                guard out.count < 65_536 else { break }
                out[id] = Relationship(type: attributes["Type"] ?? "", target: resolve(target, base: base))
            }
        } catch {
            anomalies.add(.corruptXML, "workbook relationships: \(error)")
        }
        return out
    }

    /// `macrosheets/sheet1.xml` against `xl/` is `xl/macrosheets/sheet1.xml`; `/xl/a.xml` is `xl/a.xml`.
    static func resolve(_ target: String, base: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = base.split(separator: "/").map(String.init)
        for piece in target.split(separator: "/") {
            if piece == ".." {
                if !parts.isEmpty { parts.removeLast() }
            } else if piece != "." {
                parts.append(String(piece))
            }
        }
        return parts.joined(separator: "/")
    }

    /// A part name as OPC compares them: without a leading `/`, lowercased.
    static func normalized(_ path: String) -> String {
        (path.hasPrefix("/") ? String(path.dropFirst()) : path).lowercased()
    }

    /// The first index of each normalized part name.
    static func index(_ paths: [String]) -> [String: Int] {
        var out: [String: Int] = [:]
        for (k, path) in paths.enumerated().reversed() { out[normalized(path)] = k }
        return out
    }

    /// The kind of sheet a relationship type (or, without one, the part's folder) says.
    static func sheetKind(type: String, path: String) -> XLMSheetKind {
        let t = type.lowercased()
        if t.hasSuffix("/xlmacrosheet") || t.hasSuffix("/xlintlmacrosheet") || t.hasSuffix("macrosheet") {
            return .macroSheet
        }
        if t.hasSuffix("/worksheet") { return .worksheet }
        if t.hasSuffix("/chartsheet") { return .chart }
        if t.hasSuffix("/dialogsheet") { return .dialog }
        if !t.isEmpty { return .other }
        let p = path.lowercased()
        if p.contains("macrosheets/") { return .macroSheet }
        if p.contains("worksheets/") { return .worksheet }
        if p.contains("chartsheets/") { return .chart }
        if p.contains("dialogsheets/") { return .dialog }
        return .other
    }

    /// `sheet1` for `xl/macrosheets/sheet1.xml`.
    static func stem(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = file.lastIndex(of: ".") { return String(file[..<dot]) }
        return file
    }
}

/// Extracts Excel 4.0 macros from an `.xlsm`/`.xltm`/`.xlsx` workbook: `xl/workbook.xml` and the macro sheets.
///
/// ```
///  xl/workbook.xml:          <sheet name="Macro1" sheetId="2" state="veryHidden" r:id="rId1"/>
///                            <definedName name="_xlnm.Auto_Open" hidden="1">Macro1!$A$1</definedName>
///  xl/macrosheets/sheet1.xml <xm:macrosheet> <sheetData> <row r="1"> <c r="A1" t="b">
///                                <f>ALERT("...")</f> <v>0</v> </c> ...
/// ```
struct XLMOOXMLParser {
    let limits: XLMLimits
    var anomalies: XLMAnomalies
    var workbook = XLMWorkbook(format: "OOXML")

    init(limits: XLMLimits) {
        self.limits = limits
        anomalies = XLMAnomalies(limit: limits.maxAnomalies)
    }

    mutating func parse(
        workbookXML: [UInt8],
        macroSheets parts: [(path: String, name: String?, bytes: [UInt8])],
        relationships: [UInt8]?,
        sharedStrings: [UInt8]? = nil
    ) -> XLMWorkbook {
        if let sharedStrings { readSharedStrings(sharedStrings) }
        struct SheetEntry {
            var name: String
            var relID: String?
            var visibility: XLMSheetVisibility
        }
        var entries: [SheetEntry] = []
        var tokenizer = XMLTokenizer(workbookXML[...])
        var nameAttributes: [String: String]?
        var nameText = ""
        do {
            while let token = try tokenizer.next() {
                switch token {
                case .startElement(let name, let attributes, let selfClosing, _):
                    let local = XMLTokenizer.localName(name)
                    if local == "sheet" {
                        guard limits.maxSheets.allows(entries.count + 1) else {
                            if entries.count == limits.maxSheets.maximum {
                                anomalies.limitExceeded(limits.maxSheets, "the number of sheets")
                            }
                            continue
                        }
                        let state = attributes["state"] ?? "visible"
                        let visibility: XLMSheetVisibility =
                            state == "hidden" ? .hidden : state == "veryHidden" ? .veryHidden : .visible
                        let relID = attributes.first { XMLTokenizer.localName($0.key) == "id" && $0.key.contains(":") }?
                            .value
                        entries.append(SheetEntry(name: attributes["name"] ?? "", relID: relID, visibility: visibility))
                    } else if local == "definedName" {
                        if selfClosing {
                            addName(attributes, "")
                        } else {
                            nameAttributes = attributes
                            nameText = ""
                        }
                    }
                case .text(let text, _):
                    if nameAttributes != nil, nameText.utf8.count < limits.maxFormulaTextBytes.maximum {
                        nameText += text
                    }
                case .endElement(let name, _):
                    if XMLTokenizer.localName(name) == "definedName", let attributes = nameAttributes {
                        addName(attributes, nameText)
                        nameAttributes = nil
                    }
                }
            }
        } catch {
            anomalies.add(.corruptXML, "xl/workbook.xml: \(error)")
        }

        let rels = relationships.map { XLMRelationships.parse($0, base: "xl/", anomalies: &anomalies) } ?? [:]
        var sheetOfPart: [Int: Int] = [:]
        let partByPath = XLMRelationships.index(parts.map(\.path))
        var partsByName: [String: [Int]] = [:]
        for (k, part) in parts.enumerated().reversed() {
            if let name = part.name { partsByName[name, default: []].append(k) }
        }
        for entry in entries {
            var kind: XLMSheetKind = relationships == nil ? .other : .worksheet  // unknown without relationships
            var part: Int?
            if let id = entry.relID, let rel = rels[id] {
                kind = XLMRelationships.sheetKind(type: rel.type, path: rel.target)
                part = partByPath[XLMRelationships.normalized(rel.target)].flatMap { sheetOfPart[$0] == nil ? $0 : nil }
            }
            while part == nil, let k = partsByName[entry.name]?.last, sheetOfPart[k] != nil {
                partsByName[entry.name]?.removeLast()
            }
            if part == nil, let k = partsByName[entry.name]?.popLast() {
                part = k
                kind = XLMRelationships.sheetKind(type: "", path: parts[k].path)
                if kind == .other { kind = .macroSheet }
            }
            workbook.sheets.append(XLMSheet(name: entry.name, kind: kind, visibility: entry.visibility))
            if let part { sheetOfPart[part] = workbook.sheets.count - 1 }
        }
        for (k, part) in parts.enumerated() where sheetOfPart[k] == nil {
            guard limits.maxSheets.allows(workbook.sheets.count + 1) else { break }
            // A macro sheet part that the workbook does not list (or no relationships were given).
            if relationships != nil {
                anomalies.add(.inconsistent, "part \(part.path) is not a sheet of xl/workbook.xml")
            }
            workbook.sheets.append(
                XLMSheet(name: part.name ?? XLMRelationships.stem(part.path), kind: .macroSheet, visibility: .visible)
            )
            sheetOfPart[k] = workbook.sheets.count - 1
        }
        var cellCount = 0
        for (k, part) in parts.enumerated() {
            guard let i = sheetOfPart[k] else { continue }
            if parseSheet(part.bytes, path: part.path, sheet: workbook.sheets[i].name, cells: &cellCount) {
                workbook.sheets[i].kind = .macroSheet
            }
        }
        workbook.hasMacroSheets = workbook.sheets.contains { $0.kind == .macroSheet }
        workbook.anomalies = anomalies.list
        return workbook
    }

    /// The shared strings (`xl/sharedStrings.xml`), when given.
    private var strings: [String] = []

    /// Reads `<si>` items: the text of their `<t>` elements (plain or in rich runs `<r>`), without phonetic runs.
    private mutating func readSharedStrings(_ bytes: [UInt8]) {
        var tokenizer = XMLTokenizer(bytes[...])
        var current: String?
        var inText = false
        var inPhonetic = false
        let maxBytes = limits.maxStringBytes.maximum
        do {
            while let token = try tokenizer.next() {
                switch token {
                case .startElement(let name, _, let selfClosing, _):
                    switch XMLTokenizer.localName(name) {
                    case "si":
                        guard limits.maxSharedStrings.allows(strings.count + 1) else {
                            anomalies.limitExceeded(limits.maxSharedStrings, "the number of shared strings")
                            return
                        }
                        if selfClosing { strings.append("") } else { current = "" }
                    case "t": inText = !selfClosing
                    case "rPh": inPhonetic = !selfClosing
                    default: break
                    }
                case .text(let text, _):
                    if inText, !inPhonetic, (current?.utf8.count ?? maxBytes) < maxBytes { current?.append(text) }
                case .endElement(let name, _):
                    switch XMLTokenizer.localName(name) {
                    case "si":
                        if let c = current { strings.append(XLMText.capped(c, maxBytes: maxBytes)) }
                        current = nil
                    case "t": inText = false
                    case "rPh": inPhonetic = false
                    default: break
                    }
                }
            }
        } catch {
            anomalies.add(.corruptXML, "xl/sharedStrings.xml: \(error)")
        }
    }

    private mutating func addName(_ attributes: [String: String], _ text: String) {
        guard limits.maxNames.allows(workbook.definedNames.count + 1) else {
            if workbook.definedNames.count == limits.maxNames.maximum {
                anomalies.limitExceeded(limits.maxNames, "the number of names")
            }
            return
        }
        var name = attributes["name"] ?? ""
        let builtIn = name.hasPrefix("_xlnm.")
        if builtIn { name.removeFirst(6) }
        let hidden = attributes["hidden"] == "1" || attributes["hidden"] == "true"
        let defined = XLMDefinedName(
            name: name,
            isBuiltIn: builtIn,
            formula: XLMText.capped(text, maxBytes: limits.maxFormulaTextBytes.maximum),
            isHidden: hidden
        )
        workbook.definedNames.append(defined)
        if defined.autoExecEvent != nil { workbook.autoOpen.append(defined) }
    }

    /// Reads one macro sheet part; returns whether its root element is a macro sheet (`xm:macrosheet`).
    private mutating func parseSheet(_ bytes: [UInt8], path: String, sheet: String, cells cellCount: inout Int) -> Bool
    {
        var tokenizer = XMLTokenizer(bytes[...])
        var isMacroRoot = false
        var rootSeen = false
        var row = 0
        var column = 0
        // The cell being read.
        var inCell = false
        var cellType = ""
        var formula: String?
        var value: String?
        var inFormula = false
        var inValue = false
        var sharedKey: String?
        var sharedMaster: [String: String] = [:]
        var limitReported = false
        let maxText = limits.maxFormulaTextBytes.maximum
        do {
            while let token = try tokenizer.next() {
                switch token {
                case .startElement(let name, let attributes, let selfClosing, _):
                    let local = XMLTokenizer.localName(name)
                    if !rootSeen {
                        rootSeen = true
                        isMacroRoot = local == "macrosheet"
                    }
                    switch local {
                    case "row":
                        if let r = attributes["r"].flatMap({ Int($0) }), r >= 1, r <= 1 << 24 {
                            row = r
                        } else {
                            row += 1
                        }
                        column = 0
                    case "c":
                        if let r = attributes["r"], let ref = XLMReference.parseA1(r[...]) {
                            row = ref.row
                            column = ref.column
                        } else {
                            column += 1
                        }
                        cellType = attributes["t"] ?? "n"
                        formula = nil
                        value = nil
                        inCell = !selfClosing
                    case "f" where inCell:
                        let si = attributes["t"] == "shared" ? attributes["si"] : nil
                        sharedKey = si
                        if selfClosing {
                            if let si, let master = sharedMaster[si] { formula = master }
                        } else {
                            inFormula = true
                            formula = ""
                        }
                    case "v" where inCell, "t" where inCell:
                        inValue = !selfClosing
                        if value == nil { value = "" }
                    default:
                        break
                    }
                case .text(let text, _):
                    // Appended in place: many text pieces cost linear time.
                    if inFormula, (formula?.utf8.count ?? maxText) < maxText {
                        formula?.append(text)
                    } else if inValue, (value?.utf8.count ?? maxText) < maxText {
                        value?.append(text)
                    }
                case .endElement(let name, _):
                    switch XMLTokenizer.localName(name) {
                    case "f":
                        inFormula = false
                        if let key = sharedKey, let f = formula, !f.isEmpty, sharedMaster[key] == nil,
                            sharedMaster.count < 65_536
                        {
                            sharedMaster[key] = f
                        }
                        if let key = sharedKey, formula?.isEmpty ?? true, let master = sharedMaster[key] {
                            formula = master
                        }
                        sharedKey = nil
                    case "v", "t":
                        inValue = false
                    case "c":
                        guard inCell else { break }
                        inCell = false
                        cellCount += 1
                        guard limits.maxCells.allows(cellCount) else {
                            if !limitReported {
                                limitReported = true
                                anomalies.limitExceeded(limits.maxCells, "the number of cells")
                            }
                            break
                        }
                        var shown = value
                        if cellType == "b", let v = value { shown = v == "1" ? "TRUE" : "FALSE" }
                        if cellType == "s", let v = value {
                            if let k = Int(v), k >= 0, k < strings.count {
                                shown = strings[k]
                            } else {
                                shown = "<shared string \(v)>"
                            }
                        }
                        let capped = shown.map { XLMText.capped($0, maxBytes: limits.maxStringBytes.maximum) }
                        if let f = formula {
                            workbook.macroCells.append(
                                XLMCell(
                                    sheet: sheet,
                                    row: row,
                                    column: column,
                                    formula: "=" + XLMText.capped(f, maxBytes: maxText),
                                    value: capped
                                )
                            )
                        } else if let capped {
                            workbook.macroValues.append(
                                XLMCell(sheet: sheet, row: row, column: column, formula: "", value: capped)
                            )
                        }
                    default:
                        break
                    }
                }
            }
        } catch {
            anomalies.add(.corruptXML, "\(path): \(error)")
        }
        if !rootSeen, anomalies.list.isEmpty { anomalies.add(.corruptXML, "\(path): no root element") }
        return isMacroRoot
    }
}
