/// A content type decided by the bytes, never by the name.
public struct ArtifactType: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public static let mailMessage: ArtifactType = "message/rfc822"
    public static let mbox: ArtifactType = "application/mbox"
    public static let zip: ArtifactType = "application/zip"
    public static let ooxml: ArtifactType = "application/vnd.openxmlformats"
    public static let ole2: ArtifactType = "application/x-ole-storage"
    public static let pe: ArtifactType = "application/vnd.microsoft.portable-executable"
    public static let elf: ArtifactType = "application/x-elf"
    public static let pdf: ArtifactType = "application/pdf"
    public static let rtf: ArtifactType = "text/rtf"
    public static let lnk: ArtifactType = "application/x-ms-shortcut"
    public static let oneNote: ArtifactType = "application/onenote"
    public static let iso9660: ArtifactType = "application/x-iso9660-image"
    /// A raw disk or FAT volume image (`.img`).
    public static let diskImage: ArtifactType = "application/x-raw-disk-image"
    /// A Virtual Hard Disk (`.vhd`, `.vhdx`).
    public static let vhd: ArtifactType = "application/x-vhd"
    public static let gzip: ArtifactType = "application/gzip"
    public static let rar: ArtifactType = "application/vnd.rar"
    public static let sevenZip: ArtifactType = "application/x-7z-compressed"
    public static let cab: ArtifactType = "application/vnd.ms-cab-compressed"
    public static let ace: ArtifactType = "application/x-ace-compressed"
    public static let html: ArtifactType = "text/html"
    public static let xml: ArtifactType = "application/xml"
    public static let sylk: ArtifactType = "application/x-sylk"
    public static let png: ArtifactType = "image/png"
    public static let jpeg: ArtifactType = "image/jpeg"
    public static let gif: ArtifactType = "image/gif"
    public static let text: ArtifactType = "text/plain"
    public static let empty: ArtifactType = "application/x-empty"
    public static let unknown: ArtifactType = "application/octet-stream"

    /// Types that run code when a user opens them on Windows.
    public var isRunnable: Bool {
        self == .pe || self == .lnk
    }
}

/// Decides an artifact's type from its first bytes (and, for ZIP and ISO, a few known offsets).
public enum Sniffer {
    /// The content type of `bytes`.
    public static func sniff(_ bytes: ArraySlice<UInt8>) -> ArtifactType {
        if bytes.isEmpty { return .empty }
        let head = Array(bytes.prefix(16))
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head[0..<magic.count]) == magic }

        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) || starts([0x50, 0x4B, 0x07, 0x08]) {
            return .zip
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .ole2 }
        if starts([0x4D, 0x5A]), isPE(bytes) { return .pe }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return .elf }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts(Array("{\\rt".utf8)) { return .rtf }
        if starts([0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00]) { return .lnk }
        if starts([0xE4, 0x52, 0x5C, 0x7B, 0x8C, 0xD8, 0xA7, 0x4D, 0xAE, 0xB1, 0x53, 0x78, 0xD0, 0x29, 0x96, 0xD3]) {
            return .oneNote
        }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts(Array("Rar!\u{1A}\u{07}".utf8)) { return .rar }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .sevenZip }
        if starts(Array("MSCF".utf8)) { return .cab }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF8".utf8)) { return .gif }
        if hasMagic(bytes, at: 7, Array("**ACE**".utf8)) { return .ace }
        if starts(Array("ID;P".utf8)) || starts(Array("ID;".utf8)) && head.count > 3 && head[3] >= 0x41 { return .sylk }
        if hasMagic(bytes, at: 0x8001, Array("CD001".utf8)) || hasMagic(bytes, at: 0x8001, Array("BEA01".utf8)) {
            return .iso9660
        }
        if starts(Array("vhdxfile".utf8)) || starts(Array("conectix".utf8))
            || hasMagic(bytes, at: bytes.count - 512, Array("conectix".utf8))
            || hasMagic(bytes, at: bytes.count - 511, Array("conectix".utf8))
        {
            return .vhd
        }
        if looksLikeDiskImage(bytes) { return .diskImage }
        if looksLikeMbox(bytes) { return .mbox }
        if looksLikeMail(bytes) { return .mailMessage }
        let text = sniffText(bytes)
        // A binary with a ZIP end record at its end: an archive behind prepended data.
        if text == .unknown && hasEndOfCentralDirectory(bytes) { return .zip }
        return text
    }

    static func hasMagic(_ bytes: ArraySlice<UInt8>, at offset: Int, _ magic: [UInt8]) -> Bool {
        guard offset >= 0, bytes.count >= offset + magic.count else { return false }
        let start = bytes.startIndex + offset
        return bytes[start..<(start + magic.count)].elementsEqual(magic)
    }

    /// Whether a ZIP end-of-central-directory record sits where one must: within the last 64 KiB + 22 bytes.
    static func hasEndOfCentralDirectory(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= 22 else { return false }
        let tail = bytes.suffix(65_535 + 22)
        return tail.withUnsafeBytes { raw -> Bool in
            func isEnd(_ i: Int) -> Bool {
                guard raw[i] == 0x50, raw[i + 1] == 0x4B, raw[i + 2] == 0x05, raw[i + 3] == 0x06 else { return false }
                let commentLength = Int(raw[i + 20]) | Int(raw[i + 21]) << 8
                return i + 22 + commentLength <= raw.count
            }
            // Backwards, eight bytes at a time: skip words that hold no "P" (SWAR zero-byte test on word ^ "PPPPPPPP").
            var i = raw.count - 22
            while i >= 7 {
                let word = raw.loadUnaligned(fromByteOffset: i - 7, as: UInt64.self) ^ 0x5050_5050_5050_5050
                if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 {
                    for j in stride(from: i, through: i - 7, by: -1) where isEnd(j) { return true }
                }
                i -= 8
            }
            while i >= 0 {
                if isEnd(i) { return true }
                i -= 1
            }
            return false
        }
    }

    /// A FAT boot sector (jump, "FAT" in the BIOS parameter block, 55 AA) or a master boot record whose first
    /// partition entry is in use.
    static func looksLikeDiskImage(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= 1024, hasMagic(bytes, at: 510, [0x55, 0xAA]) else { return false }
        let b = bytes.startIndex
        if bytes[b] == 0xEB || bytes[b] == 0xE9,
            hasMagic(bytes, at: 0x36, Array("FAT".utf8)) || hasMagic(bytes, at: 0x52, Array("FAT".utf8))
        {
            return true
        }
        let status = bytes[b + 0x1BE]
        return (status == 0 || status == 0x80) && bytes[b + 0x1C2] != 0
    }

    static func isPE(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= 0x40 else { return false }
        let b = bytes.startIndex
        let peOffset = Int(bytes[b + 0x3C]) | Int(bytes[b + 0x3D]) << 8 | Int(bytes[b + 0x3E]) << 16
            | Int(bytes[b + 0x3F]) << 24
        return hasMagic(bytes, at: peOffset, [0x50, 0x45, 0, 0])
    }

    static func looksLikeMbox(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard hasMagic(bytes, at: 0, Array("From ".utf8)) else { return false }
        // "From sender date" then a newline and a header line.
        guard let nl = bytes.prefix(1024).firstIndex(of: 0x0A) else { return false }
        return looksLikeMail(bytes[(nl + 1)...])
    }

    /// A header block: the first non-empty lines are `Name: value` with a known mail header among them.
    static func looksLikeMail(_ bytes: ArraySlice<UInt8>) -> Bool {
        let window = bytes.prefix(4096)
        var lineStart = window.startIndex
        var headerLines = 0
        var known = false
        var i = window.startIndex
        while i < window.endIndex, headerLines < 40 {
            if window[i] == 0x0A {
                let line = window[lineStart..<i]
                let trimmed = line.last == 0x0D ? line.dropLast() : line
                if trimmed.isEmpty { break }
                if trimmed.first == 0x20 || trimmed.first == 0x09 {
                    // folded continuation
                } else if let colon = trimmed.firstIndex(of: 0x3A), colon > trimmed.startIndex,
                    trimmed[trimmed.startIndex..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
                {
                    headerLines += 1
                    let name = String(decoding: trimmed[trimmed.startIndex..<colon], as: UTF8.self).lowercased()
                    if mailHeaderNames.contains(name) { known = true }
                } else {
                    return false
                }
                lineStart = i + 1
            }
            i += 1
        }
        return known && headerLines >= 2
    }

    static let mailHeaderNames: Set<String> = [
        "received", "return-path", "from", "to", "subject", "date", "message-id", "mime-version", "content-type",
        "delivered-to", "reply-to", "x-mailer", "cc", "sender", "dkim-signature", "authentication-results",
    ]

    static func sniffText(_ bytes: ArraySlice<UInt8>) -> ArtifactType {
        let window = bytes.prefix(2048)
        var controls = 0
        for b in window where b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x1B && b != 0x0C {
            controls += 1
        }
        guard controls * 20 < window.count else { return .unknown }
        let head = window.prefix(1024)
        // Skip a UTF-8 byte order mark and leading white space.
        var start = head.startIndex
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        while start < head.endIndex, head[start] == 0x20 || head[start] == 0x09 || head[start] == 0x0A
            || head[start] == 0x0D
        {
            start += 1
        }
        let trimmed = head[start...]
        if startsCaseInsensitive(trimmed, "<!doctype html") || startsCaseInsensitive(trimmed, "<html")
            || containsCaseInsensitive(head, "<html") || containsCaseInsensitive(head, "<script")
            || containsCaseInsensitive(head, "<body")
        {
            return .html
        }
        if startsCaseInsensitive(trimmed, "<?xml") { return .xml }
        return .text
    }

    static func startsCaseInsensitive(_ bytes: ArraySlice<UInt8>, _ ascii: StaticString) -> Bool {
        let n = ascii.utf8CodeUnitCount
        guard bytes.count >= n else { return false }
        return ascii.withUTF8Buffer { m in
            var i = bytes.startIndex
            for c in m {
                var b = bytes[i]
                if b >= 0x41 && b <= 0x5A { b |= 0x20 }
                if b != c { return false }
                i += 1
            }
            return true
        }
    }

    static func containsCaseInsensitive(_ bytes: ArraySlice<UInt8>, _ ascii: StaticString) -> Bool {
        guard let first = ascii.withUTF8Buffer({ $0.first }) else { return true }
        var i = bytes.startIndex
        while let lt = bytes[i...].firstIndex(of: first) {
            if startsCaseInsensitive(bytes[lt...], ascii) { return true }
            i = lt + 1
        }
        return false
    }
}
