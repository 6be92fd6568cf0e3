import ByteCursor

/// One BIFF12 record of an `.xlsb` part.
///
/// ```
///  record:  type (1-2 bytes, 7 bits each, high bit = more) | size (1-4 bytes, 7 bits each) | data (size bytes)
///  BrtBundleSh (156):  hsState (4) | iTabID (4) | strRelID (XLNullableWideString) | strName (XLWideString)
///  BrtName (39):       flags (4): 0x01 hidden, 0x20 built-in | chKey (1) | itab (4) | name (XLWideString)
///                      | cce (4) | rgce | cb (4) | rgcb ...
///  BrtRowHdr (0):      rw (4) | ...
///  BrtFmlaString (8), BrtFmlaNum (9), BrtFmlaBool (10), BrtFmlaError (11):
///                      col (4) | style+flags (4) | value | grbitFlags (2) | cce (4) | rgce | cb (4) | rgcb
///  XLWideString:       cch (4) | UTF-16LE characters
/// ```
struct BIFF12Record {
    var type: Int
    var offset: Int
    var data: ArraySlice<UInt8>
}

/// Reads BIFF12 records in order, never past the part's end.
struct BIFF12RecordReader {
    private var cursor: ByteCursor
    private let limits: XLMLimits
    private var count = 0
    private var stopped = false
    let part: String

    init(_ bytes: ArraySlice<UInt8>, part: String, limits: XLMLimits) {
        cursor = ByteCursor(bytes)
        self.limits = limits
        self.part = part
    }

    mutating func next(_ anomalies: inout XLMAnomalies) -> BIFF12Record? {
        guard !stopped, !cursor.isAtEnd else { return nil }
        let start = cursor.offset
        count += 1
        guard limits.maxRecords.allows(count) else {
            anomalies.limitExceeded(limits.maxRecords, "the number of records in \(part)", offset: start)
            stopped = true
            return nil
        }
        do {
            let b0 = try cursor.readUInt8()
            var type = Int(b0 & 0x7F)
            if b0 & 0x80 != 0 {
                let b1 = try cursor.readUInt8()
                type |= Int(b1 & 0x7F) << 7
            }
            var size = 0
            for k in 0..<4 {
                let b = try cursor.readUInt8()
                size |= Int(b & 0x7F) << (7 * k)
                if b & 0x80 == 0 { break }
                if k == 3 {
                    anomalies.add(.corruptBIFF, "\(part): a record size longer than 4 bytes", offset: start)
                    stopped = true
                    return nil
                }
            }
            guard size <= cursor.remaining else {
                anomalies.add(
                    .truncated,
                    "\(part): record \(type) declares \(size) bytes, \(cursor.remaining) remain",
                    offset: start
                )
                stopped = true
                return nil
            }
            return BIFF12Record(type: type, offset: start, data: try cursor.readBytes(size))
        } catch {
            anomalies.add(.truncated, "\(part): record header", offset: start)
            stopped = true
            return nil
        }
    }
}

/// Extracts Excel 4.0 macros from an `.xlsb` workbook: `xl/workbook.bin` and the sheet parts.
struct XLMBIFF12Parser {
    let limits: XLMLimits
    var anomalies: XLMAnomalies
    var workbook = XLMWorkbook(format: "BIFF12")

    init(limits: XLMLimits) {
        self.limits = limits
        anomalies = XLMAnomalies(limit: limits.maxAnomalies)
    }

    struct Bundle {
        var name: String
        var relID: String?
        var visibility: XLMSheetVisibility
    }

    mutating func parse(
        workbookBin: [UInt8],
        sheets parts: [(path: String, name: String?, bytes: [UInt8])],
        relationships: [UInt8]?,
        sharedStrings: [UInt8]? = nil
    ) -> XLMWorkbook {
        if let sharedStrings { readSharedStrings(sharedStrings) }
        var bundles: [Bundle] = []
        var rawNames: [(flags: UInt32, name: String, rgce: ArraySlice<UInt8>)] = []
        var books: [Bool] = []  // whether each supporting book is this workbook
        var xtis: [(book: Int, first: Int, last: Int)] = []
        var reader = BIFF12RecordReader(workbookBin[...], part: "workbook.bin", limits: limits)
        while let record = reader.next(&anomalies) {
            var c = ByteCursor(record.data)
            do {
                switch record.type {
                case 156:  // BrtBundleSh
                    let state = try c.readUInt32LE()
                    _ = try c.readUInt32LE()
                    let relID = try XLMText.wideString(&c, maxCharacters: 4096)
                    let name = try XLMText.wideString(&c, maxCharacters: 4096) ?? ""
                    guard limits.maxSheets.allows(bundles.count + 1) else {
                        if bundles.count == limits.maxSheets.maximum {
                            anomalies.limitExceeded(limits.maxSheets, "the number of sheets", offset: record.offset)
                        }
                        continue
                    }
                    let visibility: XLMSheetVisibility =
                        state == 0 ? .visible : state == 1 ? .hidden : .veryHidden
                    bundles.append(Bundle(name: name, relID: relID, visibility: visibility))
                case 39:  // BrtName
                    let flags = try c.readUInt32LE()
                    _ = try c.readUInt8()
                    _ = try c.readUInt32LE()
                    let name = try XLMText.wideString(&c, maxCharacters: 65_536) ?? ""
                    let cce = Int(try c.readUInt32LE())
                    let rgce: ArraySlice<UInt8>
                    if cce <= c.remaining {
                        rgce = try c.readBytes(cce)
                    } else {
                        anomalies.add(
                            .corruptBIFF,
                            "BrtName \"\(name)\" declares \(cce) bytes of formula, \(c.remaining) remain",
                            offset: record.offset
                        )
                        rgce = c.readRest()
                    }
                    guard limits.maxNames.allows(rawNames.count + 1) else {
                        if rawNames.count == limits.maxNames.maximum {
                            anomalies.limitExceeded(limits.maxNames, "the number of names", offset: record.offset)
                        }
                        rawNames.append((flags, name, []))
                        continue
                    }
                    rawNames.append((flags, name, rgce))
                case 357, 358:  // BrtSupSelf, BrtSupSame
                    books.append(true)
                case 360, 667:  // BrtSupBookSrc, BrtSupAddin
                    books.append(false)
                case 362:  // BrtExternSheet
                    let n = Int(try c.readUInt32LE())
                    for _ in 0..<min(n, 65_536) {
                        guard c.remaining >= 12 else { break }
                        let book = Int(try c.readUInt32LE())
                        let first = Int(Int32(bitPattern: try c.readUInt32LE()))
                        let last = Int(Int32(bitPattern: try c.readUInt32LE()))
                        xtis.append((book, first, last))
                    }
                default:
                    break
                }
            } catch {
                anomalies.add(.corruptBIFF, "workbook.bin: record \(record.type) is too short", offset: record.offset)
            }
        }

        // Which part is each sheet, and what kind.
        let rels = relationships.map { XLMRelationships.parse($0, base: "xl/", anomalies: &anomalies) } ?? [:]
        var partForSheet: [Int?] = Array(repeating: nil, count: bundles.count)
        // Without relationships a sheet's kind is unknown unless a part given by name says it.
        var kinds: [XLMSheetKind] = Array(repeating: relationships == nil ? .other : .worksheet, count: bundles.count)
        var usedParts = Set<Int>()
        let partByPath = XLMRelationships.index(parts.map(\.path))
        for (i, bundle) in bundles.enumerated() {
            if let id = bundle.relID, let rel = rels[id] {
                kinds[i] = XLMRelationships.sheetKind(type: rel.type, path: rel.target)
                if let k = partByPath[XLMRelationships.normalized(rel.target)], !usedParts.contains(k) {
                    partForSheet[i] = k
                    usedParts.insert(k)
                }
            }
        }
        // Parts the relationships did not place: by the sheet name the caller gave.
        var unmatchedByName: [String: [Int]] = [:]
        for (i, bundle) in bundles.enumerated().reversed() where partForSheet[i] == nil {
            unmatchedByName[bundle.name, default: []].append(i)
        }
        for (k, part) in parts.enumerated() where !usedParts.contains(k) {
            if let name = part.name, let i = unmatchedByName[name]?.popLast() {
                partForSheet[i] = k
                usedParts.insert(k)
                kinds[i] = XLMRelationships.sheetKind(type: "", path: part.path)
            }
        }
        for (i, bundle) in bundles.enumerated() {
            if bundle.relID != nil, rels[bundle.relID ?? ""] == nil, partForSheet[i] == nil, relationships != nil {
                anomalies.add(.inconsistent, "sheet \"\(bundle.name)\" has no relationship \(bundle.relID ?? "")")
            }
            workbook.sheets.append(XLMSheet(name: bundle.name, kind: kinds[i], visibility: bundle.visibility))
        }
        // Parts nobody claimed: keep them, named after the part.
        var sheetOfPart: [Int: Int] = [:]
        for (i, k) in partForSheet.enumerated() { if let k { sheetOfPart[k] = i } }
        for (k, part) in parts.enumerated() where sheetOfPart[k] == nil {
            guard limits.maxSheets.allows(workbook.sheets.count + 1) else { break }
            let kind = XLMRelationships.sheetKind(type: "", path: part.path)
            let name = part.name ?? XLMRelationships.stem(part.path)
            if relationships != nil {
                anomalies.add(.inconsistent, "part \(part.path) is not a sheet of workbook.bin")
            }
            workbook.sheets.append(XLMSheet(name: name, kind: kind, visibility: .visible))
            sheetOfPart[k] = workbook.sheets.count - 1
        }

        // Names.
        var ctx = XLMFormulaContext(dialect: .biff12)
        let sheetNames = workbook.sheets.map(\.name)
        ctx.sheetPrefixes = xtis.map { xti in
            let own = xti.book >= 0 && xti.book < books.count ? books[xti.book] : true
            guard own else { return "[\(xti.book)]" }
            if xti.first == -2 { return "" }
            func n(_ i: Int) -> String { i >= 0 && i < sheetNames.count ? XLMText.sheetPrefix(sheetNames[i]) : "#REF" }
            return xti.first == xti.last ? n(xti.first) : n(xti.first) + ":" + n(xti.last)
        }
        ctx.names = rawNames.map(\.name)
        for raw in rawNames {
            let isBuiltIn = raw.flags & 0x20 != 0
            var name = raw.name
            if name.hasPrefix("_xlnm.") { name.removeFirst(6) }
            let formula = XLMFormulaDecoder.decode(
                raw.rgce,
                context: ctx,
                limits: limits,
                anomalies: &anomalies,
                where: "name \(name)"
            )
            let defined = XLMDefinedName(
                name: name,
                isBuiltIn: isBuiltIn || raw.name.hasPrefix("_xlnm."),
                formula: formula,
                isHidden: raw.flags & 0x01 != 0
            )
            workbook.definedNames.append(defined)
            if defined.autoExecEvent != nil { workbook.autoOpen.append(defined) }
        }

        // Macro sheets.
        var cellCount = 0
        for (k, part) in parts.enumerated() {
            guard let i = sheetOfPart[k], workbook.sheets[i].kind == .macroSheet else { continue }
            parseSheet(part.bytes, path: part.path, sheet: workbook.sheets[i].name, context: ctx, cells: &cellCount)
        }
        workbook.hasMacroSheets = workbook.sheets.contains { $0.kind == .macroSheet }
        workbook.anomalies = anomalies.list
        return workbook
    }

    /// The shared strings (`xl/sharedStrings.bin`), when given.
    private var strings: [String] = []
    private var sharedStringsGiven = false

    /// Reads `BrtSSTItem` (19) records: a `RichStr`, flags (1 byte) then an `XLWideString`.
    private mutating func readSharedStrings(_ bytes: [UInt8]) {
        sharedStringsGiven = true
        var reader = BIFF12RecordReader(bytes[...], part: "sharedStrings.bin", limits: limits)
        while let record = reader.next(&anomalies) {
            guard record.type == 19 else { continue }
            guard limits.maxSharedStrings.allows(strings.count + 1) else {
                anomalies.limitExceeded(limits.maxSharedStrings, "the number of shared strings", offset: record.offset)
                return
            }
            var c = ByteCursor(record.data)
            do {
                _ = try c.readUInt8()
                let text = try XLMText.wideString(&c, maxCharacters: 1 << 20) ?? ""
                strings.append(XLMText.capped(text, maxBytes: limits.maxStringBytes.maximum))
            } catch {
                anomalies.add(.corruptBIFF, "sharedStrings.bin: BrtSSTItem is too short", offset: record.offset)
                strings.append("")
            }
        }
    }

    private struct Shared {
        var firstRow: Int
        var lastRow: Int
        var firstColumn: Int
        var lastColumn: Int
        var rgce: ArraySlice<UInt8>
    }

    private mutating func parseSheet(
        _ bytes: [UInt8],
        path: String,
        sheet: String,
        context: XLMFormulaContext,
        cells cellCount: inout Int
    ) {
        var reader = BIFF12RecordReader(bytes[...], part: path, limits: limits)
        var row = 0
        var pending: [(row: Int, column: Int, rgce: ArraySlice<UInt8>, value: String?)] = []
        var shared: [Int: [Shared]] = [:]  // by anchor row (PtgExp gives the row)
        var limitReported = false
        let maxCells = limits.maxCells
        func reserve(_ anomalies: inout XLMAnomalies, _ offset: Int) -> Bool {
            cellCount += 1
            if maxCells.allows(cellCount) { return true }
            if !limitReported {
                limitReported = true
                anomalies.limitExceeded(maxCells, "the number of cells", offset: offset)
            }
            return false
        }
        while let record = reader.next(&anomalies) {
            var c = ByteCursor(record.data)
            do {
                switch record.type {
                case 0:  // BrtRowHdr
                    row = Int(try c.readUInt32LE())
                case 8, 9, 10, 11:  // BrtFmlaString, BrtFmlaNum, BrtFmlaBool, BrtFmlaError
                    let column = Int(try c.readUInt32LE())
                    try c.skip(4)
                    let value: String
                    switch record.type {
                    case 8:
                        value = XLMText.capped(
                            try XLMText.wideString(&c, maxCharacters: 1 << 20) ?? "",
                            maxBytes: limits.maxStringBytes.maximum
                        )
                    case 9: value = XLMText.number(Double(bitPattern: try c.readUInt64LE()))
                    case 10: value = try c.readUInt8() != 0 ? "TRUE" : "FALSE"
                    default: value = XLMText.errorText(try c.readUInt8())
                    }
                    try c.skip(2)
                    let cce = Int(try c.readUInt32LE())
                    let rgce: ArraySlice<UInt8>
                    if cce <= c.remaining {
                        rgce = try c.readBytes(cce)
                    } else {
                        anomalies.add(
                            .corruptBIFF,
                            "\(path): a formula declares \(cce) bytes, \(c.remaining) remain",
                            offset: record.offset
                        )
                        rgce = c.readRest()
                    }
                    guard reserve(&anomalies, record.offset) else { continue }
                    pending.append((row, column, rgce, value))
                case 7:  // BrtCellIsst: a shared string
                    let column = Int(try c.readUInt32LE())
                    try c.skip(4)
                    let index = Int(try c.readUInt32LE())
                    guard index < strings.count else {
                        if sharedStringsGiven {
                            anomalies.add(
                                .corruptBIFF,
                                "\(path): a cell points at shared string \(index) of \(strings.count)",
                                offset: record.offset
                            )
                        }
                        continue
                    }
                    guard reserve(&anomalies, record.offset) else { continue }
                    workbook.macroValues.append(
                        XLMCell(
                            sheet: sheet,
                            row: row + 1,
                            column: column + 1,
                            formula: "",
                            value: XLMText.capped(strings[index], maxBytes: limits.maxStringBytes.maximum)
                        )
                    )
                case 2, 3, 4, 5, 6:  // BrtCellRk, BrtCellError, BrtCellBool, BrtCellReal, BrtCellSt
                    let column = Int(try c.readUInt32LE())
                    try c.skip(4)
                    let value: String
                    switch record.type {
                    case 2: value = XLMText.number(XLMBIFFParser.rkValue(try c.readUInt32LE()))
                    case 3: value = XLMText.errorText(try c.readUInt8())
                    case 4: value = try c.readUInt8() != 0 ? "TRUE" : "FALSE"
                    case 5: value = XLMText.number(Double(bitPattern: try c.readUInt64LE()))
                    default: value = try XLMText.wideString(&c, maxCharacters: 1 << 20) ?? ""
                    }
                    guard reserve(&anomalies, record.offset) else { continue }
                    workbook.macroValues.append(
                        XLMCell(
                            sheet: sheet,
                            row: row + 1,
                            column: column + 1,
                            formula: "",
                            value: XLMText.capped(value, maxBytes: limits.maxStringBytes.maximum)
                        )
                    )
                case 427:  // BrtShrFmla
                    let r1 = Int(try c.readUInt32LE())
                    let r2 = Int(try c.readUInt32LE())
                    let c1 = Int(try c.readUInt32LE())
                    let c2 = Int(try c.readUInt32LE())
                    let cce = Int(try c.readUInt32LE())
                    let rgce = try c.readBytes(min(cce, c.remaining))
                    if shared[r1, default: []].count < 64 {
                        shared[r1, default: []].append(
                            Shared(firstRow: r1, lastRow: r2, firstColumn: c1, lastColumn: c2, rgce: rgce)
                        )
                    }
                default:
                    break
                }
            } catch {
                anomalies.add(.corruptBIFF, "\(path): record \(record.type) is too short", offset: record.offset)
            }
        }
        for cell in pending {
            var ctx = context
            ctx.cell = (cell.row, cell.column)
            var rgce = cell.rgce
            if rgce.first == 0x01, rgce.count >= 5 {
                let i = rgce.startIndex
                let anchor = Int(rgce[i + 1]) | Int(rgce[i + 2]) << 8 | Int(rgce[i + 3]) << 16 | Int(rgce[i + 4]) << 24
                if let s = shared[anchor]?.first(where: {
                    $0.firstRow <= cell.row && cell.row <= $0.lastRow && $0.firstColumn <= cell.column
                        && cell.column <= $0.lastColumn
                }) {
                    rgce = s.rgce
                }
            }
            let location = "\(sheet)!\(XLMReference.absoluteA1(row: cell.row + 1, column: cell.column + 1))"
            let text = XLMFormulaDecoder.decode(
                rgce,
                context: ctx,
                limits: limits,
                anomalies: &anomalies,
                where: location
            )
            workbook.macroCells.append(
                XLMCell(
                    sheet: sheet,
                    row: cell.row + 1,
                    column: cell.column + 1,
                    formula: "=" + text,
                    value: cell.value
                )
            )
        }
    }
}
