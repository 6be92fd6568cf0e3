/// An indicator of compromise the engine saw during a scan: an artifact's digest, a URL, a domain or an IP address.
public struct Indicator: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case md5, sha1, sha256, url, domain, ip
    }

    public var kind: Kind
    /// The value as seen (digests in lower-case hex; URLs, domains and IPs as extracted).
    public var value: String

    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = value
    }
}

/// A feed entry that matched an indicator: which feed, which entry, what it says.
public struct IndicatorHit: Hashable, Sendable {
    /// The feed's name as imported (`feodotracker`, `urlhaus`, `malwarebazaar`, `threatfox`, a list's file name).
    public var feed: String
    /// The entry, for people: the IOC as the feed wrote it with its key fields (`192.0.2.10:8080 Heodo, first
    /// seen 2022-11-02`).
    public var entry: String
    /// The malware family or threat the feed names, when it names one (`Emotet`, `Heodo`, `QakBot`).
    public var threat: String?

    public init(feed: String, entry: String, threat: String? = nil) {
        self.feed = feed
        self.entry = entry
        self.threat = threat
    }
}

/// Threat intelligence the engine consults while it scans (the `ThreatIntel` store, adapted by the front end).
///
/// Lookups run for every artifact digest and every URL, domain and IP the analyzers extract, so an implementation
/// must answer a miss from memory (`ThreatIntel`'s `IntelSet` keeps sorted 64-bit fingerprints), never from the
/// network; a hit, which is rare, may read its details from the local store.
public protocol IndicatorLookup: Sendable {
    /// The feed entries that match `indicator`; empty when none does.
    func lookup(_ indicator: Indicator) -> [IndicatorHit]
}
