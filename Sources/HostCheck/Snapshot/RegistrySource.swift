import ByteCursor

/// One value of a registry key, as a ``RegistrySource`` returns it.
public struct RegistryEntry: Sendable, Hashable {
    public var name: String
    public var kind: RegistryValueKind
    public var data: [UInt8]
    /// The text of a REG_SZ or REG_EXPAND_SZ value (decoded by the source, or from `data`).
    public var text: String?

    public init(name: String, kind: RegistryValueKind, data: [UInt8], text: String? = nil) {
        self.name = name
        self.kind = kind
        self.data = data
        self.text = text ?? (kind.isString ? RegistryText.decodeUTF16LE(data[...]) : nil)
    }

    /// A REG_SZ (or REG_EXPAND_SZ) value.
    public static func string(_ name: String, _ text: String, expand: Bool = false) -> RegistryEntry {
        RegistryEntry(name: name, kind: expand ? .expandString : .string, data: RegistryText.encodeUTF16LE(text), text: text)
    }

    /// A REG_BINARY value.
    public static func binary(_ name: String, _ data: [UInt8]) -> RegistryEntry {
        RegistryEntry(name: name, kind: .binary, data: data)
    }

    /// A REG_DWORD value.
    public static func dword(_ name: String, _ value: UInt32) -> RegistryEntry {
        RegistryEntry(name: name, kind: .dword, data: (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) })
    }

    /// The integer of a REG_DWORD or REG_QWORD value.
    public var integer: UInt64? {
        switch kind {
        case .dword where data.count >= 4:
            return (0..<4).reduce(UInt64(0)) { $0 | UInt64(data[$1]) << ($1 * 8) }
        case .qword where data.count >= 8:
            return (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[$1]) << ($1 * 8) }
        default:
            return nil
        }
    }
}

/// Read access to one registry hive: what the detection needs of it, and nothing more.
///
/// Paths are backslash-separated, relative to the hive root and compared case-insensitively, as
/// `RegistryHive.key(path:)` takes them (`Software\Microsoft\Windows\CurrentVersion\Run` in NTUSER.DAT,
/// `Microsoft\Windows\CurrentVersion\Run` in SOFTWARE). A missing key has no values and no subkeys. Tests use
/// ``InMemoryRegistry``; a triage folder's hives are read through the `Registry` module.
public protocol RegistrySource: Sendable {
    /// The values of the key at `keyPath`; empty when the key does not exist.
    func values(at keyPath: String) -> [RegistryEntry]
    /// The names of the subkeys of the key at `keyPath`; empty when the key does not exist.
    func subkeyNames(at keyPath: String) -> [String]
}

extension RegistrySource {
    /// The value `name` of the key at `keyPath` (names compared case-insensitively).
    public func value(_ name: String, at keyPath: String) -> RegistryEntry? {
        let lower = name.lowercased()
        return values(at: keyPath).first { $0.name.lowercased() == lower }
    }
}

/// A registry held in memory: keys by path, for tests and hand-made snapshots.
public struct InMemoryRegistry: RegistrySource {
    private var keys: [String: [RegistryEntry]] = [:]
    private var children: [String: [String]] = [:]

    public init() {}

    /// A registry with these keys and values.
    public init(_ keys: [String: [RegistryEntry]]) {
        for (path, values) in keys { set(path, values) }
    }

    static func normalize(_ path: String) -> String {
        path.split(separator: "\\", omittingEmptySubsequences: true).joined(separator: "\\").lowercased()
    }

    /// Creates the key at `path` (and its parents) with `values`, replacing values of the same name.
    public mutating func set(_ path: String, _ values: [RegistryEntry]) {
        let parts = path.split(separator: "\\", omittingEmptySubsequences: true).map(String.init)
        var parent = ""
        for (i, part) in parts.enumerated() {
            let here = parts[0...i].joined(separator: "\\").lowercased()
            if keys[here] == nil {
                keys[here] = []
                children[parent, default: []].append(part)
            }
            parent = here
        }
        let key = Self.normalize(path)
        var existing = keys[key] ?? []
        for v in values {
            existing.removeAll { $0.name.lowercased() == v.name.lowercased() }
            existing.append(v)
        }
        keys[key] = existing
    }

    public func values(at keyPath: String) -> [RegistryEntry] { keys[Self.normalize(keyPath)] ?? [] }

    public func subkeyNames(at keyPath: String) -> [String] { children[Self.normalize(keyPath)] ?? [] }
}

/// Which hive a ``RegistrySource`` is, for ``RegistryFacts``.
public enum HiveKind: Sendable, Hashable {
    /// A user's NTUSER.DAT (HKCU).
    case user(String)
    /// HKLM\SOFTWARE.
    case software
    /// HKLM\SYSTEM.
    case system
}

/// Extracts from hives the values the detection looks at: Run keys, the Explorer key, services, the computer name.
public enum RegistryFacts {
    /// `Software\Microsoft\Windows\CurrentVersion\Run`, below HKCU or (without `Software\`) SOFTWARE.
    public static let runKey = "Microsoft\\Windows\\CurrentVersion\\Run"
    /// `Software\Microsoft\Windows\CurrentVersion\Explorer`, the v2 key (scan_v2.cpp `GetEmotetFileNameFromRegistry`).
    public static let explorerKey = "Microsoft\\Windows\\CurrentVersion\\Explorer"

    /// Adds what `source` holds to `snapshot`. `hiveFile` names the hive in the report.
    public static func add(
        _ source: any RegistrySource, as kind: HiveKind, hiveFile: String?, to snapshot: inout HostSnapshot,
        limits: HostCheckLimits = .default
    ) {
        switch kind {
        case .user(let user):
            for (path, into) in [("Software\\" + runKey, true), ("Software\\" + explorerKey, false)] {
                let loc = RegistryLocation(root: "HKCU", user: user, key: path, hiveFile: hiveFile)
                let records = records(source, path: path, location: loc, limits: limits, snapshot: &snapshot)
                if into { snapshot.runValues += records } else { snapshot.explorerValues += records }
            }
        case .software:
            for prefix in ["", "WOW6432Node\\"] {
                for (path, into) in [(prefix + runKey, true), (prefix + explorerKey, false)] {
                    let loc = RegistryLocation(root: "HKLM", key: "SOFTWARE\\" + path, hiveFile: hiveFile)
                    let records = records(source, path: path, location: loc, limits: limits, snapshot: &snapshot)
                    if into { snapshot.runValues += records } else { snapshot.explorerValues += records }
                }
            }
        case .system:
            let controlSet = currentControlSet(source)
            if snapshot.hostname == nil {
                for set in [controlSet, "ControlSet001"] {
                    let path = set + "\\Control\\ComputerName\\ComputerName"
                    if let name = source.value("ComputerName", at: path)?.text, !name.isEmpty {
                        snapshot.hostname = name
                        break
                    }
                }
            }
            let servicesPath = controlSet + "\\Services"
            var names = source.subkeyNames(at: servicesPath)
            if !limits.maxServices.allows(names.count) {
                snapshot.notes.append(
                    SnapshotNote(
                        id: "services-truncated",
                        message: "\(limits.maxServices.name): \(names.count) services, only the first \(limits.maxServices.maximum) read",
                        path: hiveFile))
                names = Array(names.prefix(limits.maxServices.maximum))
            }
            for name in names {
                let path = servicesPath + "\\" + name
                guard let image = source.value("ImagePath", at: path), let text = image.text ?? expandedText(image),
                    !text.isEmpty
                else { continue }
                snapshot.services.append(
                    ServiceRecord(
                        name: name, imagePath: text,
                        location: RegistryLocation(root: "HKLM", key: "SYSTEM\\" + path, hiveFile: hiveFile)))
            }
        }
    }

    /// `ControlSet00N` from `Select\Current`, else `ControlSet001`.
    public static func currentControlSet(_ source: any RegistrySource) -> String {
        if let n = source.value("Current", at: "Select")?.integer, n >= 1, n <= 999 {
            let digits = String(n)
            return "ControlSet" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
        }
        return "ControlSet001"
    }

    static func expandedText(_ e: RegistryEntry) -> String? {
        e.kind.isString ? RegistryText.decodeUTF16LE(e.data[...]) : nil
    }

    static func records(
        _ source: any RegistrySource, path: String, location: RegistryLocation, limits: HostCheckLimits,
        snapshot: inout HostSnapshot
    ) -> [RegistryValueRecord] {
        var values = source.values(at: path)
        if !limits.maxValuesPerKey.allows(values.count) {
            snapshot.notes.append(
                SnapshotNote(
                    id: "values-truncated",
                    message: "\(limits.maxValuesPerKey.name): \(location.display) has \(values.count) values",
                    path: location.hiveFile))
            values = Array(values.prefix(limits.maxValuesPerKey.maximum))
        }
        return values.map {
            RegistryValueRecord(location: location, name: $0.name, kind: $0.kind, data: $0.data, text: $0.text)
        }
    }
}
