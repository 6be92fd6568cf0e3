/// Emotet of 2022-2023: a DLL with a random name and a random extension in a random folder under %LOCALAPPDATA%
/// (or the system folders, with administrator rights), launched by `regsvr32.exe` (64-bit Emotet from April 2022,
/// `regsvr32.exe /s`) or by `rundll32.exe` with `DllRegisterServer`, from a Run value or a service; from March 2023
/// the DLL is padded with zeros to hundreds of megabytes.
///
/// EmoCheck 2.1-2.4 (2022-2023) covered these waves but its source is not public; this module follows the public
/// write-ups of JPCERT/CC ("Emotetの感染再拡大に関する注意喚起", 2022-2023: the `%LOCALAPPDATA%\<random>\<random>.dll`
/// path, the Run value, regsvr32 from April 2022, 500 MB padded DLLs from March 2023) and the vendors' analyses:
///
/// ```
///  folder  ^[A-Za-z0-9]{4,32}$ one level below %LOCALAPPDATA%, SysWOW64 or System32 (not in v4's allowlist)
///  file    ^[A-Za-z0-9]{3,32}\.[A-Za-z0-9]{1,5}$ (any extension, .dll included), starting with MZ
///  launch  a Run value (HKCU, HKLM, WOW6432Node) or a service whose command runs regsvr32.exe, or rundll32.exe
///          with DllRegisterServer or on a .dll, and names the file's full path
///  running regsvr32.exe or rundll32.exe whose command line contains the path (or its System32 spelling)
/// ```
///
/// A launch v4 already reports (rundll32 with a random export on a non-DLL extension) is left to v4.
public enum Scan2022 {
    static func isFolderName(_ s: String) -> Bool { NamePatterns.alphanumerics(s, 4, 32) }

    static func isFileName(_ s: String) -> Bool {
        guard let (base, ext) = NamePatterns.split(s) else { return false }
        return NamePatterns.alphanumerics(base, 3, 32) && NamePatterns.alphanumerics(ext, 1, 5)
    }

    /// How a command launches a DLL: `regsvr32`, `rundll32` (with DllRegisterServer or on a .dll), or nil.
    static func launcher(_ command: String, fileName: String) -> String? {
        guard let program = WindowsPaths.firstArgument(of: command) else { return nil }
        switch WindowsPaths.fileName(program).lowercased() {
        case "regsvr32.exe", "regsvr32":
            return "regsvr32.exe"
        case "rundll32.exe", "rundll32":
            let lower = command.lowercased()
            if lower.contains("dllregisterserver") || fileName.lowercased().hasSuffix(".dll") { return "rundll32.exe" }
            return nil
        default:
            return nil
        }
    }

    static func detect(_ ctx: DetectionContext) -> [HostDetection] {
        var out: [HostDetection] = []
        for folder in ctx.snapshot.folders {
            let admin = folder.role != .localAppData
            for entry in folder.entries where entry.record.isDirectory && isFolderName(entry.record.name) {
                if ctx.snapshot.allowlist.contains(entry.record.name.lowercased()) { continue }
                for child in entry.children where !child.isDirectory && isFileName(child.name) {
                    let l = DetectionContext.Located(folder: folder, parent: entry.record, file: child)
                    let path = l.windowsPath
                    // Launchers first (an index lookup), the file head only for a launched file.
                    var launches: [(RegistryEvidence, String)] = []
                    for launch in ctx.launchers(mentioning: child.name) where launch.names(path) {
                        if let user = folder.user, let v = launch.runValue, v.location.root == "HKCU",
                            let owner = v.location.user, owner != user
                        {
                            continue
                        }
                        guard let program = launcher(launch.command, fileName: child.name) else { continue }
                        // rundll32 with a random export on a non-DLL extension is v4's.
                        if program == "rundll32.exe", ScanV4.isFileName(child.name),
                            !launch.unified.contains("dllregisterserver")
                        {
                            continue
                        }
                        let what = launch.service == nil ? "Run value" : "service"
                        launches.append((launch.evidence(role: "\(what) launching the DLL with \(program)"), program))
                    }
                    guard !launches.isEmpty, ctx.isPE(child) == true else { continue }
                    let programs = Array(Set(launches.map(\.1))).sorted()
                    let (confirmation, processes) = ctx.confirmByCommandLine(
                        path: path, hosts: ["regsvr32.exe", "rundll32.exe"], admin: admin)
                    var summary = "random-named DLL \(child.name) in \(entry.record.name) launched by \(programs.joined(separator: ", "))"
                    if child.size >= 100 << 20 { summary += "; \(child.size >> 20) MB (padded)" }
                    out.append(
                        HostDetection(
                            generation: .g2022, rule: "hostcheck.2022.regsvr32-dll", summary: summary,
                            processName: processes.first?.name ?? programs.first ?? "regsvr32.exe",
                            file: ctx.evidence(l, isPE: true), registry: launches.map(\.0), processes: processes,
                            confirmation: confirmation, isAdmin: admin || launches.contains { $0.0.key.hasPrefix("HKLM") }))
                }
            }
        }
        return out
    }
}
