import Foundation
import Inspection

/// The text report, in English or Japanese: every detection with its generation, evidence and confirmation, the
/// result, and what to do next.
public enum HostCheckTextReport {
    public static func render(_ r: HostCheckResult, language lang: ReportLanguage) -> String {
        let rule = "____________________________________________________"
        var out: [String] = []
        func field(_ key: String, _ value: String) {
            let label = Text.label(key, lang)
            let width = lang == .ja ? 16 : 14
            let pad = String(repeating: " ", count: max(1, width - Printable.width(label)))
            out.append("     \(label)\(pad): \(value)")
        }
        let indent = String(repeating: " ", count: 5 + (lang == .ja ? 16 : 14) + 2)
        func more(_ value: String) { out.append(indent + value) }

        out.append(Text.label("header", lang))
        out.append(rule)
        out.append("\(Text.label("host", lang)): \(Printable.escape(r.hostname ?? Text.label("unknown", lang)))")
        if let serial = r.volumeSerial {
            out.append("\(Text.label("serial", lang)): \(serial.formatted) (\(Printable.escape(serial.source)))")
        } else {
            out.append("\(Text.label("serial", lang)): \(Text.label("unknown", lang))")
        }
        if let count = r.processCount, let sources = r.processSources {
            let listed = lang == .ja ? "\(count) \(Text.label("processesListed", lang))" : "\(count) \(Text.label("processesListed", lang))"
            out.append("\(Text.label("processes", lang)): \(listed) (\(sources.map(Printable.escape).joined(separator: ", ")))")
        } else {
            out.append("\(Text.label("processes", lang)): \(Text.label("none", lang))")
        }
        out.append(rule)

        for d in r.detections {
            out.append("")
            out.append("\(Text.label("detected", lang)): \(d.generation.rawValue) (\(Text.period(d.generation, lang)))")
            field("rule", "\(Text.title(d.rule, lang)) [\(d.rule)]")
            if lang == .en { field("what", Printable.escape(d.summary)) }
            if let f = d.file {
                field("file", Printable.escape(f.windowsPath))
                var facts = "\(f.size) \(Text.label("bytes", lang)), \(Text.label("lastWritten", lang)) \(f.lastWrittenISO)"
                if f.isPE == true { facts += ", PE (MZ)" }
                more(facts)
                if let i = f.inspection {
                    var content = "\(i.type), \(i.verdict)"
                    if let p = i.paddingBytes, p > 0 { content += ", \(p >> 20) MB \(Text.label("padding", lang))" }
                    field("content", content)
                    if let sha = i.sha256 { more("sha256 \(sha)") }
                    for finding in i.findings.prefix(5) {
                        more("\(finding.severity.uppercased()) \(finding.id): \(Printable.escape(finding.message))")
                    }
                }
            }
            for (n, e) in d.registry.enumerated() {
                let source = [e.hiveFile, e.user.map { "user \($0)" }].compactMap { $0 }.joined(separator: ", ")
                let line = Printable.escape(e.display) + (source.isEmpty ? "" : " (\(Printable.escape(source)))")
                if n == 0 { field("registry", line) } else { more(line) }
                more("= " + Printable.escape(e.data))
            }
            for (n, p) in d.processes.prefix(5).enumerated() {
                var line = Printable.escape(p.name) + (p.pid.map { " (PID \($0))" } ?? "")
                if let c = p.commandLine { line += ": " + Printable.escape(c) } else if let i = p.imagePath { line += ": " + Printable.escape(i) }
                if n == 0 { field("process", line) } else { more(line) }
            }
            field("admin", Text.label(d.isAdmin ? "adminYes" : "adminNo", lang))
            field("status", Text.confirmation(d.confirmation, lang))
        }
        if !r.detections.isEmpty { out.append(rule) }
        out.append("")
        switch r.status {
        case .infected: out.append(Text.label("resultInfected", lang))
        case .persistenceFound: out.append(Text.label("resultPersistence", lang))
        case .clean: out.append(Text.label("resultClean", lang))
        }
        if r.isInfected {
            out.append("")
            out.append(Text.label("next", lang))
            for (i, step) in Text.nextSteps(lang).enumerated() { out.append("  \(i + 1). \(step)") }
        } else {
            out.append(Text.label("cleanCaveat", lang))
        }
        if !r.skipped.isEmpty {
            out.append("")
            out.append("\(Text.label("skipped", lang)):")
            for s in r.skipped { out.append("  - \(s.generation.rawValue): \(s.reason)") }
        }
        if !r.notes.isEmpty {
            out.append("")
            out.append("\(Text.label("notes", lang)):")
            for n in r.notes { out.append("  - [\(n.id)] \(Printable.escape(n.message))" + (n.path.map { " (\(Printable.escape($0)))" } ?? "")) }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// The JSON report (schema `emoguard.host-check`, documented in `docs/hostcheck.md`).
public enum HostCheckJSONReport {
    public static let schema = "emoguard.host-check"
    public static let schemaVersion = 1

    struct Document: Encodable {
        var schema = HostCheckJSONReport.schema
        var schemaVersion = HostCheckJSONReport.schemaVersion
        var tool: [String: String] = ["name": "emoguard", "version": emoguardVersion]
        var checkedAt: String
        var host: Host
        var status: HostStatus
        var infected: Bool
        var detections: [HostDetection]
        var skipped: [SkippedGeneration]
        var notes: [SnapshotNote]
        var processes: Processes?
        var sources: [String]
        var nextSteps: [String]
    }

    struct Host: Encodable {
        var hostname: String?
        var volumeSerial: String?
        var volumeSerialSource: String?
        var systemDrive: String
    }

    struct Processes: Encodable {
        var sources: [String]
        var count: Int
    }

    /// The report as UTF-8 JSON.
    public static func render(_ r: HostCheckResult, checkedAt: Date = Date(), pretty: Bool = true) -> Data {
        let doc = Document(
            checkedAt: ISO8601DateFormatter().string(from: checkedAt),
            host: Host(
                hostname: r.hostname, volumeSerial: r.volumeSerial?.formatted, volumeSerialSource: r.volumeSerial?.source,
                systemDrive: r.systemDrive),
            status: r.status, infected: r.isInfected, detections: r.detections, skipped: r.skipped, notes: r.notes,
            processes: r.processSources.map { Processes(sources: $0, count: r.processCount ?? 0) }, sources: r.sources,
            nextSteps: r.isInfected ? Text.nextSteps(.en) : [])
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(doc)) ?? Data("{}".utf8)
    }
}

/// EmoCheck's own JSON report, so that tools built for EmoCheck's reports read Emoguard's.
///
/// EmoCheck (main.cpp `JsonReport`) writes `[output]\<computer name>_yyyymmddhhmmss_emocheck.json`:
///
/// ```
/// {
///   "scan_time":"2020-02-10 13:06:20",
///   "hostname":"[your hostname]",
///   "emocheck_version":"0.0.2",
///   "is_infected":"yes",
///   "emotet_processes":[
///     { "process_name":"mstask.exe", "process_id":"716", "image_path":"C:\\Users\\...\\mstask.exe" }
///   ]
/// }
/// ```
///
/// Emoguard writes the same keys in the same order, named `<HOST>_yyyymmddhhmmss_emoguard.json`, with
/// `emocheck_version` `emoguard-<version>` and a `registry_key` per process (the Run value, service or Explorer value
/// of the detection, `""` when there is none). `is_infected` is `"yes"` for every detection, running or not (a
/// machine with Emotet's persistence is infected even if Emotet is not running now); an entry that no running
/// process confirms has `process_id` `"0"` and the process name Emotet would run as. With no detection,
/// `emotet_processes` is left out, as EmoCheck does.
public enum EmoCheckReport {
    /// `emocheck_version`.
    public static var version: String { "emoguard-\(emoguardVersion)" }

    /// `<HOST>_yyyymmddhhmmss_emoguard.json`; the host name stripped of characters a file name cannot hold.
    public static func fileName(hostname: String?, stamp: String) -> String {
        let host = (hostname ?? "").unicodeScalars.filter { c in
            !(c.value < 0x20 || "/\\:*?\"<>|".unicodeScalars.contains(c))
        }
        return String(String.UnicodeScalarView(host)) + "_" + stamp + "_emoguard.json"
    }

    /// One `emotet_processes` entry.
    public struct Entry: Sendable, Hashable {
        public var processName: String
        public var processID: String
        public var imagePath: String
        public var registryKey: String
    }

    /// The entries for a result: one per confirming process, or one per unconfirmed detection.
    public static func entries(_ r: HostCheckResult) -> [Entry] {
        var out: [Entry] = []
        var seen: Set<String> = []
        for d in r.detections {
            let image = d.file?.windowsPath ?? d.processes.first?.effectiveImagePath ?? ""
            let key = d.registry.first?.display ?? ""
            if d.confirmation == .running && !d.processes.isEmpty {
                for p in d.processes {
                    let pid = p.pid.map(String.init) ?? "0"
                    guard seen.insert("\(pid)|\(image.lowercased())").inserted else { continue }
                    out.append(Entry(processName: p.name, processID: pid, imagePath: image, registryKey: key))
                }
            } else {
                guard seen.insert("0|\(image.lowercased())|\(key.lowercased())").inserted else { continue }
                out.append(Entry(processName: d.processName, processID: "0", imagePath: image, registryKey: key))
            }
        }
        return out
    }

    /// The report; `scanTime` is `yyyy-mm-dd hh:mm:ss` in local time, as EmoCheck writes it.
    public static func render(_ r: HostCheckResult, scanTime: String) -> String {
        var s = "{\n"
        s += "  \"scan_time\":\(quote(scanTime)),\n"
        s += "  \"hostname\":\(quote(r.hostname ?? "")),\n"
        s += "  \"emocheck_version\":\(quote(version)),\n"
        guard r.isInfected else { return s + "  \"is_infected\":\"no\"\n}\n" }
        s += "  \"is_infected\":\"yes\",\n  \"emotet_processes\":[\n"
        let list = entries(r)
        for (i, e) in list.enumerated() {
            s += "    {\n"
            s += "      \"process_name\":\(quote(e.processName)),\n"
            s += "      \"process_id\":\(quote(e.processID)),\n"
            s += "      \"image_path\":\(quote(e.imagePath)),\n"
            s += "      \"registry_key\":\(quote(e.registryKey))\n"
            s += i == list.count - 1 ? "    }\n" : "    },\n"
        }
        return s + "  ]\n}\n"
    }

    /// A JSON string literal (backslashes, quotes and control characters escaped).
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
