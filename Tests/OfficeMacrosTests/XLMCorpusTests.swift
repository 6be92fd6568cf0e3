import CompoundFile
import Foundation
import OfficeMacros
import Testing

/// The oletools corpus's Excel 4.0 samples in all seven formats: the macro sheet, `Auto_Open` and the ALERT/HALT
/// formulas must be found in each (olevba 0.60.2 finds nothing in the .xlsb/.xlsm/.xltm ones).
@Suite struct XLMCorpusTests {
    static let alert = "=ALERT(\"This is a sample Excel 4 macro\")"

    static func expectSample(_ wb: XLMWorkbook, format: String, sheet: String = "Macro1") {
        #expect(wb.format == format)
        #expect(wb.hasMacroSheets)
        #expect(!wb.isEncrypted)
        #expect(wb.macroSheets.map(\.name) == [sheet])
        #expect(wb.macroSheets.first?.visibility == .visible)
        #expect(wb.autoOpen.map(\.name) == ["Auto_Open"])
        #expect(wb.macroCells.map(\.formula) == [alert, "=HALT()"])
        #expect(wb.macroCells.map(\.reference) == ["$A$1", "$A$2"])
        #expect(wb.macroCells.allSatisfy { $0.sheet == sheet })
        #expect(wb.anomalies.isEmpty, "\(wb.anomalies)")
        let indicators = wb.indicators()
        #expect(indicators.contains { $0.kind == .autoExec && $0.keyword == "Auto_Open" })
        #expect(indicators.contains { $0.kind == .suspicious && $0.keyword == "XLM macro" })
        #expect(indicators.contains { $0.keyword == "ALERT" && $0.cell == "$A$1" })
        #expect(indicators.contains { $0.keyword == "HALT" && $0.cell == "$A$2" })
        let flags = wb.riskFlags()
        #expect(flags.autoExec && !flags.write && !flags.execute && !flags.isMalicious)
    }

    @Test(arguments: ["excel4_sample_macro.xls.Workbook", "excel4_sample_macro.xlt.Workbook"])
    func biff8(_ file: String) throws {
        let wb = XLMExtractor.fromBIFF8(workbookStream: try XLMFixture.bytes("oletools/\(file)"))
        Self.expectSample(wb, format: "BIFF8")
        #expect(wb.sheets.map(\.name) == ["Macro1", "Sheet1"])
        #expect(wb.autoOpen.first?.formula == "Macro1!$A$1")
        #expect(wb.autoOpen.first?.isBuiltIn == true)
        #expect(wb.macroCells.map(\.value) == ["FALSE", "TRUE"])
    }

    /// olevba reads this BIFF5 stream as BIFF8 and decodes neither the name's target nor A1.
    @Test func biff5() throws {
        let wb = XLMExtractor.fromBIFF8(
            workbookStream: try XLMFixture.bytes("oletools/excel4_sample_macro_excel5_format.xls.Book")
        )
        Self.expectSample(wb, format: "BIFF5")
        #expect(wb.autoOpen.first?.formula == "Macro1!$A$1")
    }

    @Test func xlsb() throws {
        let wb = try XLMFixture.xlsb("oletools/excel4_sample_macro.xlsb")
        Self.expectSample(wb, format: "BIFF12")
        #expect(wb.autoOpen.first?.formula == "Macro1!$A$1")
        #expect(wb.sheets.map(\.kind) == [.macroSheet, .worksheet])
    }

    @Test(arguments: ["excel4_sample_macro.xlsm", "excel4_sample_macro.xltm"])
    func ooxml(_ dir: String) throws {
        let wb = try XLMFixture.xlsm("oletools/\(dir)")
        Self.expectSample(wb, format: "OOXML")
        #expect(wb.autoOpen.first?.formula == "Macro1!$A$1")
        #expect(wb.sheets.map(\.kind) == [.macroSheet, .worksheet])
    }

    /// Without the relationships part, a macro sheet part given by path is still found (its folder says it).
    @Test func withoutRelationships() throws {
        let xlsm = try XLMFixture.xlsm("oletools/excel4_sample_macro.xlsm", relationships: false)
        #expect(xlsm.macroCells.map(\.formula) == [Self.alert, "=HALT()"])
        #expect(xlsm.hasMacroSheets)
        // The part cannot be placed: it is listed after the workbook's sheets, whose kind is unknown.
        #expect(xlsm.sheets.map(\.kind) == [.other, .other, .macroSheet])
        #expect(xlsm.sheets.last?.name == "sheet1")
        #expect(xlsm.anomalies.isEmpty)
        let xlsb = try XLMFixture.xlsb("oletools/excel4_sample_macro.xlsb", relationships: false)
        #expect(xlsb.macroCells.map(\.formula) == [Self.alert, "=HALT()"])
        #expect(xlsb.autoOpen.map(\.name) == ["Auto_Open"])
    }

    /// With the sheet name given, the part is matched to its sheet and keeps its visibility.
    @Test func namedPartsWithoutRelationships() throws {
        let sheet = try XLMFixture.bytes("oletools/excel4_sample_macro.xlsm/xl/macrosheets/sheet1.xml")
        let wb = XLMExtractor.fromOOXML(
            workbookXML: try XLMFixture.bytes("oletools/excel4_sample_macro.xlsm/xl/workbook.xml"),
            macroSheets: [("xl/macrosheets/sheet1.xml", "Macro1", sheet)]
        )
        #expect(wb.sheets.map(\.name) == ["Macro1", "Sheet1"])
        #expect(wb.macroCells.first?.sheet == "Macro1")
        #expect(wb.anomalies.isEmpty)
    }

    @Test func sylk() throws {
        let wb = XLMExtractor.fromSYLK(try XLMFixture.bytes("oletools/excel4_sample_macro.slk"))
        Self.expectSample(wb, format: "SYLK", sheet: "SYLK")
        #expect(wb.autoOpen.first?.formula == "R1C1")
        #expect(wb.indicators().first { $0.kind == .autoExec }?.cell == "$A$1")
    }

    /// The RC4-encrypted stream: reported as encrypted, nothing invented.
    @Test func encrypted() throws {
        let wb = XLMExtractor.fromBIFF8(
            workbookStream: try XLMFixture.bytes("oletools/autostart-encrypt-standardpassword.xls.Workbook")
        )
        #expect(wb.isEncrypted)
        #expect(wb.anomalies.count == 1)
        #expect(wb.anomalies.first?.hasPrefix("encrypted:") == true)
        #expect(wb.macroCells.isEmpty && wb.definedNames.isEmpty && !wb.hasMacroSheets)
    }

    /// The corpus files read in place through the compound file reader, as the engine will.
    @Test(arguments: [
        ("excel4-macros/excel4_sample_macro.xls", "Workbook"), ("excel4-macros/excel4_sample_macro.xlt", "Workbook"),
        ("excel4-macros/excel4_sample_macro_excel5_format.xls", "Book"),
        ("encrypted/autostart-encrypt-standardpassword.xls", "Workbook"),
    ])
    func throughCompoundFile(_ file: String, _ streamName: String) throws {
        let url = XLMFixture.corpus.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let cfb = try CompoundFile(parsing: Array(try Data(contentsOf: url)))
        let stream = try #require(try cfb.stream(path: streamName))
        let wb = XLMExtractor.fromBIFF8(workbookStream: stream.bytes)
        if file.hasPrefix("encrypted/") {
            #expect(wb.isEncrypted)
        } else {
            Self.expectSample(wb, format: streamName == "Book" ? "BIFF5" : "BIFF8")
        }
    }
}
