import ByteCursor

/// A Windows FILETIME: 100-nanosecond intervals since 1601-01-01 00:00 UTC.
public typealias FileTime = UInt64

/// Conversions between FILETIME and Unix time.
public enum FileTimes {
    /// Seconds between 1601-01-01 and 1970-01-01.
    public static let unixEpochOffsetSeconds: Int64 = 11_644_473_600

    /// The FILETIME of a Unix time (seconds and nanoseconds); nil before 1601 or beyond FILETIME's range.
    public static func fileTime(unixSeconds: Int64, nanoseconds: Int64 = 0) -> FileTime? {
        let (s, o1) = unixSeconds.addingReportingOverflow(unixEpochOffsetSeconds)
        guard !o1, s >= 0 else { return nil }
        let (ticks, o2) = s.multipliedReportingOverflow(by: 10_000_000)
        guard !o2 else { return nil }
        let (total, o3) = ticks.addingReportingOverflow(max(0, min(nanoseconds, 999_999_999)) / 100)
        guard !o3 else { return nil }
        return FileTime(total)
    }

    /// Unix seconds of a FILETIME (rounded down).
    public static func unixSeconds(_ t: FileTime) -> Int64 {
        Int64(t / 10_000_000) - unixEpochOffsetSeconds
    }
}

/// One running (or listed) process, from a process list or a collector snapshot.
public struct ProcessRecord: Sendable, Hashable, Codable {
    /// The image name (`rundll32.exe`).
    public var name: String
    public var pid: Int?
    /// The executable's full path, when the list has it (Export-Csv's `ExecutablePath`).
    public var imagePath: String?
    /// The full command line, when the list has it (Export-Csv's `CommandLine`, Volatility's `windows.cmdline`).
    public var commandLine: String?
    /// Whether ``name`` may be cut short: Volatility's `ImageFileName` keeps 14 characters of the name.
    public var nameTruncated: Bool
    /// The file the record came from.
    public var source: String

    public init(
        name: String, pid: Int? = nil, imagePath: String? = nil, commandLine: String? = nil,
        nameTruncated: Bool = false, source: String = ""
    ) {
        self.name = name
        self.pid = pid
        self.imagePath = imagePath
        self.commandLine = commandLine
        self.nameTruncated = nameTruncated
        self.source = source
    }

    /// Whether this process's image name is `expected` (case-insensitive, as Windows compares names); a name
    /// Volatility cut at 14 characters matches every name it is the beginning of.
    public func hasName(_ expected: String) -> Bool {
        let mine = name.lowercased()
        let other = expected.lowercased()
        if mine == other { return true }
        return nameTruncated && mine.count >= 14 && other.hasPrefix(mine)
    }

    /// The image path if known, else the program named at the start of the command line.
    public var effectiveImagePath: String? {
        if let imagePath, !imagePath.isEmpty { return imagePath }
        guard let commandLine else { return nil }
        return WindowsPaths.firstArgument(of: commandLine)
    }
}

/// The process lists of one host, merged.
public struct ProcessList: Sendable, Hashable {
    public var processes: [ProcessRecord]
    /// Whether any record has a command line (needed to confirm v4, v5 and 2022-2023 detections, which run under
    /// `rundll32.exe` or `regsvr32.exe`).
    public var hasCommandLines: Bool { processes.contains { $0.commandLine != nil } }
    /// Whether any record has an image path or a command line (needed to confirm v3).
    public var hasImagePaths: Bool { processes.contains { $0.effectiveImagePath != nil } }
    /// The files the lists came from.
    public var sources: [String]

    public init(processes: [ProcessRecord], sources: [String]) {
        self.processes = processes
        self.sources = sources
    }
}

/// The volume serial number of the system drive, as `GetVolumeInformation` returns it (the low 32 bits of NTFS's
/// 64-bit serial), and where it was read.
public struct VolumeSerial: Sendable, Hashable, Codable {
    public var value: UInt32
    /// `--volume-serial`, `$Boot`, `vol output`, `collector`, `registry value name`...
    public var source: String

    public init(_ value: UInt32, source: String) {
        self.value = value
        self.source = source
    }

    /// `1234-ABCD`, as `vol` and `dir` print it.
    public var formatted: String {
        let hex = String(value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 8 - hex.count)) + hex
        return "\(padded.prefix(4))-\(padded.suffix(4))"
    }
}

/// Where a registry value lives: the root (`HKCU` of a user, or `HKLM`), the key, and the hive file.
public struct RegistryLocation: Sendable, Hashable, Codable {
    /// `HKCU` or `HKLM`.
    public var root: String
    /// For `HKCU`: the profile the hive belongs to (`alice` for `C:\Users\alice\NTUSER.DAT`).
    public var user: String?
    /// The key below the root: `Software\Microsoft\Windows\CurrentVersion\Run` under HKCU,
    /// `SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Run` or `SYSTEM\ControlSet001\Services\x` under HKLM.
    public var key: String
    /// The hive file it was read from (relative to the collection), or `collector` for a JSON snapshot.
    public var hiveFile: String?

    public init(root: String, user: String? = nil, key: String, hiveFile: String? = nil) {
        self.root = root
        self.user = user
        self.key = key
        self.hiveFile = hiveFile
    }

    /// `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`.
    public var display: String { "\(root)\\\(key)" }
}

/// The type of a registry value (REG_*).
public enum RegistryValueKind: String, Sendable, Hashable, Codable {
    case none = "REG_NONE"
    case string = "REG_SZ"
    case expandString = "REG_EXPAND_SZ"
    case binary = "REG_BINARY"
    case dword = "REG_DWORD"
    case dwordBigEndian = "REG_DWORD_BIG_ENDIAN"
    case link = "REG_LINK"
    case multiString = "REG_MULTI_SZ"
    case qword = "REG_QWORD"
    case other = "REG_OTHER"

    /// The kind of a raw REG_* type number.
    public init(rawType: UInt32) {
        switch rawType {
        case 0: self = .none
        case 1: self = .string
        case 2: self = .expandString
        case 3: self = .binary
        case 4: self = .dword
        case 5: self = .dwordBigEndian
        case 6: self = .link
        case 7: self = .multiString
        case 11: self = .qword
        default: self = .other
        }
    }

    /// Whether the data is text (REG_SZ, REG_EXPAND_SZ).
    public var isString: Bool { self == .string || self == .expandString }
}

/// One registry value with its location.
public struct RegistryValueRecord: Sendable, Hashable, Codable {
    public var location: RegistryLocation
    public var name: String
    public var kind: RegistryValueKind
    /// The raw data.
    public var data: [UInt8]
    /// The data as text, for REG_SZ and REG_EXPAND_SZ.
    public var text: String?

    public init(location: RegistryLocation, name: String, kind: RegistryValueKind, data: [UInt8], text: String? = nil) {
        self.location = location
        self.name = name
        self.kind = kind
        self.data = data
        self.text = text ?? (kind.isString ? RegistryText.decodeUTF16LE(data[...]) : nil)
    }

    /// `HKCU\Software\Microsoft\Windows\CurrentVersion\Run\name`.
    public var display: String { location.display + "\\" + name }
}

/// One Windows service (`HKLM\SYSTEM\CurrentControlSet\Services\<name>`).
public struct ServiceRecord: Sendable, Hashable, Codable {
    public var name: String
    /// The `ImagePath` value (the command the service runs).
    public var imagePath: String
    public var location: RegistryLocation

    public init(name: String, imagePath: String, location: RegistryLocation) {
        self.name = name
        self.imagePath = imagePath
        self.location = location
    }
}

/// A file or folder of a listing.
public struct FileRecord: Sendable, Hashable {
    public var name: String
    public var isDirectory: Bool
    public var size: Int64
    /// Last-write time (a file's mtime when read from a triage folder).
    public var lastWritten: FileTime
    /// The first bytes of the file, when the listing carries them (a collector snapshot carries two).
    public var head: [UInt8]?
    /// Where the file is on this machine, when the snapshot was built from a folder (so that it can be read).
    public var localPath: String?

    public init(
        name: String, isDirectory: Bool, size: Int64 = 0, lastWritten: FileTime = 0, head: [UInt8]? = nil,
        localPath: String? = nil
    ) {
        self.name = name
        self.isDirectory = isDirectory
        self.size = size
        self.lastWritten = lastWritten
        self.head = head
        self.localPath = localPath
    }
}

/// One entry of a watched folder and, for a folder, the entries inside it (one level).
public struct FolderEntry: Sendable, Hashable {
    public var record: FileRecord
    /// For a folder: its files and folders; empty for a file.
    public var children: [FileRecord]

    public init(record: FileRecord, children: [FileRecord] = []) {
        self.record = record
        self.children = children
    }
}

/// What a watched folder is, in EmoCheck's terms.
public enum FolderRole: String, Sendable, Hashable, Codable {
    /// `%LOCALAPPDATA%` of one user (`CSIDL_LOCAL_APPDATA`).
    case localAppData = "LocalAppData"
    /// The 32-bit system folder: `SysWOW64` on 64-bit Windows, `System32` on 32-bit (`CSIDL_SYSTEMX86`).
    case systemX86 = "SysWOW64"
    /// `System32` on 64-bit Windows (where 64-bit Emotet of 2022 installed itself as a service).
    case system32 = "System32"
}

/// A folder Emotet drops itself into, listed two levels deep (its entries, and the entries of its subfolders).
public struct WatchedFolder: Sendable, Hashable {
    public var role: FolderRole
    /// For ``FolderRole/localAppData``: the profile.
    public var user: String?
    /// The folder as Windows names it: `C:\Users\alice\AppData\Local`.
    public var windowsPath: String
    public var entries: [FolderEntry]
    /// Whether a limit cut the listing short.
    public var truncated: Bool

    public init(role: FolderRole, user: String? = nil, windowsPath: String, entries: [FolderEntry], truncated: Bool = false) {
        self.role = role
        self.user = user
        self.windowsPath = windowsPath
        self.entries = entries
        self.truncated = truncated
    }
}

/// Something the snapshot could not read or had to guess, for the report.
public struct SnapshotNote: Sendable, Hashable, Codable {
    /// A stable identifier: `hive-unreadable`, `no-volume-serial`, `no-process-list`, `listing-truncated`...
    public var id: String
    /// One line of English.
    public var message: String
    public var path: String?

    public init(id: String, message: String, path: String? = nil) {
        self.id = id
        self.message = message
        self.path = path
    }
}

/// Everything the detection modules look at, gathered from a triage folder, a mounted volume, process lists and
/// the collector's JSON.
///
/// The snapshot is plain data: registry values are already extracted (Run keys, services, the Explorer key), so the
/// detection needs no hive and a snapshot can be written by hand in a test.
public struct HostSnapshot: Sendable {
    /// The computer name (SYSTEM hive `ComputerName`, or the collector's).
    public var hostname: String?
    public var volumeSerial: VolumeSerial?
    /// `C:` unless the collection says otherwise.
    public var systemDrive: String
    /// Whether the system is 64-bit (a `SysWOW64` folder exists), when known.
    public var is64Bit: Bool?
    /// The process lists; nil when none was given (then nothing can be confirmed running).
    public var processes: ProcessList?
    /// Values of the Run keys: HKCU of every user, HKLM, HKLM WOW6432Node.
    public var runValues: [RegistryValueRecord]
    /// Values of `Software\Microsoft\Windows\CurrentVersion\Explorer`: HKCU, HKLM, HKLM WOW6432Node.
    public var explorerValues: [RegistryValueRecord]
    public var services: [ServiceRecord]
    /// `%LOCALAPPDATA%` of every user, SysWOW64 (or System32 on 32-bit Windows), and System32.
    public var folders: [WatchedFolder]
    /// File names in System32 and SysWOW64 (lowercased) with their sizes: EmoCheck v3's keyword list.
    public var systemFiles: [String: Int64]
    /// Whether ``systemFiles`` was listed at all (otherwise v3 cannot be checked).
    public var systemFilesListed: Bool
    /// Folder names under Roaming, Program Files and Program Files (x86), lowercased: EmoCheck v4's allowlist.
    public var allowlist: Set<String>
    public var notes: [SnapshotNote]
    /// What the snapshot was built from (folders and files), for the report.
    public var sources: [String]

    public init(
        hostname: String? = nil, volumeSerial: VolumeSerial? = nil, systemDrive: String = "C:", is64Bit: Bool? = nil,
        processes: ProcessList? = nil, runValues: [RegistryValueRecord] = [], explorerValues: [RegistryValueRecord] = [],
        services: [ServiceRecord] = [], folders: [WatchedFolder] = [], systemFiles: [String: Int64] = [:],
        systemFilesListed: Bool = false, allowlist: Set<String> = [], notes: [SnapshotNote] = [], sources: [String] = []
    ) {
        self.hostname = hostname
        self.volumeSerial = volumeSerial
        self.systemDrive = systemDrive
        self.is64Bit = is64Bit
        self.processes = processes
        self.runValues = runValues
        self.explorerValues = explorerValues
        self.services = services
        self.folders = folders
        self.systemFiles = systemFiles
        self.systemFilesListed = systemFilesListed
        self.allowlist = allowlist
        self.notes = notes
        self.sources = sources
    }

    /// Adds a process list (merging records of the same PID) within `limit`.
    public mutating func addProcesses(_ records: [ProcessRecord], source: String, limit: Limit = HostCheckLimits.default.maxProcesses) {
        var list = processes ?? ProcessList(processes: [], sources: [])
        list.processes = ProcessMerger.merge(list.processes, records, limit: limit)
        list.sources.append(source)
        processes = list
    }

    /// The watched folders of one role.
    public func folders(_ role: FolderRole) -> [WatchedFolder] { folders.filter { $0.role == role } }
}

/// Merges process records from several lists (Volatility's `pslist` and `cmdline` are two files).
enum ProcessMerger {
    static func merge(_ a: [ProcessRecord], _ b: [ProcessRecord], limit: Limit) -> [ProcessRecord] {
        var out = a
        var byPID: [Int: Int] = [:]
        for (i, p) in out.enumerated() { if let pid = p.pid { byPID[pid] = i } }
        for p in b {
            if let pid = p.pid, let i = byPID[pid] {
                var merged = out[i]
                if merged.name.isEmpty || (merged.nameTruncated && !p.nameTruncated && !p.name.isEmpty) {
                    merged.name = p.name
                    merged.nameTruncated = p.nameTruncated
                }
                if merged.imagePath == nil { merged.imagePath = p.imagePath }
                if merged.commandLine == nil { merged.commandLine = p.commandLine }
                if !p.source.isEmpty && !merged.source.contains(p.source) {
                    merged.source += merged.source.isEmpty ? p.source : ", " + p.source
                }
                out[i] = merged
                continue
            }
            guard limit.allows(out.count + 1) else { break }
            if let pid = p.pid { byPID[pid] = out.count }
            out.append(p)
        }
        return out
    }
}

/// Registry string data.
public enum RegistryText {
    /// REG_SZ data (UTF-16LE), up to the first NUL.
    public static func decodeUTF16LE(_ bytes: ArraySlice<UInt8>) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            let u = UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
            if u == 0 { break }
            units.append(u)
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Text as REG_SZ data (UTF-16LE with a terminating NUL).
    public static func encodeUTF16LE(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        for u in s.utf16 { out.append(UInt8(u & 0xFF)); out.append(UInt8(u >> 8)) }
        out.append(0)
        out.append(0)
        return out
    }
}
