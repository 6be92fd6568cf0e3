import ByteCursor

/// The bounds that untrusted mail text is held to by every function of this module.
///
/// Header values, bodies, HTML, URL counts and quote scanning are all attacker-controlled. Inputs longer than a
/// limit are examined up to the limit only (never rejected); functions that return collections stop at their
/// count limit and say so with a ``MailSignal/Code/limitReached`` signal or a `limitReached` field.
public struct MailSignalLimits: Sendable, Hashable {
    /// The most Unicode scalars read from one header value (display name, subject, address, Authentication-Results).
    public var maxHeaderScalars: Limit
    /// The most Unicode scalars read from one body (plain text or HTML).
    public var maxBodyScalars: Limit
    /// The most lines of a body scanned for quoted-thread headers and quote markers.
    public var maxQuoteLines: Limit
    /// The most quoted-thread participants kept.
    public var maxParticipants: Limit
    /// The most URLs kept from one body.
    public var maxURLs: Limit
    /// The most scalars of one URL; a longer one is cut.
    public var maxURLScalars: Limit
    /// The most HTML tags read from one body.
    public var maxHTMLTags: Limit
    /// The most scalars of a domain name examined (RFC 1035 allows 253).
    public var maxDomainScalars: Limit
    /// The most scalars a decoded punycode label may have (RFC 5890 labels are at most 63 octets in ASCII form).
    public var maxDecodedLabelScalars: Limit
    /// The longest strings compared by edit distance (the comparison is quadratic).
    public var maxEditDistanceScalars: Limit
    /// The most method results read from one Authentication-Results header.
    public var maxAuthResults: Limit
    /// The most protected names or domains a check keeps (configuration, but kept bounded too).
    public var maxProtectedEntries: Limit

    public init(
        maxHeaderScalars: Limit = Limit("mailSignals.maxHeaderScalars", 16_384),
        maxBodyScalars: Limit = Limit("mailSignals.maxBodyScalars", 4 << 20),
        maxQuoteLines: Limit = Limit("mailSignals.maxQuoteLines", 20_000),
        maxParticipants: Limit = Limit("mailSignals.maxParticipants", 256),
        maxURLs: Limit = Limit("mailSignals.maxURLs", 512),
        maxURLScalars: Limit = Limit("mailSignals.maxURLScalars", 8_192),
        maxHTMLTags: Limit = Limit("mailSignals.maxHTMLTags", 200_000),
        maxDomainScalars: Limit = Limit("mailSignals.maxDomainScalars", 253),
        maxDecodedLabelScalars: Limit = Limit("mailSignals.maxDecodedLabelScalars", 63),
        maxEditDistanceScalars: Limit = Limit("mailSignals.maxEditDistanceScalars", 64),
        maxAuthResults: Limit = Limit("mailSignals.maxAuthResults", 64),
        maxProtectedEntries: Limit = Limit("mailSignals.maxProtectedEntries", 10_000)
    ) {
        self.maxHeaderScalars = maxHeaderScalars
        self.maxBodyScalars = maxBodyScalars
        self.maxQuoteLines = maxQuoteLines
        self.maxParticipants = maxParticipants
        self.maxURLs = maxURLs
        self.maxURLScalars = maxURLScalars
        self.maxHTMLTags = maxHTMLTags
        self.maxDomainScalars = maxDomainScalars
        self.maxDecodedLabelScalars = maxDecodedLabelScalars
        self.maxEditDistanceScalars = maxEditDistanceScalars
        self.maxAuthResults = maxAuthResults
        self.maxProtectedEntries = maxProtectedEntries
    }

    /// The defaults: 16 Ki scalars per header, 4 Mi per body, 20,000 lines of quote scanning, 512 URLs.
    public static let `default` = MailSignalLimits()
}
