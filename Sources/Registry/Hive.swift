import ByteCursor

/// A Windows registry hive (regf primary file), parsed from bytes, with its transaction logs replayed when it
/// is dirty.
///
/// ```
///  [ base block 4096 ][ hbin ][ hbin ] ...
///         |
///         +-- root cell offset --> nk (root key) --+-- subkey list (lf/lh/li, or ri of lists) --> nk ...
///                                                  +-- value list --> vk --> data cell | db --> segments
///                                                  +-- class name, security (sk, not read)
/// ```
///
/// `init` reads the base block (verifying its checksum), replays the logs if the hive is dirty, maps the hive bins,
/// and indexes every key and value reachable from the root once, recording each problem as a ``RegistryAnomaly``.
/// Keys, values and their data are then decoded on demand. The hive keeps the bytes it was given (or, after a log
/// replay, the recovered copy) and decodes from them without copying until a value's data is returned.
///
/// Nothing the input says can make the reader loop, recurse without bound or allocate more than the input's size
/// and the ``RegistryLimits``: lists are bounded by their cells, key nodes are visited once, index roots nest at
/// most twice, and `walk` is iterative.
public struct RegistryHive: Sendable {
    /// The base block, after any log replay.
    public let baseBlock: RegistryBaseBlock
    /// The hive's bytes: the input, or the recovered copy after a log replay.
    public let bytes: ArraySlice<UInt8>
    /// Whether the primary file as given was dirty: its sequence numbers differ or its checksum is wrong.
    public let isDirty: Bool
    /// Whether the primary file's base block checksum was right, as given.
    public let checksumValid: Bool
    /// How many of the given logs contributed entries (or pages) to the replay; 0 when none was applied.
    public let logsReplayed: Int
    /// How many log entries (new format) or dirty pages (old format) were applied.
    public let logEntriesReplayed: Int
    /// Everything wrong that the parser recovered from, in the order found.
    public let anomalies: [RegistryAnomaly]
    /// The root key.
    public let root: RegistryKey
    /// The limits the hive was parsed with; reads use them too.
    public let limits: RegistryLimits

    let bins: Bins
    let index: KeyIndex

    /// Parses a hive.
    ///
    /// - Parameters:
    ///   - bytes: the primary file.
    ///   - logs: its transaction logs, `.LOG1` then `.LOG2` (or an old-format `.LOG`). They are replayed when the
    ///     hive is dirty (sequence numbers differ or the checksum is wrong), as Windows does; a clean hive's logs
    ///     are not applied (an anomaly says so), since their entries are already in the primary file.
    ///   - limits: the bounds to hold the hive to.
    /// - Throws: ``RegistryError`` when the input is not a hive (`.notRegistry`), is shorter than its base block
    ///   and first hive bin (`.truncated`), has an unusable base block (`.badBaseBlock`) or a root cell that is not
    ///   a key node (`.badRoot`). Everything else is an anomaly.
    public init(parsing bytes: ArraySlice<UInt8>, logs: [[UInt8]] = [], limits: RegistryLimits = .default) throws {
        var log = AnomalyLog(limit: limits.maxAnomalies.maximum)
        let given = try RegistryBaseBlock(parsing: bytes)
        guard limits.maxHiveBytes.allows(bytes.count) else {
            throw RegistryError(
                .limitExceeded,
                "\(limits.maxHiveBytes.name): \(bytes.count) exceeds \(limits.maxHiveBytes.maximum)"
            )
        }
        guard given.majorVersion == 1 else {
            throw RegistryError(.badBaseBlock, "major version \(given.majorVersion)", offset: 20)
        }
        guard given.fileType == 0 else {
            throw RegistryError(
                .badBaseBlock,
                "file type \(given.fileType): a transaction log, not a primary file",
                offset: 28
            )
        }
        checksumValid = given.checksumValid
        isDirty = given.isDirty
        if !given.checksumValid {
            log.record(
                .badChecksum,
                offset: 508,
                "base block checksum \(hex(given.checksum)), computed \(hex(given.computedChecksum))"
            )
        }
        if given.isDirty {
            log.record(
                .dirtyHive,
                offset: 4,
                "primary sequence \(given.primarySequence), secondary \(given.secondarySequence)"
                    + (given.checksumValid ? "" : ", wrong checksum")
            )
        }

        var hive = bytes
        var replayedLogs = 0
        var replayedEntries = 0
        if !logs.isEmpty {
            if given.isDirty {
                if let outcome = TransactionLog.replay(hive: bytes, base: given, logs: logs, limits: limits, log: &log)
                {
                    hive = outcome.bytes[...]
                    replayedLogs = outcome.logsUsed
                    replayedEntries = outcome.entries
                }
            } else {
                log.record(.logSkipped, "the hive is not dirty; its \(logs.count) transaction logs are not applied")
            }
        }
        let base = replayedLogs > 0 ? try RegistryBaseBlock(parsing: hive) : given
        guard hive.count >= RegistryBaseBlock.size + Bins.pageSize else {
            throw RegistryError(.truncated, "\(hive.count) bytes: no hive bin after the base block", offset: hive.count)
        }
        if !(3...6).contains(base.minorVersion) {
            log.record(.badBaseBlock, offset: 24, "minor version \(base.minorVersion)")
        }
        if base.fileFormat != 1 {
            log.record(.badBaseBlock, offset: 32, "file format \(base.fileFormat)")
        }
        let bins = Bins(file: hive, declaredSize: base.hiveBinsDataSize, log: &log)
        let rootNode: KeyNode
        switch bins.cell(at: base.rootCellOffset).flatMap({ KeyNode.parse($0.0) }) {
        case .success(let node): rootNode = node
        case .failure(.bad(let reason)), .failure(.outOfRange(let reason)):
            throw RegistryError(
                .badRoot,
                "root cell \(base.rootCellOffset): \(reason)",
                offset: Int(base.rootCellOffset) + RegistryBaseBlock.size
            )
        }
        let index = KeyIndex(
            bins: bins,
            root: rootNode,
            minorVersion: base.minorVersion,
            limits: limits,
            log: &log
        )

        self.baseBlock = base
        self.bytes = hive
        self.logsReplayed = replayedLogs
        self.logEntriesReplayed = replayedEntries
        self.limits = limits
        self.bins = bins
        self.index = index
        self.anomalies = log.items
        self.root = Self.makeKey(0, node: rootNode, parentPath: nil, bins: bins, index: index)
    }

    /// Parses a hive from an array.
    public init(parsing bytes: [UInt8], logs: [[UInt8]] = [], limits: RegistryLimits = .default) throws {
        try self.init(parsing: bytes[...], logs: logs, limits: limits)
    }

    /// The number of keys indexed.
    public var keyCount: Int { index.keys.count }
    /// The number of values indexed.
    public var valueCount: Int { index.values.count }

    // MARK: - Keys

    /// The key at `path`, relative to the root: names separated by backslashes, compared ignoring case
    /// ("Software\\Microsoft\\Windows\\CurrentVersion\\Run"). "" is the root; empty components (a leading,
    /// trailing or doubled backslash) are ignored. When two subkeys have the same name, the first listed wins.
    public func key(path: String) -> RegistryKey? {
        var key = root
        for component in path.split(separator: "\\", omittingEmptySubsequences: true) {
            guard let child = subkey(String(component), of: key) else { return nil }
            key = child
        }
        return key
    }

    /// The subkey of `key` named `name`, ignoring case.
    public func subkey(_ name: String, of key: RegistryKey) -> RegistryKey? {
        guard let record = record(of: key) else { return nil }
        let first = Int(record.firstChild)
        for i in first..<(first + Int(record.childCount)) {
            guard let node = node(at: i), Text.equalNames(node.name, name) else { continue }
            return Self.makeKey(i, node: node, parentPath: key.path, bins: bins, index: index)
        }
        return nil
    }

    /// The subkeys of `key`, in the order its subkey list holds them (Windows keeps them sorted by uppercase name).
    public func subkeys(of key: RegistryKey) -> [RegistryKey] {
        guard let record = record(of: key) else { return [] }
        let first = Int(record.firstChild)
        var out: [RegistryKey] = []
        out.reserveCapacity(Int(record.childCount))
        for i in first..<(first + Int(record.childCount)) {
            guard let node = node(at: i) else { continue }
            out.append(Self.makeKey(i, node: node, parentPath: key.path, bins: bins, index: index))
        }
        return out
    }

    /// The key that lists `key` as a subkey, or nil for the root.
    public func parent(of key: RegistryKey) -> RegistryKey? {
        guard let record = record(of: key), record.parent >= 0 else { return nil }
        let p = Int(record.parent)
        guard let node = node(at: p) else { return nil }
        let path = key.path.lastIndex(of: "\\").map { String(key.path[..<$0]) } ?? ""
        return Self.makeKey(p, node: node, parentPath: nil, bins: bins, index: index, path: path)
    }

    // MARK: - Values

    /// The values of `key`, in the order its value list holds them, with their data decoded.
    public func values(of key: RegistryKey) -> [RegistryValue] {
        guard let record = record(of: key) else { return [] }
        var out: [RegistryValue] = []
        out.reserveCapacity(Int(record.valueCount))
        var sink = AnomalyLog(limit: 0, enabled: false)
        let first = Int(record.firstValue)
        for i in first..<(first + Int(record.valueCount)) {
            guard let vk = valueKey(at: i) else { continue }
            out.append(makeValue(vk, sink: &sink))
        }
        return out
    }

    /// The value of `key` named `name`, ignoring case ("" for the default value).
    public func value(_ name: String, in key: RegistryKey) -> RegistryValue? {
        guard let record = record(of: key) else { return nil }
        var sink = AnomalyLog(limit: 0, enabled: false)
        let first = Int(record.firstValue)
        for i in first..<(first + Int(record.valueCount)) {
            guard let vk = valueKey(at: i), Text.equalNames(vk.name, name) else { continue }
            return makeValue(vk, sink: &sink)
        }
        return nil
    }

    /// The names of the values of `key`, without reading their data.
    public func valueNames(of key: RegistryKey) -> [String] {
        guard let record = record(of: key) else { return [] }
        let first = Int(record.firstValue)
        return (first..<(first + Int(record.valueCount))).compactMap { valueKey(at: $0)?.name }
    }

    // MARK: - Walking

    /// Calls `body` with every key and its values, depth first (a key before its subkeys, subkeys in list order),
    /// starting at the root. Iterative: the hive's depth cannot exhaust the stack.
    public func walk(_ body: (RegistryKey, [RegistryValue]) throws -> Void) rethrows {
        try walkKeys { key in try body(key, values(of: key)) }
    }

    /// Calls `body` with every key, depth first, without reading values.
    public func walkKeys(_ body: (RegistryKey) throws -> Void) rethrows {
        var stack: [(index: Int, parentPath: String?)] = [(0, nil)]
        while let (i, parentPath) = stack.popLast() {
            guard let node = node(at: i) else { continue }
            let key = Self.makeKey(i, node: node, parentPath: parentPath, bins: bins, index: index)
            try body(key)
            let record = index.keys[i]
            let first = Int(record.firstChild)
            for c in stride(from: first + Int(record.childCount) - 1, through: first, by: -1) {
                stack.append((c, key.path))
            }
        }
    }

    // MARK: - Internals

    private func record(of key: RegistryKey) -> KeyIndex.Record? {
        guard key.index >= 0, key.index < index.keys.count else { return nil }
        let record = index.keys[key.index]
        guard Int(record.cell) == key.cellOffset else { return nil }
        return record
    }

    private func node(at i: Int) -> KeyNode? {
        guard i >= 0, i < index.keys.count, case .success(let (cell, _)) = bins.cell(at: index.keys[i].cell),
            case .success(let node) = KeyNode.parse(cell)
        else { return nil }
        return node
    }

    private func valueKey(at i: Int) -> ValueKey? {
        guard i >= 0, i < index.values.count, case .success(let (cell, _)) = bins.cell(at: index.values[i]),
            case .success(let vk) = ValueKey.parse(cell)
        else { return nil }
        return vk
    }

    private func makeValue(_ vk: ValueKey, sink: inout AnomalyLog) -> RegistryValue {
        let data = bins.data(of: vk, minorVersion: baseBlock.minorVersion, limits: limits, log: &sink)
        return RegistryValue(
            name: vk.name,
            type: RegistryValueType(rawValue: vk.type),
            data: data.bytes,
            declaredSize: vk.size,
            isTruncated: data.truncated,
            storage: data.storage,
            cellOffset: vk.offset
        )
    }

    static func makeKey(
        _ i: Int,
        node: KeyNode,
        parentPath: String?,
        bins: Bins,
        index: KeyIndex,
        path explicitPath: String? = nil
    ) -> RegistryKey {
        let name = node.name
        let path: String
        if let explicitPath {
            path = explicitPath
        } else if let parentPath {
            path = parentPath.isEmpty ? name : parentPath + "\\" + name
        } else {
            path = ""
        }
        var className: String? = nil
        if node.classLength > 0, node.classOffset != KeyIndex.noCell,
            case .success(let (cell, _)) = bins.cell(at: node.classOffset)
        {
            className = Text.utf16(cell.data.peek(upTo: Int(node.classLength)))
        }
        let record = index.keys[i]
        return RegistryKey(
            name: name,
            path: path,
            lastWritten: node.lastWritten,
            className: className,
            subkeyCount: Int(record.childCount),
            valueCount: Int(record.valueCount),
            cellOffset: node.offset,
            flags: node.flags,
            declaredSubkeyCount: Int(node.subkeyCount),
            declaredValueCount: Int(node.valueCount),
            depth: Int(record.depth),
            index: i
        )
    }
}

func hex(_ n: UInt32) -> String { "0x" + String(n, radix: 16, uppercase: true) }
