import ByteCursor

extension OOXMLScanner {
    /// The DDE links of a SpreadsheetML part.
    ///
    /// In an external link part (`xl/externalLinks/externalLink1.xml`) each
    /// `<ddeLink ddeService="cmd" ddeTopic="/c calc">` is one link, reported as msodde does (`cmd /c calc`); in a
    /// sheet, cell formulas of the DDE form (`<f>cmd|'/c calc'!A0</f>`) are reported with the formula as the
    /// instruction.
    public static func ddeLinks(
        excelPartXML: [UInt8], partName: String, limits: OOXMLScanLimits = .default
    ) -> [DDEField] {
        var out: [DDEField] = []
        var tokenizer = XMLTokenizer(excelPartXML, limits: limits.xml)
        var formulaOffset: Int?
        var formula = ""
        while let token = try? tokenizer.next(), limits.maxFindings.allows(out.count + 1) {
            switch token {
            case .startElement(let name, let attributes, let selfClosing, let offset):
                let local = XMLTokenizer.localName(name)
                if local.lowercased() == "ddelink" {
                    let service = attribute("ddeService", in: attributes)
                    let topic = attribute("ddeTopic", in: attributes)
                    let link = [service, topic].compactMap { $0 }.joined(separator: " ")
                    out.append(DDEField(part: partName, instruction: link, command: link, offset: offset))
                } else if local == "f", !selfClosing {
                    formulaOffset = offset
                    formula = ""
                }
            case .text(let text, _):
                if formulaOffset != nil, formula.utf8.count < limits.maxInstructionBytes.maximum { formula += text }
            case .endElement(let name, _):
                if let offset = formulaOffset, XMLTokenizer.localName(name) == "f" {
                    if let link = DDEFormula(formula[...], requirePrefix: false) {
                        out.append(DDEField(part: partName, instruction: formula, command: link.command, offset: offset))
                    }
                    formulaOffset = nil
                }
            }
        }
        return out
    }

    /// The DDE links of an Excel binary (`.xlsb`) external link part (`xl/externalLinks/externalLink1.bin`).
    ///
    /// The part is a sequence of BIFF12 records; a `BrtBeginSupBook` (type 360) whose `sbt` is 1 is a DDE link
    /// with the service and topic as two `XLWideString`s ([MS-XLSB] 2.4.124):
    ///
    /// ```
    /// record: type (1-2 bytes, 7 bits each) | size (1-4 bytes, 7 bits each) | data[size]
    /// BrtBeginSupBook data: sbt u16 | cch u32 | service UTF-16LE[cch] | cch u32 | topic UTF-16LE[cch]
    /// ```
    public static func ddeLinksXLSB(binaryPart: [UInt8], partName: String, limits: OOXMLScanLimits = .default)
        -> [DDEField]
    {
        var out: [DDEField] = []
        var cursor = ByteCursor(binaryPart)
        while !cursor.isAtEnd, limits.maxFindings.allows(out.count + 1) {
            let recordOffset = cursor.offset
            guard let type = try? XLSB.readType(&cursor), let size = try? XLSB.readSize(&cursor),
                let data = try? cursor.readBytes(size)
            else { break }
            guard type == XLSB.beginSupBook else { continue }
            var record = ByteCursor(data)
            guard let sbt = try? record.readUInt16LE(), sbt == 1,
                let service = try? XLSB.readWideString(&record), let topic = try? XLSB.readWideString(&record)
            else { continue }
            let link = service + " " + topic
            out.append(DDEField(part: partName, instruction: link, command: link, offset: recordOffset))
        }
        return out
    }

    /// DDE in a flat XML document: Excel 2003 XML (`<Cell ss:Formula="=cmd|'/c calc'!A1">`), Word 2003 XML and
    /// Word 2007 flat OPC (`pkg:package`), whose fields are read as in ``ddeFields(wordDocumentXML:partName:limits:)``.
    public static func ddeInFlatXML(_ bytes: [UInt8], limits: OOXMLScanLimits = .default) -> [DDEField] {
        var out = ddeFields(wordDocumentXML: bytes, partName: "", limits: limits)
        var tokenizer = XMLTokenizer(bytes, limits: limits.xml)
        while let token = try? tokenizer.next(), limits.maxFindings.allows(out.count + 1) {
            guard case .startElement(let name, let attributes, _, let offset) = token,
                XMLTokenizer.localName(name).lowercased() == "cell"
            else { continue }
            for (key, value) in attributes where XMLTokenizer.localName(key).lowercased() == "formula" {
                if let link = DDEFormula(value[...], requirePrefix: true) {
                    out.append(DDEField(part: "", instruction: value, command: link.command, offset: offset))
                }
            }
        }
        return out
    }

    /// DDE formulas in CSV text (`=cmd|' /C calc'!A0`, `=MSEXCEL|'\..\..\Windows\System32\regsvr32 ...'!''`).
    ///
    /// A cell starts at the start of a line or after a `,`, `;`, tab or `"`; it is a DDE formula when it starts
    /// with `=`, `+`, `-` or `@` and has the form `service|topic!item`. Reports the cell text as the instruction.
    public static func ddeInCSV(_ bytes: [UInt8], limits: OOXMLScanLimits = .default) -> [DDEField] {
        var out: [DDEField] = []
        let text = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var offsets: [Int] = []
        offsets.reserveCapacity(text.count)
        var byteOffset = 0
        for s in text {
            offsets.append(byteOffset)
            byteOffset += UTF8.width(s)
        }
        var lineStart = 0
        while lineStart < text.count, limits.maxFindings.allows(out.count + 1) {
            var lineEnd = lineStart
            while lineEnd < text.count, text[lineEnd] != "\n", text[lineEnd] != "\r" { lineEnd += 1 }
            var i = lineStart
            while i < lineEnd {
                let c = text[i]
                let atCellStart = i == lineStart || [",", ";", "\t", "\""].contains(text[i - 1])
                if atCellStart, c == "=" || c == "+" || c == "-" || c == "@" {
                    let cellEnd = csvCellEnd(text, from: i, lineEnd: lineEnd)
                    var cell = String.UnicodeScalarView()
                    cell.append(contentsOf: text[i..<cellEnd])
                    let cellText = String(cell)
                    if let link = DDEFormula(cellText[...], requirePrefix: true) {
                        out.append(DDEField(part: "", instruction: cellText, command: link.command, offset: offsets[i]))
                        if !limits.maxFindings.allows(out.count + 1) { break }
                    }
                    i = max(cellEnd, i + 1)
                } else {
                    i += 1
                }
            }
            lineStart = lineEnd + 1
        }
        return out
    }

    /// The end of a CSV cell starting at `from`: the first `,`, `;`, tab or `"` outside single quotes.
    private static func csvCellEnd(_ text: [Unicode.Scalar], from: Int, lineEnd: Int) -> Int {
        var inQuote = false
        var i = from
        while i < lineEnd {
            let c = text[i]
            if c == "'" {
                inQuote.toggle()
            } else if !inQuote, c == "," || c == ";" || c == "\t" || c == "\"" {
                return i
            }
            i += 1
        }
        return lineEnd
    }
}

/// A DDE formula, `=service|topic!item` or `=service|'topic'!item`.
struct DDEFormula {
    var service: String
    var topic: String
    var item: String

    /// The command DDE starts: service and topic (unquoted).
    var command: String { topic.isEmpty ? service : service + " " + topic }

    /// Parses `text`; with `requirePrefix` it must start (after blanks and an optional `"`) with `=`, `+`, `-` or
    /// `@`. The service must not look like a function call (no parentheses, commas, quotes or `&`).
    init?(_ text: Substring, requirePrefix: Bool) {
        var s = text.drop { $0 == " " || $0 == "\t" }
        if s.first == "\"" { s = s.dropFirst() }
        let prefixed = s.first.map { "=+-@".contains($0) } ?? false
        if requirePrefix, !prefixed { return nil }
        s = s.drop { "=+-@ ".contains($0) }
        guard let pipe = s.firstIndex(of: "|") else { return nil }
        let service = s[..<pipe].trimmingBlanks()
        guard !service.isEmpty, !service.contains(where: { "()\",&=<>".contains($0) }) else { return nil }
        let rest = s[s.index(after: pipe)...]
        guard let bang = rest.lastIndex(of: "!") else { return nil }
        var topic = rest[..<bang].trimmingBlanks()
        if topic.count >= 2, topic.first == "'", topic.last == "'" { topic = topic.dropFirst().dropLast() }
        self.service = String(service)
        self.topic = String(topic.trimmingBlanks())
        self.item = String(rest[rest.index(after: bang)...].trimmingBlanks())
    }
}

extension Substring {
    /// The substring without leading and trailing whitespace.
    func trimmingBlanks() -> Substring {
        var s = self
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return s
    }
}

/// BIFF12 (`.xlsb`) record reading ([MS-XLSB] 2.1.4).
enum XLSB {
    static let beginSupBook = 360
    /// The longest `XLWideString` read, in characters ([MS-XLSB] caps them at 32,767 for most uses).
    static let maxStringCharacters = 32_767

    static func readType(_ cursor: inout ByteCursor) throws -> Int {
        let b0 = try cursor.readUInt8()
        guard b0 & 0x80 != 0 else { return Int(b0) }
        let b1 = try cursor.readUInt8()
        return Int(b0 & 0x7F) | Int(b1 & 0x7F) << 7
    }

    static func readSize(_ cursor: inout ByteCursor) throws -> Int {
        var size = 0
        for shift in stride(from: 0, to: 28, by: 7) {
            let b = try cursor.readUInt8()
            size |= Int(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
        }
        return size
    }

    static func readWideString(_ cursor: inout ByteCursor) throws -> String {
        let count = try ByteCursor.length(try cursor.readUInt32LE(), offset: cursor.offset)
        guard count <= maxStringCharacters else {
            throw CursorError.invalidLength(count, offset: cursor.offset)
        }
        let raw = try cursor.readBytes(count * 2)
        var units: [UInt16] = []
        units.reserveCapacity(count)
        var i = raw.startIndex
        while i + 1 < raw.endIndex {
            units.append(UInt16(raw[i]) | UInt16(raw[i + 1]) << 8)
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }
}
