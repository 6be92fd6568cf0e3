/// How a sheet is shown in Excel's sheet tabs.
///
/// `veryHidden` sheets cannot be unhidden from Excel's user interface (only from VBA or by editing the file):
/// Emotet and other Excel 4.0 malspam hid their macro sheets this way.
public enum XLMSheetVisibility: String, Sendable, Hashable {
    case visible, hidden, veryHidden
}

/// What a sheet of a workbook holds.
public enum XLMSheetKind: String, Sendable, Hashable {
    /// An ordinary worksheet.
    case worksheet
    /// An Excel 4.0 macro sheet (XLM): its formulas are macro code.
    case macroSheet
    /// A chart sheet.
    case chart
    /// An Excel 5 VBA module sheet.
    case vbaModule
    /// An Excel 5 dialog sheet.
    case dialog
    /// Anything else (an international macro sheet is reported as ``macroSheet``).
    case other
}

/// One sheet of a workbook, in workbook order.
public struct XLMSheet: Sendable, Hashable {
    public var name: String
    public var kind: XLMSheetKind
    public var visibility: XLMSheetVisibility

    public init(name: String, kind: XLMSheetKind, visibility: XLMSheetVisibility) {
        self.name = name
        self.kind = kind
        self.visibility = visibility
    }
}

/// One cell of an Excel 4.0 macro sheet.
///
/// ``reference`` is always the absolute A1 form of the cell's position, `"$A$1"`, whatever the container
/// (SYLK's R1C1 coordinates are converted); ``row`` and ``column`` are 1-based. ``formula`` is readable text that
/// starts with `=` for formulas, e.g. `=EXEC("cmd /c calc.exe")`; references inside it are in A1 style, except for
/// SYLK, whose formulas are kept in the R1C1 style the file uses. A constant cell (a string or number typed into
/// the macro sheet) has an empty ``formula`` and its content in ``value``.
public struct XLMCell: Sendable, Hashable {
    /// The sheet's name.
    public var sheet: String
    /// The 1-based row.
    public var row: Int
    /// The 1-based column.
    public var column: Int
    /// `"$A$1"` style.
    public var reference: String
    /// The formula, starting with `=`; empty for a constant cell.
    public var formula: String
    /// The cached result of the formula, or the constant, when the file stores one.
    public var value: String?

    public init(sheet: String, row: Int, column: Int, reference: String? = nil, formula: String, value: String? = nil) {
        self.sheet = sheet
        self.row = row
        self.column = column
        self.reference = reference ?? XLMReference.absoluteA1(row: row, column: column)
        self.formula = formula
        self.value = value
    }
}

/// A defined name of the workbook (`NAME` record, `BrtName`, `<definedName>`, SYLK `NN`).
public struct XLMDefinedName: Sendable, Hashable {
    /// The name; a built-in name is given its English name (`Auto_Open` for the one-byte name 0x01 of BIFF8).
    public var name: String
    /// Whether the file marks it as a built-in name (`fBuiltin`, `_xlnm.` prefix).
    public var isBuiltIn: Bool
    /// What it refers to, as a formula without `=`, e.g. `Macro1!$A$1`.
    public var formula: String
    /// Whether the name is hidden from Excel's name manager.
    public var isHidden: Bool

    public init(name: String, isBuiltIn: Bool, formula: String, isHidden: Bool) {
        self.name = name
        self.isBuiltIn = isBuiltIn
        self.formula = formula
        self.isHidden = isHidden
    }

    /// The auto-run event the name triggers (`Auto_Open`, `Auto_Close`, `Auto_Activate`, `Auto_Deactivate`), if
    /// any.
    ///
    /// Excel runs a name that *starts with* `Auto_Open` (any case: `auto_open`, `Auto_Open_x`, `Auto_Open21`),
    /// which Excel 4.0 malspam uses to dodge exact-match scanners; a `_xlnm.` prefix is ignored.
    public var autoExecEvent: String? {
        XLMDefinedName.autoExecEvent(ofName: name)
    }

    static func autoExecEvent(ofName name: String) -> String? {
        var lower = name.lowercased()
        if lower.hasPrefix("_xlnm.") { lower.removeFirst(6) }
        for event in ["Auto_Open", "Auto_Close", "Auto_Activate", "Auto_Deactivate"]
        where lower.hasPrefix(event.lowercased()) {
            return event
        }
        return nil
    }
}

/// The Excel 4.0 macro content of one workbook, whatever the container it came from.
public struct XLMWorkbook: Sendable {
    /// `"BIFF8"`, `"BIFF5"`, `"BIFF12"`, `"OOXML"` or `"SYLK"`.
    public var format: String
    /// Every sheet, in workbook order.
    public var sheets: [XLMSheet]
    /// The formulas of the macro sheets, in file order; for SYLK, the formulas of the file.
    public var macroCells: [XLMCell]
    /// Constant cells of the macro sheets (strings and numbers that formulas can read), in file order.
    public var macroValues: [XLMCell]
    /// Every defined name.
    public var definedNames: [XLMDefinedName]
    /// The defined names that run by themselves: Auto_Open, Auto_Close, Auto_Activate, Auto_Deactivate.
    public var autoOpen: [XLMDefinedName]
    /// What was wrong with the input and recovered from: `"code: detail"`, the code from
    /// ``OfficeMacrosError/Code`` (`corrupt-biff`, `truncated`, `limit-exceeded`, `encrypted`...).
    public var anomalies: [String]
    /// Whether the workbook has at least one Excel 4.0 macro sheet.
    public var hasMacroSheets: Bool
    /// Whether the BIFF stream is encrypted (a `FILEPASS` record): only what precedes it was read, and the caller
    /// should decrypt the stream and parse it again.
    public var isEncrypted: Bool

    public init(
        format: String,
        sheets: [XLMSheet] = [],
        macroCells: [XLMCell] = [],
        macroValues: [XLMCell] = [],
        definedNames: [XLMDefinedName] = [],
        autoOpen: [XLMDefinedName] = [],
        anomalies: [String] = [],
        hasMacroSheets: Bool = false,
        isEncrypted: Bool = false
    ) {
        self.format = format
        self.sheets = sheets
        self.macroCells = macroCells
        self.macroValues = macroValues
        self.definedNames = definedNames
        self.autoOpen = autoOpen
        self.anomalies = anomalies
        self.hasMacroSheets = hasMacroSheets
        self.isEncrypted = isEncrypted
    }

    /// The macro sheets, in workbook order.
    public var macroSheets: [XLMSheet] { sheets.filter { $0.kind == .macroSheet } }

    /// Whether there is anything to report: a macro sheet, a macro cell or an auto-run name.
    public var hasMacros: Bool { hasMacroSheets || !macroCells.isEmpty || !autoOpen.isEmpty }
}

/// A1-style cell references.
public enum XLMReference {
    /// `"A"`, `"Z"`, `"AA"`... for a 1-based column; `"?"` outside 1...16_777_216.
    public static func columnLetters(_ column: Int) -> String {
        guard column >= 1, column <= 1 << 24 else { return "?" }
        var n = column
        var letters: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(UInt8(65 + r))
            n = (n - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// `"$A$1"` for 1-based `row` and `column`.
    public static func absoluteA1(row: Int, column: Int) -> String {
        "$" + columnLetters(column) + "$" + String(row)
    }

    /// `"A1"`, `"$A1"`, `"A$1"` or `"$A$1"` for 1-based `row` and `column`.
    static func a1(row: Int, column: Int, rowRelative: Bool, columnRelative: Bool) -> String {
        (columnRelative ? "" : "$") + columnLetters(column) + (rowRelative ? "" : "$") + String(row)
    }

    /// Parses `"A1"`, `"$B$12"` into a 1-based (row, column); nil for anything else.
    static func parseA1(_ text: Substring) -> (row: Int, column: Int)? {
        var column = 0
        var row = 0
        var sawLetter = false
        var sawDigit = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "$"):
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard !sawDigit else { return nil }
                sawLetter = true
                let v = Int(byte & 0xDF) - 64
                column = column * 26 + v
                guard column <= 1 << 24 else { return nil }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard sawLetter else { return nil }
                sawDigit = true
                row = row * 10 + Int(byte - 48)
                guard row <= 1 << 24 else { return nil }
            default:
                return nil
            }
        }
        guard sawLetter, sawDigit, row >= 1 else { return nil }
        return (row, column)
    }
}
