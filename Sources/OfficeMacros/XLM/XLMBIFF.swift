import ByteCursor

/// Extracts Excel 4.0 macros from a BIFF5 or BIFF8 workbook stream (`Book` or `Workbook` of an `.xls`/`.xlt`).
///
/// The stream is a sequence of substreams, each from a `BOF` to its `EOF` record: first the workbook globals, then
/// one per sheet, which the globals' `BOUNDSHEET` records list with their stream offset, visibility and type.
///
/// ```
///  BOF (0x0809):        vers (2) | dt (2): 0x0005 globals, 0x0010 worksheet/dialog, 0x0020 chart,
///                                          0x0040 Excel 4.0 macro sheet, 0x0006 VBA module (BIFF5) | ...
///  BOUNDSHEET (0x0085): lbPlyPos (4) | hsState (1): 0 visible, 1 hidden, 2 very hidden
///                       | dt (1): 0 worksheet, 1 macro sheet, 2 chart, 6 VBA module | name
///  NAME (0x0018):       grbit (2): 0x01 hidden, 0x20 built-in | chKey (1) | cch (1) | cce (2) | ... (8)
///                       | name (1-byte code 0x01 Auto_Open, 0x02 Auto_Close... when built-in) | rgce (cce)
///  FORMULA (0x0006):    rw (2) | col (2) | ixfe (2) | value (8) | grbit (2) | chn (4) | cce (2) | rgce (cce)
///  STRING (0x0207):     the string result of the FORMULA before it
///  FILEPASS (0x002F):   everything after it is encrypted
/// ```
///
/// Substreams are found by walking the records in order, so a macro sheet that no `BOUNDSHEET` lists is found too
/// (and reported). Names are decoded after the globals, when every name and `EXTERNSHEET` is known; cells of a
/// sheet are decoded at its `EOF`, after any `SHRFMLA` their `PtgExp` tokens point to.
struct XLMBIFFParser {
    let limits: XLMLimits
    var anomalies: XLMAnomalies
    var workbook = XLMWorkbook(format: "BIFF8")
    var dialect: XLMDialect = .biff8

    // Globals.
    struct BoundSheet {
        var offset: Int
        var sheetIndex: Int
        var isMacro: Bool
        var used = false
    }
    var boundSheets: [BoundSheet] = []
    /// The first BOUNDSHEET naming each offset, and the first one not matched yet (so that matching a substream
    /// costs O(1) whatever the number of sheets and substreams).
    var boundSheetsByOffset: [Int: Int] = [:]
    var nextUnusedBoundSheet = 0
    struct PendingName {
        var grbit: UInt16
        var name: String
        var isBuiltIn: Bool
        var rgce: ArraySlice<UInt8>
        var offset: Int
    }
    var pendingNames: [PendingName] = []
    var sharedStrings: [String] = []
    /// BIFF8: SUPBOOK records; BIFF5: EXTERNSHEET records. Each with its EXTERNNAME names.
    struct Book {
        var kind: BookKind
        var sheetNames: [String] = []
        var externNames: [String] = []
    }
    enum BookKind {
        case own, addIn
        case external(String)
        case ownSheet(String)
    }
    var books: [Book] = []
    /// BIFF8 XTI entries: (iSupBook, itabFirst, itabLast).
    var xtis: [(book: Int, first: Int, last: Int)] = []
    var context = XLMFormulaContext(dialect: .biff8)
    var globalsDone = false

    // The current sheet substream.
    struct CellFormula {
        var row: Int
        var column: Int
        var rgce: ArraySlice<UInt8>
        var value: String?
        var offset: Int
    }
    var currentSheet: Int?
    var currentIsMacro = false
    var cells: [CellFormula] = []
    /// Shared and array formulas of the current sheet by their anchor cell (row << 16 | column).
    var shared: [Int: ArraySlice<UInt8>] = [:]
    var expectString = false
    var cellCount = 0
    var cellLimitReported = false

    init(limits: XLMLimits) {
        self.limits = limits
        anomalies = XLMAnomalies(limit: limits.maxAnomalies)
    }

    // MARK: - Walk

    mutating func parse(_ bytes: ArraySlice<UInt8>) -> XLMWorkbook {
        if bytes.count >= 2 {
            let type = UInt16(bytes[bytes.startIndex]) | UInt16(bytes[bytes.startIndex + 1]) << 8
            if ![0x0809, 0x0009, 0x0209, 0x0409].contains(type) {
                anomalies.add(
                    .corruptBIFF,
                    "the stream does not start with a BOF record (record 0x\(String(type, radix: 16)))"
                )
                return finish()
            }
        }
        var reader = BIFFRecordReader(bytes, limits: limits)
        var depth = 0
        var first = true
        while let record = reader.next(&anomalies) {
            if first {
                first = false
                guard record.type == 0x0809 else {
                    if [0x0009, 0x0209, 0x0409].contains(record.type) {
                        anomalies.add(.unsupported, "a BIFF2-4 stream (BOF 0x\(String(record.type, radix: 16)))")
                    } else {
                        anomalies.add(
                            .corruptBIFF,
                            "the stream does not start with a BOF record "
                                + "(record 0x\(String(record.type, radix: 16)))"
                        )
                    }
                    return finish()
                }
                readVersion(record)
                depth = 1
                continue
            }
            switch record.type {
            case 0x0809:  // BOF
                if depth == 0 {
                    finishGlobals()
                    beginSheet(record)
                }
                depth += 1
            case 0x000A:  // EOF
                depth -= 1
                if depth == 0 {
                    if currentSheet != nil { endSheet() } else { finishGlobals() }
                }
                if depth < 0 {
                    anomalies.add(.corruptBIFF, "EOF without BOF", offset: record.offset)
                    depth = 0
                }
            case 0x002F where currentSheet == nil && !globalsDone:  // FILEPASS
                workbook.isEncrypted = true
                anomalies.add(
                    .encrypted,
                    "FILEPASS: the workbook stream is encrypted; the records after it were not read",
                    offset: record.offset
                )
                return finish()
            default:
                guard depth == 1 else { continue }  // records of embedded charts
                if currentSheet == nil && !globalsDone {
                    globalRecord(record)
                } else if currentSheet != nil {
                    sheetRecord(record)
                }
            }
        }
        if first, anomalies.list.isEmpty {
            anomalies.add(.truncated, "no BOF record: the stream is empty or shorter than a record header")
        }
        if depth > 0 {
            anomalies.add(.truncated, "the stream ends inside a substream (no EOF)", offset: reader.offset)
            if currentSheet != nil { endSheet() } else { finishGlobals() }
        }
        return finish()
    }

    private mutating func readVersion(_ record: BIFFRecord) {
        var c = ByteCursor(record.data)
        let version = (try? c.readUInt16LE()) ?? 0
        switch version {
        case 0x0500:
            dialect = .biff5
        case 0x0600:
            dialect = .biff8
        default:
            dialect = record.data.count >= 16 ? .biff8 : .biff5
            anomalies.add(
                .corruptBIFF,
                "BOF version 0x\(String(version, radix: 16)); read as \(dialect == .biff8 ? "BIFF8" : "BIFF5")",
                offset: record.offset
            )
        }
        workbook.format = dialect == .biff5 ? "BIFF5" : "BIFF8"
        context = XLMFormulaContext(dialect: dialect)
    }

    private mutating func finish() -> XLMWorkbook {
        finishGlobals()
        if !workbook.isEncrypted {
            for sheet in boundSheets where !sheet.used && sheet.sheetIndex < workbook.sheets.count {
                anomalies.add(
                    .inconsistent,
                    "BOUNDSHEET \"\(workbook.sheets[sheet.sheetIndex].name)\" points at \(sheet.offset), where no substream starts"
                )
            }
        }
        workbook.hasMacroSheets = workbook.sheets.contains { $0.kind == .macroSheet }
        workbook.anomalies = anomalies.list
        return workbook
    }

    // MARK: - Globals

    private mutating func globalRecord(_ record: BIFFRecord) {
        do {
            switch record.type {
            case 0x0085: try boundSheet(record)
            case 0x0018: try name(record)
            case 0x00FC: try sst(record)
            case 0x0017: try externSheet(record)
            case 0x01AE: try supBook(record)
            case 0x0023: try externName(record)
            default: break
            }
        } catch {
            anomalies.add(
                .corruptBIFF,
                "record 0x\(String(record.type, radix: 16)) is too short (\(error))",
                offset: record.offset
            )
        }
    }

    private mutating func boundSheet(_ record: BIFFRecord) throws {
        var c = ByteCursor(record.data)
        let position = Int(try c.readUInt32LE())
        let state = try c.readUInt8()
        let type = try c.readUInt8()
        let name: String
        if dialect == .biff5 {
            let cch = Int(try c.readUInt8())
            name = XLMText.latin1(try c.readBytes(cch))
        } else {
            name = try XLMText.shortXLUnicodeString(&c)
        }
        guard limits.maxSheets.allows(workbook.sheets.count + 1) else {
            if workbook.sheets.count == limits.maxSheets.maximum {
                anomalies.limitExceeded(limits.maxSheets, "the number of sheets", offset: record.offset)
            }
            return
        }
        let visibility: XLMSheetVisibility
        switch state & 0x03 {
        case 0: visibility = .visible
        case 1: visibility = .hidden
        default: visibility = .veryHidden
        }
        let kind: XLMSheetKind
        switch type {
        case 0x00: kind = .worksheet
        case 0x01: kind = .macroSheet
        case 0x02: kind = .chart
        case 0x06: kind = .vbaModule
        default:
            kind = .other
            anomalies.add(.corruptBIFF, "BOUNDSHEET \"\(name)\" has sheet type \(type)", offset: record.offset)
        }
        boundSheets.append(
            BoundSheet(offset: position, sheetIndex: workbook.sheets.count, isMacro: kind == .macroSheet)
        )
        workbook.sheets.append(XLMSheet(name: name, kind: kind, visibility: visibility))
    }

    private static let builtInNames = [
        "Consolidate_Area", "Auto_Open", "Auto_Close", "Extract", "Database", "Criteria", "Print_Area",
        "Print_Titles", "Recorder", "Data_Form", "Auto_Activate", "Auto_Deactivate", "Sheet_Title",
        "_FilterDatabase",
    ]

    private mutating func name(_ record: BIFFRecord) throws {
        let data = record.merged
        var c = ByteCursor(data)
        let grbit = try c.readUInt16LE()
        _ = try c.readUInt8()  // chKey
        let cch = Int(try c.readUInt8())
        let cce = Int(try c.readUInt16LE())
        try c.skip(8)
        var raw: String
        if dialect == .biff5 {
            raw = XLMText.latin1(try c.readBytes(cch))
        } else {
            let flags = try c.readUInt8()
            raw = try XLMText.readChars(&c, count: cch, highByte: flags & 0x01 != 0)
        }
        let isBuiltIn = grbit & 0x0020 != 0
        if isBuiltIn, raw.unicodeScalars.count == 1, let code = raw.unicodeScalars.first?.value {
            raw = code < Self.builtInNames.count ? Self.builtInNames[Int(code)] : "_builtin\(code)"
        }
        let rgce: ArraySlice<UInt8>
        if cce <= c.remaining {
            rgce = try c.readBytes(cce)
        } else {
            anomalies.add(
                .corruptBIFF,
                "NAME \"\(raw)\" declares a formula of \(cce) bytes, \(c.remaining) remain",
                offset: record.offset
            )
            rgce = c.readRest()
        }
        guard limits.maxNames.allows(pendingNames.count + 1) else {
            if pendingNames.count == limits.maxNames.maximum {
                anomalies.limitExceeded(limits.maxNames, "the number of names", offset: record.offset)
            }
            // Keep the index space so that PtgName indices still resolve.
            pendingNames.append(PendingName(grbit: grbit, name: raw, isBuiltIn: isBuiltIn, rgce: [], offset: -1))
            return
        }
        pendingNames.append(
            PendingName(grbit: grbit, name: raw, isBuiltIn: isBuiltIn, rgce: rgce, offset: record.offset)
        )
    }

    private mutating func sst(_ record: BIFFRecord) throws {
        var r = BIFFSegmentedReader(record)
        _ = try r.readUInt32LE()  // cstTotal
        let unique = Int(try r.readUInt32LE())
        let maxCharacters = max(0, limits.maxStringBytes.maximum) + 1  // one more, so that the cut shows
        var index = 0
        while index < unique, !r.isAtEnd {
            guard limits.maxSharedStrings.allows(index + 1) else {
                anomalies.limitExceeded(limits.maxSharedStrings, "the number of shared strings", offset: record.offset)
                return
            }
            do {
                let cch = Int(try r.readUInt16LE())
                let flags: UInt8 = dialect == .biff5 ? 0 : try r.readUInt8()
                let runs = flags & 0x08 != 0 ? Int(try r.readUInt16LE()) : 0
                let ext = flags & 0x04 != 0 ? Int(try r.readUInt32LE()) : 0
                let text = try r.readCharacters(cch, highByte: flags & 0x01 != 0, keep: maxCharacters)
                try r.skip(runs * 4)
                try r.skip(ext)
                sharedStrings.append(text)
            } catch {
                anomalies.add(.corruptBIFF, "SST string \(index) runs past the record", offset: record.offset)
                return
            }
            index += 1
        }
        if index < unique {
            anomalies.add(
                .corruptBIFF,
                "SST declares \(unique) strings, \(index) are there",
                offset: record.offset
            )
        }
    }

    private mutating func externSheet(_ record: BIFFRecord) throws {
        let data = record.merged
        var c = ByteCursor(data)
        if dialect == .biff5 {
            let cch = Int(try c.readUInt8())
            let type = try c.readUInt8()
            let rest = XLMText.latin1(try c.readBytes(min(cch, c.remaining)))
            let kind: BookKind
            switch type {
            case 0x02, 0x03: kind = .ownSheet(rest)
            case 0x04: kind = .own
            case 0x3A: kind = .addIn
            default: kind = .external(rest)
            }
            guard books.count < 65_536 else { return }
            books.append(Book(kind: kind))
            return
        }
        let count = Int(try c.readUInt16LE())
        for _ in 0..<count {
            guard c.remaining >= 6 else {
                anomalies.add(
                    .corruptBIFF,
                    "EXTERNSHEET lists \(count) entries, \(xtis.count) fit",
                    offset: record.offset
                )
                break
            }
            let book = Int(try c.readUInt16LE())
            let first = Int(Int16(bitPattern: try c.readUInt16LE()))
            let last = Int(Int16(bitPattern: try c.readUInt16LE()))
            xtis.append((book, first, last))
        }
    }

    private mutating func supBook(_ record: BIFFRecord) throws {
        let data = record.merged
        var c = ByteCursor(data)
        let sheetCount = Int(try c.readUInt16LE())
        let cch = try c.readUInt16LE()
        guard books.count < 65_536 else { return }
        switch cch {
        case 0x0401:
            books.append(Book(kind: .own))
        case 0x3A01:
            books.append(Book(kind: .addIn))
        default:
            let flags = try c.readUInt8()
            let path = try XLMText.readChars(&c, count: Int(cch), highByte: flags & 0x01 != 0)
            var sheets: [String] = []
            for _ in 0..<min(sheetCount, 4096) {
                guard let s = try? XLMText.xlUnicodeString(&c) else { break }
                sheets.append(s)
            }
            books.append(Book(kind: .external(path), sheetNames: sheets))
        }
    }

    private mutating func externName(_ record: BIFFRecord) throws {
        var c = ByteCursor(record.data)
        try c.skip(6)
        let name: String
        if dialect == .biff5 {
            let cch = Int(try c.readUInt8())
            name = XLMText.latin1(try c.readBytes(cch))
        } else {
            name = try XLMText.shortXLUnicodeString(&c)
        }
        guard !books.isEmpty, books[books.count - 1].externNames.count < 65_536 else { return }
        books[books.count - 1].externNames.append(name)
    }

    /// Builds the formula context and decodes the names, once the globals are read.
    private mutating func finishGlobals() {
        guard !globalsDone else { return }
        globalsDone = true
        var ctx = XLMFormulaContext(dialect: dialect)
        ctx.sheetNames = workbook.sheets.map(\.name)
        ctx.names = pendingNames.map(\.name)
        if dialect == .biff5 {
            ctx.sheetPrefixes = books.map { book in
                switch book.kind {
                case .own, .addIn: ""
                case .ownSheet(let s): XLMText.sheetPrefix(s)
                case .external(let s): "[" + s + "]"
                }
            }
            ctx.externNames = books.map(\.externNames)
        } else {
            ctx.sheetPrefixes = xtis.map { xti in prefix(xti) }
            ctx.externNames = xtis.map { xti in
                xti.book >= 0 && xti.book < books.count ? books[xti.book].externNames : []
            }
        }
        context = ctx
        for pending in pendingNames where pending.offset >= 0 {
            let formula = XLMFormulaDecoder.decode(
                pending.rgce,
                context: ctx,
                limits: limits,
                anomalies: &anomalies,
                where: "name \(pending.name)"
            )
            let name = XLMDefinedName(
                name: pending.name,
                isBuiltIn: pending.isBuiltIn,
                formula: formula,
                isHidden: pending.grbit & 0x0001 != 0
            )
            workbook.definedNames.append(name)
            if name.autoExecEvent != nil { workbook.autoOpen.append(name) }
        }
    }

    private func prefix(_ xti: (book: Int, first: Int, last: Int)) -> String {
        guard xti.book >= 0, xti.book < books.count else { return "[book \(xti.book)]" }
        let book = books[xti.book]
        func sheet(_ i: Int, _ names: [String]) -> String {
            if i == -2 { return "" }
            if i < 0 { return "#REF" }
            return i < names.count ? XLMText.sheetPrefix(names[i]) : "[sheet \(i)]"
        }
        switch book.kind {
        case .own, .ownSheet:
            let names = workbook.sheets.map(\.name)
            let a = sheet(xti.first, names)
            return xti.first == xti.last ? a : a + ":" + sheet(xti.last, names)
        case .addIn:
            return ""
        case .external(let path):
            return "[" + path + "]" + sheet(xti.first, book.sheetNames)
        }
    }

    // MARK: - Sheets

    private mutating func beginSheet(_ record: BIFFRecord) {
        var c = ByteCursor(record.data)
        _ = try? c.readUInt16LE()
        let type = (try? c.readUInt16LE()) ?? 0
        let bofIsMacro = type == 0x0040
        var index: Int?
        if boundSheetsByOffset.isEmpty, !boundSheets.isEmpty {
            for (k, sheet) in boundSheets.enumerated().reversed() { boundSheetsByOffset[sheet.offset] = k }
        }
        while nextUnusedBoundSheet < boundSheets.count, boundSheets[nextUnusedBoundSheet].used {
            nextUnusedBoundSheet += 1
        }
        if let k = boundSheetsByOffset[record.offset], !boundSheets[k].used {
            index = k
        } else if nextUnusedBoundSheet < boundSheets.count {
            let k = nextUnusedBoundSheet
            index = k
            anomalies.add(
                .inconsistent,
                "a substream starts at \(record.offset) where BOUNDSHEET \"\(workbook.sheets[boundSheets[k].sheetIndex].name)\" "
                    + "says \(boundSheets[k].offset)",
                offset: record.offset
            )
        }
        if let k = index {
            boundSheets[k].used = true
            let sheetIndex = boundSheets[k].sheetIndex
            currentSheet = sheetIndex
            if bofIsMacro != boundSheets[k].isMacro, type == 0x0040 || type == 0x0010 {
                anomalies.add(
                    .inconsistent,
                    "sheet \"\(workbook.sheets[sheetIndex].name)\": BOUNDSHEET and BOF disagree about whether it is "
                        + "a macro sheet (BOF type 0x\(String(type, radix: 16)))",
                    offset: record.offset
                )
                if bofIsMacro { workbook.sheets[sheetIndex].kind = .macroSheet }
            }
            currentIsMacro = workbook.sheets[sheetIndex].kind == .macroSheet || bofIsMacro
        } else {
            // A substream that no BOUNDSHEET lists: Excel does not show it, but report what it holds.
            guard limits.maxSheets.allows(workbook.sheets.count + 1) else {
                currentSheet = -1
                currentIsMacro = false
                return
            }
            let kind: XLMSheetKind =
                switch type {
                case 0x0040: .macroSheet
                case 0x0020: .chart
                case 0x0006: .vbaModule
                case 0x0010: .worksheet
                default: .other
                }
            anomalies.add(
                .inconsistent,
                "a \(kind.rawValue) substream that no BOUNDSHEET lists",
                offset: record.offset
            )
            workbook.sheets.append(
                XLMSheet(name: "unlisted@\(record.offset)", kind: kind, visibility: .veryHidden)
            )
            currentSheet = workbook.sheets.count - 1
            currentIsMacro = kind == .macroSheet
        }
        cells = []
        shared = [:]
        expectString = false
    }

    private mutating func sheetRecord(_ record: BIFFRecord) {
        guard currentIsMacro else { return }
        do {
            switch record.type {
            case 0x0006: try formula(record)
            case 0x0207: try stringResult(record)
            case 0x04BC, 0x0221: try sharedFormula(record)
            case 0x0204, 0x00D6: try label(record)
            case 0x00FD: try labelSST(record)
            case 0x0203: try number(record)
            case 0x027E: try rk(record)
            case 0x00BD: try mulRK(record)
            case 0x0205: try boolErr(record)
            default: break
            }
        } catch {
            anomalies.add(
                .corruptBIFF,
                "record 0x\(String(record.type, radix: 16)) is too short (\(error))",
                offset: record.offset
            )
        }
        if record.type != 0x0006 && record.type != 0x04BC && record.type != 0x0221 { expectString = false }
    }

    private mutating func reserveCell(_ offset: Int) -> Bool {
        cellCount += 1
        if limits.maxCells.allows(cellCount) { return true }
        if !cellLimitReported {
            cellLimitReported = true
            anomalies.limitExceeded(limits.maxCells, "the number of cells", offset: offset)
        }
        return false
    }

    private mutating func formula(_ record: BIFFRecord) throws {
        let data = record.merged
        var c = ByteCursor(data)
        let row = Int(try c.readUInt16LE())
        let column = Int(try c.readUInt16LE())
        try c.skip(2)
        let value = try c.readBytes(8)
        try c.skip(6)  // grbit, chn
        let cce = Int(try c.readUInt16LE())
        let rgce: ArraySlice<UInt8>
        if cce <= c.remaining {
            rgce = try c.readBytes(cce)
        } else {
            anomalies.add(
                .corruptBIFF,
                "FORMULA at \(XLMReference.absoluteA1(row: row + 1, column: column + 1)) declares "
                    + "\(cce) bytes of formula, \(c.remaining) remain",
                offset: record.offset
            )
            rgce = c.readRest()
        }
        guard reserveCell(record.offset) else { return }
        var text: String?
        expectString = false
        let v = Array(value)
        if v[6] == 0xFF, v[7] == 0xFF {
            switch v[0] {
            case 0: expectString = true
            case 1: text = v[2] != 0 ? "TRUE" : "FALSE"
            case 2: text = XLMText.errorText(v[2])
            case 3: text = ""
            default: break
            }
        } else {
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(v[k]) << (8 * k) }
            text = XLMText.number(Double(bitPattern: bits))
        }
        cells.append(CellFormula(row: row, column: column, rgce: rgce, value: text, offset: record.offset))
    }

    private mutating func stringResult(_ record: BIFFRecord) throws {
        guard expectString, !cells.isEmpty else { return }
        expectString = false
        let data = record.merged
        var c = ByteCursor(data)
        let s: String
        if dialect == .biff5 {
            let cch = Int(try c.readUInt16LE())
            s = XLMText.latin1(try c.readBytes(min(cch, c.remaining)))
        } else {
            s = try XLMText.xlUnicodeString(&c)
        }
        cells[cells.count - 1].value = XLMText.capped(s, maxBytes: limits.maxStringBytes.maximum)
    }

    private mutating func sharedFormula(_ record: BIFFRecord) throws {
        let data = record.merged
        var c = ByteCursor(data)
        // RefU: rwFirst, rwLast, colFirst, colLast; the anchor is the first cell.
        let firstRow = Int(try c.readUInt16LE())
        try c.skip(2)
        let firstColumn = Int(try c.readUInt8())
        try c.skip(1)
        if record.type == 0x04BC {
            try c.skip(2)  // reserved, cUse
        } else {
            try c.skip(6)  // grbit, chn
        }
        let cce = Int(try c.readUInt16LE())
        let rgce = try c.readBytes(min(cce, c.remaining))
        let key = firstRow << 16 | firstColumn
        if shared[key] == nil { shared[key] = rgce }
    }

    private mutating func addValue(row: Int, column: Int, _ value: String, offset: Int) {
        guard currentSheet != nil, let sheet = currentSheetName, reserveCell(offset) else { return }
        workbook.macroValues.append(
            XLMCell(
                sheet: sheet,
                row: row + 1,
                column: column + 1,
                formula: "",
                value: XLMText.capped(value, maxBytes: limits.maxStringBytes.maximum)
            )
        )
    }

    private var currentSheetName: String? {
        guard let k = currentSheet, k >= 0, k < workbook.sheets.count else { return nil }
        return workbook.sheets[k].name
    }

    private mutating func label(_ record: BIFFRecord) throws {
        let data = record.merged
        var c = ByteCursor(data)
        let row = Int(try c.readUInt16LE())
        let column = Int(try c.readUInt16LE())
        try c.skip(2)
        let s: String
        if dialect == .biff5 {
            let cch = Int(try c.readUInt16LE())
            s = XLMText.latin1(try c.readBytes(min(cch, c.remaining)))
        } else {
            s = try XLMText.xlUnicodeString(&c)
        }
        addValue(row: row, column: column, s, offset: record.offset)
    }

    private mutating func labelSST(_ record: BIFFRecord) throws {
        var c = ByteCursor(record.data)
        let row = Int(try c.readUInt16LE())
        let column = Int(try c.readUInt16LE())
        try c.skip(2)
        let index = Int(try c.readUInt32LE())
        guard index < sharedStrings.count else {
            anomalies.add(
                .corruptBIFF,
                "LABELSST points at string \(index) of \(sharedStrings.count)",
                offset: record.offset
            )
            return
        }
        addValue(row: row, column: column, sharedStrings[index], offset: record.offset)
    }

    private mutating func number(_ record: BIFFRecord) throws {
        var c = ByteCursor(record.data)
        let row = Int(try c.readUInt16LE())
        let column = Int(try c.readUInt16LE())
        try c.skip(2)
        let value = Double(bitPattern: try c.readUInt64LE())
        addValue(row: row, column: column, XLMText.number(value), offset: record.offset)
    }

    static func rkValue(_ rk: UInt32) -> Double {
        var value: Double
        if rk & 0x02 != 0 {
            value = Double(Int32(bitPattern: rk) >> 2)
        } else {
            value = Double(bitPattern: UInt64(rk & 0xFFFF_FFFC) << 32)
        }
        if rk & 0x01 != 0 { value /= 100 }
        return value
    }

    private mutating func rk(_ record: BIFFRecord) throws {
        var c = ByteCursor(record.data)
        let row = Int(try c.readUInt16LE())
        let column = Int(try c.readUInt16LE())
        try c.skip(2)
        addValue(row: row, column: column, XLMText.number(Self.rkValue(try c.readUInt32LE())), offset: record.offset)
    }

    private mutating func mulRK(_ record: BIFFRecord) throws {
        var c = ByteCursor(record.data)
        let row = Int(try c.readUInt16LE())
        var column = Int(try c.readUInt16LE())
        while c.remaining >= 8 {
            try c.skip(2)
            addValue(
                row: row,
                column: column,
                XLMText.number(Self.rkValue(try c.readUInt32LE())),
                offset: record.offset
            )
            column += 1
        }
    }

    private mutating func boolErr(_ record: BIFFRecord) throws {
        var c = ByteCursor(record.data)
        let row = Int(try c.readUInt16LE())
        let column = Int(try c.readUInt16LE())
        try c.skip(2)
        let value = try c.readUInt8()
        let isError = try c.readUInt8() != 0
        addValue(
            row: row,
            column: column,
            isError ? XLMText.errorText(value) : (value != 0 ? "TRUE" : "FALSE"),
            offset: record.offset
        )
    }

    private mutating func endSheet() {
        defer {
            currentSheet = nil
            currentIsMacro = false
            cells = []
            shared = [:]
        }
        guard let sheet = currentSheetName else { return }
        for cell in cells {
            var ctx = context
            ctx.cell = (cell.row, cell.column)
            var rgce = cell.rgce
            let location = "\(sheet)!\(XLMReference.absoluteA1(row: cell.row + 1, column: cell.column + 1))"
            if let first = rgce.first, first == 0x01, rgce.count == 5 {
                // PtgExp: the formula is a shared one anchored at (row, column).
                let r = Int(rgce[rgce.startIndex + 1]) | Int(rgce[rgce.startIndex + 2]) << 8
                let k = Int(rgce[rgce.startIndex + 3]) | Int(rgce[rgce.startIndex + 4]) << 8
                if let anchored = shared[r << 16 | k] {
                    rgce = anchored
                } else {
                    anomalies.add(
                        .corruptBIFF,
                        "\(location): no shared formula anchored at "
                            + XLMReference.absoluteA1(row: r + 1, column: k + 1),
                        offset: cell.offset
                    )
                }
            }
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
