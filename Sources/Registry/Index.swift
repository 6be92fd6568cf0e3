import ByteCursor

/// The hive's key tree, indexed once when the hive is opened.
///
/// Indexing visits every key node reachable from the root, breadth first, with every subkey list, value list,
/// value key and data cell, so that every anomaly is known after `init` and later reads need no bookkeeping. Each
/// key node is indexed once (a bitmap over cell offsets records the visited ones): a key that is its own child,
/// a cycle through an ancestor or a key listed by two parents is an anomaly, not a loop. The subkeys of one key
/// get consecutive positions, so a key's children are a range.
struct KeyIndex: Sendable {
    struct Record: Sendable {
        var cell: UInt32
        var parent: Int32
        var depth: Int32
        var firstChild: Int32 = 0
        var childCount: Int32 = 0
        var firstValue: Int32 = 0
        var valueCount: Int32 = 0
    }

    var keys: [Record] = []
    /// The value key cell offsets of every key, each key's a range (``Record/firstValue``).
    var values: [UInt32] = []

    static let noCell: UInt32 = 0xFFFF_FFFF
    /// How many index roots may nest (Windows writes none; one is tolerated with an anomaly).
    static let maxIndexRootDepth = 2

    /// `lf`, `lh`, `li`, `ri` as little-endian 16-bit words.
    static let fastLeaf: UInt16 = 0x666C
    static let hashLeaf: UInt16 = 0x686C
    static let indexLeaf: UInt16 = 0x696C
    static let indexRoot: UInt16 = 0x6972

    /// Indexes the tree under `root`.
    init(bins: Bins, root: KeyNode, minorVersion: UInt32, limits: RegistryLimits, log: inout AnomalyLog) {
        var visited = BitSet(count: bins.dataSize / 8 + 1)
        visited.insert(root.offset / 8)
        keys.append(Record(cell: UInt32(root.offset), parent: -1, depth: 0))
        var cells = 1
        var children: [UInt32] = []
        var keyLimitReported = false
        var i = 0
        while i < keys.count {
            let record = keys[i]
            guard let cell = bins.cell(at: record.cell, log: &log, "key node"),
                case .success(let node) = KeyNode.parse(cell)
            else {
                i += 1
                continue
            }
            let keyFile = node.offset + RegistryBaseBlock.size
            if node.nameTruncated {
                log.record(.badKey, offset: keyFile, "key at cell \(node.offset): its name runs past its cell")
            }
            if node.classLength > 0, node.classOffset != Self.noCell {
                cells += 1
                if let classCell = bins.cell(
                    at: node.classOffset,
                    log: &log,
                    "class name of the key at cell \(node.offset)"
                ) {
                    if classCell.data.remaining < Int(node.classLength) {
                        log.record(
                            .badClassName,
                            offset: classCell.fileOffset,
                            "key at cell \(node.offset): class name of \(node.classLength) bytes, cell holds \(classCell.data.remaining)"
                        )
                    }
                } else {
                    log.record(.badClassName, offset: keyFile, "key at cell \(node.offset): class name unreadable")
                }
            }

            // Values.
            keys[i].firstValue = Int32(truncatingIfNeeded: values.count)
            if node.valueCount > 0 {
                cells += indexValues(of: node, bins: bins, minorVersion: minorVersion, limits: limits, log: &log)
            }
            keys[i].valueCount = Int32(truncatingIfNeeded: values.count - Int(keys[i].firstValue))

            // Subkeys.
            keys[i].firstChild = Int32(truncatingIfNeeded: keys.count)
            if node.subkeyCount > 0, node.subkeyList != Self.noCell {
                if !limits.maxDepth.allows(Int(record.depth) + 1) {
                    log.record(
                        .limitExceeded,
                        offset: keyFile,
                        "key at cell \(node.offset): \(limits.maxDepth.name): depth \(Int(record.depth) + 1) exceeds \(limits.maxDepth.maximum); its subkeys are not listed"
                    )
                } else {
                    children.removeAll(keepingCapacity: true)
                    var seenLists = Set<UInt32>()
                    cells += Self.collectSubkeys(
                        list: node.subkeyList,
                        level: 0,
                        into: &children,
                        seenLists: &seenLists,
                        key: node,
                        bins: bins,
                        limits: limits,
                        log: &log
                    )
                    if children.count != Int(node.subkeyCount) {
                        log.record(
                            .badSubkeyList,
                            offset: keyFile,
                            "key at cell \(node.offset) declares \(node.subkeyCount) subkeys, its lists hold \(children.count)"
                        )
                    }
                    for child in children {
                        guard keys.count < limits.maxKeys.maximum else {
                            if !keyLimitReported {
                                log.record(
                                    .limitExceeded,
                                    offset: keyFile,
                                    "\(limits.maxKeys.name): more than \(limits.maxKeys.maximum) keys; the rest are not listed"
                                )
                                keyLimitReported = true
                            }
                            break
                        }
                        cells += 1
                        guard
                            let childCell = bins.cell(at: child, log: &log, "subkey of the key at cell \(node.offset)")
                        else { continue }
                        if visited.contains(Int(child) / 8) {
                            log.record(
                                .subkeyLoop,
                                offset: childCell.fileOffset - 4,
                                "key at cell \(node.offset) lists the key at cell \(child), which is already listed"
                            )
                            continue
                        }
                        switch KeyNode.parse(childCell) {
                        case .failure(.bad(let reason)), .failure(.outOfRange(let reason)):
                            log.record(
                                .badKey,
                                offset: childCell.fileOffset - 4,
                                "subkey of the key at cell \(node.offset): \(reason)"
                            )
                            continue
                        case .success(let childNode):
                            if childNode.parent != UInt32(node.offset) {
                                log.record(
                                    .parentMismatch,
                                    offset: childCell.fileOffset - 4,
                                    "key at cell \(child) is listed by the key at cell \(node.offset) but names \(childNode.parent) as its parent"
                                )
                            }
                        }
                        visited.insert(Int(child) / 8)
                        keys.append(Record(cell: child, parent: Int32(truncatingIfNeeded: i), depth: record.depth &+ 1))
                    }
                }
            }
            keys[i].childCount = Int32(truncatingIfNeeded: keys.count - Int(keys[i].firstChild))

            if !limits.maxCells.allows(cells) {
                log.record(
                    .limitExceeded,
                    "\(limits.maxCells.name): more than \(limits.maxCells.maximum) cells; indexing stopped after \(i + 1) of \(keys.count) keys"
                )
                break
            }
            i += 1
        }
    }

    /// Appends the valid value keys of `node` to ``values``; returns the cells visited.
    private mutating func indexValues(
        of node: KeyNode,
        bins: Bins,
        minorVersion: UInt32,
        limits: RegistryLimits,
        log: inout AnomalyLog
    ) -> Int {
        let keyFile = node.offset + RegistryBaseBlock.size
        var cells = 1
        guard let list = bins.cell(at: node.valueList, log: &log, "value list of the key at cell \(node.offset)") else {
            log.record(
                .badValueList,
                offset: keyFile,
                "key at cell \(node.offset): \(node.valueCount) values unreadable"
            )
            return cells
        }
        var entries = list.data
        var count = Int(node.valueCount)
        if count > entries.remaining / 4 {
            log.record(
                .badValueList,
                offset: list.fileOffset,
                "key at cell \(node.offset) declares \(count) values, its list holds \(entries.remaining / 4)"
            )
            count = entries.remaining / 4
        }
        if !limits.maxValuesPerKey.allows(count) {
            log.record(
                .limitExceeded,
                offset: list.fileOffset,
                "key at cell \(node.offset): \(limits.maxValuesPerKey.name): \(count) exceeds \(limits.maxValuesPerKey.maximum)"
            )
            count = max(0, limits.maxValuesPerKey.maximum)
        }
        for _ in 0..<count {
            guard let offset = try? entries.readUInt32LE() else { break }
            cells += 1
            guard let cell = bins.cell(at: offset, log: &log, "value of the key at cell \(node.offset)") else {
                continue
            }
            switch ValueKey.parse(cell) {
            case .failure(.bad(let reason)), .failure(.outOfRange(let reason)):
                log.record(.badValue, offset: cell.fileOffset - 4, "value of the key at cell \(node.offset): \(reason)")
            case .success(let vk):
                if vk.nameTruncated {
                    log.record(
                        .badValue,
                        offset: cell.fileOffset - 4,
                        "value at cell \(offset): its name runs past its cell"
                    )
                }
                cells += bins.data(of: vk, minorVersion: minorVersion, limits: limits, log: &log).cells
                values.append(offset)
            }
        }
        return cells
    }

    /// Appends the key node offsets a subkey list names; returns the cells visited.
    private static func collectSubkeys(
        list: UInt32,
        level: Int,
        into out: inout [UInt32],
        seenLists: inout Set<UInt32>,
        key: KeyNode,
        bins: Bins,
        limits: RegistryLimits,
        log: inout AnomalyLog
    ) -> Int {
        var cells = 1
        guard let cell = bins.cell(at: list, log: &log, "subkey list of the key at cell \(key.offset)") else {
            log.record(
                .badSubkeyList,
                offset: key.offset + RegistryBaseBlock.size,
                "key at cell \(key.offset): subkey list unreadable"
            )
            return cells
        }
        guard seenLists.insert(list).inserted else {
            log.record(
                .badSubkeyList,
                offset: cell.fileOffset - 4,
                "key at cell \(key.offset): subkey list at cell \(list) is reached twice"
            )
            return cells
        }
        var c = cell.data
        guard let signature = try? c.readUInt16LE(), let declared = try? c.readUInt16LE() else {
            log.record(.badSubkeyList, offset: cell.fileOffset - 4, "subkey list at cell \(list) is truncated")
            return cells
        }
        let stride: Int
        switch signature {
        case fastLeaf, hashLeaf: stride = 8
        case indexLeaf, indexRoot: stride = 4
        default:
            log.record(
                .badSubkeyList,
                offset: cell.fileOffset - 4,
                "subkey list at cell \(list) of the key at cell \(key.offset) has no lf, lh, li or ri signature"
            )
            return cells
        }
        var count = Int(declared)
        if count > c.remaining / stride {
            log.record(
                .badSubkeyList,
                offset: cell.fileOffset - 4,
                "subkey list at cell \(list) declares \(count) entries, its cell holds \(c.remaining / stride)"
            )
            count = c.remaining / stride
        }
        if signature == indexRoot {
            if level > 0 {
                log.record(
                    .badSubkeyList,
                    offset: cell.fileOffset - 4,
                    "index root at cell \(list) is nested in another index root (level \(level))"
                )
            }
            guard level < maxIndexRootDepth else { return cells }
            for _ in 0..<count {
                guard let sub = try? c.readUInt32LE() else { break }
                cells += collectSubkeys(
                    list: sub,
                    level: level + 1,
                    into: &out,
                    seenLists: &seenLists,
                    key: key,
                    bins: bins,
                    limits: limits,
                    log: &log
                )
                if out.count >= limits.maxSubkeysPerKey.maximum { break }
            }
            return cells
        }
        for _ in 0..<count {
            guard out.count < limits.maxSubkeysPerKey.maximum else {
                log.record(
                    .limitExceeded,
                    offset: cell.fileOffset - 4,
                    "key at cell \(key.offset): \(limits.maxSubkeysPerKey.name): more than \(limits.maxSubkeysPerKey.maximum) subkeys"
                )
                return cells
            }
            guard let offset = try? c.readUInt32LE() else { break }
            if stride == 8 { _ = try? c.readUInt32LE() }
            out.append(offset)
        }
        return cells
    }
}

/// A fixed-size set of small integers.
struct BitSet: Sendable {
    private var words: [UInt64]

    init(count: Int) { words = [UInt64](repeating: 0, count: (max(0, count) + 63) / 64) }

    @inline(__always)
    func contains(_ i: Int) -> Bool {
        let w = i >> 6
        guard i >= 0, w < words.count else { return false }
        return words[w] & (1 << UInt64(i & 63)) != 0
    }

    @inline(__always)
    mutating func insert(_ i: Int) {
        let w = i >> 6
        guard i >= 0, w < words.count else { return }
        words[w] |= 1 << UInt64(i & 63)
    }
}
