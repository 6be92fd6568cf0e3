/// What the organisation tells the mail-level rules: its own and partner domains, the names worth protecting, and
/// which Authentication-Results to believe.
///
/// The engine never reads a file for this: the front end builds it from the configuration (`EmoguardConfig`) and
/// hands it to ``Inspector``. Every field has a default that works with no configuration at all.
public struct MailPolicy: Sendable, Hashable {
    /// The organisation's own domains (`example.co.jp`); subdomains count as own.
    public var ownDomains: [String]
    /// Partner domains whose lookalikes are reported like the own domains'.
    public var partnerDomains: [String]
    /// Display names of staff and departments (`山田 太郎`, `経理部`) that outside senders must not use.
    public var protectedNames: [String]
    /// The authserv-ids of the organisation's own receiving MTAs (`mx.example.co.jp`). Empty: only the topmost
    /// Authentication-Results field is read, since that is the one the receiving MTA added last.
    public var trustedAuthservIDs: [String]
    /// Click-tracking redirectors whose links may show another domain in their text.
    public var redirectorDomains: [String]

    /// Redirectors of common newsletter and security services (click tracking, safe links).
    public static let defaultRedirectorDomains = [
        "list-manage.com", "mailchimp.com", "mcusercontent.com", "sendgrid.net", "mandrillapp.com",
        "hubspotlinks.com", "hs-sites.com", "exacttarget.com", "mkt.com", "mktoweb.com", "cmail19.com",
        "cmail20.com", "createsend.com", "rs6.net", "safelinks.protection.outlook.com", "outlook.com",
        "urldefense.com", "urldefense.proofpoint.com", "mimecast.com", "t.co", "lnkd.in", "bit.ly",
    ]

    public init(
        ownDomains: [String] = [], partnerDomains: [String] = [], protectedNames: [String] = [],
        trustedAuthservIDs: [String] = [], redirectorDomains: [String] = MailPolicy.defaultRedirectorDomains
    ) {
        self.ownDomains = ownDomains
        self.partnerDomains = partnerDomains
        self.protectedNames = protectedNames
        self.trustedAuthservIDs = trustedAuthservIDs
        self.redirectorDomains = redirectorDomains
    }

    /// No own domains, no partners, no protected names: the rules that need them stay silent.
    public static let `default` = MailPolicy()
}
