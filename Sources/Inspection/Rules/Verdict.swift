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

/// How findings add up to a verdict.
///
/// - Scores add up, each rule group capped by ``RuleTable/groupCaps``; the same rule at the same path counts once.
/// - `score >= maliciousThreshold`, or any `critical` finding: **malicious**.
/// - `score >= suspiciousThreshold`, or any `high` finding: at least **suspicious**.
/// - otherwise **clean**.
public struct Verdict: Codable, Sendable, Hashable {
    public var level: VerdictLevel
    public var score: Double

    public static let suspiciousThreshold = 4.0
    public static let maliciousThreshold = 10.0

    public init(level: VerdictLevel, score: Double) {
        self.level = level
        self.score = score
    }

    /// Weighs a scan's findings.
    public init(findings: [Finding]) {
        var seen = Set<String>()
        var groupTotals: [String: Double] = [:]
        for f in findings where seen.insert("\(f.id)\u{0}\(f.evidence.path)").inserted {
            let group = RuleTable.rule(RuleID(f.id)).group
            groupTotals[group, default: 0] += f.score
        }
        var score = 0.0
        for (group, total) in groupTotals {
            score += min(total, RuleTable.groupCaps[group] ?? .infinity)
        }
        let worst = findings.map(\.severity).max() ?? .info
        let level: VerdictLevel
        if worst == .critical || score >= Self.maliciousThreshold {
            level = .malicious
        } else if worst >= .high || score >= Self.suspiciousThreshold {
            level = .suspicious
        } else {
            level = .clean
        }
        self.init(level: level, score: (score * 10).rounded() / 10)
    }
}
