import ByteCursor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The limits of one scan: how deep, how many, how many bytes, how long.
///
/// One budget is charged at every step of one top-level scan (one message of an mbox, one file). Running out is
/// itself a finding (`engine.budget-exhausted`), never a silent skip.
public struct BudgetLimits: Sendable, Hashable {
    /// Deepest nesting of artifacts (message → zip → document → ...).
    public var maxDepth = Limit("budget.maxDepth", 24)
    /// Most artifacts in one scan.
    public var maxArtifacts = Limit("budget.maxArtifacts", 10_000)
    /// Most content bytes kept in memory over the whole scan (after padding is dropped).
    public var maxTotalBytes = Limit("budget.maxTotalBytes", 512 << 20)
    /// Most bytes one artifact may keep.
    public var maxArtifactBytes = Limit("budget.maxArtifactBytes", 64 << 20)
    /// Most bytes decompressed over the whole scan, padding included.
    public var maxInflatedBytes = Limit("budget.maxInflatedBytes", 8 << 30)
    /// Most wall-clock milliseconds for one scan.
    public var maxMilliseconds = Limit("budget.maxMilliseconds", 60_000)
    /// Zero runs at least this long are padding.
    public var minimumPaddingRun = 1 << 20

    public init() {}

    public static let `default` = BudgetLimits()
}

/// The budget of one scan as it is spent.
public struct ScanBudget: Sendable {
    public let limits: BudgetLimits
    public private(set) var artifacts = 0
    public private(set) var keptBytes = 0
    public private(set) var inflatedBytes = 0
    let started: UInt64
    /// Limits already reported, so each is reported once per scan.
    var reported: Set<String> = []

    public init(limits: BudgetLimits) {
        self.limits = limits
        self.started = Self.nowNanoseconds()
    }

    static func nowNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    public var elapsedMilliseconds: Int { Int((Self.nowNanoseconds() &- started) / 1_000_000) }

    /// Inflated bytes still allowed in this scan.
    public var inflateAllowance: Int { max(0, limits.maxInflatedBytes.maximum - inflatedBytes) }
    /// Content bytes the next artifact may keep.
    public var keepAllowance: Int { max(0, min(limits.maxArtifactBytes.maximum, limits.maxTotalBytes.maximum - keptBytes)) }

    /// Why the budget refuses another artifact at `depth`, or nil when it accepts (and counts) it.
    mutating func admit(depth: Int) -> Limit? {
        if !limits.maxDepth.allows(depth) { return limits.maxDepth }
        if !limits.maxArtifacts.allows(artifacts + 1) { return limits.maxArtifacts }
        if !limits.maxMilliseconds.allows(elapsedMilliseconds) { return limits.maxMilliseconds }
        artifacts += 1
        return nil
    }

    /// Reserves memory for content an analyzer is about to keep (a decoded part, an extracted entry).
    ///
    /// Analyzers charge bytes as they produce children, before the children are visited, so that one archive
    /// cannot pile up extractions beyond ``BudgetLimits/maxTotalBytes``. Returns the limit that refused, or nil.
    public mutating func reserve(_ bytes: Int) -> Limit? {
        if !limits.maxArtifactBytes.allows(bytes) { return limits.maxArtifactBytes }
        if !limits.maxTotalBytes.allows(keptBytes + bytes) { return limits.maxTotalBytes }
        keptBytes += bytes
        return nil
    }

    /// Whether a child of `bytes` fits after the `pending` children an analyzer already holds: the artifact count
    /// allows it and the bytes are reserved (nothing is reserved when it does not fit).
    public mutating func keepChild(bytes: Int, pending: Int) -> Bool {
        hasRoom(forArtifacts: pending) && reserve(bytes) == nil
    }

    /// Whether `pending` more children still fit the artifact count.
    public func hasRoom(forArtifacts pending: Int) -> Bool { limits.maxArtifacts.allows(artifacts + pending + 1) }

    /// Whether the time budget is spent.
    public var isOutOfTime: Bool { !limits.maxMilliseconds.allows(elapsedMilliseconds) }

    /// Records bytes a decompressor produced.
    public mutating func chargeInflated(_ count: Int) {
        inflatedBytes += max(0, count)
    }

    /// Records that `limit` stopped something; returns false if it was reported already.
    mutating func markReported(_ limit: Limit) -> Bool { reported.insert(limit.name).inserted }
}
