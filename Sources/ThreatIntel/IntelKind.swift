/// The kinds of indicator a feed entry can hold; the same six the engine extracts (`Inspection.Indicator.Kind`).
public enum IntelKind: String, Sendable, Hashable, CaseIterable, Codable {
    case md5, sha1, sha256, url, domain, ip

    /// The kind of a bare value from a plain list: 32/40/64 hex digits, an IP address, a URL (has `://`), or a
    /// domain; `nil` for anything else.
    public static func infer(_ value: Substring) -> IntelKind? {
        if value.utf8.count > 3, Normalizer.url(value) != nil { return .url }
        if Normalizer.ip(value) != nil { return .ip }
        if value.utf8.allSatisfy(\.isHexDigit) {
            switch value.utf8.count {
            case 32: return .md5
            case 40: return .sha1
            case 64: return .sha256
            default: break
            }
        }
        if Normalizer.domain(value) != nil { return .domain }
        return nil
    }
}

/// The canonical forms values are stored and matched in, so that a feed's `192.0.2.10`, `EXAMPLE.invalid.` and
/// `D41D8CD9...` meet the engine's `192.0.2.10`, `example.invalid` and `d41d8cd9...`.
///
/// - Digests: lower-case hex of the exact length.
/// - IP addresses: IPv4 dotted quad without leading zeros; IPv6 in RFC 5952 form (lower case, longest zero run
///   compressed). A port (`192.0.2.10:8080`, `[2001:db8::1]:443`) is not part of the value.
/// - Domains: lower case, without a trailing dot; ASCII letters, digits, `-`, `_` and `.` or non-ASCII (IDN)
///   labels; at least two labels; at most 253 bytes.
/// - URLs: scheme and host lower-cased, the rest kept exactly as given (paths are case-sensitive). The host of a
///   URL is not turned into a domain indicator: URLhaus lists pages on shared and compromised hosting, and a
///   domain hit for every mail that links to such a site would drown the real ones.
public enum Normalizer {
    /// The canonical value of `raw` for `kind`, or `nil` when it is not a valid value of that kind.
    public static func normalize(_ raw: Substring, as kind: IntelKind) -> String? {
        let value = trimmed(raw)
        switch kind {
        case .md5: return hex(value, length: 32)
        case .sha1: return hex(value, length: 40)
        case .sha256: return hex(value, length: 64)
        case .ip: return ip(value)
        case .domain: return domain(value)
        case .url: return url(value)
        }
    }

    static func trimmed(_ s: Substring) -> Substring {
        let u = s.utf8
        var start = u.startIndex
        var end = u.endIndex
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
        while start < end && blank(u[start]) { start = u.index(after: start) }
        while end > start && blank(u[u.index(before: end)]) { end = u.index(before: end) }
        if start == u.startIndex && end == u.endIndex { return s }
        return s[start..<end]
    }

    /// `s` lower-cased; without a copy through Unicode case mapping when it is ASCII with no capitals.
    static func lower(_ s: Substring) -> String {
        if s.utf8.contains(where: { (0x41...0x5A).contains($0) || $0 >= 0x80 }) { return s.lowercased() }
        return String(s)
    }

    static func hex(_ s: Substring, length: Int) -> String? {
        guard s.utf8.count == length, s.utf8.allSatisfy(\.isHexDigit) else { return nil }
        return lower(s)
    }

    /// An IP address with an optional port (`a.b.c.d:port`, `[v6]:port`), in canonical form without the port.
    public static func ipDroppingPort(_ s: Substring) -> (ip: String, port: Int?)? {
        let s = trimmed(s)
        if s.first == "[", let close = s.firstIndex(of: "]") {
            guard let v6 = ipv6(s[s.index(after: s.startIndex)..<close]) else { return nil }
            let rest = s[s.index(after: close)...]
            if rest.isEmpty { return (v6, nil) }
            guard rest.first == ":", let port = port(rest.dropFirst()) else { return nil }
            return (v6, port)
        }
        if let whole = ip(s) { return (whole, nil) }
        guard let colon = s.lastIndex(of: ":"), let v4 = ipv4(s[..<colon]),
            let port = port(s[s.index(after: colon)...])
        else { return nil }
        return (v4, port)
    }

    static func port(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.utf8.count <= 5, s.utf8.allSatisfy(\.isDigit), let n = Int(s), n <= 65535 else {
            return nil
        }
        return n
    }

    static func ip(_ s: Substring) -> String? {
        s.utf8.contains(UInt8(ascii: ":")) ? ipv6(s) : ipv4(s)
    }

    static func ipv4(_ s: Substring) -> String? {
        // Fast path: four decimal octets without leading zeros are already canonical.
        var octets = 0
        var digits = 0
        var value = 0
        var leadingZero = false
        var canonical = true
        for b in s.utf8 {
            if b == UInt8(ascii: ".") {
                guard digits > 0, value <= 255 else { return nil }
                octets += 1
                digits = 0
                value = 0
                continue
            }
            guard b.isDigit, digits < 3 else { return nil }
            if digits == 0 { leadingZero = b == UInt8(ascii: "0") } else if leadingZero { canonical = false }
            value = value * 10 + Int(b - 0x30)
            digits += 1
        }
        guard octets == 3, digits > 0, value <= 255 else { return nil }
        if canonical { return String(s) }
        return ipv4Slow(s)
    }

    static func ipv4Slow(_ s: Substring) -> String? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.utf8.count <= 3, part.utf8.allSatisfy(\.isDigit), let n = Int(part), n <= 255
            else { return nil }
            octets.append(n)
        }
        return octets.map(String.init).joined(separator: ".")
    }

    static func ipv6(_ s: Substring) -> String? {
        guard s.utf8.count <= 45, s.utf8.count >= 2 else { return nil }
        let lower = s.lowercased()
        var groups: [UInt16] = []
        var gap: Int? = nil
        let halves = lower.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parse(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, piece.contains("."), let v4 = ipv4(piece) {
                    let o = v4.split(separator: ".").compactMap { UInt16($0) }
                    result.append(o[0] << 8 | o[1])
                    result.append(o[2] << 8 | o[3])
                    continue
                }
                guard (1...4).contains(piece.utf8.count), piece.utf8.allSatisfy(\.isHexDigit),
                    let v = UInt16(piece, radix: 16)
                else { return nil }
                result.append(v)
            }
            return result
        }
        guard let head = parse(halves[0]) else { return nil }
        groups = head
        if halves.count == 2 {
            guard let tail = parse(halves[1]), head.count + tail.count <= 7 else { return nil }
            gap = head.count
            groups += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard groups.count == 8 else { return nil }
        _ = gap
        // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on a tie.
        var bestStart = -1
        var bestLength = 1
        var i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLength {
                    bestStart = i
                    bestLength = j - i
                }
                i = j
            } else {
                i += 1
            }
        }
        let text = groups.map { String($0, radix: 16) }
        if bestStart < 0 { return text.joined(separator: ":") }
        let left = text[..<bestStart].joined(separator: ":")
        let right = text[(bestStart + bestLength)...].joined(separator: ":")
        return left + "::" + right
    }

    static func domain(_ s: Substring) -> String? {
        var s = s
        if s.last == "." { s.removeLast() }
        guard !s.isEmpty, s.utf8.count <= 253 else { return nil }
        var labels = 0
        for label in s.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63, label.first != "-", label.last != "-" else { return nil }
            for b in label.utf8 {
                let ok = b.isLetterOrDigit || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b >= 0x80
                guard ok else { return nil }
            }
            labels += 1
        }
        guard labels >= 2 else { return nil }
        // A dotted quad is an address, not a domain.
        if ipv4(s) != nil { return nil }
        return lower(s)
    }

    static func url(_ s: Substring) -> String? {
        let u = s.utf8
        guard !u.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return nil }
        // scheme "://"
        var i = u.startIndex
        while i < u.endIndex, u[i].isLetterOrDigit || u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-")
            || u[i] == UInt8(ascii: ".")
        {
            i = u.index(after: i)
        }
        guard i > u.startIndex, u[u.startIndex].isLetter, u[i...].starts(with: "://".utf8) else { return nil }
        let schemeEnd = i
        let authorityStart = u.index(i, offsetBy: 3)
        var hostEnd = authorityStart
        while hostEnd < u.endIndex, u[hostEnd] != UInt8(ascii: "/"), u[hostEnd] != UInt8(ascii: "?"),
            u[hostEnd] != UInt8(ascii: "#")
        {
            hostEnd = u.index(after: hostEnd)
        }
        guard hostEnd > authorityStart else { return nil }
        let head = s[..<hostEnd]
        if !head.utf8.contains(where: { (0x41...0x5A).contains($0) || $0 >= 0x80 }) { return String(s) }
        return lower(s[..<schemeEnd]) + "://" + lower(s[authorityStart..<hostEnd]) + s[hostEnd...]
    }
}

extension UInt8 {
    var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
    var isDigit: Bool { (0x30...0x39).contains(self) }
    var isLetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    var isLetterOrDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
