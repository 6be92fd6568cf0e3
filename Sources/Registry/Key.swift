import Foundation

/// One registry key, as listed by a ``RegistryHive``.
///
/// Keys are cheap values made on demand from the hive's index: they carry what a report needs (name, path, last
/// written time, class name, counts, where the key node lies) and an index into the hive that
/// ``RegistryHive/subkeys(of:)`` and ``RegistryHive/values(of:)`` use. A key is only meaningful with the hive that
/// produced it.
///
/// Paths are the names from the root's child down, joined with a backslash, without the root key's own name and
/// without a leading backslash: the root's path is "", its child `Software` is "Software", and below it
/// "Software\\Microsoft\\Windows\\CurrentVersion\\Run". regipy writes the same keys as "\\" (root) and
/// "\\Software\\Microsoft\\..." (a leading backslash); Windows tools prefix the hive's mount point
/// ("HKEY_CURRENT_USER\\Software\\...").
public struct RegistryKey: Sendable, Hashable {
    /// The key's name (for the root, the name Windows gave the hive's root node, such as "ROOT" or
    /// "CMI-CreateHive{…}").
    public var name: String
    /// The backslash-separated path below the root ("" for the root).
    public var path: String
    /// The last written time, a FILETIME (100 ns intervals since 1601-01-01 UTC).
    public var lastWritten: UInt64
    /// The key's class name, if it has one (SAM's `Lsa\JD`, `Skew1`, `GBG` and `Data` keys keep the boot key
    /// there).
    public var className: String?
    /// The number of subkeys ``RegistryHive/subkeys(of:)`` returns.
    public var subkeyCount: Int
    /// The number of values ``RegistryHive/values(of:)`` returns.
    public var valueCount: Int
    /// The key node's cell offset (relative to the hive bins data; the file offset is 4,096 more).
    public var cellOffset: Int
    /// The key node's flags (0x0001 volatile, 0x0004 hive root, 0x0010 symbolic link, 0x0020 compressed name).
    public var flags: UInt16
    /// The number of subkeys and values the key node declares; they differ from ``subkeyCount`` and
    /// ``valueCount`` when lists are damaged or a limit was reached (an anomaly says which).
    public var declaredSubkeyCount: Int
    public var declaredValueCount: Int
    /// How deep the key is: 0 for the root.
    public var depth: Int
    /// The key's position in the hive's index.
    let index: Int

    /// The last written time as a `Date`.
    public var lastWrittenDate: Date {
        // FILETIME 116444736000000000 is 1970-01-01.
        let unix = (Double(lastWritten) - 116_444_736_000_000_000) / 10_000_000
        return Date(timeIntervalSince1970: unix)
    }

    /// Whether the key is a symbolic link (its `SymbolicLinkValue` value names the target).
    public var isSymbolicLink: Bool { flags & 0x0010 != 0 }
}
