import ByteCursor
import Charsets

/// A parsed Windows shell link (`.lnk`, [MS-SHLLINK]), with everything a mail gate needs to judge it: where it
/// points, what it runs with which arguments, which icon it shows, who made it, and what was hidden after it.
///
/// ```
///  ShellLinkHeader      76 bytes, always
///  LinkTargetIDList     IDListSize u16, shell items            if LinkFlags.hasLinkTargetIDList
///  LinkInfo             LinkInfoSize u32, ...                   if LinkFlags.hasLinkInfo
///  StringData           CountCharacters u16, characters         name, relative path, working dir,
///                       (UTF-16 if IsUnicode, else ANSI)         arguments, icon location, each by its flag
///  ExtraData            blocks: BlockSize u32, signature u32    environment, tracker, property store...
///  TerminalBlock        u32 < 4
///  appended data        anything after it: Emotet's April 2022 shortcuts carried a VBS here, cut out by
///                       `findstr` at run time
/// ```
///
/// Parsing throws ``ShellLinkError`` only when there is no shell link header; anything wrong after the header is
/// a ``ShellLinkAnomaly`` and every field read before it is kept.
public struct ShellLink: Sendable {
    /// The fixed header.
    public var header: ShellLinkHeader
    /// The items of the LinkTargetIDList.
    public var idList: [ShellItem] = []
    /// The path the LinkTargetIDList names (`C:\Windows\System32\cmd.exe`).
    public var targetIDListPath: String?
    /// The LinkInfo structure, when present and readable.
    public var linkInfo: LinkInfo?
    /// StringData NAME_STRING: the description.
    public var name: String?
    /// StringData RELATIVE_PATH.
    public var relativePath: String?
    /// StringData WORKING_DIR.
    public var workingDirectory: String?
    /// StringData COMMAND_LINE_ARGUMENTS.
    public var arguments: String?
    /// StringData ICON_LOCATION.
    public var iconLocation: String?
    /// The EnvironmentVariableDataBlock target, such as `%windir%\System32\cmd.exe`.
    public var environmentTarget: String?
    /// The IconEnvironmentDataBlock path.
    public var iconEnvironmentTarget: String?
    /// The DarwinDataBlock (Windows Installer) descriptor.
    public var darwinID: String?
    /// The ShimDataBlock compatibility layer.
    public var shimLayer: String?
    /// The KnownFolderDataBlock folder GUID.
    public var knownFolderID: String?
    /// The SpecialFolderDataBlock CSIDL.
    public var specialFolderID: UInt32?
    /// The ConsoleFEDataBlock code page.
    public var consoleCodePage: UInt32?
    /// The items of the VistaAndAboveIDListDataBlock.
    public var vistaIDList: [ShellItem] = []
    /// The TrackerDataBlock: machine ID, droids, MAC address.
    public var tracker: TrackerData?
    /// Every property read from property stores, in order.
    public var propertyList: [LinkProperty] = []
    /// String properties from property stores, keyed by `{fmtid} pid` (or `{fmtid} name`); the first wins.
    public var properties: [String: String] = [:]
    /// The extra data blocks found, in order.
    public var extraDataBlocks: [ExtraDataBlock] = []
    /// Everything after the terminal block (or after the last readable structure when the extra data is not
    /// well formed): a payload hidden in the shortcut. Empty when there is none.
    public var appendedData: ArraySlice<UInt8> = []
    /// Where ``appendedData`` starts, relative to the input's start; `nil` when there is none.
    public var appendedDataOffset: Int?
    /// What was recovered from.
    public var anomalies: [ShellLinkAnomaly] = []

    /// The LinkInfo local path (base path and suffix).
    public var localBasePath: String? { linkInfo?.localPath }
    /// The LinkInfo network path (share and suffix).
    public var networkPath: String? { linkInfo?.networkPath }
    /// The LinkInfo volume serial number.
    public var volumeSerial: UInt32? { linkInfo?.driveSerialNumber }
    /// The LinkInfo drive type (DRIVE_FIXED 3, DRIVE_REMOTE 4...).
    public var driveType: UInt32? { linkInfo?.driveType }
    /// The LinkInfo volume label.
    public var volumeLabel: String? { linkInfo?.volumeLabel }
    /// The path the VistaAndAboveIDListDataBlock names.
    public var vistaIDListPath: String? { ShellItem.path(vistaIDList) }

    /// The best target path: the environment block, the LinkInfo (local, then network), the ID list, the relative
    /// path, in that order; `nil` when none is present.
    public var target: String? {
        for candidate in [environmentTarget, localBasePath, networkPath, targetIDListPath, relativePath] {
            if let candidate, !candidate.isEmpty { return candidate }
        }
        return nil
    }

    /// Parses a shell link.
    ///
    /// - Parameters:
    ///   - bytes: the whole file; offsets are reported relative to its start.
    ///   - limits: the bounds to hold it to.
    ///   - ansiCharset: the code page of 8-bit strings (the system code page of the machine that wrote it).
    /// - Throws: ``ShellLinkError`` `.notShellLink` or `.truncated` when there is no complete header.
    public init(
        parsing bytes: ArraySlice<UInt8>, limits: ShellLinkLimits = .default,
        ansiCharset: Charset = .windows(1252)
    ) throws {
        let magic: [UInt8] = [0x4C, 0, 0, 0] + ShellLinkHeader.clsid
        guard bytes.prefix(magic.count).elementsEqual(magic.prefix(min(bytes.count, magic.count))), !bytes.isEmpty
        else {
            throw ShellLinkError(.notShellLink, "no shell link header (size 0x4C, CLSID 00021401-...)", offset: 0)
        }
        guard bytes.count >= ShellLinkHeader.size else {
            throw ShellLinkError(.truncated, "\(bytes.count) bytes, the header needs 76", offset: 0)
        }
        var cursor = ByteCursor(bytes)
        header = try ShellLinkHeader(&cursor)
        var parser = Parser(bytes: bytes, cursor: cursor, limits: limits, charset: ansiCharset)
        parser.parse(into: &self)
        anomalies = parser.log.items
    }

    /// Parses a shell link.
    public init(parsing bytes: [UInt8], limits: ShellLinkLimits = .default) throws {
        try self.init(parsing: bytes[...], limits: limits)
    }
}

/// The parse after the header: one pass, front to back.
private struct Parser {
    let bytes: ArraySlice<UInt8>
    var cursor: ByteCursor
    let limits: ShellLinkLimits
    let charset: Charset
    var log: AnomalyLog
    var propertyBudget: Int

    init(bytes: ArraySlice<UInt8>, cursor: ByteCursor, limits: ShellLinkLimits, charset: Charset) {
        self.bytes = bytes
        self.cursor = cursor
        self.limits = limits
        self.charset = charset
        self.log = AnomalyLog(limit: limits.maxAnomalies.maximum)
        self.propertyBudget = limits.maxProperties.maximum
    }

    mutating func parse(into link: inout ShellLink) {
        let flags = link.header.linkFlags
        if !link.header.reservedFieldsZero { log.record(.badHeader, offset: 0x42, "reserved header fields are not zero") }
        let show = link.header.showCommand
        if show != ShowCommand.normal && show != ShowCommand.maximized && show != ShowCommand.minimizedNoActivate {
            log.record(.badHeader, offset: 0x3C, "ShowCommand \(show) is not 1, 3 or 7")
        }
        if flags.contains(.hasLinkTargetIDList) {
            guard readIDList(into: &link) else { return }
        }
        if flags.contains(.hasLinkInfo) {
            guard readLinkInfo(into: &link) else { return }
        }
        let unicode = flags.contains(.isUnicode)
        let strings: [(LinkFlags, String)] = [
            (.hasName, "NAME_STRING"), (.hasRelativePath, "RELATIVE_PATH"), (.hasWorkingDir, "WORKING_DIR"),
            (.hasArguments, "COMMAND_LINE_ARGUMENTS"), (.hasIconLocation, "ICON_LOCATION"),
        ]
        for (flag, what) in strings where flags.contains(flag) {
            guard let value = readString(unicode: unicode, what) else { return }
            switch flag {
            case .hasName: link.name = value
            case .hasRelativePath: link.relativePath = value
            case .hasWorkingDir: link.workingDirectory = value
            case .hasArguments: link.arguments = value
            default: link.iconLocation = value
            }
        }
        readExtraData(into: &link)
    }

    /// Reads the LinkTargetIDList; `false` when the input ends inside it.
    mutating func readIDList(into link: inout ShellLink) -> Bool {
        let at = cursor.offset
        guard let size = try? cursor.readUInt16LE() else {
            log.record(.truncated, offset: at, "the input ends before the LinkTargetIDList")
            return false
        }
        guard var list = try? cursor.subCursor(count: Int(size)) else {
            log.record(.truncated, offset: at, "LinkTargetIDList of \(size) bytes runs past the end")
            return false
        }
        link.idList = ShellItem.parseList(&list, limits: limits, charset: charset, log: &log)
        link.targetIDListPath = ShellItem.path(link.idList)
        return true
    }

    /// Reads the LinkInfo; `false` when the input ends inside it or its size makes the rest unreadable.
    mutating func readLinkInfo(into link: inout ShellLink) -> Bool {
        let at = cursor.offset
        guard let size = try? ByteCursor.length(cursor.peekUInt32(), offset: at) else {
            log.record(.truncated, offset: at, "the input ends before the LinkInfo")
            return false
        }
        guard size >= 4 else {
            log.record(.badLinkInfo, offset: at, "LinkInfoSize \(size): the structures after it cannot be found")
            return false
        }
        guard let info = try? cursor.subCursor(count: size) else {
            log.record(.truncated, offset: at, "LinkInfo of \(size) bytes runs past the end")
            return false
        }
        if size < 0x1C { log.record(.badLinkInfo, offset: at, "LinkInfoSize \(size) is below 0x1C") }
        do {
            link.linkInfo = try LinkInfo(info.remainingBytes, start: at, charset: charset, log: &log)
        } catch {
            log.record(.badLinkInfo, offset: at, "LinkInfo cut short: \(error)")
        }
        return true
    }

    /// Reads one StringData string; `nil` when the input ends inside it.
    mutating func readString(unicode: Bool, _ what: String) -> String? {
        let at = cursor.offset
        guard let count = try? cursor.readUInt16LE() else {
            log.record(.truncated, offset: at, "the input ends before \(what)")
            return nil
        }
        let width = unicode ? 2 : 1
        guard let raw = try? cursor.readBytes(Int(count) * width) else {
            log.record(.truncated, offset: at, "\(what) of \(count) characters runs past the end")
            return nil
        }
        var kept = raw
        if !limits.maxStringCharacters.allows(Int(count)) {
            log.record(
                .limitExceeded, offset: at,
                "\(limits.maxStringCharacters.name): \(what) has \(count) characters, kept \(limits.maxStringCharacters.maximum)")
            kept = raw.prefix(max(0, limits.maxStringCharacters.maximum) * width)
        }
        return unicode ? Text.utf16(kept) : Text.ansi(kept, charset: charset)
    }

    /// Walks the extra data blocks up to the terminal block, and takes what follows as appended data.
    mutating func readExtraData(into link: inout ShellLink) {
        var seen = Set<UInt32>()
        while true {
            let at = cursor.offset
            guard cursor.remaining >= 4, let size = try? cursor.readUInt32LE() else {
                log.record(
                    .missingTerminalBlock, offset: at,
                    cursor.remaining == 0
                        ? "the extra data ends without a terminal block"
                        : "\(cursor.remaining) bytes where the terminal block belongs")
                return
            }
            if size < 4 {
                if !cursor.isAtEnd {
                    link.appendedDataOffset = cursor.offset
                    link.appendedData = cursor.readRest()
                }
                return
            }
            let signature = (try? cursor.peekUInt32()) ?? 0
            let known = ExtraDataSignature.expectedSize(signature) != nil
            let fits = Int(size) - 4 <= cursor.remaining
            if size < 8 || (signature & 0xFFFF_0000 != 0xA000_0000) || (!fits && !known) {
                log.record(
                    .missingTerminalBlock, offset: at,
                    "bytes that are not an extra data block (size \(size), signature 0x\(String(signature, radix: 16))): "
                        + "taken as appended data")
                link.appendedDataOffset = at
                link.appendedData = bytes[(bytes.startIndex + at)...]
                return
            }
            guard fits, var body = try? cursor.subCursor(count: Int(size) - 4) else {
                log.record(
                    .truncated, offset: at, "\(ExtraDataSignature.name(signature)) of \(size) bytes runs past the end")
                return
            }
            guard limits.maxExtraDataBlocks.allows(link.extraDataBlocks.count + 1) else {
                log.record(
                    .limitExceeded, offset: at,
                    "\(limits.maxExtraDataBlocks.name): more than \(limits.maxExtraDataBlocks.maximum) blocks")
                return
            }
            _ = try? body.readUInt32LE()
            link.extraDataBlocks.append(ExtraDataBlock(signature: signature, offset: at, size: Int(size)))
            guard let expected = ExtraDataSignature.expectedSize(signature) else {
                log.record(.unknownExtraData, offset: at, "\(ExtraDataSignature.name(signature)) skipped")
                continue
            }
            if expected > 0 && Int(size) != expected || expected < 0 && Int(size) < -expected {
                log.record(
                    .badExtraData, offset: at,
                    "\(ExtraDataSignature.name(signature)) is \(size) bytes, expected \(expected > 0 ? "" : "at least ")\(abs(expected))")
                if expected < 0 { continue }
            }
            guard seen.insert(signature).inserted else {
                log.record(.duplicateExtraData, offset: at, "a second \(ExtraDataSignature.name(signature))")
                continue
            }
            do {
                try readBlock(signature, &body, at: at, into: &link)
            } catch {
                log.record(.badExtraData, offset: at, "\(ExtraDataSignature.name(signature)) cut short: \(error)")
            }
        }
    }

    /// Reads one block's data (after its signature).
    mutating func readBlock(_ signature: UInt32, _ body: inout ByteCursor, at: Int, into link: inout ShellLink) throws {
        /// TargetAnsi[260] then TargetUnicode[520]; the Unicode one when it is not empty.
        func paths(_ body: inout ByteCursor) -> String? {
            let ansi = Text.ansi(body.readPrefix(260), charset: charset)
            let unicode = Text.utf16(body.readPrefix(520))
            let value = unicode.isEmpty ? ansi : unicode
            return value.isEmpty ? nil : value
        }
        switch signature {
        case ExtraDataSignature.environment:
            link.environmentTarget = paths(&body)
        case ExtraDataSignature.iconEnvironment:
            link.iconEnvironmentTarget = paths(&body)
        case ExtraDataSignature.darwin:
            link.darwinID = paths(&body)
        case ExtraDataSignature.tracker:
            let length = try body.readUInt32LE()
            let version = try body.readUInt32LE()
            if length != 0x58 || version != 0 {
                log.record(.badExtraData, offset: at, "TrackerDataBlock length \(length), version \(version)")
            }
            let machine = Text.ansi(try body.readBytes(16), charset: charset)
            let droidVolume = try body.readBytes(16)
            let droidFile = try body.readBytes(16)
            let birthVolume = try body.readBytes(16)
            let birthFile = try body.readBytes(16)
            link.tracker = TrackerData(
                machineID: machine, droidVolume: Text.guid(droidVolume) ?? "", droidFile: Text.guid(droidFile) ?? "",
                birthVolume: Text.guid(birthVolume) ?? "", birthFile: Text.guid(birthFile) ?? "",
                macAddress: Text.macAddress(fromGUID: droidFile) ?? Text.macAddress(fromGUID: birthFile))
        case ExtraDataSignature.consoleFE:
            link.consoleCodePage = try body.readUInt32LE()
        case ExtraDataSignature.specialFolder:
            link.specialFolderID = try body.readUInt32LE()
        case ExtraDataSignature.knownFolder:
            link.knownFolderID = Text.guid(try body.readBytes(16))
        case ExtraDataSignature.shim:
            link.shimLayer = Text.utf16(body.readRest())
        case ExtraDataSignature.vistaIDList:
            link.vistaIDList = ShellItem.parseList(&body, limits: limits, charset: charset, log: &log)
        case ExtraDataSignature.propertyStore:
            let found = PropertyStore.parse(
                body, charset: charset, budget: &propertyBudget, limit: limits.maxProperties, log: &log)
            for property in found {
                link.propertyList.append(property)
                if let value = property.value, link.properties[property.key] == nil {
                    link.properties[property.key] = value
                }
            }
        default:
            break  // ConsoleDataBlock: window settings, nothing a finding needs.
        }
    }
}

extension ByteCursor {
    /// The next four bytes as a little-endian integer, without consuming them.
    func peekUInt32() throws -> UInt32 {
        var copy = self
        return try copy.readUInt32LE()
    }

    /// Reads up to `count` bytes (fewer when fewer remain).
    mutating func readPrefix(_ count: Int) -> ArraySlice<UInt8> {
        (try? readBytes(min(count, remaining))) ?? []
    }
}
