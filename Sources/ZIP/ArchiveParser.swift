import ByteCursor

/// The state of one parse: the steps of ``ZIPArchive/init(parsing:limits:)`` in order.
struct ArchiveParser {
    static let endRecordSearchWindow = 65_535 + EndRecord.fixedSize

    let input: ByteCursor
    let limits: ZIPLimits
    let scan: SignatureScan

    var entries: [ZIPEntry] = []
    var anomalies: [ZIPAnomaly] = []
    var comment = ""
    var isZIP64 = false
    var endRecordOffset: Int?
    var centralDirectoryStart: Int?
    /// Byte ranges that belong to records and entry data; local headers found inside them are content, not entries.
    var covered: [Range<Int>] = []
    private var anomalyCounts: [ZIPAnomaly.Code: Int] = [:]

    init(_ bytes: ArraySlice<UInt8>, limits: ZIPLimits) {
        input = ByteCursor(bytes)
        self.limits = limits
        scan = SignatureScan(bytes, maxHits: max(0, limits.maxSignatureHits.maximum))
    }

    var size: Int { input.totalCount }

    // MARK: - Steps

    mutating func parse() throws {
        if scan.capped {
            record(
                .limitExceeded,
                detail: "\(limits.maxSignatureHits.name): more than \(limits.maxSignatureHits.maximum) signatures")
        }
        var directory: CentralDirectoryLocation?
        for candidate in endRecordCandidates() {
            if let found = locateCentralDirectory(endRecordAt: candidate) {
                directory = found
                break
            }
        }
        if let directory {
            readEndRecordComment(directory.endRecord)
            readCentralDirectory(directory)
        }
        if let directory, !entries.isEmpty || directory.declaredEntries == 0 {
            findHiddenLocalEntries(hidden: true)
            reportOtherEndRecords(chosen: directory.endRecord.offset)
        } else {
            if scan.localHeaders.isEmpty {
                throw ZIPError(.notZIP, "no end of central directory record and no local file header")
            }
            record(
                .noCentralDirectory,
                detail: directory == nil
                    ? "no usable end of central directory record; entries come from scanning local headers"
                    : "the central directory lists no readable entry; entries come from scanning local headers")
            findHiddenLocalEntries(hidden: false)
        }
        checkEntries()
    }

    /// End record signatures, the last first: those within 64 KiB + 22 bytes of the end, then earlier ones.
    func endRecordCandidates() -> [Int] {
        let windowStart = size - Self.endRecordSearchWindow
        let all = scan.endRecords.reversed().filter { $0 + EndRecord.fixedSize <= size }
        return all.filter { $0 >= windowStart } + all.filter { $0 < windowStart }
    }

    struct CentralDirectoryLocation {
        var endRecord: EndRecord
        var start: Int
        var size: Int
        var declaredEntries: UInt64
        /// What to add to offsets stored in the archive to get positions in the input (prepended data).
        var shift: Int
    }

    /// The central directory the end record at `offset` describes, or nil if it does not point at one.
    mutating func locateCentralDirectory(endRecordAt offset: Int) -> CentralDirectoryLocation? {
        guard let end = try? EndRecord(in: input, at: offset) else { return nil }
        var declaredEntries = UInt64(end.entries)
        var directorySize = UInt64(end.centralDirectorySize)
        var directoryOffset = UInt64(end.centralDirectoryOffset)
        var directoryEnd = offset
        var zip64: ZIP64EndRecord?
        if offset >= ZIP64Locator.fixedSize,
            let locator = try? ZIP64Locator(in: input, at: offset - ZIP64Locator.fixedSize)
        {
            // Stored offset first; else right before the locator (prepended data); else the last one seen.
            var tries: [Int] = []
            if let stored = Int(exactly: locator.endRecordOffset) { tries.append(stored) }
            tries.append(offset - ZIP64Locator.fixedSize - ZIP64EndRecord.fixedSize)
            if let last = scan.zip64EndRecords.last(where: { $0 < offset }) { tries.append(last) }
            let input = self.input
            zip64 = tries.lazy.compactMap { try? ZIP64EndRecord(in: input, at: $0) }.first
        }
        if let zip64 {
            declaredEntries = zip64.entries
            directorySize = zip64.centralDirectorySize
            directoryOffset = zip64.centralDirectoryOffset
            directoryEnd = zip64.offset
        }
        guard let cdSize = Int(exactly: directorySize), cdSize <= directoryEnd,
            let storedOffset = Int(exactly: directoryOffset)
        else { return nil }
        let actualStart = directoryEnd - cdSize
        let start: Int
        if isCentralHeader(at: storedOffset) {
            start = storedOffset
        } else if isCentralHeader(at: actualStart) {
            start = actualStart
        } else if declaredEntries == 0 && cdSize == 0 {
            start = actualStart
        } else {
            return nil
        }
        if zip64 != nil { isZIP64 = true }
        let shift = start - storedOffset
        return CentralDirectoryLocation(
            endRecord: end, start: start, size: cdSize, declaredEntries: declaredEntries, shift: shift)
    }

    func isCentralHeader(at offset: Int) -> Bool {
        signature(at: offset) == Signature.centralHeader
    }

    /// The four bytes at `offset` as a little-endian signature, or nil past the end.
    func signature(at offset: Int) -> UInt32? {
        guard var c = try? input.cursor(at: offset, count: 4) else { return nil }
        return try? c.readUInt32LE()
    }

    /// Reads the archive comment and reports bytes after it or a comment length that runs past the end.
    mutating func readEndRecordComment(_ end: EndRecord) {
        endRecordOffset = end.offset
        let commentStart = end.offset + EndRecord.fixedSize
        let available = size - commentStart
        let declared = Int(end.commentLength)
        if declared > available {
            record(
                .badCommentLength, offset: end.offset,
                detail: "comment length \(declared) but only \(available) bytes follow the end record")
        }
        let bytes = (try? input.slice(at: commentStart, count: min(declared, available))) ?? []
        comment = NameDecoding.decode(bytes, declaredUTF8: false)
        let archiveEnd = commentStart + min(declared, available)
        if archiveEnd < size {
            record(
                .dataAfterArchive, offset: archiveEnd,
                detail: "\(size - archiveEnd) bytes after the end of central directory record and its comment")
        }
    }

    // MARK: - Central directory

    mutating func readCentralDirectory(_ location: CentralDirectoryLocation) {
        centralDirectoryStart = location.start
        guard var c = try? input.cursor(at: location.start, count: size - location.start) else { return }
        var truncated = false
        while isCentralHeader(at: c.offset) {
            guard entries.count < limits.maxEntries.maximum else {
                record(
                    .limitExceeded, offset: c.offset,
                    detail: "\(limits.maxEntries.name): more than \(limits.maxEntries.maximum) entries; the rest were not read")
                break
            }
            let headerOffset = c.offset
            do {
                let header = try CentralHeader(reading: &c)
                addCentralEntry(header, shift: location.shift)
            } catch {
                record(.truncated, offset: headerOffset, detail: "central directory header cut short")
                truncated = true
                break
            }
        }
        let found = entries.count
        let readSize = c.offset - location.start
        covered.append(location.start..<max(c.offset, location.start + min(location.size, size - location.start)))
        if !truncated, UInt64(found) != location.declaredEntries || readSize != location.size {
            record(
                .centralDirectoryCountMismatch, offset: location.start,
                detail: "end record declares \(location.declaredEntries) entries in \(location.size) bytes;"
                    + " found \(found) entries in \(readSize) bytes")
        }
    }

    mutating func addCentralEntry(_ header: CentralHeader, shift: Int) {
        let index = entries.count
        if header.usedZIP64 { isZIP64 = true }
        if header.zip64Unresolved {
            record(
                .malformedHeader, entryIndex: index, offset: header.offset,
                detail: "central header has a 0xFFFFFFFF size or offset without a ZIP64 extra field")
        }
        if !header.extra.isWellFormed {
            record(
                .malformedHeader, entryIndex: index, offset: header.extra.offset,
                detail: "central header extra field records overrun their block")
        }
        let described = describe(
            name: header.name, flags: header.flags, method: header.method, extra: header.extra, index: index)
        var entry = ZIPEntry(
            index: index, name: described.name, rawName: described.rawName, method: described.method,
            flags: header.flags, crc32: header.crc32, compressedSize: header.compressedSize,
            uncompressedSize: header.uncompressedSize, localHeaderOffset: header.localHeaderOffset, dataOffset: nil,
            encryption: described.encryption,
            isDirectory: described.isDirectory || header.externalAttributes & 0x10 != 0,
            modified: DOSDateTime(date: header.date, time: header.time),
            comment: NameDecoding.decode(
                header.extra.unicodeText(ExtraFields.unicodeComment, original: header.comment) ?? header.comment,
                declaredUTF8: header.flags & ZIPFlags.utf8 != 0
                    || header.extra.field(ExtraFields.unicodeComment) != nil),
            isHiddenLocalEntry: false, versionMadeBy: header.versionMadeBy,
            externalAttributes: header.externalAttributes)

        let (position, overflow) = Int(exactly: header.localHeaderOffset).map { $0.addingReportingOverflow(shift) }
            ?? (-1, true)
        if overflow || position < 0 || position > size {
            record(
                .malformedHeader, entryIndex: index, offset: header.offset,
                detail: "local header offset \(header.localHeaderOffset) is outside the input")
            entries.append(entry)
            return
        }
        entry.localHeaderOffset = UInt64(position)
        do {
            let local = try LocalHeader(in: input, at: position)
            entry.dataOffset = local.dataOffset
            if local.hasZIP64Field { isZIP64 = true }
            compare(local: local, central: header, entry: entry)
            let dataEnd = checkDataRange(of: entry)
            if entry.hasDataDescriptor, let dataEnd {
                let readings = DataDescriptor.candidates(in: input, at: dataEnd, dataLength: entry.compressedSize)
                if let first = readings.first {
                    let descriptor = readings.first {
                        $0.crc32 == entry.crc32 && $0.uncompressedSize == entry.uncompressedSize
                    } ?? first
                    compare(descriptor: descriptor, entry: entry)
                    covered.append(position..<(dataEnd + descriptor.length))
                } else {
                    covered.append(position..<dataEnd)
                }
            } else if let dataEnd {
                covered.append(position..<dataEnd)
            } else {
                covered.append(position..<size)
            }
        } catch {
            let reason = position + LocalHeader.fixedSize > size ? "runs past the end" : "is not a local header"
            record(
                position + LocalHeader.fixedSize > size ? .truncated : .malformedHeader, entryIndex: index,
                offset: position, detail: "the local header the central directory points to \(reason)")
        }
        entries.append(entry)
    }

    /// The end of the entry's data, or nil (and a "truncated" anomaly) when it runs past the input.
    mutating func checkDataRange(of entry: ZIPEntry) -> Int? {
        guard let start = entry.dataOffset else { return nil }
        guard let length = Int(exactly: entry.compressedSize), length <= size - start else {
            record(
                .truncated, entryIndex: entry.index, offset: start,
                detail: "\(entry.compressedSize) bytes of data declared, \(size - start) bytes left in the input")
            return nil
        }
        return start + length
    }

    struct Described {
        var name: String
        var rawName: [UInt8]
        var method: UInt16
        var encryption: ZIPEncryption
        var isDirectory: Bool
    }

    /// Name, actual method, encryption: the parts of an entry that headers of both kinds describe the same way.
    mutating func describe(
        name: ArraySlice<UInt8>, flags: UInt16, method: UInt16, extra: ExtraFields, index: Int
    ) -> Described {
        var raw = name
        if !limits.maxNameBytes.allows(name.count) {
            record(
                .limitExceeded, entryIndex: index,
                detail: "\(limits.maxNameBytes.name): name of \(name.count) bytes cut to \(limits.maxNameBytes.maximum)")
            raw = name.prefix(max(0, limits.maxNameBytes.maximum))
        }
        let decoded: String
        if let unicode = extra.unicodeText(ExtraFields.unicodePath, original: name) {
            decoded = NameDecoding.decode(unicode.prefix(max(0, limits.maxNameBytes.maximum)), declaredUTF8: true)
        } else {
            decoded = NameDecoding.decode(raw, declaredUTF8: flags & ZIPFlags.utf8 != 0)
        }
        var actualMethod = method
        let encryption: ZIPEncryption
        if method == ZIPMethod.winZipAES, let aes = extra.winZipAES {
            actualMethod = aes.method
            encryption = .winZipAES(bits: aes.bits, vendorVersion: aes.vendorVersion, actualMethod: aes.method)
        } else if flags & ZIPFlags.encrypted != 0 {
            encryption = flags & ZIPFlags.strongEncryption != 0 ? .strongEncryption : .zipCrypto
        } else {
            encryption = .none
        }
        if method == ZIPMethod.winZipAES && extra.winZipAES == nil {
            record(
                .malformedHeader, entryIndex: index,
                detail: "method 99 (WinZip AES) without a valid 0x9901 extra field")
        }
        let isDirectory = raw.last == UInt8(ascii: "/") || raw.last == UInt8(ascii: "\\")
        return Described(
            name: decoded, rawName: Array(raw), method: actualMethod, encryption: encryption, isDirectory: isDirectory)
    }

    // MARK: - Consistency

    mutating func compare(local: LocalHeader, central: CentralHeader, entry: ZIPEntry) {
        var differences: [String] = []
        if local.name != central.name {
            if entry.isEncrypted || central.flags & ZIPFlags.maskedLocalHeader != 0 {
                record(
                    .encryptedNameMismatch, entryIndex: entry.index, offset: local.offset,
                    detail: "encrypted entry named \"\(entry.name)\" in the central directory but \""
                        + NameDecoding.decode(local.name, declaredUTF8: local.flags & ZIPFlags.utf8 != 0)
                        + "\" in its local header")
            } else {
                differences.append(
                    "name \"\(NameDecoding.decode(local.name, declaredUTF8: local.flags & ZIPFlags.utf8 != 0))\"")
            }
        }
        if local.method != central.method { differences.append("method \(local.method) vs \(central.method)") }
        if local.flags != central.flags {
            differences.append("flags 0x\(hex(local.flags)) vs 0x\(hex(central.flags))")
        }
        // With a data descriptor the local values are placeholders (zero, or Info-ZIP's time-based check value
        // when streaming an encrypted entry); the descriptor itself is compared instead.
        if local.flags & ZIPFlags.dataDescriptor == 0 {
            if local.crc32 != central.crc32 {
                differences.append("crc 0x\(hex(local.crc32)) vs 0x\(hex(central.crc32))")
            }
            if local.compressedSize != central.compressedSize {
                differences.append("compressed size \(local.compressedSize) vs \(central.compressedSize)")
            }
            if local.uncompressedSize != central.uncompressedSize {
                differences.append("uncompressed size \(local.uncompressedSize) vs \(central.uncompressedSize)")
            }
        }
        if !differences.isEmpty {
            record(
                .localCentralMismatch, entryIndex: entry.index, offset: local.offset,
                detail: "local header differs from the central directory: " + differences.joined(separator: ", "))
        }
    }

    mutating func compare(descriptor: DataDescriptor, entry: ZIPEntry) {
        var differences: [String] = []
        if descriptor.crc32 != entry.crc32 { differences.append("crc 0x\(hex(descriptor.crc32)) vs 0x\(hex(entry.crc32))") }
        if descriptor.uncompressedSize != entry.uncompressedSize {
            differences.append("uncompressed size \(descriptor.uncompressedSize) vs \(entry.uncompressedSize)")
        }
        if !differences.isEmpty {
            record(
                .localCentralMismatch, entryIndex: entry.index, offset: descriptor.offset,
                detail: "data descriptor differs from the central directory: " + differences.joined(separator: ", "))
        }
    }

    // MARK: - Local header scan

    /// Adds the local headers that no entry accounts for: hidden entries, or all entries when `hidden` is false.
    mutating func findHiddenLocalEntries(hidden: Bool) {
        let known = Set(entries.map { $0.localHeaderOffset })
        let ranges = Self.merged(covered)
        var scannedUntil = 0  // end of the last entry found by this scan
        for p in scan.localHeaders {
            if p < scannedUntil || known.contains(UInt64(p)) { continue }
            if Self.contains(ranges, p) { continue }
            guard let local = try? LocalHeader(in: input, at: p), isPlausible(local) else { continue }
            guard entries.count < limits.maxEntries.maximum else {
                record(
                    .limitExceeded, offset: p,
                    detail: "\(limits.maxEntries.name): more than \(limits.maxEntries.maximum) entries; the rest were not read")
                break
            }
            let entry = addLocalEntry(local, hidden: hidden)
            if hidden {
                record(
                    .entryNotInCentralDirectory, entryIndex: entry.index, offset: p,
                    detail: "local header for \"\(entry.name)\" that the central directory does not list")
            }
            let dataEnd = entry.dataOffset.map { $0 + min(Int(clamping: entry.compressedSize), size) } ?? p
            scannedUntil = max(p + 1, dataEnd)
        }
    }

    /// Whether a "PK\x03\x04" looks like a real header rather than bytes that happen to match.
    func isPlausible(_ local: LocalHeader) -> Bool {
        !local.name.isEmpty && local.versionNeeded & 0xFF <= 100 && local.extra.isWellFormed
    }

    mutating func addLocalEntry(_ local: LocalHeader, hidden: Bool) -> ZIPEntry {
        let index = entries.count
        if local.hasZIP64Field { isZIP64 = true }
        let described = describe(
            name: local.name, flags: local.flags, method: local.method, extra: local.extra, index: index)
        var entry = ZIPEntry(
            index: index, name: described.name, rawName: described.rawName, method: described.method,
            flags: local.flags, crc32: local.crc32, compressedSize: local.compressedSize,
            uncompressedSize: local.uncompressedSize, localHeaderOffset: UInt64(local.offset),
            dataOffset: local.dataOffset, encryption: described.encryption, isDirectory: described.isDirectory,
            modified: DOSDateTime(date: local.date, time: local.time), comment: "", isHiddenLocalEntry: hidden,
            versionMadeBy: 0, externalAttributes: 0)
        if local.flags & ZIPFlags.dataDescriptor != 0 && local.compressedSize == 0 {
            // Sizes follow the data: the descriptor is the one whose compressed size matches its distance.
            // Only descriptor signatures are passed over, so the scans of all entries together stay linear.
            var found: DataDescriptor?
            var end = size
            search: for b in scan.boundaries(from: local.dataOffset) {
                if signature(at: b) == Signature.dataDescriptor {
                    if let d = DataDescriptor.find(
                        in: input, at: b, dataLength: UInt64(b - local.dataOffset), zip64: local.hasZIP64Field)
                    {
                        found = d
                        break search
                    }
                    continue
                }
                // The next record: a descriptor without signature may end right before it.
                for width in [12, 20] where b - width >= local.dataOffset {
                    let at = b - width
                    let readings = DataDescriptor.candidates(
                        in: input, at: at, dataLength: UInt64(at - local.dataOffset))
                    if let d = readings.first(where: { $0.length == width }) {
                        found = d
                        break search
                    }
                }
                end = b
                break
            }
            if let found {
                entry.crc32 = found.crc32
                entry.compressedSize = found.compressedSize
                entry.uncompressedSize = found.uncompressedSize
            } else {
                entry.compressedSize = UInt64(max(0, end - local.dataOffset))
                record(
                    .truncated, entryIndex: index, offset: local.offset,
                    detail: "no data descriptor found; data taken up to the next record (\(entry.compressedSize) bytes)")
            }
        } else {
            _ = checkDataRange(of: entry)
        }
        entries.append(entry)
        return entry
    }

    /// End records other than the one used, outside any entry's data (a nested stored ZIP has its own).
    mutating func reportOtherEndRecords(chosen: Int) {
        let ranges = Self.merged(covered)
        for p in scan.endRecords where p != chosen {
            if Self.contains(ranges, p) { continue }
            record(.multipleEndRecords, offset: p, detail: "another end of central directory record")
        }
    }

    // MARK: - Per-entry checks

    mutating func checkEntries() {
        var names: [String: Int] = [:]
        for entry in entries {
            if let first = names[entry.name] {
                record(
                    .duplicateName, entryIndex: entry.index,
                    detail: "\"\(entry.name)\" also names entry \(first)")
            } else {
                names[entry.name] = entry.index
            }
            if let reason = Self.traversal(in: entry.name) {
                record(.pathTraversal, entryIndex: entry.index, detail: "\"\(entry.name)\": \(reason)")
            }
            if entry.encryption == .strongEncryption {
                // Named by the encryption, not the method.
            } else if !ZIPMethod.isSupported(entry.method) {
                record(
                    .unsupportedMethod, entryIndex: entry.index,
                    detail: "method \(entry.method) (\(entry.methodName)) cannot be extracted")
            }
            if let reason = Self.suspiciousRatio(entry) {
                record(.suspiciousCompressionRatio, entryIndex: entry.index, detail: reason)
            }
        }
        checkOverlaps()
        let first = entries.filter { $0.dataOffset != nil }.map { $0.localHeaderOffset }.min()
        if let first, first > 0 {
            record(.dataBeforeArchive, offset: 0, detail: "\(first) bytes before the first local header")
        }
    }

    /// Entries whose local header and data overlap another's: what the non-recursive zip bomb relies on.
    mutating func checkOverlaps() {
        var spans: [(range: Range<Int>, index: Int)] = []
        for entry in entries {
            guard let data = entry.dataOffset, let start = Int(exactly: entry.localHeaderOffset) else { continue }
            let end = min(size, data + min(Int(clamping: entry.compressedSize), size))
            spans.append((start..<max(end, start + 1), entry.index))
        }
        spans.sort { $0.range.lowerBound < $1.range.lowerBound }
        var reach = -1
        var owner = -1
        for span in spans {
            if span.range.lowerBound < reach {
                record(
                    .overlappingEntries, entryIndex: span.index, offset: span.range.lowerBound,
                    detail: "entry \(span.index) (bytes \(span.range.lowerBound)..<\(span.range.upperBound)) overlaps"
                        + " entry \(owner) (ending at \(reach))")
            }
            if span.range.upperBound > reach {
                reach = span.range.upperBound
                owner = span.index
            }
        }
    }

    /// Why `name` would escape an extraction folder, or nil.
    static func traversal(in name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        if name.hasPrefix("/") { return "absolute path" }
        if scalars.count >= 2, scalars[1] == ":", scalars[0].isASCII, scalars[0].properties.isAlphabetic {
            return "drive letter"
        }
        if name.contains("\\") { return "backslash separator" }
        if name.split(separator: "/", omittingEmptySubsequences: false).contains("..") { return "\"..\" component" }
        return nil
    }

    /// A reason when the declared sizes look like a bomb or a padded document.
    static func suspiciousRatio(_ entry: ZIPEntry) -> String? {
        guard entry.uncompressedSize >= 16 << 20 else { return nil }
        // Integer division: a declared size near 2^64 over 1 byte must not trap a Double-to-Int conversion.
        let ratio = entry.uncompressedSize / max(1, entry.compressedSize)
        guard ratio >= 100 else { return nil }
        return "declares \(entry.uncompressedSize) bytes from \(entry.compressedSize) (ratio \(ratio):1)"
    }

    // MARK: - Helpers

    /// Records an anomaly, unless ``ZIPLimits/maxAnomalies`` of its code were recorded already (then one
    /// "too-many-anomalies" says so). The cap is per code so that a flood of one kind (thousands of duplicate
    /// names) cannot hide another (the overlapping entries of the same bomb).
    mutating func record(
        _ code: ZIPAnomaly.Code, entryIndex: Int? = nil, offset: Int? = nil, detail: String
    ) {
        let count = anomalyCounts[code, default: 0]
        anomalyCounts[code] = count + 1
        guard count < limits.maxAnomalies.maximum else {
            if count == limits.maxAnomalies.maximum {
                anomalies.append(
                    ZIPAnomaly(
                        .tooManyAnomalies,
                        detail: "\(limits.maxAnomalies.name): more than \(limits.maxAnomalies.maximum) \(code) anomalies;"
                            + " the rest were dropped"))
            }
            return
        }
        anomalies.append(ZIPAnomaly(code, entryIndex: entryIndex, offset: offset, detail: detail))
    }

    /// Whether `p` lies in one of `ranges` (sorted and disjoint, as ``merged(_:)`` makes them).
    static func contains(_ ranges: [Range<Int>], _ p: Int) -> Bool {
        var lo = 0
        var hi = ranges.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if ranges[mid].upperBound <= p { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(p)
    }

    /// Sorted, disjoint ranges covering the same bytes as `ranges`.
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !r.isEmpty {
            if let last = out.last, r.lowerBound <= last.upperBound {
                out[out.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }
}

func hex<T: FixedWidthInteger>(_ v: T) -> String { String(v, radix: 16, uppercase: true) }
