import FuzzDriver
import HostCheck

// Registered in fuzz/Package.swift (`fuzzTargets`, with the HostCheck product).

/// Small limits so that one input cannot run for long.
let fuzzLimits: HostCheckLimits = {
    var limits = HostCheckLimits.default
    limits.maxProcesses.maximum = 4096
    limits.maxFieldBytes.maximum = 64 << 10
    limits.maxFolderEntries.maximum = 4096
    return limits
}()

/// The untrusted inputs of `emoguard check` that need no folder: the input as a process list (every format), as
/// the collector's JSON snapshot (checked when it parses), as a boot sector and as `vol` output.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let (records, _) = try? ProcessListReader.parse(bytes[...], source: "fuzz", limits: fuzzLimits) {
        var s = HostSnapshot()
        s.addProcesses(records, source: "fuzz")
        _ = HostChecker(limits: fuzzLimits, inspector: nil).check(s)
    }
    if let snapshot = try? CollectorSnapshotReader.parse(bytes[...], limits: fuzzLimits) {
        let result = HostChecker(limits: fuzzLimits, inspector: nil).check(snapshot)
        _ = HostCheckTextReport.render(result, language: .ja)
        _ = EmoCheckReport.render(result, scanTime: "2020-02-10 13:06:20")
    }
    _ = VolumeSerialReader.fromBootSector(bytes[...])
    _ = VolumeSerialReader.fromVolOutput(String(decoding: bytes, as: UTF8.self))
    return 0
}

@_cdecl("FuzzHostSnapshot_main")
public func fuzzHostSnapshotMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
