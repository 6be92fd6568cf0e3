/// Emotet v3 (the April 2020 update EmoCheck 1.0 added in August 2020): `<name>\<name>.exe` under %LOCALAPPDATA% or
/// the 32-bit system folder, `<name>` being the name of a System32 file, started by a Run value.
///
/// Follows EmoCheck `emocheck/modules/scan_v3.cpp`:
/// - `GenerateKeywordlistFromSystemDirectory`: the names (without extension) of the `.exe` and `.dll` files of the
///   system folder. A 32-bit EmoCheck on 64-bit Windows lists SysWOW64 there (file-system redirection), so both
///   System32 and SysWOW64 names are used.
/// - `SearchSpecialFolder`/`SearchSuspicoiusExeFile`: in %LOCALAPPDATA% and `CSIDL_SYSTEMX86`, a folder named by a
///   keyword holding `<keyword>.exe`.
/// - `SearchRegistryRunKey`: the HKCU Run value named `<keyword>` whose data is the file's path.
/// - `SuspicousFileValidation` (the false-positive filters): a file under 10,000 bytes is ignored, and so is one
///   whose System32 namesake has the same size.
/// - emocheck.cpp `ScanEmotetProcess` case 3: a process of that name whose image is the file confirms it.
///
/// Emoguard reports a candidate that passes the filters when a Run value (any user's, or HKLM's) names it or a
/// process confirms it; names are compared ignoring case, as Windows does.
public enum ScanV3 {
    /// `SuspicousFileValidation`: files smaller than this are not Emotet.
    public static let minimumSize: Int64 = 10_000

    static func detect(_ ctx: DetectionContext) -> [HostDetection] {
        guard ctx.snapshot.systemFilesListed else { return [] }
        var keywords: Set<String> = []
        for name in ctx.snapshot.systemFiles.keys {
            if let (base, ext) = NamePatterns.split(name), ext == "exe" || ext == "dll" { keywords.insert(base) }
        }
        var out: [HostDetection] = []
        for folder in ctx.snapshot.folders where folder.role == .localAppData || folder.role == .systemX86 {
            for entry in folder.entries where entry.record.isDirectory && keywords.contains(entry.record.name.lowercased()) {
                for child in entry.children where !child.isDirectory {
                    guard let (base, ext) = NamePatterns.split(child.name), ext.lowercased() == "exe",
                        keywords.contains(base.lowercased())
                    else { continue }
                    let located = DetectionContext.Located(folder: folder, parent: entry.record, file: child)
                    if let d = candidate(located, base: base, ctx: ctx) { out.append(d) }
                }
            }
        }
        return out
    }

    static func candidate(_ l: DetectionContext.Located, base: String, ctx: DetectionContext) -> HostDetection? {
        // SuspicousFileValidation.
        if l.file.size < minimumSize { return nil }
        let fileName = base + ".exe"
        if let systemSize = ctx.snapshot.systemFiles[fileName.lowercased()], systemSize == l.file.size { return nil }

        let path = l.windowsPath
        let runValues = ctx.snapshot.runValues.filter { v in
            guard let text = v.text else { return false }
            return WindowsPaths.unify(text) == WindowsPaths.unify(path)
                || (v.name.lowercased() == base.lowercased() && WindowsPaths.commandLine(text, contains: path))
        }
        let services = ctx.snapshot.services.filter { WindowsPaths.commandLine($0.imagePath, contains: path) }
        let (confirmation, processes) = ctx.confirmByImage(name: fileName, path: path)
        guard !runValues.isEmpty || !services.isEmpty || confirmation == .running else { return nil }
        var evidence = runValues.map { RegistryEvidence($0, role: "Run value launching the file") }
        evidence += services.map { RegistryEvidence(service: $0, role: "service launching the file") }
        return HostDetection(
            generation: .v3, rule: "hostcheck.v3.system-name-folder",
            summary: "\(fileName) (\(l.file.size) bytes) in a folder named after the system file \(base)",
            processName: fileName, file: ctx.evidence(l, isPE: ctx.isPE(l.file)), registry: evidence,
            processes: processes, confirmation: confirmation, isAdmin: l.isAdminFolder)
    }
}
