import ByteCursor

/// One directory tree of a volume as read, before views are merged into ``DiskImage/entries``.
struct View {
    /// "udf", "joliet", "iso9660" or "fat".
    var source: String
    var found: [(entry: ImageEntry, layout: Layout)] = []
    var label: String?
    /// Whether names are long names (UDF, Joliet, Rock Ridge), not 8.3 or ISO level 1 names.
    var longNames = true
    /// Whether the walk stopped at the entry limit.
    var full = false

    init(source: String) { self.source = source }

    /// Adds an entry unless ``DiskImageLimits/maxEntries`` is reached (then one anomaly).
    mutating func add(_ entry: ImageEntry, _ layout: Layout, limits: DiskImageLimits, anomalies: inout AnomalyLog)
        -> Bool
    {
        guard limits.maxEntries.allows(found.count + 1) else {
            if !full {
                full = true
                anomalies.add(
                    .limitExceeded, path: entry.path,
                    "\(limits.maxEntries.name): \(source) tree has more than \(limits.maxEntries.maximum) entries")
            }
            return false
        }
        found.append((entry, layout))
        return true
    }
}

/// A volume inside the input: the whole input, or a partition, or the disk inside a VHD.
struct Volume {
    /// The whole input.
    let image: ByteCursor
    /// Absolute offset of the volume's first byte.
    let base: Int
    /// Bytes of the volume present in the input (may be less than the file system declares).
    let length: Int

    /// The absolute range of `count` bytes at volume offset `offset`, clipped to what is present:
    /// (absolute offset, bytes present); nil when the start itself is outside.
    func clip(_ offset: Int, _ count: Int) -> (start: Int, present: Int)? {
        guard offset >= 0, count >= 0, offset <= length else { return nil }
        let present = min(count, length - offset)
        let (start, o) = base.addingReportingOverflow(offset)
        return o ? nil : (start, present)
    }

    /// The bytes at volume offset `offset`, or a `truncated`/`outOfRange` error.
    func slice(_ offset: Int, _ count: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, count >= 0, offset <= length, count <= length - offset else {
            throw CursorError.outOfRange(offset: offset, size: length)
        }
        return try image.slice(at: try add(base, offset), count: count)
    }

    func record(_ offset: Int, _ count: Int) throws -> Record {
        guard offset >= 0, count >= 0, offset <= length, count <= length - offset else {
            throw CursorError.outOfRange(offset: offset, size: length)
        }
        return try Record(image, at: try add(base, offset), count: count)
    }
}
