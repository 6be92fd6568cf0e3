import MIME
import MailSignals
import Synchronization

/// Mail-level facts of one message: impersonation, lookalike domains, Authentication-Results, hijacked threads and
/// the URLs of its text and HTML parts, each a separate fact read from `MailSignals`.
///
/// Header facts point at the message and the header's line; body facts at the body part (`message/body[1]`) and
/// the line inside its decoded text. The URLs found become the `urls` property, the first external relay's
/// address `mail.sender-ip`, both for threat-intelligence matching.
struct MailFacts {
    /// One decoded text part of the message (not an attachment).
    struct TextPart {
        var segment: String
        var text: String
        var isHTML: Bool
    }

    /// What ``collect`` found.
    struct Output {
        var facts: [Fact] = []
        var urls: [String] = []
        var senderIP: String?
    }

    /// The most facts of one URL rule reported per message; the rest are counted in the last one.
    static let maxFactsPerURLRule = 10

    let policy: MailPolicy

    /// The checkers of one policy, built once (their domain and redirector sets cost more to build than a message
    /// costs to check) and shared by every scan with that policy.
    struct Checkers: Sendable {
        let impersonation: ImpersonationCheck
        let lookalikes: LookalikeDomains
        let extractor = URLExtractor()
        let urlSignals: URLSignals
        let threads = ThreadSignals()

        init(_ policy: MailPolicy) {
            // Protected names may come from the own and the partner domains (a partner's staff under their name).
            impersonation = ImpersonationCheck(
                ownDomains: policy.ownDomains + policy.partnerDomains, protectedNames: policy.protectedNames)
            lookalikes = LookalikeDomains(
                protectedDomains: (policy.ownDomains + policy.partnerDomains).map(MailFacts.undocumented))
            urlSignals = URLSignals(redirectorDomains: policy.redirectorDomains)
        }
    }

    /// Checkers by policy; a run uses one or two policies, so the cache stays tiny (and is bounded anyway).
    static let checkerCache = Mutex<[MailPolicy: Checkers]>([:])

    static func checkers(for policy: MailPolicy) -> Checkers {
        checkerCache.withLock { cache in
            if let c = cache[policy] { return c }
            let c = Checkers(policy)
            if cache.count < 16 { cache[policy] = c }
            return c
        }
    }

    /// Reads every mail-level signal of `message`.
    func collect(_ message: MIMEMessage, texts: [TextPart], hasAttachment: Bool) -> Output {
        var out = Output()
        let checkers = Self.checkers(for: policy)
        let headers = message.root.headers
        func line(_ name: String) -> Int? { headers.first(name)?.line }

        // Who the message claims to be from, read before RFC 2047 decoding: an encoded display name may hold
        // `<yamada@partner.co.jp>`, which must not become the address.
        let from = Self.mailboxes(headers.first("from")).first
        let replyTo = Self.mailboxes(headers.first("reply-to"))
        let sender = Self.mailboxes(headers.first("sender")).first
        let returnPath = headers["return-path"].map { Self.angleAddress($0) }
        let listID = headers["list-id"]
        if let from {
            let origin = OriginHeaders(
                from: from, replyTo: replyTo, returnPath: returnPath, sender: sender, listID: listID)
            for s in checkers.impersonation.check(origin) {
                let header: String
                switch s.code {
                case .replyToDomainDiffers: header = "reply-to"
                case .returnPathDomainDiffers: header = "return-path"
                case .senderDomainDiffers: header = "sender"
                default: header = "from"
                }
                out.facts.append(fact(s, line: line(header)))
            }
        }

        // Lookalikes of own and partner domains in the sender headers.
        let lookalikes = checkers.lookalikes
        var checkedDomains: Set<String> = []
        var headerAddresses: [(String, String)] = []
        if let from { headerAddresses.append(("from", from.address)) }
        headerAddresses += replyTo.prefix(8).map { ("reply-to", $0.address) }
        if let sender { headerAddresses.append(("sender", sender.address)) }
        if let returnPath { headerAddresses.append(("return-path", returnPath)) }
        for (header, address) in headerAddresses {
            guard let domain = DomainName.domain(ofAddress: address), checkedDomains.insert(domain).inserted,
                let match = lookalikes.check(Self.undocumented(domain))
            else { continue }
            let s = match.signal
            out.facts.append(
                Fact(
                    s.code == .mixedScriptDomain ? .mailMixedScriptDomain : .mailLookalikeDomain,
                    "\(Self.headerName(header)): \(s.message)", line: line(header), detail: s.evidence))
        }

        // Authentication-Results: the trusted receivers' fields only; never required.
        let fields = headers.all("authentication-results")
        let trusted = Set(policy.trustedAuthservIDs.map { $0.lowercased() })
        for (index, field) in fields.prefix(16).enumerated() {
            if trusted.isEmpty && index > 0 { break }
            let results = AuthenticationResults(parsing: field.value)
            for s in results.signals(trustedAuthservIDs: trusted.isEmpty ? nil : trusted) {
                out.facts.append(fact(s, line: field.line))
            }
        }

        // URLs of the text and HTML parts.
        let extractor = checkers.extractor
        let urlSignals = checkers.urlSignals
        var perRule: [RuleID: Int] = [:]
        var seenURLs: Set<String> = []
        var linkDomains: Set<String> = []
        for part in texts {
            let extraction = part.isHTML ? extractor.extract(fromHTML: part.text) : extractor.extract(fromText: part.text)
            for url in extraction.urls {
                if seenURLs.insert(url.url).inserted { out.urls.append(url.url) }
                let where_ = Self.line(of: url.original, in: part.text)
                var signals = urlSignals.signals(for: url)
                if let host = url.components.host, url.components.ipLiteral == nil,
                    linkDomains.insert(host).inserted, let match = lookalikes.check(Self.undocumented(host))
                {
                    signals.append(match.signal)
                }
                for s in signals {
                    let rule = Self.urlRule(s.code)
                    perRule[rule, default: 0] += 1
                    let n = perRule[rule] ?? 0
                    if n > Self.maxFactsPerURLRule { continue }
                    out.facts.append(Fact(rule, s.message, within: part.segment, line: where_, detail: s.evidence))
                }
            }
            if let limit = extraction.limitReached {
                out.facts.append(
                    Fact(.mailSignalLimit, "URL extraction stopped at \(limit.name) (\(limit.maximum))", within: part.segment))
            }
        }
        for (rule, n) in perRule where n > Self.maxFactsPerURLRule {
            out.facts.append(Fact(rule, "and \(n - Self.maxFactsPerURLRule) more links of this kind"))
        }

        // Hijacked threads: a reply without references, a sender outside the quoted thread, a short text over a
        // long quote (only with an attachment or a link: alone it is how many people reply).
        if let from, let subject = message.subject ?? headers["subject"] {
            let threads = checkers.threads
            if let s = threads.missingReferences(
                subject: subject, inReplyTo: headers["in-reply-to"], references: headers["references"])
            {
                out.facts.append(fact(s, line: line("subject")))
            }
            // The quoted thread is read only where a thread is claimed (a reply or forward subject, or thread
            // headers): the quote scan is the costliest mail-level check, and the signals below are about threads.
            let claimsThread =
                !SubjectPrefixes(parsing: subject).prefixes.isEmpty || headers["in-reply-to"] != nil
                || headers["references"] != nil
            if claimsThread, let body = texts.first(where: { !$0.isHTML }) ?? texts.first {
                let text = body.isHTML ? Self.plainText(fromHTML: body.text) : body.text
                let thread = QuotedThread(parsing: text)
                // A list's From is the list or a rewritten member: its quotes name other people by design.
                // One participant is the person replied to ("On ..., Sato wrote:"); only a quote that names at
                // least two addresses shows whose conversation it was.
                let named = Set(thread.participants.compactMap(\.address))
                if listID == nil, named.count >= 2, let s = threads.senderNotInThread(from, thread) {
                    out.facts.append(
                        Fact(
                            .mailSenderNotInThread, s.message, within: body.segment,
                            line: thread.participants.first?.line, detail: s.evidence))
                }
                if hasAttachment || !out.urls.isEmpty, let s = threads.shortTextAboveLongQuote(thread) {
                    out.facts.append(
                        Fact(
                            .mailShortTextLongQuote,
                            s.message + (hasAttachment ? ", with an attachment" : ", with a link"),
                            within: body.segment, line: thread.quoteStartLine, detail: s.evidence))
                }
                if thread.limitReached {
                    out.facts.append(Fact(.mailSignalLimit, "quoted-thread reading stopped at a limit", within: body.segment))
                }
            }
        }

        out.senderIP = Self.senderIP(headers.all("received").map(\.value))
        return out
    }

    /// The mailboxes of an address header, parsed from the raw value, display names decoded afterwards.
    static func mailboxes(_ field: MIMEHeaderField?) -> [Mailbox] {
        guard let field else { return [] }
        let raw = String(decoding: field.unfoldedRawValue, as: UTF8.self)
        return MailAddress.parseList(raw).prefix(16).map { a in
            Mailbox(displayName: a.displayName.map { EncodedWords.decode($0).0 }, address: a.address)
        }
    }

    /// A header signal as a fact at the message, on the header's line.
    func fact(_ s: MailSignal, line: Int?) -> Fact {
        Fact(Self.rule(s.code), s.message, line: line, detail: s.evidence)
    }

    /// Documentation names (RFC 2606 `example.com`, `.net`, `.org`, and JPRS's `example.jp`) without their
    /// `example` label: `partner.example.jp` is compared as `partner.jp`. Examples and test corpora name
    /// organisations under them, and the built-in public suffixes would otherwise make every `*.example.jp` one
    /// organisation and a suffix swap of every `*.example.com`. No real mail comes from these names.
    static func undocumented(_ domain: String) -> String {
        let d = domain.lowercased()
        for suffix in ["example.com", "example.net", "example.org", "example.jp"] where d.hasSuffix("." + suffix) {
            return String(d.dropLast(suffix.count)) + String(suffix.dropFirst("example.".count))
        }
        return domain
    }

    /// The rule of a header or thread signal.
    static func rule(_ code: MailSignal.Code) -> RuleID {
        switch code {
        case .displayNameEmbeddedAddress: .mailDisplayNameAddress
        case .displayNameProtected: .mailProtectedNameOutside
        case .replyToDomainDiffers: .mailReplyToDivergence
        case .returnPathDomainDiffers: .mailReturnPathDivergence
        case .senderDomainDiffers: .mailSenderDivergence
        case .lookalikeDomain: .mailLookalikeDomain
        case .mixedScriptDomain: .mailMixedScriptDomain
        case .dmarcFail: .mailDMARCFail
        case .spfFail: .mailSPFFail
        case .dkimFail: .mailDKIMFail
        case .replyWithoutReferences: .mailReplyWithoutReferences
        case .forwardWithoutReferences: .mailForwardWithoutReferences
        case .senderNotInQuotedThread: .mailSenderNotInThread
        case .shortTextAboveLongQuote: .mailShortTextLongQuote
        case .limitReached: .mailSignalLimit
        default: urlRule(code)
        }
    }

    /// The rule of a URL signal (a lookalike link domain is `url.lookalike-domain`).
    static func urlRule(_ code: MailSignal.Code) -> RuleID {
        switch code {
        case .urlIPLiteral: .urlIPLiteral
        case .urlDownloadPath: .urlDownloadPath
        case .urlWordPressPath: .urlWordPressPath
        case .urlAppInstaller: .urlAppInstaller
        case .urlTextTargetMismatch: .urlTextTargetMismatch
        case .urlUserInfo: .urlUserInfo
        case .urlDefanged: .urlDefanged
        case .lookalikeDomain: .urlLookalikeDomain
        case .mixedScriptDomain: .mailMixedScriptDomain
        case .limitReached: .mailSignalLimit
        default: RuleID(code.rawValue)
        }
    }

    static func headerName(_ lower: String) -> String {
        switch lower {
        case "reply-to": "Reply-To"
        case "return-path": "Return-Path"
        case "sender": "Sender"
        default: "From"
        }
    }

    /// The address inside angle brackets (`<bounce@esp.example>` → `bounce@esp.example`); empty for `<>`.
    static func angleAddress(_ value: String) -> String {
        var s = Substring(value)
        if let open = s.firstIndex(of: "<") {
            s = s[s.index(after: open)...]
            if let close = s.firstIndex(of: ">") { s = s[..<close] }
        }
        return s.trimmingSpaces()
    }

    /// The 1-based line of `needle` in `text`, when it occurs.
    static func line(of needle: String, in text: String) -> Int? {
        // On UTF-8 bytes: the same first match as a Character search for the texts and needles used here
        // (URLs, addresses, markers), without grapheme breaking.
        let n = Array(needle.utf8)
        guard let first = n.first else { return nil }
        var line = 1
        var t = text
        return t.withUTF8 { bytes -> Int? in
            var i = 0
            while i + n.count <= bytes.count {
                let b = bytes[i]
                if b == 0x0A { line += 1 }
                if b == first {
                    var k = 1
                    while k < n.count, bytes[i + k] == n[k] { k += 1 }
                    if k == n.count { return line }
                }
                i += 1
            }
            return nil
        }
    }

    /// HTML reduced to text lines for the quoted-thread reader: block ends become line breaks, tags go, a few
    /// entities are decoded, and `<blockquote>` lines are marked with `>`.
    static func plainText(fromHTML html: String) -> String {
        var out = ""
        var quoteDepth = 0
        var lineStart = true
        let scalars = html.prefix(1 << 20)
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let c = scalars[i]
            if c == "<", let close = scalars[i...].firstIndex(of: ">") {
                let tag = scalars[scalars.index(after: i)..<close].lowercased()
                let name = tag.prefix { $0 != " " && $0 != "/" && $0 != ">" }
                let closing = tag.hasPrefix("/")
                let closingName = closing ? tag.dropFirst().prefix { $0 != " " && $0 != ">" } : ""
                if name == "blockquote" { quoteDepth += 1 }
                if closingName == "blockquote" { quoteDepth = max(0, quoteDepth - 1) }
                if ["br", "p", "div", "tr", "li", "blockquote", "hr"].contains(String(name))
                    || ["p", "div", "tr", "li", "blockquote", "table"].contains(String(closingName))
                {
                    out.append("\n")
                    lineStart = true
                }
                i = scalars.index(after: close)
                continue
            }
            if c == "\n" || c == "\r\n" || c == "\r" {
                i = scalars.index(after: i)
                continue
            }
            if lineStart && quoteDepth > 0 { out.append(String(repeating: ">", count: quoteDepth) + " ") }
            lineStart = false
            out.append(c)
            i = scalars.index(after: i)
        }
        for (entity, char) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            out = out.replacingAll(entity, with: char)
        }
        return out
    }

    /// The address of the first relay outside the organisation: the first `Received:` field (from the top, the
    /// newest) whose `from` clause names a public IP address, as `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
    static func senderIP(_ received: [String]) -> String? {
        for value in received.prefix(32) {
            let lower = value.lowercased()
            guard lower.hasPrefix("from") else { continue }
            let fromClause = lower.firstRange(of: " by ").map { lower[..<$0.lowerBound] } ?? lower[...]
            var rest = fromClause
            while let open = rest.firstIndex(of: "[") {
                let after = rest[rest.index(after: open)...]
                guard let close = after.firstIndex(of: "]") else { break }
                var ip = String(after[..<close])
                if ip.hasPrefix("ipv6:") { ip = String(ip.dropFirst(5)) }
                if isPublic(ip) { return ip }
                rest = after[after.index(after: close)...]
            }
        }
        return nil
    }

    /// Whether `ip` is a routable address (not private, loopback, link-local or shared); documentation ranges
    /// count as public, so that examples built from them match.
    static func isPublic(_ ip: String) -> Bool {
        if ip.contains(":") {
            let l = ip.lowercased()
            guard l.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
            return !(l == "::1" || l.hasPrefix("fe80") || l.hasPrefix("fc") || l.hasPrefix("fd") || l == "::")
        }
        let parts = ip.split(separator: ".").compactMap { UInt8($0) }
        guard parts.count == 4, ip.split(separator: ".").count == 4 else { return false }
        switch (parts[0], parts[1]) {
        case (10, _), (127, _), (0, _), (169, 254), (192, 168): return false
        case (172, 16...31), (100, 64...127): return false
        case (224...255, _): return false
        default: return true
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        String(self).replacing(target, with: replacement)
    }
}
