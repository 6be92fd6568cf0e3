/// Macro code prepared for scanning: UTF-8 bytes with line continuations collapsed, a word-character mask that
/// follows Python's Unicode `\w`, and a map back to 1-based source lines.
///
/// olevba scans `vba_collapse_long_lines(code)`: `" _"` followed by a line break becomes one space, so that a
/// keyword split over continuation lines is still seen. We do the same and remember where lines were joined so
/// that a finding still reports the line it started on in the original source.
struct ScanText {
    let bytes: [UInt8]
    /// `isWord[i]`: byte `i` belongs to a word character (`[A-Za-z0-9_]` or a non-ASCII letter or digit).
    let isWord: [Bool]
    /// Offsets (in ``bytes``) where a line starts, in order; the first is 0.
    private let lineStarts: [Int]
    /// Offsets (in ``bytes``) where a continuation was collapsed, in order.
    private let joins: [Int]
    /// Whether line numbers mean anything (false for texts assembled from decoded strings).
    let hasLines: Bool

    /// Prepares `text`; CR LF and lone CR count as line breaks.
    init(_ text: String, hasLines: Bool = true) {
        self.init(utf8: Array(text.utf8), hasLines: hasLines)
    }

    init(utf8 source: [UInt8], hasLines: Bool = true) {
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        var lineStarts = [0]
        var joins: [Int] = []
        var i = 0
        let n = source.count
        while i < n {
            let b = source[i]
            if b == 0x0D || b == 0x0A {
                let crlf = b == 0x0D && i + 1 < n && source[i + 1] == 0x0A
                // " _" before the line break: a continuation, joined with one space.
                if out.count >= 2 && out[out.count - 1] == UInt8(ascii: "_") && out[out.count - 2] == 0x20 {
                    out.removeLast()
                    joins.append(out.count)
                } else {
                    out.append(0x0A)
                    lineStarts.append(out.count)
                }
                i += crlf ? 2 : 1
                continue
            }
            out.append(b)
            i += 1
        }
        self.bytes = out
        self.lineStarts = lineStarts
        self.joins = joins
        self.hasLines = hasLines
        self.isWord = ScanText.wordMask(out)
    }

    /// The 1-based source line of byte `offset`, or `nil` for texts without lines.
    func line(at offset: Int) -> Int? {
        guard hasLines else { return nil }
        return ScanText.countBefore(lineStarts, offset + 1) + ScanText.countBefore(joins, offset + 1)
    }

    /// The number of elements of sorted `array` that are < `value`.
    private static func countBefore(_ array: [Int], _ value: Int) -> Int {
        var lo = 0
        var hi = array.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if array[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Python's `\w` for each byte: ASCII letters, digits, underscore; non-ASCII letters and digits.
    static func wordMask(_ bytes: [UInt8]) -> [Bool] {
        var mask = [Bool](repeating: false, count: bytes.count)
        let asciiWord = ScanText.asciiWord
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                mask[i] = asciiWord[Int(b)]
                i += 1
                continue
            }
            // A UTF-8 sequence (the text came from a String, so it is well-formed).
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            var value = UInt32(b) & (length == 4 ? 0x07 : length == 3 ? 0x0F : length == 2 ? 0x1F : 0x7F)
            var k = 1
            while k < length && i + k < n {
                value = value << 6 | UInt32(bytes[i + k] & 0x3F)
                k += 1
            }
            var word = false
            if let scalar = Unicode.Scalar(value) {
                let p = scalar.properties
                word = p.isAlphabetic || p.numericType != nil
            }
            if word {
                for j in i..<min(n, i + length) { mask[j] = true }
            }
            i += length
        }
        return mask
    }

    static let asciiWord: [Bool] = (0..<128).map { c in
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// The word-character runs (tokens) of the text, as half-open ranges.
    func forEachToken(_ body: (Int, Int) -> Void) {
        var i = 0
        let n = bytes.count
        while i < n {
            if !isWord[i] {
                i += 1
                continue
            }
            let start = i
            while i < n && isWord[i] { i += 1 }
            body(start, i)
        }
    }

    /// Whether `needle` (lowercase ASCII) occurs case-insensitively at `offset`.
    @inline(__always) func matchesLowercase(_ needle: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, bytes.count - offset >= needle.count else { return false }
        var k = 0
        while k < needle.count {
            if ScanText.lower(bytes[offset + k]) != needle[k] { return false }
            k += 1
        }
        return true
    }

    /// Whether there is a `\b` between `offset - 1` and `offset`.
    @inline(__always) func isBoundary(_ offset: Int) -> Bool {
        let before = offset > 0 && offset - 1 < isWord.count ? isWord[offset - 1] : false
        let after = offset < isWord.count ? isWord[offset] : false
        return before != after
    }

    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
