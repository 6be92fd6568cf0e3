import FuzzDriver
import ThreatIntel

/// Small limits so that one input cannot run for long.
let fuzzLimits: IntelLimits = {
    var limits = IntelLimits.default
    limits.maxRows.maximum = 4096
    limits.maxIssues.maximum = 64
    return limits
}()

/// Parses the input as every feed format (and with format detection), consuming every record.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for format in [nil] + FeedFormat.allCases.map(Optional.some) {
        _ = try? FeedParser.parse(bytes, format: format, limits: fuzzLimits) { record in
            _ = record.value.utf8.count
        }
    }
    return 0
}

@_cdecl("FuzzIntel_main")
public func fuzzIntelMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
