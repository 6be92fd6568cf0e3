import ByteCursor

/// One mailbox as read from an address header: the decoded display name and the addr-spec.
public struct Mailbox: Sendable, Hashable {
    /// The display name, already decoded from RFC 2047 (`"経理部 山田"`), or `nil`.
    public var displayName: String?
    /// The addr-spec (`"yamada@partner.example.jp"`); may be empty or malformed in hostile mail.
    public var address: String

    public init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }
}

/// The headers that say who a message is from, as the engine read them.
public struct OriginHeaders: Sendable, Hashable {
    public var from: Mailbox
    public var replyTo: [Mailbox]
    /// The Return-Path address (envelope sender), without angle brackets; `nil` or empty for none or `<>`.
    public var returnPath: String?
    public var sender: Mailbox?
    /// The List-Id header value (`"Partner ML <partner-ml.lists.example.jp>"`), when present.
    public var listID: String?

    public init(
        from: Mailbox,
        replyTo: [Mailbox] = [],
        returnPath: String? = nil,
        sender: Mailbox? = nil,
        listID: String? = nil
    ) {
        self.from = from
        self.replyTo = replyTo
        self.returnPath = returnPath
        self.sender = sender
        self.listID = listID
    }

    /// The organisational domain of the List-Id (`<partner-ml.lists.example.jp>` → `example.jp`).
    var listOrganization: String? {
        guard let listID else { return nil }
        var id = Substring(listID)
        if let open = id.lastIndex(of: "<") {
            id = id[id.index(after: open)...]
            if let close = id.firstIndex(of: ">") { id = id[..<close] }
        }
        return DomainName.normalize(String(id)).map { DomainName.organizationalDomain(of: $0) }
    }
}

/// Display-name and address checks: the "check the address, not the name" advice of JPCERT/CC, as code.
///
/// - ``embeddedAddress(in:)``: the display name holds another address (`"yamada@partner.co.jp" <x@evil.example>`,
///   also with `＠` and spaces around it);
/// - ``protectedName(in:)``: the display name is a protected person or department (`山田 太郎`, `経理部`) while
///   the address is outside the own domains; names are compared by ``NameNormalizer`` (width, spaces, case);
/// - ``domainDivergence(_:)``: Reply-To, Return-Path or Sender in another organisation than From
///   (``DomainName/organizationalDomain(of:)``).
///
/// Mailing-list mail (a List-Id header) is expected to rewrite From or to add a Sender and Return-Path of the list:
/// ``check(_:)`` does not report those differences when one side is the list's organisation, nor an address in
/// the display name of a From rewritten to the list (`"'yamada@partner.example.jp' via ml" <ml@lists.example.jp>`).
/// List-Id is written by the sender like every header: the engine may weigh its presence.
public struct ImpersonationCheck: Sendable {
    /// The organisation's own domains, normalised; subdomains count as own.
    public let ownDomains: [String]
    /// The protected display names as given, and their comparison forms.
    public let protectedNames: [String]
    private let protectedForms: [(joined: String, tokens: [String], ascii: Bool)]
    public let limits: MailSignalLimits

    public init(ownDomains: [String], protectedNames: [String], limits: MailSignalLimits = .default) {
        let cap = limits.maxProtectedEntries.maximum
        self.ownDomains = ownDomains.prefix(cap).compactMap { DomainName.normalize($0, limits: limits) }
        var names: [String] = []
        var forms: [(String, [String], Bool)] = []
        for name in protectedNames.prefix(cap) {
            let tokens = NameNormalizer.tokens(String(Text.clip(name, 256)))
            let joined = tokens.joined()
            guard !joined.isEmpty else { continue }
            names.append(name)
            forms.append((joined, tokens, joined.unicodeScalars.allSatisfy(\.isASCII)))
        }
        self.protectedNames = names
        self.protectedForms = forms
        self.limits = limits
    }

    /// Every signal of this check for one message.
    public func check(_ headers: OriginHeaders) -> [MailSignal] {
        var signals: [MailSignal] = []
        let listOrg = headers.listOrganization
        let fromDomain = DomainName.domain(ofAddress: headers.from.address, limits: limits)
        let fromIsList = listOrg != nil && fromDomain.map { DomainName.organizationalDomain(of: $0) } == listOrg
        if !fromIsList, let s = embeddedAddress(in: headers.from) { signals.append(s) }
        if let s = protectedName(in: headers.from) { signals.append(s) }
        signals += domainDivergence(headers)
        return signals
    }

    /// The addresses written inside a display name: `local@domain` with ASCII or full-width characters, spaces
    /// allowed around the `@`, lower-cased and width folded (`"ｙａｍａｄａ ＠ partner.co.jp"` →
    /// `"yamada@partner.co.jp"`).
    public func addresses(inDisplayName name: String) -> [String] {
        Text.addresses(in: Text.scalars(name, limits.maxHeaderScalars).scalars, limits: limits)
    }

    /// A signal when the display name holds an address other than the mailbox's own (compared case- and
    /// width-insensitively).
    public func embeddedAddress(in mailbox: Mailbox) -> MailSignal? {
        guard let name = mailbox.displayName else { return nil }
        let real = realAddress(mailbox.address)
        for embedded in addresses(inDisplayName: name) where embedded != real {
            return MailSignal(
                .displayNameEmbeddedAddress,
                "the display name shows the address \(embedded) but the mail comes from \(real)",
                evidence: "\"\(name)\" <\(mailbox.address)>"
            )
        }
        return nil
    }

    /// A signal when the display name names a protected person or department and the address is outside the own
    /// domains.
    ///
    /// A protected name written in ASCII (`"Taro Yamada"`) matches when all of its words are words of the display
    /// name, in any order; any other (`"山田 太郎"`, `"経理部"`) matches anywhere in the display name once both are
    /// normalised, since Japanese names are often written without spaces (`"経理部山田"`).
    public func protectedName(in mailbox: Mailbox) -> MailSignal? {
        guard let name = mailbox.displayName, !protectedForms.isEmpty else { return nil }
        let tokens = NameNormalizer.tokens(Text.string(Text.scalars(name, limits.maxHeaderScalars).scalars))
        let joined = tokens.joined()
        guard !joined.isEmpty else { return nil }
        let domain = DomainName.domain(ofAddress: mailbox.address, limits: limits)
        if let domain, ownDomains.contains(where: { DomainName.isSubdomain(domain, of: $0) }) { return nil }
        for (index, form) in protectedForms.enumerated() {
            let matches =
                form.ascii
                ? form.tokens.allSatisfy { tokens.contains($0) } || tokens.contains(form.joined)
                : joined.contains(form.joined) || form.tokens.allSatisfy { tokens.contains($0) }
            guard matches else { continue }
            let outside = domain.map { "\($0), outside the own domains" } ?? "no domain"
            return MailSignal(
                .displayNameProtected,
                "the display name matches the protected name \"\(protectedNames[index])\" but the address has "
                    + outside,
                evidence: "\"\(name)\" <\(mailbox.address)>"
            )
        }
        return nil
    }

    /// Signals for Reply-To, Return-Path and Sender addresses whose organisational domain differs from From's.
    ///
    /// A Return-Path of another organisation is ordinary for mail sent through a delivery service (newsletters,
    /// ticketing systems): it is reported, but should weigh little alone.
    public func domainDivergence(_ headers: OriginHeaders) -> [MailSignal] {
        guard let fromDomain = DomainName.domain(ofAddress: headers.from.address, limits: limits) else { return [] }
        let fromOrg = DomainName.organizationalDomain(of: fromDomain)
        let listOrg = headers.listOrganization
        var signals: [MailSignal] = []
        func compare(_ address: String, _ code: MailSignal.Code, _ header: String) {
            guard let domain = DomainName.domain(ofAddress: address, limits: limits) else { return }
            let org = DomainName.organizationalDomain(of: domain)
            guard org != fromOrg else { return }
            if let listOrg, org == listOrg || fromOrg == listOrg { return }
            signals.append(
                MailSignal(
                    code,
                    "\(header) is in \(org), From is in \(fromOrg)",
                    evidence: "From: \(headers.from.address); \(header): \(address)"
                )
            )
        }
        for replyTo in headers.replyTo.prefix(16) {
            compare(replyTo.address, .replyToDomainDiffers, "Reply-To")
        }
        if let returnPath = headers.returnPath { compare(returnPath, .returnPathDomainDiffers, "Return-Path") }
        if let sender = headers.sender { compare(sender.address, .senderDomainDiffers, "Sender") }
        return signals
    }

    private func realAddress(_ address: String) -> String {
        let folded = Text.foldWidth(Text.string(Text.scalars(address, limits.maxHeaderScalars).scalars))
        var trimmed = Substring(folded)
        trimmed = trimmed.drop { $0 == "<" || $0 == " " }
        while let l = trimmed.last, l == ">" || l == " " { trimmed = trimmed.dropLast() }
        guard let at = trimmed.lastIndex(of: "@") else { return trimmed.lowercased() }
        let domain = DomainName.normalize(String(trimmed[trimmed.index(after: at)...]), limits: limits) ?? ""
        return trimmed[..<at].lowercased() + "@" + domain
    }
}

/// CJK ideographs, kana and CJK punctuation: never part of an address written in a display name.
func isCJK(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x3000...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF: return true
    default: return false
    }
}
