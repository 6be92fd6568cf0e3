import ByteCursor
import Charsets

/// A file embedded by the Windows Packager: the OLE 1.0 native data of a "Package" object.
///
/// It is the content of the `\u{1}Ole10Native` stream in a document's `ObjectPool/_NNN` storage (or of an OLE 2
/// object's root), and the native data of an OLE 1.0 `Package` object in RTF's `\objdata` (without the leading
/// total size, see ``init(parsingPackage:)``). Emotet-era lures used it to carry executables, scripts and LNK files
/// behind a harmless icon.
///
/// ```
///  total size (4, stream form only)  flags (2: 0x0002)
///  label (ANSI, NUL-terminated)  source path (ANSI, NUL-terminated)
///  reserved (2)  kind (2: 3 embedded file, 1 link)
///  embedded: temp path length (4)  temp path (ANSI, NUL-terminated)  payload size (4)  payload
///            then, optionally: temp path, label, source path as (length in UTF-16 units (4), UTF-16LE)
///  link:     (2)  linked path (ANSI, NUL-terminated)
/// ```
/// Parsing tolerates the variants seen in the wild (oletools' oleobj handles the same): a total size that does
/// not match, a temp path length that does not fit (the NUL-terminated string is used), a missing payload size
/// (a link), a payload cut short (``isTruncated``), and the Unicode strings being absent.
public struct OLE10Native: Sendable {
    /// The total size field of the stream form; `nil` for the package form.
    public var totalSize: UInt32?
    /// The first 16-bit field (2 in every sample).
    public var flags: UInt16
    /// The displayed name, usually the file name ("calc.exe"), decoded as Windows-1252.
    public var label: String
    /// The path the file was embedded from.
    public var sourcePath: String
    /// The temporary path the Packager extracts to when the object is opened.
    public var tempPath: String
    /// 3 for an embedded file, 1 for a link (the high half of the 32-bit field after the source path).
    public var kind: UInt16
    /// Whether this is a link to a file rather than an embedded copy (no payload).
    public var isLink: Bool
    /// For a link, the linked path.
    public var linkPath: String?
    /// The payload size field.
    public var declaredPayloadSize: UInt32
    /// The embedded file, as far as the input holds it (a slice of the input, not a copy).
    public var payload: ArraySlice<UInt8>
    /// Whether the payload is shorter than its size field.
    public var isTruncated: Bool
    /// The Unicode temp path, label and source path that newer Packagers append, when present.
    public var unicodeTempPath: String?
    public var unicodeLabel: String?
    public var unicodeSourcePath: String?
    /// The raw ANSI label (its code page is the author's, unknown here).
    public var labelBytes: [UInt8]

    /// The longest NUL-terminated string read (oleobj uses the same bound).
    static let maxStringBytes = 1024

    /// Parses the stream form: a 32-bit total size, then the native data.
    ///
    /// - Throws: ``CFBError`` `.badOLEObject` when the label or source path is not there.
    public init(parsing bytes: ArraySlice<UInt8>) throws {
        var c = ByteCursor(bytes)
        let total = try Self.field { try c.readUInt32LE() }
        try self.init(cursor: &c, totalSize: total)
    }

    /// Parses the stream form.
    public init(parsing bytes: [UInt8]) throws {
        try self.init(parsing: bytes[...])
    }

    /// Parses the package form, as the native data of an OLE 1.0 `Package` object: no total size.
    public init(parsingPackage bytes: ArraySlice<UInt8>) throws {
        var c = ByteCursor(bytes)
        try self.init(cursor: &c, totalSize: nil)
    }

    private init(cursor c: inout ByteCursor, totalSize: UInt32?) throws {
        self.totalSize = totalSize
        flags = try Self.field { try c.readUInt16LE() }
        let labelRaw = try Self.cString(&c, what: "label")
        labelBytes = Array(labelRaw)
        label = Self.ansi(labelRaw)
        sourcePath = Self.ansi(try Self.cString(&c, what: "source path"))
        tempPath = ""
        linkPath = nil
        declaredPayloadSize = 0
        payload = c.remainingBytes.prefix(0)
        isTruncated = false
        unicodeTempPath = nil
        unicodeLabel = nil
        unicodeSourcePath = nil
        guard let marker = try? c.readUInt32LE() else {
            // Nothing after the paths: a link without its details.
            kind = 0
            isLink = true
            return
        }
        kind = UInt16(truncatingIfNeeded: marker >> 16)
        if kind == 1 {
            isLink = true
            var probe = c
            if (try? probe.readUInt16LE()) != nil, let path = try? Self.cString(&probe, what: "link path") {
                linkPath = Self.ansi(path)
                c = probe
            }
            return
        }
        // The temp path: length-prefixed and NUL-terminated; when the length does not fit, the string alone.
        var probe = c
        if let length = try? probe.readUInt32LE(), let n = Int(exactly: length), n > 0, n <= Self.maxStringBytes,
            let raw = try? probe.readBytes(n), raw.last == 0
        {
            tempPath = Self.ansi(raw.prefix(while: { $0 != 0 }))
            c = probe
        } else {
            _ = try? c.readUInt32LE()
            tempPath = (try? Self.cString(&c, what: "temp path")).map { Self.ansi($0) } ?? ""
        }
        guard let size = try? c.readUInt32LE() else {
            // No payload size: oleobj treats this as a link too.
            isLink = true
            return
        }
        isLink = false
        declaredPayloadSize = size
        let available = c.remaining
        let wanted = Int(exactly: size) ?? Int.max
        payload = (try? c.readBytes(min(wanted, available))) ?? c.remainingBytes.prefix(0)
        isTruncated = wanted > available
        unicodeTempPath = Self.unicodeString(&c)
        unicodeLabel = unicodeTempPath == nil ? nil : Self.unicodeString(&c)
        unicodeSourcePath = unicodeLabel == nil ? nil : Self.unicodeString(&c)
    }

    /// The label to show: the Unicode one when present (the ANSI one is often "???" for non-Latin names).
    public var displayLabel: String { unicodeLabel ?? label }

    /// A header field that must be there; its absence is a malformed object, not a truncated cursor.
    static func field<T>(_ read: () throws -> T) throws -> T {
        do { return try read() } catch { throw CFBError(.badOLEObject, "OLE native data is too short") }
    }

    /// A NUL-terminated string of at most ``maxStringBytes`` bytes, without its NUL.
    static func cString(_ c: inout ByteCursor, what: String) throws -> ArraySlice<UInt8> {
        let window = c.peek(upTo: maxStringBytes + 1)
        guard let end = window.firstIndex(of: 0) else {
            throw CFBError(.badOLEObject, "no NUL-terminated \(what) within \(maxStringBytes) bytes", offset: c.offset)
        }
        let s = try c.readBytes(end - window.startIndex)
        _ = try c.readUInt8()
        return s
    }

    /// A Unicode string: a length in UTF-16 units, then that many units; nil (and nothing consumed) when absent.
    static func unicodeString(_ c: inout ByteCursor) -> String? {
        var probe = c
        guard let count = try? probe.readUInt32LE(), let n = Int(exactly: count), n <= maxStringBytes,
            let raw = try? probe.readBytes(n * 2)
        else { return nil }
        c = probe
        return Charsets.decode(raw, as: .utf16LE).text
    }

    static func ansi(_ bytes: ArraySlice<UInt8>) -> String {
        Charsets.decode(bytes, as: .windows(1252)).text
    }
}

/// An OLE 1.0 object (MS-OLEDS 2.2): how RTF's `\objdata` and old Write/Word files carry embedded objects.
///
/// ```
///  OLE version (4)  format id (4: 1 linked, 2 embedded, 5 presentation)
///  class name, topic name, item name: each (length with NUL (4), ANSI with NUL)
///  embedded: native data size (4)  native data (for class "Package": ``OLE10Native`` without its total size)
///  linked:   network name (length-prefixed)  reserved (4)  link update option (4)
///  then presentation data, kept as ``trailing``
/// ```
public struct OLE1Object: Sendable {
    /// The format id for a linked object.
    public static let linked: UInt32 = 1
    /// The format id for an embedded object.
    public static let embedded: UInt32 = 2

    public var oleVersion: UInt32
    public var formatID: UInt32
    /// The object's class ("Package", "Equation.3", "Word.Document.8", ...).
    public var className: String
    public var topicName: String
    public var itemName: String
    /// For a linked object, the network name.
    public var networkName: String?
    /// The native data size field (embedded objects).
    public var declaredNativeSize: UInt32
    /// The native data, as far as the input holds it: for most classes a compound file, for "Package" the
    /// Packager's native data.
    public var nativeData: ArraySlice<UInt8>
    /// Whether the native data is shorter than its size field.
    public var isTruncated: Bool
    /// What follows the object (a presentation object, or junk).
    public var trailing: ArraySlice<UInt8>

    /// Parses an OLE 1.0 object.
    ///
    /// - Throws: ``CFBError`` `.badOLEObject` when the header or a name does not fit, or the format id is
    ///   neither linked nor embedded.
    public init(parsing bytes: ArraySlice<UInt8>) throws {
        var c = ByteCursor(bytes)
        oleVersion = try OLE10Native.field { try c.readUInt32LE() }
        formatID = try OLE10Native.field { try c.readUInt32LE() }
        guard formatID == Self.linked || formatID == Self.embedded else {
            throw CFBError(.badOLEObject, "OLE 1.0 format id \(formatID) is neither linked nor embedded", offset: 4)
        }
        className = try Self.lengthPrefixed(&c, what: "class name")
        topicName = try Self.lengthPrefixed(&c, what: "topic name")
        itemName = try Self.lengthPrefixed(&c, what: "item name")
        networkName = nil
        declaredNativeSize = 0
        nativeData = c.remainingBytes.prefix(0)
        isTruncated = false
        if formatID == Self.embedded {
            declaredNativeSize = try OLE10Native.field { try c.readUInt32LE() }
            let wanted = Int(exactly: declaredNativeSize) ?? Int.max
            let available = c.remaining
            nativeData = try c.readBytes(min(wanted, available))
            isTruncated = wanted > available
        } else {
            networkName = try? Self.lengthPrefixed(&c, what: "network name")
            _ = try? c.readUInt32LE()
            _ = try? c.readUInt32LE()
        }
        trailing = c.readRest()
    }

    /// Parses an OLE 1.0 object.
    public init(parsing bytes: [UInt8]) throws {
        try self.init(parsing: bytes[...])
    }

    /// The Packager's content when the class is "Package".
    public var package: OLE10Native? {
        guard className.lowercased() == "package" else { return nil }
        return try? OLE10Native(parsingPackage: nativeData)
    }

    /// Whether the native data is a compound file (most OLE 2 servers store one).
    public var nativeDataIsCompoundFile: Bool { CompoundFile.hasSignature(nativeData) }

    /// A length-prefixed ANSI string: the length counts the NUL; 0 is the empty string.
    static func lengthPrefixed(_ c: inout ByteCursor, what: String) throws -> String {
        let length = try OLE10Native.field { try c.readUInt32LE() }
        guard length > 0 else { return "" }
        guard let n = Int(exactly: length), n <= c.remaining else {
            throw CFBError(.badOLEObject, "\(what) of \(length) bytes does not fit", offset: c.offset)
        }
        let raw = try c.readBytes(n)
        return OLE10Native.ansi(raw.prefix(while: { $0 != 0 }))
    }
}

/// An embedded file found in a compound file: a `\u{1}Ole10Native` stream and what it holds.
public struct CFBEmbeddedObject: Sendable {
    /// The `\u{1}Ole10Native` stream.
    public var entry: CFBEntry
    /// Its parsed content.
    public var native: OLE10Native
    /// Whether the stream itself was cut (broken chain, or ``CFBLimits/maxStreamBytes``).
    public var streamTruncated: Bool
}

extension CompoundFile {
    /// Every `\u{1}Ole10Native` stream that parses, in tree walk order.
    ///
    /// Streams that start where an earlier one started (overlapping chains, already reported as anomalies) are
    /// skipped, and the streams read add up to at most the input's size or ``CFBLimits/maxStreamBytes``, whichever
    /// is larger: thousands of entries sharing one chain cannot multiply memory.
    public func embeddedObjects() -> [CFBEmbeddedObject] {
        var budget = max(input.totalCount, limits.maxStreamBytes.maximum)
        var seen = Set<[UInt32]>()
        var out: [CFBEmbeddedObject] = []
        for entry in entries where entry.isStream && entry.name == "\u{1}Ole10Native" {
            guard seen.insert([entry.startSector, entry.isInMiniStream ? 1 : 0]).inserted else { continue }
            guard UInt64(budget) >= min(entry.size, UInt64(limits.maxStreamBytes.maximum)) else { break }
            guard let s = try? stream(entry) else { continue }
            budget -= s.bytes.count
            guard let native = try? OLE10Native(parsing: s.bytes) else { continue }
            out.append(CFBEmbeddedObject(entry: entry, native: native, streamTruncated: s.truncated))
        }
        return out
    }
}
