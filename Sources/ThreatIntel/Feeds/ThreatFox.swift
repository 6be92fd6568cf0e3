/// abuse.ch ThreatFox: IOCs of many kinds with the malware they belong to.
///
/// The JSON export is an object keyed by IOC id, each holding an array of IOC objects:
/// ```
/// { "1": [ { "ioc_value": "192.0.2.10:8080", "ioc_type": "ip:port", "threat_type": "botnet_cc",
///            "malware": "win.emotet", "malware_alias": "Geodo,Heodo", "malware_printable": "Emotet",
///            "first_seen_utc": "2022-11-02 10:00:00", "last_seen_utc": null, "confidence_level": 100,
///            "reference": null, "tags": "Emotet,epoch4", "anonymous": "0", "reporter": "..." } ] }
/// ```
/// The API's `{"query_status": "ok", "data": [ ... ]}` is read too. `ip:port` gives an `ip` indicator (the port in
/// the entry); `domain`, `url`, `md5_hash`, `sha1_hash`, `sha256_hash` give theirs; other types are skipped.
enum ThreatFox {
    static let csvLayout = CSVLayout(
        roles: [
            "first": ["first_seen_utc"], "id": ["ioc_id", "id"], "value": ["ioc_value"], "type": ["ioc_type"],
            "threat_type": ["threat_type"], "malware": ["fk_malware", "malware"],
            "printable": ["malware_printable"], "last": ["last_seen_utc"], "confidence": ["confidence_level"],
            "tags": ["tags"],
        ],
        defaults: [
            14: [
                "first", "id", "value", "type", "threat_type", "malware", "alias", "printable", "last",
                "confidence", "reference", "tags", "anonymous", "reporter",
            ]
        ],
        minimumFields: 4,
        build: { fields, line, sink in
            record(get: { fields[$0] }, line: line, sink: sink)
        }
    )

    static func record(get: (String) -> String?, line: Int, sink: FeedSink) -> Result<[IntelRecord], FieldProblem> {
        guard let type = present(get("type"))?.lowercased() else {
            return .failure(FieldProblem(.missingField, "no ioc_type"))
        }
        let kind: IntelKind
        switch type {
        case "ip:port", "ip": kind = .ip
        case "domain": kind = .domain
        case "url": kind = .url
        case "md5_hash": kind = .md5
        case "sha1_hash": kind = .sha1
        case "sha256_hash": kind = .sha256
        default: return .failure(FieldProblem(.unsupportedType, "ioc_type '\(type.prefix(40))' is not matched"))
        }
        guard let raw = present(get("value")) else { return .failure(FieldProblem(.missingField, "no ioc_value")) }
        let value: String
        if kind == .ip {
            guard sink.limits.maxValueBytes.allows(raw.utf8.count),
                let parsed = Normalizer.ipDroppingPort(Substring(raw))
            else {
                return .failure(FieldProblem(.invalidValue, "ioc_value '\(raw.prefix(80))' is not an ip:port"))
            }
            value = parsed.ip
        } else {
            switch sink.value(raw, kind, field: "ioc_value") {
            case .success(let v): value = v
            case .failure(let p): return .failure(p)
            }
        }
        let threat = present(get("printable")) ?? present(get("malware"))
        let confidence = present(get("confidence")).map { "confidence \($0)" }
        let entry = joined([
            joined([raw, threat, present(get("threat_type"))], " "),
            confidence,
            present(get("first")).map { "first seen \($0)" },
            present(get("id")).map { "ThreatFox id \($0)" },
        ])
        return .success([
            IntelRecord(
                kind: kind,
                value: value,
                entry: entry,
                threat: threat,
                firstSeen: present(get("first")),
                lastSeen: present(get("last")),
                line: line
            )
        ])
    }

    static func readJSON(_ bytes: [UInt8], into sink: inout FeedSink) throws {
        let root = try JSONParser.parse(bytes, maxDepth: sink.limits.maxJSONDepth)
        guard case .object(let members, _) = root else {
            throw ThreatIntelError(.malformedJSON, "a ThreatFox export is a JSON object", line: root.line)
        }
        var groups: [(id: String?, items: JSONNode)] = []
        if let data = root["data"], case .array = data {
            groups = [(nil, data)]
        } else {
            groups = members.filter { $0.key != "query_status" }.map { ($0.key, $0.value) }
        }
        for group in groups {
            guard case .array(let items, _) = group.items else {
                try sink.row(line: group.items.line)
                sink.issue(group.items.line, .invalidEntry, "IOC \(group.id ?? "?") is not an array")
                continue
            }
            for item in items {
                try sink.row(line: item.line)
                guard case .object = item else {
                    sink.issue(item.line, .invalidEntry, "an IOC is not a JSON object")
                    continue
                }
                let id = group.id ?? item["id"]?.text
                let result = record(
                    get: { role in
                        switch role {
                        case "id": return id
                        case "value": return item["ioc_value"]?.text
                        case "type": return item["ioc_type"]?.text
                        case "threat_type": return item["threat_type"]?.text
                        case "malware": return item["malware"]?.text
                        case "printable": return item["malware_printable"]?.text
                        case "first": return (item["first_seen_utc"] ?? item["first_seen"])?.text
                        case "last": return (item["last_seen_utc"] ?? item["last_seen"])?.text
                        case "confidence": return item["confidence_level"]?.text
                        default: return nil
                        }
                    },
                    line: item.line,
                    sink: sink
                )
                switch result {
                case .success(let records): try sink.emit(records)
                case .failure(let p): sink.issue(item.line, p.reason, p.detail)
                }
            }
        }
    }
}
