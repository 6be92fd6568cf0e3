/// The outcome of a scan: clean, suspicious or malicious, with the score that led there.
public enum VerdictLevel: String, Codable, Sendable, Comparable {
    case clean, suspicious, malicious

    private var rank: Int {
        switch self {
        case .clean: 0
        case .suspicious: 1
        case .malicious: 2
        }
    }

    public static func < (lhs: VerdictLevel, rhs: VerdictLevel) -> Bool { lhs.rank < rhs.rank }
}

/// The scores at which a message becomes suspicious and malicious (`thresholds` in the configuration).
public struct VerdictThresholds: Codable, Sendable, Hashable {
    public var suspicious: Double
    public var malicious: Double

    public init(suspicious: Double = 4, malicious: Double = 10) {
        self.suspicious = suspicious
        self.malicious = malicious
    }

    public static let `default` = VerdictThresholds()
}

/// How findings add up to a verdict.
///
/// - Scores add up, each rule group capped by ``RuleTable/groupCaps``; the same rule at the same path counts once.
/// - `score >= malicious` threshold, or any `critical` finding: **malicious**.
/// - `score >= suspicious` threshold, or any `high` finding: at least **suspicious**.
/// - otherwise **clean**.
public struct Verdict: Codable, Sendable, Hashable {
    public var level: VerdictLevel
    public var score: Double

    public static let suspiciousThreshold = VerdictThresholds.default.suspicious
    public static let maliciousThreshold = VerdictThresholds.default.malicious

    public init(level: VerdictLevel, score: Double) {
        self.level = level
        self.score = score
    }

    /// Weighs a scan's findings.
    public init(findings: [Finding], thresholds: VerdictThresholds = .default) {
        let e = VerdictExplanation(findings: findings, thresholds: thresholds)
        self.init(level: e.level, score: e.score)
    }
}

/// The arithmetic of a verdict, finding by finding: what each contributed after its group's cap, the group
/// totals, and the reason for the level (`emoguard explain`).
public struct VerdictExplanation: Codable, Sendable, Hashable {
    /// One finding's share.
    public struct Contribution: Codable, Sendable, Hashable {
        public var finding: Finding
        public var group: String
        /// What the finding added after its group's cap (0 for a repeated rule at the same path).
        public var contributed: Double
        /// Whether the same rule at the same path was already counted.
        public var duplicate: Bool
    }

    /// One group's sum before and after its cap.
    public struct GroupTotal: Codable, Sendable, Hashable {
        public var group: String
        public var raw: Double
        public var cap: Double?
        public var counted: Double
    }

    public var contributions: [Contribution]
    public var groups: [GroupTotal]
    public var thresholds: VerdictThresholds
    public var score: Double
    public var level: VerdictLevel
    /// Why the level is what it is, in one sentence.
    public var reason: String

    public init(findings: [Finding], thresholds: VerdictThresholds = .default) {
        var seen = Set<String>()
        var raw: [String: Double] = [:]
        var counted: [String: Double] = [:]
        var order: [String] = []
        var contributions: [Contribution] = []
        for f in findings {
            let group = RuleTable.rule(RuleID(f.id)).group
            let first = seen.insert("\(f.id)\u{0}\(f.evidence.path)").inserted
            var share = 0.0
            if first {
                if raw[group] == nil { order.append(group) }
                raw[group, default: 0] += f.score
                let cap = RuleTable.groupCaps[group] ?? .infinity
                share = max(0, min(f.score, cap - counted[group, default: 0]))
                counted[group, default: 0] += share
            }
            contributions.append(Contribution(finding: f, group: group, contributed: share, duplicate: !first))
        }
        let groups = order.map {
            GroupTotal(group: $0, raw: raw[$0] ?? 0, cap: RuleTable.groupCaps[$0], counted: counted[$0] ?? 0)
        }
        let total = groups.reduce(0) { $0 + $1.counted }
        let score = (total * 10).rounded() / 10
        let worst = findings.max { $0.severity < $1.severity }
        let level: VerdictLevel
        let reason: String
        if let worst, worst.severity == .critical {
            level = .malicious
            reason = "malicious: \(worst.id) is critical, which is malicious on its own"
        } else if total >= thresholds.malicious {
            level = .malicious
            reason = "malicious: the score \(score) reaches the malicious threshold \(thresholds.malicious)"
        } else if let worst, worst.severity == .high {
            level = .suspicious
            reason = "suspicious: \(worst.id) is high, which is at least suspicious; the score \(score) is below the "
                + "malicious threshold \(thresholds.malicious)"
        } else if total >= thresholds.suspicious {
            level = .suspicious
            reason = "suspicious: the score \(score) reaches the suspicious threshold \(thresholds.suspicious) but "
                + "not the malicious threshold \(thresholds.malicious), and no finding is critical"
        } else {
            level = .clean
            reason = "clean: the score \(score) is below the suspicious threshold \(thresholds.suspicious) and no "
                + "finding is high or critical"
        }
        self.contributions = contributions
        self.groups = groups
        self.thresholds = thresholds
        self.score = score
        self.level = level
        self.reason = reason
    }
}
