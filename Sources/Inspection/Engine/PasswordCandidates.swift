/// A password to try on an encrypted container, and where it came from.
public struct PasswordCandidate: Sendable, Hashable, Codable {
    public var password: String
    /// Where it was found: `body[1] line 5 after "パスワード"`, `subject`, `default`, `user`.
    public var source: String

    public init(_ password: String, source: String) {
        self.password = password
        self.source = source
    }
}

/// Finds archive passwords in the text of the mail that carries the archive.
///
/// Emotet's Japanese waves wrote the password in the body (`パスワード：K7xQ2m`, `解凍PW: ...`, `Password is ...`)
/// or on the line after a marker. For each marker the token right after it (past separators such as `:`, `：`,
/// `は`, brackets) is taken; when the marker's line has none, the first token of the next non-empty lines is.
/// Full-width ASCII (`Ｋ７ｘ`) is folded to ASCII. The list is capped and deduplicated.
public enum PasswordCandidates {
    /// Most candidates kept per message.
    public static let maxCandidates = 32
    /// Longest password tried.
    public static let maxLength = 64

    /// Passwords analysts and malspam use most, tried last.
    public static let defaults: [PasswordCandidate] = [
        "infected", "virus", "malware", "password", "1234", "12345", "123456", "0000", "1111", "abc123", "pass",
    ].map { PasswordCandidate($0, source: "default") }

    /// Candidates the user gave on the command line.
    public static func fromUser(_ passwords: [String]) -> [PasswordCandidate] {
        passwords.map { PasswordCandidate($0, source: "user") }
    }

    /// Markers, longest first so that `password` wins over `pass`. ASCII markers need a word boundary before them.
    static let markers: [String] = [
        "解凍パスワード", "パスワード", "ﾊﾟｽﾜｰﾄﾞ", "暗証番号", "暗号化キー", "解凍キー", "解凍用", "解凍", "暗号", "暗証", "密码", "密碼",
        "passcode", "password", "passwd", "pass word", "pwd", "p/w", "pass", "pw", "パス",
    ]

    static let openers: Set<Character> = [
        ":", "：", "=", "＝", "-", "–", "—", "→", "⇒", "は", "が", "【", "「", "『", "(", "（", "[", "<", "＜", "\"",
        "'", "“", "‘", "《", "〈", "［", "｛", "{", " ", "\t", "　", "・", "|", "｜",
    ]

    static let fillerWords: Set<String> = [
        "is", "are", "the", "for", "of", "to", "below", "follows", "following", "as", "separately", "will", "be",
        "sent", "in", "another", "email", "mail", "please", "zip", "file", "attached", "protected", "and",
    ]

    /// Candidates found in `text`; `source` names the text (`body[1]`, `subject`).
    public static func extract(from text: String, source: String) -> [PasswordCandidate] {
        // Fold full-width ASCII first (only when the text has any: U+FF01-U+FF5E are EF BC xx / EF BD xx).
        let folded = text.utf8.contains(0xEF) ? foldWidth(text) : text
        let bytes = Array(folded.utf8)
        let hits = markerHits(in: bytes)
        guard !hits.isEmpty else { return [] }

        var out: [PasswordCandidate] = []
        var seen = Set<String>()
        func add(_ token: String, line: Int, marker: String) {
            guard out.count < maxCandidates, token.utf8.count >= 3, token.utf8.count <= maxLength,
                !fillerWords.contains(token.lowercased()), seen.insert(token).inserted
            else { return }
            out.append(PasswordCandidate(token, source: "\(source) line \(line) after \"\(marker)\""))
            // "PW: abc123!" may end a sentence: try the token without the mark as well.
            if let last = token.last, last == "!" || last == "?" {
                add(String(token.dropLast()), line: line, marker: marker)
            }
        }
        for hit in hits where out.count < maxCandidates {
            let lineEnd = bytes[hit.end...].firstIndex(of: 0x0A) ?? bytes.endIndex
            let rest = String(decoding: bytes[hit.end..<lineEnd], as: UTF8.self)
            if let first = asciiTokens(afterOpeners: Substring(rest)).first {
                add(first, line: hit.line, marker: hit.marker)
                continue
            }
            // The password is on one of the next non-empty lines.
            var looked = 0
            var lineStart = lineEnd
            var line = hit.line
            while lineStart < bytes.endIndex, looked < 3 {
                lineStart += 1
                line += 1
                let end = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.endIndex
                let candidateLine = String(decoding: bytes[lineStart..<end], as: UTF8.self)
                lineStart = end
                if candidateLine.allSatisfy({ $0.isWhitespace }) { continue }
                looked += 1
                if let first = asciiTokens(afterOpeners: Substring(candidateLine)).first {
                    add(first, line: line, marker: hit.marker)
                    break
                }
            }
        }
        return out
    }

    struct MarkerHit {
        var marker: String
        var end: Int
        var line: Int
    }

    static let markerBytes: [(String, [UInt8])] = markers.map { ($0, Array($0.utf8)) }
    /// Markers by their first byte (a 256-entry table: this is looked up for every byte of every text part).
    static let markersByFirstByte: [[(String, [UInt8])]] = {
        var table = [[(String, [UInt8])]](repeating: [], count: 256)
        for entry in markerBytes { table[Int(entry.1[0])].append(entry) }
        return table
    }()

    static func isASCIIAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    /// Every marker occurrence, one per position (the longest), in text order; ASCII markers match any case and
    /// need word boundaries (`compass` and `passport` are not markers).
    static func markerHits(in bytes: [UInt8]) -> [MarkerHit] {
        var hits: [MarkerHit] = []
        var line = 1
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                i += 1
                continue
            }
            let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            let candidates = markersByFirstByte[Int(lower)]
            guard !candidates.isEmpty else {
                i += 1
                continue
            }
            var matched: (String, Int)?
            for (marker, m) in candidates where i + m.count <= n {
                var ok = true
                for k in 0..<m.count {
                    var c = bytes[i + k]
                    if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                    if c != m[k] {
                        ok = false
                        break
                    }
                }
                guard ok else { continue }
                if m[0] < 0x80 {
                    if i > 0 && isASCIIAlnum(bytes[i - 1]) { continue }
                    if i + m.count < n {
                        let a = bytes[i + m.count] | 0x20
                        if a >= 0x61 && a <= 0x7A { continue }
                    }
                }
                if m.count > (matched?.1 ?? 0) { matched = (marker, m.count) }
            }
            if let (marker, length) = matched {
                hits.append(MarkerHit(marker: marker, end: i + length, line: line))
                i += length
            } else {
                i += 1
            }
        }
        return hits
    }

    /// Candidates from a subject: marker tokens first, then every ASCII token of 4 to 32 characters.
    public static func extract(fromSubject subject: String) -> [PasswordCandidate] {
        var out = extract(from: subject, source: "subject")
        var seen = Set(out.map(\.password))
        for token in asciiTokens(in: foldWidth(subject)) where token.count >= 4 && token.count <= 32 {
            if out.count >= maxCandidates { break }
            if seen.insert(token).inserted { out.append(PasswordCandidate(token, source: "subject token")) }
        }
        return out
    }

    /// Merges candidate lists in priority order, dropping repeats and capping the total.
    public static func merge(_ lists: [PasswordCandidate]...) -> [PasswordCandidate] {
        var seen = Set<String>()
        var out: [PasswordCandidate] = []
        for list in lists {
            for c in list where seen.insert(c.password).inserted {
                out.append(c)
            }
        }
        return out
    }

    // MARK: - Helpers

    /// ASCII tokens of `text` after skipping opening separators and Japanese connectives (`は`, `：`).
    static func asciiTokens(afterOpeners text: Substring) -> [String] {
        var s = text
        while let c = s.first, openers.contains(c) || (!c.isASCII && !c.isLetter && !c.isNumber) {
            s = s.dropFirst()
        }
        // Skip Japanese words between the marker and the token ("パスワードは以下です：abc" keeps "abc").
        let tokens = asciiTokens(in: String(s))
        return tokens.filter { !fillerWords.contains($0.lowercased()) }
    }

    static let closers: Set<Character> = [
        "」", "』", "】", ")", "）", "]", ">", "＞", "。", "、", ",", "\"", "'", "”", "’", "》", "〉", "］", "｝", "}",
    ]

    /// Runs of printable ASCII without spaces, cut at closing brackets and trailing sentence punctuation.
    static func asciiTokens(in text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        func flush() {
            var t = Substring(current)
            while let l = t.last, l == "." || l == ";" || l == ":" { t = t.dropLast() }
            while let f = t.first, f == ":" || f == "=" { t = t.dropFirst() }
            if !t.isEmpty { tokens.append(String(t)) }
            current = ""
        }
        for c in text {
            if c.isASCII, let a = c.asciiValue, a > 0x20, a < 0x7F, !closers.contains(c) {
                current.append(c)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// Folds full-width ASCII (U+FF01–U+FF5E) and the ideographic space to ASCII.
    static func foldWidth(_ s: String) -> String {
        var scalars = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value >= 0xFF01 && u.value <= 0xFF5E, let a = Unicode.Scalar(u.value - 0xFEE0) {
                scalars.append(a)
            } else if u.value == 0x3000 {
                scalars.append(" ")
            } else {
                scalars.append(u)
            }
        }
        return String(scalars)
    }
}
