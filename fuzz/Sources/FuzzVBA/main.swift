import CompoundFile
import FuzzDriver
import OfficeMacros

/// Small limits so that one input cannot run for long: 4 MiB decompressed, 64 modules, 4096 dir records.
let fuzzLimits: VBALimits = {
    var limits = VBALimits.default
    limits.maxDecompressedBytes.maximum = 4 << 20
    limits.maxModules.maximum = 64
    limits.maxDirRecords.maximum = 4096
    limits.maxTotalSourceBytes.maximum = 8 << 20
    return limits
}()

let analysisOptions = MacroAnalyzer.Options(
    maxDecodedStrings: .init("analysis.maxDecodedStrings", 256),
    maxSourceBytes: .init("analysis.maxSourceBytes", 1 << 20)
)

/// The input as an MS-OVBA container (decompressed and parsed as a `dir` stream), as a decompressed `dir`
/// stream, as macro source text for the analyzer, and, when it is a compound file, through the whole extractor
/// (PowerPoint's ExOleObjStg and its inflater included) and the analyzer on every project found.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let result = VBACompression.decompressTolerantly(bytes[...], limit: fuzzLimits.maxDecompressedBytes)
    if !result.bytes.isEmpty {
        _ = try? VBADirectory(parsing: result.bytes[...], limits: fuzzLimits)
    }
    _ = try? VBADirectory(parsing: bytes[...], limits: fuzzLimits)
    _ = MacroAnalyzer.analyze(
        source: String(decoding: bytes, as: UTF8.self),
        location: "fuzz",
        options: analysisOptions
    )
    if CompoundFile.hasSignature(bytes[...]), let cfb = try? CompoundFile(parsing: bytes[...]) {
        for project in VBAExtractor.projects(in: cfb, limits: fuzzLimits).projects {
            _ = MacroAnalyzer.analyze(project: project, options: analysisOptions)
        }
    }
    return 0
}

@_cdecl("FuzzVBA_main")
public func fuzzVBAMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
