import Inspection
import ThreatIntel

/// The engine's view of the intelligence store: an ``IndicatorLookup`` over an ``IntelSet``.
///
/// Kinds map one to one (md5, sha1, sha256, url, domain, ip); values are normalised by the set as the feeds
/// were (lower-case digests and domains, canonical IPs without port, URLs with scheme and host lower-cased).
struct IntelLookup: IndicatorLookup {
    let set: IntelSet

    init(set: IntelSet) { self.set = set }

    /// Opens the store at `path` read-only and loads its fingerprints.
    init(path: String) throws { set = try IntelSet(path: path) }

    func lookup(_ indicator: Indicator) -> [IndicatorHit] {
        guard let kind = IntelKind(rawValue: indicator.kind.rawValue) else { return [] }
        return set.match(kind: kind, value: indicator.value).map {
            IndicatorHit(feed: $0.feed, entry: $0.entry, threat: $0.threat)
        }
    }
}
