/// Emotet v5, EmoCheck's "generic" rule (EmoCheck 2.0, December 2020): Emotet set its file's last-write time to
/// exactly seven days before its folder's.
///
/// Follows EmoCheck `emocheck/modules/scan_v5.cpp` (`TraverseFolder7Day`, `EmotetScannerV5`) and
/// `utils/file.cpp` (`TakeDiffFileTime`, `is_pefile`):
///
/// ```
///  for every folder F one level below %LOCALAPPDATA% and the 32-bit system folder,
///  for every file f in F:
///      diff = (F.lastWrite - f.lastWrite) / 1,000,000        (FILETIME ticks → units of 100 ms, truncated)
///      6,047,997 <= diff <= 6,048,002 and f starts with MZ   (7 days = 6,048,000 × 100 ms)
/// ```
///
/// emocheck.cpp `ScanEmotetProcess` (version 5): any process whose command line contains the path confirms it
/// (for SysWOW64, also rundll32.exe naming its System32 spelling). Run values and services naming the file are
/// added as evidence. Emoguard reports the file even when no process confirms it (the timestamp is the evidence);
/// the confirmation field says whether one does.
public enum ScanV5 {
    /// Seven days in EmoCheck's 100 ms units, and the tolerance around it.
    public static let window: ClosedRange<Int64> = 6_047_997...6_048_002

    /// Whether a file written at `file` in a folder written at `folder` matches the 7-day rule.
    public static func isSevenDaysOlder(file: FileTime, folder: FileTime) -> Bool {
        guard let f = Int64(exactly: file), let d = Int64(exactly: folder) else { return false }
        let (diff, overflow) = d.subtractingReportingOverflow(f)
        guard !overflow else { return false }
        return window.contains(diff / 1_000_000)
    }

    static func detect(_ ctx: DetectionContext) -> [HostDetection] {
        var out: [HostDetection] = []
        for folder in ctx.snapshot.folders where folder.role == .localAppData || folder.role == .systemX86 {
            let admin = folder.role == .systemX86
            for entry in folder.entries where entry.record.isDirectory {
                for child in entry.children where !child.isDirectory {
                    guard isSevenDaysOlder(file: child.lastWritten, folder: entry.record.lastWritten),
                        ctx.isPE(child) == true
                    else { continue }
                    let l = DetectionContext.Located(folder: folder, parent: entry.record, file: child)
                    let (confirmation, processes) = ctx.confirmByCommandLine(path: l.windowsPath, hosts: nil, admin: admin)
                    out.append(
                        HostDetection(
                            generation: .v5, rule: "hostcheck.v5.seven-day-timestamp",
                            summary: "PE \(child.name) last written exactly 7 days before its folder \(entry.record.name)",
                            processName: processes.first?.name ?? "rundll32.exe", file: ctx.evidence(l, isPE: true),
                            registry: ctx.persistence(naming: l.windowsPath, role: "Run value or service launching the file"),
                            processes: processes, confirmation: confirmation, isAdmin: admin))
                }
            }
        }
        return out
    }
}
