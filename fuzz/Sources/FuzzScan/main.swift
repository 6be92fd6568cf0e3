import FuzzDriver
import Inspection

/// The whole `scan` path: sniffing, every analyzer, the budget, the verdict and the JSON encoding of the result.
let inspector: Inspector = {
    var limits = BudgetLimits.default
    limits.maxMilliseconds.maximum = 5_000
    limits.maxInflatedBytes.maximum = 64 << 20
    return Inspector(limits: limits, userPasswords: ["K7xQ2m"])
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let result = inspector.scan(bytes[...], name: "fuzz.eml", input: "fuzz")
    var writer = JSONReportWriter { _ in }
    writer.add(result)
    return 0
}

@_cdecl("FuzzScan_main")
public func fuzzScanMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
