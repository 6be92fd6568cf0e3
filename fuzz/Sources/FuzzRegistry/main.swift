import FuzzDriver
import Registry

/// Small limits so that one input cannot run for long: 4,096 keys, 64 levels, 1 MiB per value, 64K cells.
let fuzzLimits: RegistryLimits = {
    var limits = RegistryLimits.default
    limits.maxKeys.maximum = 4096
    limits.maxDepth.maximum = 64
    limits.maxSubkeysPerKey.maximum = 1024
    limits.maxValuesPerKey.maximum = 1024
    limits.maxValueBytes.maximum = 1 << 20
    limits.maxCells.maximum = 1 << 16
    limits.maxHiveBytes.maximum = 16 << 20
    limits.maxLogEntries.maximum = 256
    limits.maxAnomalies.maximum = 32
    return limits
}()

/// Opens the hive and reads everything: every key, its subkeys, parent and values (data decoded), and a lookup of
/// each value by name and of a fixed path.
func exercise(_ hive: [UInt8], logs: [[UInt8]]) {
    guard let h = try? RegistryHive(parsing: hive[...], logs: logs, limits: fuzzLimits) else { return }
    h.walk { key, values in
        _ = h.subkeys(of: key)
        _ = h.parent(of: key)
        for v in values.prefix(16) { _ = h.value(v.name, in: key) }
    }
    _ = h.key(path: "Software\\Microsoft\\Windows\\CurrentVersion\\Run")
}

/// Parses the input as a hive, then, when another `regf` base block starts on a 512-byte boundary after the
/// first 4 KiB, as a hive followed by one or two transaction logs (split at those signatures), so that seeds made
/// of a dirty hive and its logs exercise the replay.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    exercise(bytes, logs: [])
    var splits: [Int] = []
    var i = 4096
    while i + 4 <= bytes.count, splits.count < 2 {
        if bytes[i] == 0x72, bytes[i + 1] == 0x65, bytes[i + 2] == 0x67, bytes[i + 3] == 0x66 { splits.append(i) }
        i += 512
    }
    if let first = splits.first {
        let ends = Array(splits.dropFirst()) + [bytes.count]
        var logs: [[UInt8]] = []
        var start = first
        for end in ends {
            logs.append(Array(bytes[start..<end]))
            start = end
        }
        exercise(Array(bytes[0..<first]), logs: logs)
    }
    return 0
}

@_cdecl("FuzzRegistry_main")
public func fuzzRegistryMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
