/// Finds olevba's keywords in a ``ScanText`` in one pass over its tokens.
///
/// olevba runs one regular expression per keyword over the whole code (about 200 passes). Every keyword starts
/// with a word character, so with `\b` before it a match can only start where a token (a run of word characters)
/// starts, and its first token must be that whole token. The matcher therefore indexes keywords by their first
/// token, hashes each token of the code once, and verifies the few candidates; it returns, for each pattern, the
/// first place it matches, which is what `re.search` reports.
struct KeywordMatcher {
    /// Where a pattern first matched: the byte range in the text.
    struct Hit {
        var start: Int
        var end: Int
    }

    private struct Candidate {
        var pattern: Int
        var keyword: [UInt8]  // lowercase
    }

    /// The patterns, flattened in table order: (entry index, pattern).
    let patterns: [(entry: Int, pattern: KeywordTables.Pattern)]
    /// Candidates by the hash of their first token (low bits), verified byte by byte: no `Hasher` per token.
    private var byFirstToken = [[Candidate]](repeating: [], count: Self.buckets)
    /// Event-handler suffixes by hash, with their lowercase bytes for verification.
    private var bySuffix = [[(pattern: Int, suffix: [UInt8])]](repeating: [], count: Self.buckets)
    static let buckets = 2048
    private var variables: [Int] = []
    private var xlmBare: [(pattern: Int, word: [UInt8])] = []
    private var substrings: [(pattern: Int, needle: [UInt8])] = []

    init(entries: [KeywordTables.Entry]) {
        var flat: [(entry: Int, pattern: KeywordTables.Pattern)] = []
        for (e, entry) in entries.enumerated() {
            for p in entry.patterns { flat.append((e, p)) }
        }
        patterns = flat
        for (index, item) in flat.enumerated() {
            switch item.pattern {
            case .literal(let spellings):
                for s in spellings { add(keyword: s, pattern: index) }
            case .eventSuffix(let suffix):
                let lower = Array(suffix.utf8).map(ScanText.lower)
                bySuffix[Self.bucket(Self.hash(lower))].append((index, lower))
            case .memberVariables:
                variables.append(index)
            case .xlmFunction(let word, let afterSummary):
                if afterSummary {
                    add(keyword: "Could contain following functions: " + word, pattern: index)
                } else {
                    xlmBare.append((index, Array(word.lowercased().utf8)))
                }
            case .substring(let s):
                substrings.append((index, Array(s.utf8)))
            }
        }
    }

    private mutating func add(keyword: String, pattern: Int) {
        let lower = Array(keyword.utf8).map(ScanText.lower)
        var firstEnd = 0
        while firstEnd < lower.count && lower[firstEnd] < 0x80 && ScanText.asciiWord[Int(lower[firstEnd])] {
            firstEnd += 1
        }
        byFirstToken[Self.bucket(Self.hash(lower[0..<firstEnd]))].append(Candidate(pattern: pattern, keyword: lower))
    }

    @inline(__always) static func bucket(_ h: UInt64) -> Int { Int(truncatingIfNeeded: h ^ (h >> 29)) & (buckets - 1) }

    @inline(__always)
    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The first hit of each pattern (indexed like ``patterns``), `nil` where it does not occur.
    func firstHits(in text: ScanText) -> [Hit?] {
        var hits = [Hit?](repeating: nil, count: patterns.count)
        let bytes = text.bytes
        let asciiWord = ScanText.asciiWord
        let checkVariables = !variables.isEmpty
        text.forEachToken { start, end in
            // Lowercase hash of the token.
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            var lastUnderscore = -1
            for i in start..<end {
                let b = bytes[i]
                if b == 0x5F { lastUnderscore = i }
                h = (h ^ UInt64(ScanText.lower(b))) &* 0x0000_0100_0000_01B3
            }
            for c in byFirstToken[Self.bucket(h)] where hits[c.pattern] == nil {
                let stop = start + c.keyword.count
                guard let last = c.keyword.last, text.matchesLowercase(c.keyword, at: start) else { continue }
                // (Bucket collisions are harmless: a match at a token start with \b after it is exactly
                // what `\bkeyword\b` finds.)
                // \b after the keyword.
                let lastIsWord = last < 0x80 ? asciiWord[Int(last)] : true
                let nextIsWord = stop < bytes.count ? text.isWord[stop] : false
                if lastIsWord != nextIsWord { hits[c.pattern] = Hit(start: start, end: stop) }
            }
            // \w+_Suffix\b: the token ends with "_Suffix" and has a character before the underscore.
            if lastUnderscore > start && lastUnderscore + 1 < end {
                let from = lastUnderscore + 1
                for (p, suffix) in bySuffix[Self.bucket(Self.hash(bytes[from..<end].lazy.map(ScanText.lower)))]
                where hits[p] == nil && suffix.count == end - from && text.matchesLowercase(suffix, at: from) {
                    hits[p] = Hit(start: start, end: end)
                }
            }
            // \.\s*Variables\b
            if checkVariables, end - start == 9, text.matchesLowercase(Self.variablesWord, at: start) {
                var j = start - 1
                while j >= 0 && Self.isSpace(bytes[j]) { j -= 1 }
                if j >= 1 && bytes[j] == UInt8(ascii: ".") && text.isWord[j - 1] {
                    for p in variables where hits[p] == nil { hits[p] = Hit(start: j, end: end) }
                }
            }
            // (?<!Could contain following functions: )EXEC\b
            for (p, word) in xlmBare where hits[p] == nil && end - start == word.count {
                if text.matchesLowercase(word, at: start)
                    && !text.matchesLowercase(Self.summary, at: start - Self.summary.count)
                {
                    hits[p] = Hit(start: start, end: end)
                }
            }
        }
        for (p, needle) in substrings {
            if let at = Self.find(needle, in: bytes) { hits[p] = Hit(start: at, end: at + needle.count) }
        }
        return hits
    }

    static let variablesWord = Array("variables".utf8)
    static let summary = Array("could contain following functions: ".utf8)

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D) || b == 0x1C || b == 0x1D || b == 0x1E || b == 0x1F
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
