import ByteCursor

/// The bounds that untrusted shell links are held to while parsing and analysing.
///
/// A shell link is small by design (a few kilobytes), but every count in it is attacker-controlled: these limits
/// keep the work per shortcut constant whatever the counts say. Appended data is never copied, so its size is not
/// limited here (the engine's budget decides what to do with it).
public struct ShellLinkLimits: Sendable, Hashable {
    /// The most items read from one ID list (LinkTargetIDList or VistaAndAboveIDListDataBlock).
    public var maxIDListItems: Limit
    /// The most characters kept from one StringData string; longer strings are cut (the bytes are still skipped).
    public var maxStringCharacters: Limit
    /// The most extra data blocks walked before the terminal block.
    public var maxExtraDataBlocks: Limit
    /// The most property values (and property storages) read from property stores, all blocks together.
    public var maxProperties: Limit
    /// The most bytes a Base64 `-EncodedCommand` argument decodes to in ``LNKAnalysis``.
    public var maxDecodedBytes: Limit
    /// The most anomalies of one code recorded for one shortcut; one more says that the rest were dropped.
    public var maxAnomalies: Limit

    public init(
        maxIDListItems: Limit = Limit("lnk.maxIDListItems", 256),
        maxStringCharacters: Limit = Limit("lnk.maxStringCharacters", 65_535),
        maxExtraDataBlocks: Limit = Limit("lnk.maxExtraDataBlocks", 64),
        maxProperties: Limit = Limit("lnk.maxProperties", 1024),
        maxDecodedBytes: Limit = Limit("lnk.maxDecodedBytes", 1 << 20),
        maxAnomalies: Limit = Limit("lnk.maxAnomalies", 64)
    ) {
        self.maxIDListItems = maxIDListItems
        self.maxStringCharacters = maxStringCharacters
        self.maxExtraDataBlocks = maxExtraDataBlocks
        self.maxProperties = maxProperties
        self.maxDecodedBytes = maxDecodedBytes
        self.maxAnomalies = maxAnomalies
    }

    /// The defaults: 256 ID list items, 65,535 characters per string, 64 extra data blocks, 1,024 properties,
    /// 1 MiB of decoded command, 64 anomalies per code.
    public static let `default` = ShellLinkLimits()
}
