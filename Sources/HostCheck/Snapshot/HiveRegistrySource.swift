import Registry

/// A ``RegistrySource`` over a parsed regf hive (the `Registry` module).
public struct HiveRegistrySource: RegistrySource {
    public let hive: RegistryHive

    public init(_ hive: RegistryHive) { self.hive = hive }

    /// Parses a hive and its transaction logs (`.LOG1`, `.LOG2`), replayed when the hive is dirty.
    public init(parsing bytes: ArraySlice<UInt8>, logs: [[UInt8]] = []) throws {
        self.hive = try RegistryHive(parsing: bytes, logs: logs)
    }

    public func values(at keyPath: String) -> [RegistryEntry] {
        guard let key = hive.key(path: keyPath) else { return [] }
        return hive.values(of: key).map(Self.entry)
    }

    public func subkeyNames(at keyPath: String) -> [String] {
        guard let key = hive.key(path: keyPath) else { return [] }
        return hive.subkeys(of: key).map(\.name)
    }

    static func entry(_ v: RegistryValue) -> RegistryEntry {
        let kind = RegistryValueKind(rawType: v.type.rawValue)
        return RegistryEntry(name: v.name, kind: kind, data: v.data, text: kind.isString ? v.string : nil)
    }
}
