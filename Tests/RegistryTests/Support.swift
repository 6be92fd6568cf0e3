import CLZMA
import Foundation
import Registry

/// Test inputs: the regipy hive corpus (xz-compressed, read in place) and the resources of this target.
enum Corpus {
    /// `Tests/Corpus/regipy-hives`: regipy's test hives (MIT, licence beside them), xz-compressed.
    static let directory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus/regipy-hives")

    /// `Tests/RegistryTests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

    /// Every hive of the corpus (the logs and the LICENSE excluded).
    static let hives = [
        "SAM", "NTUSER.DAT", "NTUSER_modified.DAT", "UsrClass.dat", "ntuser_software_partial",
        "transactions_NTUSER.DAT", "corrupted_system_hive", "SYSTEM", "SYSTEM_WIN_10_1709",
    ]

    private static let cache = Cache()

    /// The decompressed bytes of `Corpus/regipy-hives/<name>.xz` (kept in memory once read).
    static func bytes(_ name: String) throws -> [UInt8] {
        if let hit = cache.get(name) { return hit }
        let compressed = Array(try Data(contentsOf: directory.appendingPathComponent(name + ".xz")))
        let bytes = try XZ.decompress(compressed)
        cache.set(name, bytes)
        return bytes
    }

    /// The hive, parsed.
    static func hive(_ name: String, logs: [String] = [], limits: RegistryLimits = .default) throws -> RegistryHive {
        try RegistryHive(parsing: try bytes(name), logs: try logs.map { try bytes($0) }, limits: limits)
    }

    /// The bytes of `Resources/<path>`.
    static func resource(_ path: String) throws -> [UInt8] {
        guard let url = resources?.appendingPathComponent(path) else { throw CocoaError(.fileNoSuchFile) }
        return Array(try Data(contentsOf: url))
    }

    final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String: [UInt8]] = [:]
        func get(_ name: String) -> [UInt8]? { lock.withLock { items[name] } }
        func set(_ name: String, _ bytes: [UInt8]) { lock.withLock { items[name] = bytes } }
    }
}

/// xz decompression through the system liblzma.
enum XZ {
    struct Failure: Error, CustomStringConvertible {
        var code: UInt32
        var description: String { "liblzma error \(code)" }
    }

    static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = lzma_stream()
        var ret = lzma_stream_decoder(&stream, UInt64.max, 0)
        guard ret == LZMA_OK else { throw Failure(code: ret.rawValue) }
        defer { lzma_end(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = inBuf.count
            repeat {
                try chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = outBuf.count
                    ret = lzma_code(&stream, LZMA_FINISH)
                    guard ret == LZMA_OK || ret == LZMA_STREAM_END else { throw Failure(code: ret.rawValue) }
                }
                output.append(contentsOf: chunk[0..<(chunk.count - stream.avail_out)])
            } while ret != LZMA_STREAM_END
        }
        return output
    }
}

extension RegistryHive {
    /// Every key path and value, for comparisons.
    func everything() -> [(RegistryKey, [RegistryValue])] {
        var out: [(RegistryKey, [RegistryValue])] = []
        walk { out.append(($0, $1)) }
        return out
    }

    /// The codes of the anomalies, as a set.
    var anomalyCodes: Set<RegistryAnomaly.Code> { Set(anomalies.map(\.code)) }
}
