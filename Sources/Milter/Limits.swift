import ByteCursor

/// The bounds an MTA connection is held to.
///
/// Frames are capped before their data is buffered; the message parts the session collects (body, headers,
/// recipients) are kept up to their limit and the rest is counted and marked truncated, so a large message is still
/// answered.
public struct MilterLimits: Sendable, Hashable {
    /// The largest frame accepted (length field: command byte plus data). Body chunks are at most 65,535 bytes
    /// unless the MTA and the filter negotiate larger ones, which this module does not request.
    public var maxFrameBytes: Limit
    /// The most body bytes kept per message; the rest is counted and ``MilterMessage/bodyTruncated`` is set.
    public var maxBodyBytes: Limit
    /// The most body bytes held in memory per message; beyond it the session hands the body to the caller's
    /// spool (``MilterSessionAction/spool(_:)``).
    public var memoryBodyBytes: Limit
    /// The most header bytes (names plus values) kept per message.
    public var maxHeaderBytes: Limit
    /// The most recipients kept per message.
    public var maxRecipients: Limit

    public init(
        maxFrameBytes: Limit = Limit("milter.maxFrameBytes", 65_535 + 1024),
        maxBodyBytes: Limit = Limit("milter.maxBodyBytes", 32 << 20),
        memoryBodyBytes: Limit = Limit("milter.memoryBodyBytes", 1 << 20),
        maxHeaderBytes: Limit = Limit("milter.maxHeaderBytes", 1 << 20),
        maxRecipients: Limit = Limit("milter.maxRecipients", 10_000)
    ) {
        self.maxFrameBytes = maxFrameBytes
        self.maxBodyBytes = maxBodyBytes
        self.memoryBodyBytes = memoryBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxRecipients = maxRecipients
    }

    /// The defaults: 66,559-byte frames, 32 MiB body (1 MiB in memory), 1 MiB headers, 10,000 recipients.
    public static let `default` = MilterLimits()
}
