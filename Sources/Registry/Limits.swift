import ByteCursor

/// The bounds that untrusted hives are held to while parsing and reading values.
///
/// Parsing never allocates in proportion to a declared count or size: lists are read as far as their cells
/// actually hold, value data is bounded by the cells it occupies, and these limits cap the rest. When one is
/// reached the parser stops that part, records a ``RegistryAnomaly/Code/limitExceeded`` anomaly naming the limit,
/// and goes on with everything else.
public struct RegistryLimits: Sendable, Hashable {
    /// The most keys indexed; keys past it are not listed.
    public var maxKeys: Limit
    /// The deepest key nesting indexed (the root is depth 0); the subkeys of a key at this depth are not listed.
    public var maxDepth: Limit
    /// The most subkeys listed for one key.
    public var maxSubkeysPerKey: Limit
    /// The most values listed for one key.
    public var maxValuesPerKey: Limit
    /// The most data bytes returned for one value; longer data comes back cut (``RegistryValue/isTruncated``).
    public var maxValueBytes: Limit
    /// The most cells visited while indexing (key nodes, lists, value keys, data cells, big data segments): a
    /// bound on the work one hive can cause.
    public var maxCells: Limit
    /// The largest hive (after transaction log replay) accepted, in bytes.
    public var maxHiveBytes: Limit
    /// The most transaction log entries (or old-format dirty pages) applied over all logs.
    public var maxLogEntries: Limit
    /// The most anomalies of one code recorded for one hive; one more says that the rest were dropped.
    public var maxAnomalies: Limit

    public init(
        maxKeys: Limit = Limit("registry.maxKeys", 1 << 22),
        maxDepth: Limit = Limit("registry.maxDepth", 512),
        maxSubkeysPerKey: Limit = Limit("registry.maxSubkeysPerKey", 1 << 20),
        maxValuesPerKey: Limit = Limit("registry.maxValuesPerKey", 1 << 20),
        maxValueBytes: Limit = Limit("registry.maxValueBytes", 64 << 20),
        maxCells: Limit = Limit("registry.maxCells", 1 << 25),
        maxHiveBytes: Limit = Limit("registry.maxHiveBytes", 2 << 30),
        maxLogEntries: Limit = Limit("registry.maxLogEntries", 1 << 20),
        maxAnomalies: Limit = Limit("registry.maxAnomalies", 256)
    ) {
        self.maxKeys = maxKeys
        self.maxDepth = maxDepth
        self.maxSubkeysPerKey = maxSubkeysPerKey
        self.maxValuesPerKey = maxValuesPerKey
        self.maxValueBytes = maxValueBytes
        self.maxCells = maxCells
        self.maxHiveBytes = maxHiveBytes
        self.maxLogEntries = maxLogEntries
        self.maxAnomalies = maxAnomalies
    }

    /// The defaults: 4,194,304 keys, 512 levels, 1,048,576 subkeys and values per key, 64 MiB per value,
    /// 33,554,432 cells, 2 GiB hives, 1,048,576 log entries, 256 anomalies per code.
    public static let `default` = RegistryLimits()
}
