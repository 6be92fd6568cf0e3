import ByteCursor
import Charsets

/// One item of an ID list (a PIDL), decoded as far as it names a location.
///
/// The item formats are not part of [MS-SHLLINK] (they belong to the shell folders that wrote them); the common
/// ones are documented by libfwsi. Each item is stored as:
///
/// ```
///  ItemIDSize  u16  including itself
///  Data        ItemIDSize - 2 bytes; Data[0] is the class type:
///    0x1F        root folder: sort index u8, folder GUID (My Computer 20D04FE0-..., Network, Users...)
///    0x20-0x2F   volume: "C:\" as ANSI
///    0x30-0x3F   file entry: u8, size u32, FAT time u32, attributes u16, primary (8.3) name, then
///                extension blocks; 0xBEEF0004 holds the long Unicode name. Class bit 0x01 directory,
///                0x02 file, 0x04 primary name in UTF-16
///    0x40-0x4F   network location: u8, flags u8, "\\server\share" as ANSI
///    0x61        URI: flags u8, data size u16, data, then the URI (UTF-16 when flags & 0x80)
///    0x74        delegate item ("CFSF"): a file entry inside, then GUIDs and extension blocks
///  An ItemIDSize of 0 terminates the list.
/// ```
public struct ShellItem: Sendable, Hashable {
    /// What the item names.
    public enum Kind: Sendable, Hashable {
        /// A root folder identified by its GUID (registry format, no braces).
        case rootFolder(guid: String)
        /// A drive, such as `C:\`.
        case volume(name: String)
        /// A file or directory: the primary (often 8.3) name, and the long name from the 0xBEEF0004 block.
        case fileEntry(primaryName: String, longName: String?, isDirectory: Bool, fileSize: UInt32)
        /// A network location such as `\\server\share`.
        case networkLocation(String)
        /// A URI.
        case uri(String)
        /// An item whose class type is not decoded.
        case unknown(classType: UInt8)
    }

    /// What the item names.
    public var kind: Kind
    /// Where the item's size field is in the input.
    public var offset: Int
    /// The item's size, its size field included.
    public var size: Int

    /// The GUID of "My Computer" (CLSID_MyComputer), the usual first item of a shortcut to a local file.
    public static let myComputer = "20D04FE0-3AEA-1069-A2D8-08002B30309D"

    /// Reads the items of an ID list from `cursor`, which covers the list without its IDListSize field.
    static func parseList(
        _ cursor: inout ByteCursor, limits: ShellLinkLimits, charset: Charset, log: inout AnomalyLog
    ) -> [ShellItem] {
        var items: [ShellItem] = []
        while true {
            let at = cursor.offset
            guard let size = try? cursor.readUInt16LE() else {
                log.record(.badIDList, offset: at, "the ID list ends without a terminal item")
                break
            }
            if size == 0 {
                if !cursor.isAtEnd {
                    log.record(.badIDList, offset: cursor.offset, "\(cursor.remaining) bytes after the terminal item")
                }
                break
            }
            guard size >= 3 else {
                log.record(.badIDList, offset: at, "item size \(size) is below the minimum of 3")
                break
            }
            guard let data = try? cursor.readBytes(Int(size) - 2) else {
                log.record(.badIDList, offset: at, "item of \(size) bytes runs past the end of the list")
                break
            }
            guard limits.maxIDListItems.allows(items.count + 1) else {
                log.record(
                    .limitExceeded, offset: at,
                    "\(limits.maxIDListItems.name): more than \(limits.maxIDListItems.maximum) items")
                break
            }
            items.append(ShellItem(kind: decode(data, charset: charset), offset: at, size: Int(size)))
        }
        return items
    }

    /// Decodes one item's data (its size field excluded).
    static func decode(_ data: ArraySlice<UInt8>, charset: Charset) -> Kind {
        guard let classType = data.first else { return .unknown(classType: 0) }
        let base = data.startIndex
        switch classType {
        case 0x1F:
            if data.count >= 18, let guid = Text.guid(data[(base + 2)...]) { return .rootFolder(guid: guid) }
        case 0x20...0x2F:
            if data.count >= 3 {
                let name = Text.ansi(data[(base + 1)...].prefix(64), charset: charset)
                if name.utf8.count >= 2, name.utf8.dropFirst().first == UInt8(ascii: ":") {
                    return .volume(name: name)
                }
            }
        case 0x30...0x3F:
            if let entry = fileEntry(data, charset: charset) { return entry }
        case 0x40...0x4F:
            if data.count >= 4 {
                let location = Text.ansi(data[(base + 3)...], charset: charset)
                if !location.isEmpty { return .networkLocation(location) }
            }
        case 0x61:
            if data.count >= 4 {
                let flags = data[base + 1]
                let dataSize = Int(data[base + 2]) | Int(data[base + 3]) << 8
                if data.count >= 4 + dataSize {
                    let rest = data[(base + 4 + dataSize)...]
                    let uri = flags & 0x80 != 0 ? Text.utf16(rest) : Text.ansi(rest, charset: charset)
                    if !uri.isEmpty { return .uri(uri) }
                }
            }
        case 0x74:
            // Delegate item: "CFSF" at data offset 4, the inner file entry's class type at offset 10.
            if data.count > 12, data[(base + 4)..<(base + 8)].elementsEqual("CFSF".utf8),
                case .fileEntry(let primary, _, let isDirectory, let fileSize)? = fileEntry(
                    data[(base + 10)...], charset: charset)
            {
                return .fileEntry(
                    primaryName: primary, longName: longName(in: data[(base + 10)...]), isDirectory: isDirectory,
                    fileSize: fileSize)
            }
        default:
            break
        }
        return .unknown(classType: classType)
    }

    /// A file entry item: class u8, unknown u8, size u32, FAT time u32, attributes u16, primary name.
    static func fileEntry(_ data: ArraySlice<UInt8>, charset: Charset) -> Kind? {
        guard data.count >= 13, let classType = data.first else { return nil }
        let base = data.startIndex
        let fileSize = UInt32(data[base + 2]) | UInt32(data[base + 3]) << 8 | UInt32(data[base + 4]) << 16
            | UInt32(data[base + 5]) << 24
        let nameBytes = data[(base + 12)...]
        let primary = classType & 0x04 != 0 ? Text.utf16(nameBytes) : Text.ansi(nameBytes, charset: charset)
        return .fileEntry(
            primaryName: primary, longName: longName(in: nameBytes), isDirectory: classType & 0x01 != 0,
            fileSize: fileSize)
    }

    /// The long name in a 0xBEEF0004 extension block found in `bytes`, if any.
    ///
    /// ```
    ///  0x00 size u16, version u16, signature u32 = 0xBEEF0004, created u32, accessed u32, offset u16
    ///  version >= 7: u16, file reference u64, u64     version >= 3: long string size u16
    ///  version >= 9: u32                               version >= 8: u32
    ///  then the long name (UTF-16, NUL-terminated): at 0x14 (v3-6), 0x26 (v7), 0x2A (v8), 0x2E (v9+)
    /// ```
    static func longName(in bytes: ArraySlice<UInt8>) -> String? {
        let signature: [UInt8] = [0x04, 0x00, 0xEF, 0xBE]
        var i = bytes.startIndex + 4
        while i + 4 <= bytes.endIndex {
            if bytes[i] == 0x04, bytes[(i)..<(i + 4)].elementsEqual(signature) {
                let start = i - 4
                let size = Int(bytes[start]) | Int(bytes[start + 1]) << 8
                let version = Int(bytes[start + 2]) | Int(bytes[start + 3]) << 8
                let end = min(bytes.endIndex, start + max(size, 0))
                let nameOffset: Int
                switch version {
                case ..<3: nameOffset = 0x12
                case 3..<7: nameOffset = 0x14
                case 7: nameOffset = 0x26
                case 8: nameOffset = 0x2A
                default: nameOffset = 0x2E
                }
                guard start + nameOffset < end else { return nil }
                let name = Text.utf16(bytes[(start + nameOffset)..<end])
                return name.isEmpty ? nil : name
            }
            i += 1
        }
        return nil
    }

    /// The path the items name together (`C:\Windows\System32\calc.exe`), or `nil` when they name nothing.
    static func path(_ items: [ShellItem]) -> String? {
        var path = ""
        for item in items {
            switch item.kind {
            case .rootFolder(let guid):
                if guid != myComputer { path = "::{\(guid)}" }
            case .volume(let name):
                path = name
            case .fileEntry(let primary, let long, _, _):
                let name = long ?? primary
                if path.isEmpty || path.hasSuffix("\\") { path += name } else { path += "\\" + name }
            case .networkLocation(let location):
                path = location
            case .uri(let uri):
                path = uri
            case .unknown:
                continue
            }
        }
        return path.isEmpty ? nil : path
    }
}
