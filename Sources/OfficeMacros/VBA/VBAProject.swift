import ByteCursor
import Charsets

/// One VBA project: the storage that holds a `VBA` storage with a `dir` stream, and the modules it lists.
///
/// ```
///  <storagePath>/              Macros (Word 97), _VBA_PROJECT_CUR (Excel 97), "" (vbaProject.bin) ...
///  ├── PROJECT                 text: ID=, Document=, Module=, Name=, CMG=, DPB=, GC= ...
///  ├── PROJECTwm               module names, MBCS and UTF-16
///  └── VBA/
///      ├── _VBA_PROJECT        header (0x61CC, version) + performance cache
///      ├── dir                 MS-OVBA compressed records (see ``VBADirectory``)
///      └── <module streams>    p-code (performance cache) | compressed source at MODULEOFFSET
/// ```
public struct VBAProject: Sendable, Hashable {
    /// The storage that contains `VBA` and `PROJECT`: `"Macros"`, `"_VBA_PROJECT_CUR"`, `""` for the root.
    public var storagePath: String
    /// PROJECTNAME, decoded with the project code page.
    public var name: String
    /// PROJECTCODEPAGE (1252 when the record is missing).
    public var codePage: Int
    /// The modules whose source could be read, in `dir` order.
    public var modules: [VBAModule]
    /// The `PROJECT` stream's `key=value` lines: top-level keys as they are (`"ID"`, `"Document"`, `"Module"`,
    /// `"Name"`, `"CMG"`, `"DPB"`, `"GC"`), keys inside a `[Section]` as `"Section/key"`; values in order.
    public var projectStream: [String: [String]]
    /// The `_VBA_PROJECT` stream header, when present and readable.
    public var vbaProjectStream: VBAProjectStreamHeader?
    /// The parsed `dir` stream.
    public var directory: VBADirectory
    /// Deviations that were tolerated while reading the project (dir stream, missing streams, partial sources).
    public var anomalies: [String]
    /// Structural findings: "VBA Stomping" (source and p-code disagree).
    public var indicators: [MacroIndicator]

    public init(
        storagePath: String,
        name: String,
        codePage: Int,
        modules: [VBAModule],
        projectStream: [String: [String]],
        vbaProjectStream: VBAProjectStreamHeader?,
        directory: VBADirectory,
        anomalies: [String],
        indicators: [MacroIndicator]
    ) {
        self.storagePath = storagePath
        self.name = name
        self.codePage = codePage
        self.modules = modules
        self.projectStream = projectStream
        self.vbaProjectStream = vbaProjectStream
        self.directory = directory
        self.anomalies = anomalies
        self.indicators = indicators
    }

    /// The `VBA` storage's path: `"Macros/VBA"`, or `"VBA"` for a project at the root.
    public var vbaStoragePath: String { storagePath.isEmpty ? "VBA" : storagePath + "/VBA" }
}

/// One module of a VBA project with its decompressed, decoded source.
public struct VBAModule: Sendable, Hashable {
    /// MODULETYPE.
    public enum ModuleType: String, Sendable, Hashable {
        /// A standard module (`.bas`), MODULETYPE 0x0021.
        case procedural
        /// A document, class or designer (form) module (`.cls`, `.frm`), MODULETYPE 0x0022.
        case documentClass
    }

    /// MODULENAME, decoded with the project code page (olevba's module name).
    public var name: String
    /// MODULESTREAMNAME, decoded with the project code page.
    public var streamName: String
    /// The full path of the module stream: `"Macros/VBA/ThisDocument"`.
    public var streamPath: String
    public var type: ModuleType
    /// The source as stored, decoded with the project code page (line endings as stored, usually CR LF).
    public var source: String
    /// ``source`` with CR LF and lone CR turned into LF: what the analyzers and olevba's output compare against.
    public var normalizedSource: String
    /// The number of decompressed source bytes.
    public var sourceBytes: Int
    /// The number of bytes before MODULEOFFSET in the module stream: the p-code (performance cache).
    public var pcodeBytes: Int
    /// MODULEOFFSET.
    public var sourceOffset: Int
    /// Byte sequences that did not decode in the project code page (each became U+FFFD).
    public var invalidCharacters: Int
    /// Whether the source is incomplete: the compressed container was corrupt or cut short, or a limit was hit.
    public var isPartial: Bool

    public init(
        name: String,
        streamName: String,
        streamPath: String,
        type: ModuleType,
        source: String,
        normalizedSource: String? = nil,
        sourceBytes: Int,
        pcodeBytes: Int,
        sourceOffset: Int,
        invalidCharacters: Int = 0,
        isPartial: Bool = false
    ) {
        self.name = name
        self.streamName = streamName
        self.streamPath = streamPath
        self.type = type
        self.source = source
        self.normalizedSource = normalizedSource ?? VBAText.normalizeLineEndings(source)
        self.sourceBytes = sourceBytes
        self.pcodeBytes = pcodeBytes
        self.sourceOffset = sourceOffset
        self.invalidCharacters = invalidCharacters
        self.isPartial = isPartial
    }

    /// The source without the leading `Attribute VB_...` lines that the VBA editor hides (olevba's default view);
    /// lines with a colon are kept, since code can hide behind one.
    public var visibleSource: String { VBAText.filterAttributes(normalizedSource) }
}

/// The header of the `_VBA_PROJECT` stream (MS-OVBA 2.3.4.1).
///
/// ```
///  +---------------+-------------+--------+--------------+------------------------------+
///  | 0x61CC (u16)  | Version u16 | 0x00   | Reserved u16 | PerformanceCache (optional)  |
///  +---------------+-------------+--------+--------------+------------------------------+
/// ```
public struct VBAProjectStreamHeader: Sendable, Hashable {
    /// The VBA version that compiled the p-code (e.g. 0x00B2 for VBA7 Office 2010+ 32-bit); MUST be ignored by
    /// readers of the source, but tells which p-code format the cache uses.
    public var version: UInt16
    /// Whether compiled p-code follows the header; a stream of exactly 7 bytes has none (written by tools, not by
    /// Office, which is how source-only projects from generators look).
    public var hasPerformanceCache: Bool
    /// The size of the whole stream.
    public var size: Int

    /// Parses the first seven bytes of a `_VBA_PROJECT` stream.
    ///
    /// - Throws: ``OfficeMacrosError`` `corrupt-vba-project-stream` when the stream is shorter than 7 bytes or
    ///   does not start with 0x61CC.
    public init(parsing bytes: ArraySlice<UInt8>) throws(OfficeMacrosError) {
        var c = ByteCursor(bytes)
        guard let reserved1 = try? c.readUInt16LE(), let version = try? c.readUInt16LE(),
            (try? c.readUInt8()) != nil, (try? c.readUInt16LE()) != nil
        else {
            throw OfficeMacrosError(.corruptVBAProjectStream, "shorter than its 7-byte header", offset: 0)
        }
        guard reserved1 == 0x61CC else {
            throw OfficeMacrosError(
                .corruptVBAProjectStream,
                "starts with 0x\(VBADirectory.hex16(reserved1)), not 0x61CC",
                offset: 0
            )
        }
        self.version = version
        self.hasPerformanceCache = bytes.count > 7
        self.size = bytes.count
    }
}

/// Text helpers shared by the extractor and the analyzers; they work on UTF-8 bytes, not characters.
public enum VBAText {
    /// Turns CR LF and lone CR into LF.
    public static func normalizeLineEndings(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        guard utf8.contains(0x0D) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        let n = utf8.count
        while i < n {
            let b = utf8[i]
            if b == 0x0D {
                out.append(0x0A)
                if i + 1 < n && utf8[i + 1] == 0x0A { i += 1 }
            } else {
                out.append(b)
            }
            i += 1
        }
        utf8 = []
        return String(decoding: out, as: UTF8.self)
    }

    /// Drops the leading `Attribute VB_` lines without a colon, as olevba's `filter_vba` does.
    public static func filterAttributes(_ normalized: String) -> String {
        var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        var start = 0
        while start < lines.count, lines[start].hasPrefix("Attribute VB_"), !lines[start].contains(":") {
            start += 1
        }
        // olevba joins splitlines() with "\n": a trailing newline disappears.
        if lines.last == "" { lines.removeLast() }
        guard start <= lines.count else { return "" }
        return lines[start...].joined(separator: "\n")
    }
}
