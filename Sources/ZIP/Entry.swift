/// How an entry's data is encrypted.
public enum ZIPEncryption: Sendable, Hashable {
    /// Not encrypted.
    case none
    /// Traditional PKWARE encryption (flag bit 0): a 12-byte header, then a byte-wise stream cipher.
    case zipCrypto
    /// WinZip AES (method 99 with extra field 0x9901): AES-CTR with a little-endian counter and HMAC-SHA1.
    ///
    /// `bits` is 128, 192 or 256; `vendorVersion` is 1 (AE-1, CRC kept) or 2 (AE-2, CRC zero);
    /// `actualMethod` is the compression method under the encryption.
    case winZipAES(bits: Int, vendorVersion: Int, actualMethod: UInt16)
    /// PKWARE strong encryption (flag bit 6): recognised, not decrypted.
    case strongEncryption

    /// Whether the entry needs a password.
    public var isEncrypted: Bool { self != .none }
}

/// An MS-DOS date and time as stored in ZIP headers (two-second resolution, local time, no zone).
///
/// ```
///  date: bits 15-9 year-1980 | 8-5 month | 4-0 day
///  time: bits 15-11 hour     | 10-5 minute | 4-0 second/2
/// ```
public struct DOSDateTime: Sendable, Hashable, CustomStringConvertible {
    public var date: UInt16
    public var time: UInt16

    public init(date: UInt16, time: UInt16) {
        self.date = date
        self.time = time
    }

    public var year: Int { 1980 + Int(date >> 9) }
    public var month: Int { Int((date >> 5) & 0x0F) }
    public var day: Int { Int(date & 0x1F) }
    public var hour: Int { Int(time >> 11) }
    public var minute: Int { Int((time >> 5) & 0x3F) }
    public var second: Int { Int(time & 0x1F) * 2 }

    /// `YYYY-MM-DD hh:mm:ss`, as stored (fields may be out of range in hostile input).
    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
    }
}

/// Compression method numbers from APPNOTE 4.4.5, with names for reports.
public enum ZIPMethod {
    public static let stored: UInt16 = 0
    public static let deflate: UInt16 = 8
    public static let deflate64: UInt16 = 9
    public static let bzip2: UInt16 = 12
    public static let lzma: UInt16 = 14
    public static let zstd: UInt16 = 93
    public static let xz: UInt16 = 95
    public static let ppmd: UInt16 = 98
    /// The placeholder WinZip AES writes in the header; the real method is in extra field 0x9901.
    public static let winZipAES: UInt16 = 99

    /// Whether ``ZIPArchive/extract(_:password:limits:)`` can decompress this method.
    public static func isSupported(_ method: UInt16) -> Bool { method == stored || method == deflate }

    /// A short name for the method ("deflate", "bzip2", "method-77" for unknown numbers).
    public static func name(_ method: UInt16) -> String {
        switch method {
        case 0: "stored"
        case 1: "shrunk"
        case 2, 3, 4, 5: "reduced-\(method - 1)"
        case 6: "imploded"
        case 8: "deflate"
        case 9: "deflate64"
        case 10: "pkware-dcl-implode"
        case 12: "bzip2"
        case 14: "lzma"
        case 16: "ibm-zos-cmpsc"
        case 18: "ibm-terse"
        case 19: "ibm-lz77"
        case 20: "zstd-deprecated"
        case 93: "zstd"
        case 94: "mp3"
        case 95: "xz"
        case 96: "jpeg"
        case 97: "wavpack"
        case 98: "ppmd"
        case 99: "winzip-aes"
        default: "method-\(method)"
        }
    }
}

/// One file or directory in an archive, as the central directory (or a local header) describes it.
public struct ZIPEntry: Sendable, Hashable {
    /// Position in the central directory; entries found only by scanning local headers follow, in file order.
    public var index: Int
    /// The decoded name: UTF-8 when flag bit 11 or the Info-ZIP Unicode Path extra (0x7075) says so; otherwise
    /// UTF-8 if valid, else CP932 (Japanese Windows zippers) if it decodes cleanly, else CP437.
    public var name: String
    /// The name bytes as stored (cut at ``ZIPLimits/maxNameBytes``).
    public var rawName: [UInt8]
    /// The actual compression method (the one under WinZip AES's placeholder 99).
    public var method: UInt16
    /// The general purpose bit flags.
    public var flags: UInt16
    public var crc32: UInt32
    /// The stored size, encryption header and trailer included; ZIP64 resolved.
    public var compressedSize: UInt64
    /// The declared inflated size; ZIP64 resolved.
    public var uncompressedSize: UInt64
    /// Where the local header starts in the input (after correcting for prepended data).
    public var localHeaderOffset: UInt64
    /// Where the stored data starts in the input, once the local header was read.
    public var dataOffset: Int?
    public var encryption: ZIPEncryption
    /// Whether the entry is a directory (name ends in "/" or "\", or the DOS directory attribute is set).
    public var isDirectory: Bool
    public var modified: DOSDateTime
    public var comment: String
    /// Whether the entry was found by scanning local headers and is missing from a central directory that exists:
    /// content that most unzip tools do not show.
    public var isHiddenLocalEntry: Bool
    /// Host system and version that wrote the entry (central directory only; 0 for local-only entries).
    public var versionMadeBy: UInt16
    /// Host-specific attributes (central directory only): DOS attributes in the low byte, Unix mode in the high 16 bits.
    public var externalAttributes: UInt32

    /// A short name for ``method``.
    public var methodName: String { ZIPMethod.name(method) }
    /// Whether the entry is encrypted in any way.
    public var isEncrypted: Bool { encryption.isEncrypted }
    /// Whether sizes and CRC follow the data in a data descriptor (flag bit 3).
    public var hasDataDescriptor: Bool { flags & ZIPFlags.dataDescriptor != 0 }
}

/// General purpose bit flags (APPNOTE 4.4.4).
enum ZIPFlags {
    static let encrypted: UInt16 = 1 << 0
    static let dataDescriptor: UInt16 = 1 << 3
    static let strongEncryption: UInt16 = 1 << 6
    static let utf8: UInt16 = 1 << 11
    static let maskedLocalHeader: UInt16 = 1 << 13
}
