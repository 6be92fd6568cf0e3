import FuzzDriver
import OfficeMacros

/// Small limits so that one input cannot run for long.
let fuzzLimits: XLMLimits = {
    var limits = XLMLimits.default
    limits.maxRecords.maximum = 100_000
    limits.maxCells.maximum = 10_000
    limits.maxRecordBytes.maximum = 1 << 20
    limits.maxFormulaTextBytes.maximum = 8192
    return limits
}()

/// libFuzzer entry for the Excel 4.0 macro extractor: the same bytes as a BIFF5/BIFF8 workbook stream, as an
/// `.xlsb` workbook and macro sheet, as OOXML workbook and macro sheet XML, and as SYLK; then the indicators and
/// risk flags of each result.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let results = [
        XLMExtractor.fromBIFF8(workbookStream: bytes, limits: fuzzLimits),
        XLMExtractor.fromBIFF12(
            workbookBin: bytes,
            sheets: [("xl/macrosheets/sheet1.bin", nil, bytes)],
            limits: fuzzLimits
        ),
        XLMExtractor.fromOOXML(
            workbookXML: bytes,
            macroSheets: [("xl/macrosheets/sheet1.xml", nil, bytes)],
            limits: fuzzLimits
        ),
        XLMExtractor.fromSYLK(bytes, limits: fuzzLimits),
    ]
    for workbook in results {
        _ = workbook.indicators()
        _ = workbook.riskFlags()
        precondition(workbook.macroCells.count + workbook.macroValues.count <= fuzzLimits.maxCells.maximum * 2)
    }
    return 0
}

@_cdecl("FuzzXLM_main")
public func fuzzXLMMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
