import ByteCursor

/// The bounds that untrusted archives are held to while parsing and extracting.
///
/// Parsing never allocates in proportion to a declared count or size; it allocates in proportion to what it
/// actually found, and these limits cap that. Extraction streams, so memory stays near
/// ``keepBytesPerEntry`` whatever the entry inflates to.
public struct ZIPLimits: Sendable, Hashable {
    /// The most entries (central directory and hidden local entries together) read from one archive.
    public var maxEntries: Limit
    /// The longest entry name kept; longer names are cut and reported.
    public var maxNameBytes: Limit
    /// The most bytes inflated for one entry, padding included, before extraction stops.
    public var maxInflatedBytesPerEntry: Limit
    /// The most anomalies of one code recorded for one archive; one more says that the rest were dropped.
    public var maxAnomalies: Limit
    /// The most signature hits ("PK\x03\x04" and friends) remembered while scanning the whole input.
    public var maxSignatureHits: Limit
    /// Content kept after zero padding is stripped.
    public var keepBytesPerEntry: Int
    /// The shortest run of zero bytes that counts as padding and is dropped.
    public var minimumPaddingRun: Int

    public init(
        maxEntries: Limit = Limit("zip.maxEntries", 65_536),
        maxNameBytes: Limit = Limit("zip.maxNameBytes", 4096),
        maxInflatedBytesPerEntry: Limit = Limit("zip.maxInflatedBytesPerEntry", 4 << 30),
        maxAnomalies: Limit = Limit("zip.maxAnomalies", 4096),
        maxSignatureHits: Limit = Limit("zip.maxSignatureHits", 1 << 18),
        keepBytesPerEntry: Int = 64 << 20,
        minimumPaddingRun: Int = 1 << 20
    ) {
        self.maxEntries = maxEntries
        self.maxNameBytes = maxNameBytes
        self.maxInflatedBytesPerEntry = maxInflatedBytesPerEntry
        self.maxAnomalies = maxAnomalies
        self.maxSignatureHits = maxSignatureHits
        self.keepBytesPerEntry = keepBytesPerEntry
        self.minimumPaddingRun = minimumPaddingRun
    }

    /// The defaults: 65,536 entries, 4 KiB names, 4 GiB inflated per entry, 64 MiB kept, 1 MiB padding runs.
    public static let `default` = ZIPLimits()
}
