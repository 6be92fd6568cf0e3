import ByteCursor
import Charsets

// MARK: - Checked arithmetic

/// `a + b`, throwing instead of trapping on overflow.
@inline(__always) func add(_ a: Int, _ b: Int) throws -> Int {
    let (r, o) = a.addingReportingOverflow(b)
    if o { throw DiskImageError(.malformed, "offset overflows") }
    return r
}

/// `a * b`, throwing instead of trapping on overflow.
@inline(__always) func multiply(_ a: Int, _ b: Int) throws -> Int {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    if o { throw DiskImageError(.malformed, "offset overflows") }
    return r
}

/// An unsigned field as `Int`, throwing when it cannot index memory.
@inline(__always) func int<T: BinaryInteger>(_ value: T) throws -> Int {
    guard let n = Int(exactly: value) else { throw DiskImageError(.malformed, "value \(value) is out of range") }
    return n
}

// MARK: - Fixed-layout records

/// A bounds-checked window over `count` bytes at absolute offset `base` of the input, read by field offset.
///
/// Descriptors and directory records have fixed layouts; a `Record` reads a field at an offset from its start
/// through a ``ByteCursor``, so every read is checked against the window (and the window against the input).
struct Record {
    let cursor: ByteCursor
    /// Absolute offset of the first byte.
    let base: Int
    let count: Int

    init(_ image: ByteCursor, at base: Int, count: Int) throws {
        self.cursor = try image.cursor(at: base, count: count)
        self.base = base
        self.count = count
    }

    private func at(_ offset: Int) throws -> ByteCursor {
        var c = cursor
        try c.seek(to: try add(base, offset))
        return c
    }

    func u8(_ offset: Int) throws -> UInt8 { var c = try at(offset); return try c.readUInt8() }
    func u16(_ offset: Int) throws -> UInt16 { var c = try at(offset); return try c.readUInt16LE() }
    func u32(_ offset: Int) throws -> UInt32 { var c = try at(offset); return try c.readUInt32LE() }
    func u64(_ offset: Int) throws -> UInt64 { var c = try at(offset); return try c.readUInt64LE() }
    func u16be(_ offset: Int) throws -> UInt16 { var c = try at(offset); return try c.readUInt16BE() }
    func u32be(_ offset: Int) throws -> UInt32 { var c = try at(offset); return try c.readUInt32BE() }
    func u64be(_ offset: Int) throws -> UInt64 {
        var c = try at(offset)
        let high = try c.readUInt32BE()
        return UInt64(high) << 32 | UInt64(try c.readUInt32BE())
    }
    /// `count` bytes at `offset`, without copying.
    func bytes(_ offset: Int, _ count: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, count >= 0, offset <= self.count, count <= self.count - offset else {
            throw CursorError.outOfRange(offset: base &+ offset, size: self.count)
        }
        var c = try at(offset)
        return try c.readBytes(count)
    }
}

// MARK: - Anomalies

/// Anomalies with a per-code cap: past ``DiskImageLimits/maxAnomalies`` one `tooManyAnomalies` says the rest
/// were dropped.
struct AnomalyLog {
    let limit: Limit
    private(set) var list: [DiskImageAnomaly] = []
    private var counts: [DiskImageAnomaly.Code: Int] = [:]

    init(limit: Limit) { self.limit = limit }

    mutating func add(_ code: DiskImageAnomaly.Code, path: String? = nil, offset: Int? = nil, _ detail: String) {
        let n = counts[code, default: 0] + 1
        counts[code] = n
        if limit.allows(n) {
            list.append(DiskImageAnomaly(code, path: path, offset: offset, detail: detail))
        } else if n == limit.maximum + 1 {
            list.append(
                DiskImageAnomaly(
                    .tooManyAnomalies, path: nil, offset: nil,
                    detail: "\(limit.name): more than \(limit.maximum) \(code) anomalies; the rest were dropped"))
        }
    }

    func contains(_ code: DiskImageAnomaly.Code) -> Bool { counts[code, default: 0] > 0 }
}

// MARK: - Layouts

/// A run of an entry's data: bytes of the input, or (for sparse extents) zeros.
struct Extent: Sendable, Hashable {
    /// Absolute offset in the input, or nil for zeros that are not recorded.
    var offset: Int?
    var length: Int
}

/// Where an entry's data is, as found while listing.
struct Layout: Sendable {
    var extents: [Extent]
    /// Why the data cannot be read, when it cannot.
    var unreadable: String?

    static let none = Layout(extents: [], unreadable: nil)
    static func unreadable(_ why: String) -> Layout { Layout(extents: [], unreadable: why) }
}

/// The entries, layouts and anomalies a listing collects, with the entry limit.
struct Listing {
    let limits: DiskImageLimits
    var entries: [ImageEntry] = []
    var layouts: [Layout] = []
    var anomalies: AnomalyLog
    private(set) var full = false

    init(limits: DiskImageLimits) {
        self.limits = limits
        self.anomalies = AnomalyLog(limit: limits.maxAnomalies)
    }

    /// Adds an entry; false (and one anomaly) once ``DiskImageLimits/maxEntries`` is reached.
    @discardableResult
    mutating func add(_ entry: ImageEntry, _ layout: Layout) -> Bool {
        guard limits.maxEntries.allows(entries.count + 1) else {
            if !full {
                full = true
                anomalies.add(
                    .limitExceeded, path: entry.path,
                    "\(limits.maxEntries.name): more than \(limits.maxEntries.maximum) entries; the rest are not listed")
            }
            return false
        }
        var e = entry
        e.index = entries.count
        entries.append(e)
        layouts.append(layout)
        return true
    }
}

// MARK: - Names

enum Names {
    /// Decodes a name of single bytes: UTF-8 when valid, otherwise Latin-1.
    static func bytes(_ raw: ArraySlice<UInt8>) -> String {
        let utf8 = Charsets.decode(raw, as: .utf8)
        return utf8.isValid ? utf8.text : Charsets.decode(raw, as: .iso8859(1)).text
    }

    /// Decodes UTF-16 code units (Joliet: big-endian, FAT long names: little-endian).
    static func utf16(_ raw: ArraySlice<UInt8>, bigEndian: Bool) -> String {
        Charsets.decode(raw.prefix(raw.count & ~1), as: bigEndian ? .utf16BE : .utf16LE).text
    }

    /// A name made safe to put in a path: separators and control characters become "_"; nil with a reason when
    /// the name needed that (or is empty, ".", "..").
    static func sanitize(_ name: String) -> (name: String, problem: String?) {
        if name.isEmpty { return ("_", "empty name") }
        if name == "." || name == ".." { return (name.replacingAll(".", "_"), "name \"\(name)\"") }
        var problem: String?
        var out = String.UnicodeScalarView()
        for s in name.unicodeScalars {
            if s == "/" || s == "\\" || s.value < 0x20 || s.value == 0x7F {
                problem = "name contains U+\(String(s.value, radix: 16, uppercase: true))"
                out.append("_")
            } else {
                out.append(s)
            }
        }
        return (String(out), problem)
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }

    /// The string without trailing spaces (and NULs).
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\0" { s = s.dropLast() }
        return String(s)
    }
}
