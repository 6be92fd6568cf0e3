import FuzzDriver
import ZIP

/// Small limits so that one input cannot run for long: 8 MiB inflated, 1 MiB kept per entry, 256 entries.
let fuzzLimits: ZIPLimits = {
    var limits = ZIPLimits.default
    limits.maxEntries.maximum = 256
    limits.maxInflatedBytesPerEntry.maximum = 8 << 20
    limits.keepBytesPerEntry = 1 << 20
    limits.minimumPaddingRun = 4096
    return limits
}()

/// The password of the project's encrypted fixtures, so that seeds from them decrypt.
let fuzzPassword = Array("K7xQ2m".utf8)

/// Parses the input as a ZIP archive, then checks the password on and extracts every entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let archive = try? ZIPArchive(parsing: bytes[...], limits: fuzzLimits) else { return 0 }
    for entry in archive.entries.prefix(64) {
        let password: [UInt8]? = entry.isEncrypted ? fuzzPassword : nil
        _ = archive.passwordMatches(fuzzPassword, for: entry)
        _ = try? archive.extract(entry, password: password, limits: fuzzLimits)
    }
    return 0
}

@_cdecl("FuzzZIP_main")
public func fuzzZIPMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
