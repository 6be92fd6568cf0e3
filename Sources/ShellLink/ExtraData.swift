import ByteCursor
import Charsets

/// The extra data block signatures of [MS-SHLLINK] 2.5.
///
/// ```
///  each block: BlockSize u32 (including itself), BlockSignature u32, data
///  the list ends with a TerminalBlock: a u32 below 4 (normally 0)
/// ```
public enum ExtraDataSignature {
    /// EnvironmentVariableDataBlock (0x314 bytes): TargetAnsi[260], TargetUnicode[520], e.g. `%windir%\...`.
    public static let environment: UInt32 = 0xA000_0001
    /// ConsoleDataBlock (0xCC bytes): console window settings.
    public static let console: UInt32 = 0xA000_0002
    /// TrackerDataBlock (0x60 bytes): machine ID and the distributed link tracker's droids.
    public static let tracker: UInt32 = 0xA000_0003
    /// ConsoleFEDataBlock (0x0C bytes): the console code page.
    public static let consoleFE: UInt32 = 0xA000_0004
    /// SpecialFolderDataBlock (0x10 bytes): CSIDL and ID list offset.
    public static let specialFolder: UInt32 = 0xA000_0005
    /// DarwinDataBlock (0x314 bytes): a Windows Installer descriptor.
    public static let darwin: UInt32 = 0xA000_0006
    /// IconEnvironmentDataBlock (0x314 bytes): the icon path with environment variables.
    public static let iconEnvironment: UInt32 = 0xA000_0007
    /// ShimDataBlock (>= 0x88 bytes): the compatibility layer name.
    public static let shim: UInt32 = 0xA000_0008
    /// PropertyStoreDataBlock (>= 0x0C bytes): serialized property storage ([MS-PROPSTORE]).
    public static let propertyStore: UInt32 = 0xA000_0009
    /// KnownFolderDataBlock (0x1C bytes): known folder GUID and ID list offset.
    public static let knownFolder: UInt32 = 0xA000_000B
    /// VistaAndAboveIDListDataBlock (>= 0x0A bytes): an alternate ID list.
    public static let vistaIDList: UInt32 = 0xA000_000C

    /// The block's name in [MS-SHLLINK], or its hexadecimal signature.
    public static func name(_ signature: UInt32) -> String {
        switch signature {
        case environment: "EnvironmentVariableDataBlock"
        case console: "ConsoleDataBlock"
        case tracker: "TrackerDataBlock"
        case consoleFE: "ConsoleFEDataBlock"
        case specialFolder: "SpecialFolderDataBlock"
        case darwin: "DarwinDataBlock"
        case iconEnvironment: "IconEnvironmentDataBlock"
        case shim: "ShimDataBlock"
        case propertyStore: "PropertyStoreDataBlock"
        case knownFolder: "KnownFolderDataBlock"
        case vistaIDList: "VistaAndAboveIDListDataBlock"
        default: "block 0x" + String(signature, radix: 16, uppercase: true)
        }
    }

    /// The size [MS-SHLLINK] fixes for a block, or the minimum for variable-size blocks (negative).
    static func expectedSize(_ signature: UInt32) -> Int? {
        switch signature {
        case environment, darwin, iconEnvironment: 0x314
        case console: 0xCC
        case tracker: 0x60
        case consoleFE: 0x0C
        case specialFolder: 0x10
        case knownFolder: 0x1C
        case shim: -0x88
        case propertyStore: -0x0C
        case vistaIDList: -0x0A
        default: nil
        }
    }
}

/// One extra data block as found: where, how big, which signature.
public struct ExtraDataBlock: Sendable, Hashable {
    /// The block's signature (``ExtraDataSignature``).
    public var signature: UInt32
    /// The offset of its BlockSize field.
    public var offset: Int
    /// BlockSize.
    public var size: Int
    /// The block's name in [MS-SHLLINK].
    public var name: String { ExtraDataSignature.name(signature) }
}

/// The TrackerDataBlock: what the distributed link tracking service knew about the target when the link was made.
///
/// ```
///  Length u32 = 0x58, Version u32 = 0, MachineID char[16] (NetBIOS name, NUL-padded),
///  Droid: volume GUID, file GUID;  DroidBirth: volume GUID, file GUID
/// ```
/// The file droids are version 1 UUIDs whose node field is the MAC address of the machine that made them: with
/// the machine ID, an identifier of the lure author's host.
public struct TrackerData: Sendable, Hashable {
    /// The NetBIOS name of the machine the target was on.
    public var machineID: String
    /// The volume droid (GUID, registry format without braces).
    public var droidVolume: String
    /// The file droid.
    public var droidFile: String
    /// The birth volume droid.
    public var birthVolume: String
    /// The birth file droid.
    public var birthFile: String
    /// The MAC address from the file droid (else the birth file droid) when it is a version 1 UUID,
    /// as `aa:bb:cc:dd:ee:ff`.
    public var macAddress: String?
}

/// A property value read from a property store.
public struct LinkProperty: Sendable, Hashable {
    /// The property set's format ID (GUID, registry format without braces).
    public var formatID: String
    /// The property ID, or `nil` for a property named by string (``name``).
    public var id: UInt32?
    /// The property name, for the string-named set D5CDD505-2E9C-101B-9397-08002B2CF9AE.
    public var name: String?
    /// The variant type (VT_LPWSTR 0x1F, VT_BSTR 0x08, VT_LPSTR 0x1E...).
    public var type: UInt16
    /// The value, for string types.
    public var value: String?

    /// The key ``ShellLink/properties`` uses: `{fmtid} pid` or `{fmtid} name`.
    public var key: String { "{\(formatID)} " + (id.map { String($0) } ?? name ?? "") }
}

/// The serialized property storage of [MS-PROPSTORE] 2.2, as a PropertyStoreDataBlock holds it.
///
/// ```
///  storage: StorageSize u32 (including itself; 0 ends the list), Version u32 = 0x53505331 ("1SPS"),
///           FormatID GUID, values..., a u32 0 ends the values
///  value (integer name):  ValueSize u32 (0 ends), Id u32, Reserved u8, TypedPropertyValue
///  value (string name, FormatID D5CDD505-2E9C-101B-9397-08002B2CF9AE):
///                         ValueSize u32, NameSize u32, Reserved u8, Name (UTF-16, NameSize bytes), value
///  TypedPropertyValue:    Type u16, Padding u16, then by type; VT_LPWSTR: count u32 (characters with the NUL),
///                         UTF-16; VT_BSTR and VT_LPSTR: size u32 in bytes, then the bytes
/// ```
enum PropertyStore {
    static let stringNamedFormat = "D5CDD505-2E9C-101B-9397-08002B2CF9AE"

    /// Reads every storage in `cursor`; `budget` is the number of values (and storages) still allowed.
    static func parse(
        _ cursor: ByteCursor, charset: Charset, budget: inout Int, limit: Limit, log: inout AnomalyLog
    ) -> [LinkProperty] {
        var out: [LinkProperty] = []
        var c = cursor
        while !c.isAtEnd {
            let at = c.offset
            guard let storageSize = try? c.readUInt32LE() else {
                log.record(.badPropertyStore, offset: at, "property storage size cut short")
                break
            }
            if storageSize == 0 { break }
            guard budget > 0 else {
                log.record(.limitExceeded, offset: at, "\(limit.name): more than \(limit.maximum) properties")
                return out
            }
            budget -= 1
            guard storageSize >= 24, var storage = try? c.subCursor(count: Int(storageSize) - 4) else {
                log.record(.badPropertyStore, offset: at, "property storage size \(storageSize) does not fit")
                break
            }
            guard let version = try? storage.readUInt32LE(), version == 0x5350_5331,
                let format = (try? storage.readBytes(16)).flatMap(Text.guid)
            else {
                log.record(.badPropertyStore, offset: at, "property storage without the 1SPS version")
                continue
            }
            let named = format == stringNamedFormat
            while !storage.isAtEnd {
                let valueAt = storage.offset
                guard let valueSize = try? storage.readUInt32LE() else {
                    log.record(.badPropertyStore, offset: valueAt, "property value size cut short")
                    break
                }
                if valueSize == 0 { break }
                guard budget > 0 else {
                    log.record(.limitExceeded, offset: valueAt, "\(limit.name): more than \(limit.maximum) properties")
                    return out
                }
                budget -= 1
                guard valueSize >= 9, var value = try? storage.subCursor(count: Int(valueSize) - 4) else {
                    log.record(.badPropertyStore, offset: valueAt, "property value size \(valueSize) does not fit")
                    break
                }
                do {
                    var property = LinkProperty(formatID: format, id: nil, name: nil, type: 0, value: nil)
                    if named {
                        let nameSize = try value.readUInt32LE()
                        _ = try value.readUInt8()
                        property.name = Text.utf16(try value.readBytes(count: nameSize))
                    } else {
                        property.id = try value.readUInt32LE()
                        _ = try value.readUInt8()
                    }
                    property.type = try value.readUInt16LE()
                    _ = try value.readUInt16LE()
                    switch property.type {
                    case 0x1F:  // VT_LPWSTR
                        let count = try value.readUInt32LE()
                        guard let bytes = Int(exactly: count).flatMap({ $0 <= Int(UInt32.max) ? $0 * 2 : nil }) else {
                            throw CursorError.invalidLength(Int.max, offset: value.offset)
                        }
                        property.value = Text.utf16(try value.readBytes(bytes))
                    case 0x08:  // VT_BSTR
                        let size = try value.readUInt32LE()
                        property.value = Text.utf16(try value.readBytes(count: size))
                    case 0x1E:  // VT_LPSTR
                        let size = try value.readUInt32LE()
                        property.value = Text.ansi(try value.readBytes(count: size), charset: charset)
                    case 0x48:  // VT_CLSID
                        property.value = Text.guid(try value.readBytes(16))
                    default:
                        break
                    }
                    out.append(property)
                } catch {
                    log.record(.badPropertyStore, offset: valueAt, "property value cut short: \(error)")
                }
            }
        }
        return out
    }
}
