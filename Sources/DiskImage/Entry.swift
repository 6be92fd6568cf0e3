/// A file or directory listed from a disk image.
///
/// The same listing shape for every file system: `path` is relative to the volume's root with `/` between
/// components ("docs/readme.txt"), `source` names the directory tree it came from ("udf", "joliet", "iso9660",
/// "fat"). An ISO that carries both a Joliet and a plain ISO 9660 tree (and a UDF bridge) lists each file once,
/// from the primary view; a file that only a secondary view shows is listed too, with a
/// ``DiskImageAnomaly/Code-swift.struct/viewMismatch`` anomaly.
public struct ImageEntry: Sendable, Hashable {
    /// The entry's position in ``DiskImage/entries``; ``DiskImage/read(_:keepLimit:)`` finds its data with it.
    public var index: Int
    /// The path from the volume root, `/`-separated, without a leading `/`.
    public var path: String
    /// The size in bytes the directory declares (for a directory, the size of its directory data).
    public var size: UInt64
    public var isDirectory: Bool
    /// The ISO 9660 "existence" bit, the UDF hidden characteristic, or the FAT hidden attribute.
    public var isHidden: Bool
    /// The modification time as recorded, if the record has one.
    public var modified: ImageTimestamp?
    /// The byte offset of the entry's first extent in the input, if its data is in the input.
    public var extentOffset: Int?
    /// The directory tree it was read from: "udf", "joliet", "iso9660" or "fat".
    public var source: String

    public init(
        index: Int, path: String, size: UInt64, isDirectory: Bool, isHidden: Bool, modified: ImageTimestamp?,
        extentOffset: Int?, source: String
    ) {
        self.index = index
        self.path = path
        self.size = size
        self.isDirectory = isDirectory
        self.isHidden = isHidden
        self.modified = modified
        self.extentOffset = extentOffset
        self.source = source
    }

    /// The last path component.
    public var name: String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// A date and time as a file system records it; fields are as stored and may be out of range in hostile input.
///
/// ISO 9660 and UDF record a UTC offset; FAT records local time without a zone (``utcOffsetMinutes`` is nil).
public struct ImageTimestamp: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Minutes east of UTC, when the format records it.
    public var utcOffsetMinutes: Int?

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, utcOffsetMinutes: Int?) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// `YYYY-MM-DD hh:mm:ss` followed by `+hh:mm` when the offset is known.
    public var description: String {
        func two(_ v: Int) -> String { v >= 0 && v < 10 ? "0\(v)" : "\(v)" }
        var s = "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
        if let offset = utcOffsetMinutes {
            let sign = offset < 0 ? "-" : "+"
            let magnitude = offset.magnitude
            s += "\(sign)\(two(Int(magnitude / 60))):\(two(Int(magnitude % 60)))"
        }
        return s
    }
}

/// The kinds of disk images and archives the module recognises.
public enum ContainerKind: String, Sendable, Hashable, CaseIterable {
    case iso9660, udf, fat, vhd, vhdx, gzip, sevenZip, rar, cab, ace, xz, bzip2, tar, dmg, unknown
}
