import DiskImage
import FuzzDriver

/// Small limits so that one input cannot run for long: 256 entries, depth 16, 1 MiB of directories,
/// 8 MiB read per entry, 4 KiB padding runs.
let fuzzLimits: DiskImageLimits = {
    var limits = DiskImageLimits.default
    limits.maxEntries.maximum = 256
    limits.maxDepth.maximum = 16
    limits.maxDirectoryBytes.maximum = 1 << 20
    limits.maxExtentsPerFile.maximum = 1024
    limits.maxClusterVisits.maximum = 1 << 16
    limits.maxDescriptors.maximum = 64
    limits.maxReadBytesPerEntry.maximum = 8 << 20
    limits.minimumPaddingRun = 4096
    return limits
}()

/// Lists the input as a disk image and reads every entry with a small keep limit; recognises it as a container;
/// inflates it as gzip with small limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let image = try? DiskImage(parsing: bytes[...], limits: fuzzLimits) {
        for entry in image.entries.prefix(64) where !entry.isDirectory {
            _ = try? image.read(entry, keepLimit: 64 << 10)
        }
    }
    _ = ContainerRecognizer.recognize(bytes[...])
    _ = try? GzipReader.inflate(bytes[...], keepLimit: 64 << 10, maxInflated: 8 << 20, minimumPaddingRun: 4096)
    return 0
}

@_cdecl("FuzzDiskImage_main")
public func fuzzDiskImageMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
