import ByteCursor

/// One explainable mail-level observation: a stable code, a sentence for a person, and the evidence it rests on.
///
/// Signals are facts, not verdicts: the engine's rule table decides how much each one weighs. Equality covers all
/// three fields, so tests can compare whole signals; rules should match on ``code`` only.
public struct MailSignal: Sendable, Hashable, CustomStringConvertible {
    /// What was observed; stable across releases (`"display-name.embedded-address"`).
    public struct Code: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        // Addresses and display names (``ImpersonationCheck``).
        /// The display name holds an e-mail address other than the real one.
        public static let displayNameEmbeddedAddress: Code = "display-name.embedded-address"
        /// The display name is a protected person or department, and the address is outside the own domains.
        public static let displayNameProtected: Code = "display-name.protected-name"
        /// Reply-To points to another organisation than From.
        public static let replyToDomainDiffers: Code = "headers.reply-to-domain-differs"
        /// Return-Path (envelope sender) belongs to another organisation than From.
        public static let returnPathDomainDiffers: Code = "headers.return-path-domain-differs"
        /// Sender belongs to another organisation than From.
        public static let senderDomainDiffers: Code = "headers.sender-domain-differs"

        // Domains (``LookalikeDomains``).
        /// A domain that looks like an own or partner domain without being it.
        public static let lookalikeDomain: Code = "domain.lookalike"
        /// A domain label mixes scripts (Latin with Cyrillic or Greek, ...).
        public static let mixedScriptDomain: Code = "domain.mixed-script"

        // Authentication-Results (``AuthenticationResults``).
        /// DMARC failed at a trusted receiver.
        public static let dmarcFail: Code = "auth.dmarc-fail"
        /// SPF failed (fail or softfail) at a trusted receiver.
        public static let spfFail: Code = "auth.spf-fail"
        /// DKIM failed at a trusted receiver.
        public static let dkimFail: Code = "auth.dkim-fail"

        // Threads (``ThreadSignals``).
        /// A reply subject (`Re:`, `返信:`) with neither In-Reply-To nor References.
        public static let replyWithoutReferences: Code = "thread.reply-without-references"
        /// A forward subject (`Fw:`, `転送:`) with neither In-Reply-To nor References.
        public static let forwardWithoutReferences: Code = "thread.forward-without-references"
        /// The quoted thread names participants, and the sender is not one of them.
        public static let senderNotInQuotedThread: Code = "thread.sender-not-in-quote"
        /// A few new lines above a long quoted thread.
        public static let shortTextAboveLongQuote: Code = "thread.short-text-long-quote"

        // URLs (``URLExtractor``, ``URLSignals``).
        /// The URL's host is an IP address (dotted, integer, hexadecimal or IPv6).
        public static let urlIPLiteral: Code = "url.ip-literal"
        /// The URL's path ends in a file type that carries code (`.doc`, `.zip`, `.exe`, `.one`, ...).
        public static let urlDownloadPath: Code = "url.download-path"
        /// The URL points into a WordPress directory (`wp-content`, `wp-includes`, `/wp-admin/`) and not at a page
        /// resource such as an image.
        public static let urlWordPressPath: Code = "url.wordpress-path"
        /// An `ms-appinstaller:` link (App Installer, abused in 2021 to install Emotet).
        public static let urlAppInstaller: Code = "url.ms-appinstaller"
        /// A link whose text shows one domain and whose target is another.
        public static let urlTextTargetMismatch: Code = "url.text-target-mismatch"
        /// A URL with user information before the host (`https://partner.example@evil.example/`).
        public static let urlUserInfo: Code = "url.userinfo"
        /// A URL written defanged (`hxxp`, `[.]`) in the mail.
        public static let urlDefanged: Code = "url.defanged"

        /// A named limit was reached and the rest of the input was not examined.
        public static let limitReached: Code = "mail-signals.limit-reached"
    }

    public let code: Code
    /// A sentence for the person reading the report.
    public let message: String
    /// The text the signal rests on, as it appeared (possibly shortened).
    public let evidence: String

    public init(_ code: Code, _ message: String, evidence: String) {
        self.code = code
        self.message = message
        self.evidence = Text.clip(evidence, 300)
    }

    public var description: String { "\(code): \(message) [\(evidence)]" }

    static func limit(_ limit: Limit, _ what: String) -> MailSignal {
        MailSignal(.limitReached, "\(what) stopped at \(limit.name)", evidence: limit.description)
    }
}
