/// abuse.ch URLhaus: malware distribution URLs (the Emotet document and DLL downloads among them).
///
/// ```
/// # id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
/// "1","2019-01-21 12:34:56","http://malware.example.invalid/x.doc","offline","","malware_download","doc,emotet,heodo","https://urlhaus.abuse.ch/url/1/","reporter"
/// ```
/// Each row gives one `url` indicator; its host is not made a domain indicator (see ``Normalizer``).
enum URLhaus {
    static let csvLayout = CSVLayout(
        roles: [
            "id": ["id"], "dateadded": ["dateadded"], "url": ["url"], "status": ["url_status"],
            "last": ["last_online"], "threat": ["threat"], "tags": ["tags"], "link": ["urlhaus_link"],
            "reporter": ["reporter"],
        ],
        defaults: [
            9: ["id", "dateadded", "url", "status", "last", "threat", "tags", "link", "reporter"],
            8: ["id", "dateadded", "url", "status", "threat", "tags", "link", "reporter"],
        ],
        minimumFields: 3,
        build: { fields, line, sink in
            let url: String
            switch sink.value(fields["url"], .url, field: "url") {
            case .success(let v): url = v
            case .failure(let p): return .failure(p)
            }
            let tags = present(fields["tags"])
            let threatColumn = present(fields["threat"])
            let entry = joined([
                joined([url, threatColumn, tags.map { "[\($0)]" }], " "),
                present(fields["status"]),
                present(fields["dateadded"]).map { "added \($0)" },
                present(fields["link"]),
            ])
            return .success([
                IntelRecord(
                    kind: .url,
                    value: url,
                    entry: entry,
                    threat: tags ?? threatColumn,
                    firstSeen: present(fields["dateadded"]),
                    lastSeen: present(fields["last"]),
                    line: line
                )
            ])
        }
    )
}
