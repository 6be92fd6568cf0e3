import ByteCursor

/// One Authentication-Results header field (RFC 8601), read tolerantly.
///
/// ```
/// Authentication-Results: mx.example.jp; spf=pass smtp.mailfrom=partner.example.jp;
///     dkim=fail (bad signature) header.d=partner.example.jp; dmarc=fail header.from=partner.example.jp
/// ```
///
/// Comments (nested, with escapes) are dropped, folding is unfolded, quoted values are unquoted, spaces around `=`,
/// `/` and `.` are allowed, and a field without an authserv-id (as some gateways write it) is read too. Nothing
/// throws: an unreadable result is skipped and the rest is kept. Only fields added by the organisation's own
/// border MTA mean anything (RFC 8601 section 5): the sender can write any of them, so ``signals(trustedAuthservIDs:)``
/// takes the trusted authserv-ids.
public struct AuthenticationResults: Sendable, Hashable {
    /// One `ptype.property=value` (`header.from=example.jp`, `smtp.mailfrom=user@example.jp`).
    public struct Property: Sendable, Hashable {
        /// `smtp`, `header`, `body`, `policy` (lower-cased); empty for a non-standard `key=value` such as
        /// Microsoft's `action=none`.
        public var type: String
        /// `mailfrom`, `from`, `d`, `i`, ... (lower-cased).
        public var name: String
        public var value: String
        /// `type.name`, e.g. `header.from`.
        public var key: String { type.isEmpty ? name : type + "." + name }
    }

    /// One method's result (`dkim=pass header.d=example.jp`).
    public struct MethodResult: Sendable, Hashable {
        /// `spf`, `dkim`, `dmarc`, `arc`, ... (lower-cased).
        public var method: String
        public var version: String?
        /// `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror`, `permerror`, `policy` (lower-cased).
        public var result: String
        public var reason: String?
        public var properties: [Property]

        /// The value of the property `key` (`"header.from"`), compared case-insensitively.
        public func value(_ key: String) -> String? {
            let key = key.lowercased()
            return properties.first { $0.key == key }?.value
        }
    }

    /// The host that wrote the field (`mx.example.jp`); empty when the field does not name one.
    public var authservID: String
    public var version: String?
    public var results: [MethodResult]
    /// Whether more method results than ``MailSignalLimits/maxAuthResults`` were present (the rest were dropped).
    public var limitReached: Bool

    public var spf: [MethodResult] { results.filter { $0.method == "spf" } }
    public var dkim: [MethodResult] { results.filter { $0.method == "dkim" } }
    public var dmarc: [MethodResult] { results.filter { $0.method == "dmarc" } }

    /// Reads one field value (without the `Authentication-Results:` name; folded or not).
    public init(parsing value: String, limits: MailSignalLimits = .default) {
        authservID = ""
        version = nil
        results = []
        limitReached = false
        let text = Self.stripComments(Text.scalars(value, limits.maxHeaderScalars).scalars)
        var segments = Self.split(text, on: ";")
        guard !segments.isEmpty else { return }
        let head = Self.items(segments[0])
        if let first = head.first, !first.contains("=") {
            authservID = first.lowercased()
            if head.count > 1, head[1].allSatisfy(\.isNumber) { version = head[1] }
            segments.removeFirst()
        }
        for segment in segments {
            let items = Self.items(segment)
            guard let first = items.first else { continue }
            if first.lowercased() == "none" { continue }
            guard let eq = first.firstIndex(of: "=") else { continue }
            var method = first[..<eq].lowercased()
            var methodVersion: String?
            if let slash = method.firstIndex(of: "/") {
                methodVersion = String(method[method.index(after: slash)...])
                method = String(method[..<slash])
            }
            let result = first[first.index(after: eq)...].lowercased()
            guard !method.isEmpty, !result.isEmpty else { continue }
            guard limits.maxAuthResults.allows(results.count + 1) else {
                limitReached = true
                break
            }
            var entry = MethodResult(
                method: method,
                version: methodVersion,
                result: result,
                reason: nil,
                properties: []
            )
            for item in items.dropFirst().prefix(64) {
                guard let eq = item.firstIndex(of: "=") else { continue }
                let key = item[..<eq].lowercased()
                let value = Self.unquote(item[item.index(after: eq)...])
                if key == "reason" {
                    entry.reason = value
                } else if let dot = key.firstIndex(of: ".") {
                    entry.properties.append(
                        Property(
                            type: String(key[..<dot]),
                            name: String(key[key.index(after: dot)...]),
                            value: value
                        )
                    )
                } else {
                    entry.properties.append(Property(type: "", name: key, value: value))
                }
            }
            results.append(entry)
        }
    }

    /// Signals for the failures this field records: DMARC `fail`, SPF `fail` or `softfail`, DKIM `fail` with no
    /// DKIM `pass` beside it. Only when ``authservID`` is one of `trustedAuthservIDs` (case-insensitive); `nil`
    /// trusts every field (for tests and for callers that already kept only their own).
    public func signals(trustedAuthservIDs: Set<String>? = nil) -> [MailSignal] {
        if let trusted = trustedAuthservIDs, !trusted.contains(where: { $0.lowercased() == authservID }) {
            return []
        }
        var signals: [MailSignal] = []
        for r in dmarc where r.result == "fail" {
            let from = r.value("header.from") ?? "?"
            signals.append(
                MailSignal(
                    .dmarcFail,
                    "DMARC failed for the From domain \(from)",
                    evidence: Self.describe(r)
                )
            )
        }
        for r in spf where r.result == "fail" || r.result == "softfail" {
            let mailFrom = r.value("smtp.mailfrom") ?? r.value("smtp.helo") ?? "?"
            signals.append(
                MailSignal(.spfFail, "SPF \(r.result) for \(mailFrom)", evidence: Self.describe(r))
            )
        }
        if !dkim.contains(where: { $0.result == "pass" }), let r = dkim.first(where: { $0.result == "fail" }) {
            let d = r.value("header.d") ?? r.value("header.i") ?? "?"
            signals.append(
                MailSignal(.dkimFail, "DKIM signature of \(d) failed", evidence: Self.describe(r))
            )
        }
        return signals
    }

    static func describe(_ r: MethodResult) -> String {
        let reason = r.reason.map { " reason=\"\($0)\"" } ?? ""
        let properties = r.properties.map { " \($0.key)=\($0.value)" }.joined()
        return "\(r.method)=\(r.result)\(reason)\(properties)"
    }

    /// The text without comments, with line breaks as spaces; quoted strings kept with their quotes.
    private static func stripComments(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var depth = 0
        var quoted = false
        var i = 0
        while i < s.count {
            let u = s[i]
            if u == "\\" && (quoted || depth > 0) {
                if depth == 0 {
                    out.append(u)
                    if i + 1 < s.count { out.append(s[i + 1]) }
                }
                i += 2
                continue
            }
            if quoted {
                out.append(u == "\r" || u == "\n" ? " " : u)
                if u == "\"" { quoted = false }
            } else if u == "(" {
                depth += 1
            } else if u == ")" && depth > 0 {
                depth -= 1
                if depth == 0 { out.append(" ") }
            } else if depth == 0 {
                if u == "\"" { quoted = true }
                out.append(u == "\r" || u == "\n" || u == "\t" ? " " : u)
            }
            i += 1
        }
        return out
    }

    /// `s` split at `separator` outside quoted strings.
    private static func split(_ s: [Unicode.Scalar], on separator: Unicode.Scalar) -> [[Unicode.Scalar]] {
        var parts: [[Unicode.Scalar]] = [[]]
        var quoted = false
        var escaped = false
        for u in s {
            if escaped {
                escaped = false
            } else if quoted && u == "\\" {
                escaped = true
            } else if u == "\"" {
                quoted.toggle()
            } else if u == separator && !quoted {
                parts.append([])
                continue
            }
            parts[parts.count - 1].append(u)
        }
        return parts
    }

    /// The space-separated items of a segment, with spaces around `=`, `/` and `.` outside quotes removed first
    /// (`dkim = pass header . d = x` → `["dkim=pass", "header.d=x"]`).
    private static func items(_ segment: [Unicode.Scalar]) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var quoted = false
        var escaped = false
        for u in segment {
            if escaped {
                escaped = false
                current.append(u)
                continue
            }
            if quoted && u == "\\" {
                escaped = true
                current.append(u)
                continue
            }
            if u == "\"" { quoted.toggle() }
            if !quoted && Text.isSpace(u) {
                if !current.isEmpty {
                    words.append(String(current))
                    current = String.UnicodeScalarView()
                }
                continue
            }
            current.append(u)
        }
        if !current.isEmpty { words.append(String(current)) }
        // Glue `a = b`, `a =b`, `a= b`, `method / 1`, `header . d`.
        var glued: [String] = []
        var i = 0
        while i < words.count {
            var w = words[i]
            i += 1
            while i < words.count {
                let next = words[i]
                let joins =
                    w.hasSuffix("=") || w.hasSuffix("/") || (w.hasSuffix(".") && !w.contains("="))
                    || next.hasPrefix("=")
                    || next.hasPrefix("/") || (next.hasPrefix(".") && !w.contains("="))
                guard joins else { break }
                w += next
                i += 1
            }
            glued.append(w)
        }
        return glued
    }

    private static func unquote(_ s: Substring) -> String {
        guard s.count >= 2, s.first == "\"", s.last == "\"" else { return String(s) }
        var out = ""
        var escaped = false
        for c in s.dropFirst().dropLast() {
            if escaped || c != "\\" {
                out.append(c)
                escaped = false
            } else {
                escaped = true
            }
        }
        return out
    }
}
