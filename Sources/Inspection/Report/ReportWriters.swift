import Foundation

/// The version of the JSON report format (`docs/report-format.md`). Bump on incompatible changes.
public let reportSchemaVersion = 1
/// Emoguard's version, as reports print it.
public let emoguardVersion = "0.1.0"

/// Writes the JSON report as a stream: header, one result at a time, summary last.
///
/// ```
/// {"schema":"emoguard.scan-report","schemaVersion":1,"tool":{...},"results":[ {...}, {...} ],"summary":{...}}
/// ```
/// Memory does not grow with the number of results, so a 2 GB mbox can be reported.
public struct JSONReportWriter {
    let write: (String) -> Void
    let encoder: JSONEncoder
    var count = 0

    public init(pretty: Bool = false, write: @escaping (String) -> Void) {
        self.write = write
        encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    }

    public mutating func begin(startedAt: Date = Date()) {
        let stamp = ISO8601DateFormatter().string(from: startedAt)
        write(
            "{\"schema\":\"emoguard.scan-report\",\"schemaVersion\":\(reportSchemaVersion),"
                + "\"tool\":{\"name\":\"emoguard\",\"version\":\"\(emoguardVersion)\"},"
                + "\"startedAt\":\"\(stamp)\",\"results\":[")
    }

    public mutating func add(_ result: ScanResult) {
        write((count == 0 ? "\n" : ",\n") + String(decoding: result.jsonBytes, as: UTF8.self))
        count += 1
    }

    public mutating func end(_ summary: RunSummary) {
        let s = (try? encoder.encode(summary)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        write("\n],\"summary\":\(s)}\n")
    }
}

/// Writes the report for people: colour on a terminal, plain text otherwise.
public struct TextReportWriter {
    public var color: Bool
    /// Print the artifact tree and clean results too.
    public var verbose: Bool
    let write: (String) -> Void

    public init(color: Bool, verbose: Bool, write: @escaping (String) -> Void) {
        self.color = color
        self.verbose = verbose
        self.write = write
    }

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    /// Untrusted text made safe for a terminal: control characters (escape sequences included) become `\u{…}`.
    static func printable(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F || (0x80...0x9F).contains($0.value) })
        else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if u.value < 0x20 && u != "\t" || u.value == 0x7F || (0x80...0x9F).contains(u.value) {
                out += "\\u{\(String(u.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    func badge(_ v: VerdictLevel) -> String {
        switch v {
        case .clean: paint("CLEAN", "32")
        case .suspicious: paint("SUSPICIOUS", "33;1")
        case .malicious: paint("MALICIOUS", "31;1")
        }
    }

    func severity(_ s: Severity) -> String {
        let label = s.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        switch s {
        case .critical: return paint(label, "31;1")
        case .high: return paint(label, "31")
        case .medium: return paint(label, "33")
        case .low: return paint(label, "36")
        case .info: return paint(label, "2")
        }
    }

    public func add(_ r: ScanResult) {
        if let error = r.error {
            write("\(paint("ERROR", "35;1"))  \(Self.printable(r.label)): \(Self.printable(error))\n")
            return
        }
        if r.verdict == .clean && !verbose {
            return
        }
        var s = "\(badge(r.verdict))  score \(r.score)  \(Self.printable(r.label))\n"
        if let props = r.root.properties, props["mail.subject"] != nil || props["mail.from"] != nil {
            s += "  \(paint("From:", "2")) \(Self.printable(props["mail.from"] ?? "-"))  \(paint("Subject:", "2")) \(Self.printable(props["mail.subject"] ?? "-"))\n"
        }
        let shown = verbose ? r.findings : r.findings.filter { $0.severity > .info }
        for f in shown {
            s += "  \(severity(f.severity)) \(paint(f.id, "1"))  \(f.title)\n"
            var where_ = Self.printable(f.evidence.path)
            if let line = f.evidence.line { where_ += ":\(line)" }
            if let off = f.evidence.offset { where_ += " @\(off)" }
            s += "           \(where_)\n           \(Self.printable(f.message))\n"
            if let d = f.evidence.detail, !f.message.contains(d) { s += "           \(paint(Self.printable(d), "2"))\n" }
        }
        if verbose {
            s += "  artifacts:\n"
            func tree(_ n: ArtifactNode, _ indent: String) {
                var line = "\(indent)\(Self.printable(n.path.split(separator: "/").last.map(String.init) ?? n.path))  [\(n.type)] \(n.size) B"
                if let p = n.paddingBytes { line += " (+\(p) B zero padding)" }
                if let h = n.hashes.sha256 ?? n.hashes.sha1 ?? n.hashes.md5 { line += "  \(h.prefix(16))…" }
                s += line + "\n"
                for c in n.children { tree(c, indent + "  ") }
            }
            tree(r.root, "    ")
        }
        write(s)
    }

    public func end(_ summary: RunSummary) {
        var s = "\n\(summary.scanned) scanned: \(summary.clean) clean, "
        s += "\(paint(String(summary.suspicious), summary.suspicious > 0 ? "33;1" : "0")) suspicious, "
        s += "\(paint(String(summary.malicious), summary.malicious > 0 ? "31;1" : "0")) malicious"
        if summary.errors > 0 { s += ", \(paint(String(summary.errors), "35;1")) errors" }
        let mb = Double(summary.bytes) / 1_048_576
        s += String(format: " (%.1f MB in %.2f s)\n", mb, summary.durationSeconds)
        write(s)
    }
}
