import ByteCursor
import FuzzDriver
import PE

/// Small limits so that one input cannot run for long.
let fuzzLimits: PELimits = {
    var limits = PELimits.default
    limits.maxSections.maximum = 96
    limits.maxExports.maximum = 4096
    limits.maxImportDLLs.maximum = 128
    limits.maxImportsPerDLL.maximum = 1024
    limits.maxImports.maximum = 8192
    limits.maxPaddedRead.maximum = 1 << 16
    return limits
}()

/// Parses the input as a PE file, then again as the engine would hand it over when zero padding was dropped: the
/// input stripped of runs of 64 zero bytes or more, with the padding map.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let pe = try? PEFile(parsing: bytes[...], limits: fuzzLimits) else { return 0 }
    _ = (pe.machineName, pe.subsystemName, pe.declaredImageEnd, pe.overlaySize, pe.exports.count, pe.imports.count)
    var stripper = PaddingStripper(minimumRun: 64, keepLimit: 1 << 24)
    stripper.write(bytes[...])
    let stripped = stripper.finish()
    if !stripped.padding.isEmpty {
        let padded = try? PEFile(parsing: stripped.bytes[...], padding: stripped.padding, limits: fuzzLimits)
        _ = padded?.sections.map(\.entropy)
    }
    return 0
}

@_cdecl("FuzzPE_main")
public func fuzzPEMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
