import ByteCursor

/// Replays transaction logs (`.LOG1`, `.LOG2`, or an old `.LOG`) onto a dirty primary file.
///
/// A log starts with a 512-byte copy of the base block whose file type says its format. The new format (file
/// type 6, Windows 8.1 and later) holds log entries; the old one (file type 1 or 2) a dirty vector and dirty pages.
///
/// ```
///  new format:  [ base block copy (512) ][ HvLE entry ][ HvLE entry ] ...   each entry 512-aligned
///
///  log entry:   0 "HvLE"   4 size (multiple of 512)   8 flags   12 sequence number
///              16 hive bins data size   20 dirty page count   24 hash-1 (8)   32 hash-2 (8)
///              40 page references: count x { offset (relative to the hive bins data), size }
///               … page data, in reference order, without gaps
///              hash-1 = Marvin32(entry[40 ..< size]), hash-2 = Marvin32(entry[0 ..< 32])
///
///  old format:  [ base block copy (512) ][ "DIRT" + bitmap, one bit per 512-byte page of the hive bins ]
///               [ dirty pages, 512 bytes each, from the next 512-byte boundary, in bitmap order ]
/// ```
///
/// New-format entries are applied when their hashes are right, in sequence-number order across all the logs,
/// starting at the primary file's secondary sequence number (the last write it completed, see ``applyNew``) and
/// stopping at the first gap; older entries are stale and skipped (they were already written). An old-format log is applied when it is valid
/// (checksum right, sequence numbers equal) and its last written time equals the primary file's. A primary file
/// with a wrong checksum gets its base block back from the log's copy. Pages are written only inside the hive
/// (which may grow up to the end of the pages a log actually carries): a log cannot make the reader allocate more
/// than its own size.
enum TransactionLog {
    struct Page {
        var offset: Int
        var data: ArraySlice<UInt8>
    }

    struct Entry {
        var log: Int
        var sequence: UInt32
        var hiveBinsDataSize: UInt32
        var pages: [Page]
    }

    struct Outcome {
        var bytes: [UInt8]
        var logsUsed: Int
        var entries: Int
    }

    static let entrySignature: UInt32 = 0x454C_7648  // "HvLE"
    static let dirtSignature: UInt32 = 0x5452_4944  // "DIRT"

    /// Applies `logs` to `hive` (a dirty primary file). Returns nil when nothing was applied.
    static func replay(
        hive: ArraySlice<UInt8>,
        base: RegistryBaseBlock,
        logs: [[UInt8]],
        limits: RegistryLimits,
        log: inout AnomalyLog
    ) -> Outcome? {
        var entries: [Entry] = []
        var oldLogs: [(index: Int, base: RegistryBaseBlock, bytes: [UInt8])] = []
        var recoveryBase: (index: Int, bytes: ArraySlice<UInt8>, base: RegistryBaseBlock)? = nil
        for (i, bytes) in logs.enumerated() {
            let logBase: RegistryBaseBlock
            do { logBase = try RegistryBaseBlock(parsing: bytes[...]) } catch {
                log.record(.logSkipped, "log #\(i + 1) is not a transaction log: \(error.reason)")
                continue
            }
            guard logBase.checksumValid else {
                log.record(.logSkipped, "log #\(i + 1): its base block checksum is wrong")
                continue
            }
            switch logBase.fileType {
            case 6:
                if recoveryBase == nil { recoveryBase = (i, bytes[0..<RegistryBaseBlock.logCopySize], logBase) }
                entries += newFormatEntries(bytes, log: i, limits: limits, anomalies: &log)
            case 1, 2:
                if logBase.primarySequence == logBase.secondarySequence {
                    oldLogs.append((i, logBase, bytes))
                    if recoveryBase == nil { recoveryBase = (i, bytes[0..<RegistryBaseBlock.logCopySize], logBase) }
                } else {
                    log.record(.logSkipped, "log #\(i + 1) (old format) was not written completely")
                }
            default:
                log.record(.logSkipped, "log #\(i + 1): file type \(logBase.fileType) is not a transaction log")
            }
        }

        var out = Array(hive)
        var primary = base
        if !base.checksumValid {
            guard let recovery = recoveryBase else {
                log.record(.logSkipped, "the base block checksum is wrong and no valid log holds a copy of it")
                return nil
            }
            out.replaceSubrange(0..<RegistryBaseBlock.logCopySize, with: recovery.bytes)
            RegistryBaseBlock.store(0, at: 28, in: &out)  // the log's copy says 1, 2 or 6
            primary = recovery.base
            log.record(.baseBlockRecovered, offset: 0, "base block recovered from log #\(recovery.index + 1)")
        }

        if !entries.isEmpty {
            return applyNew(entries, to: &out, primary: primary, logCount: logs.count, limits: limits, log: &log)
                .map { Outcome(bytes: out, logsUsed: $0.logs, entries: $0.entries) }
        }
        for old in oldLogs {
            guard old.base.lastWritten == primary.lastWritten else {
                log.record(.logSkipped, "log #\(old.index + 1) (old format) belongs to another write of the hive")
                continue
            }
            if let pages = applyOld(old.bytes, base: old.base, to: &out, index: old.index, limits: limits, log: &log) {
                return Outcome(bytes: out, logsUsed: 1, entries: pages)
            }
        }
        return nil
    }

    /// The valid entries of a new-format log, up to the first one that is not.
    static func newFormatEntries(
        _ bytes: [UInt8],
        log index: Int,
        limits: RegistryLimits,
        anomalies: inout AnomalyLog
    ) -> [Entry] {
        var entries: [Entry] = []
        var position = RegistryBaseBlock.logCopySize
        let file = ByteCursor(bytes)
        while position <= bytes.count - 40 {
            var c = (try? file.cursor(at: position, count: bytes.count - position)) ?? ByteCursor([])
            guard let signature = try? c.readUInt32LE(), signature == entrySignature else { break }
            guard let sizeField = try? c.readUInt32LE(), let _ = try? c.readUInt32LE(),
                let sequence = try? c.readUInt32LE(), let hiveBins = try? c.readUInt32LE(),
                let pageCount = try? c.readUInt32LE(), let hash1 = try? c.readUInt64LE(),
                let hash2 = try? c.readUInt64LE()
            else { break }
            let size = Int(sizeField)
            guard size >= 40, size % 512 == 0, size <= bytes.count - position, hiveBins % 4096 == 0 else {
                anomalies.record(
                    .logSkipped,
                    offset: position,
                    "log #\(index + 1): entry at \(position) has size \(size), hive bins size \(hiveBins); log ends"
                )
                break
            }
            let entry = bytes[position..<(position + size)]
            guard Marvin32.hash(entry.dropFirst(40)) == hash1, Marvin32.hash(entry.prefix(32)) == hash2 else {
                anomalies.record(
                    .logSkipped,
                    offset: position,
                    "log #\(index + 1): entry at \(position) (sequence \(sequence)) fails its hashes; log ends"
                )
                break
            }
            var refs = ByteCursor(entry.dropFirst(40))
            let count = Int(pageCount)
            guard count <= refs.remaining / 8, let dataStart = Optional(40 + 8 * count) else {
                anomalies.record(
                    .logSkipped,
                    offset: position,
                    "log #\(index + 1): entry at \(position) has \(pageCount) pages"
                )
                break
            }
            var pages: [Page] = []
            pages.reserveCapacity(count)
            var dataOffset = dataStart
            var valid = true
            for _ in 0..<count {
                guard let offset = try? refs.readUInt32LE(), let length = try? refs.readUInt32LE(),
                    Int(length) <= size - dataOffset
                else {
                    valid = false
                    break
                }
                pages.append(
                    Page(
                        offset: Int(offset),
                        data: entry[(position + dataOffset)..<(position + dataOffset + Int(length))]
                    )
                )
                dataOffset += Int(length)
            }
            guard valid else {
                anomalies.record(
                    .logSkipped,
                    offset: position,
                    "log #\(index + 1): entry at \(position) has pages past its end"
                )
                break
            }
            entries.append(Entry(log: index, sequence: sequence, hiveBinsDataSize: hiveBins, pages: pages))
            if entries.count > limits.maxLogEntries.maximum { break }
            position += size
        }
        return entries
    }

    /// Applies new-format entries in sequence order from the secondary sequence number on.
    ///
    /// The regf specification says that entries from the primary sequence number on are applied. The corpus's
    /// dirty NTUSER.DAT (primary 567, secondary 566) shows that the entry numbered like the secondary sequence
    /// number is needed too: without it a value's data cell is left half written. Its pages are page images, so
    /// applying it again when the primary file already holds them changes nothing; regipy starts there as well.
    static func applyNew(
        _ all: [Entry],
        to hive: inout [UInt8],
        primary: RegistryBaseBlock,
        logCount: Int,
        limits: RegistryLimits,
        log: inout AnomalyLog
    ) -> (logs: Int, entries: Int)? {
        let start = min(primary.primarySequence, primary.secondarySequence)
        let stale = all.filter { $0.sequence < start }
        if !stale.isEmpty {
            log.record(
                .logSkipped,
                "\(stale.count) log entries older than the hive's sequence number \(start) were already written"
            )
        }
        // Stable: for equal sequence numbers the earlier log wins, the later copy is skipped as a duplicate.
        let candidates = all.enumerated().filter { $0.element.sequence >= start }
            .sorted { ($0.element.sequence, $0.offset) < ($1.element.sequence, $1.offset) }.map(\.element)
        var allowance = hive.count
        for entry in candidates { for page in entry.pages { allowance += page.data.count } }
        var expected = start
        var applied = 0
        var used = Set<Int>()
        var last: Entry? = nil
        for entry in candidates {
            if entry.sequence < expected { continue }
            guard entry.sequence == expected else {
                log.record(
                    .logSkipped,
                    "log entries jump from sequence \(expected) to \(entry.sequence); the rest are not applied"
                )
                break
            }
            guard applied < limits.maxLogEntries.maximum else {
                log.record(
                    .limitExceeded,
                    "\(limits.maxLogEntries.name): more than \(limits.maxLogEntries.maximum) log entries"
                )
                break
            }
            guard
                write(
                    entry.pages,
                    to: &hive,
                    allowance: allowance,
                    limits: limits,
                    log: &log,
                    what: "log #\(entry.log + 1) entry \(entry.sequence)"
                )
            else { break }
            applied += 1
            used.insert(entry.log)
            last = entry
            expected &+= 1
        }
        guard let last else {
            log.record(.logSkipped, "no log entry continues the hive's sequence number \(start)")
            return nil
        }
        RegistryBaseBlock.patch(&hive, sequence: last.sequence, hiveBinsDataSize: last.hiveBinsDataSize)
        log.record(
            .logReplayed,
            "applied \(applied) log entries (sequence \(start)...\(last.sequence)) from \(used.count) of \(logCount) logs"
        )
        return (used.count, applied)
    }

    /// Applies an old-format log; returns the number of dirty pages written, or nil.
    static func applyOld(
        _ bytes: [UInt8],
        base: RegistryBaseBlock,
        to hive: inout [UInt8],
        index: Int,
        limits: RegistryLimits,
        log: inout AnomalyLog
    ) -> Int? {
        let file = ByteCursor(bytes)
        guard
            var c = try? file.cursor(
                at: RegistryBaseBlock.logCopySize,
                count: bytes.count - RegistryBaseBlock.logCopySize
            ),
            (try? c.readUInt32LE()) == dirtSignature
        else {
            log.record(.logSkipped, "log #\(index + 1) (old format) has no dirty vector")
            return nil
        }
        let bits = Int(base.hiveBinsDataSize) / 512
        let bitmapBytes = (bits + 7) / 8
        guard let bitmap = try? c.readBytes(bitmapBytes) else {
            log.record(.logSkipped, "log #\(index + 1) (old format): the dirty vector is truncated")
            return nil
        }
        let vectorEnd = RegistryBaseBlock.logCopySize + 4 + bitmapBytes
        var pageStart = (vectorEnd + 511) / 512 * 512
        var pages: [Page] = []
        for bit in 0..<bits where bitmap[bitmap.startIndex + bit / 8] & (1 << UInt8(bit % 8)) != 0 {
            guard let data = try? file.slice(at: pageStart, count: 512) else {
                log.record(.logSkipped, "log #\(index + 1) (old format): dirty page \(pages.count) is missing")
                return nil
            }
            guard pages.count < limits.maxLogEntries.maximum else {
                log.record(
                    .limitExceeded,
                    "\(limits.maxLogEntries.name): more than \(limits.maxLogEntries.maximum) dirty pages"
                )
                return nil
            }
            pages.append(Page(offset: bit * 512, data: data))
            pageStart += 512
        }
        let allowance = hive.count + 512 * pages.count
        guard write(pages, to: &hive, allowance: allowance, limits: limits, log: &log, what: "log #\(index + 1)")
        else { return nil }
        RegistryBaseBlock.patch(&hive, sequence: base.primarySequence, hiveBinsDataSize: base.hiveBinsDataSize)
        log.record(.logReplayed, "applied \(pages.count) dirty pages from log #\(index + 1) (old format)")
        return pages.count
    }

    /// Writes pages into the hive bins data. The hive grows (zero-filled) to the end of a page written past it,
    /// but never beyond `allowance` (its size plus the bytes of every page the logs carry).
    static func write(
        _ pages: [Page],
        to hive: inout [UInt8],
        allowance: Int,
        limits: RegistryLimits,
        log: inout AnomalyLog,
        what: String
    ) -> Bool {
        for page in pages {
            let (target, o1) = RegistryBaseBlock.size.addingReportingOverflow(page.offset)
            let (end, o2) = target.addingReportingOverflow(page.data.count)
            guard !o1, !o2, page.offset % 512 == 0, end <= allowance else {
                log.record(.logSkipped, "\(what): page at \(page.offset) cannot be placed; replay stops")
                return false
            }
            guard limits.maxHiveBytes.allows(end) else {
                log.record(
                    .limitExceeded,
                    "\(what): \(limits.maxHiveBytes.name): \(end) exceeds \(limits.maxHiveBytes.maximum)"
                )
                return false
            }
            if end > hive.count { hive.append(contentsOf: repeatElement(0, count: end - hive.count)) }
            hive.replaceSubrange(target..<end, with: page.data)
        }
        return true
    }
}
