import ByteCursor

/// Something structurally wrong or suspicious in a registry hive that the parser recovered from.
///
/// Anomalies are facts for the engine's rules and for a forensic report: a hive whose subkey list loops, whose
/// value points outside the hive bins or whose checksum is wrong still opens, every read stops safely, and the
/// anomaly says what a naive reader would have tripped over. They are recorded while ``RegistryHive`` is built
/// (which indexes every key and value once), so ``RegistryHive/anomalies`` is complete after `init`.
public struct RegistryAnomaly: Sendable, Hashable, CustomStringConvertible {
    /// The kind of anomaly; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The base block's XOR-32 checksum does not match its first 508 bytes.
        public static let badChecksum = Code("bad-checksum")
        /// The primary and secondary sequence numbers differ (or the checksum is wrong): a write was interrupted,
        /// and the transaction logs hold data the primary file lacks.
        public static let dirtyHive = Code("dirty-hive")
        /// A base block field that cannot be right but that the parser could work around (minor version, file
        /// format, a hive bins data size that disagrees with the file).
        public static let badBaseBlock = Code("bad-base-block")
        /// The file ends before the hive bins data size that the base block declares.
        public static let truncatedHive = Code("truncated-hive")
        /// A hive bin header is wrong (signature, offset, size); the parser searched for the next one.
        public static let badHBin = Code("bad-hbin")
        /// A cell cannot be right: size 0, smaller than its record, running past its hive bin, misaligned, or
        /// free (positive size) where an allocated cell is referenced.
        public static let badCell = Code("bad-cell")
        /// An offset points outside the hive bins data, into a hive bin header, or into a damaged hive bin.
        public static let cellOutOfRange = Code("cell-out-of-range")
        /// A key node (`nk`) cannot be read: wrong signature, truncated, or a name that does not fit.
        public static let badKey = Code("bad-key")
        /// A key is reached a second time (a key that is its own child or ancestor, or a key listed by two
        /// parents); it is listed once and not followed again.
        public static let subkeyLoop = Code("subkey-loop")
        /// A subkey list (`lf`, `lh`, `li`, `ri`) is wrong: unknown signature, truncated, an index root nested in
        /// an index root, a list reached twice, or a count that disagrees with the key node.
        public static let badSubkeyList = Code("bad-subkey-list")
        /// A key's value list is truncated or its count disagrees with what it holds.
        public static let badValueList = Code("bad-value-list")
        /// A value key (`vk`) cannot be read: wrong signature, truncated, a name that does not fit.
        public static let badValue = Code("bad-value")
        /// A value's data is shorter than its declared size (cell too small, big data segments missing); the
        /// bytes that exist are returned.
        public static let truncatedData = Code("truncated-data")
        /// A big data record (`db`) is wrong: segment list out of range, segments missing or too short.
        public static let badBigData = Code("bad-big-data")
        /// A key's class name cell is missing or shorter than its declared length.
        public static let badClassName = Code("bad-class-name")
        /// A key node's parent offset does not name the key that lists it.
        public static let parentMismatch = Code("parent-mismatch")
        /// A named limit was reached; the rest was not read.
        public static let limitExceeded = Code("limit-exceeded")
        /// Transaction log entries (or an old-format dirty vector) were applied to the hive.
        public static let logReplayed = Code("log-replayed")
        /// A transaction log, or some of its entries, was not applied: not a log, invalid hashes, stale or
        /// out-of-sequence entries, pages outside the hive, or a hive that is not dirty.
        public static let logSkipped = Code("log-skipped")
        /// The base block had a wrong checksum and was recovered from a transaction log's copy.
        public static let baseBlockRecovered = Code("base-block-recovered")
        /// Too many anomalies of one code; the rest were dropped.
        public static let tooManyAnomalies = Code("too-many-anomalies")
    }

    public var code: Code
    /// Where in the input, as a file offset (a cell offset plus 4,096), if known.
    public var offset: Int?
    /// What exactly was found, for the report.
    public var detail: String

    public init(_ code: Code, offset: Int? = nil, detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        var s = code.rawValue
        if let offset { s += " at \(offset)" }
        return s + ": " + detail
    }
}

/// Collects anomalies, at most `limit` per code plus one ``RegistryAnomaly/Code/tooManyAnomalies`` per code.
typealias AnomalyLog = CappedAnomalyLog<RegistryAnomaly>

extension CappedAnomalyLog where Anomaly == RegistryAnomaly {
    /// - Parameter enabled: when false, `record` does nothing: reads after indexing repeat checks whose anomalies
    ///   are already known.
    init(limit: Int, enabled: Bool = true) {
        let limit = max(0, limit)
        self.init(limit: limit, enabled: enabled) { code, offset in
            RegistryAnomaly(.tooManyAnomalies, offset: offset, detail: "more than \(limit) \(code) anomalies")
        }
    }
}

extension RegistryAnomaly: CappedAnomaly {}
