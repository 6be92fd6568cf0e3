/// One observation in macro code, in olevba's vocabulary.
///
/// VBA and Excel 4.0 (XLM) analyzers both report through this type, so a report can list their findings side by
/// side. ``kind`` and ``keyword`` use olevba's names (`"AutoExec"`, `"Suspicious"`, `"IOC"`...), and
/// ``description`` its wording, so an analyst who knows olevba's output reads ours the same way.
public struct MacroIndicator: Sendable, Hashable {
    /// The class of observation; raw values are olevba's type column and are stable.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A procedure that runs by itself (document open, workbook open, ActiveX events).
        case autoExec = "AutoExec"
        /// A keyword often used by malware (Shell, CreateObject, URLDownloadToFileA...).
        case suspicious = "Suspicious"
        /// An indicator of compromise: URL, IP address, executable file name.
        case ioc = "IOC"
        /// A hex-encoded string literal.
        case hexString = "Hex String"
        /// A Base64-encoded string literal.
        case base64String = "Base64 String"
        /// A string obfuscated with the Dridex algorithm.
        case dridexString = "Dridex String"
        /// A VBA expression that evaluates to a constant string (Chr concatenations, StrReverse...).
        case vbaString = "VBA string"
        /// A string decoded by our deobfuscation (PowerShell -EncodedCommand and the like).
        case decoded = "Decoded"
    }

    /// The class of observation.
    public var kind: Kind
    /// What was matched: `"AutoOpen"`, `"Shell"`, `"URLDownloadToFileA"`, `"http://x.example.invalid/a.exe"`.
    public var keyword: String
    /// olevba-style explanation: `"Runs when the Word document is opened"`.
    public var description: String
    /// The module name (VBA) or sheet name (XLM) where it was seen, when known.
    public var location: String?
    /// The 1-based line in the module source, when known; for XLM the cell is in ``cell``.
    public var line: Int?
    /// XLM only: the cell, e.g. `"R1C1"` or `"$A$1"`.
    public var cell: String?

    public init(
        kind: Kind,
        keyword: String,
        description: String,
        location: String? = nil,
        line: Int? = nil,
        cell: String? = nil
    ) {
        self.kind = kind
        self.keyword = keyword
        self.description = description
        self.location = location
        self.line = line
        self.cell = cell
    }
}

/// mraptor's three flags and its verdict: auto-exec AND (write OR execute) is malicious.
///
/// - ``autoExec``: code runs by itself (AutoOpen, Document_Open, Workbook_Open, ActiveX events, Auto_Open in XLM).
/// - ``write``: code writes to the file system or the registry, or downloads (Open ... For Output, SaveToFile,
///   URLDownloadToFile, FWRITE in XLM).
/// - ``execute``: code runs something outside the document (Shell, CreateObject, Declare ... Lib, EXEC/CALL in XLM).
public struct MacroRiskFlags: Sendable, Hashable {
    public var autoExec: Bool
    public var write: Bool
    public var execute: Bool

    public init(autoExec: Bool = false, write: Bool = false, execute: Bool = false) {
        self.autoExec = autoExec
        self.write = write
        self.execute = execute
    }

    /// mraptor's verdict: runs by itself and either writes or executes.
    public var isMalicious: Bool { autoExec && (write || execute) }

    /// Whether any flag is set (mraptor's "suspicious" without the verdict).
    public var isSuspicious: Bool { autoExec || write || execute }

    /// The union of two sets of flags, e.g. over all modules of a project.
    public func union(_ other: MacroRiskFlags) -> MacroRiskFlags {
        MacroRiskFlags(
            autoExec: autoExec || other.autoExec,
            write: write || other.write,
            execute: execute || other.execute
        )
    }

    /// mraptor's short flag string: `"AWX"`, with `-` for an unset flag (`"A-X"`).
    public var flagString: String {
        (autoExec ? "A" : "-") + (write ? "W" : "-") + (execute ? "X" : "-")
    }
}
