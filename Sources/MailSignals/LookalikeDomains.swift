import ByteCursor

/// Why a domain was found to look like a protected one.
public struct LookalikeMatch: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        /// One or two edits (insertion, deletion, substitution, transposition) away: `partnar.co.jp`.
        case editDistance = "edit-distance"
        /// The same after homoglyphs are folded (``LookalikeDomains/skeleton(_:)``): `partner.co.jp` written
        /// `pa rtner` with `rn`→`m`, `examp1e`, `ехаmple` in ASCII-lookalike Latin.
        case homoglyph
        /// An internationalized (non-ASCII or `xn--`) domain whose skeleton is a protected domain's: `xn--80a...`.
        case idnHomograph = "idn-homograph"
        /// The same name under another suffix, or the suffix glued into the name: `partner.jp`, `partner.com`,
        /// `partner-co.jp`, `partnerco.jp` for `partner.co.jp`.
        case tldSwap = "tld-swap"
        /// The protected domain written as labels of another domain: `partner.co.jp.evil.example`.
        case embedded
        /// A label mixes scripts that no legitimate name mixes (Latin with Cyrillic, Greek with Latin, ...); no
        /// protected domain needs to match.
        case mixedScript = "mixed-script"
    }

    public let reason: Reason
    /// The domain examined, normalised (ASCII-compatible form kept: `xn--...`).
    public let domain: String
    /// Its display form, with `xn--` labels decoded.
    public let unicodeForm: String
    /// The protected domain it imitates, when one matched.
    public let legitimate: String?
    /// The edit distance, for ``Reason/editDistance``.
    public let distance: Int?

    /// The match as a ``MailSignal`` (`domain.lookalike`, or `domain.mixed-script` for a mixed-script label that
    /// imitates no protected domain).
    public var signal: MailSignal {
        let shown = unicodeForm == domain ? domain : "\(domain) (\(unicodeForm))"
        guard let legitimate else {
            return MailSignal(.mixedScriptDomain, "\(shown) mixes scripts in one label", evidence: shown)
        }
        let why: String
        switch reason {
        case .editDistance: why = "\(distance ?? 0) edit(s) from"
        case .homoglyph: why = "written with look-alike characters for"
        case .idnHomograph: why = "an internationalized name that looks like"
        case .tldSwap: why = "the name of \(legitimate) under another suffix:"
        case .embedded: why = "built to contain"
        case .mixedScript: why = "mixes scripts and looks like"
        }
        return MailSignal(.lookalikeDomain, "\(shown) is \(why) \(legitimate)", evidence: shown)
    }
}

/// Finds domains that imitate the organisation's own or partner domains.
///
/// A candidate that is a protected domain, or a subdomain of one, is never a lookalike. Otherwise it is compared
/// with each protected domain's organisational domain by, in this order of precedence: skeleton equality
/// (homoglyphs; an IDN when the candidate is internationalized), suffix swaps, an embedded copy, and
/// Damerau-Levenshtein distance scaled by the length of the distinctive label (none below 5 characters, 1 up to 8,
/// 2 from 9; a non-ASCII character counts as two). A candidate that imitates nothing is still reported when one
/// of its labels mixes scripts.
public struct LookalikeDomains: Sendable {
    private struct Protected: Sendable {
        var ascii: String
        var unicode: String
        var org: String
        var label: String
        var suffix: String
        var skeleton: String
        var swaps: Set<String>
    }

    private let protected: [Protected]
    public let limits: MailSignalLimits

    /// - Parameter protectedDomains: own and partner domains, in ASCII (`xn--`) or Unicode form.
    public init(protectedDomains: [String], limits: MailSignalLimits = .default) {
        self.limits = limits
        var list: [Protected] = []
        for raw in protectedDomains.prefix(limits.maxProtectedEntries.maximum) {
            guard let ascii = DomainName.normalize(raw, limits: limits),
                let unicode = DomainName.toUnicode(ascii, limits: limits)
            else { continue }
            let org = DomainName.organizationalDomain(of: unicode)
            let suffix = DomainName.publicSuffix(of: org)
            let label = org == suffix ? org : String(org.dropLast(suffix.count + 1))
            let suffixLabels = suffix.split(separator: ".")
            var swaps: Set<String> = [
                org.replacingDots(with: "-"), org.replacingDots(with: ""),
            ]
            if let first = suffixLabels.first, suffixLabels.count > 1 {
                swaps.insert(label + "-" + first)
                swaps.insert(label + first)
            }
            list.append(
                Protected(
                    ascii: ascii,
                    unicode: unicode,
                    org: org,
                    label: label,
                    suffix: suffix,
                    skeleton: Self.skeleton(org),
                    swaps: swaps
                )
            )
        }
        self.protected = list
    }

    /// The lookalike match for `domain`, or `nil` when it is protected, unrelated, or not a domain name.
    public func check(_ domain: String) -> LookalikeMatch? {
        guard let ascii = DomainName.normalize(domain, limits: limits),
            let unicode = DomainName.toUnicode(ascii, limits: limits)
        else { return nil }
        if protected.contains(where: { DomainName.isSubdomain(unicode, of: $0.unicode) }) { return nil }
        let org = DomainName.organizationalDomain(of: unicode)
        let suffix = DomainName.publicSuffix(of: org)
        let label = org == suffix ? org : String(org.dropLast(suffix.count + 1))
        let internationalized = !unicode.unicodeScalars.allSatisfy(\.isASCII)
        let skeleton = Self.skeleton(org)
        let maxScalars = limits.maxEditDistanceScalars.maximum

        var best: (rank: Int, match: LookalikeMatch)?
        func consider(_ rank: Int, _ reason: LookalikeMatch.Reason, _ p: Protected, _ distance: Int? = nil) {
            if let best, best.rank <= rank { return }
            best = (
                rank,
                LookalikeMatch(
                    reason: reason,
                    domain: ascii,
                    unicodeForm: unicode,
                    legitimate: p.ascii,
                    distance: distance
                )
            )
        }
        for p in protected {
            if org == p.org { continue }  // a sibling under the same organisation, not an imitation
            if skeleton == p.skeleton {
                consider(0, internationalized ? .idnHomograph : .homoglyph, p)
                continue
            }
            if (label == p.label && suffix != p.suffix) || p.swaps.contains(label) {
                consider(1, .tldSwap, p)
                continue
            }
            if unicode.hasPrefix(p.org + ".") || unicode.contains("." + p.org + ".") {
                consider(2, .embedded, p)
                continue
            }
            let allowed = Self.allowedDistance(forLabelLength: Self.weightedLength(p.label))
            guard allowed > 0, org.unicodeScalars.count <= maxScalars, p.org.unicodeScalars.count <= maxScalars
            else { continue }
            let d = min(
                Self.damerauLevenshtein(Array(org.unicodeScalars), Array(p.org.unicodeScalars), cap: allowed + 1),
                Self.damerauLevenshtein(
                    Array(skeleton.unicodeScalars),
                    Array(p.skeleton.unicodeScalars),
                    cap: allowed + 1
                )
            )
            if d >= 1 && d <= allowed {
                consider(internationalized ? 0 : 3, internationalized ? .idnHomograph : .editDistance, p, d)
            }
        }
        if let best { return best.match }
        if unicode.split(separator: ".").contains(where: { Self.mixesScripts($0) }) {
            return LookalikeMatch(
                reason: .mixedScript,
                domain: ascii,
                unicodeForm: unicode,
                legitimate: nil,
                distance: nil
            )
        }
        return nil
    }

    /// How many edits make a lookalike of a name whose distinctive label has `length` characters: 0 below 5
    /// (short names are too close to each other by chance), 1 up to 8, 2 from 9.
    public static func allowedDistance(forLabelLength length: Int) -> Int {
        length < 5 ? 0 : (length <= 8 ? 1 : 2)
    }

    /// The length that ``allowedDistance(forLabelLength:)`` scales by: ASCII characters count 1, others 2 (a kanji
    /// or kana tells names apart about as well as two Latin letters, so `山田商事` allows one edit).
    static func weightedLength(_ label: String) -> Int {
        label.unicodeScalars.reduce(0) { $0 + ($1.isASCII ? 1 : 2) }
    }

    /// The optimal-string-alignment Damerau-Levenshtein distance of `a` and `b`, or `cap` when it is at least
    /// `cap` (the computation stops early). Quadratic: callers bound the lengths.
    public static func damerauLevenshtein<T: Equatable>(_ a: [T], _ b: [T], cap: Int = .max) -> Int {
        if abs(a.count - b.count) >= cap { return cap }
        if a.isEmpty { return min(b.count, cap) }
        if b.isEmpty { return min(a.count, cap) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    v = min(v, previous2[j - 2] + 1)
                }
                current[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin >= cap { return cap }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return min(previous[b.count], cap)
    }

    /// The confusable skeleton of a domain (in the spirit of UTS #39): width folded and lower-cased, Cyrillic,
    /// Greek and other Latin look-alikes mapped to ASCII Latin (`а`→`a`, `ο`→`o`, `ı`→`i`), digits that pass for
    /// letters mapped to them (`0`→`o`, `1`→`l`), kanji that pass for katakana mapped to them (`一`→`ー`,
    /// `口`→`ロ`, `力`→`カ`), then `rn`→`m` and `vv`→`w`.
    public static func skeleton(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for raw in s.lowercased().unicodeScalars {
            let u = Text.foldWidth(raw)
            if Text.isInvisible(u) { continue }
            out.append(confusables[u] ?? u)
        }
        var result = String(out)
        for (from, to) in [("rn", "m"), ("vv", "w")] where result.contains(from) {
            result = result.replacingAll(from, with: to)
        }
        return result
    }

    private static let confusables: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        let pairs: [(String, Unicode.Scalar)] = [
            // Cyrillic
            ("аӓ", "a"), ("ьЬ", "b"), ("сϲ", "c"), ("ԁ", "d"), ("еёҽ", "e"), ("ғ", "f"), ("ԍ", "g"), ("һ", "h"),
            ("іїӀ", "i"), ("ј", "j"), ("кκ", "k"), ("ӏ", "l"), ("о", "o"), ("р", "p"), ("ԛ", "q"), ("г", "r"),
            ("ѕ", "s"), ("т", "t"), ("ц", "u"), ("ѵ", "v"), ("ԝ", "w"), ("х", "x"), ("у", "y"),
            // Greek
            ("α", "a"), ("β", "b"), ("ε", "e"), ("η", "n"), ("ιί", "i"), ("ο", "o"), ("ρ", "p"), ("τ", "t"),
            ("υ", "u"), ("ν", "v"), ("ω", "w"), ("χ", "x"), ("γ", "y"),
            // Latin look-alikes and digits
            ("ıíìïî", "i"), ("ɡ", "g"), ("ʟ", "l"), ("ɑàáâãäå", "a"), ("òóôõöø", "o"), ("ùúûü", "u"),
            ("èéêë", "e"), ("ç", "c"), ("ñ", "n"), ("0", "o"), ("1|", "l"),
            // Kanji and other signs that pass for katakana
            ("一─—―‐", "ー"), ("口", "ロ"), ("力", "カ"), ("工", "エ"), ("夕", "タ"), ("二", "ニ"), ("八", "ハ"),
            ("卜", "ト"), ("へ", "ヘ"), ("べ", "ベ"), ("ぺ", "ペ"),
        ]
        for (from, to) in pairs {
            for u in from.unicodeScalars { map[u] = to }
        }
        return map
    }()

    /// The script of a letter, for the mixed-script rule; `nil` for digits, hyphens and marks.
    private enum Script { case latin, cyrillic, greek, han, hiragana, katakana, hangul, armenian, other }

    private static func script(_ u: Unicode.Scalar) -> Script? {
        switch u.value {
        case 0x30...0x39, 0x2D, 0x5F, 0x30FC, 0x3099, 0x309A, 0x0300...0x036F: return nil
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: return .latin
        case 0x370...0x3FF, 0x1F00...0x1FFF: return .greek
        case 0x400...0x52F: return .cyrillic
        case 0x530...0x58F: return .armenian
        case 0x3040...0x309F: return .hiragana
        case 0x30A0...0x30FF, 0x31F0...0x31FF: return .katakana
        case 0x3005, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF: return .han
        case 0xAC00...0xD7AF, 0x1100...0x11FF: return .hangul
        default: return u.properties.isAlphabetic ? .other : nil
        }
    }

    /// Whether a label mixes scripts beyond what UTS #39's "highly restrictive" profile allows (one script, or
    /// Latin with Han and kana, or Latin with Han and Hangul).
    public static func mixesScripts(_ label: some StringProtocol) -> Bool {
        var scripts: Set<Script> = []
        for u in label.unicodeScalars {
            if let s = script(u) { scripts.insert(s) }
        }
        if scripts.count <= 1 { return false }
        let japanese: Set<Script> = [.latin, .han, .hiragana, .katakana]
        let korean: Set<Script> = [.latin, .han, .hangul]
        return !(scripts.isSubset(of: japanese) || scripts.isSubset(of: korean))
    }
}

extension String {
    func replacingDots(with replacement: String) -> String {
        split(separator: ".", omittingEmptySubsequences: false).joined(separator: replacement)
    }

    /// Every occurrence of `target` (ASCII) replaced, left to right, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.unicodeScalars)
        let s = Array(unicodeScalars)
        guard !t.isEmpty, s.count >= t.count else { return self }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if i + t.count <= s.count, Array(s[i..<(i + t.count)]) == t {
                out.append(contentsOf: replacement.unicodeScalars)
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }
}
