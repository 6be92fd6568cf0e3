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
/// input stripped of runs of 64 zero bytes or more, with the padding map. The two parses must agree (a mapping bug
/// is a crash here, on purpose).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let pe = try? PEFile(parsing: bytes[...], limits: fuzzLimits) else { return 0 }
    _ = (pe.machineName, pe.subsystemName, pe.declaredImageEnd, pe.overlaySize, pe.exports.count, pe.imports.count)
    var stripper = PaddingStripper(minimumRun: 64, keepLimit: 1 << 24)
    stripper.write(bytes[...])
    let stripped = stripper.finish()
    if !stripped.padding.isEmpty {
        guard let padded = try? PEFile(parsing: stripped.bytes[...], padding: stripped.padding, limits: fuzzLimits)
        else { fatalError("the stripped file does not parse") }
        let same =
            padded.sections.map(\.rawOffset) == pe.sections.map(\.rawOffset)
            && padded.sections.map(\.entropy) == pe.sections.map(\.entropy)
            && padded.sections.map(\.rawBytesPresent) == pe.sections.map(\.rawBytesPresent)
            && padded.exports == pe.exports && padded.exportedName == pe.exportedName && padded.imports == pe.imports
            && padded.hasAuthenticode == pe.hasAuthenticode && padded.declaredImageEnd == pe.declaredImageEnd
            && padded.overlaySize == pe.overlaySize && padded.fileSize == pe.fileSize
            && padded.entryPoint == pe.entryPoint && padded.dataDirectories == pe.dataDirectories
        if !same { fatalError("the padded parse differs from the plain one") }
    }
    return 0
}

@_cdecl("FuzzPE_main")
public func fuzzPEMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
