import ByteCursor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a ``HostSnapshot`` from a triage collection in KAPE's layout, a Velociraptor collection or a mounted
/// Windows volume.
///
/// ```
///  TRIAGE_DIR/                       the folder given, or a folder up to 4 levels below it, that holds
///    C/  (or C%3A/, %5C%5C.%5CC%3A/)  Windows/ or Users/ (names compared ignoring case)
///      $Boot                         NTFS boot sector: the volume serial number
///      Windows/System32/config/      SOFTWARE, SYSTEM (+ .LOG1/.LOG2): HKLM Run keys, services, computer name
///      Windows/System32/, SysWOW64/  file names (v3), subfolders one level down (v4, v5, 2022-2023)
///      Users/<user>/NTUSER.DAT       HKCU Run and Explorer keys
///      Users/<user>/AppData/Local/   %LOCALAPPDATA%, listed two levels deep
///      Users/<user>/AppData/Roaming/, Program Files/, Program Files (x86)/   EmoCheck v4's allowlist
/// ```
///
/// Timestamps are the files' modification times and file heads are read from the files themselves. Symbolic links
/// are never followed. What is missing or unreadable becomes a ``SnapshotNote``; only a folder with no Windows
/// volume at all is an error.
public struct TriageFolderReader: Sendable {
    /// Turns a hive's bytes and its transaction logs into a registry.
    public typealias HiveReader = @Sendable (_ hive: ArraySlice<UInt8>, _ logs: [[UInt8]]) throws -> any RegistrySource

    public var limits: HostCheckLimits
    public var hiveReader: HiveReader

    public init(limits: HostCheckLimits = .default, hiveReader: @escaping HiveReader = TriageFolderReader.regfReader) {
        self.limits = limits
        self.hiveReader = hiveReader
    }

    /// Reads hives with the `Registry` module.
    public static let regfReader: HiveReader = { bytes, logs in try HiveRegistrySource(parsing: bytes, logs: logs) }

    /// The Windows volume inside `path`: its folder and drive letter.
    public struct VolumeRoot: Sendable, Hashable {
        public var path: String
        /// `C:` unless the folder's name says another letter (`D`, `D%3A`).
        public var drive: String
    }

    /// Finds the volume root: `path` itself when it holds `Windows` or `Users`, else the shallowest folder below it
    /// (a drive-letter folder first: `C`, `C%3A`) that does, up to ``HostCheckLimits/maxVolumeSearchDepth``.
    public func findVolumeRoot(_ path: String) -> VolumeRoot? {
        var level = [path]
        for depth in 0...limits.maxVolumeSearchDepth.maximum {
            var next: [String] = []
            // Drive-letter folders first, so that `C` wins over a sibling `uploads` folder.
            let ordered = level.sorted { Self.driveLetter(of: $0) != nil && Self.driveLetter(of: $1) == nil }
            for dir in ordered {
                if isVolume(dir) {
                    let letter = Self.driveLetter(of: dir) ?? "C"
                    return VolumeRoot(path: dir, drive: letter + ":")
                }
                if depth < limits.maxVolumeSearchDepth.maximum {
                    var count = 0
                    LocalFiles.forEachEntry(dir) { name, kind in
                        if kind == .directory && !name.hasPrefix(".") {
                            next.append(dir + "/" + name)
                            count += 1
                        }
                        return count < 256
                    }
                }
            }
            if next.isEmpty { break }
            level = Array(next.prefix(4096))
        }
        return nil
    }

    func isVolume(_ dir: String) -> Bool {
        LocalFiles.resolve(dir, ["Windows", "System32"], kind: .directory) != nil
            || LocalFiles.child(dir, "Users", kind: .directory) != nil
            || LocalFiles.child(dir, "Windows", kind: .directory) != nil
    }

    /// `C` for a folder named `C`, `c`, `C:`, `C%3A` or `%5C%5C.%5CC%3A` (Velociraptor's `\\.\C:`).
    static func driveLetter(of path: String) -> String? {
        let name = percentDecoded(String(path.split(separator: "/").last ?? ""))
        var s = Substring(name)
        if s.hasPrefix("\\\\.\\") { s = s.dropFirst(4) }
        if s.hasSuffix(":") { s = s.dropLast() }
        guard s.count == 1, let c = s.first, c.isASCII, c.isLetter else { return nil }
        return c.uppercased()
    }

    static func percentDecoded(_ s: String) -> String {
        var bytes: [UInt8] = []
        var u = Array(s.utf8)[...]
        while let b = u.popFirst() {
            if b == UInt8(ascii: "%"), u.count >= 2, let v = UInt8(String(decoding: u.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                u = u.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads the collection at `path`.
    public func read(_ path: String) throws(HostCheckError) -> HostSnapshot {
        guard let top = LocalFiles.followedInfo(path) else { throw HostCheckError(.notFound, "no such folder", path: path) }
        guard top.kind == .directory else { throw HostCheckError(.notFound, "not a folder", path: path) }
        guard let volume = findVolumeRoot(path) else {
            throw HostCheckError(
                .notWindowsVolume, "no Windows volume (a folder holding Windows/ or Users/) found", path: path)
        }
        var snapshot = HostSnapshot(systemDrive: volume.drive)
        snapshot.sources.append(volume.path)
        let root = volume.path
        func rel(_ p: String) -> String {
            p.hasPrefix(root + "/") ? String(p.dropFirst(root.count + 1)) : p
        }

        let windows = LocalFiles.child(root, "Windows", kind: .directory)
        let system32 = windows.flatMap { LocalFiles.child($0, "System32", kind: .directory) }
        let sysWOW64 = windows.flatMap { LocalFiles.child($0, "SysWOW64", kind: .directory) }
        if sysWOW64 != nil { snapshot.is64Bit = true }

        // Hives: SYSTEM first (computer name), then SOFTWARE, then every user's NTUSER.DAT.
        let config = system32.flatMap { LocalFiles.child($0, "config", kind: .directory) }
        for (name, kind) in [("SYSTEM", HiveKind.system), ("SOFTWARE", HiveKind.software)] {
            guard let config, let hive = LocalFiles.child(config, name, kind: .file) else {
                snapshot.notes.append(
                    SnapshotNote(
                        id: "hive-missing", message: "no \(name) hive (Windows/System32/config/\(name))", path: nil))
                continue
            }
            readHive(hive, kind: kind, label: rel(hive), into: &snapshot)
        }
        let users = LocalFiles.child(root, "Users", kind: .directory)
        var profiles: [(name: String, path: String)] = []
        if let users {
            let (entries, truncated) = LocalFiles.list(users, limit: limits.maxUsers)
            if truncated {
                snapshot.notes.append(
                    SnapshotNote(id: "users-truncated", message: "\(limits.maxUsers.name) reached", path: rel(users)))
            }
            profiles = entries.filter { $0.kind == .directory }.map { ($0.name, users + "/" + $0.name) }
                .sorted { $0.name < $1.name }
        }
        for profile in profiles {
            if let hive = LocalFiles.child(profile.path, "NTUSER.DAT", kind: .file) {
                readHive(hive, kind: .user(profile.name), label: rel(hive), into: &snapshot)
            }
        }
        if profiles.isEmpty {
            snapshot.notes.append(SnapshotNote(id: "no-profiles", message: "no user profiles (Users/*)", path: nil))
        }

        // The volume serial number: $Boot (KAPE keeps it as `$Boot`, Velociraptor as `%24Boot`).
        for name in ["$Boot", "%24Boot"] {
            if let boot = LocalFiles.child(root, name, kind: .file),
                let head = LocalFiles.head(boot, count: 512),
                let serial = VolumeSerialReader.fromBootSector(head[...])
            {
                snapshot.volumeSerial = VolumeSerial(serial, source: "NTFS boot sector (\(rel(boot)))")
                break
            }
        }

        // Watched folders.
        for profile in profiles {
            guard let local = LocalFiles.resolve(profile.path, ["AppData", "Local"], kind: .directory) else { continue }
            let win = WindowsPaths.join([volume.drive, "Users", profile.name, "AppData", "Local"])
            snapshot.folders.append(listFolder(local, role: .localAppData, user: profile.name, windowsPath: win, into: &snapshot, label: rel(local)))
        }
        if let sysWOW64 {
            let win = WindowsPaths.join([volume.drive, "Windows", WindowsPaths.fileName(sysWOW64)])
            snapshot.folders.append(listFolder(sysWOW64, role: .systemX86, user: nil, windowsPath: win, into: &snapshot, label: rel(sysWOW64)))
        }
        if let system32 {
            let win = WindowsPaths.join([volume.drive, "Windows", WindowsPaths.fileName(system32)])
            let role: FolderRole = sysWOW64 == nil ? .systemX86 : .system32
            snapshot.folders.append(listFolder(system32, role: role, user: nil, windowsPath: win, into: &snapshot, label: rel(system32)))
        }

        // System file names (EmoCheck v3's keywords): System32 first, then SysWOW64.
        for dir in [system32, sysWOW64].compactMap({ $0 }) {
            snapshot.systemFilesListed = true
            let (entries, _) = LocalFiles.list(dir, limit: limits.maxFolderEntries)
            for e in entries where e.kind == .file {
                let lower = e.name.lowercased()
                if lower.hasSuffix(".exe") || lower.hasSuffix(".dll"), snapshot.systemFiles[lower] == nil {
                    snapshot.systemFiles[lower] = e.size
                }
            }
        }
        if !snapshot.systemFilesListed {
            snapshot.notes.append(
                SnapshotNote(
                    id: "no-system32", message: "no Windows/System32 listing: v3 (System32 names) not checked", path: nil))
        }

        // EmoCheck v4's allowlist: folder names under Roaming, Program Files, Program Files (x86).
        var allowRoots: [String] = []
        for profile in profiles {
            if let roaming = LocalFiles.resolve(profile.path, ["AppData", "Roaming"], kind: .directory) {
                allowRoots.append(roaming)
            }
        }
        for name in ["Program Files", "Program Files (x86)"] {
            if let p = LocalFiles.child(root, name, kind: .directory) { allowRoots.append(p) }
        }
        gatherAllowlist(allowRoots, into: &snapshot)
        return snapshot
    }

    /// Reads a hive and its logs and adds its facts; failures become notes.
    func readHive(_ path: String, kind: HiveKind, label: String, into snapshot: inout HostSnapshot) {
        do {
            let bytes = try LocalFiles.readAll(path, limit: limits.maxHiveBytes)
            var logs: [[UInt8]] = []
            let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            let base = WindowsPaths.fileName(path)
            for ext in [".LOG1", ".LOG2"] {
                if let log = LocalFiles.child(dir, base + ext, kind: .file),
                    let data = try? LocalFiles.readAll(log, limit: limits.maxHiveLogBytes)
                {
                    logs.append(data)
                }
            }
            let source = try hiveReader(bytes[...], logs)
            RegistryFacts.add(source, as: kind, hiveFile: label, to: &snapshot, limits: limits)
            snapshot.sources.append(label)
        } catch {
            snapshot.notes.append(SnapshotNote(id: "hive-unreadable", message: "hive not read: \(error)", path: label))
        }
    }

    /// Lists a folder two levels deep within ``HostCheckLimits/maxFolderEntries`` entries in all.
    func listFolder(
        _ path: String, role: FolderRole, user: String?, windowsPath: String, into snapshot: inout HostSnapshot,
        label: String
    ) -> WatchedFolder {
        var budget = limits.maxFolderEntries
        let (top, truncatedTop) = LocalFiles.list(path, limit: budget)
        var truncated = truncatedTop
        budget.maximum -= top.count
        var entries: [FolderEntry] = []
        entries.reserveCapacity(top.count)
        for e in top where e.kind == .file || e.kind == .directory {
            let local = path + "/" + e.name
            var entry = FolderEntry(record: Self.record(e, localPath: local))
            if e.kind == .directory {
                let (children, cut) = LocalFiles.list(local, limit: budget)
                truncated = truncated || cut
                budget.maximum -= children.count
                entry.children = children.filter { $0.kind == .file || $0.kind == .directory }
                    .map { Self.record($0, localPath: local + "/" + $0.name) }
            }
            entries.append(entry)
        }
        if truncated {
            snapshot.notes.append(
                SnapshotNote(
                    id: "listing-truncated",
                    message: "\(limits.maxFolderEntries.name) (\(limits.maxFolderEntries.maximum)) reached: listing cut",
                    path: label))
        }
        entries.sort { $0.record.name < $1.record.name }
        return WatchedFolder(role: role, user: user, windowsPath: windowsPath, entries: entries, truncated: truncated)
    }

    static func record(_ e: LocalFiles.Entry, localPath: String) -> FileRecord {
        FileRecord(
            name: e.name, isDirectory: e.kind == .directory, size: e.size, lastWritten: e.lastWritten, head: nil,
            localPath: localPath)
    }

    /// Gathers folder names below `roots` (breadth first, no links) into the allowlist, within its limits.
    func gatherAllowlist(_ roots: [String], into snapshot: inout HostSnapshot) {
        var queue: [(path: String, depth: Int)] = roots.map { ($0, 0) }
        var count = 0
        var head = 0
        while head < queue.count {
            let (dir, depth) = queue[head]
            head += 1
            LocalFiles.forEachEntry(dir) { name, kind in
                guard kind == .directory else { return true }
                guard limits.maxAllowlistDirectories.allows(count + 1) else { return false }
                count += 1
                snapshot.allowlist.insert(name.lowercased())
                if limits.maxAllowlistDepth.allows(depth + 1) { queue.append((dir + "/" + name, depth + 1)) }
                return true
            }
            // Drop visited entries now and then, so the queue holds only the frontier.
            if head > 65_536 {
                queue.removeFirst(head)
                head = 0
            }
            if !limits.maxAllowlistDirectories.allows(count + 1) {
                snapshot.notes.append(
                    SnapshotNote(
                        id: "allowlist-truncated",
                        message: "\(limits.maxAllowlistDirectories.name) (\(limits.maxAllowlistDirectories.maximum)) reached",
                        path: nil))
                break
            }
        }
    }
}

extension LocalFiles {
    /// What `stat` (following links) says of `path`: for the folder the user named, which may itself be a link.
    static func followedInfo(_ path: String) -> Entry? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return entry(name: String(path.split(separator: "/").last ?? ""), st)
    }
}
