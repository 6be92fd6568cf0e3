import ByteCursor

/// A disk image (ISO 9660 with Joliet and Rock Ridge, UDF, FAT12/16/32, raw disks with an MBR or GPT, fixed VHD)
/// listed with one API.
///
/// Emotet and its peers ship ISO and IMG images holding a shortcut and a DLL, because files inside an image do
/// not inherit the Mark-of-the-Web. `DiskImage` lists every file (with the hidden flag Windows honours) and
/// reads any of them through a ``PaddingStripper``, so a 600 MB zero-padded DLL inside an image is read in
/// bounded memory with its padding reported.
///
/// ```
///  input ──> VHDX? (recognised) ──> VHD footer "conectix"? ──> disk
///  disk  ──> ISO 9660 / UDF descriptors at 32 KiB ──> views: UDF, Joliet, ISO 9660 (+Rock Ridge)
///        ──> FAT boot sector ──> FAT directory tree
///        ──> MBR / GPT partitions ──> each partition as above
/// ```
///
/// An ISO may carry several directory trees over the same data. Entries come from the primary one (UDF, then
/// Joliet, then ISO 9660, the order Windows prefers); a file that only another tree shows is listed too, with a
/// ``DiskImageAnomaly/Code-swift.struct/viewMismatch`` anomaly, since a polyglot image can show different files to
/// different readers.
public struct DiskImage: Sendable {
    /// The outermost format: `.iso9660` (also for UDF bridge discs), `.udf`, `.fat` (also a partitioned raw
    /// disk), `.vhd`, `.vhdx`.
    public var kind: ContainerKind
    /// The file systems whose trees were read, primary first (`[.udf, .iso9660]` for a bridge disc).
    public var fileSystems: [ContainerKind]
    public var entries: [ImageEntry]
    /// The primary view's volume label (UDF logical volume, Joliet or ISO volume identifier, FAT label).
    public var volumeLabel: String?
    public var anomalies: [DiskImageAnomaly]
    public let limits: DiskImageLimits

    let input: ArraySlice<UInt8>
    let layouts: [Layout]

    /// Lists the image in `bytes`.
    ///
    /// - Throws: ``DiskImageError`` `.notADiskImage` when no known structure is found.
    public init(parsing bytes: ArraySlice<UInt8>, limits: DiskImageLimits = .default) throws {
        self.limits = limits
        self.input = bytes
        let image = ByteCursor(bytes)
        var log = AnomalyLog(limit: limits.maxAnomalies)
        var kind = ContainerKind.unknown
        var disk = Volume(image: image, base: 0, length: bytes.count)

        if Self.hasPrefix(bytes, at: 0, "vhdxfile") {
            log.add(.unsupportedFeature, offset: 0, "VHDX: recognised, blocks not read")
            self.kind = .vhdx
            self.fileSystems = []
            self.entries = []
            self.volumeLabel = nil
            self.anomalies = log.list
            self.layouts = []
            return
        }
        if let footer = VHDFooter(image: image, count: bytes.count, anomalies: &log) {
            kind = .vhd
            guard footer.isFixed else {
                log.add(
                    .unsupportedFeature, offset: footer.offset,
                    "\(footer.typeName) VHD of \(footer.currentSize) bytes: recognised, blocks not read")
                self.kind = .vhd
                self.fileSystems = []
                self.entries = []
                self.volumeLabel = nil
                self.anomalies = log.list
                self.layouts = []
                return
            }
            disk = Volume(image: image, base: 0, length: footer.offset)
        }

        var views: [View] = []
        var systems: [ContainerKind] = []
        if let found = Self.readVolume(disk, limits: limits, anomalies: &log) {
            views = found.views
            systems = found.systems
            if kind == .unknown { kind = found.kind }
        } else if let partitions = PartitionTable(disk: disk, limits: limits, anomalies: &log) {
            for (number, partition) in partitions.volumes.enumerated() {
                guard let found = Self.readVolume(partition, limits: limits, anomalies: &log) else {
                    continue
                }
                if kind == .unknown { kind = found.kind }
                systems += found.systems.filter { !systems.contains($0) }
                for var v in found.views {
                    if partitions.volumes.count > 1 {
                        v.found = v.found.map { item in
                            var e = item.entry
                            e.path = "partition\(number + 1)/" + e.path
                            return (e, item.layout)
                        }
                    }
                    views.append(v)
                }
            }
            if systems.isEmpty {
                log.add(.unsupportedFeature, "partitioned disk with no FAT, ISO 9660 or UDF partition")
            }
        } else if kind == .unknown {
            throw DiskImageError(.notADiskImage, "no ISO 9660, UDF, FAT, partition table or VHD footer found")
        }

        var listing = Listing(limits: limits)
        listing.anomalies = log
        Self.merge(views, into: &listing)
        self.kind = kind
        self.fileSystems = systems
        self.entries = listing.entries
        self.layouts = listing.layouts
        self.volumeLabel = views.first?.label
        self.anomalies = listing.anomalies.list
    }

    /// Lists the image in `bytes`.
    public init(parsing bytes: [UInt8], limits: DiskImageLimits = .default) throws {
        try self.init(parsing: bytes[...], limits: limits)
    }

    static func hasPrefix(_ bytes: ArraySlice<UInt8>, at offset: Int, _ text: String) -> Bool {
        let want = Array(text.utf8)
        guard offset >= 0, offset <= bytes.count, want.count <= bytes.count - offset else { return false }
        let start = bytes.startIndex + offset
        return bytes[start..<(start + want.count)].elementsEqual(want)
    }

    /// Reads the file systems of one volume: ISO 9660 and UDF from the descriptors at 32 KiB, or FAT.
    static func readVolume(_ volume: Volume, limits: DiskImageLimits, anomalies: inout AnomalyLog)
        -> (kind: ContainerKind, systems: [ContainerKind], views: [View])?
    {
        if let descriptors = VolumeDescriptors(volume: volume, limits: limits, anomalies: &anomalies) {
            var views: [View] = []
            var systems: [ContainerKind] = []
            var declaredEnd = 0
            if descriptors.hasNSR {
                if let udf = UDFReader.open(volume: volume, limits: limits, anomalies: &anomalies) {
                    views.append(udf.walk(anomalies: &anomalies))
                    systems.append(.udf)
                    declaredEnd = max(declaredEnd, udf.declaredEnd)
                }
            }
            if let primary = descriptors.primary {
                let blockSize = ISO9660Reader.blockSize(primary, anomalies: &anomalies)
                let reader = ISO9660Reader(volume: volume, limits: limits, blockSize: blockSize)
                if let joliet = descriptors.joliet {
                    var v = reader.walk(descriptor: joliet, joliet: true, anomalies: &anomalies)
                    v.label = ISO9660Reader.label(joliet, joliet: true) ?? ISO9660Reader.label(primary, joliet: false)
                    views.append(v)
                }
                var v = reader.walk(descriptor: primary, joliet: false, anomalies: &anomalies)
                v.label = ISO9660Reader.label(primary, joliet: false)
                views.append(v)
                systems.append(.iso9660)
                if let size = ISO9660Reader.declaredSize(primary, blockSize: blockSize) {
                    declaredEnd = max(declaredEnd, size)
                }
            } else if descriptors.hasCD001 {
                anomalies.add(.malformedRecord, offset: volume.base + 32768, "ISO 9660 descriptors without a primary one")
            } else if !descriptors.hasNSR {
                anomalies.add(.malformedRecord, offset: volume.base + 32768, "UDF recognition sequence without NSR")
            }
            checkEnd(volume, declaredEnd: declaredEnd, what: "volume", anomalies: &anomalies)
            return (descriptors.hasCD001 ? .iso9660 : .udf, systems, views)
        }
        if FATReader.looksLikeFAT(volume) {
            do {
                var fat = try FATReader(volume: volume, limits: limits, anomalies: &anomalies)
                let view = fat.walk(anomalies: &anomalies)
                checkEnd(volume, declaredEnd: fat.declaredBytes, what: "FAT volume", anomalies: &anomalies)
                return (.fat, [.fat], [view])
            } catch {
                anomalies.add(.malformedRecord, offset: volume.base, "FAT boot sector unusable: \(error)")
                return (.fat, [], [])
            }
        }
        if Self.hasPrefix(volume.image.remainingBytes, at: volume.base + 3, "NTFS    ")
            || Self.hasPrefix(volume.image.remainingBytes, at: volume.base + 3, "EXFAT   ")
        {
            anomalies.add(.unsupportedFeature, offset: volume.base, "NTFS or exFAT volume: recognised, not read")
        }
        return nil
    }

    /// Reports a volume shorter than it declares, and non-zero bytes after its declared end.
    static func checkEnd(_ volume: Volume, declaredEnd: Int, what: String, anomalies: inout AnomalyLog) {
        guard declaredEnd > 0 else { return }
        if declaredEnd > volume.length {
            anomalies.add(
                .truncated, offset: volume.base, "\(what) declares \(declaredEnd) bytes, \(volume.length) present")
        } else if let tail = try? volume.slice(declaredEnd, volume.length - declaredEnd),
            let i = tail.firstIndex(where: { $0 != 0 })
        {
            anomalies.add(
                .dataAfterVolume, offset: volume.base + declaredEnd + (i - tail.startIndex),
                "\(tail.count) bytes after the \(what)'s declared end of \(declaredEnd) bytes")
        }
    }

    /// Lists the primary view, then what only the other views show.
    static func merge(_ views: [View], into listing: inout Listing) {
        guard let primary = views.first else { return }
        var data: [[Int]: String] = [:]
        var hiddenByData: [[Int]: Bool] = [:]
        var paths = Set<String>()
        for (entry, layout) in primary.found {
            if !entry.isDirectory, let o = entry.extentOffset {
                data[[o, Int(clamping: entry.size)]] = entry.path
                hiddenByData[[o, Int(clamping: entry.size)]] = entry.isHidden
            }
            paths.insert(entry.path.lowercased())
            if !listing.add(entry, layout) { return }
        }
        for view in views.dropFirst() {
            for (entry, layout) in view.found where !entry.isDirectory {
                if let o = entry.extentOffset, let shown = data[[o, Int(clamping: entry.size)]] {
                    if let hidden = hiddenByData[[o, Int(clamping: entry.size)]], hidden != entry.isHidden {
                        listing.anomalies.add(
                            .viewMismatch, path: shown,
                            "\(entry.isHidden ? "hidden" : "visible") in the \(view.source) tree, "
                                + "\(hidden ? "hidden" : "visible") in the \(primary.source) tree")
                    }
                    if view.longNames, primary.longNames, shown.lowercased() != entry.path.lowercased(),
                        !shown.lowercased().hasPrefix(entry.path.lowercased())
                    {
                        listing.anomalies.add(
                            .viewMismatch, path: entry.path,
                            "named \"\(shown)\" in the \(primary.source) tree, \"\(entry.path)\" in the \(view.source) tree")
                    }
                    continue
                }
                if entry.extentOffset == nil, paths.contains(entry.path.lowercased()) { continue }
                listing.anomalies.add(
                    .viewMismatch, path: entry.path,
                    "only the \(view.source) tree shows this file; the \(primary.source) tree does not")
                if let o = entry.extentOffset { data[[o, Int(clamping: entry.size)]] = entry.path }
                if !listing.add(entry, layout) { return }
            }
        }
    }

    /// The anomalies with `code`.
    public func anomalies(_ code: DiskImageAnomaly.Code) -> [DiskImageAnomaly] { anomalies.filter { $0.code == code } }

    /// The entry at `path`, if listed.
    public func entry(_ path: String) -> ImageEntry? { entries.first { $0.path == path } }
}

/// The result of reading one entry.
public struct ImageExtraction: Sendable {
    /// The content kept, the zero runs dropped (with offsets in the entry), the entry's size as read.
    public var output: StrippedOutput
    /// Whether the input ends before the entry's declared data does: the output is partial.
    public var inputTruncated: Bool
    /// Whether reading stopped at ``DiskImageLimits/maxReadBytesPerEntry``.
    public var stoppedAtLimit: Bool
}

extension DiskImage {
    static let zeros = [UInt8](repeating: 0, count: 1 << 16)

    /// Reads `entry` into a ``PaddingStripper`` that keeps at most `keepLimit` content bytes.
    ///
    /// Memory stays near `keepLimit` whatever the entry's size; zero runs of at least
    /// ``DiskImageLimits/minimumPaddingRun`` bytes are dropped and reported.
    ///
    /// - Throws: ``DiskImageError`` `.noSuchEntry` for an entry this image did not list, `.notReadable` for a
    ///   directory or a file whose data could not be located.
    public func extract(_ entry: ImageEntry, keepLimit: Int) throws -> ImageExtraction {
        guard entry.index >= 0, entry.index < entries.count, entries[entry.index] == entry else {
            throw DiskImageError(.noSuchEntry, "\(entry.path) is not an entry of this image")
        }
        guard !entry.isDirectory else { throw DiskImageError(.notReadable, "\(entry.path) is a directory") }
        let layout = layouts[entry.index]
        if let why = layout.unreadable { throw DiskImageError(.notReadable, "\(entry.path): \(why)") }
        var stripper = PaddingStripper(minimumRun: limits.minimumPaddingRun, keepLimit: max(0, keepLimit))
        let cap = max(0, limits.maxReadBytesPerEntry.maximum)
        let wanted = Int(exactly: entry.size) ?? Int.max
        var written = 0
        var stopped = false
        let image = ByteCursor(input)
        for extent in layout.extents {
            let n = min(extent.length, cap - written)
            if let o = extent.offset {
                stripper.write(try image.slice(at: o, count: n))
            } else {
                var left = n
                while left > 0 {
                    let k = min(left, Self.zeros.count)
                    stripper.write(Self.zeros[0..<k])
                    left -= k
                }
            }
            written += n
            if n < extent.length {
                stopped = true
                break
            }
        }
        return ImageExtraction(output: stripper.finish(), inputTruncated: !stopped && written < wanted, stoppedAtLimit: stopped)
    }

    /// Reads `entry`: its content without long zero runs (at most `keepLimit` bytes), whether anything was cut
    /// (by the keep limit, the end of the input or ``DiskImageLimits/maxReadBytesPerEntry``), and the zero runs
    /// dropped.
    public func read(_ entry: ImageEntry, keepLimit: Int) throws -> (bytes: [UInt8], truncated: Bool, padding: [ZeroRun])
    {
        let x = try extract(entry, keepLimit: keepLimit)
        return (x.output.bytes, x.output.truncated || x.inputTruncated || x.stoppedAtLimit, x.output.padding)
    }
}
