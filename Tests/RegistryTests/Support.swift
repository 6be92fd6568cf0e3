import Foundation
import Registry
import TestSupport

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
