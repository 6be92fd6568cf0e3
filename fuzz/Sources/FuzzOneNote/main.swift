import FuzzDriver
import OneNote

/// Small limits so that one input cannot run for long: 4,096 file nodes, 8 nested lists, 1 MiB per extraction.
let fuzzLimits: OneNoteLimits = {
    var limits = OneNoteLimits.default
    limits.maxFileNodes.maximum = 4096
    limits.maxFragments.maximum = 256
    limits.maxListDepth.maximum = 8
    limits.maxEmbeddedFiles.maximum = 256
    limits.maxCabinetFiles.maximum = 256
    limits.maxCabinetFolders.maximum = 64
    limits.maxExtractBytes.maximum = 1 << 20
    return limits
}()

/// Parses the input as a OneNote section (touching every embedded file's name and bytes) or, with the `MSCF`
/// signature, as a cabinet, extracting every file and parsing the `.one` files in it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if CabinetArchive.hasSignature(bytes[...]) {
        guard let cab = try? CabinetArchive(parsing: bytes[...], limits: fuzzLimits) else { return 0 }
        for file in cab.files.prefix(16) {
            guard let content = try? cab.extract(file) else { continue }
            if OneNoteFile.hasSignature(content[...]) { section(content[...]) }
        }
        return 0
    }
    section(bytes[...])
    return 0
}

func section(_ bytes: ArraySlice<UInt8>) {
    guard let one = try? OneNoteFile(parsing: bytes, limits: fuzzLimits) else { return }
    for file in one.embeddedFiles {
        _ = file.displayName
        _ = file.bytes.count
    }
    _ = (one.pageTitles.count, one.textSnippets.count, one.anomalies.count)
}

@_cdecl("FuzzOneNote_main")
public func fuzzOneNoteMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
