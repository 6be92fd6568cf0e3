/// Finds Excel 4.0 (XLM) macros in every container Excel uses: BIFF8 and BIFF5 `.xls`/`.xlt`, BIFF12 `.xlsb`,
/// OOXML `.xlsm`/`.xltm`/`.xlsx`, and SYLK `.slk`.
///
/// Each entry point takes the bytes of the streams or parts (the caller extracts them from the compound file or
/// the ZIP package), never throws, and returns what it could read with the problems it met in
/// ``XLMWorkbook/anomalies``. ``XLMWorkbook/indicators()`` and ``XLMWorkbook/riskFlags()`` then say what the
/// macros do in olevba's and mraptor's vocabulary.
public enum XLMExtractor {
    /// Extracts the macros of a BIFF8 `Workbook` stream or a BIFF5 `Book` stream (the version comes from the first
    /// `BOF` record).
    ///
    /// An encrypted stream (a `FILEPASS` record) gives ``XLMWorkbook/isEncrypted`` and what preceded the
    /// `FILEPASS`; decrypt the stream and call this again.
    public static func fromBIFF8(workbookStream: [UInt8], limits: XLMLimits = .default) -> XLMWorkbook {
        var parser = XLMBIFFParser(limits: limits)
        return parser.parse(workbookStream[...])
    }

    /// Extracts the macros of an `.xlsb` workbook.
    ///
    /// - Parameters:
    ///   - workbookBin: `xl/workbook.bin` (sheet list with visibility, defined names).
    ///   - sheets: the sheet parts to read (at least `xl/macrosheets/*.bin`), by part name, with the sheet name
    ///     when the caller knows it.
    ///   - workbookRelationships: `xl/_rels/workbook.bin.rels`, which says which part each sheet is and whether
    ///     it is a macro sheet. Pass it: without it, parts are matched only by the names given in `sheets` (their
    ///     kind then comes from their folder, `xl/macrosheets/` being a macro sheet), the other sheets' kind is
    ///     `.other`, and an unnamed macro sheet part is listed as an extra visible sheet named after the part, so
    ///     its hidden state is lost.
    ///   - sharedStrings: `xl/sharedStrings.bin`, for the string constants of macro sheets
    ///     (``XLMWorkbook/macroValues``).
    public static func fromBIFF12(
        workbookBin: [UInt8],
        sheets: [(path: String, name: String?, bytes: [UInt8])],
        workbookRelationships: [UInt8]? = nil,
        sharedStrings: [UInt8]? = nil,
        limits: XLMLimits = .default
    ) -> XLMWorkbook {
        var parser = XLMBIFF12Parser(limits: limits)
        return parser.parse(
            workbookBin: workbookBin,
            sheets: sheets,
            relationships: workbookRelationships,
            sharedStrings: sharedStrings
        )
    }

    /// Extracts the macros of an `.xlsm`, `.xltm` or `.xlsx` workbook.
    ///
    /// - Parameters:
    ///   - workbookXML: `xl/workbook.xml` (sheets with their `state`, defined names such as `_xlnm.Auto_Open`).
    ///   - macroSheets: the macro sheet parts (`xl/macrosheets/*.xml`), by part name, with the sheet name when
    ///     the caller knows it.
    ///   - workbookRelationships: `xl/_rels/workbook.xml.rels`. Pass it: without it, parts are matched only by the
    ///     names given in `macroSheets`, the other sheets' kind is `.other`, and an unnamed macro sheet part is
    ///     listed as an extra visible sheet named after the part, so its hidden state is lost.
    ///   - sharedStrings: `xl/sharedStrings.xml`, for the string constants of macro sheets
    ///     (``XLMWorkbook/macroValues``); without it they read `<shared string N>`.
    public static func fromOOXML(
        workbookXML: [UInt8],
        macroSheets: [(path: String, name: String?, bytes: [UInt8])],
        workbookRelationships: [UInt8]? = nil,
        sharedStrings: [UInt8]? = nil,
        limits: XLMLimits = .default
    ) -> XLMWorkbook {
        var parser = XLMOOXMLParser(limits: limits)
        return parser.parse(
            workbookXML: workbookXML,
            macroSheets: macroSheets,
            relationships: workbookRelationships,
            sharedStrings: sharedStrings
        )
    }

    /// Extracts the macros of a SYLK file. Its single sheet is named `SYLK`; it is a macro sheet when the `O`
    /// record has the `E` option. ``XLMWorkbook/macroCells`` holds every formula of the file.
    public static func fromSYLK(_ bytes: [UInt8], limits: XLMLimits = .default) -> XLMWorkbook {
        var parser = XLMSYLKParser(limits: limits)
        return parser.parse(bytes)
    }
}
