import ByteCursor

/// Domain-name helpers: normalisation, IDN display form and the organisational domain.
///
/// The organisational domain is the public suffix plus one label (`mail.partner.co.jp` → `partner.co.jp`,
/// `news.example.com` → `example.com`). **Limitation**: the public suffixes are a small built-in subset of the
/// Public Suffix List, ``multiLabelSuffixes`` (the `.jp` second levels and the common second levels of a few
/// ccTLDs); every other name is treated as one label under its top-level domain. Japanese geographic names
/// (`city.example.tokyo.jp`, `pref.example.lg.jp`) and private suffixes (hosting providers) are therefore cut one
/// label too short, which can make two different organisations look like one (never the reverse for the listed
/// suffixes).
public enum DomainName {
    /// The multi-label public suffixes known to ``organizationalDomain(of:)``.
    public static let multiLabelSuffixes: Set<String> = [
        // Japan (JPRS attribute-type second-level domains).
        "co.jp", "ne.jp", "or.jp", "go.jp", "ac.jp", "ed.jp", "lg.jp", "ad.jp", "gr.jp",
        // Common second levels elsewhere.
        "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au",
        "co.nz", "org.nz", "net.nz",
        "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn",
        "com.tw", "org.tw", "net.tw", "edu.tw", "gov.tw",
        "co.kr", "or.kr", "ne.kr", "ac.kr", "go.kr",
        "com.hk", "org.hk", "net.hk", "edu.hk", "gov.hk",
        "com.sg", "org.sg", "net.sg", "edu.sg", "gov.sg",
        "co.in", "net.in", "org.in", "ac.in", "gov.in",
        "com.br", "net.br", "org.br", "gov.br",
        "co.th", "ac.th", "go.th", "in.th", "or.th",
        "com.my", "net.my", "org.my",
        "com.ph", "com.vn", "co.id", "or.id", "ac.id", "go.id",
        "co.za", "org.za", "com.mx", "com.ar", "com.tr", "co.il", "com.ru",
    ]

    /// The comparison form of a domain: width folded (`ｅｘａｍｐｌｅ．ｊｐ`), ideographic full stops (`。`) read as
    /// dots, lower-cased, without a trailing dot. `nil` when it is empty, longer than the limit, or holds
    /// characters no host name has (spaces, `@`, `/`, empty labels).
    public static func normalize(_ raw: String, limits: MailSignalLimits = .default) -> String? {
        // Spaces and brackets around a name are few; anything this long is no host name.
        guard raw.utf8.count <= 4 * limits.maxDomainScalars.maximum + 64 else { return nil }
        var out = String.UnicodeScalarView()
        var count = 0
        var trimmed = Substring(raw)
        while let f = trimmed.unicodeScalars.first, Text.isSpace(f) || f == "<" || f == "[" {
            trimmed = Substring(trimmed.unicodeScalars.dropFirst())
        }
        while let l = trimmed.unicodeScalars.last, Text.isSpace(l) || l == ">" || l == "]" {
            trimmed = Substring(trimmed.unicodeScalars.dropLast())
        }
        for raw in trimmed.unicodeScalars {
            var u = Text.foldWidth(raw)
            if u == "\u{3002}" { u = "." }
            if Text.isInvisible(u) { continue }
            if Text.isSpace(u) || u == "@" || u == "/" || u == "\\" || u == "<" || u == ">" || u.value < 0x20 {
                return nil
            }
            count += 1
            guard limits.maxDomainScalars.allows(count) else { return nil }
            out.append(u)
        }
        var s = String(out).lowercased()
        if s.hasSuffix(".") { s.removeLast() }
        guard !s.isEmpty, !s.hasPrefix("."), !s.contains("..") else { return nil }
        return s
    }

    /// The domain of an address (`"Yamada <yamada@Partner.CO.JP>"` → `"partner.co.jp"`): the text after the last
    /// `@` (full-width `＠` too), normalised; `nil` when there is none.
    public static func domain(ofAddress address: String, limits: MailSignalLimits = .default) -> String? {
        let folded = Text.foldWidth(Text.string(Text.scalars(address, limits.maxHeaderScalars).scalars))
        guard let at = folded.lastIndex(of: "@") else { return nil }
        var rest = folded[folded.index(after: at)...]
        if let close = rest.firstIndex(where: { $0 == ">" || $0 == " " || $0 == "," || $0 == ";" }) {
            rest = rest[..<close]
        }
        return normalize(String(rest), limits: limits)
    }

    /// The display form: every `xn--` label decoded (``Punycode``), the rest unchanged; `nil` when a label is not
    /// valid punycode.
    public static func toUnicode(_ domain: String, limits: MailSignalLimits = .default) -> String? {
        var labels: [String] = []
        for label in domain.split(separator: ".", omittingEmptySubsequences: false) {
            if label.count > 4, label.lowercased().hasPrefix("xn--") {
                guard
                    let decoded = Punycode.decode(
                        label.dropFirst(4),
                        maxOutput: limits.maxDecodedLabelScalars.maximum
                    )
                else { return nil }
                labels.append(decoded.lowercased())
            } else {
                labels.append(String(label))
            }
        }
        return labels.joined(separator: ".")
    }

    /// The public suffix of a normalised domain, as far as the built-in list knows it.
    public static func publicSuffix(of domain: String) -> String {
        let labels = domain.split(separator: ".")
        guard labels.count >= 2 else { return domain }
        let two = labels.suffix(2).joined(separator: ".")
        return multiLabelSuffixes.contains(two) ? two : String(labels[labels.count - 1])
    }

    /// The organisational domain: the public suffix and one more label (`a.b.partner.co.jp` → `partner.co.jp`).
    /// A name that is itself a suffix, or a single label, is returned as it is.
    public static func organizationalDomain(of domain: String) -> String {
        let labels = domain.split(separator: ".")
        let suffixLabels = publicSuffix(of: domain).split(separator: ".").count
        guard labels.count > suffixLabels else { return domain }
        return labels.suffix(suffixLabels + 1).joined(separator: ".")
    }

    /// Whether two normalised domains have the same organisational domain.
    public static func sameOrganization(_ a: String, _ b: String) -> Bool {
        organizationalDomain(of: a) == organizationalDomain(of: b)
    }

    /// Whether `domain` is `parent` or one of its subdomains.
    public static func isSubdomain(_ domain: String, of parent: String) -> Bool {
        domain == parent || domain.hasSuffix("." + parent)
    }
}
