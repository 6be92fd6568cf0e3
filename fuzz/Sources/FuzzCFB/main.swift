import CompoundFile
import FuzzDriver

/// Small limits so that one input cannot run for long: 1 MiB per stream, 4,096 directory entries, 64K sectors.
let fuzzLimits: CFBLimits = {
    var limits = CFBLimits.default
    limits.maxSectors.maximum = 1 << 16
    limits.maxDirectoryEntries.maximum = 4096
    limits.maxStreamBytes.maximum = 1 << 20
    limits.maxDepth.maximum = 16
    return limits
}()

/// Parses the input as a compound file, reads every stream, parses every `\u{1}Ole10Native` stream and every
/// PowerPoint OLE object (inflated, then parsed as a compound file); an input that is not a compound file is tried
/// as OLE 1.0 native data and as an OLE 1.0 object.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let cfb = try? CompoundFile(parsing: bytes[...], limits: fuzzLimits) else {
        _ = try? OLE10Native(parsing: bytes[...])
        _ = try? OLE10Native(parsingPackage: bytes[...])
        _ = (try? OLE1Object(parsing: bytes[...]))?.package
        return 0
    }
    for entry in cfb.entries.prefix(256) {
        _ = cfb.children(of: entry)
        _ = cfb.entry(path: entry.path)
        guard let stream = try? cfb.stream(entry) else { continue }
        if entry.name == "\u{1}Ole10Native" { _ = try? OLE10Native(parsing: stream.bytes[...]) }
    }
    _ = try? cfb.stream(cfb.root)
    _ = cfb.embeddedObjects()
    for object in cfb.powerPointOLEObjects().prefix(8) {
        _ = (try? CompoundFile(parsing: object.bytes[...], limits: fuzzLimits))?.embeddedObjects()
    }
    return 0
}

@_cdecl("FuzzCFB_main")
public func fuzzCFBMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
