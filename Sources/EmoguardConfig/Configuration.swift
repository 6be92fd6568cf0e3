import Foundation
import Yams

/// Emoguard's configuration file (YAML): the organisation's domains and names, verdict thresholds, the
/// threat-intelligence store, and what the milter does.
///
/// ```yaml
/// own_domains: [example.co.jp]
/// partner_domains: [partner.co.jp]
/// protected_names: [経理部, 山田 太郎]
/// trusted_authserv_ids: [mx.example.co.jp]
/// thresholds: { suspicious: 4, malicious: 10 }
/// intel_db: /var/lib/emoguard/intel.sqlite
/// ```
///
/// Every setting has a default, so an empty file (or none) is a valid configuration. Unknown keys, wrong types
/// and impossible values are errors that name the line (``ConfigurationError``).
public struct EmoguardConfiguration: Sendable, Hashable {
    /// The organisation's own domains; subdomains count as own.
    public var ownDomains: [String] = []
    /// Partner domains whose lookalikes are reported.
    public var partnerDomains: [String] = []
    /// Display names of staff and departments that outside senders must not use.
    public var protectedNames: [String] = []
    /// The authserv-ids of the own receiving MTAs; empty: the topmost Authentication-Results field is read.
    public var trustedAuthservIDs: [String] = []
    /// Click-tracking redirectors whose links may show another domain; nil: the built-in list.
    public var redirectorDomains: [String]? = nil
    /// Verdict thresholds.
    public var thresholds = Thresholds()
    /// The SQLite store of `emoguard intel import`; nil: no threat intelligence.
    public var intelDB: String? = nil
    /// What `emoguard milter` does (issue 7).
    public var milter = MilterActions()

    /// The scores at which a message becomes suspicious and malicious.
    public struct Thresholds: Sendable, Hashable {
        public var suspicious: Double = 4
        public var malicious: Double = 10
        public init(suspicious: Double = 4, malicious: Double = 10) {
            self.suspicious = suspicious
            self.malicious = malicious
        }
    }

    /// What `emoguard milter` does with each verdict, on its own errors and for oversized mail; whom it skips; and
    /// whether it watches outbound mail for infected internal senders.
    public struct MilterActions: Sendable, Hashable {
        /// An answer to the MTA for one message.
        public enum Action: String, Sendable, Hashable, CaseIterable {
            /// Accept unchanged.
            case accept
            /// Accept with the `X-Emoguard-*` headers (and the subject prefix, for detections).
            case tag
            /// Tag, and ask the MTA to hold the message (Postfix's hold queue).
            case quarantine
            /// Refuse with ``MilterActions/rejectReply`` (550 5.7.1).
            case reject
            /// Refuse for now with ``MilterActions/tempfailReply`` (451 4.7.1); the sender keeps the message.
            case tempfail
        }

        /// Which direction of mail the milter stands in.
        public enum Mode: String, Sendable, Hashable, CaseIterable {
            /// Mail from outside: skip rules apply, no infected-sender events.
            case inbound
            /// Mail from the organisation's users: malicious mail raises the infected-sender event.
            case outbound
            /// Both: the event is raised when the sender looks internal.
            case both
        }

        public var onClean: Action = .tag
        public var onSuspicious: Action = .tag
        public var onMalicious: Action = .reject
        /// The filter's own error or timeout: `accept` fails open (tagged `error`), `tempfail` defers the mail.
        public var onError: Action = .accept
        /// A message larger than ``maxMessageBytes``: not scanned, answered with this action (tagged `unscanned`).
        public var onOversize: Action = .accept
        /// The reply to a rejected message: a 5xx code, an enhanced code and a text.
        public var rejectReply = "550 5.7.1 Message rejected as Emotet-style malspam"
        /// The reply to a deferred message: a 4xx code, an enhanced code and a text.
        public var tempfailReply = "451 4.7.1 Message could not be scanned, try again later"
        /// Put before the Subject of tagged suspicious and malicious mail; nil: the subject is left alone.
        public var subjectPrefix: String? = nil
        /// The largest message scanned (headers and body as the MTA sends them).
        public var maxMessageBytes = 32 << 20
        /// Bodies above this many bytes are spooled to a private temporary file while they arrive.
        public var memoryBodyBytes = 1 << 20
        /// Seconds a scan may take before ``onError`` applies.
        public var scanTimeout: Double = 30
        public var mode: Mode = .inbound
        /// Clients whose mail is never scanned (accepted and tagged `skipped`).
        public var trustedNetworks: [IPNetwork] = []
        /// Accept SASL-authenticated senders unscanned (for inbound-only setups).
        public var skipAuthenticated = false
        /// Outbound: clients on these networks are the organisation's machines.
        public var internalNetworks: [IPNetwork] = []

        public init() {}
    }
    /// The defaults: no domains, no names, thresholds 4 and 10, no intel store.
    public init() {}

    /// The keys a file may use.
    static let topKeys = [
        "own_domains", "partner_domains", "protected_names", "trusted_authserv_ids", "redirector_domains",
        "thresholds", "intel_db", "milter",
    ]

    /// Reads a configuration from YAML text.
    ///
    /// - Throws: ``ConfigurationError`` naming the line of the first problem.
    public init(yaml: String, source: String = "configuration") throws {
        self.init()
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigurationError.syntax(error, source: source)
        }
        guard let root else { return }  // an empty file: every default
        if case .scalar(let s) = root, s.string.isEmpty || s.string == "~" || s.string == "null" { return }
        guard let mapping = root.mapping else {
            throw ConfigurationError(source: source, line: root.mark?.line, "the file must be a mapping of settings")
        }
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            let line = keyNode.mark?.line
            guard let key = keyNode.string else {
                throw ConfigurationError(source: source, line: line, "a setting's name must be text")
            }
            guard Self.topKeys.contains(key) else {
                throw ConfigurationError(
                    source: source, line: line,
                    "unknown setting '\(key)' (known: \(Self.topKeys.joined(separator: ", ")))")
            }
            guard seen.insert(key).inserted else {
                throw ConfigurationError(source: source, line: line, "'\(key)' is set twice")
            }
            let r = Reader(source: source, key: key)
            switch key {
            case "own_domains": ownDomains = try r.domains(value)
            case "partner_domains": partnerDomains = try r.domains(value)
            case "protected_names": protectedNames = try r.strings(value)
            case "trusted_authserv_ids": trustedAuthservIDs = try r.strings(value)
            case "redirector_domains": redirectorDomains = try r.domains(value)
            case "intel_db": intelDB = try r.optionalString(value)
            case "thresholds": thresholds = try r.thresholds(value)
            case "milter": milter = try r.milter(value)
            default: break
            }
        }
    }

    /// Reads a configuration file.
    public init(contentsOf path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(source: path, line: nil, "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(yaml: text, source: path)
    }
}

/// A configuration that cannot be used: what is wrong and on which line.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or `configuration` for text).
    public var source: String
    /// The 1-based line, when known.
    public var line: Int?
    public var reason: String

    public init(source: String, line: Int?, _ reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(source)" + (line.map { ":\($0)" } ?? "") + ": \(reason)" }

    static func syntax(_ error: YamlError, source: String) -> ConfigurationError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigurationError(source: source, line: mark.line, "YAML syntax: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError(
                source: source, line: context.mark.line,
                "set twice: \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        case .reader(let problem, _, _, _):
            return ConfigurationError(source: source, line: nil, "YAML: \(problem)")
        default:
            return ConfigurationError(source: source, line: nil, "YAML: \(error)")
        }
    }
}

/// Typed reads of one setting's value, with the line in every error.
private struct Reader {
    let source: String
    let key: String

    func fail(_ node: Node, _ reason: String) -> ConfigurationError {
        ConfigurationError(source: source, line: node.mark?.line, "\(key): \(reason)")
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return s.string.isEmpty || s.string == "~" || s.string == "null"
    }

    func string(_ node: Node) throws -> String {
        guard case .scalar(let s) = node else { throw fail(node, "expected text, found a list or mapping") }
        let v = s.string.trimmingCharacters(in: .whitespaces)
        guard !v.isEmpty else { throw fail(node, "empty value") }
        return v
    }

    func optionalString(_ node: Node) throws -> String? {
        isNull(node) ? nil : try string(node)
    }

    func strings(_ node: Node) throws -> [String] {
        if isNull(node) { return [] }
        guard case .sequence(let seq) = node else { throw fail(node, "expected a list (- item, or [a, b])") }
        return try seq.map { try string($0) }
    }

    func domains(_ node: Node) throws -> [String] {
        guard case .sequence(let seq) = node else {
            if isNull(node) { return [] }
            throw fail(node, "expected a list of domains")
        }
        return try seq.map { item in
            let d = try string(item).lowercased()
            let trimmed = d.hasSuffix(".") ? String(d.dropLast()) : d
            guard trimmed.contains("."), !trimmed.contains("@"), !trimmed.contains("/"), !trimmed.contains(" "),
                !trimmed.hasPrefix("."), !trimmed.contains("..")
            else { throw fail(item, "'\(d)' is not a domain name (example.co.jp)") }
            return trimmed
        }
    }

    func number(_ node: Node, _ name: String) throws -> Double {
        guard case .scalar = node, let v = node.float ?? node.int.map(Double.init), v.isFinite else {
            throw ConfigurationError(source: source, line: node.mark?.line, "\(key).\(name): expected a number")
        }
        guard v > 0 else {
            throw ConfigurationError(source: source, line: node.mark?.line, "\(key).\(name): must be above 0")
        }
        return v
    }

    func thresholds(_ node: Node) throws -> EmoguardConfiguration.Thresholds {
        var t = EmoguardConfiguration.Thresholds()
        if isNull(node) { return t }
        guard let mapping = node.mapping else { throw fail(node, "expected suspicious: and malicious:") }
        for (k, v) in mapping {
            switch k.string {
            case "suspicious": t.suspicious = try number(v, "suspicious")
            case "malicious": t.malicious = try number(v, "malicious")
            default: throw fail(k, "unknown key '\(k.string ?? "?")' (suspicious, malicious)")
            }
        }
        guard t.suspicious < t.malicious else {
            throw fail(node, "suspicious (\(t.suspicious)) must be below malicious (\(t.malicious))")
        }
        return t
    }

    func milter(_ node: Node) throws -> EmoguardConfiguration.MilterActions {
        typealias M = EmoguardConfiguration.MilterActions
        var m = M()
        if isNull(node) { return m }
        let keys = [
            "on_clean", "on_suspicious", "on_malicious", "on_error", "on_oversize", "reject_reply", "tempfail_reply",
            "subject_prefix", "max_message_bytes", "memory_body_bytes", "scan_timeout", "mode", "trusted_networks",
            "skip_authenticated", "internal_networks",
        ]
        guard let mapping = node.mapping else { throw fail(node, "expected a mapping (\(keys.joined(separator: ", ")))") }
        func action(_ v: Node, _ name: String, allowed: [M.Action] = M.Action.allCases) throws -> M.Action {
            let raw = try string(v)
            guard let a = M.Action(rawValue: raw), allowed.contains(a) else {
                throw ConfigurationError(
                    source: source, line: v.mark?.line,
                    "\(key).\(name): unknown action '\(raw)' (\(allowed.map(\.rawValue).joined(separator: ", ")))")
            }
            return a
        }
        func reply(_ v: Node, _ name: String, klass: Character) throws -> String {
            let text = try string(v)
            let code = text.prefix(3)
            guard code.count == 3, code.first == klass, code.allSatisfy(\.isNumber),
                text.count == 3 || text.dropFirst(3).first == " ", text.allSatisfy({ $0 != "\r" && $0 != "\n" })
            else {
                throw ConfigurationError(
                    source: source, line: v.mark?.line,
                    "\(key).\(name): expected '\(klass)xx x.y.z text' (a \(klass)xx reply code on one line)")
            }
            return text
        }
        func count(_ v: Node, _ name: String) throws -> Int {
            guard let n = v.int, n > 0 else {
                throw ConfigurationError(source: source, line: v.mark?.line, "\(key).\(name): expected a positive whole number")
            }
            return n
        }
        func networks(_ v: Node, _ name: String) throws -> [IPNetwork] {
            try strings(v).map { text in
                guard let n = IPNetwork(text) else {
                    throw ConfigurationError(
                        source: source, line: v.mark?.line,
                        "\(key).\(name): '\(text)' is not an address or network (192.0.2.0/24, 2001:db8::/32)")
                }
                return n
            }
        }
        for (k, v) in mapping {
            switch k.string {
            case "on_clean": m.onClean = try action(v, "on_clean", allowed: [.accept, .tag])
            case "on_suspicious": m.onSuspicious = try action(v, "on_suspicious")
            case "on_malicious": m.onMalicious = try action(v, "on_malicious")
            case "on_error": m.onError = try action(v, "on_error", allowed: [.accept, .tempfail])
            case "on_oversize": m.onOversize = try action(v, "on_oversize", allowed: [.accept, .tag, .reject, .tempfail])
            case "reject_reply": m.rejectReply = try reply(v, "reject_reply", klass: "5")
            case "tempfail_reply": m.tempfailReply = try reply(v, "tempfail_reply", klass: "4")
            case "subject_prefix":
                // Kept as written: a prefix usually ends with a space.
                guard case .scalar(let scalar) = v, !scalar.string.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                    throw fail(v, "subject_prefix: expected one line of text")
                }
                m.subjectPrefix = isNull(v) || scalar.string.isEmpty ? nil : scalar.string
            case "max_message_bytes": m.maxMessageBytes = try count(v, "max_message_bytes")
            case "memory_body_bytes": m.memoryBodyBytes = try count(v, "memory_body_bytes")
            case "scan_timeout": m.scanTimeout = try number(v, "scan_timeout")
            case "mode":
                let raw = try string(v)
                guard let mode = M.Mode(rawValue: raw) else {
                    throw fail(v, "mode: unknown mode '\(raw)' (inbound, outbound, both)")
                }
                m.mode = mode
            case "trusted_networks": m.trustedNetworks = try networks(v, "trusted_networks")
            case "skip_authenticated":
                guard let b = v.bool else { throw fail(v, "skip_authenticated: expected true or false") }
                m.skipAuthenticated = b
            case "internal_networks": m.internalNetworks = try networks(v, "internal_networks")
            default: throw fail(k, "unknown key '\(k.string ?? "?")' (\(keys.joined(separator: ", ")))")
            }
        }
        return m
    }
}
