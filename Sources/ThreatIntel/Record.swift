/// One indicator read from a feed: what it is, what the feed says about it, and where it was read.
public struct IntelRecord: Hashable, Sendable {
    public var kind: IntelKind
    /// The value in canonical form (``Normalizer``).
    public var value: String
    /// The entry, for people: the IOC as the feed wrote it with its key fields
    /// (`192.0.2.10:8080 Heodo, first seen 2020-10-29 19:16:38`).
    public var entry: String
    /// The malware family or threat the feed names (`Heodo`, `Emotet`), when it names one.
    public var threat: String?
    /// When the feed first saw it, as the feed writes it (`2020-10-29 19:16:38`).
    public var firstSeen: String?
    /// When the feed last saw it (online, or listed).
    public var lastSeen: String?
    /// The 1-based line of the input it came from.
    public var line: Int

    public init(
        kind: IntelKind,
        value: String,
        entry: String,
        threat: String? = nil,
        firstSeen: String? = nil,
        lastSeen: String? = nil,
        line: Int
    ) {
        self.kind = kind
        self.value = value
        self.entry = entry
        self.threat = threat
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.line = line
    }
}

/// A feed field: `nil` for the empty and "no value" markers the feeds use (`""`, `n/a`, `None`, `null`).
func present(_ s: String?) -> String? {
    guard let s else { return nil }
    let t = Normalizer.trimmed(Substring(s))
    if t.utf8.count <= 4 {
        switch t.lowercased() {
        case "", "n/a", "none", "null", "-": return nil
        default: break
        }
    }
    return t.utf8.count == s.utf8.count ? s : String(t)
}
