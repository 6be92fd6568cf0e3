import Charsets

/// Extracts Excel 4.0 macros from a SYLK (`.slk`) file: text records, one a line, fields split by `;`.
///
/// ```
///  ID;PWXL;N;E                         header (must come first)
///  O;L;E;...                           options: a field `E` marks the sheet as an Excel 4.0 macro sheet
///  NN;NAuto_Open;ER1C1                 defined name: N name, E expression (R1C1); G/K/F macro flags
///  C;Y1;X1;KFALSE;EALERT("...")        cell: Y row, X column (each kept from the record before when absent),
///                                      K value, E expression
///  F;...;X2;Y3                         format records move the current cell too
///  E                                   end
/// ```
/// A `;;` inside a field is a literal `;`. Formulas are kept in the R1C1 style of the file.
struct XLMSYLKParser {
    let limits: XLMLimits
    var anomalies: XLMAnomalies
    var workbook = XLMWorkbook(format: "SYLK")
    static let sheetName = "SYLK"

    init(limits: XLMLimits) {
        self.limits = limits
        anomalies = XLMAnomalies(limit: limits.maxAnomalies)
    }

    mutating func parse(_ bytes: [UInt8]) -> XLMWorkbook {
        var lineNumber = 0
        var row = 1
        var column = 1
        var isMacroSheet = false
        var cellCount = 0
        var limitReported = false
        var start = bytes.startIndex
        var sawID = false
        let end = bytes.endIndex
        while start < end {
            var stop = start
            while stop < end, bytes[stop] != 0x0A, bytes[stop] != 0x0D { stop += 1 }
            let line = bytes[start..<stop]
            start = stop
            while start < end, bytes[start] == 0x0A || bytes[start] == 0x0D { start += 1 }
            if line.isEmpty { continue }
            lineNumber += 1
            guard limits.maxSYLKRecords.allows(lineNumber) else {
                anomalies.limitExceeded(limits.maxSYLKRecords, "the number of SYLK records")
                break
            }
            let fields = Self.fields(line)
            guard let type = fields.first else { continue }
            if lineNumber == 1 {
                if type == "ID" {
                    sawID = true
                } else {
                    anomalies.add(.corruptSYLK, "the first record is \(type), not ID")
                }
            }
            switch type {
            case "O":
                if fields.dropFirst().contains(where: { $0 == "E" }) { isMacroSheet = true }
            case "C", "F":
                var formula: String?
                var value: String?
                for field in fields.dropFirst() {
                    guard let key = field.first else { continue }
                    let rest = String(field.dropFirst())
                    switch key {
                    case "X":
                        if let x = Int(rest), x >= 1, x <= 1 << 24 { column = x } else { bad("X\(rest)", lineNumber) }
                    case "Y":
                        if let y = Int(rest), y >= 1, y <= 1 << 24 { row = y } else { bad("Y\(rest)", lineNumber) }
                    case "E" where type == "C":
                        formula = rest
                    case "K" where type == "C":
                        value = rest
                    default:
                        break
                    }
                }
                guard type == "C", formula != nil || value != nil else { continue }
                cellCount += 1
                guard limits.maxCells.allows(cellCount) else {
                    if !limitReported {
                        limitReported = true
                        anomalies.limitExceeded(limits.maxCells, "the number of cells")
                    }
                    continue
                }
                let shown = value.map { Self.unquote($0) }.map {
                    XLMText.capped($0, maxBytes: limits.maxStringBytes.maximum)
                }
                if let formula {
                    workbook.macroCells.append(
                        XLMCell(
                            sheet: Self.sheetName,
                            row: row,
                            column: column,
                            formula: "=" + XLMText.capped(formula, maxBytes: limits.maxFormulaTextBytes.maximum),
                            value: shown
                        )
                    )
                } else {
                    workbook.macroValues.append(
                        XLMCell(sheet: Self.sheetName, row: row, column: column, formula: "", value: shown)
                    )
                }
            case "NN":
                var name = ""
                var expression = ""
                for field in fields.dropFirst() {
                    guard let key = field.first else { continue }
                    if key == "N" { name = String(field.dropFirst()) }
                    if key == "E" { expression = String(field.dropFirst()) }
                }
                guard limits.maxNames.allows(workbook.definedNames.count + 1) else {
                    if workbook.definedNames.count == limits.maxNames.maximum {
                        anomalies.limitExceeded(limits.maxNames, "the number of names")
                    }
                    continue
                }
                let defined = XLMDefinedName(
                    name: name,
                    isBuiltIn: false,
                    formula: XLMText.capped(expression, maxBytes: limits.maxFormulaTextBytes.maximum),
                    isHidden: false
                )
                workbook.definedNames.append(defined)
                if defined.autoExecEvent != nil { workbook.autoOpen.append(defined) }
            case "E":
                start = end  // the end record: anything after it is not SYLK
            default:
                break
            }
        }
        if !sawID, lineNumber > 0, workbook.anomalies.isEmpty, anomalies.list.isEmpty {
            anomalies.add(.corruptSYLK, "no ID record")
        }
        workbook.sheets = [
            XLMSheet(name: Self.sheetName, kind: isMacroSheet ? .macroSheet : .worksheet, visibility: .visible)
        ]
        workbook.hasMacroSheets = isMacroSheet
        workbook.anomalies = anomalies.list
        return workbook
    }

    private mutating func bad(_ field: String, _ line: Int) {
        anomalies.add(.corruptSYLK, "record \(line): field \(field.prefix(32)) is not a coordinate")
    }

    /// Splits a record at `;`, where `;;` is a literal `;`; decodes it as Windows-1252.
    static func fields(_ line: ArraySlice<UInt8>) -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        var i = line.startIndex
        while i < line.endIndex {
            let b = line[i]
            if b == UInt8(ascii: ";") {
                if i + 1 < line.endIndex, line[i + 1] == UInt8(ascii: ";") {
                    current.append(b)
                    i += 2
                    continue
                }
                out.append(decode(current))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(b)
            }
            i += 1
        }
        out.append(decode(current))
        return out
    }

    private static func decode(_ bytes: [UInt8]) -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return Charsets.decode(bytes[...], as: .windows(1252)).text
    }

    /// `"text"` to `text`.
    static func unquote(_ value: String) -> String {
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}
