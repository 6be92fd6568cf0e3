import FuzzDriver
import ShellLink

/// Small limits so that one input cannot run for long.
let fuzzLimits: ShellLinkLimits = {
    var limits = ShellLinkLimits.default
    limits.maxIDListItems.maximum = 64
    limits.maxExtraDataBlocks.maximum = 32
    limits.maxProperties.maximum = 256
    limits.maxDecodedBytes.maximum = 1 << 16
    return limits
}()

/// Parses the input as a shell link, reads every derived field and runs the analysis; a link's appended data is
/// parsed again as a shell link (as a child artifact would be).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let link = try? ShellLink(parsing: bytes[...], limits: fuzzLimits) else { return 0 }
    _ = (link.target, link.localBasePath, link.networkPath, link.vistaIDListPath, link.volumeLabel)
    _ = LNKAnalysis.indicators(link, fileName: "invoice.lnk", limits: fuzzLimits)
    if !link.appendedData.isEmpty { _ = try? ShellLink(parsing: link.appendedData, limits: fuzzLimits) }
    return 0
}

@_cdecl("FuzzLNK_main")
public func fuzzLNKMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
