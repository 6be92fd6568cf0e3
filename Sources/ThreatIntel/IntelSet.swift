/// A feed entry that matched an indicator.
public struct IntelMatch: Hashable, Sendable {
    public var kind: IntelKind
    /// The canonical value that matched.
    public var value: String
    /// The feed's name as imported (`feodotracker`, `urlhaus`, `malwarebazaar`, `threatfox`, a list's file name).
    public var feed: String
    /// The entry, for people (`192.0.2.10:8080 Heodo, first seen 2020-10-29 19:16:38`).
    public var entry: String
    /// The malware family or threat the feed names.
    public var threat: String?
    public var firstSeen: String?
    public var lastSeen: String?
}

/// The indicators of a store, ready for matching while a scan runs.
///
/// Membership is answered from memory: a sorted array of 64-bit fingerprints of every (kind, value), loaded as one
/// blob (8 bytes an indicator: 8 MB and a few milliseconds for 1,000,000). Almost every lookup is a miss and ends
/// there, after a binary search. A fingerprint hit reads the matching rows (feed, entry, threat, dates) from the
/// store, so a hit costs one indexed SQLite read; a fingerprint collision (about 1 in 10^13 per lookup at
/// 1,000,000 indicators) reads nothing and returns no match.
public struct IntelSet: Sendable {
    let fingerprints: [UInt64]
    /// `buckets[k]` is the index of the first fingerprint whose top 16 bits are at least `k` (65,537 entries, 256
    /// KiB): a lookup searches only its bucket, a few cache lines instead of twenty misses across 8 MB.
    let buckets: [UInt32]
    let store: IntelStore?

    /// An empty set (no store): every lookup misses.
    public init() {
        fingerprints = []
        buckets = []
        store = nil
    }

    /// Loads the fingerprints of `store`.
    public init(store: IntelStore) throws {
        do {
            fingerprints = try store.fingerprints()
        } catch {
            throw ThreatIntelError(.store, "\(store.path): \(error)")
        }
        buckets = Self.buckets(fingerprints)
        self.store = store
    }

    /// The bucket index of sorted `prints` (at most `UInt32.max` of them: a store holds far fewer).
    static func buckets(_ prints: [UInt64]) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: 65_537)
        var i = 0
        for k in 0..<65_536 {
            while i < prints.count, Int(prints[i] >> 48) < k { i += 1 }
            out[k] = UInt32(truncatingIfNeeded: i)
        }
        out[65_536] = UInt32(truncatingIfNeeded: prints.count)
        return out
    }

    /// Opens the store at `path` read-only and loads it.
    public init(path: String) throws {
        try self.init(store: IntelStore(path: path, readOnly: true))
    }

    /// How many distinct (kind, value) indicators the set holds.
    public var count: Int { fingerprints.count }

    /// Whether the set could hold `value` (canonical form) of `kind`: false means certainly not.
    func mayContain(kind: IntelKind, canonical value: String) -> Bool {
        let print = Fingerprint.of(kind: kind.rawValue, value: value)
        let k = Int(print >> 48)
        var low = buckets.count == 65_537 ? Int(buckets[k]) : 0
        var high = buckets.count == 65_537 ? Int(buckets[k + 1]) : fingerprints.count
        while low < high {
            let mid = (low + high) / 2
            if fingerprints[mid] < print { low = mid + 1 } else { high = mid }
        }
        return low < fingerprints.count && fingerprints[low] == print
    }

    /// The feed entries for `value` of `kind` (normalised as the feeds are: ``Normalizer``), every feed; empty
    /// when none matches or the value is not valid for its kind. An `ip` value may carry a port.
    public func match(kind: IntelKind, value: String) -> [IntelMatch] {
        guard !fingerprints.isEmpty, let store else { return [] }
        let canonical: String?
        if kind == .ip {
            canonical = Normalizer.ipDroppingPort(Substring(value))?.ip
        } else {
            canonical = Normalizer.normalize(Substring(value), as: kind)
        }
        guard let canonical, mayContain(kind: kind, canonical: canonical) else { return [] }
        return (try? store.entries(kind: kind, value: canonical)) ?? []
    }
}
