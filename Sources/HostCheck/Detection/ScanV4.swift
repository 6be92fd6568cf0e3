/// Emotet v4 (the December 2020 update, EmoCheck 2.0): a PE with a random name and a random three-letter extension
/// in a random-letter folder under %LOCALAPPDATA% or the 32-bit system folder, launched by `rundll32.exe` from a
/// Run value (user rights) or a service (administrator).
///
/// Follows EmoCheck `emocheck/modules/scan_v4.cpp` (`EmotetScannerV4`, `TraverseFolder`, `GenAllowList`,
/// `FileExistInAllowList`):
///
/// ```
///  folder  ^[A-Za-z]{4,16}$                                  one level below %LOCALAPPDATA% / SysWOW64
///  file    ^[A-Za-z]{3,15}\.[A-Za-z]{3}$, not .exe/.dll, starting with MZ
///  skip    the folder's name is a folder name anywhere under Roaming, Program Files, Program Files (x86)
///  user    an HKCU Run value named like the file or ^[A-Za-z]{7,16}$ whose data matches
///          rundll32\.exe.*,.*(RunDLL|ShowDialogA|[A-Za-z]{4,15}) and contains the file name
///  admin   a service named like the file whose ImagePath matches the same and contains the file name
///  running rundll32.exe whose command line contains the path (or its System32 spelling, for SysWOW64)
/// ```
///
/// Emoguard compares names and `rundll32.exe` ignoring case, reads REG_EXPAND_SZ Run values as well as REG_SZ, and
/// also accepts a service whose ImagePath names the full path under another service name.
public enum ScanV4 {
    /// `DIR_PAT`.
    static func isFolderName(_ s: String) -> Bool { NamePatterns.letters(s, 4, 16) }

    /// `FILE_PAT`: letters, a dot, a three-letter extension that is not exe or dll.
    static func isFileName(_ s: String) -> Bool {
        guard let (base, ext) = NamePatterns.split(s) else { return false }
        let lower = ext.lowercased()
        return NamePatterns.letters(base, 3, 15) && NamePatterns.letters(ext, 3, 3) && lower != "exe" && lower != "dll"
    }

    /// The Run value name rule: the file's name, or `^[A-Za-z]{7,16}$`.
    static func isRunValueName(_ name: String, fileName: String) -> Bool {
        name.lowercased() == fileName.lowercased() || NamePatterns.letters(name, 7, 16)
    }

    /// The rundll32 patterns of `EmotetScannerV4`: `rundll32.exe`, then a comma, then (RunDLL, ShowDialogA or) a
    /// run of at least four letters. The third pattern contains the first two.
    public static func isRundll32Launch(_ command: String) -> Bool {
        let lower = command.lowercased()
        guard let r = lower.range(of: "rundll32.exe") else { return false }
        let rest = lower[r.upperBound...]
        guard let comma = rest.firstIndex(of: ",") else { return false }
        return NamePatterns.hasLetterRun(rest[rest.index(after: comma)...], 4)
    }

    /// `ParseRundll32CmdLine` (utils/utils.cpp): the DLL and the export of a rundll32 command line.
    public static func rundll32Entry(_ command: String) -> (dll: String, export: String)? {
        let args = WindowsPaths.arguments(of: command, max: 3)
        guard args.count >= 2, WindowsPaths.fileName(args[0]).lowercased() == "rundll32.exe" else { return nil }
        let parts = args[1].split(separator: ",", omittingEmptySubsequences: false)
        if parts.count == 2 { return (String(parts[0]), String(parts[1])) }
        if parts.count == 1, args.count >= 3, args[2].hasPrefix(",") {
            return (String(parts[0]), String(args[2].dropFirst()))
        }
        return nil
    }

    static func detect(_ ctx: DetectionContext) -> [HostDetection] {
        var out: [HostDetection] = []
        for folder in ctx.snapshot.folders where folder.role == .localAppData || folder.role == .systemX86 {
            let admin = folder.role == .systemX86
            for entry in folder.entries where entry.record.isDirectory && isFolderName(entry.record.name) {
                // FileExistInAllowList: the file's folder name is a known program folder.
                if ctx.snapshot.allowlist.contains(entry.record.name.lowercased()) { continue }
                for child in entry.children where !child.isDirectory && isFileName(child.name) {
                    let l = DetectionContext.Located(folder: folder, parent: entry.record, file: child)
                    let found = admin ? serviceLaunches(l, ctx: ctx) : runValueLaunches(l, ctx: ctx)
                    // is_pefile last: the head is read only for a file something launches.
                    if !found.isEmpty, ctx.isPE(child) == true { out += found }
                }
            }
        }
        return out
    }

    static func runValueLaunches(_ l: DetectionContext.Located, ctx: DetectionContext) -> [HostDetection] {
        let fileName = l.file.name
        var out: [HostDetection] = []
        for launch in ctx.launchers(mentioning: fileName) {
            guard let value = launch.runValue, value.location.root == "HKCU" else { continue }
            if let user = l.folder.user, let owner = value.location.user, owner != user { continue }
            guard let text = value.text, isRunValueName(value.name, fileName: fileName), isRundll32Launch(text),
                text.lowercased().contains(fileName.lowercased())
            else { continue }
            out.append(detection(l, launcher: RegistryEvidence(value, role: "Run value launching the file with rundll32"), command: text, ctx: ctx, admin: false))
        }
        return out
    }

    static func serviceLaunches(_ l: DetectionContext.Located, ctx: DetectionContext) -> [HostDetection] {
        let fileName = l.file.name
        var out: [HostDetection] = []
        for launch in ctx.launchers(mentioning: fileName) {
            guard let service = launch.service else { continue }
            let named = service.name.lowercased() == fileName.lowercased()
            guard named || WindowsPaths.commandLine(service.imagePath, contains: l.windowsPath),
                isRundll32Launch(service.imagePath), service.imagePath.lowercased().contains(fileName.lowercased())
            else { continue }
            out.append(detection(l, launcher: RegistryEvidence(service: service, role: "service launching the file with rundll32"), command: service.imagePath, ctx: ctx, admin: true))
        }
        return out
    }

    static func detection(
        _ l: DetectionContext.Located, launcher: RegistryEvidence, command: String, ctx: DetectionContext, admin: Bool
    ) -> HostDetection {
        let (confirmation, processes) = ctx.confirmByCommandLine(path: l.windowsPath, hosts: ["rundll32.exe"], admin: admin)
        var summary = "random-named PE \(l.file.name) in \(l.parent?.name ?? "?") launched by rundll32"
        if let entry = rundll32Entry(command) { summary += " (entry \(entry.export))" }
        return HostDetection(
            generation: .v4, rule: admin ? "hostcheck.v4.rundll32-service" : "hostcheck.v4.rundll32-run-value",
            summary: summary, processName: "rundll32.exe", file: ctx.evidence(l, isPE: true), registry: [launcher],
            processes: processes, confirmation: confirmation, isAdmin: admin)
    }
}
