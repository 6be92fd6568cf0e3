import ByteCursor

/// One logical BIFF record: its header, its data, and the data of the `CONTINUE` records that follow it.
///
/// ```
///  BIFF5/BIFF8 record:   type (2 bytes LE) | size (2 bytes LE, at most 8,224 in BIFF8) | data (size bytes)
///  CONTINUE (0x003C):    more data for the record before it; in an SST each piece of a string starts again
///                        with its fHighByte flag byte
/// ```
struct BIFFRecord {
    var type: UInt16
    /// The offset of the record header in the stream.
    var offset: Int
    /// The record's own data.
    var data: ArraySlice<UInt8>
    /// The data of each `CONTINUE` record that followed it, in order.
    var continuations: [ArraySlice<UInt8>] = []

    /// The data with the continuations appended (no copy when there are none).
    var merged: ArraySlice<UInt8> {
        if continuations.isEmpty { return data }
        var all = Array(data)
        for piece in continuations { all.append(contentsOf: piece) }
        return all[...]
    }
}

/// Reads BIFF5/BIFF8 records one after the other, never past the stream's end.
///
/// A record whose size runs past the end of the stream ends the reading with a `truncated` anomaly (its available
/// bytes are not trusted); ``XLMLimits/maxRecords`` and ``XLMLimits/maxRecordBytes`` bound the work.
struct BIFFRecordReader {
    private var cursor: ByteCursor
    private let limits: XLMLimits
    private(set) var count = 0
    private(set) var stopped = false

    init(_ bytes: ArraySlice<UInt8>, limits: XLMLimits) {
        cursor = ByteCursor(bytes)
        self.limits = limits
    }

    var offset: Int { cursor.offset }

    /// The next logical record, or nil at the end (or after a problem, which is reported).
    mutating func next(_ anomalies: inout XLMAnomalies) -> BIFFRecord? {
        guard !stopped else { return nil }
        guard var record = readOne(&anomalies) else { return nil }
        var total = record.data.count
        var reported = false
        // Gather CONTINUE records.
        while cursor.remaining >= 4 {
            let peek = cursor.peek(upTo: 2)
            guard peek.count == 2, UInt16(peek[peek.startIndex]) | UInt16(peek[peek.startIndex + 1]) << 8 == 0x003C
            else { break }
            guard let piece = readOne(&anomalies) else { break }
            total += piece.data.count
            guard limits.maxRecordBytes.allows(total) else {
                if !reported {
                    reported = true
                    anomalies.limitExceeded(
                        limits.maxRecordBytes,
                        "record 0x\(String(record.type, radix: 16)) with its CONTINUE records",
                        offset: record.offset
                    )
                }
                // Skip the rest of the chain.
                continue
            }
            record.continuations.append(piece.data)
        }
        return record
    }

    private mutating func readOne(_ anomalies: inout XLMAnomalies) -> BIFFRecord? {
        if cursor.isAtEnd { return nil }
        let start = cursor.offset
        guard cursor.remaining >= 4 else {
            anomalies.add(.truncated, "\(cursor.remaining) bytes after the last record", offset: start)
            stopped = true
            return nil
        }
        count += 1
        guard limits.maxRecords.allows(count) else {
            anomalies.limitExceeded(limits.maxRecords, "the number of records", offset: start)
            stopped = true
            return nil
        }
        do {
            let type = try cursor.readUInt16LE()
            let size = Int(try cursor.readUInt16LE())
            guard size <= cursor.remaining else {
                anomalies.add(
                    .truncated,
                    "record 0x\(String(type, radix: 16)) declares \(size) bytes, \(cursor.remaining) remain",
                    offset: start
                )
                stopped = true
                return nil
            }
            let data = try cursor.readBytes(size)
            return BIFFRecord(type: type, offset: start, data: data)
        } catch {
            anomalies.add(.truncated, "record header", offset: start)
            stopped = true
            return nil
        }
    }
}

/// Reads across a record and its `CONTINUE` pieces the way the shared string table (SST) needs: plain fields run
/// on from one piece to the next, while characters that cross a boundary restart with a new `fHighByte` byte.
struct BIFFSegmentedReader {
    private let segments: [ArraySlice<UInt8>]
    private var segment = 0
    private var position: Int

    init(_ record: BIFFRecord) {
        segments = [record.data] + record.continuations
        position = record.data.startIndex
    }

    private mutating func normalize() {
        while segment < segments.count, position >= segments[segment].endIndex {
            segment += 1
            if segment < segments.count { position = segments[segment].startIndex }
        }
    }

    var isAtEnd: Bool {
        var copy = self
        copy.normalize()
        return copy.segment >= copy.segments.count
    }

    mutating func readUInt8() throws -> UInt8 {
        normalize()
        guard segment < segments.count else { throw CursorError.truncated(needed: 1, offset: position) }
        let b = segments[segment][position]
        position += 1
        return b
    }

    mutating func readUInt16LE() throws -> UInt16 {
        let a = try readUInt8()
        let b = try readUInt8()
        return UInt16(a) | UInt16(b) << 8
    }

    mutating func readUInt32LE() throws -> UInt32 {
        let a = try readUInt16LE()
        let b = try readUInt16LE()
        return UInt32(a) | UInt32(b) << 16
    }

    mutating func skip(_ count: Int) throws {
        var left = count
        while left > 0 {
            normalize()
            guard segment < segments.count else { throw CursorError.truncated(needed: left, offset: position) }
            let n = min(left, segments[segment].endIndex - position)
            position += n
            left -= n
        }
    }

    /// Reads `cch` characters that start with compression `highByte`; at each piece boundary a new flag byte says
    /// the compression of the rest.
    mutating func readCharacters(_ cch: Int, highByte initial: Bool, keep maxCharacters: Int) throws -> String {
        var highByte = initial
        var left = cch
        var units: [UInt16] = []
        units.reserveCapacity(min(cch, maxCharacters))
        while left > 0 {
            guard segment < segments.count else { throw CursorError.truncated(needed: left, offset: position) }
            let piece = segments[segment]
            if position >= piece.endIndex {
                // A boundary inside the characters: the next piece starts with its own flag byte.
                segment += 1
                guard segment < segments.count else { throw CursorError.truncated(needed: left, offset: position) }
                position = segments[segment].startIndex
                if position < segments[segment].endIndex {
                    highByte = segments[segment][position] & 0x01 != 0
                    position += 1
                }
                continue
            }
            let width = highByte ? 2 : 1
            let available = (piece.endIndex - position) / width
            if available == 0 {
                position = piece.endIndex  // half a character at the end of a piece: dropped
                continue
            }
            let n = min(left, available)
            let keep = min(n, max(0, maxCharacters - units.count))
            for k in 0..<keep {
                if highByte {
                    let p = position + 2 * k
                    units.append(UInt16(piece[p]) | UInt16(piece[p + 1]) << 8)
                } else {
                    units.append(UInt16(piece[position + k]))
                }
            }
            position += n * width
            left -= n
        }
        return String(decoding: units, as: UTF16.self)
    }
}
