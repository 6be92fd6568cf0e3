import ByteCursor

/// The bounds that untrusted RTF is held to.
///
/// Parsing is one pass over the input with no recursion: group nesting only moves a counter, and memory grows with
/// the destinations kept (object data, field instructions), each capped here.
public struct RTFLimits: Sendable, Hashable {
    /// The most nested destinations followed (`{\*\objdata {\*\objdata ...`); deeper ones are read as plain groups.
    public var maxDestinationDepth: Limit
    /// The most objects (`\objdata` destinations) kept.
    public var maxObjects: Limit
    /// The most bytes one object's data decodes to; the rest is dropped and the object marked truncated.
    public var maxObjectBytes: Limit
    /// The most bytes all objects' data decode to together.
    public var maxTotalObjectBytes: Limit
    /// The most field instructions kept.
    public var maxFields: Limit
    /// The most characters kept of one field instruction, class name or template.
    public var maxTextBytes: Limit
    /// The most anomalies of one code recorded; one more says that the rest were dropped.
    public var maxAnomalies: Limit

    public init(
        maxDestinationDepth: Limit = Limit("rtf.maxDestinationDepth", 1024),
        maxObjects: Limit = Limit("rtf.maxObjects", 4096),
        maxObjectBytes: Limit = Limit("rtf.maxObjectBytes", 64 << 20),
        maxTotalObjectBytes: Limit = Limit("rtf.maxTotalObjectBytes", 256 << 20),
        maxFields: Limit = Limit("rtf.maxFields", 16384),
        maxTextBytes: Limit = Limit("rtf.maxTextBytes", 64 << 10),
        maxAnomalies: Limit = Limit("rtf.maxAnomalies", 256)
    ) {
        self.maxDestinationDepth = maxDestinationDepth
        self.maxObjects = maxObjects
        self.maxObjectBytes = maxObjectBytes
        self.maxTotalObjectBytes = maxTotalObjectBytes
        self.maxFields = maxFields
        self.maxTextBytes = maxTextBytes
        self.maxAnomalies = maxAnomalies
    }

    /// The defaults: 1,024 nested destinations, 4,096 objects of at most 64 MiB (256 MiB together), 16,384 fields,
    /// 64 KiB of text per instruction, 256 anomalies per code.
    public static let `default` = RTFLimits()
}
