import ByteCursor

/// The bounds that untrusted PE files are held to while parsing.
///
/// Every count in a PE header is attacker-controlled (NumberOfSections, NumberOfNames, import descriptors ended
/// only by a zero entry); these limits keep the work per file bounded whatever they say. Section data is never
/// copied: entropy is computed in place.
public struct PELimits: Sendable, Hashable {
    /// The most section headers read.
    public var maxSections: Limit
    /// The most export names read.
    public var maxExports: Limit
    /// The most import descriptors (DLLs) read.
    public var maxImportDLLs: Limit
    /// The most imported functions read for one DLL.
    public var maxImportsPerDLL: Limit
    /// The most imported functions read in all.
    public var maxImports: Limit
    /// The longest name (export, import, DLL) read; longer names are cut.
    public var maxNameLength: Limit
    /// The most bytes put together when a header or table read crosses dropped zero padding.
    public var maxPaddedRead: Limit
    /// The most anomalies of one code recorded for one file; one more says that the rest were dropped.
    public var maxAnomalies: Limit

    public init(
        maxSections: Limit = Limit("pe.maxSections", 256),
        maxExports: Limit = Limit("pe.maxExports", 65_536),
        maxImportDLLs: Limit = Limit("pe.maxImportDLLs", 1024),
        maxImportsPerDLL: Limit = Limit("pe.maxImportsPerDLL", 8192),
        maxImports: Limit = Limit("pe.maxImports", 65_536),
        maxNameLength: Limit = Limit("pe.maxNameLength", 256),
        maxPaddedRead: Limit = Limit("pe.maxPaddedRead", 1 << 20),
        maxAnomalies: Limit = Limit("pe.maxAnomalies", 64)
    ) {
        self.maxSections = maxSections
        self.maxExports = maxExports
        self.maxImportDLLs = maxImportDLLs
        self.maxImportsPerDLL = maxImportsPerDLL
        self.maxImports = maxImports
        self.maxNameLength = maxNameLength
        self.maxPaddedRead = maxPaddedRead
        self.maxAnomalies = maxAnomalies
    }

    /// The defaults: 256 sections, 65,536 exports, 1,024 imported DLLs, 8,192 imports per DLL and 65,536 in
    /// all, names of 256 bytes, 1 MiB reads across padding, 64 anomalies per code.
    public static let `default` = PELimits()
}
