import ByteCursor

/// The fixed 76-byte ShellLinkHeader that starts every shell link ([MS-SHLLINK] 2.1).
///
/// ```
///  0x00  HeaderSize      u32  = 0x0000004C
///  0x04  LinkCLSID       16   = 00021401-0000-0000-C000-000000000046
///  0x14  LinkFlags       u32  which optional structures follow (see LinkFlags)
///  0x18  FileAttributes  u32  of the target, FILE_ATTRIBUTE_*
///  0x1C  CreationTime    u64  FILETIME of the target
///  0x24  AccessTime      u64
///  0x2C  WriteTime       u64
///  0x34  FileSize        u32  of the target (low 32 bits)
///  0x38  IconIndex       i32
///  0x3C  ShowCommand     u32  SW_SHOWNORMAL 1, SW_SHOWMAXIMIZED 3, SW_SHOWMINNOACTIVE 7
///  0x40  HotKey          u16  low byte: key, high byte: HOTKEYF_* modifiers
///  0x42  Reserved1..3    10   zero
/// ```
public struct ShellLinkHeader: Sendable, Hashable {
    /// The size of the header, and the value of its first field.
    public static let size = 0x4C
    /// The shell link CLSID as it is stored (little-endian GUID fields).
    public static let clsid: [UInt8] = [
        0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
    ]

    /// Which optional structures follow, and how strings are stored.
    public var linkFlags: LinkFlags
    /// The target's FILE_ATTRIBUTE_* flags.
    public var fileAttributes: UInt32
    /// The target's creation time (FILETIME: 100 ns since 1601-01-01 UTC).
    public var creationTime: UInt64
    /// The target's last access time (FILETIME).
    public var accessTime: UInt64
    /// The target's last write time (FILETIME).
    public var writeTime: UInt64
    /// The low 32 bits of the target's size.
    public var fileSize: UInt32
    /// The index of the icon within the icon location.
    public var iconIndex: Int32
    /// The window state the target is started in (``ShowCommand``).
    public var showCommand: UInt32
    /// The keyboard shortcut: low byte the virtual key, high byte the modifiers.
    public var hotKey: UInt16
    /// Whether the three reserved fields are zero, as [MS-SHLLINK] requires.
    public var reservedFieldsZero: Bool

    /// Reads the header from the first 76 bytes of `cursor`.
    init(_ cursor: inout ByteCursor) throws {
        _ = try cursor.readUInt32LE()
        _ = try cursor.readBytes(16)
        linkFlags = LinkFlags(rawValue: try cursor.readUInt32LE())
        fileAttributes = try cursor.readUInt32LE()
        creationTime = try cursor.readUInt64LE()
        accessTime = try cursor.readUInt64LE()
        writeTime = try cursor.readUInt64LE()
        fileSize = try cursor.readUInt32LE()
        iconIndex = Int32(bitPattern: try cursor.readUInt32LE())
        showCommand = try cursor.readUInt32LE()
        hotKey = try cursor.readUInt16LE()
        let r1 = try cursor.readUInt16LE()
        let r2 = try cursor.readUInt32LE()
        let r3 = try cursor.readUInt32LE()
        reservedFieldsZero = r1 == 0 && r2 == 0 && r3 == 0
    }

    /// Seconds since 1970-01-01 UTC for a FILETIME, or `nil` for zero (unset).
    public static func unixTime(fromFILETIME value: UInt64) -> Int64? {
        guard value != 0 else { return nil }
        // 11,644,473,600 seconds between 1601 and 1970; the quotient always fits in Int64.
        return Int64(value / 10_000_000) - 11_644_473_600
    }
}

/// The LinkFlags field of the header ([MS-SHLLINK] 2.1.1).
public struct LinkFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let hasLinkTargetIDList = LinkFlags(rawValue: 1 << 0)
    public static let hasLinkInfo = LinkFlags(rawValue: 1 << 1)
    public static let hasName = LinkFlags(rawValue: 1 << 2)
    public static let hasRelativePath = LinkFlags(rawValue: 1 << 3)
    public static let hasWorkingDir = LinkFlags(rawValue: 1 << 4)
    public static let hasArguments = LinkFlags(rawValue: 1 << 5)
    public static let hasIconLocation = LinkFlags(rawValue: 1 << 6)
    public static let isUnicode = LinkFlags(rawValue: 1 << 7)
    public static let forceNoLinkInfo = LinkFlags(rawValue: 1 << 8)
    public static let hasExpString = LinkFlags(rawValue: 1 << 9)
    public static let runInSeparateProcess = LinkFlags(rawValue: 1 << 10)
    public static let hasDarwinID = LinkFlags(rawValue: 1 << 12)
    public static let runAsUser = LinkFlags(rawValue: 1 << 13)
    public static let hasExpIcon = LinkFlags(rawValue: 1 << 14)
    public static let noPidlAlias = LinkFlags(rawValue: 1 << 15)
    public static let runWithShimLayer = LinkFlags(rawValue: 1 << 17)
    public static let forceNoLinkTrack = LinkFlags(rawValue: 1 << 18)
    public static let enableTargetMetadata = LinkFlags(rawValue: 1 << 19)
    public static let disableLinkPathTracking = LinkFlags(rawValue: 1 << 20)
    public static let disableKnownFolderTracking = LinkFlags(rawValue: 1 << 21)
    public static let disableKnownFolderAlias = LinkFlags(rawValue: 1 << 22)
    public static let allowLinkToLink = LinkFlags(rawValue: 1 << 23)
    public static let unaliasOnSave = LinkFlags(rawValue: 1 << 24)
    public static let preferEnvironmentPath = LinkFlags(rawValue: 1 << 25)
    public static let keepLocalIDListForUNCTarget = LinkFlags(rawValue: 1 << 26)
}

/// The ShowCommand values [MS-SHLLINK] allows; anything else is treated as SW_SHOWNORMAL by Windows.
public enum ShowCommand {
    /// SW_SHOWNORMAL: a normal window.
    public static let normal: UInt32 = 1
    /// SW_SHOWMAXIMIZED: a maximized window.
    public static let maximized: UInt32 = 3
    /// SW_SHOWMINNOACTIVE: minimized and not activated; the user sees nothing but a taskbar button.
    public static let minimizedNoActivate: UInt32 = 7
}
