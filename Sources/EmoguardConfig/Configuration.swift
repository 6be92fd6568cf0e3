import Foundation
import Yams

/// Emoguard's configuration file (YAML): the organisation's domains and names, verdict thresholds, the
/// threat-intelligence store, and (for issue 7) milter actions.
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
    /// Milter actions (issue 7): read and validated, not used yet.
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

    /// What the milter (issue 7) will do with each verdict. Not used by any command yet.
    public struct MilterActions: Sendable, Hashable {
        public enum Action: String, Sendable, Hashable, CaseIterable {
            case accept, tag, quarantine, reject, tempfail
        }
        public var onMalicious: Action = .reject
        public var onSuspicious: Action = .tag
        public var onError: Action = .accept
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
        var m = EmoguardConfiguration.MilterActions()
        if isNull(node) { return m }
        guard let mapping = node.mapping else { throw fail(node, "expected on_malicious:, on_suspicious:, on_error:") }
        let names = EmoguardConfiguration.MilterActions.Action.allCases.map(\.rawValue).joined(separator: ", ")
        for (k, v) in mapping {
            let raw = try string(v)
            guard let action = EmoguardConfiguration.MilterActions.Action(rawValue: raw) else {
                throw fail(v, "unknown action '\(raw)' (\(names))")
            }
            switch k.string {
            case "on_malicious": m.onMalicious = action
            case "on_suspicious": m.onSuspicious = action
            case "on_error": m.onError = action
            default: throw fail(k, "unknown key '\(k.string ?? "?")' (on_malicious, on_suspicious, on_error)")
            }
        }
        return m
    }
}
