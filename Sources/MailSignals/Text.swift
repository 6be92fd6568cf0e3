import ByteCursor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text helpers shared by the checks: bounded scalar views, width folding and name normalisation.
enum Text {
    /// At most `limit.maximum` scalars of `s`, and whether the rest was cut.
    static func scalars(_ s: String, _ limit: Limit) -> (scalars: [Unicode.Scalar], cut: Bool) {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(min(limit.maximum, s.utf8.count))
        for u in s.unicodeScalars {
            if out.count >= limit.maximum { return (out, true) }
            out.append(u)
        }
        return (out, false)
    }

    /// The scalar whose UTF-8 encoding starts at `i` of `bytes`, and the encoding's length. `bytes` is a
    /// `String`'s UTF-8 (valid by construction); a sequence cut short or malformed all the same decodes as U+FFFD
    /// over one byte, so no index goes past the buffer.
    @inline(__always)
    static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return (Unicode.Scalar(UInt8(truncatingIfNeeded: b0)), 1) }
        let length = b0 >= 0xF0 ? 4 : (b0 >= 0xE0 ? 3 : (b0 >= 0xC0 ? 2 : 1))
        guard length > 1, i + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var value = b0 & (0x7F >> UInt32(length))
        for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// Whether the UTF-8 of `s` holds `byte` (memchr over a contiguous copy when `s` is not native UTF-8).
    static func containsByte(_ s: String, _ byte: UInt8) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, Int32(byte), bytes.count) != nil
        }
    }

    /// Where the first `limit` scalars of `bytes` (a `String`'s UTF-8) end, and whether more scalars follow.
    static func prefixEnd(ofScalars limit: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (end: Int, cut: Bool) {
        guard bytes.count > limit else { return (bytes.count, false) }  // never more scalars than bytes
        var count = 0
        for (i, b) in bytes.enumerated() where b & 0xC0 != 0x80 {  // a scalar starts at every non-continuation byte
            if count == limit { return (i, true) }
            count += 1
        }
        return (bytes.count, false)
    }

    /// The scalars of `bytes[range]`, at most `limit` of them.
    static func scalars(in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: Int) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(min(limit, range.count))
        var i = range.lowerBound
        while i < range.upperBound, out.count < limit {
            let (u, n) = scalar(in: bytes, at: i)
            out.append(u)
            i += n
        }
        return out
    }

    /// `s` cut to `n` characters with an ellipsis, for evidence strings.
    static func clip(_ s: String, _ n: Int) -> String {
        var count = 0
        var end = s.startIndex
        while end < s.endIndex {
            if count == n { return String(s[..<end]) + "…" }
            end = s.index(after: end)
            count += 1
        }
        return s
    }

    static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        // Encoded to UTF-8 by hand: appending to a UnicodeScalarView one scalar at a time is several times slower,
        // and every line of every text part goes through here.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.underestimatedCount)
        for u in scalars {
            if u.value < 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: u.value))
            } else {
                UTF8.encode(u) { bytes.append($0) }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Half-width katakana U+FF66...U+FF9D in order, as their full-width forms.
    private static let fullWidthKatakana: [Unicode.Scalar] = Array(
        "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
            .unicodeScalars
    )

    /// The compatibility fold of one scalar that NFKC applies to the characters mail names and domains use:
    /// full-width ASCII to ASCII, U+3000 to a space, half-width katakana and punctuation to full width, the
    /// half-width (semi-)voiced sound marks to the combining ones (which Swift's `Character` comparison composes).
    ///
    /// This is a subset of NFKC, not all of it (no ligatures, circled or super-script forms): Foundation-free code
    /// has no NFKC table, and these are the forms that appear in Japanese display names and addresses.
    static func foldWidth(_ u: Unicode.Scalar) -> Unicode.Scalar {
        let v = u.value
        switch v {
        case 0xFF01...0xFF5E: return Unicode.Scalar(v - 0xFEE0) ?? u
        case 0x3000: return " "
        case 0xFF61: return "\u{3002}"
        case 0xFF62: return "\u{300C}"
        case 0xFF63: return "\u{300D}"
        case 0xFF64: return "\u{3001}"
        case 0xFF65: return "\u{30FB}"
        case 0xFF66...0xFF9D:
            let i = Int(v - 0xFF66)
            return i < fullWidthKatakana.count ? fullWidthKatakana[i] : u
        case 0xFF9E: return "\u{3099}"
        case 0xFF9F: return "\u{309A}"
        default: return u
        }
    }

    static func foldWidth(_ s: String) -> String { string(s.unicodeScalars.lazy.map(foldWidth)) }

    /// Whitespace of every kind mail uses, including U+3000 and the no-break spaces.
    static func isSpace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default: return false
        }
    }

    /// Invisible characters that attackers insert to break string matches.
    static func isInvisible(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0xAD, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0xFEFF: return true
        default: return false
        }
    }
}

/// How display names and protected names are compared: width folded, lower-cased, without spaces, invisible
/// characters or name separators.
///
/// `"山田　太郎"`, `"山田 太郎"`, `"山田太郎"` and `"ﾔﾏﾀﾞ ﾀﾛｳ"` → `"ヤマダタロウ"` forms compare equal to their
/// counterparts; `"ＹＡＭＡＤＡ Taro"` becomes `"yamadataro"`. Canonical equivalence (NFC/NFD) needs nothing
/// more: Swift compares `String` and `Character` values by canonical equivalence.
public enum NameNormalizer {
    /// The comparison form of `name`.
    public static func normalize(_ name: String) -> String {
        tokens(name).joined()
    }

    /// The words of `name` in comparison form, split at spaces and name separators (`・`, `,`, `/`).
    public static func tokens(_ name: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for raw in name.unicodeScalars {
            let u = Text.foldWidth(raw)
            if Text.isInvisible(u) { continue }
            if Text.isSpace(u) || u == "\u{30FB}" || u == "," || u == "/" || u == "\u{3001}" || u == "\"" || u == "'" {
                if !current.isEmpty { tokens.append(String(current).lowercased()) }
                current = String.UnicodeScalarView()
                continue
            }
            current.append(u)
        }
        if !current.isEmpty { tokens.append(String(current).lowercased()) }
        return tokens
    }
}

extension Text {
    /// The addresses written in `raw`: `local@domain` with ASCII or full-width characters, spaces allowed around
    /// the `@`, lower-cased and width folded; at most 16.
    static func addresses(in raw: [Unicode.Scalar], limits: MailSignalLimits) -> [String] {
        let s = raw.map(Text.foldWidth)
        var found: [String] = []
        func isLocal(_ u: Unicode.Scalar) -> Bool {
            u.properties.isAlphabetic || (u.value >= 0x30 && u.value <= 0x39)
                || "._%+-!#$&*=?^`{|}~".unicodeScalars.contains(u)
        }
        func isDomain(_ u: Unicode.Scalar) -> Bool {
            u.properties.isAlphabetic || (u.value >= 0x30 && u.value <= 0x39) || u == "-" || u == "."
                || u == "\u{3002}"
        }
        var i = 0
        while i < s.count, found.count < 16 {
            defer { i += 1 }
            guard s[i] == "@" else { continue }
            var l = i - 1
            while l >= 0, isSpace(s[l]) { l -= 1 }
            var start = l + 1
            while l >= 0, isLocal(s[l]), !isCJK(s[l]) {
                start = l
                l -= 1
            }
            var r = i + 1
            while r < s.count, isSpace(s[r]) { r += 1 }
            let domainStart = r
            while r < s.count, isDomain(s[r]), !isCJK(s[r]) { r += 1 }
            guard start <= i - 1, domainStart < r, start < s.count else { continue }
            let local = string(s[start..<i].filter { !isSpace($0) })
            let domainText = string(s[domainStart..<r])
            guard !local.isEmpty, let domain = DomainName.normalize(domainText, limits: limits),
                domain.contains("."), domain.last != "-"
            else { continue }
            found.append(local.lowercased() + "@" + domain)
        }
        return found
    }
}
