import ByteCursor

/// The bounds that untrusted OneNote sections and cabinets are held to.
///
/// Embedded files are slices of the input, never copies, so a section costs little more than its own size; the
/// limits bound the walk (nodes, lists, nesting) and, for cabinets, what extraction inflates.
public struct OneNoteLimits: Sendable, Hashable {
    /// The most file nodes read over the whole revision store.
    public var maxFileNodes: Limit
    /// The most fragments followed in one file node list.
    public var maxFragments: Limit
    /// The deepest nesting of file node lists followed (root, object space, revisions, object groups...).
    public var maxListDepth: Limit
    /// The most embedded files (file data store objects) reported.
    public var maxEmbeddedFiles: Limit
    /// The deepest nesting of property sets inside property sets.
    public var maxPropertyDepth: Limit
    /// The most text snippets (titles, paragraphs) kept, and the most characters of each.
    public var maxTextSnippets: Limit
    public var maxTextLength: Limit
    /// The most files and folders in a cabinet.
    public var maxCabinetFiles: Limit
    public var maxCabinetFolders: Limit
    /// The most bytes one cabinet extraction produces (the whole folder up to the file's end).
    public var maxExtractBytes: Limit
    /// The most anomalies of one code recorded; one more says that the rest were dropped.
    public var maxAnomalies: Limit

    public init(
        maxFileNodes: Limit = Limit("onenote.maxFileNodes", 1 << 20),
        maxFragments: Limit = Limit("onenote.maxFragments", 1 << 16),
        maxListDepth: Limit = Limit("onenote.maxListDepth", 32),
        maxEmbeddedFiles: Limit = Limit("onenote.maxEmbeddedFiles", 4096),
        maxPropertyDepth: Limit = Limit("onenote.maxPropertyDepth", 16),
        maxTextSnippets: Limit = Limit("onenote.maxTextSnippets", 1024),
        maxTextLength: Limit = Limit("onenote.maxTextLength", 4096),
        maxCabinetFiles: Limit = Limit("cab.maxFiles", 65535),
        maxCabinetFolders: Limit = Limit("cab.maxFolders", 65535),
        maxExtractBytes: Limit = Limit("cab.maxExtractBytes", 256 << 20),
        maxAnomalies: Limit = Limit("onenote.maxAnomalies", 256)
    ) {
        self.maxFileNodes = maxFileNodes
        self.maxFragments = maxFragments
        self.maxListDepth = maxListDepth
        self.maxEmbeddedFiles = maxEmbeddedFiles
        self.maxPropertyDepth = maxPropertyDepth
        self.maxTextSnippets = maxTextSnippets
        self.maxTextLength = maxTextLength
        self.maxCabinetFiles = maxCabinetFiles
        self.maxCabinetFolders = maxCabinetFolders
        self.maxExtractBytes = maxExtractBytes
        self.maxAnomalies = maxAnomalies
    }

    /// The defaults: 1,048,576 file nodes, 65,536 fragments per list, 32 nested lists, 4,096 embedded files,
    /// 16 nested property sets, 1,024 text snippets of 4,096 characters; cabinets of 65,535 files and folders,
    /// 256 MiB per extraction; 256 anomalies per code.
    public static let `default` = OneNoteLimits()
}
