import ByteCursor

/// Recognises disk images and archives by their signatures, and says whether an archive is encrypted where that
/// is cheaply visible.
///
/// Recognition only: 7z, RAR, CAB, ACE, xz, bzip2, tar and DMG are not extracted here (the OneNote target reads
/// CAB). An encrypted archive in mail is itself a finding: the engine maps `encrypted == true` to a rule.
/// `encrypted` is nil when the format could hide it and the bytes do not say (a 7z whose header is compressed).
///
/// ```
///  7z     37 7A BC AF 27 1C at 0; header at 32 + next-header offset: folders' coder IDs (06 F1 07 01 = AES)
///  RAR 4  "Rar!" 1A 07 00: main header flag 0x0080 = encrypted headers; file header flag 0x0004 = encrypted
///  RAR 5  "Rar!" 1A 07 01 00: header type 4 = encrypted headers; file extra record type 1 = encrypted file
///  CAB    "MSCF" at 0          ACE "**ACE**" at 7; file header flag 0x4000 = encrypted
///  xz     FD "7zXZ" 00         bzip2 "BZh1".."BZh9" + block magic      tar "ustar" at 257
///  DMG    "koly" 512 bytes from the end; "encrcdsa" at 0 or "cdsaencr" at the end = encrypted
///  gzip   1F 8B 08             ISO "CD001" / UDF "NSR0x" at 32769      VHD "conectix"   VHDX "vhdxfile"
/// ```
public enum ContainerRecognizer {
    /// The most headers walked in one archive, and the most names put in `details`.
    static let maxHeaders = 4096
    static let maxNamesShown = 16

    /// The container format of `bytes`, whether it is encrypted (nil when unknown), and a one-line description.
    public static func recognize(_ bytes: ArraySlice<UInt8>) -> (kind: ContainerKind, encrypted: Bool?, details: String)? {
        let b = Bytes(bytes)
        if b.matches(0, [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return SevenZip.recognize(b) }
        if b.matches(0, Array("Rar!\u{1A}\u{07}\u{01}\u{00}".utf8)) { return RAR.recognize5(b) }
        if b.matches(0, Array("Rar!\u{1A}\u{07}\u{00}".utf8)) { return RAR.recognize4(b) }
        if b.matches(7, Array("**ACE**".utf8)) { return ACE.recognize(b) }
        if b.matches(0, Array("MSCF".utf8)), (b.u32(4) ?? 1) == 0 { return cabinet(b) }
        if b.matches(0, [0x1F, 0x8B, 0x08]) {
            var c = ByteCursor(bytes)
            let name = (try? GzipReader.Header(&c))?.name
            return (.gzip, false, "gzip" + (name.map { ", file name \"\($0)\"" } ?? ""))
        }
        if b.matches(0, [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return (.xz, false, "xz stream") }
        if b.matches(0, Array("BZh".utf8)), let level = b.u8(3), level >= 0x31, level <= 0x39,
            b.matches(4, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || b.matches(4, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
        {
            return (.bzip2, false, "bzip2 stream, \(level - 0x30)00k blocks")
        }
        if b.matches(0, Array("vhdxfile".utf8)) { return (.vhdx, false, "VHDX virtual disk") }
        if b.matches(0, Array("encrcdsa".utf8)) || b.matches(b.count - 8, Array("cdsaencr".utf8)) {
            return (.dmg, true, "encrypted Apple disk image")
        }
        if b.matches(32769, Array("CD001".utf8)) { return (.iso9660, false, "ISO 9660 image") }
        if b.matches(32769, Array("BEA01".utf8)) { return (.udf, false, "UDF image") }
        if b.matches(b.count - 512, Array("conectix".utf8)) || b.matches(0, Array("conectix".utf8)) {
            return (.vhd, false, "VHD virtual disk")
        }
        if b.matches(b.count - 512, Array("koly".utf8)) { return (.dmg, false, "Apple disk image (UDIF)") }
        if b.matches(257, Array("ustar".utf8)), tarChecksumValid(b) {
            let name = b.slice(0, 100).map { Names.bytes($0.prefix { $0 != 0 }) } ?? ""
            return (.tar, false, "tar archive, first member \"\(name)\"")
        }
        if FATReader.looksLikeFAT(Volume(image: ByteCursor(bytes), base: 0, length: bytes.count)) {
            return (.fat, false, "FAT file system image")
        }
        return nil
    }

    /// Recognises `bytes`.
    public static func recognize(_ bytes: [UInt8]) -> (kind: ContainerKind, encrypted: Bool?, details: String)? {
        recognize(bytes[...])
    }

    /// The CFHEADER (MS-CAB 2.1): version, folder and file counts, and the first file names.
    static func cabinet(_ b: Bytes) -> (kind: ContainerKind, encrypted: Bool?, details: String) {
        guard let size = b.u32(8), let filesAt = b.u32(16), let minor = b.u8(24), let major = b.u8(25),
            let folders = b.u16(26), let files = b.u16(28)
        else { return (.cab, false, "Microsoft cabinet (header cut short)") }
        var names: [String] = []
        var at = Int(filesAt)
        for _ in 0..<min(Int(files), maxNamesShown) {
            guard let tail = b.slice(at + 16, min(256, max(0, b.count - at - 16))),
                let end = tail.firstIndex(of: 0)
            else { break }
            names.append(Names.bytes(tail[..<end]))
            at = end - tail.startIndex + at + 17
        }
        return (
            .cab, false,
            "Microsoft cabinet \(major).\(minor), \(size) bytes, \(folders) folders, \(files) files"
                + (names.isEmpty ? "" : ": " + names.joined(separator: ", "))
        )
    }

    /// The ustar header checksum: the byte sum of the 512-byte header with the checksum field as spaces.
    static func tarChecksumValid(_ b: Bytes) -> Bool {
        guard let header = b.slice(0, 512), let field = b.slice(148, 8) else { return false }
        let digits = field.prefix { $0 >= 0x30 && $0 <= 0x37 }
        guard !digits.isEmpty, digits.count <= 7 else { return false }
        let stored = digits.reduce(0) { $0 * 8 + Int($1 - 0x30) }
        var sum = 0
        for (i, v) in header.enumerated() { sum += (148..<156).contains(i) ? 0x20 : Int(v) }
        return sum == stored
    }
}

/// Checked reads at absolute offsets of a recognised input, through ``ByteCursor``.
struct Bytes {
    let cursor: ByteCursor
    var count: Int { cursor.totalCount }

    init(_ bytes: ArraySlice<UInt8>) { cursor = ByteCursor(bytes) }

    func slice(_ offset: Int, _ n: Int) -> ArraySlice<UInt8>? { try? cursor.slice(at: offset, count: n) }
    func matches(_ offset: Int, _ want: [UInt8]) -> Bool { slice(offset, want.count)?.elementsEqual(want) ?? false }
    func u8(_ offset: Int) -> UInt8? { slice(offset, 1)?.first }
    func u16(_ offset: Int) -> UInt16? {
        guard let s = slice(offset, 2) else { return nil }
        var c = ByteCursor(s)
        return try? c.readUInt16LE()
    }
    func u32(_ offset: Int) -> UInt32? {
        guard let s = slice(offset, 4) else { return nil }
        var c = ByteCursor(s)
        return try? c.readUInt32LE()
    }
    func u64(_ offset: Int) -> UInt64? {
        guard let s = slice(offset, 8) else { return nil }
        var c = ByteCursor(s)
        return try? c.readUInt64LE()
    }
}

// MARK: - 7z

/// 7z headers (7zFormat.txt): the signature header points at the (possibly encoded) header at its end.
enum SevenZip {
    static let aes: [UInt8] = [0x06, 0xF1, 0x07, 0x01]

    static func recognize(_ b: Bytes) -> (kind: ContainerKind, encrypted: Bool?, details: String) {
        guard let offset = b.u64(12), let size = b.u64(20), let o = Int(exactly: offset), let n = Int(exactly: size),
            o <= Int.max - 32, let header = b.slice(32 + o, n), let first = header.first
        else { return (.sevenZip, nil, "7z archive, header not present (cut short or multi-volume)") }
        var c = ByteCursor(header.dropFirst())
        switch first {
        case 0x17:  // kEncodedHeader: the header is itself packed; its folder's coders are visible
            guard let coders = try? streamsInfoCoders(&c) else {
                return (.sevenZip, nil, "7z archive, encoded header unreadable")
            }
            if coders.contains(aes) { return (.sevenZip, true, "7z archive with encrypted headers (AES-256): names hidden") }
            return (.sevenZip, nil, "7z archive, header compressed (\(names(coders))): whether files are encrypted is not visible")
        case 0x01:  // kHeader
            guard let coders = try? plainHeaderCoders(&c) else {
                return (.sevenZip, nil, "7z archive, header unreadable")
            }
            if coders.contains(aes) { return (.sevenZip, true, "7z archive with encrypted files (AES-256)") }
            return (.sevenZip, false, "7z archive (\(names(coders)))")
        default:
            return (.sevenZip, nil, "7z archive, unknown header type \(first)")
        }
    }

    static func names(_ coders: [[UInt8]]) -> String {
        let known: [[UInt8]: String] = [
            [0x00]: "copy", [0x21]: "LZMA2", [0x03, 0x01, 0x01]: "LZMA", [0x04, 0x01, 0x08]: "deflate",
            [0x04, 0x02, 0x02]: "bzip2", [0x03, 0x04, 0x01]: "PPMd", [0x03, 0x03, 0x01, 0x03]: "BCJ", aes: "AES-256",
        ]
        let list = coders.map { known[$0] ?? $0.map { String($0, radix: 16) }.joined() }
        return list.isEmpty ? "no coders" : Array(Set(list)).sorted().joined(separator: ", ")
    }

    /// A 7z variable-length number: the leading one bits of the first byte count the bytes that follow.
    static func number(_ c: inout ByteCursor) throws -> UInt64 {
        let first = try c.readUInt8()
        var mask: UInt8 = 0x80
        var value: UInt64 = 0
        for i in 0..<8 {
            if first & mask == 0 {
                let high = UInt64(first & (mask &- 1))
                return value | high << (8 * UInt64(i))
            }
            value |= UInt64(try c.readUInt8()) << (8 * UInt64(i))
            mask >>= 1
        }
        return value
    }

    static func small(_ c: inout ByteCursor, max: Int = 4096) throws -> Int {
        let v = try number(&c)
        guard let n = Int(exactly: v), n <= max else {
            throw DiskImageError(.malformed, "7z count \(v) out of range")
        }
        return n
    }

    /// kHeader: skips archive properties, then reads the coders of the additional and main streams.
    static func plainHeaderCoders(_ c: inout ByteCursor) throws -> [[UInt8]] {
        var coders: [[UInt8]] = []
        var id = try number(&c)
        if id == 0x02 {  // kArchiveProperties
            while try number(&c) != 0 { try c.skip(try small(&c, max: 1 << 20)) }
            id = try number(&c)
        }
        if id == 0x03 {  // kAdditionalStreamsInfo
            coders += try streamsInfoCoders(&c)
            id = try number(&c)
        }
        if id == 0x04 { coders += try streamsInfoCoders(&c) }  // kMainStreamsInfo
        return coders
    }

    /// StreamsInfo: PackInfo, then UnPackInfo's folders with their coder IDs (the rest is not needed).
    static func streamsInfoCoders(_ c: inout ByteCursor) throws -> [[UInt8]] {
        var coders: [[UInt8]] = []
        var id = try number(&c)
        if id == 0x06 {  // kPackInfo
            _ = try number(&c)
            let streams = try small(&c)
            while true {
                let p = try number(&c)
                if p == 0 { break }
                if p == 0x09 { for _ in 0..<streams { _ = try number(&c) } }
                else if p == 0x0A {
                    let all = try c.readUInt8()
                    if all == 0 { try c.skip((streams + 7) / 8) }
                    try c.skip(4 * streams)  // upper bound when not all defined is fine for recognition
                } else {
                    throw DiskImageError(.malformed, "7z pack info property \(p)")
                }
            }
            id = try number(&c)
        }
        guard id == 0x07, try number(&c) == 0x0B else { return coders }  // kUnPackInfo, kFolder
        let folders = try small(&c)
        guard try c.readUInt8() == 0 else { return coders }  // external
        for _ in 0..<folders {
            let count = try small(&c, max: 64)
            for _ in 0..<count {
                let flag = try c.readUInt8()
                coders.append(Array(try c.readBytes(Int(flag & 0x0F))))
                if flag & 0x10 != 0 {
                    _ = try number(&c)
                    _ = try number(&c)
                }
                if flag & 0x20 != 0 { try c.skip(try small(&c, max: 1 << 16)) }
            }
            // Bind pairs and packed streams are not needed; recognition stops at the first folder's coders
            // when there is more than one folder with complex coders.
            if count > 1 {
                for _ in 0..<(count - 1) {
                    _ = try number(&c)
                    _ = try number(&c)
                }
            }
        }
        return coders
    }
}

// MARK: - RAR

enum RAR {
    /// RAR 1.5-4.x blocks: CRC (2), type (1), flags (2), size (2), [ADD_SIZE (4) when flags & 0x8000].
    static func recognize4(_ b: Bytes) -> (kind: ContainerKind, encrypted: Bool?, details: String) {
        var at = 7
        var names: [String] = []
        var files = 0
        var encrypted: Bool?
        for _ in 0..<ContainerRecognizer.maxHeaders {
            guard let type = b.u8(at + 2), let flags = b.u16(at + 3), let size = b.u16(at + 5), size >= 7 else {
                break
            }
            var next = at + Int(size)
            switch type {
            case 0x73:
                if flags & 0x0080 != 0 {
                    return (.rar, true, "RAR 4 archive with encrypted headers: names hidden")
                }
            case 0x74:
                guard let packed = b.u32(at + 7), let nameLength = b.u16(at + 26) else { break }
                var pack = Int(packed)
                var nameAt = at + 32
                if flags & 0x0100 != 0, let high = b.u32(at + 32) {
                    pack |= Int(high & 0x7FFF_FFFF) << 32
                    nameAt += 8
                }
                files += 1
                if flags & 0x0004 != 0 { encrypted = true } else if encrypted == nil { encrypted = false }
                if names.count < ContainerRecognizer.maxNamesShown, let n = b.slice(nameAt, Int(nameLength)) {
                    names.append(Names.bytes(n.prefix { $0 != 0 }) + (flags & 0x0004 != 0 ? " (encrypted)" : ""))
                }
                next = (try? add(next, pack)) ?? -1
            case 0x7B:
                return (.rar, encrypted, describe("RAR 4", files, names))
            default:
                if flags & 0x8000 != 0, let add = b.u32(at + 7) { next += Int(add) }
            }
            guard next > at else { break }
            at = next
        }
        return (.rar, encrypted, describe("RAR 4", files, names))
    }

    static func describe(_ format: String, _ files: Int, _ names: [String]) -> String {
        "\(format) archive, \(files) files" + (names.isEmpty ? "" : ": " + names.joined(separator: ", "))
    }

    /// A RAR 5 variable-length integer: 7 bits a byte, high bit set on all but the last.
    static func vint(_ c: inout ByteCursor) throws -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            let byte = try c.readUInt8()
            if shift < 64 { value |= UInt64(byte & 0x7F) << UInt64(shift) }
            if byte & 0x80 == 0 { return value }
        }
        throw DiskImageError(.malformed, "RAR 5 integer too long")
    }

    /// RAR 5 blocks: CRC32 (4), header size (vint), then type, flags, [extra size], [data size], fields, extra.
    static func recognize5(_ b: Bytes) -> (kind: ContainerKind, encrypted: Bool?, details: String) {
        var c = b.cursor
        var names: [String] = []
        var files = 0
        var encrypted: Bool?
        do {
            try c.skip(8)
            for _ in 0..<ContainerRecognizer.maxHeaders {
                guard c.remaining > 4 else { break }
                try c.skip(4)
                let size = try int(try vint(&c))
                var h = try c.subCursor(count: size)
                let type = try vint(&h)
                let flags = try vint(&h)
                let extra = flags & 1 != 0 ? try int(try vint(&h)) : 0
                let data = flags & 2 != 0 ? try int(try vint(&h)) : 0
                switch type {
                case 4:
                    return (.rar, true, "RAR 5 archive with encrypted headers: names hidden")
                case 2:
                    files += 1
                    let fileFlags = try vint(&h)
                    _ = try vint(&h)  // unpacked size
                    _ = try vint(&h)  // attributes
                    if fileFlags & 0x02 != 0 { try h.skip(4) }
                    if fileFlags & 0x04 != 0 { try h.skip(4) }
                    _ = try vint(&h)  // compression
                    _ = try vint(&h)  // host OS
                    let nameLength = try int(try vint(&h))
                    let name = Names.bytes(try h.readBytes(nameLength))
                    var isEncrypted = false
                    if extra > 0, extra <= h.remaining {
                        var e = ByteCursor(h.remainingBytes.suffix(extra))
                        while !e.isAtEnd {
                            let recordSize = try int(try vint(&e))
                            var r = try e.subCursor(count: recordSize)
                            if try vint(&r) == 1 { isEncrypted = true }
                        }
                    }
                    if isEncrypted { encrypted = true } else if encrypted == nil { encrypted = false }
                    if names.count < ContainerRecognizer.maxNamesShown {
                        names.append(name + (isEncrypted ? " (encrypted)" : ""))
                    }
                case 5:
                    return (.rar, encrypted, describe("RAR 5", files, names))
                default:
                    break
                }
                try c.skip(data)
            }
        } catch {}
        return (.rar, encrypted, describe("RAR 5", files, names))
    }
}

// MARK: - ACE

/// ACE 1.x/2.x blocks: CRC16 (2), size (2, from the type on), type (1), flags (2), ... (acefile, unace).
enum ACE {
    static func recognize(_ b: Bytes) -> (kind: ContainerKind, encrypted: Bool?, details: String) {
        guard let mainSize = b.u16(2) else { return (.ace, nil, "ACE archive, header cut short") }
        var at = 4 + Int(mainSize)
        var names: [String] = []
        var files = 0
        var encrypted: Bool?
        for _ in 0..<ContainerRecognizer.maxHeaders {
            guard let size = b.u16(at + 2), let type = b.u8(at + 4), let flags = b.u16(at + 5) else { break }
            var next = at + 4 + Int(size)
            if type == 1 {
                let wide = flags & 0x0004 != 0
                let fields = at + 7
                guard let packed = wide ? b.u64(fields) : b.u32(fields).map(UInt64.init) else { break }
                let nameAt = fields + (wide ? 16 : 8) + 20
                files += 1
                let isEncrypted = flags & 0x4000 != 0
                if isEncrypted { encrypted = true } else if encrypted == nil { encrypted = false }
                if names.count < ContainerRecognizer.maxNamesShown, let length = b.u16(nameAt - 2),
                    let n = b.slice(nameAt, Int(length))
                {
                    names.append(Names.bytes(n) + (isEncrypted ? " (encrypted)" : ""))
                }
                if flags & 0x0001 != 0, let p = Int(exactly: packed) { next = (try? add(next, p)) ?? -1 }
            } else if flags & 0x0001 != 0, let add32 = b.u32(at + 7) {
                next += Int(add32)
            }
            guard next > at else { break }
            at = next
        }
        return (.ace, encrypted, RAR.describe("ACE", files, names))
    }
}
