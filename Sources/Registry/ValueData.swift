import ByteCursor

/// A value's data as it lies in the hive: in the value key itself, in one cell, or in the segments of a big data
/// record, found without copying.
///
/// ```
///  data size bit 31 set     data size & 0x7FFFFFFF bytes (at most 4) of the data offset field, little-endian
///  otherwise                the cell at the data offset holds the data (its first data size bytes), unless
///                           the hive is version 1.4 or later, the size is above 16,344 and the cell is a
///                           big data record:
///
///  big data (db):  0 "db"  2 number of segments  4 offset of the segment list
///  segment list:   a cell of 32-bit cell offsets; each segment cell holds 16,344 bytes of data (the last one
///                  the rest)
/// ```
struct ValueData {
    enum Parts {
        case empty
        case inline(UInt32, count: Int)
        case one(ArraySlice<UInt8>)
        case many([ArraySlice<UInt8>])
    }

    var parts: Parts
    var storage: RegistryValue.Storage
    /// Whether fewer bytes were found than the value's size declares (or the size limit cut them).
    var truncated: Bool
    /// Cells visited to find the data.
    var cells: Int

    /// The data, copied into one array.
    var bytes: [UInt8] {
        switch parts {
        case .empty: return []
        case .inline(let word, let count):
            return (0..<count).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) }
        case .one(let slice): return Array(slice)
        case .many(let slices):
            var out: [UInt8] = []
            out.reserveCapacity(slices.reduce(0) { $0 + $1.count })
            for s in slices { out.append(contentsOf: s) }
            return out
        }
    }

    static let segmentSize = 16344
    /// `db` as a little-endian 16-bit word.
    static let bigDataSignature: UInt16 = 0x6264
}

extension Bins {
    /// Finds the data of `vk`, recording anomalies for whatever is missing.
    func data(
        of vk: ValueKey,
        minorVersion: UInt32,
        limits: RegistryLimits,
        log: inout AnomalyLog
    ) -> ValueData {
        let size = vk.size
        let vkFile = vk.offset + RegistryBaseBlock.size
        if vk.isInline {
            if size > 4 {
                log.record(.badValue, offset: vkFile, "value at cell \(vk.offset): inline data of \(size) bytes")
            }
            return ValueData(
                parts: .inline(vk.dataOffset, count: min(size, 4)),
                storage: .inline,
                truncated: size > 4,
                cells: 0
            )
        }
        if size == 0 { return ValueData(parts: .empty, storage: .none, truncated: false, cells: 0) }
        var wanted = size
        var cut = false
        if !limits.maxValueBytes.allows(size) {
            log.record(
                .limitExceeded,
                offset: vkFile,
                "value at cell \(vk.offset): \(limits.maxValueBytes.name): \(size) exceeds \(limits.maxValueBytes.maximum)"
            )
            wanted = max(0, limits.maxValueBytes.maximum)
            cut = true
        }
        guard let cell = cell(at: vk.dataOffset, log: &log, "data of the value at cell \(vk.offset)") else {
            log.record(.truncatedData, offset: vkFile, "value at cell \(vk.offset): \(size) bytes of data missing")
            return ValueData(parts: .empty, storage: .cell, truncated: true, cells: 1)
        }
        var probe = cell.data
        if size > ValueData.segmentSize, minorVersion >= 4, cell.data.remaining >= 8,
            (try? probe.readUInt16LE()) == ValueData.bigDataSignature
        {
            return bigData(of: vk, record: cell, wanted: wanted, cut: cut, log: &log)
        }
        let available = cell.data.remaining
        if wanted > available {
            log.record(
                .truncatedData,
                offset: vkFile,
                "value at cell \(vk.offset): \(size) bytes declared, its cell holds \(available)"
            )
            wanted = available
            cut = true
        }
        let slice = cell.data.peek(upTo: wanted)
        return ValueData(parts: .one(slice), storage: .cell, truncated: cut, cells: 1)
    }

    private func bigData(
        of vk: ValueKey,
        record: Cell,
        wanted: Int,
        cut: Bool,
        log: inout AnomalyLog
    ) -> ValueData {
        let vkFile = vk.offset + RegistryBaseBlock.size
        var c = record.data
        var cells = 1
        guard (try? c.skip(2)) != nil, let count = try? c.readUInt16LE(), let listOffset = try? c.readUInt32LE() else {
            log.record(
                .badBigData,
                offset: record.fileOffset,
                "big data record of the value at cell \(vk.offset) is truncated"
            )
            return ValueData(parts: .empty, storage: .bigData, truncated: true, cells: cells)
        }
        var slices: [ArraySlice<UInt8>] = []
        var collected = 0
        var truncated = cut
        cells += 1
        if let list = cell(at: listOffset, log: &log, "segment list of the value at cell \(vk.offset)") {
            var entries = list.data
            let fits = entries.remaining / 4
            if fits < Int(count) {
                log.record(
                    .badBigData,
                    offset: list.fileOffset,
                    "segment list of the value at cell \(vk.offset) holds \(fits) of \(count) segments"
                )
            }
            for _ in 0..<min(fits, Int(count)) where collected < wanted {
                guard let segmentOffset = try? entries.readUInt32LE() else { break }
                cells += 1
                guard
                    let segment = cell(
                        at: segmentOffset,
                        log: &log,
                        "big data segment of the value at cell \(vk.offset)"
                    )
                else {
                    log.record(
                        .badBigData,
                        offset: vkFile,
                        "value at cell \(vk.offset): segment \(segmentOffset) unreadable"
                    )
                    break
                }
                let need = min(ValueData.segmentSize, wanted - collected)
                let part = segment.data.peek(upTo: need)
                slices.append(part)
                collected += part.count
                if part.count < need {
                    log.record(
                        .badBigData,
                        offset: segment.fileOffset,
                        "big data segment of the value at cell \(vk.offset) holds \(part.count) of \(need) bytes"
                    )
                    break
                }
            }
        } else {
            log.record(.badBigData, offset: record.fileOffset, "value at cell \(vk.offset): segment list unreadable")
        }
        if collected < wanted {
            log.record(
                .truncatedData,
                offset: vkFile,
                "value at cell \(vk.offset): \(vk.size) bytes declared, big data segments hold \(collected)"
            )
            truncated = true
        }
        return ValueData(parts: .many(slices), storage: .bigData, truncated: truncated, cells: cells)
    }
}
