import Metrics

/// The milter's metrics, through swift-metrics (the CLI exports them with swift-prometheus).
///
/// `emoguard_milter_messages_total{verdict,action}`, `emoguard_milter_scan_seconds` (histogram),
/// `emoguard_milter_bytes_total`, `emoguard_milter_errors_total{kind}`, `emoguard_milter_fail_open_total`,
/// `emoguard_milter_infected_senders_total`, `emoguard_milter_connections` (current).
public struct MilterMetrics: Sendable {
    public let connections = Meter(label: "emoguard_milter_connections")
    public let bytes = Counter(label: "emoguard_milter_bytes_total")
    public let failOpen = Counter(label: "emoguard_milter_fail_open_total")
    public let infectedSenders = Counter(label: "emoguard_milter_infected_senders_total")
    public let scanDuration = Timer(label: "emoguard_milter_scan_seconds", preferredDisplayUnit: .seconds)

    public init() {}

    public func message(verdict: String, action: String) {
        Counter(label: "emoguard_milter_messages_total", dimensions: [("verdict", verdict), ("action", action)])
            .increment()
    }

    /// `kind`: protocol, scan, timeout, spool, verdict-log.
    public func error(_ kind: String) {
        Counter(label: "emoguard_milter_errors_total", dimensions: [("kind", kind)]).increment()
    }
}
