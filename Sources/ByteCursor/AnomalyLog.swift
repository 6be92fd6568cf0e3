/// An anomaly a ``CappedAnomalyLog`` can collect: made from a code, where it was found, and what was found.
public protocol CappedAnomaly: Sendable {
    /// The kind of anomaly; the log counts each code separately.
    associatedtype Code: Hashable, Sendable

    init(_ code: Code, offset: Int?, detail: String)
}

/// Collects a parser's anomalies, at most `limit` of each code.
///
/// The first anomaly of a code past the cap is replaced by the entry `overflow` makes (a module's
/// "too-many-anomalies", saying that the rest were dropped); later ones are only counted. The cap is per code, so
/// that a flood of one kind cannot hide another.
public struct CappedAnomalyLog<Anomaly: CappedAnomaly>: Sendable {
    /// What was recorded, in order.
    public private(set) var items: [Anomaly] = []
    private var counts: [Anomaly.Code: Int] = [:]
    /// How many anomalies of one code are kept.
    public let limit: Int
    /// When false, `record` does nothing (for passes that repeat checks whose anomalies are already known).
    public let enabled: Bool
    private let overflow: @Sendable (_ code: Anomaly.Code, _ offset: Int?) -> Anomaly

    /// - Parameter overflow: the entry that stands for the anomalies of `code` past `limit`, given the code and the
    ///   offset of the first one dropped.
    public init(
        limit: Int, enabled: Bool = true, overflow: @escaping @Sendable (_ code: Anomaly.Code, _ offset: Int?) -> Anomaly
    ) {
        self.limit = limit
        self.enabled = enabled
        self.overflow = overflow
    }

    /// Records an anomaly, unless `limit` of its code were recorded already.
    public mutating func record(_ code: Anomaly.Code, offset: Int? = nil, _ detail: @autoclosure () -> String) {
        guard enabled else { return }
        let n = counts[code, default: 0]
        counts[code] = n + 1
        if n < limit {
            items.append(Anomaly(code, offset: offset, detail: detail()))
        } else if n == limit {
            items.append(overflow(code, offset))
        }
    }

    /// Whether an anomaly of `code` was recorded (or dropped past the cap).
    public func contains(_ code: Anomaly.Code) -> Bool { counts[code, default: 0] > 0 }
}
