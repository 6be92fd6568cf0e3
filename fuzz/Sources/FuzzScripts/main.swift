import FuzzDriver
import Scripts

/// Small limits so that one input cannot run for long.
let fuzzLimits: ScriptLimits = {
    var limits = ScriptLimits.default
    limits.maxSourceBytes.maximum = 1 << 20
    limits.maxDecodedStrings.maximum = 256
    limits.maxStringBytes.maximum = 1 << 16
    limits.maxDecodedBytes.maximum = 1 << 20
    limits.maxDecodeRounds.maximum = 2
    limits.maxBlocks.maximum = 32
    limits.maxVariables.maximum = 256
    return limits
}()

/// Analyzes the input as each script language (and as a page script), and detects its language.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = ScriptAnalyzer.detectLanguage(bytes[...], fileName: nil)
    for language in ScriptLanguage.allCases {
        let analysis = ScriptAnalyzer.analyze(
            bytes[...], language: language, location: "fuzz", limits: fuzzLimits, standalone: language != .jscript)
        _ = (analysis.indicators.count, analysis.decoded.count, analysis.blocks.count, analysis.anomalies.count)
    }
    return 0
}

@_cdecl("FuzzScripts_main")
public func fuzzScriptsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
