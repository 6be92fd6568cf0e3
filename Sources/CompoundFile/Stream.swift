import ByteCursor

/// The content of one stream, as far as it could be read.
public struct CFBStream: Sendable {
    /// The bytes read: at most the declared size and at most ``CFBLimits/maxStreamBytes``.
    public var bytes: [UInt8]
    /// Whether fewer bytes than the declared size were returned: cut at ``CFBLimits/maxStreamBytes``, or at a
    /// broken chain (a loop, a sector out of range, a chain shorter than the size, the end of the file).
    public var truncated: Bool
    /// Whether the cut was made by ``CFBLimits/maxStreamBytes`` (the chain itself may be fine).
    public var cutAtLimit: Bool
    /// The size the directory entry declares (after dropping the high bits of a version 3 size).
    public var declaredSize: UInt64

    public init(bytes: [UInt8], truncated: Bool, cutAtLimit: Bool = false, declaredSize: UInt64) {
        self.bytes = bytes
        self.truncated = truncated
        self.cutAtLimit = cutAtLimit
        self.declaredSize = declaredSize
    }
}

extension CompoundFile {
    /// Reads the content of a stream through the FAT or the mini FAT.
    ///
    /// The read follows only the part of the chain that parsing proved finite and inside the file, and stops at
    /// the declared size and at ``CFBLimits/maxStreamBytes``; whatever is missing shows as
    /// ``CFBStream/truncated``. The root entry can be read too: its content is the mini stream.
    ///
    /// - Throws: ``CFBError`` `.notAStream` for a storage, an unused or an unknown entry.
    public func stream(_ entry: CFBEntry) throws -> CFBStream {
        var out: [UInt8] = []
        let limit = max(0, limits.maxStreamBytes.maximum)
        out.reserveCapacity(Int(min(entry.size, UInt64(limit), UInt64(input.totalCount))))
        let result = try forEachChunk(of: entry) { out.append(contentsOf: $0) }
        return CFBStream(
            bytes: out, truncated: result.truncated, cutAtLimit: result.cutAtLimit, declaredSize: entry.size)
    }

    /// Passes the content of a stream to `body` one sector (or mini sector) at a time, as slices of the input:
    /// nothing is copied, so a digest or a scan of a large stream costs no memory.
    ///
    /// The same chain checks and limits as ``stream(_:)`` apply, with `maxBytes` (default
    /// ``CFBLimits/maxStreamBytes``) as the cut.
    ///
    /// - Returns: The bytes passed, whether fewer than the declared size were, and whether `maxBytes` cut them.
    /// - Throws: ``CFBError`` `.notAStream` for a storage, an unused or an unknown entry; whatever `body` throws.
    @discardableResult
    public func forEachChunk(
        of entry: CFBEntry, maxBytes: Int? = nil, _ body: (ArraySlice<UInt8>) throws -> Void
    ) throws -> (count: Int, truncated: Bool, cutAtLimit: Bool) {
        switch entry.type {
        case .stream, .root: break
        default:
            throw CFBError(.notAStream, "entry \(entry.id) (\"\(entry.path)\") is a \(entry.type), not a stream")
        }
        let mini = entry.type == .stream && entry.isInMiniStream
        let unit = mini ? miniSectorSize : sectorSize
        let table = mini ? miniFAT : fat
        let limit = max(0, maxBytes ?? limits.maxStreamBytes.maximum)
        let cutAtLimit = entry.size > UInt64(limit)
        let wanted = cutAtLimit ? limit : Int(truncatingIfNeeded: entry.size)
        let needed = wanted / unit + (wanted % unit == 0 ? 0 : 1)
        let count = min(needed, table.readable(from: entry.startSector))

        var passed = 0
        var s = entry.startSector
        for i in 0..<count {
            guard let chunk = mini ? miniSectorBytes(s) : sectorBytes(s) else { break }
            let part = chunk.prefix(wanted - passed)
            try body(part)
            passed += part.count
            if chunk.count < unit || passed >= wanted { break }
            if i + 1 < count, let k = table.index(s) { s = table.next[k] }
        }
        return (passed, UInt64(passed) < entry.size, cutAtLimit)
    }

    /// Reads the stream at `path`; `nil` when there is no entry there.
    ///
    /// - Throws: ``CFBError`` `.notAStream` when the entry is a storage.
    public func stream(path: String) throws -> CFBStream? {
        guard let e = entry(path: path) else { return nil }
        return try stream(e)
    }

    /// The bytes of sector number `s` (short when the file ends inside it), or nil when it cannot be addressed.
    func sectorBytes(_ s: UInt32) -> ArraySlice<UInt8>? {
        guard s <= SectorID.maxRegular, let i = Int(exactly: s), i < sectorLimit else { return nil }
        let (offset, overflow) = (i + 1).multipliedReportingOverflow(by: sectorSize)
        guard !overflow, offset < input.totalCount else { return nil }
        return try? input.slice(at: offset, count: min(sectorSize, input.totalCount - offset))
    }

    /// The bytes of mini sector number `m`, located through the mini stream's sectors.
    func miniSectorBytes(_ m: UInt32) -> ArraySlice<UInt8>? {
        guard let i = Int(exactly: m) else { return nil }
        let (offset, overflow) = i.multipliedReportingOverflow(by: miniSectorSize)
        guard !overflow, offset < miniStreamSize else { return nil }
        let index = offset / sectorSize
        guard index < miniStreamSectors.count, let sector = sectorBytes(miniStreamSectors[index]) else { return nil }
        let within = offset % sectorSize
        let count = min(miniSectorSize, miniStreamSize - offset)
        guard within < sector.count else { return nil }
        let start = sector.startIndex + within
        return sector[start..<min(start + count, sector.endIndex)]
    }
}
