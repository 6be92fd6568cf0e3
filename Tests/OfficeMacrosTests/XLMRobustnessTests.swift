import ByteCursor
import Foundation
import OfficeMacros
import TestSupport
import Testing

/// Corrupt, truncated and hostile input: anomalies, never a crash, a hang or unbounded memory; each limit hit.
@Suite struct XLMRobustnessTests {
    typealias B = XLMBuilder

    static func anomalyCodes(_ wb: XLMWorkbook) -> [String] {
        wb.anomalies.map { String($0.prefix { $0 != ":" }) }
    }

    static func limits(_ edit: (inout XLMLimits) -> Void) -> XLMLimits {
        var limits = XLMLimits.default
        edit(&limits)
        return limits
    }

    // MARK: - Corrupt records

    @Test func notBIFF() {
        let wb = XLMExtractor.fromBIFF8(workbookStream: Array("PK\u{3}\u{4} not a workbook at all".utf8))
        #expect(Self.anomalyCodes(wb) == ["corrupt-biff"])
        #expect(wb.sheets.isEmpty)
        #expect(Self.anomalyCodes(XLMExtractor.fromBIFF8(workbookStream: [])) == ["truncated"])
        #expect(Self.anomalyCodes(XLMExtractor.fromBIFF8(workbookStream: [0x09, 0x08])) == ["truncated"])
        #expect(Self.anomalyCodes(XLMExtractor.fromBIFF8(workbookStream: B.record(0x0209, [0, 0]))) == ["unsupported"])
    }

    @Test func recordLengthPastTheEnd() {
        var stream = B.macroWorkbook([B.str("a") + B.funcVar(1, 110)])
        stream += B.le16(0x0006) + B.le16(500) + [1, 2, 3]
        let wb = XLMExtractor.fromBIFF8(workbookStream: stream)
        #expect(wb.macroCells.map(\.formula) == ["=EXEC(\"a\")"])
        #expect(Self.anomalyCodes(wb) == ["truncated"])
    }

    @Test func absurdFormulaLength() {
        let rgce = B.str("calc") + B.funcVar(1, 110)
        let stream = B.workbook(sheets: [
            (
                name: "M", state: 0, type: 1, bof: 0x40,
                records: B.formula(row: 0, column: 0, rgce, declaredLength: 65_535)
            )
        ])
        let wb = XLMExtractor.fromBIFF8(workbookStream: stream)
        #expect(wb.macroCells.map(\.formula) == ["=EXEC(\"calc\")"])
        #expect(Self.anomalyCodes(wb) == ["corrupt-biff"])
    }

    @Test func shortRecordsAndBadIndices() {
        let records =
            B.record(0x0006, [1, 2, 3])  // FORMULA too short
            + B.record(0x00FD, B.le16(0) + B.le16(0) + B.le16(0) + B.le32(99))  // LABELSST past the SST
            + B.record(0x0204, [0, 0])  // LABEL too short
            + B.formula(row: 1, column: 0, [0x43] + B.le32(77) + [0x39] + B.le16(9) + B.le32(3) + [0x10])
        let globals = B.record(0x0085, [1, 2]) + B.record(0x0018, [0x20]) + B.record(0x00FC, B.le32(1) + B.le32(5))
        let wb = XLMExtractor.fromBIFF8(
            workbookStream: B.workbook(
                sheets: [(name: "M", state: 0, type: 1, bof: 0x40, records: records)],
                globals: globals
            )
        )
        #expect(wb.macroCells.map(\.formula) == ["=[name 77],[name 9:3]"])
        #expect(Self.anomalyCodes(wb).filter { $0 == "corrupt-biff" }.count == 6, "\(wb.anomalies)")
        #expect(wb.anomalies.contains { $0.contains("SST declares 5 strings, 0 are there") })
    }

    /// A sheet substream no BOUNDSHEET lists, a BOUNDSHEET offset that is wrong, a BOF that disagrees.
    @Test func inconsistentSheets() {
        let macro = B.bof(0x40) + B.formula(row: 0, column: 0, B.funcVar(0, 54)) + B.eof
        let stream =
            B.bof(0x0005) + B.boundSheet(offset: 12_345, state: 0, type: 0, name: "Decoy") + B.eof + macro + macro
        let wb = XLMExtractor.fromBIFF8(workbookStream: stream)
        #expect(wb.sheets.map(\.kind) == [.macroSheet, .macroSheet])
        #expect(
            wb.sheets.map(\.name) == [
                "Decoy",
                "unlisted@\(B.bof(0x0005).count + B.boundSheet(offset: 0, state: 0, type: 0, name: "Decoy").count + 4 + macro.count)",
            ]
        )
        #expect(wb.macroCells.count == 2)
        #expect(Self.anomalyCodes(wb) == ["inconsistent", "inconsistent", "inconsistent"])
        #expect(wb.indicators().contains { $0.keyword == "Very hidden XLM macro sheet" })
    }

    /// Thousands of CONTINUE records after one record: merged up to the limit, then reported.
    @Test func continueChains() {
        var globals: [UInt8] = B.name(text: "N", rgce: B.int(1))
        for _ in 0..<3000 { globals += B.record(0x003C, [UInt8](repeating: 0x41, count: 100)) }
        let stream = B.workbook(sheets: [(name: "M", state: 0, type: 1, bof: 0x40, records: [])], globals: globals)
        let wb = XLMExtractor.fromBIFF8(workbookStream: stream)
        #expect(wb.definedNames.map(\.formula) == ["1"])
        #expect(wb.anomalies.isEmpty)
        let capped = XLMExtractor.fromBIFF8(
            workbookStream: stream,
            limits: Self.limits { $0.maxRecordBytes.maximum = 10_000 }
        )
        #expect(capped.anomalies.count == 1 && capped.anomalies[0].contains("xlm.maxRecordBytes"))
        #expect(capped.definedNames.map(\.formula) == ["1"])
    }

    @Test func manyRecords() {
        var records: [UInt8] = []
        for i in 0..<20_000 { records += B.record(0x0208 + (i & 1) * 0x10, [0, 0, 0, 0]) }
        records += B.formula(row: 0, column: 0, B.funcVar(0, 54))
        let stream = B.workbook(sheets: [(name: "M", state: 0, type: 1, bof: 0x40, records: records)])
        #expect(XLMExtractor.fromBIFF8(workbookStream: stream).macroCells.count == 1)
        let capped = XLMExtractor.fromBIFF8(
            workbookStream: stream,
            limits: Self.limits { $0.maxRecords.maximum = 1000 }
        )
        #expect(capped.anomalies.contains { $0.contains("xlm.maxRecords") })
        #expect(capped.macroCells.isEmpty)
    }

    /// Thousands of BOUNDSHEETs and empty substreams: matching them stays linear, the sheets are capped.
    @Test func manySubstreams() {
        var stream = B.bof(0x0005)
        for i in 0..<3000 { stream += B.boundSheet(offset: i, state: 0, type: 1, name: "S\(i)") }
        stream += B.eof
        let substream = B.bof(0x40) + B.formula(row: 0, column: 0, B.funcVar(0, 54)) + B.eof
        for _ in 0..<5000 { stream += substream }
        let wb = XLMExtractor.fromBIFF8(workbookStream: stream)
        #expect(wb.sheets.count == 4096)
        #expect(wb.macroCells.count == 4096)
        #expect(wb.anomalies.count == 256 + 1)  // capped by xlm.maxAnomalies
    }

    /// A formula cut into many text pieces by child elements: appended in linear time, capped.
    @Test func fragmentedXMLFormula() {
        var xml = "<xm:macrosheet xmlns:xm=\"x\"><sheetData><row r=\"1\"><c r=\"A1\"><f>EXEC(\"a\""
        for _ in 0..<50_000 { xml += "<x/>&amp;\"b\"" }
        xml += ")</f></c></row></sheetData></xm:macrosheet>"
        let wb = XLMExtractor.fromOOXML(
            workbookXML: Array("<workbook/>".utf8),
            macroSheets: [("xl/macrosheets/sheet1.xml", "M", Array(xml.utf8))],
            limits: Self.limits { $0.maxFormulaTextBytes.maximum = 1000 }
        )
        #expect(wb.macroCells.count == 1)
        #expect(wb.macroCells.first?.formula.hasPrefix("=EXEC(\"a\"&\"b\"") == true)
        #expect((wb.macroCells.first?.formula.utf8.count ?? 0) < 1100)
    }

    // MARK: - Each limit

    @Test func formulaLimits() {
        let long = B.str(String(repeating: "x", count: 200)) + B.funcVar(1, 110)
        let deep = (0..<300).flatMap { _ in B.int(1) } + (0..<299).flatMap { _ in [UInt8(0x03)] }
        let stream = B.macroWorkbook([long, deep])
        let full = XLMExtractor.fromBIFF8(workbookStream: stream)
        #expect(full.anomalies.isEmpty)
        #expect(full.macroCells[1].formula.hasPrefix("=1+1+1"))

        let bytes = XLMExtractor.fromBIFF8(
            workbookStream: stream,
            limits: Self.limits { $0.maxFormulaBytes.maximum = 100 }
        )
        #expect(bytes.macroCells[0].formula.contains("not decoded"))
        #expect(bytes.anomalies.filter { $0.contains("xlm.maxFormulaBytes") }.count == 2)

        let text = XLMExtractor.fromBIFF8(
            workbookStream: stream,
            limits: Self.limits { $0.maxFormulaTextBytes.maximum = 50 }
        )
        #expect(text.macroCells[0].formula.hasSuffix("…"))
        #expect(text.macroCells[0].formula.utf8.count <= 51 + "…".utf8.count)

        let depth = XLMExtractor.fromBIFF8(
            workbookStream: stream,
            limits: Self.limits { $0.maxFormulaDepth.maximum = 100 }
        )
        #expect(depth.anomalies.contains { $0.contains("xlm.maxFormulaDepth") })
    }

    @Test func countLimits() throws {
        let base = try XLMFixture.bytes("synthetic/macro-biff8.Workbook")
        let cells = XLMExtractor.fromBIFF8(workbookStream: base, limits: Self.limits { $0.maxCells.maximum = 3 })
        #expect(cells.macroCells.count == 3 && cells.macroValues.isEmpty)
        #expect(cells.anomalies.contains { $0.contains("xlm.maxCells") })

        let sheets = XLMExtractor.fromBIFF8(workbookStream: base, limits: Self.limits { $0.maxSheets.maximum = 1 })
        #expect(sheets.sheets.count == 1)
        #expect(sheets.anomalies.contains { $0.contains("xlm.maxSheets") })

        let names = XLMExtractor.fromBIFF8(workbookStream: base, limits: Self.limits { $0.maxNames.maximum = 1 })
        #expect(names.definedNames.count == 1)
        #expect(names.macroCells[8].formula == "=Tick(SUM($A$1:$B$3))")  // the name index still resolves
        #expect(names.anomalies.contains { $0.contains("xlm.maxNames") })

        let strings = XLMExtractor.fromBIFF8(
            workbookStream: base,
            limits: Self.limits { $0.maxSharedStrings.maximum = 0 }
        )
        #expect(strings.anomalies.contains { $0.contains("xlm.maxSharedStrings") })

        let long = XLMExtractor.fromBIFF8(workbookStream: base, limits: Self.limits { $0.maxStringBytes.maximum = 10 })
        #expect(long.macroValues.first?.value == "https://cd…")

        let xlsb = try XLMFixture.xlsb("synthetic/macro.xlsb", limits: Self.limits { $0.maxCells.maximum = 2 })
        #expect(xlsb.macroCells.count == 2 && xlsb.anomalies.contains { $0.contains("xlm.maxCells") })
        let xlsm = try XLMFixture.xlsm("synthetic/macro.xlsm", limits: Self.limits { $0.maxCells.maximum = 2 })
        #expect(xlsm.macroCells.count == 2 && xlsm.anomalies.contains { $0.contains("xlm.maxCells") })
        let slk = XLMExtractor.fromSYLK(
            try XLMFixture.bytes("synthetic/macro.slk"),
            limits: Self.limits { $0.maxSYLKRecords.maximum = 5 }
        )
        #expect(slk.macroCells.count == 1 && slk.anomalies.contains { $0.contains("xlm.maxSYLKRecords") })
        let records = try XLMFixture.xlsb("synthetic/macro.xlsb", limits: Self.limits { $0.maxRecords.maximum = 5 })
        #expect(records.anomalies.contains { $0.contains("xlm.maxRecords") })
    }

    @Test func anomalyLimit() {
        let bad = (0..<50).map { _ in [UInt8(0x3F)] }
        let wb = XLMExtractor.fromBIFF8(
            workbookStream: B.macroWorkbook(bad),
            limits: Self.limits { $0.maxAnomalies.maximum = 5 }
        )
        #expect(wb.anomalies.count == 6)
        #expect(wb.anomalies.last?.hasPrefix("too-many-anomalies: xlm.maxAnomalies") == true)
        #expect(wb.macroCells.count == 50)
    }

    // MARK: - Drip-feed and mutations

    /// Every prefix of a valid stream parses without trapping, and every proper prefix reports a problem (every 7th
    /// prefix for the 16 KB corpus stream, to keep debug runs short).
    @Test(arguments: [
        "synthetic/macro-biff8.Workbook", "synthetic/continue-biff8.Workbook", "synthetic/macro-biff5.Book",
        "oletools/excel4_sample_macro.xls.Workbook",
    ])
    func dripFeedBIFF(_ path: String) throws {
        let bytes = try XLMFixture.bytes(path)
        for n in stride(from: 0, to: bytes.count, by: bytes.count > 4096 ? 7 : 1) {
            let wb = XLMExtractor.fromBIFF8(workbookStream: Array(bytes[..<n]))
            #expect(!wb.anomalies.isEmpty, "prefix \(n)")
        }
        #expect(XLMExtractor.fromBIFF8(workbookStream: bytes).anomalies.isEmpty)
    }

    @Test func dripFeedOtherFormats() throws {
        let workbookBin = try XLMFixture.bytes("synthetic/macro.xlsb/xl/workbook.bin")
        let sheetBin = try XLMFixture.bytes("synthetic/macro.xlsb/xl/macrosheets/sheet1.bin")
        let rels = try XLMFixture.bytes("synthetic/macro.xlsb/xl/_rels/workbook.bin.rels")
        for n in 0..<sheetBin.count {
            let wb = XLMExtractor.fromBIFF12(
                workbookBin: workbookBin,
                sheets: [("xl/macrosheets/sheet1.bin", nil, Array(sheetBin[..<n]))],
                workbookRelationships: rels
            )
            #expect(wb.macroCells.count <= 10)
        }
        for n in 0..<workbookBin.count {
            _ = XLMExtractor.fromBIFF12(
                workbookBin: Array(workbookBin[..<n]),
                sheets: [("xl/macrosheets/sheet1.bin", nil, sheetBin)],
                workbookRelationships: rels
            )
        }
        let workbookXML = try XLMFixture.bytes("synthetic/macro.xlsm/xl/workbook.xml")
        let sheetXML = try XLMFixture.bytes("synthetic/macro.xlsm/xl/macrosheets/sheet1.xml")
        for n in 0..<(sheetXML.count - 1) {  // the last byte is a newline after the root element
            let wb = XLMExtractor.fromOOXML(
                workbookXML: workbookXML,
                macroSheets: [("xl/macrosheets/sheet1.xml", "Macro1", Array(sheetXML[..<n]))]
            )
            #expect(!wb.anomalies.isEmpty, "prefix \(n)")
        }
        for n in 0..<workbookXML.count {
            _ = XLMExtractor.fromOOXML(
                workbookXML: Array(workbookXML[..<n]),
                macroSheets: [("xl/macrosheets/sheet1.xml", nil, sheetXML)]
            )
        }
        let slk = try XLMFixture.bytes("synthetic/macro.slk")
        for n in 0..<slk.count { _ = XLMExtractor.fromSYLK(Array(slk[..<n])) }
    }

    /// Seeded byte flips over every fixture, through every entry point.
    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0x584C_4D21)
        let inputs = [
            try XLMFixture.bytes("synthetic/macro-biff8.Workbook"),
            try XLMFixture.bytes("synthetic/continue-biff8.Workbook"),
            try XLMFixture.bytes("synthetic/macro-biff5.Book"),
            try XLMFixture.bytes("synthetic/macro.xlsb/xl/macrosheets/sheet1.bin"),
            try XLMFixture.bytes("synthetic/macro.xlsb/xl/workbook.bin"), try XLMFixture.bytes("synthetic/macro.slk"),
            try XLMFixture.bytes("oletools/excel4_sample_macro.xls.Workbook"),
        ]
        let rels = try XLMFixture.bytes("synthetic/macro.xlsb/xl/_rels/workbook.bin.rels")
        for input in inputs {
            for _ in 0..<300 {
                var bytes = input
                for _ in 0..<(1 + Int(rng.next() % 8)) {
                    let i = Int(rng.next() % UInt64(bytes.count))
                    bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                }
                let wb = XLMExtractor.fromBIFF8(workbookStream: bytes)
                _ = wb.indicators()
                _ = XLMExtractor.fromBIFF12(
                    workbookBin: bytes,
                    sheets: [("xl/macrosheets/sheet1.bin", "M", bytes)],
                    workbookRelationships: rels
                ).indicators()
                _ = XLMExtractor.fromSYLK(bytes).riskFlags()
            }
        }
    }
}
