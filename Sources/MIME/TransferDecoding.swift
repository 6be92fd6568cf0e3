/// Content-Transfer-Encoding decoders that reproduce Python's `Message.get_payload(decode=True)` byte for byte,
/// including its recovery from damaged input.
public enum TransferDecoding {
    /// The result of decoding base64 text.
    public struct Result: Sendable {
        public var bytes: [UInt8]
        public var defects: [MIMEDefect.Code]
    }

    // MARK: - Base64

    /// 0...63 for alphabet characters, 64 for `=`, 0xFF otherwise.
    private static let base64Table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = UInt8(i)
        }
        t[Int(UInt8(ascii: "="))] = 64
        return t
    }()

    /// Decodes a base64 body as Python's email package does (`email._encoded_words.decode_b` over the body with
    /// its line breaks removed): strict when the text is canonical (padding added if missing), otherwise
    /// skipping non-alphabet characters and stopping at the first complete padding, and as a last resort keeping
    /// the text itself.
    public static func decodeBase64(_ input: ArraySlice<UInt8>) -> Result {
        input.withUnsafeBufferPointer { decodeBase64($0) }
    }

    /// One pass of Python's non-strict `binascii.a2b_base64`, also collecting what the strict check needs.
    static func decodeBase64(_ p: UnsafeBufferPointer<UInt8>) -> Result {
        let n = p.count
        var quadPos = 0
        var pads = 0
        var done = false
        var alpha = 0  // alphabet characters
        var eqCount = 0  // '=' characters
        var invalid = false  // characters other than alphabet, '=', CR, LF
        var dataAfterPad = false  // an alphabet character after a '='
        var out = [UInt8](unsafeUninitializedCapacity: n / 4 * 3 + 3) { buf, count in
            var o = 0
            var leftChar: UInt32 = 0
            base64Table.withUnsafeBufferPointer { tbl in
                var i = 0
                while i < n {
                    // Fast path: whole quads of alphabet characters.
                    if quadPos == 0 && eqCount == 0 {
                        while i + 4 <= n {
                            let a = tbl[Int(p[i])]
                            let b = tbl[Int(p[i + 1])]
                            let c = tbl[Int(p[i + 2])]
                            let d = tbl[Int(p[i + 3])]
                            if (a | b | c | d) >= 64 { break }
                            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                            buf[o] = UInt8(truncatingIfNeeded: v >> 16)
                            buf[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                            buf[o + 2] = UInt8(truncatingIfNeeded: v)
                            o += 3
                            alpha += 4
                            i += 4
                        }
                        if i >= n { break }
                    }
                    let ch = p[i]
                    let v = tbl[Int(ch)]
                    i += 1
                    if v < 64 {
                        alpha += 1
                        if eqCount > 0 { dataAfterPad = true }
                        if done { continue }
                        pads = 0
                        switch quadPos {
                        case 0:
                            quadPos = 1
                            leftChar = UInt32(v)
                        case 1:
                            quadPos = 2
                            buf[o] = UInt8(truncatingIfNeeded: (leftChar << 2) | UInt32(v >> 4))
                            o += 1
                            leftChar = UInt32(v & 0x0F)
                        case 2:
                            quadPos = 3
                            buf[o] = UInt8(truncatingIfNeeded: (leftChar << 4) | UInt32(v >> 2))
                            o += 1
                            leftChar = UInt32(v & 0x03)
                        default:
                            quadPos = 0
                            buf[o] = UInt8(truncatingIfNeeded: (leftChar << 6) | UInt32(v))
                            o += 1
                            leftChar = 0
                        }
                    } else if v == 64 {
                        eqCount += 1
                        // binascii: a pad only counts from the third character of a quad on.
                        if !done && quadPos >= 2 {
                            pads += 1
                            if quadPos + pads >= 4 { done = true }
                        }
                    } else if ch != 0x0D && ch != 0x0A {
                        invalid = true
                    }
                }
            }
            count = o
        }
        // Step 1: strict decoding of the text with the missing padding added.
        let length = alpha + eqCount
        let padErr = length % 4
        let missing = padErr == 0 ? 0 : 4 - padErr
        let totalEq = eqCount + missing
        let canonical =
            !invalid && !dataAfterPad
            && ((alpha % 4 == 0 && totalEq == 0) || (alpha % 4 == 2 && totalEq == 2)
                || (alpha % 4 == 3 && totalEq == 1))
        if canonical {
            return Result(bytes: out, defects: padErr != 0 ? [.invalidBase64Padding] : [])
        }
        // Step 2: lenient decoding of the text as it is.
        if done || quadPos == 0 { return Result(bytes: out, defects: [.invalidBase64Characters]) }
        // Step 3: lenient decoding with "==" added.
        if quadPos >= 2 && quadPos + pads + 2 >= 4 {
            return Result(bytes: out, defects: [.invalidBase64Characters, .invalidBase64Padding])
        }
        // Step 4: undecodable; Python returns the text without its line breaks.
        out.removeAll(keepingCapacity: true)
        for b in p where b != 0x0D && b != 0x0A { out.append(b) }
        return Result(bytes: out, defects: [.invalidBase64Length])
    }

    // MARK: - Quoted-printable

    @inline(__always)
    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    /// Decodes quoted-printable as Python's `binascii.a2b_qp` (via `quopri.decodestring`): soft line breaks,
    /// `=XX` in either case, a stray `=` kept as it is (reported as a defect).
    public static func decodeQuotedPrintable(_ input: ArraySlice<UInt8>, header: Bool = false) -> Result {
        var bad = false
        // The output is never longer than the input: written in place into a buffer of the input's size, runs of
        // literal bytes copied whole.
        let out = input.withUnsafeBufferPointer { p in
            [UInt8](unsafeUninitializedCapacity: p.count) { o, written in
                let n = p.count
                var w = 0
                var i = 0
                while i < n {
                    // A run of literal bytes up to the next `=` (or `_` in a header).
                    var j = i
                    if header {
                        while j < n, p[j] != UInt8(ascii: "="), p[j] != UInt8(ascii: "_") { j += 1 }
                    } else {
                        j = ByteScan.find(UInt8(ascii: "="), in: p, from: i, to: n)
                    }
                    if j > i, let from = p.baseAddress, let to = o.baseAddress {
                        (to + w).update(from: from + i, count: j - i)
                        w += j - i
                        i = j
                    }
                    if i >= n { break }
                    let c = p[i]
                    if c == UInt8(ascii: "_") {  // header only
                        o[w] = 0x20
                        w += 1
                        i += 1
                        continue
                    }
                    i += 1
                    if i >= n { break }
                    let d = p[i]
                    if d == 0x0A || d == 0x0D {
                        // Soft line break; a CR not followed by LF swallows everything up to the next LF.
                        if d != 0x0A {
                            while i < n && p[i] != 0x0A { i += 1 }
                        }
                        if i < n { i += 1 }
                    } else if d == UInt8(ascii: "=") {
                        o[w] = d
                        w += 1
                        i += 1
                    } else if i + 1 < n, let hi = hexValue(d), let lo = hexValue(p[i + 1]) {
                        o[w] = hi << 4 | lo
                        w += 1
                        i += 2
                    } else {
                        o[w] = UInt8(ascii: "=")
                        w += 1
                        bad = true
                    }
                }
                written = w
            }
        }
        return Result(bytes: out, defects: bad ? [.invalidQuotedPrintable] : [])
    }

    // MARK: - uuencode

    /// Decodes one uuencoded line as `binascii.a2b_uu`, or nil where it raises.
    static func a2bUU(_ line: ArraySlice<UInt8>) -> [UInt8]? {
        var idx = line.startIndex
        let end = line.endIndex
        guard idx < end else { return [UInt8](repeating: 0, count: 32) }  // a2b_uu(b"") is 32 zero bytes
        var binLen = Int((line[idx] &- 0x20) & 0x3F)
        idx += 1
        var out: [UInt8] = []
        out.reserveCapacity(binLen)
        var left: UInt32 = 0
        var bits = 0
        while binLen > 0 {
            var ch: UInt8 = 0
            if idx < end {
                let c = line[idx]
                if c == 0x0A || c == 0x0D {
                    ch = 0
                } else {
                    guard c >= 0x20 && c <= 0x60 else { return nil }  // Illegal char
                    ch = (c &- 0x20) & 0x3F
                }
                idx += 1
            }
            left = (left << 6) | UInt32(ch)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: left >> UInt32(bits)))
                left &= (1 << UInt32(bits)) - 1
                binLen -= 1
            }
        }
        while idx < end {
            let c = line[idx]
            guard c == 0x20 || c == 0x60 || c == 0x0A || c == 0x0D else { return nil }  // Trailing garbage
            idx += 1
        }
        return out
    }

    /// Decodes one line with Python's workaround for broken encoders (retry on the length the count byte implies).
    static func decodeUULine(_ line: ArraySlice<UInt8>) -> [UInt8]? {
        if let d = a2bUU(line) { return d }
        guard let first = line.first else { return nil }
        let nbytes = (Int((first &- 32) & 63) * 4 + 5) / 3
        return a2bUU(line.prefix(nbytes))
    }

    /// Decodes an `x-uuencode` body as Python's `email.message._decode_uu`; nil where Python falls back to the raw
    /// body (no `begin` line, a truncated body, undecodable lines).
    public static func decodeUUBody(_ input: ArraySlice<UInt8>) -> [UInt8]? {
        var lines = PythonLines(input)
        // Find "begin <octal mode> ...".
        var found = false
        while let line = lines.next() {
            guard line.starts(with: "begin ".utf8) else { continue }
            let rest = line.dropFirst(6)
            let mode = rest.prefix { $0 != 0x20 }
            if isOctalInt(mode) {
                found = true
                break
            }
        }
        guard found else { return nil }
        var out: [UInt8] = []
        while let line = lines.next() {
            if line.isEmpty { return nil }  // Truncated input
            if stripped(line, " \t\r\n\u{0C}").elementsEqual("end".utf8) { break }
            guard let d = decodeUULine(line) else { return nil }
            out.append(contentsOf: d)
        }
        return out
    }

    /// Whether `int(s, base=8)` accepts the bytes (optional sign, underscores between digits, spaces around).
    static func isOctalInt(_ s: ArraySlice<UInt8>) -> Bool {
        var t = stripped(s, " \t\r\n\u{0B}\u{0C}")
        if let f = t.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { t = t.dropFirst() }
        if t.count >= 2, t.first == UInt8(ascii: "0"), let x = t.dropFirst().first, x | 0x20 == UInt8(ascii: "o") {
            t = t.dropFirst(2)
            if t.first == UInt8(ascii: "_") { t = t.dropFirst() }
        }
        guard let first = t.first, let last = t.last, first != UInt8(ascii: "_"), last != UInt8(ascii: "_") else {
            return false
        }
        var prevUnderscore = false
        for b in t {
            if b == UInt8(ascii: "_") {
                if prevUnderscore { return false }
                prevUnderscore = true
                continue
            }
            prevUnderscore = false
            guard b >= 0x30 && b <= 0x37 else { return false }
        }
        return true
    }

    static func stripped(_ s: ArraySlice<UInt8>, _ set: StaticString) -> ArraySlice<UInt8> {
        let chars = UnsafeBufferPointer(start: set.utf8Start, count: set.utf8CodeUnitCount)
        var t = s
        while let f = t.first, chars.contains(f) { t = t.dropFirst() }
        while let l = t.last, chars.contains(l) { t = t.dropLast() }
        return t
    }
}

/// Lines as `bytes.splitlines()` makes them: split on CRLF, CR or LF, without the line endings.
struct PythonLines: IteratorProtocol {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    mutating func next() -> ArraySlice<UInt8>? {
        let end = bytes.endIndex
        guard index < end else { return nil }
        var j = index
        while j < end && bytes[j] != 0x0A && bytes[j] != 0x0D { j += 1 }
        let line = bytes[index..<j]
        if j < end {
            index = bytes[j] == 0x0D && j + 1 < end && bytes[j + 1] == 0x0A ? j + 2 : j + 1
        } else {
            index = end
        }
        return line
    }
}
