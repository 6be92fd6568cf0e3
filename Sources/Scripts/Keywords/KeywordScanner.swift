/// Finds the script keyword tables' patterns in a text in one pass.
///
/// Like OfficeMacros' matcher, the scan reports, for each pattern, its first occurrence, case-insensitively and
/// with olevba's word boundaries (`\b` where the keyword starts or ends with a word character). Candidates are
/// indexed by their first two (lowercased) bytes, and positions inside a word are skipped, so a 10 MB script
/// costs one table lookup per word.
///
/// A space in a pattern matches a run of spaces and tabs (`cmd  /c`). Patterns can also require a call (`eval`
/// then `(`), a member access (`.Run`), a batch command position (`start` at the start of a command), or accept
/// PowerShell's parameter abbreviations (`-enc` for `-EncodedCommand`).
struct KeywordScanner {
    /// A hit: the entry and pattern, and the byte range in the text.
    struct Hit {
        var entry: Int
        var start: Int
        var end: Int
    }

    private struct Compiled {
        var entry: Int
        var bytes: [UInt8]  // lowercased unless caseSensitive
        var pattern: KeywordPattern
        var leftWord: Bool  // first byte is a word character
        var rightWord: Bool  // last byte is a word character
    }

    private let compiled: [Compiled]
    /// Pattern indices by the first two lowercased bytes (`b0 << 8 | b1`).
    private let byPrefix: [[Int32]]
    /// Pattern indices of one-byte patterns and abbreviations, by first byte.
    private let short: [[Int32]]
    let entries: [KeywordEntry]

    init(entries: [KeywordEntry]) {
        self.entries = entries
        var compiled: [Compiled] = []
        for (e, entry) in entries.enumerated() {
            for p in entry.patterns {
                let raw = Array(p.text.utf8)
                guard let first = raw.first, let last = raw.last else { continue }
                let bytes = p.caseSensitive ? raw : raw.map(Text.lower)
                compiled.append(
                    Compiled(entry: e, bytes: bytes, pattern: p, leftWord: Text.isWord(first), rightWord: Text.isWord(last)))
            }
        }
        var byPrefix = [[Int32]](repeating: [], count: 65536)
        var short = [[Int32]](repeating: [], count: 256)
        for (i, c) in compiled.enumerated() {
            if c.bytes.count < 2 || c.pattern.abbreviation != nil || c.bytes[1] == 0x20 {
                short[Int(Text.lower(c.bytes[0]))].append(Int32(i))
            } else {
                byPrefix[Int(Text.lower(c.bytes[0])) << 8 | Int(Text.lower(c.bytes[1]))].append(Int32(i))
            }
        }
        self.compiled = compiled
        self.byPrefix = byPrefix
        self.short = short
    }

    /// The first hit of each pattern that occurs, in text order, at most one per pattern.
    func firstHits(in b: [UInt8]) -> [Hit] {
        let n = b.count
        var found = [Bool](repeating: false, count: compiled.count)
        var left = compiled.count
        var hits: [Hit] = []
        var i = 0
        while i < n && left > 0 {
            let c = b[i]
            let word = Text.isWord(c)
            if word && i > 0 && Text.isWord(b[i - 1]) {
                i += 1
                continue
            }
            let c0 = Int(Text.lower(c))
            if i + 1 < n {
                for p in byPrefix[c0 << 8 | Int(Text.lower(b[i + 1]))] where !found[Int(p)] {
                    if let end = match(Int(p), b, at: i) {
                        found[Int(p)] = true
                        left -= 1
                        hits.append(Hit(entry: compiled[Int(p)].entry, start: i, end: end))
                    }
                }
            }
            for p in short[c0] where !found[Int(p)] {
                if let end = match(Int(p), b, at: i) {
                    found[Int(p)] = true
                    left -= 1
                    hits.append(Hit(entry: compiled[Int(p)].entry, start: i, end: end))
                }
            }
            i += 1
        }
        return hits
    }

    /// Whether pattern `p` matches at `start`; returns the end of the match.
    private func match(_ p: Int, _ b: [UInt8], at start: Int) -> Int? {
        let c = compiled[p]
        let n = b.count
        // Left boundary.
        if start > 0 {
            let prev = b[start - 1]
            if c.leftWord {
                if Text.isWord(prev) { return nil }
            } else if c.bytes[0] == UInt8(ascii: "-") || c.bytes[0] == UInt8(ascii: "/") {
                // A switch: after a space, a quote or an opening bracket.
                if !(Text.isSpace(prev) || prev == 0x22 || prev == 0x27 || prev == 0x28) { return nil }
            }
        }
        var i = start
        var k = 0
        let bytes = c.bytes
        let sensitive = c.pattern.caseSensitive
        while k < bytes.count {
            guard i < n else { return nil }
            let want = bytes[k]
            if want == 0x20 {
                guard Text.isSpace(b[i]) else { return nil }
                while i < n && Text.isSpace(b[i]) && b[i] != 0x0A { i += 1 }
                k += 1
                continue
            }
            let got = sensitive ? b[i] : Text.lower(b[i])
            if got != want {
                // An abbreviation: a prefix of the switch of at least the minimum length.
                if let minimum = c.pattern.abbreviation, k >= minimum, !Text.isWord(b[i]) { break }
                return nil
            }
            i += 1
            k += 1
        }
        // Right boundary.
        if c.rightWord && i < n && Text.isWord(b[i]) { return nil }
        if c.pattern.call {
            var j = i
            while j < n && Text.isSpace(b[j]) { j += 1 }
            guard j < n && b[j] == UInt8(ascii: "(") else { return nil }
        }
        if c.pattern.member {
            var j = start - 1
            while j >= 0 && Text.isSpace(b[j]) && b[j] != 0x0A { j -= 1 }
            guard j >= 0 && b[j] == UInt8(ascii: ".") else { return nil }
        }
        if c.pattern.command && !Self.isCommandPosition(b, start) { return nil }
        return i
    }

    /// Batch: whether `start` begins a command (line start, or after `&`, `|`, `(`, `@`, or `)`).
    static func isCommandPosition(_ b: [UInt8], _ start: Int) -> Bool {
        var j = start - 1
        while j >= 0 && (b[j] == 0x20 || b[j] == 0x09) { j -= 1 }
        guard j >= 0 else { return true }
        switch b[j] {
        case 0x0A, 0x0D, UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }
}

/// Byte classes and helpers shared by the scanners.
enum Text {
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
    @inline(__always) static func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b & ~0x20 : b }
    /// `[A-Za-z0-9_]` or any non-ASCII byte (part of a letter in UTF-8 text).
    @inline(__always) static func isWord(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A) || b == 0x5F || b >= 0x80
    }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool {
        isDigit(b) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66)
    }
    @inline(__always) static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: UInt32(b - 0x30)
        case 0x41...0x46: UInt32(b - 0x41 + 10)
        case 0x61...0x66: UInt32(b - 0x61 + 10)
        default: nil
        }
    }
    @inline(__always) static func isBase64(_ b: UInt8) -> Bool {
        isDigit(b) || isAlpha(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "/")
    }

    /// Whether `needle` (lowercase ASCII) occurs case-insensitively at `at`.
    static func matchesLower(_ b: [UInt8], _ at: Int, _ needle: [UInt8]) -> Bool {
        guard at >= 0, b.count - at >= needle.count else { return false }
        var k = 0
        while k < needle.count {
            if lower(b[at + k]) != needle[k] { return false }
            k += 1
        }
        return true
    }

    /// Whether `needle` (lowercase ASCII) occurs case-insensitively anywhere in `b`.
    static func containsLower(_ b: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first, b.count >= n.count else { return false }
        var i = 0
        let last = b.count - n.count
        while i <= last {
            if lower(b[i]) == first && matchesLower(b, i, n) { return true }
            i += 1
        }
        return false
    }

    static func string(_ b: ArraySlice<UInt8>) -> String { String(decoding: b, as: UTF8.self) }
}

/// 1-based line numbers for byte offsets of a text.
struct LineIndex {
    private let starts: [Int]

    init(_ b: [UInt8]) {
        var starts = [0]
        var i = 0
        let n = b.count
        while i < n {
            if b[i] == 0x0A {
                starts.append(i + 1)
            } else if b[i] == 0x0D && !(i + 1 < n && b[i + 1] == 0x0A) {
                starts.append(i + 1)
            }
            i += 1
        }
        self.starts = starts
    }

    /// The 1-based line of `offset`.
    func line(at offset: Int) -> Int {
        var lo = 0
        var hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
