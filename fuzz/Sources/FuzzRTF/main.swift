import FuzzDriver
import RTF

/// Small limits so that one input cannot run for long: 64 nested destinations, 1 MiB of object data.
let fuzzLimits: RTFLimits = {
    var limits = RTFLimits.default
    limits.maxDestinationDepth.maximum = 64
    limits.maxObjects.maximum = 64
    limits.maxObjectBytes.maximum = 1 << 20
    limits.maxTotalObjectBytes.maximum = 4 << 20
    limits.maxFields.maximum = 256
    limits.maxTextBytes.maximum = 4096
    return limits
}()

/// Parses the input as RTF (prefixed with `{\rt` when it lacks it, so that every input reaches the parser) and
/// touches every object, package, field and URL.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if !RTFDocument.hasSignature(bytes[...]) { bytes.insert(contentsOf: Array("{\\rt".utf8), at: 0) }
    guard let document = try? RTFDocument(parsing: bytes[...], limits: fuzzLimits) else { return 0 }
    for object in document.objects {
        _ = object.package?.displayLabel
        _ = object.ole1?.nativeDataIsCompoundFile
        _ = object.className
    }
    for field in document.fieldInstructions { _ = (field.isDDE, field.isInclude) }
    _ = document.urls.count
    return 0
}

@_cdecl("FuzzRTF_main")
public func fuzzRTFMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
