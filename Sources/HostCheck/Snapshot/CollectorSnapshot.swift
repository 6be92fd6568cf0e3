import ByteCursor
import Foundation

/// Reads the JSON snapshot written by `scripts/collect.ps1` (schema `emoguard.host-snapshot`, documented in
/// `docs/hostcheck.md`).
///
/// ```
/// { "schema": "emoguard.host-snapshot", "schemaVersion": 1, "hostname": "PC01", "volumeSerial": "1234-ABCD",
///   "systemDrive": "C:", "is64Bit": true,
///   "processes": [ {"name", "pid", "path", "commandLine"} ],
///   "registry":  [ {"root": "HKCU"|"HKLM", "user", "key", "values": [ {"name", "type", "string"|"hex"|"number"} ]} ],
///   "services":  [ {"name", "imagePath"} ],
///   "folders":   [ {"role": "LocalAppData"|"SysWOW64"|"System32", "user", "path",
///                   "entries": [ {"name", "dir", "size", "lastWrite" (FILETIME), "head" (hex), "children": [...]} ]} ],
///   "systemFiles": [ {"name", "size"} ], "allowlist": [ "folder names" ] }
/// ```
///
/// The document is untrusted: its size is bounded before it is decoded, and every list is bounded after.
public enum CollectorSnapshotReader {
    public static let schema = "emoguard.host-snapshot"
    public static let schemaVersion = 1

    struct Document: Decodable {
        var schema: String
        var schemaVersion: Int
        var collectedAt: String?
        var hostname: String?
        var volumeSerial: String?
        var systemDrive: String?
        var is64Bit: Bool?
        var processes: [Process]?
        var registry: [Key]?
        var services: [Service]?
        var folders: [Folder]?
        var systemFiles: [SystemFile]?
        var allowlist: [String]?
    }

    struct Process: Decodable {
        var name: String
        var pid: Int?
        var path: String?
        var commandLine: String?
    }

    struct Key: Decodable {
        var root: String
        var user: String?
        var key: String
        var values: [Value]?
    }

    struct Value: Decodable {
        var name: String
        var type: String
        var string: String?
        var strings: [String]?
        var hex: String?
        var number: UInt64?
    }

    struct Service: Decodable {
        var name: String
        var imagePath: String?
    }

    struct Folder: Decodable {
        var role: String
        var user: String?
        var path: String
        var truncated: Bool?
        var entries: [Entry]?
    }

    struct Entry: Decodable {
        var name: String
        var dir: Bool?
        var size: Int64?
        var lastWrite: UInt64?
        var head: String?
        var children: [Entry]?
    }

    struct SystemFile: Decodable {
        var name: String
        var size: Int64?
    }

    /// Reads a snapshot file.
    public static func read(path: String, limits: HostCheckLimits = .default) throws(HostCheckError) -> HostSnapshot {
        let bytes = try LocalFiles.readAll(path, limit: limits.maxSnapshotBytes)
        return try parse(bytes[...], source: path, limits: limits)
    }

    /// Parses a snapshot document (UTF-8 with or without a BOM, or UTF-16 as PowerShell 5's `>` writes).
    public static func parse(
        _ bytes: ArraySlice<UInt8>, source: String = "collector", limits: HostCheckLimits = .default
    ) throws(HostCheckError) -> HostSnapshot {
        guard limits.maxSnapshotBytes.allows(bytes.count) else {
            throw HostCheckError.limitExceeded(limits.maxSnapshotBytes, value: bytes.count, path: source)
        }
        let text = TextFiles.decode(bytes)
        let doc: Document
        do {
            doc = try JSONDecoder().decode(Document.self, from: Data(text.utf8))
        } catch {
            throw HostCheckError(.badSnapshot, "not a collector snapshot: \(Self.describe(error))", path: source)
        }
        guard doc.schema == schema else {
            throw HostCheckError(.badSnapshot, "schema is \"\(doc.schema)\", not \"\(schema)\"", path: source)
        }
        guard doc.schemaVersion == schemaVersion else {
            throw HostCheckError(.badSnapshot, "schemaVersion \(doc.schemaVersion) is not supported (1)", path: source)
        }
        return try snapshot(from: doc, source: source, limits: limits)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing \"\(key.stringValue)\" at \(path(ctx))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at \(path(ctx))"
        case DecodingError.dataCorrupted(let ctx):
            return "malformed JSON\(ctx.codingPath.isEmpty ? "" : " at " + path(ctx))"
        default:
            return "malformed JSON"
        }
    }

    static func path(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
    }

    static func snapshot(from doc: Document, source: String, limits: HostCheckLimits) throws(HostCheckError) -> HostSnapshot {
        var s = HostSnapshot(systemDrive: doc.systemDrive ?? "C:", is64Bit: doc.is64Bit)
        s.sources = [source]
        s.hostname = doc.hostname.flatMap { $0.isEmpty ? nil : $0 }
        if let serial = doc.volumeSerial {
            guard let v = VolumeSerialReader.parse(hex: serial) else {
                throw HostCheckError(.badSnapshot, "volumeSerial \"\(serial)\" is not XXXX-XXXX", path: source)
            }
            s.volumeSerial = VolumeSerial(v, source: "collector")
        }
        if let processes = doc.processes {
            try check(limits.maxProcesses, processes.count, source)
            s.addProcesses(
                processes.map {
                    ProcessRecord(
                        name: $0.name, pid: $0.pid, imagePath: nonEmpty($0.path), commandLine: nonEmpty($0.commandLine),
                        source: "collector")
                }, source: source, limit: limits.maxProcesses)
        }
        for key in doc.registry ?? [] {
            let root = key.root.uppercased()
            guard root == "HKCU" || root == "HKLM" else {
                throw HostCheckError(.badSnapshot, "registry root \"\(key.root)\" is not HKCU or HKLM", path: source)
            }
            let values = key.values ?? []
            try check(limits.maxValuesPerKey, values.count, source)
            let location = RegistryLocation(root: root, user: key.user, key: key.key, hiveFile: "collector")
            let lowerKey = key.key.lowercased()
            let isRun = lowerKey.hasSuffix("\\currentversion\\run")
            let isExplorer = lowerKey.hasSuffix("\\currentversion\\explorer")
            guard isRun || isExplorer else { continue }
            for v in values {
                let record = try value(v, location: location, source: source)
                if isRun { s.runValues.append(record) } else { s.explorerValues.append(record) }
            }
        }
        let services = doc.services ?? []
        try check(limits.maxServices, services.count, source)
        for svc in services {
            guard let image = nonEmpty(svc.imagePath) else { continue }
            s.services.append(
                ServiceRecord(
                    name: svc.name, imagePath: image,
                    location: RegistryLocation(
                        root: "HKLM", key: "SYSTEM\\CurrentControlSet\\Services\\" + svc.name, hiveFile: "collector")))
        }
        for folder in doc.folders ?? [] {
            guard let role = FolderRole(rawValue: folder.role) else {
                throw HostCheckError(.badSnapshot, "folder role \"\(folder.role)\" unknown", path: source)
            }
            var budget = limits.maxFolderEntries
            var entries: [FolderEntry] = []
            for e in folder.entries ?? [] {
                guard budget.maximum > 0 else { break }
                budget.maximum -= 1
                var entry = FolderEntry(record: try record(e, source: source))
                for c in e.children ?? [] {
                    guard budget.maximum > 0 else { break }
                    budget.maximum -= 1
                    entry.children.append(try record(c, source: source))
                }
                entries.append(entry)
            }
            s.folders.append(
                WatchedFolder(
                    role: role, user: folder.user, windowsPath: folder.path, entries: entries,
                    truncated: folder.truncated ?? false || budget.maximum <= 0))
        }
        if let files = doc.systemFiles {
            try check(limits.maxFolderEntries, files.count, source)
            s.systemFilesListed = true
            for f in files { s.systemFiles[f.name.lowercased()] = f.size ?? 0 }
        }
        if let allow = doc.allowlist {
            try check(limits.maxAllowlistDirectories, allow.count, source)
            s.allowlist = Set(allow.map { $0.lowercased() })
        }
        return s
    }

    static func check(_ limit: Limit, _ count: Int, _ source: String) throws(HostCheckError) {
        guard limit.allows(count) else { throw HostCheckError.limitExceeded(limit, value: count, path: source) }
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }

    static func record(_ e: Entry, source: String) throws(HostCheckError) -> FileRecord {
        var head: [UInt8]?
        if let h = e.head {
            guard let bytes = hexBytes(h) else {
                throw HostCheckError(.badSnapshot, "head of \"\(e.name)\" is not hex", path: source)
            }
            head = bytes
        }
        return FileRecord(
            name: e.name, isDirectory: e.dir ?? false, size: e.size ?? 0, lastWritten: e.lastWrite ?? 0, head: head)
    }

    static func value(_ v: Value, location: RegistryLocation, source: String) throws(HostCheckError) -> RegistryValueRecord {
        let kind = RegistryValueKind(rawValue: v.type.uppercased()) ?? .other
        var data: [UInt8] = []
        var text: String?
        if let h = v.hex {
            guard let bytes = hexBytes(h) else {
                throw HostCheckError(.badSnapshot, "value \"\(v.name)\" has data that is not hex", path: source)
            }
            data = bytes
            if kind.isString { text = RegistryText.decodeUTF16LE(bytes[...]) }
        } else if let string = v.string {
            text = string
            data = RegistryText.encodeUTF16LE(string)
        } else if let strings = v.strings {
            data = strings.flatMap { RegistryText.encodeUTF16LE($0) } + [0, 0]
        } else if let n = v.number {
            let width = kind == .qword ? 8 : 4
            data = (0..<width).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) }
        }
        return RegistryValueRecord(location: location, name: v.name, kind: kind, data: data, text: text)
    }

    /// Hex text (`4d5a`, `4D 5A`, `4d,5a`) as bytes; nil if it is not hex.
    static func hexBytes(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count / 2)
        var high: UInt8?
        for c in s.utf8 {
            if c == UInt8(ascii: " ") || c == UInt8(ascii: ",") || c == UInt8(ascii: "-") { continue }
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return high == nil ? out : nil
    }
}
