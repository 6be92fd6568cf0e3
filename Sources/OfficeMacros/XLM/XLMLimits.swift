import ByteCursor

/// The bounds that untrusted workbooks are held to while Excel 4.0 macros are extracted.
///
/// Extraction allocates in proportion to what it finds, never to a declared count, and these limits cap that. A
/// limit that is hit becomes a `limit-exceeded` anomaly naming it, and what was read until then is kept.
public struct XLMLimits: Sendable, Hashable {
    /// The most records read from one BIFF stream or BIFF12 part.
    public var maxRecords: Limit
    /// The longest parsed formula (rgce) decoded, in bytes; longer ones are reported and skipped.
    public var maxFormulaBytes: Limit
    /// The longest readable formula text produced; longer text is cut and marked with `…`.
    public var maxFormulaTextBytes: Limit
    /// The deepest operand stack of one formula.
    public var maxFormulaDepth: Limit
    /// The most cells (formulas and constants) kept from one workbook.
    public var maxCells: Limit
    /// The most sheets kept from one workbook.
    public var maxSheets: Limit
    /// The most defined names kept from one workbook.
    public var maxNames: Limit
    /// The most strings kept from one shared string table (BIFF8 `SST`).
    public var maxSharedStrings: Limit
    /// The most bytes one logical BIFF record may have, its `CONTINUE` records included.
    public var maxRecordBytes: Limit
    /// The most anomalies recorded for one workbook; one more says that the rest were dropped.
    public var maxAnomalies: Limit
    /// The longest cell value or string kept, in bytes; longer ones are cut.
    public var maxStringBytes: Limit
    /// The most SYLK records (lines) read.
    public var maxSYLKRecords: Limit

    public init(
        maxRecords: Limit = Limit("xlm.maxRecords", 2_000_000),
        maxFormulaBytes: Limit = Limit("xlm.maxFormulaBytes", 16_384),
        maxFormulaTextBytes: Limit = Limit("xlm.maxFormulaTextBytes", 65_536),
        maxFormulaDepth: Limit = Limit("xlm.maxFormulaDepth", 1024),
        maxCells: Limit = Limit("xlm.maxCells", 1_000_000),
        maxSheets: Limit = Limit("xlm.maxSheets", 4096),
        maxNames: Limit = Limit("xlm.maxNames", 65_536),
        maxSharedStrings: Limit = Limit("xlm.maxSharedStrings", 1_000_000),
        maxRecordBytes: Limit = Limit("xlm.maxRecordBytes", 16 << 20),
        maxAnomalies: Limit = Limit("xlm.maxAnomalies", 256),
        maxStringBytes: Limit = Limit("xlm.maxStringBytes", 65_536),
        maxSYLKRecords: Limit = Limit("xlm.maxSYLKRecords", 2_000_000)
    ) {
        self.maxRecords = maxRecords
        self.maxFormulaBytes = maxFormulaBytes
        self.maxFormulaTextBytes = maxFormulaTextBytes
        self.maxFormulaDepth = maxFormulaDepth
        self.maxCells = maxCells
        self.maxSheets = maxSheets
        self.maxNames = maxNames
        self.maxSharedStrings = maxSharedStrings
        self.maxRecordBytes = maxRecordBytes
        self.maxAnomalies = maxAnomalies
        self.maxStringBytes = maxStringBytes
        self.maxSYLKRecords = maxSYLKRecords
    }

    /// The defaults: 2 M records, 16 KiB formulas (64 KiB of text, depth 1,024), 1 M cells, 4,096 sheets,
    /// 65,536 names, 1 M shared strings, 16 MiB records, 256 anomalies, 64 KiB strings.
    public static let `default` = XLMLimits()
}
