/// abuse.ch Feodo Tracker: botnet C2 servers (Dridex, Emotet as "Heodo", TrickBot, QakBot, BazarLoader).
///
/// CSV, current layout (comment banner, commented header; fields may be quoted):
/// ```
/// # first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware
/// 2021-01-17 07:44:46,192.0.2.10,443,online,2023-05-09,QakBot
/// ```
/// older layouts: `# Firstseen,DstIP,DstPort,LastOnline,Malware`, `# Firstseen,DstIP,DstPort,Malware`,
/// `# Firstseen,DstIP,DstPort`. JSON (`ipblocklist.json`): an array of objects with `ip_address`, `port`,
/// `status`, `hostname`, `as_number`, `as_name`, `country`, `first_seen`, `last_online`, `malware`.
///
/// Each row gives one `ip` indicator (the port goes into the entry). `hostname` is the address's reverse DNS
/// name (often a hosting provider's), so it is not made a domain indicator.
enum FeodoTracker {
    static let csvLayout = CSVLayout(
        roles: [
            "first": ["first_seen_utc", "firstseen", "first_seen"],
            "ip": ["dst_ip", "dstip", "ip_address"],
            "port": ["dst_port", "dstport", "port"],
            "status": ["c2_status", "status"],
            "last": ["last_online", "lastonline"],
            "malware": ["malware"],
        ],
        defaults: [
            6: ["first", "ip", "port", "status", "last", "malware"],
            5: ["first", "ip", "port", "last", "malware"],
            4: ["first", "ip", "port", "malware"],
            3: ["first", "ip", "port"],
        ],
        minimumFields: 2,
        build: { fields, line, sink in
            record(
                ip: fields["ip"],
                port: fields["port"],
                malware: fields["malware"],
                status: fields["status"],
                first: fields["first"],
                last: fields["last"],
                network: nil,
                line: line,
                sink: sink
            )
        }
    )

    static func record(
        ip rawIP: String?,
        port rawPort: String?,
        malware: String?,
        status: String?,
        first: String?,
        last: String?,
        network: String?,
        line: Int,
        sink: FeedSink
    ) -> Result<[IntelRecord], FieldProblem> {
        let ip: String
        switch sink.value(rawIP, .ip, field: "IP address") {
        case .success(let v): ip = v
        case .failure(let p): return .failure(p)
        }
        var port: String? = nil
        if let p = present(rawPort) {
            guard Normalizer.port(Substring(p)) != nil else {
                return .failure(FieldProblem(.invalidValue, "port '\(p.prefix(20))' is not a port number"))
            }
            port = p
        }
        let malware = present(malware)
        let endpoint = port.map { ip.contains(":") ? "[\(ip)]:\($0)" : "\(ip):\($0)" } ?? ip
        let head = joined([endpoint, malware], " ")
        let entry = joined([
            head, present(first).map { "first seen \($0)" }, present(last).map { "last online \($0)" },
            present(status), network,
        ])
        return .success([
            IntelRecord(
                kind: .ip,
                value: ip,
                entry: entry,
                threat: malware,
                firstSeen: present(first),
                lastSeen: present(last),
                line: line
            )
        ])
    }

    static func readJSON(_ bytes: [UInt8], into sink: inout FeedSink) throws {
        let root = try JSONParser.parse(bytes, maxDepth: sink.limits.maxJSONDepth)
        guard case .array(let items, _) = root else {
            throw ThreatIntelError(.malformedJSON, "a Feodo Tracker blocklist is a JSON array", line: root.line)
        }
        for item in items {
            try sink.row(line: item.line)
            guard case .object = item else {
                sink.issue(item.line, .invalidEntry, "an entry is not a JSON object")
                continue
            }
            let network = joined([item["as_name"]?.text, item["country"]?.text].map(present), " ")
            let result = record(
                ip: item["ip_address"]?.text,
                port: item["port"]?.text,
                malware: item["malware"]?.text,
                status: item["status"]?.text,
                first: item["first_seen"]?.text,
                last: item["last_online"]?.text,
                network: network.isEmpty ? nil : network,
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
