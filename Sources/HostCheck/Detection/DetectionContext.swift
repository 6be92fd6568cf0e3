/// What every generation module needs: the snapshot, file heads, process matching and persistence lookups.
struct DetectionContext {
    let snapshot: HostSnapshot

    /// A Run value or a service: a command that starts something at logon or boot.
    struct Launcher {
        var command: String
        /// The command after EmoCheck's path unification.
        var unified: String
        var runValue: RegistryValueRecord?
        var service: ServiceRecord?

        func evidence(role: String) -> RegistryEvidence {
            if let runValue { return RegistryEvidence(runValue, role: role) }
            if let service { return RegistryEvidence(service: service, role: role) }
            return RegistryEvidence(service: ServiceRecord(name: "", imagePath: command, location: RegistryLocation(root: "", key: "")), role: role)
        }

        func names(_ windowsPath: String) -> Bool { unified.contains(WindowsPaths.unify(windowsPath)) }
    }

    let launchers: [Launcher]
    /// Launchers by the lowercased words of their command (split at spaces, quotes, slashes, commas), so that a
    /// file is matched against the few commands that mention its name, not against every service.
    let launchersByWord: [String: [Int]]

    init(snapshot: HostSnapshot) {
        self.snapshot = snapshot
        var launchers: [Launcher] = []
        for v in snapshot.runValues {
            guard let text = v.text else { continue }
            launchers.append(Launcher(command: text, unified: WindowsPaths.unify(text), runValue: v))
        }
        for s in snapshot.services {
            launchers.append(Launcher(command: s.imagePath, unified: WindowsPaths.unify(s.imagePath), service: s))
        }
        var index: [String: [Int]] = [:]
        for (i, l) in launchers.enumerated() {
            var words = Set<Substring>()
            for w in l.unified.split(whereSeparator: { " \\/\",=\t".contains($0) }) { words.insert(w) }
            for w in words { index[String(w), default: []].append(i) }
        }
        self.launchers = launchers
        self.launchersByWord = index
    }

    /// The launchers whose command has `fileName` as a word (case-insensitive).
    func launchers(mentioning fileName: String) -> [Launcher] {
        (launchersByWord[fileName.lowercased()] ?? []).map { launchers[$0] }
    }

    /// A file in a watched folder, with the folder entry it lies in (nil for a file at the folder's top level).
    struct Located {
        var folder: WatchedFolder
        var parent: FileRecord?
        var file: FileRecord

        var windowsPath: String {
            var parts = [folder.windowsPath]
            if let parent { parts.append(parent.name) }
            parts.append(file.name)
            return WindowsPaths.join(parts)
        }

        var isAdminFolder: Bool { folder.role != .localAppData }
    }

    /// Whether a file starts with `MZ` (EmoCheck's `is_pefile`, utils/file.cpp): from the listing's head, else read
    /// from the file; nil when neither is possible.
    func isPE(_ file: FileRecord) -> Bool? {
        if let head = file.head { return head.count >= 2 && head[0] == 0x4D && head[1] == 0x5A }
        guard let path = file.localPath, let head = LocalFiles.head(path, count: 2) else { return nil }
        return head.count >= 2 && head[0] == 0x4D && head[1] == 0x5A
    }

    func evidence(_ l: Located, isPE: Bool?) -> FileEvidence {
        FileEvidence(folder: l.folder, parent: l.parent, file: l.file, isPE: isPE)
    }

    /// Files named `name` (case-insensitive) at the top of, or one folder down in, the watched folders of `roles`.
    func files(named name: String, roles: [FolderRole]) -> [Located] {
        let lower = name.lowercased()
        var out: [Located] = []
        for folder in snapshot.folders where roles.contains(folder.role) {
            for entry in folder.entries {
                if !entry.record.isDirectory && entry.record.name.lowercased() == lower {
                    out.append(Located(folder: folder, parent: nil, file: entry.record))
                }
                for child in entry.children where !child.isDirectory && child.name.lowercased() == lower {
                    out.append(Located(folder: folder, parent: entry.record, file: child))
                }
            }
        }
        return out
    }

    /// Run values and services whose data names `windowsPath` (after EmoCheck's path unification).
    func persistence(naming windowsPath: String, role: String) -> [RegistryEvidence] {
        launchers(mentioning: WindowsPaths.fileName(windowsPath)).filter { $0.names(windowsPath) }
            .map { $0.evidence(role: role) }
    }

    // MARK: - Process confirmation (emocheck.cpp `ScanEmotetProcess`)

    /// v1 and v2: a process of that name (`proc.name == susp.filename`).
    func confirmByName(_ name: String) -> (Confirmation, [ProcessRecord]) {
        guard let list = snapshot.processes else { return (.noProcessList, []) }
        let hits = list.processes.filter { $0.hasName(name) }
        return hits.isEmpty ? (.notRunning, []) : (.running, hits)
    }

    /// v3: a process of that name whose image is the file (`ComparePath(susp.filepath, proc.image_path)`).
    func confirmByImage(name: String, path: String) -> (Confirmation, [ProcessRecord]) {
        guard let list = snapshot.processes else { return (.noProcessList, []) }
        let named = list.processes.filter { $0.hasName(name) }
        if named.isEmpty { return (.notRunning, []) }
        let target = WindowsPaths.unify(path)
        let hits = named.filter { p in p.effectiveImagePath.map { WindowsPaths.unify($0) == target } ?? false }
        if !hits.isEmpty { return (.running, hits) }
        // A process of that name with no path to compare: EmoCheck's "auth error" case.
        if named.contains(where: { $0.effectiveImagePath == nil }) {
            return (.unverifiable, named.filter { $0.effectiveImagePath == nil })
        }
        return (.notRunning, [])
    }

    /// v4, v5, 2022-2023: a process whose command line names the file; for a file in SysWOW64 also its System32
    /// spelling (what a 64-bit process shows through the WOW64 redirector). `hosts` limits the process names
    /// (`rundll32.exe`, `regsvr32.exe`); nil accepts any process (v5).
    func confirmByCommandLine(path: String, hosts: [String]?, admin: Bool) -> (Confirmation, [ProcessRecord]) {
        guard let list = snapshot.processes else { return (.noProcessList, []) }
        let unified = WindowsPaths.unify(path)
        let redirected = WindowsPaths.redirected(path)
        var hits: [ProcessRecord] = []
        for p in list.processes {
            if let hosts, !hosts.contains(where: { p.hasName($0) }) { continue }
            guard let cmd = p.commandLine else { continue }
            let u = WindowsPaths.unify(cmd)
            if u.contains(unified) || (admin && redirected != unified && u.contains(redirected)) { hits.append(p) }
        }
        if !hits.isEmpty { return (.running, hits) }
        if list.hasCommandLines { return (.notRunning, []) }
        // Without command lines, a running host process might be the one.
        if let hosts {
            let candidates = list.processes.filter { p in hosts.contains(where: { p.hasName($0) }) }
            return candidates.isEmpty ? (.notRunning, []) : (.unverifiable, candidates)
        }
        return (.unverifiable, [])
    }
}

/// Small pattern helpers for EmoCheck's regular expressions (no regex engine on untrusted names).
enum NamePatterns {
    static func isASCIILetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }

    /// `^[A-Za-z]{min,max}$`
    static func letters(_ s: String, _ min: Int, _ max: Int) -> Bool {
        let n = s.count
        return n >= min && n <= max && s.allSatisfy(isASCIILetter)
    }

    /// `^[A-Za-z0-9]{min,max}$`
    static func alphanumerics(_ s: String, _ min: Int, _ max: Int) -> Bool {
        let n = s.count
        return n >= min && n <= max && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The base name and extension of a file name (split at the last dot); nil without a dot.
    static func split(_ name: String) -> (base: String, ext: String)? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    /// Whether `s` contains a run of at least `n` ASCII letters.
    static func hasLetterRun(_ s: Substring, _ n: Int) -> Bool {
        var run = 0
        for c in s {
            run = isASCIILetter(c) ? run + 1 : 0
            if run >= n { return true }
        }
        return false
    }
}
