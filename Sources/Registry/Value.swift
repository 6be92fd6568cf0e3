/// The type of a registry value, as its value key records it.
///
/// Types 0 through 11 are the documented ones; anything else is kept as ``unknown(_:)`` with its number (SAM stores
/// a user's RID as the type of the `Names\<user>` default value; device property values use 0xFFFF00xx).
public enum RegistryValueType: Sendable, Hashable {
    case none
    /// REG_SZ
    case string
    /// REG_EXPAND_SZ
    case expandString
    case binary
    /// REG_DWORD (little-endian)
    case dword
    case dwordBigEndian
    /// REG_LINK: a symbolic link's target, UTF-16LE.
    case link
    /// REG_MULTI_SZ
    case multiString
    case resourceList
    case fullResourceDescriptor
    case resourceRequirementsList
    /// REG_QWORD (little-endian)
    case qword
    case unknown(UInt32)

    /// The type for a raw type number.
    public init(rawValue: UInt32) {
        switch rawValue {
        case 0: self = .none
        case 1: self = .string
        case 2: self = .expandString
        case 3: self = .binary
        case 4: self = .dword
        case 5: self = .dwordBigEndian
        case 6: self = .link
        case 7: self = .multiString
        case 8: self = .resourceList
        case 9: self = .fullResourceDescriptor
        case 10: self = .resourceRequirementsList
        case 11: self = .qword
        default: self = .unknown(rawValue)
        }
    }

    /// The raw type number.
    public var rawValue: UInt32 {
        switch self {
        case .none: 0
        case .string: 1
        case .expandString: 2
        case .binary: 3
        case .dword: 4
        case .dwordBigEndian: 5
        case .link: 6
        case .multiString: 7
        case .resourceList: 8
        case .fullResourceDescriptor: 9
        case .resourceRequirementsList: 10
        case .qword: 11
        case .unknown(let n): n
        }
    }

    /// The Windows name: "REG_SZ", "REG_DWORD", ...; "REG_FILETIME" for 16, "REG_UNKNOWN_0x…" for other numbers.
    public var name: String {
        switch self {
        case .none: "REG_NONE"
        case .string: "REG_SZ"
        case .expandString: "REG_EXPAND_SZ"
        case .binary: "REG_BINARY"
        case .dword: "REG_DWORD"
        case .dwordBigEndian: "REG_DWORD_BIG_ENDIAN"
        case .link: "REG_LINK"
        case .multiString: "REG_MULTI_SZ"
        case .resourceList: "REG_RESOURCE_LIST"
        case .fullResourceDescriptor: "REG_FULL_RESOURCE_DESCRIPTOR"
        case .resourceRequirementsList: "REG_RESOURCE_REQUIREMENTS_LIST"
        case .qword: "REG_QWORD"
        case .unknown(16): "REG_FILETIME"
        case .unknown(let n): "REG_UNKNOWN_0x" + String(n, radix: 16, uppercase: true)
        }
    }

    /// Whether the data is UTF-16LE text (REG_SZ, REG_EXPAND_SZ, REG_LINK).
    public var isString: Bool {
        switch self {
        case .string, .expandString, .link: true
        default: false
        }
    }
}

/// One value of a registry key: its name, type and data, decoded where the type says how.
///
/// `data` is always the raw bytes (big data reassembled from its segments, inline data taken from the value
/// key). The decoded forms are filled for their types only:
///
/// - ``string`` for REG_SZ, REG_EXPAND_SZ and REG_LINK: the data as UTF-16LE (an odd final byte dropped, invalid
///   code units replaced by U+FFFD), trailing NUL characters removed (embedded ones are kept).
/// - ``strings`` for REG_MULTI_SZ: the data as UTF-16LE split at NUL characters, empty strings dropped (so the
///   terminating empty string and any empty entries vanish; an unterminated last string is kept).
/// - ``integer`` for REG_DWORD and REG_DWORD_BIG_ENDIAN (the first 4 bytes) and REG_QWORD (the first 8), when
///   there are that many bytes.
public struct RegistryValue: Sendable, Hashable {
    /// Where a value's data is stored.
    public enum Storage: Sendable, Hashable {
        /// The declared size is 0: there is no data.
        case none
        /// At most 4 bytes kept in the value key's data offset field (the size's top bit is set).
        case inline
        /// One cell.
        case cell
        /// A big data record (`db`) and its segments (hive version 1.4 and later, data above 16,344 bytes).
        case bigData
    }

    /// The value's name; "" for the key's default (unnamed) value, which regedit and regipy show as "(default)".
    public var name: String
    public var type: RegistryValueType
    /// The raw data bytes (at most ``RegistryLimits/maxValueBytes``).
    public var data: [UInt8]
    /// REG_SZ, REG_EXPAND_SZ, REG_LINK: the decoded text.
    public var string: String?
    /// REG_MULTI_SZ: the decoded strings.
    public var strings: [String]?
    /// REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_QWORD: the number.
    public var integer: UInt64?
    /// The data size the value key declares (without the inline flag).
    public var declaredSize: Int
    /// Whether `data` is shorter than ``declaredSize``: its cells hold less, or the size limit cut it.
    public var isTruncated: Bool
    /// Where the data was found.
    public var storage: Storage
    /// The value key's cell offset (relative to the hive bins data; the file offset is 4,096 more).
    public var cellOffset: Int

    public init(
        name: String,
        type: RegistryValueType,
        data: [UInt8],
        declaredSize: Int? = nil,
        isTruncated: Bool = false,
        storage: Storage = .cell,
        cellOffset: Int = 0
    ) {
        self.name = name
        self.type = type
        self.data = data
        self.declaredSize = declaredSize ?? data.count
        self.isTruncated = isTruncated
        self.storage = storage
        self.cellOffset = cellOffset
        switch type {
        case .string, .expandString, .link:
            string = Self.text(data)
        case .multiString:
            strings = Self.multiString(data)
        case .dword where data.count >= 4:
            integer = UInt64(data[0]) | UInt64(data[1]) << 8 | UInt64(data[2]) << 16 | UInt64(data[3]) << 24
        case .dwordBigEndian where data.count >= 4:
            integer = UInt64(data[3]) | UInt64(data[2]) << 8 | UInt64(data[1]) << 16 | UInt64(data[0]) << 24
        case .qword where data.count >= 8:
            var n: UInt64 = 0
            for i in (0..<8).reversed() { n = n << 8 | UInt64(data[i]) }
            integer = n
        default:
            break
        }
    }

    /// UTF-16LE text with trailing NULs removed.
    static func text(_ data: [UInt8]) -> String {
        var units = data.count / 2
        while units > 0, data[2 * units - 2] == 0, data[2 * units - 1] == 0 { units -= 1 }
        return Text.utf16(data[0..<(2 * units)])
    }

    /// UTF-16LE strings separated by NULs, empty ones dropped.
    static func multiString(_ data: [UInt8]) -> [String] {
        var out: [String] = []
        var start = 0
        var i = 0
        let end = data.count / 2 * 2
        while i < end {
            if data[i] == 0, data[i + 1] == 0 {
                if i > start { out.append(Text.utf16(data[start..<i])) }
                start = i + 2
            }
            i += 2
        }
        if end > start { out.append(Text.utf16(data[start..<end])) }
        return out
    }
}
