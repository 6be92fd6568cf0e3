/// A direct JSON serializer for results: the same document `JSONEncoder` writes from the `Codable` types (keys
/// sorted, no escaped slashes), at a fraction of the cost on large mbox runs. `ReportJSONTests` checks that both
/// agree.
struct JSONOut {
    var bytes: [UInt8] = []

    init(reserve: Int = 4096) { bytes.reserveCapacity(reserve) }

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ s: String) {
        bytes.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0x08: bytes.append(contentsOf: [0x5C, 0x62])
            case 0x0C: bytes.append(contentsOf: [0x5C, 0x66])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }

    mutating func int(_ v: Int) { bytes.append(contentsOf: String(v).utf8) }

    mutating func double(_ v: Double) {
        if v.isFinite, v == v.rounded(), abs(v) < 1e15 {
            bytes.append(contentsOf: String(Int(v)).utf8)
        } else {
            bytes.append(contentsOf: String(v).utf8)
        }
    }

    /// Writes `"key":` with a leading comma unless it is the first member.
    mutating func key(_ k: StaticString, first: inout Bool) {
        if !first { bytes.append(0x2C) }
        first = false
        bytes.append(0x22)
        raw(k)
        bytes.append(0x22)
        bytes.append(0x3A)
    }

    mutating func evidence(_ e: Evidence) {
        var first = true
        bytes.append(0x7B)
        if let d = e.detail { key("detail", first: &first); string(d) }
        if let l = e.line { key("line", first: &first); int(l) }
        if let o = e.offset { key("offset", first: &first); int(o) }
        key("path", first: &first); string(e.path)
        bytes.append(0x7D)
    }

    mutating func finding(_ f: Finding) {
        var first = true
        bytes.append(0x7B)
        key("evidence", first: &first); evidence(f.evidence)
        key("id", first: &first); string(f.id)
        key("message", first: &first); string(f.message)
        key("score", first: &first); double(f.score)
        key("severity", first: &first); string(f.severity.rawValue)
        key("title", first: &first); string(f.title)
        bytes.append(0x7D)
    }

    mutating func node(_ n: ArtifactNode) {
        var first = true
        bytes.append(0x7B)
        key("children", first: &first)
        bytes.append(0x5B)
        for (i, c) in n.children.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            node(c)
        }
        bytes.append(0x5D)
        if let d = n.declaredType { key("declaredType", first: &first); string(d) }
        key("hashes", first: &first)
        var firstHash = true
        bytes.append(0x7B)
        if let h = n.hashes.md5 { key("md5", first: &firstHash); string(h) }
        if let h = n.hashes.sha1 { key("sha1", first: &firstHash); string(h) }
        if let h = n.hashes.sha256 { key("sha256", first: &firstHash); string(h) }
        bytes.append(0x7D)
        if let name = n.name { key("name", first: &first); string(name) }
        if let o = n.originalSize { key("originalSize", first: &first); int(o) }
        if let p = n.paddingBytes { key("paddingBytes", first: &first); int(p) }
        key("path", first: &first); string(n.path)
        if let props = n.properties {
            key("properties", first: &first)
            bytes.append(0x7B)
            for (i, k) in props.keys.sorted().enumerated() {
                if i > 0 { bytes.append(0x2C) }
                string(k)
                bytes.append(0x3A)
                string(props[k] ?? "")
            }
            bytes.append(0x7D)
        }
        key("size", first: &first); int(n.size)
        if let t = n.truncated { key("truncated", first: &first); raw(t ? "true" : "false") }
        key("type", first: &first); string(n.type.rawValue)
        bytes.append(0x7D)
    }

    mutating func result(_ r: ScanResult) {
        var first = true
        bytes.append(0x7B)
        key("durationMilliseconds", first: &first); double(r.durationMilliseconds)
        if let e = r.error { key("error", first: &first); string(e) }
        key("findings", first: &first)
        bytes.append(0x5B)
        for (i, f) in r.findings.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            finding(f)
        }
        bytes.append(0x5D)
        key("input", first: &first); string(r.input)
        if let v = r.messageIndex { key("messageIndex", first: &first); int(v) }
        if let v = r.messageLine { key("messageLine", first: &first); int(v) }
        if let v = r.messageOffset { key("messageOffset", first: &first); int(v) }
        key("root", first: &first); node(r.root)
        key("score", first: &first); double(r.score)
        key("verdict", first: &first); string(r.verdict.rawValue)
        bytes.append(0x7D)
    }
}

extension ScanResult {
    /// The result as compact JSON (keys sorted), as the report writes it.
    public var jsonBytes: [UInt8] {
        var out = JSONOut()
        out.result(self)
        return out.bytes
    }
}
