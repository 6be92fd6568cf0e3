/// Text decoding for mail and documents: UTF-8/16/7, the Japanese encodings and the single-byte code pages.
///
/// Decoding never fails: an invalid byte sequence becomes U+FFFD and is counted in ``DecodedText``, so that a
/// caller can report how damaged (or deliberately obfuscated) a text was and still read the rest of it.
public enum Charsets {
    /// Decodes `bytes` as `charset`; invalid sequences become U+FFFD and are counted.
    public static func decode(_ bytes: ArraySlice<UInt8>, as charset: Charset) -> DecodedText {
        switch charset {
        case .utf8: return decodeUTF8(bytes)
        case .usASCII: return decodeASCII(bytes)
        case .utf16LE: return decodeUTF16(bytes, bigEndian: false, sniffBOM: false)
        case .utf16BE: return decodeUTF16(bytes, bigEndian: true, sniffBOM: false)
        case .utf16: return decodeUTF16(bytes, bigEndian: true, sniffBOM: true)
        case .utf7: return decodeUTF7(bytes)
        case .iso2022JP: return decodeISO2022JP(bytes)
        case .shiftJIS: return decodeShiftJIS(bytes)
        case .eucJP: return decodeEUCJP(bytes)
        case .iso8859(let n):
            guard let table = Tables.iso8859[n] else { return decodeLatin1(bytes) }
            return decodeSingleByte(bytes, table: table)
        case .windows(let n):
            guard let table = Tables.windows[n] ?? Tables.windows[1252] else { return decodeLatin1(bytes) }
            return decodeSingleByte(bytes, table: table)
        case .koi8R: return decodeSingleByte(bytes, table: Tables.koi8R)
        case .koi8U: return decodeSingleByte(bytes, table: Tables.koi8U)
        case .gbk: return decodeDoubleByte(bytes, table: Tables.gbk)
        case .big5: return decodeDoubleByte(bytes, table: Tables.big5)
        case .eucKR: return decodeDoubleByte(bytes, table: Tables.eucKR)
        }
    }

    /// Decodes `bytes` as `charset`.
    public static func decode(_ bytes: [UInt8], as charset: Charset) -> DecodedText {
        decode(bytes[...], as: charset)
    }

    /// Decodes `bytes` with the charset a label names, or returns `nil` when the label is unknown.
    public static func decode(_ bytes: ArraySlice<UInt8>, label: String) -> DecodedText? {
        guard let charset = lookup(label) else { return nil }
        return decode(bytes, as: charset)
    }

    /// Decodes 8-bit text of unknown charset: UTF-8 when it is valid, else the best of ISO-2022-JP, CP932 and
    /// EUC-JP when one decodes cleanly, else ISO-8859-1.
    ///
    /// This is what a mail reader has to do with raw 8-bit header bytes (RFC 6532 says UTF-8, Japanese mailers
    /// still send Shift_JIS and EUC-JP).
    public static func decodeGuessing(_ bytes: ArraySlice<UInt8>) -> (text: DecodedText, charset: Charset) {
        let utf8 = decodeUTF8(bytes)
        if utf8.isValid {
            if bytes.contains(0x1B) {
                let jis = decodeISO2022JP(bytes)
                if jis.isValid && jis.text != utf8.text { return (jis, .iso2022JP) }
            }
            return (utf8, .utf8)
        }
        let sjis = decodeShiftJIS(bytes)
        let euc = decodeEUCJP(bytes)
        if sjis.isValid || euc.isValid {
            if sjis.isValid && euc.isValid {
                // EUC-JP read as CP932 is mostly half-width katakana; prefer the reading with fewer of them.
                return halfWidthKatakanaCount(euc.text) < halfWidthKatakanaCount(sjis.text)
                    ? (euc, .eucJP) : (sjis, .shiftJIS)
            }
            return sjis.isValid ? (sjis, .shiftJIS) : (euc, .eucJP)
        }
        return (decodeLatin1(bytes), .iso8859(1))
    }

    private static func halfWidthKatakanaCount(_ s: String) -> Int {
        var n = 0
        for u in s.unicodeScalars where u.value >= 0xFF61 && u.value <= 0xFF9F { n += 1 }
        return n
    }

    // MARK: - Output

    /// Accumulates UTF-8 output and invalid-sequence bookkeeping.
    struct Output {
        var bytes: [UInt8]
        var invalid = 0
        var firstInvalid: Int?

        init(capacity: Int) {
            bytes = []
            bytes.reserveCapacity(capacity)
        }

        @inline(__always)
        mutating func ascii(_ b: UInt8) { bytes.append(b) }

        @inline(__always)
        mutating func scalar(_ v: UInt32) {
            if v < 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: v))
            } else if v < 0x800 {
                bytes.append(UInt8(truncatingIfNeeded: 0xC0 | (v >> 6)))
                bytes.append(UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F)))
            } else if v < 0x10000 {
                if v >= 0xD800 && v <= 0xDFFF {
                    bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    return
                }
                bytes.append(UInt8(truncatingIfNeeded: 0xE0 | (v >> 12)))
                bytes.append(UInt8(truncatingIfNeeded: 0x80 | ((v >> 6) & 0x3F)))
                bytes.append(UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F)))
            } else if v <= 0x10FFFF {
                bytes.append(UInt8(truncatingIfNeeded: 0xF0 | (v >> 18)))
                bytes.append(UInt8(truncatingIfNeeded: 0x80 | ((v >> 12) & 0x3F)))
                bytes.append(UInt8(truncatingIfNeeded: 0x80 | ((v >> 6) & 0x3F)))
                bytes.append(UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F)))
            } else {
                bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
            }
        }

        /// Records an invalid sequence at `offset` and emits U+FFFD.
        @inline(__always)
        mutating func invalid(at offset: Int) {
            bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
            invalid += 1
            if firstInvalid == nil { firstInvalid = offset }
        }

        func finish() -> DecodedText {
            DecodedText(
                text: String(decoding: bytes, as: UTF8.self),
                invalidSequences: invalid,
                firstInvalidOffset: firstInvalid
            )
        }
    }

    // MARK: - Unicode encodings

    /// Length of the valid UTF-8 sequence starting at `i`, or the negative length of the maximal invalid
    /// subpart to replace with one U+FFFD.
    @inline(__always)
    static func utf8SequenceLength(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let n = p.count
        let b0 = p[i]
        if b0 < 0x80 { return 1 }
        var need: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: need = 1
        case 0xE0:
            need = 2
            lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED:
            need = 2
            hi = 0x9F
        case 0xF0:
            need = 3
            lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4:
            need = 3
            hi = 0x8F
        default: return -1
        }
        var j = i + 1
        var k = 0
        while k < need {
            guard j < n else { return -(j - i) }
            let b = p[j]
            if k == 0 {
                guard b >= lo && b <= hi else { return -(j - i) }
            } else {
                guard b >= 0x80 && b <= 0xBF else { return -(j - i) }
            }
            j += 1
            k += 1
        }
        return need + 1
    }

    /// Strict UTF-8 with maximal-subpart replacement; all-ASCII and valid input take a fast path.
    static func decodeUTF8(_ bytes: ArraySlice<UInt8>) -> DecodedText {
        bytes.withUnsafeBufferPointer { p -> DecodedText in
            let n = p.count
            var i = 0
            // Fast validation pass.
            while i < n {
                // ASCII run, 8 bytes at a time.
                if let base = p.baseAddress {
                    while i + 8 <= n {
                        let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                        if w & 0x8080_8080_8080_8080 != 0 { break }
                        i += 8
                    }
                }
                if i >= n { break }
                if p[i] < 0x80 {
                    i += 1
                    continue
                }
                let len = utf8SequenceLength(p, i)
                if len < 0 { break }
                i += len
            }
            if i >= n {
                return DecodedText(text: String(decoding: p, as: UTF8.self))
            }
            var out = Output(capacity: n + 16)
            out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[0..<i]))
            while i < n {
                let b = p[i]
                if b < 0x80 {
                    out.ascii(b)
                    i += 1
                    continue
                }
                let len = utf8SequenceLength(p, i)
                if len > 0 {
                    out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<(i + len)]))
                    i += len
                } else {
                    out.invalid(at: i)
                    i += -len
                }
            }
            return out.finish()
        }
    }

    static func decodeASCII(_ bytes: ArraySlice<UInt8>) -> DecodedText {
        var out = Output(capacity: bytes.count)
        var i = 0
        for b in bytes {
            if b < 0x80 { out.ascii(b) } else { out.invalid(at: i) }
            i += 1
        }
        return out.finish()
    }

    static func decodeLatin1(_ bytes: ArraySlice<UInt8>) -> DecodedText {
        var out = Output(capacity: bytes.count + bytes.count / 4)
        for b in bytes { out.scalar(UInt32(b)) }
        return out.finish()
    }

    static func decodeSingleByte(_ bytes: ArraySlice<UInt8>, table: [UInt16]) -> DecodedText {
        var out = Output(capacity: bytes.count + bytes.count / 2)
        var i = 0
        for b in bytes {
            if b < 0x80 {
                out.ascii(b)
            } else {
                let idx = Int(b) - 0x80
                let v = idx < table.count ? table[idx] : 0xFFFD
                if v == 0xFFFD { out.invalid(at: i) } else { out.scalar(UInt32(v)) }
            }
            i += 1
        }
        return out.finish()
    }

    /// The Chinese and Korean code pages: ASCII, or a lead byte 0x81-0xFE and a trail byte 0x40-0xFE.
    static func decodeDoubleByte(_ bytes: ArraySlice<UInt8>, table: [UInt16]) -> DecodedText {
        table.withUnsafeBufferPointer { t in
            bytes.withUnsafeBufferPointer { p in
                let n = p.count
                var out = Output(capacity: n * 2)
                var i = 0
                while i < n {
                    let b = p[i]
                    if b < 0x80 {
                        out.ascii(b)
                        i += 1
                        continue
                    }
                    guard b >= 0x81, b <= 0xFE, i + 1 < n, p[i + 1] >= 0x40, p[i + 1] <= 0xFE else {
                        out.invalid(at: i)
                        // An ASCII byte after a lead byte is read again on its own.
                        i += (b >= 0x81 && b <= 0xFE && i + 1 < n && p[i + 1] >= 0x80) ? 2 : 1
                        continue
                    }
                    let idx = (Int(b) - 0x81) * 191 + Int(p[i + 1]) - 0x40
                    let v = idx < t.count ? t[idx] : 0
                    if v == 0 { out.invalid(at: i) } else { out.scalar(UInt32(v)) }
                    i += 2
                }
                return out.finish()
            }
        }
    }

    static func decodeUTF16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool, sniffBOM: Bool) -> DecodedText {
        var be = bigEndian
        var start = bytes.startIndex
        let end = bytes.endIndex
        if end - start >= 2 {
            let a = bytes[start]
            let b = bytes[start + 1]
            if sniffBOM {
                if a == 0xFE && b == 0xFF {
                    be = true
                    start += 2
                } else if a == 0xFF && b == 0xFE {
                    be = false
                    start += 2
                }
            } else if (be && a == 0xFE && b == 0xFF) || (!be && a == 0xFF && b == 0xFE) {
                start += 2
            }
        }
        var out = Output(capacity: bytes.count * 3 / 2)
        var i = start
        var pendingHigh: (value: UInt32, offset: Int)?
        while i + 1 < end {
            let u = be ? UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]) : UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i])
            let off = i - bytes.startIndex
            i += 2
            if u >= 0xD800 && u <= 0xDBFF {
                if let h = pendingHigh { out.invalid(at: h.offset) }
                pendingHigh = (u, off)
            } else if u >= 0xDC00 && u <= 0xDFFF {
                if let h = pendingHigh {
                    out.scalar(0x10000 + ((h.value - 0xD800) << 10) + (u - 0xDC00))
                    pendingHigh = nil
                } else {
                    out.invalid(at: off)
                }
            } else {
                if let h = pendingHigh {
                    out.invalid(at: h.offset)
                    pendingHigh = nil
                }
                out.scalar(u)
            }
        }
        if let h = pendingHigh { out.invalid(at: h.offset) }
        if i < end { out.invalid(at: i - bytes.startIndex) }
        return out.finish()
    }

    static func decodeUTF7(_ bytes: ArraySlice<UInt8>) -> DecodedText {
        func b64(_ c: UInt8) -> UInt32? {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): return 62
            case UInt8(ascii: "/"): return 63
            default: return nil
            }
        }
        var out = Output(capacity: bytes.count)
        var units: [UInt16] = []
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: "+") {
                let shiftStart = i - bytes.startIndex
                i += 1
                if i < end && bytes[i] == UInt8(ascii: "-") {
                    out.ascii(c)
                    i += 1
                    continue
                }
                var acc: UInt32 = 0
                var bits = 0
                units.removeAll(keepingCapacity: true)
                while i < end, let v = b64(bytes[i]) {
                    acc = (acc << 6 | v) & 0xFF_FFFF
                    bits += 6
                    if bits >= 16 {
                        bits -= 16
                        units.append(UInt16(truncatingIfNeeded: acc >> UInt32(bits)))
                    }
                    i += 1
                }
                // Leftover bits must be zero padding.
                let leftoverBad = bits >= 6 || (bits > 0 && acc & ((1 << UInt32(bits)) - 1) != 0)
                var k = 0
                while k < units.count {
                    let u = UInt32(units[k])
                    if u >= 0xD800 && u <= 0xDBFF, k + 1 < units.count, units[k + 1] >= 0xDC00, units[k + 1] <= 0xDFFF {
                        out.scalar(0x10000 + ((u - 0xD800) << 10) + (UInt32(units[k + 1]) - 0xDC00))
                        k += 2
                        continue
                    }
                    if u >= 0xD800 && u <= 0xDFFF { out.invalid(at: shiftStart) } else { out.scalar(u) }
                    k += 1
                }
                if leftoverBad { out.invalid(at: shiftStart) }
                if i < end && bytes[i] == UInt8(ascii: "-") { i += 1 }
                continue
            }
            if c < 0x80 { out.ascii(c) } else { out.invalid(at: i - bytes.startIndex) }
            i += 1
        }
        return out.finish()
    }
}
