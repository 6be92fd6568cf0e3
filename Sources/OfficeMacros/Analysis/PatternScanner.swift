/// olevba's IOC patterns (RE_PATTERNS) and encoded-string detectors, as hand-written scanners over UTF-8 bytes
/// that reproduce the regular expressions' leftmost-first matches.
///
/// - URL: `\b(?:http|ftp)s?://` (case-sensitive) then an IPv4 address or a DNS name ending in a TLD of 2-20
///   letters (or `xn--` + 4-20 alphanumerics), an optional `:port` and an optional path.
/// - IPv4 address: four numbers 0-255, anywhere (no word boundary: `x1.2.3.4` gives `1.2.3.4`).
/// - Executable file name: `\b\w+\.(EXE|DLL|VBS|...)\b`, case-insensitive.
/// - olevba's e-mail pattern ends in a backspace character (a `'\b'` in a non-raw string) and never matches
///   ordinary text; it is left out.
enum PatternScanner {
    /// An IOC: olevba's pattern type and the matched text.
    struct IOC: Hashable {
        var type: String
        var value: String
        var offset: Int
    }

    static func iocs(in text: ScanText) -> [IOC] {
        var found: [IOC] = []
        var seen: Set<String> = []
        func add(_ type: String, _ start: Int, _ end: Int) {
            let value = text.string(start, end)
            if KeywordTables.excludedURLPrefixes.contains(where: { value.hasPrefix($0) }) { return }
            if seen.insert(value).inserted { found.append(IOC(type: type, value: value, offset: start)) }
        }
        for (s, e) in urls(in: text) { add("URL", s, e) }
        for (s, e) in ipv4s(in: text.bytes) { add("IPv4 address", s, e) }
        for (s, e) in executableNames(in: text) { add("Executable file name", s, e) }
        return found
    }

    // MARK: - URL

    static func urls(in text: ScanText) -> [(Int, Int)] {
        let b = text.bytes
        let n = b.count
        var result: [(Int, Int)] = []
        var i = 0
        while i + 6 <= n {
            let c = b[i]
            guard c == UInt8(ascii: "h") || c == UInt8(ascii: "f"), text.isBoundary(i), i == 0 || !text.isWord[i - 1]
            else {
                i += 1
                continue
            }
            var j: Int
            if matches(b, i, "http") {
                j = i + 4
            } else if matches(b, i, "ftp") {
                j = i + 3
            } else {
                i += 1
                continue
            }
            if j < n && b[j] == UInt8(ascii: "s") && matches(b, j + 1, "://") { j += 1 }
            guard matches(b, j, "://") else {
                i += 1
                continue
            }
            j += 3
            guard let serverEnd = server(b, j) else {
                i += 1
                continue
            }
            var end = serverEnd
            // (?::[0-9]{1,5})?
            if end < n && b[end] == UInt8(ascii: ":") {
                var k = end + 1
                while k < n && k - end - 1 < 5 && isDigit(b[k]) { k += 1 }
                if k > end + 1 { end = k }
            }
            // (?:/[a-zA-Z0-9\-\._\?\,\'/\\\+&%\$#\=~]*)?
            if end < n && b[end] == UInt8(ascii: "/") {
                end += 1
                while end < n && isPathByte(b[end]) { end += 1 }
            }
            result.append((i, end))
            i = end
        }
        return result
    }

    /// IPv4 first, else a DNS name; returns the end of the server part.
    static func server(_ b: [UInt8], _ start: Int) -> Int? {
        if let end = ipv4(b, start) { return end }
        // [a-zA-Z0-9\-\.]+ greedy, then backtrack to the rightmost "." followed by a TLD.
        var runEnd = start
        while runEnd < b.count
            && (isAlnum(b[runEnd]) || b[runEnd] == UInt8(ascii: "-") || b[runEnd] == UInt8(ascii: "."))
        {
            runEnd += 1
        }
        var dot = runEnd - 1
        while dot > start {
            if b[dot] == UInt8(ascii: ".") {
                let t = dot + 1
                // xn--[a-zA-Z0-9]{4,20}
                if matchesLower(b, t, "xn--") {
                    var k = t + 4
                    while k < b.count && k - t - 4 < 20 && isAlnum(b[k]) { k += 1 }
                    if k - t - 4 >= 4 { return k }
                }
                var k = t
                while k < b.count && k - t < 20 && isAlpha(b[k]) { k += 1 }
                if k - t >= 2 { return k }
            }
            dot -= 1
        }
        return nil
    }

    // MARK: - IPv4

    static func ipv4s(in b: [UInt8]) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var i = 0
        while i < b.count {
            if isDigit(b[i]), let end = ipv4(b, i) {
                result.append((i, end))
                i = end
            } else {
                i += 1
            }
        }
        return result
    }

    /// `(?:NUM\.){3}NUM` with NUM = `25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9]`, tried in that order.
    static func ipv4(_ b: [UInt8], _ start: Int) -> Int? {
        var p = start
        for part in 0..<4 {
            var matched: Int?
            for length in numberAlternatives(b, p) {
                if part == 3 {
                    matched = p + length
                    break
                }
                if p + length < b.count && b[p + length] == UInt8(ascii: ".") {
                    matched = p + length + 1
                    break
                }
            }
            guard let next = matched else { return nil }
            p = next
        }
        return p
    }

    /// The lengths of the NUM alternatives that match at `p`, in the regular expression's order.
    static func numberAlternatives(_ b: [UInt8], _ p: Int) -> [Int] {
        func d(_ k: Int) -> UInt8? { p + k < b.count && isDigit(b[p + k]) ? b[p + k] : nil }
        var out: [Int] = []
        let zero = UInt8(ascii: "0")
        if let a = d(0), let c = d(1), let e = d(2) {
            if a == zero + 2 && c == zero + 5 && e <= zero + 5 { out.append(3) }
            if a == zero + 2 && c <= zero + 4 { out.append(3) }
            if a == zero + 1 { out.append(3) }
        }
        if let a = d(0), d(1) != nil, a != zero { out.append(2) }
        if d(0) != nil { out.append(1) }
        return out
    }

    // MARK: - Executable names

    static func executableNames(in text: ScanText) -> [(Int, Int)] {
        let b = text.bytes
        var result: [(Int, Int)] = []
        var tokens: [(Int, Int)] = []
        text.forEachToken { tokens.append(($0, $1)) }
        let extensions = KeywordTables.executableExtensions
        var t = 0
        while t + 1 < tokens.count {
            let (s, e) = tokens[t]
            let (s2, e2) = tokens[t + 1]
            if s2 == e + 1 && b[e] == UInt8(ascii: ".") && e2 - s2 <= 6 {
                let ext = String(decoding: b[s2..<e2].map(ScanText.lower), as: UTF8.self)
                if extensions.contains(ext) {
                    result.append((s, e2))
                    t += 2
                    continue
                }
            }
            t += 1
        }
        return result
    }

    // MARK: - Hex and Base64 strings

    /// `(?:[0-9A-Fa-f]{2}){4,}`: runs of at least 8 hex digits, cut to an even length.
    static func hexStrings(in b: [UInt8]) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var i = 0
        while i < b.count {
            guard isHex(b[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < b.count && isHex(b[j]) { j += 1 }
            let even = (j - i) & ~1
            if even >= 8 { result.append((i, i + even)) }
            i = j
        }
        return result
    }

    /// `"(?:[A-Za-z0-9+/]{4}){1,}(?:[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=|[A-Za-z0-9+/][AQgw]==)?"`: the content
    /// ranges (without quotes) of quoted Base64 strings, as `finditer` finds them.
    static func quotedBase64(in b: [UInt8]) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var i = 0
        let quote = UInt8(ascii: "\"")
        while i < b.count {
            guard b[i] == quote else {
                i += 1
                continue
            }
            var j = i + 1
            while j < b.count && isBase64(b[j]) { j += 1 }
            // Optional padding group: the last 4 chars may end with "=" or "==".
            var contentEnd = j
            var padded = false
            if j < b.count && b[j] == UInt8(ascii: "=") {
                if j + 1 < b.count && b[j + 1] == UInt8(ascii: "=") {
                    contentEnd = j + 2
                    padded = (j - (i + 1)) % 4 == 2 && j - 1 >= i + 1 && isAQgw(b[j - 1])
                } else {
                    contentEnd = j + 1
                    padded = (j - (i + 1)) % 4 == 3 && isPad1(b[j - 1])
                }
            }
            let body = padded ? (contentEnd - (i + 1)) - 4 : j - (i + 1)
            let ok =
                contentEnd < b.count && b[contentEnd] == quote && body >= 4 && body % 4 == 0
                && (padded || contentEnd == j)
            if ok {
                result.append((i + 1, contentEnd))
                i = contentEnd + 1
            } else {
                i += 1
            }
        }
        return result
    }

    // MARK: - Byte classes

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) }
    @inline(__always) static func isBase64(_ c: UInt8) -> Bool {
        isAlnum(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "/")
    }
    static func isAQgw(_ c: UInt8) -> Bool { "AQgw".utf8.contains(c) }
    static func isPad1(_ c: UInt8) -> Bool { "AEIMQUYcgkosw048".utf8.contains(c) }
    static func isPathByte(_ c: UInt8) -> Bool {
        isAlnum(c) || "-._?,'/\\+&%$#=~".utf8.contains(c)
    }

    static func matches(_ b: [UInt8], _ at: Int, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard at >= 0, b.count - at >= n else { return false }
        return s.withUTF8Buffer { buf in
            for k in 0..<n where b[at + k] != buf[k] { return false }
            return true
        }
    }

    static func matchesLower(_ b: [UInt8], _ at: Int, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard at >= 0, b.count - at >= n else { return false }
        return s.withUTF8Buffer { buf in
            for k in 0..<n where ScanText.lower(b[at + k]) != buf[k] { return false }
            return true
        }
    }
}
