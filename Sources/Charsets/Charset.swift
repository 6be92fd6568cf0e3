/// A character encoding that ``Charsets`` can decode.
///
/// Labels found in mail (`charset=` parameters, RFC 2047 encoded words) map to a case with ``Charsets/lookup(_:)``.
/// `shiftJIS` is always Microsoft's CP932 superset, and ISO-2022-JP/EUC-JP reach the same extensions (NEC row 13,
/// NEC-selected IBM rows 89-92), because that is what Japanese mailers write whatever the label says.
public enum Charset: Hashable, Sendable {
    /// US-ASCII; bytes above 0x7F are invalid.
    case usASCII
    /// UTF-8, decoded strictly (overlongs, surrogates and truncated sequences are invalid).
    case utf8
    /// UTF-16, little-endian.
    case utf16LE
    /// UTF-16, big-endian.
    case utf16BE
    /// UTF-16 with a byte order mark; big-endian without one (RFC 2781).
    case utf16
    /// UTF-7 (RFC 2152), still used to hide text from filters.
    case utf7
    /// ISO-2022-JP with the CP50220/CP50221 extensions, JIS X 0212 and half-width katakana.
    case iso2022JP
    /// Shift_JIS as Windows code page 932.
    case shiftJIS
    /// EUC-JP: JIS X 0208 (+ NEC row 13 as CP51932), SS2 half-width katakana, SS3 JIS X 0212.
    case eucJP
    /// ISO-8859-N, N in 1...16 except 12. Other numbers decode as ISO-8859-1.
    case iso8859(Int)
    /// Windows-125N, N in 1250...1258. Other numbers decode as Windows-1252.
    case windows(Int)
    /// KOI8-R.
    case koi8R
    /// KOI8-U.
    case koi8U
    /// GBK (CP936), also used for GB2312 and (two-byte part only) GB18030 labels.
    case gbk
    /// Big5 as Windows code page 950.
    case big5
    /// EUC-KR as Windows code page 949 (Unified Hangul Code), what `ks_c_5601-1987` means in Outlook mail.
    case eucKR

    /// The canonical (IANA/MIME) name, e.g. `"iso-2022-jp"`.
    public var name: String {
        switch self {
        case .usASCII: "us-ascii"
        case .utf8: "utf-8"
        case .utf16LE: "utf-16le"
        case .utf16BE: "utf-16be"
        case .utf16: "utf-16"
        case .utf7: "utf-7"
        case .iso2022JP: "iso-2022-jp"
        case .shiftJIS: "shift_jis"
        case .eucJP: "euc-jp"
        case .iso8859(let n): "iso-8859-\(n)"
        case .windows(let n): "windows-\(n)"
        case .koi8R: "koi8-r"
        case .koi8U: "koi8-u"
        case .gbk: "gbk"
        case .big5: "big5"
        case .eucKR: "euc-kr"
        }
    }
}

extension Charset: CustomStringConvertible {
    public var description: String { name }
}

/// Text decoded from bytes, with a count of the byte sequences that could not be decoded.
public struct DecodedText: Sendable, Equatable {
    /// The decoded text; each invalid sequence became U+FFFD.
    public var text: String
    /// How many invalid sequences were replaced.
    public var invalidSequences: Int
    /// The offset of the first invalid sequence, relative to the start of the input.
    public var firstInvalidOffset: Int?

    public init(text: String, invalidSequences: Int = 0, firstInvalidOffset: Int? = nil) {
        self.text = text
        self.invalidSequences = invalidSequences
        self.firstInvalidOffset = firstInvalidOffset
    }

    /// Whether every byte decoded.
    public var isValid: Bool { invalidSequences == 0 }
}

extension Charsets {
    /// Maps a charset label to a ``Charset``, case-insensitively, or returns `nil` for an unknown label.
    ///
    /// Accepts the MIME/IANA names and the aliases mailers and WHATWG use (`utf8`, `ascii`, `csISO2022JP`,
    /// `cp50220`, `sjis`, `windows-31j`, `x-euc-jp`, `latin1`, `iso8859-N`, `x-cp125N`, `koi8-r`, ...).
    /// Surrounding whitespace and quotes are ignored, and so is a `*language` suffix (RFC 2231).
    public static func lookup(_ label: String) -> Charset? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(label.utf8.count)
        for b in label.utf8 {
            if b == UInt8(ascii: "*") { break }  // RFC 2231 language suffix
            if b >= 0x80 { return nil }
            bytes.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
        }
        while let f = bytes.first, f == 0x20 || f == 0x09 || f == 0x22 || f == 0x27 { bytes.removeFirst() }
        while let l = bytes.last, l == 0x20 || l == 0x09 || l == 0x22 || l == 0x27 { bytes.removeLast() }
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        let key = String(decoding: bytes, as: UTF8.self)
        if let c = fixedAliases[key] { return c }
        return numberedCharset(key)
    }

    private static let fixedAliases: [String: Charset] = {
        var m: [String: Charset] = [:]
        func add(_ c: Charset, _ names: String...) { for n in names { m[n] = c } }
        add(
            .usASCII,
            "us-ascii",
            "ascii",
            "us",
            "ansi_x3.4-1968",
            "ansi_x3.4-1986",
            "iso646-us",
            "iso_646.irv:1991",
            "cp367",
            "ibm367",
            "csascii",
            "iso-ir-6",
            "646",
            "us_ascii"
        )
        add(.utf8, "utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8", "utf_8")
        add(.utf16LE, "utf-16le", "utf16le", "utf_16_le", "unicodefffe", "ucs-2le")
        add(.utf16BE, "utf-16be", "utf16be", "utf_16_be", "unicodefeff", "ucs-2be")
        add(.utf16, "utf-16", "utf16", "utf_16", "ucs-2", "ucs2", "csunicode", "iso-10646-ucs-2", "unicode")
        add(.utf7, "utf-7", "utf7", "unicode-1-1-utf-7", "csunicode11utf7", "x-unicode-2-0-utf-7")
        add(
            .iso2022JP,
            "iso-2022-jp",
            "iso2022-jp",
            "iso2022jp",
            "iso_2022_jp",
            "csiso2022jp",
            "iso-2022-jp-ms",
            "cp50220",
            "cp50221",
            "cp50222",
            "iso-2022-jp-1",
            "iso-2022-jp-2",
            "iso-2022-jp-3",
            "iso-2022-jp-2004",
            "csiso2022jp2",
            "jis",
            "jis7",
            "x-jis7",
            "iso2022-jp-ms"
        )
        add(
            .shiftJIS,
            "shift_jis",
            "shift-jis",
            "shiftjis",
            "sjis",
            "s-jis",
            "s_jis",
            "x-sjis",
            "ms_kanji",
            "ms-kanji",
            "csshiftjis",
            "cp932",
            "ms932",
            "windows-31j",
            "cswindows31j",
            "x-ms-cp932",
            "ibm-943",
            "windows-932",
            "shift_jisx0213",
            "shift_jis_2004",
            "shift_jis-2004",
            "x-shift_jis",
            "shift_jis2004"
        )
        add(
            .eucJP,
            "euc-jp",
            "eucjp",
            "euc_jp",
            "x-euc-jp",
            "x-eucjp",
            "ujis",
            "u-jis",
            "x-euc",
            "cseucpkdfmtjapanese",
            "cp51932",
            "euc-jis-2004",
            "euc_jis_2004",
            "euc-jisx0213",
            "eucjp-ms",
            "eucjp-win",
            "euc-jp-ms"
        )
        add(.iso8859(1), "latin1", "latin-1", "l1", "cp819", "ibm819", "iso-ir-100", "csisolatin1", "iso_8859-1:1987")
        add(.iso8859(2), "latin2", "latin-2", "l2", "iso-ir-101", "csisolatin2", "iso_8859-2:1987")
        add(.iso8859(3), "latin3", "latin-3", "l3", "iso-ir-109", "csisolatin3")
        add(.iso8859(4), "latin4", "latin-4", "l4", "iso-ir-110", "csisolatin4")
        add(.iso8859(5), "cyrillic", "iso-ir-144", "csisolatincyrillic")
        add(
            .iso8859(6),
            "arabic",
            "iso-ir-127",
            "asmo-708",
            "ecma-114",
            "csisolatinarabic",
            "iso-8859-6-i",
            "iso-8859-6-e"
        )
        add(.iso8859(7), "greek", "greek8", "iso-ir-126", "elot_928", "ecma-118", "csisolatingreek", "sun_eu_greek")
        add(
            .iso8859(8),
            "hebrew",
            "iso-ir-138",
            "csisolatinhebrew",
            "iso-8859-8-i",
            "iso-8859-8-e",
            "logical",
            "visual"
        )
        add(.iso8859(9), "latin5", "latin-5", "l5", "iso-ir-148", "csisolatin5")
        add(.iso8859(10), "latin6", "latin-6", "l6", "iso-ir-157", "csisolatin6")
        add(.iso8859(11), "tis-620", "tis620", "thai")
        add(.iso8859(13), "latin7", "latin-7", "l7")
        add(.iso8859(14), "latin8", "latin-8", "l8", "iso-celtic", "iso-ir-199")
        add(.iso8859(15), "latin9", "latin-9", "l9", "latin0", "csisolatin9")
        add(.iso8859(16), "latin10", "latin-10", "l10", "iso-ir-226")
        add(.windows(1252), "ansi", "x-ansi", "ms-ansi")
        add(.windows(1251), "x-cp1251")
        add(.koi8R, "koi8-r", "koi8r", "koi8_r", "cskoi8r", "koi", "koi8")
        add(.koi8U, "koi8-u", "koi8u", "koi8_u", "koi8-ru", "cskoi8u")
        add(
            .gbk,
            "gbk",
            "x-gbk",
            "gb2312",
            "gb_2312",
            "gb_2312-80",
            "gb-2312",
            "csgb2312",
            "euc-cn",
            "x-euc-cn",
            "euccn",
            "chinese",
            "iso-ir-58",
            "csiso58gb231280",
            "gb18030",
            "gb-18030",
            "ms936",
            "windows-936"
        )
        add(.big5, "big5", "big-5", "big5-hkscs", "cn-big5", "x-x-big5", "csbig5", "ms950", "windows-950", "big5hkscs")
        add(
            .eucKR,
            "euc-kr",
            "euckr",
            "euc_kr",
            "x-euc-kr",
            "ks_c_5601-1987",
            "ks_c_5601-1989",
            "ks_c_5601",
            "ksc5601",
            "ksc_5601",
            "ks_c_5601_1987",
            "csksc56011987",
            "korean",
            "iso-ir-149",
            "uhc",
            "ms949",
            "windows-949",
            "x-windows-949",
            "cseuckr"
        )
        return m
    }()

    /// Recognises `iso-8859-N` style and `windows-125N` style labels with their spelling variants.
    private static func numberedCharset(_ key: String) -> Charset? {
        let u = Array(key.utf8)
        func number(after prefixes: [String]) -> Int? {
            for p in prefixes where u.count > p.utf8.count && u.starts(with: p.utf8) {
                var n = 0
                var digits = 0
                for b in u[p.utf8.count...] {
                    if b == UInt8(ascii: ":") { break }  // iso_8859-1:1987
                    guard b >= 0x30, b <= 0x39, digits < 5 else { return nil }
                    n = n * 10 + Int(b - 0x30)
                    digits += 1
                }
                return digits > 0 ? n : nil
            }
            return nil
        }
        if let n = number(after: [
            "iso-8859-", "iso8859-", "iso_8859-", "iso8859_", "iso_8859_", "iso-8859_", "iso8859",
        ]) {
            return (1...16).contains(n) && n != 12 ? .iso8859(n) : nil
        }
        if let n = number(after: ["windows-", "cp", "x-cp", "win-", "windows", "cp-", "ms-cp"]) {
            if (1250...1258).contains(n) { return .windows(n) }
            if n == 932 || n == 943 { return .shiftJIS }
            if n == 20932 || n == 51932 { return .eucJP }
            if n == 65001 { return .utf8 }
            if n == 1200 { return .utf16LE }
            if n == 1201 { return .utf16BE }
            if n == 28591 { return .iso8859(1) }
            if n == 20866 { return .koi8R }
            if n == 21866 { return .koi8U }
            if n == 50220 || n == 50221 || n == 50222 { return .iso2022JP }
            if n == 936 || n == 54936 { return .gbk }
            if n == 950 { return .big5 }
            if n == 949 || n == 51949 { return .eucKR }
            return nil
        }
        return nil
    }
}
