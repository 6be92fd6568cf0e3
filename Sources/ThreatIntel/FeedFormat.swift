/// The feed formats `emoguard intel import` reads.
public enum FeedFormat: String, Sendable, CaseIterable, Codable {
    /// abuse.ch Feodo Tracker `ipblocklist.csv`: the current layout
    /// (`first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware`) and the older ones
    /// (`Firstseen,DstIP,DstPort,LastOnline,Malware`, `Firstseen,DstIP,DstPort,Malware`, `Firstseen,DstIP,DstPort`).
    case feodoCSV = "feodo-csv"
    /// abuse.ch Feodo Tracker `ipblocklist.json`: an array of objects (`ip_address`, `port`, `status`, `hostname`,
    /// `as_number`, `as_name`, `country`, `first_seen`, `last_online`, `malware`).
    case feodoJSON = "feodo-json"
    /// abuse.ch URLhaus CSV dump (`id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter`).
    case urlhausCSV = "urlhaus-csv"
    /// abuse.ch MalwareBazaar CSV export (`first_seen_utc, sha256_hash, md5_hash, sha1_hash, reporter, file_name,
    /// file_type_guess, mime_type, signature, clamav, vtpercent, imphash, ssdeep, tlsh`).
    case malwareBazaarCSV = "malwarebazaar-csv"
    /// abuse.ch ThreatFox JSON export: an object keyed by IOC id, each an array of IOC objects (also the API's
    /// `{"query_status": ..., "data": [...]}`).
    case threatFoxJSON = "threatfox-json"
    /// abuse.ch ThreatFox CSV export (`first_seen_utc, ioc_id, ioc_value, ioc_type, threat_type, fk_malware,
    /// malware_alias, malware_printable, last_seen_utc, confidence_level, reference, tags, anonymous, reporter`).
    case threatFoxCSV = "threatfox-csv"
    /// One IOC per line, its kind inferred (IPv4/IPv6 with or without a port, domain, URL, 32/40/64 hex digits);
    /// `#` and `;` comments, hosts-file lines (`0.0.0.0 example.invalid`) and defanged values (`hxxp`, `[.]`).
    case list = "list"

    /// The feed name an import uses when none is given (a list uses its file name).
    public var defaultFeedName: String? {
        switch self {
        case .feodoCSV, .feodoJSON: return "feodotracker"
        case .urlhausCSV: return "urlhaus"
        case .malwareBazaarCSV: return "malwarebazaar"
        case .threatFoxJSON, .threatFoxCSV: return "threatfox"
        case .list: return nil
        }
    }

    /// The format of `bytes`, decided from content only: JSON by its keys, CSV by its header columns (commented
    /// or not), anything else a plain list.
    public static func detect(_ bytes: [UInt8]) throws -> FeedFormat {
        let head = String(decoding: bytes.prefix(64 << 10), as: UTF8.self)
        let firstSignificant = head.first(where: { !$0.isWhitespace && $0 != "\u{FEFF}" })
        if firstSignificant == "{" || firstSignificant == "[" {
            if head.contains("\"ioc_value\"") || head.contains("\"ioc_type\"") { return .threatFoxJSON }
            if head.contains("\"ip_address\"") { return .feodoJSON }
            if firstSignificant == "["
                && head.drop(while: { $0 != "[" }).dropFirst()
                    .allSatisfy({ $0.isWhitespace || $0 == "]" })
            {
                return .feodoJSON  // an empty blocklist
            }
            throw ThreatIntelError(
                .unknownFormat,
                "JSON that is neither a Feodo Tracker blocklist nor a ThreatFox export"
            )
        }
        // The header is a (possibly commented, possibly quoted) line of column names near the top, starting with
        // the feed's first two columns.
        for line in head.split(separator: "\n").prefix(64) {
            let l = String(line.lowercased().filter { $0 != "\"" && $0 != " " && $0 != "\t" && $0 != "\r" })
                .drop(while: { $0 == "#" })
            if l.hasPrefix("first_seen_utc,dst_ip,") || l.hasPrefix("firstseen,dstip,") { return .feodoCSV }
            if l.hasPrefix("id,dateadded,url,") { return .urlhausCSV }
            if l.hasPrefix("first_seen_utc,sha256_hash,") { return .malwareBazaarCSV }
            if l.hasPrefix("first_seen_utc,ioc_id,ioc_value,") { return .threatFoxCSV }
        }
        return .list
    }
}
