import FuzzDriver
import HTML

/// Small limits so that one input cannot run for long.
let fuzzLimits: HTMLLimits = {
    var limits = HTMLLimits.default
    limits.maxInputBytes.maximum = 1 << 20
    limits.maxScripts.maximum = 32
    limits.maxScriptTokens.maximum = 1 << 16
    limits.maxEvaluationSteps.maximum = 1 << 18
    limits.maxPayloadBytes.maximum = 1 << 16
    limits.maxTotalDecodedBytes.maximum = 1 << 20
    limits.scripts.maxDecodedBytes.maximum = 1 << 20
    limits.scripts.maxStringBytes.maximum = 1 << 16
    limits.scripts.maxDecodeRounds.maximum = 2
    return limits
}()

/// Analyzes the input as a web page and reads every result, as the engine would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = HTMLAnalysis.looksLikeHTML(bytes[...])
    let analysis = HTMLAnalysis.analyze(bytes[...], limits: fuzzLimits)
    _ = analysis.indicators.map(\.description)
    _ = analysis.payloads.reduce(0) { $0 + $1.bytes.count }
    _ = (analysis.urls.count, analysis.forms.count, analysis.scripts.count, analysis.anomalies.map(\.description))
    return 0
}

@_cdecl("FuzzHTML_main")
public func fuzzHTMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
