import EmoguardConfig
import Inspection
import Milter

/// What the scan said about one message, as the policy sees it.
public enum MilterScanOutcome: Sendable, Hashable {
    /// Scanned: the verdict, its score and the IDs of the findings (most severe first).
    case scanned(verdict: VerdictLevel, score: Double, findingIDs: [String])
    /// The filter failed (scan error, timeout, spool failure): the configured error action applies.
    case failed(reason: String)
    /// Larger than `max_message_bytes`: not scanned.
    case oversize(bytes: Int)
    /// Not scanned by a skip rule (trusted network, authenticated sender).
    case skipped(reason: String)

    /// The value of the `X-Emoguard-Verdict` header and of the verdict log's `verdict` field.
    public var label: String {
        switch self {
        case .scanned(let verdict, _, _): verdict.rawValue
        case .failed: "error"
        case .oversize: "unscanned"
        case .skipped: "skipped"
        }
    }
}

/// An "internal sender likely infected" event: malicious mail leaving from the organisation's own machines or
/// accounts (outbound mode).
public struct InfectedSenderEvent: Sendable, Hashable, Codable {
    public var clientAddress: String?
    public var saslUser: String?
    public var sender: String?
    /// Why the sender counts as internal: `sasl-user`, `internal-network`, `own-domain`.
    public var reasons: [String]

    enum CodingKeys: String, CodingKey {
        case sender, reasons
        case clientAddress = "client_addr"
        case saslUser = "sasl_user"
    }
}

/// The answer to one message: the replies to send after its end, in order (header changes and quarantine before
/// the final reply), the action taken and the event, if any.
public struct MilterDecision: Sendable, Hashable {
    public var action: EmoguardConfiguration.MilterActions.Action
    public var outcome: MilterScanOutcome
    public var responses: [MilterResponse]
    public var infectedSender: InfectedSenderEvent?
}

/// The milter's policy: skip rules before a scan, and the action for each outcome after it.
///
/// Pure: every decision is a function of the configuration, the message's envelope and the scan outcome, so it is
/// tested without sockets. The server drops any reply the MTA did not grant in the negotiation (see
/// ``MilterSession/permits(_:)``): a quarantine without the quarantine action becomes a tag.
public struct MilterPolicy: Sendable {
    public typealias Action = EmoguardConfiguration.MilterActions.Action

    public var settings: EmoguardConfiguration.MilterActions
    /// The organisation's domains (the configuration's `own_domains`), for the outbound event.
    public var ownDomains: [String]

    /// The most bytes of finding IDs put in `X-Emoguard-Findings`; the rest is summarised as `+N more`.
    public static let maxFindingsHeaderBytes = 512

    public init(settings: EmoguardConfiguration.MilterActions = .init(), ownDomains: [String] = []) {
        self.settings = settings
        self.ownDomains = ownDomains.map { $0.lowercased() }
    }

    public init(configuration: EmoguardConfiguration) {
        self.init(settings: configuration.milter, ownDomains: configuration.ownDomains)
    }

    /// Why `message` is not scanned, or nil: a client on a trusted network, or an authenticated sender when
    /// `skip_authenticated` is set.
    public func skipReason(for message: MilterMessage) -> String? {
        if let address = message.clientAddress,
            let network = settings.trustedNetworks.first(where: { $0.contains(address) })
        {
            return "trusted network \(network)"
        }
        if settings.skipAuthenticated, let user = message.authenticatedUser, !user.isEmpty {
            return "authenticated sender"
        }
        return nil
    }

    /// Whether a message of `bytes` bytes (headers and body) is too large to scan.
    public func isOversize(_ bytes: Int) -> Bool { bytes > settings.maxMessageBytes }

    /// The decision for `message` given the scan `outcome`.
    public func decide(_ outcome: MilterScanOutcome, for message: MilterMessage) -> MilterDecision {
        let action: Action
        var event: InfectedSenderEvent?
        switch outcome {
        case .scanned(let verdict, _, _):
            switch verdict {
            case .malicious:
                action = settings.onMalicious
                event = infectedSenderEvent(for: message)
            case .suspicious: action = settings.onSuspicious
            case .clean: action = settings.onClean
            }
        case .failed: action = settings.onError
        case .oversize: action = settings.onOversize
        case .skipped: action = .tag
        }
        return MilterDecision(
            action: action, outcome: outcome, responses: responses(action, outcome, message),
            infectedSender: event)
    }

    /// The replies for `action`. Accept and tag end with `continue` (so a later filter still sees the message);
    /// error and oversize tags always carry their label, whatever `on_clean` says.
    func responses(_ action: Action, _ outcome: MilterScanOutcome, _ message: MilterMessage) -> [MilterResponse] {
        switch action {
        case .accept:
            if case .failed = outcome { return headers(outcome) + [.continue] }
            return [.continue]
        case .tag:
            return headers(outcome) + subjectChange(outcome, message) + [.continue]
        case .quarantine:
            return headers(outcome) + [.quarantine(reason: "emoguard: \(outcome.label) \(scoreText(outcome))"), .continue]
        case .reject:
            return [MilterPolicy.reply(settings.rejectReply) ?? .reject]
        case .tempfail:
            return [MilterPolicy.reply(settings.tempfailReply) ?? .tempfail]
        }
    }

    func scoreText(_ outcome: MilterScanOutcome) -> String {
        if case .scanned(_, let score, _) = outcome { return MilterPolicy.format(score) }
        return ""
    }

    /// `X-Emoguard-Verdict`, and for a scanned message `X-Emoguard-Score` and `X-Emoguard-Findings`.
    func headers(_ outcome: MilterScanOutcome) -> [MilterResponse] {
        var out: [MilterResponse] = [.addHeader(name: "X-Emoguard-Verdict", value: outcome.label)]
        switch outcome {
        case .scanned(_, let score, let ids):
            out.append(.addHeader(name: "X-Emoguard-Score", value: MilterPolicy.format(score)))
            if !ids.isEmpty { out.append(.addHeader(name: "X-Emoguard-Findings", value: MilterPolicy.findingsValue(ids))) }
        case .failed(let reason):
            out.append(.addHeader(name: "X-Emoguard-Error", value: MilterPolicy.headerSafe(reason, max: 200)))
        case .oversize(let bytes):
            out.append(.addHeader(name: "X-Emoguard-Error", value: "message of \(bytes) bytes not scanned (max_message_bytes)"))
        case .skipped(let reason):
            out.append(.addHeader(name: "X-Emoguard-Skipped", value: MilterPolicy.headerSafe(reason, max: 200)))
        }
        return out
    }

    /// The subject prefix on a tagged detection: the first Subject changed, or one added when there is none.
    func subjectChange(_ outcome: MilterScanOutcome, _ message: MilterMessage) -> [MilterResponse] {
        guard let prefix = settings.subjectPrefix, !prefix.isEmpty,
            case .scanned(let verdict, _, _) = outcome, verdict != .clean
        else { return [] }
        guard let subject = message.headers.first(where: { $0.name.lowercased() == "subject" }) else {
            return [.addHeader(name: "Subject", value: prefix)]
        }
        let value = String(decoding: subject.value, as: UTF8.self)
        if value.hasPrefix(prefix) { return [] }
        return [.changeHeader(index: 1, name: "Subject", value: prefix + value)]
    }

    /// The outbound event, when the mode watches outbound mail and the sender looks internal.
    func infectedSenderEvent(for message: MilterMessage) -> InfectedSenderEvent? {
        guard settings.mode != .inbound else { return nil }
        var reasons: [String] = []
        let user = message.authenticatedUser.flatMap { $0.isEmpty ? nil : $0 }
        if user != nil { reasons.append("sasl-user") }
        if let address = message.clientAddress, settings.internalNetworks.contains(where: { $0.contains(address) }) {
            reasons.append("internal-network")
        }
        let sender = message.sender?.first.map(MilterPolicy.bareAddress)
        if let sender, let at = sender.lastIndex(of: "@") {
            let domain = sender[sender.index(after: at)...].lowercased()
            if ownDomains.contains(where: { domain == $0 || domain.hasSuffix("." + $0) }) { reasons.append("own-domain") }
        }
        guard !reasons.isEmpty else { return nil }
        return InfectedSenderEvent(
            clientAddress: message.clientAddress, saslUser: user, sender: sender, reasons: reasons)
    }

    /// `<a@b>` as `a@b`.
    static func bareAddress(_ text: String) -> String {
        var t = Substring(text)
        if t.hasPrefix("<") { t = t.dropFirst() }
        if t.hasSuffix(">") { t = t.dropLast() }
        return String(t)
    }

    static func format(_ score: Double) -> String {
        let tenths = (score * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e12 else { return "0.0" }
        let n = Int(tenths)
        return "\(n / 10).\(abs(n % 10))"
    }

    /// Finding IDs, unique, comma-separated, cut at ``maxFindingsHeaderBytes`` with `+N more`.
    static func findingsValue(_ ids: [String]) -> String {
        var seen: Set<String> = []
        let unique = ids.filter { seen.insert($0).inserted }
        var out = ""
        for (index, id) in unique.enumerated() {
            let safe = headerSafe(id, max: 120)
            if out.utf8.count + safe.utf8.count + 2 > maxFindingsHeaderBytes {
                return out + ", +\(unique.count - index) more"
            }
            out += out.isEmpty ? safe : ", " + safe
        }
        return out
    }

    /// Printable ASCII only, at most `max` characters: header values must not carry CR, LF or NUL.
    static func headerSafe(_ text: String, max: Int) -> String {
        String(text.unicodeScalars.prefix(max).map { (0x20...0x7E).contains($0.value) ? Character($0) : "?" })
    }

    /// `550 5.7.1 text` as a checked reply-code response.
    static func reply(_ text: String) -> MilterResponse? {
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard let first = parts.first, let code = Int(first) else { return nil }
        if parts.count >= 2, parts[1].contains("."), parts[1].allSatisfy({ $0.isNumber || $0 == "." }) {
            return MilterResponse.reply(
                code: code, extendedCode: String(parts[1]), text: parts.count > 2 ? String(parts[2]) : "")
        }
        return MilterResponse.reply(code: code, text: parts.dropFirst().joined(separator: " "))
    }
}
