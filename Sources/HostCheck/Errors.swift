import ByteCursor

/// An error thrown by the HostCheck module when an input cannot be used at all.
///
/// A triage folder with a missing or unreadable part still yields a snapshot: what could not be read becomes a
/// ``SnapshotNote`` and the check goes on. `HostCheckError` is for the cases where there is nothing to check: the
/// folder does not exist, the collector JSON is not a snapshot, a process list has no header Emoguard recognises.
/// Equality and hashing consider the ``code`` only, so tests can write `#expect(throws: HostCheckError.notFound)`
/// while the description keeps the details.
public struct HostCheckError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The path named does not exist (or is a symbolic link, which is never followed).
        public static let notFound = Code("not-found")
        /// The folder holds no Windows volume: no `Windows` or `Users` folder at or below it.
        public static let notWindowsVolume = Code("not-windows-volume")
        /// Reading failed (permissions, I/O error).
        public static let unreadable = Code("unreadable")
        /// The collector JSON is not an `emoguard.host-snapshot` document, or a field has the wrong type.
        public static let badSnapshot = Code("bad-snapshot")
        /// A process list has no header row Emoguard recognises (tasklist, Export-Csv, Volatility 3).
        public static let badProcessList = Code("bad-process-list")
        /// A volume serial number could not be read from the value or file given.
        public static let badVolumeSerial = Code("bad-volume-serial")
        /// A named limit (``HostCheckLimits``) was exceeded.
        public static let limitExceeded = Code("limit-exceeded")
    }

    public let code: Code
    /// The file or folder concerned, when there is one.
    public let path: String?
    public let reason: String
    public let file: String
    public let line: UInt

    public init(
        _ code: Code, _ reason: String, path: String? = nil, file: String = #fileID, line: UInt = #line
    ) {
        self.code = code
        self.reason = reason
        self.path = path
        self.file = file
        self.line = line
    }

    public var description: String {
        (path.map { "\($0): " } ?? "") + reason
    }

    public static func == (lhs: HostCheckError, rhs: HostCheckError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The error for a limit that was exceeded.
    static func limitExceeded(
        _ limit: Limit, value: Int, path: String? = nil, file: String = #fileID, line: UInt = #line
    ) -> HostCheckError {
        HostCheckError(.limitExceeded, "\(limit.name): \(value) exceeds \(limit.maximum)", path: path, file: file, line: line)
    }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notFound = HostCheckError(.notFound, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notWindowsVolume = HostCheckError(.notWindowsVolume, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badSnapshot = HostCheckError(.badSnapshot, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badProcessList = HostCheckError(.badProcessList, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badVolumeSerial = HostCheckError(.badVolumeSerial, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let limitExceeded = HostCheckError(.limitExceeded, "")
}

/// Upper bounds on everything a triage collection, a process list or a collector snapshot controls.
///
/// Every limit has a name, so that a note or an error can say which one was hit
/// (`"hostcheck.maxFolderEntries: 250000 exceeds 200000"`).
public struct HostCheckLimits: Sendable, Hashable {
    /// Entries read from one folder (the rest is skipped and a note says so).
    public var maxFolderEntries = Limit("hostcheck.maxFolderEntries", 200_000)
    /// Folder names gathered for EmoCheck's v4 allowlist (Roaming, Program Files, Program Files (x86)).
    public var maxAllowlistDirectories = Limit("hostcheck.maxAllowlistDirectories", 1_000_000)
    /// Deepest folder nesting walked for the allowlist.
    public var maxAllowlistDepth = Limit("hostcheck.maxAllowlistDepth", 32)
    /// How deep below the folder given the Windows volume root is looked for.
    public var maxVolumeSearchDepth = Limit("hostcheck.maxVolumeSearchDepth", 4)
    /// User profiles read (`Users/*`).
    public var maxUsers = Limit("hostcheck.maxUsers", 10_000)
    /// Largest registry hive read (a SOFTWARE hive is typically 50-150 MB).
    public var maxHiveBytes = Limit("hostcheck.maxHiveBytes", 512 << 20)
    /// Largest transaction log read beside a hive.
    public var maxHiveLogBytes = Limit("hostcheck.maxHiveLogBytes", 256 << 20)
    /// Largest process list file.
    public var maxProcessListBytes = Limit("hostcheck.maxProcessListBytes", 64 << 20)
    /// Processes kept from all process lists together.
    public var maxProcesses = Limit("hostcheck.maxProcesses", 200_000)
    /// Longest CSV or text field (a command line is at most 32,767 UTF-16 units on Windows).
    public var maxFieldBytes = Limit("hostcheck.maxFieldBytes", 1 << 20)
    /// Largest collector snapshot (JSON).
    public var maxSnapshotBytes = Limit("hostcheck.maxSnapshotBytes", 512 << 20)
    /// Registry values kept per key (Run, Explorer).
    public var maxValuesPerKey = Limit("hostcheck.maxValuesPerKey", 100_000)
    /// Services read from the SYSTEM hive.
    public var maxServices = Limit("hostcheck.maxServices", 100_000)
    /// Suspicious files handed to the inspection engine.
    public var maxInspectedFiles = Limit("hostcheck.maxInspectedFiles", 256)

    public init() {}

    public static let `default` = HostCheckLimits()
}
