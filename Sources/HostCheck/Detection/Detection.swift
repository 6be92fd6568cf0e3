/// An Emotet generation, each with its own detection module (as EmoCheck's `scan_v1.cpp` .. `scan_v5.cpp`).
public enum EmotetGeneration: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// February 2020: process name from a keyword list and the volume serial (scan_v1.cpp).
    case v1
    /// February-August 2020: the process name XOR-encoded in the Explorer key (scan_v2.cpp).
    case v2
    /// April/August 2020 update: `<System32 name>\<System32 name>.exe` with a Run value (scan_v3.cpp).
    case v3
    /// December 2020 update: random folder and file names, rundll32 from a Run value or a service (scan_v4.cpp).
    case v4
    /// Generic (December 2020 on): a PE whose last write is exactly 7 days before its folder's (scan_v5.cpp).
    case v5
    /// 2022-2023: random DLLs launched by regsvr32 (64-bit from April 2022), padded to hundreds of MB (March 2023).
    case g2022 = "2022-2023"

    /// When the generation was seen, for the report.
    public var period: String {
        switch self {
        case .v1: "Feb 2020"
        case .v2: "Feb-Aug 2020"
        case .v3: "Apr-Aug 2020 update"
        case .v4: "Dec 2020 update"
        case .v5: "generic rule, Dec 2020 on"
        case .g2022: "2022-2023"
        }
    }

    /// The EmoCheck source the module follows.
    public var emocheckSource: String {
        switch self {
        case .v1: "emocheck/modules/scan_v1.cpp"
        case .v2: "emocheck/modules/scan_v2.cpp"
        case .v3: "emocheck/modules/scan_v3.cpp"
        case .v4: "emocheck/modules/scan_v4.cpp"
        case .v5: "emocheck/modules/scan_v5.cpp"
        case .g2022: "(no public EmoCheck module; JPCERT/CC and vendor write-ups)"
        }
    }

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: EmotetGeneration, b: EmotetGeneration) -> Bool { a.rank < b.rank }
}

/// Whether a running process confirms a detection.
public enum Confirmation: String, Sendable, Hashable, Codable {
    /// A process in the list is the one the detection predicts.
    case running
    /// The process lists have what is needed and no process matches: persistence found, not running now.
    case notRunning = "not-running"
    /// Process lists were given but lack what this generation needs (command lines for rundll32/regsvr32, image
    /// paths for v3); a process of the right name may be listed.
    case unverifiable
    /// No process list was given: persistence found, not confirmed running.
    case noProcessList = "no-process-list"
}

/// A registry value that is evidence of a detection.
public struct RegistryEvidence: Sendable, Hashable, Codable {
    /// `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`.
    public var key: String
    public var value: String
    /// The data as text (hex for binary data).
    public var data: String
    /// The hive file and, for HKCU, the user.
    public var hiveFile: String?
    public var user: String?
    /// What this value shows ("Run value launching the file", "encoded process name").
    public var role: String

    public init(_ record: RegistryValueRecord, role: String) {
        self.key = record.location.display
        self.value = record.name
        self.data = record.text ?? record.data.map { String($0, radix: 16).leftPadded(2) }.joined()
        self.hiveFile = record.location.hiveFile
        self.user = record.location.user
        self.role = role
    }

    public init(service: ServiceRecord, role: String) {
        self.key = service.location.display
        self.value = "ImagePath"
        self.data = service.imagePath
        self.hiveFile = service.location.hiveFile
        self.user = nil
        self.role = role
    }

    /// `HKCU\...\Run\name`.
    public var display: String { key + "\\" + value }
}

/// A file that is evidence of a detection.
public struct FileEvidence: Sendable, Hashable, Codable {
    /// The path as Windows names it.
    public var windowsPath: String
    /// Where it is on this machine (a triage folder); nil for a collector snapshot.
    public var localPath: String?
    public var size: Int64
    /// Last-write time as FILETIME and ISO 8601 (UTC).
    public var lastWritten: FileTime
    public var lastWrittenISO: String
    /// Whether the file starts with `MZ`, when its head could be read.
    public var isPE: Bool?
    /// What the inspection engine found in it.
    public var inspection: FileInspection?

    init(folder: WatchedFolder, parent: FileRecord?, file: FileRecord, isPE: Bool?) {
        var parts = [folder.windowsPath]
        if let parent { parts.append(parent.name) }
        parts.append(file.name)
        self.windowsPath = WindowsPaths.join(parts)
        self.localPath = file.localPath
        self.size = file.size
        self.lastWritten = file.lastWritten
        self.lastWrittenISO = ISOTime.string(file.lastWritten)
        self.isPE = isPE
    }
}

/// The inspection engine's facts about a suspicious file.
public struct FileInspection: Sendable, Hashable, Codable {
    /// `clean`, `suspicious`, `malicious`.
    public var verdict: String
    /// The content type decided from the bytes (`application/vnd.microsoft.portable-executable`).
    public var type: String
    /// Bytes inspected (padding excluded) and the size on disk.
    public var inspectedBytes: Int
    public var originalSize: Int?
    /// Bytes of zero padding dropped (Emotet, March 2023).
    public var paddingBytes: Int?
    public var md5: String?
    public var sha1: String?
    public var sha256: String?
    public var findings: [InspectionFinding]
    /// An error that stopped the inspection.
    public var error: String?
}

/// One finding of the inspection engine.
public struct InspectionFinding: Sendable, Hashable, Codable {
    public var id: String
    public var severity: String
    public var message: String
    public var evidence: String
}

/// One Emotet detection: its generation, the evidence and whether a running process confirms it.
public struct HostDetection: Sendable, Hashable, Codable {
    public var generation: EmotetGeneration
    /// A stable identifier of the rule (`hostcheck.v4.rundll32-run-value`).
    public var rule: String
    /// One line of English saying what was found.
    public var summary: String
    /// The process name Emotet runs as (`ducksidebar.exe`, `rundll32.exe`, `regsvr32.exe`).
    public var processName: String
    public var file: FileEvidence?
    public var registry: [RegistryEvidence]
    /// The processes that confirm it.
    public var processes: [ProcessRecord]
    public var confirmation: Confirmation
    /// Whether Emotet ran with administrator rights (a service, SysWOW64, HKLM).
    public var isAdmin: Bool

    public init(
        generation: EmotetGeneration, rule: String, summary: String, processName: String, file: FileEvidence? = nil,
        registry: [RegistryEvidence] = [], processes: [ProcessRecord] = [], confirmation: Confirmation = .noProcessList,
        isAdmin: Bool = false
    ) {
        self.generation = generation
        self.rule = rule
        self.summary = summary
        self.processName = processName
        self.file = file
        self.registry = registry
        self.processes = processes
        self.confirmation = confirmation
        self.isAdmin = isAdmin
    }
}

/// UTC timestamps for reports, without Foundation.
enum ISOTime {
    /// `2023-03-07T10:00:00Z` for a FILETIME (`-` for 0).
    static func string(_ t: FileTime) -> String {
        guard t > 0 else { return "-" }
        let secs = FileTimes.unixSeconds(t)
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - days * 86_400
        let (y, m, d) = civil(days)
        return "\(y)-\(two(m))-\(two(d))T\(two(Int(rem / 3600))):\(two(Int(rem / 60 % 60))):\(two(Int(rem % 60)))Z"
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// Howard Hinnant's days-to-civil.
    static func civil(_ z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
