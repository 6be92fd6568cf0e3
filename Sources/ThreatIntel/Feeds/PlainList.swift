/// A plain list: one IOC per line, its kind inferred (``IntelKind/infer(_:)``).
///
/// `#` and `;` start comments (whole lines, or after the value); a hosts-file line (`0.0.0.0 example.invalid`,
/// `127.0.0.1<TAB>example.invalid`) gives its name; defanged values (`hxxp://`, `[.]`, `[:]`) are refanged; an
/// address with a port (`192.0.2.10:8080`) gives the address.
enum PlainList {
    static func read(_ bytes: [UInt8], into sink: inout FeedSink) throws {
        for line in LineReader(bytes) {
            if !sink.limits.maxLineBytes.allows(line.bytes.count) {
                try sink.row(line: line.number)
                sink.issue(
                    line.number,
                    .lineTooLong,
                    "\(line.bytes.count) bytes (\(sink.limits.maxLineBytes.name) \(sink.limits.maxLineBytes.maximum))"
                )
                continue
            }
            guard let text = String(validating: line.bytes, as: UTF8.self) else {
                try sink.row(line: line.number)
                sink.issue(line.number, .notText, "not UTF-8")
                continue
            }
            var body = Substring(text)
            if let hash = body.utf8.firstIndex(where: { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: ";") }) {
                body = body[..<hash]
            }
            var tokens: [Substring] = []
            var start: String.Index? = nil
            let utf8 = body.utf8
            var i = utf8.startIndex
            while true {
                let separator =
                    i == utf8.endIndex || utf8[i] == 0x20 || utf8[i] == 0x09 || utf8[i] == 0x0D
                    || utf8[i] == UInt8(ascii: ",")
                if separator {
                    if let s = start { tokens.append(body[s..<i]) }
                    start = nil
                    if i == utf8.endIndex { break }
                } else if start == nil {
                    start = i
                }
                i = utf8.index(after: i)
            }
            if tokens.isEmpty { continue }
            try sink.row(line: line.number)
            if tokens.count == 2, tokens[0] == "0.0.0.0" || tokens[0] == "127.0.0.1" || tokens[0] == "::1" {
                tokens.removeFirst()
            }
            guard tokens.count == 1 else {
                sink.issue(line.number, .invalidValue, "more than one value on the line")
                continue
            }
            let raw = String(tokens[0])
            guard sink.limits.maxValueBytes.allows(raw.utf8.count) else {
                sink.issue(
                    line.number,
                    .invalidValue,
                    "\(raw.utf8.count) bytes (\(sink.limits.maxValueBytes.name))"
                )
                continue
            }
            let refanged = refang(raw)
            var record: IntelRecord? = nil
            if !refanged.utf8.contains(UInt8(ascii: "/")), let ip = Normalizer.ipDroppingPort(Substring(refanged)) {
                record = IntelRecord(kind: .ip, value: ip.ip, entry: raw, line: line.number)
            } else if let kind = IntelKind.infer(Substring(refanged)),
                let value = Normalizer.normalize(Substring(refanged), as: kind)
            {
                record = IntelRecord(kind: kind, value: value, entry: raw, line: line.number)
            }
            if let record {
                try sink.emit([record])
            } else {
                sink.issue(
                    line.number,
                    .invalidValue,
                    "'\(raw.prefix(80))' is not an IP address, domain, URL or digest"
                )
            }
        }
    }

    static func refang(_ s: String) -> String {
        let u = s.utf8
        let defanged =
            u.contains(UInt8(ascii: "[")) || u.contains(UInt8(ascii: "("))
            || (u.first == UInt8(ascii: "h") || u.first == UInt8(ascii: "H")) && u.dropFirst().starts(with: "xx".utf8)
            || (u.first == UInt8(ascii: "h") || u.first == UInt8(ascii: "H")) && u.dropFirst().starts(with: "XX".utf8)
        if !defanged { return s }
        var s = s
        if s.lowercased().hasPrefix("hxxp") { s = "http" + s.dropFirst(4) }
        return s.replacingOccurrences(of: "[.]", with: ".").replacingOccurrences(of: "[:]", with: ":")
            .replacingOccurrences(of: "(.)", with: ".")
    }
}
