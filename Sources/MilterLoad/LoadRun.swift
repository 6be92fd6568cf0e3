import Foundation
import Milter

/// The settings of a load run.
struct LoadSettings: Sendable {
    let address: SocketAddress
    let corpus: Corpus
    /// Stop after this many messages, or after `duration` seconds.
    let messages: Int?
    let duration: Double?
    /// Messages per second on an open-loop schedule; 0 sends as fast as the connections allow.
    let rate: Double
    let connections: Int
    /// Messages per milter connection before it is quit and reopened.
    let messagesPerConnection: Int
    /// Seconds to wait for any one reply.
    let timeout: Double
}

/// Hands out message numbers and their due times: message `i` is due at `start + i / rate`, so a filter that
/// falls behind makes later messages late, and their latency counts the wait (no coordinated omission).
final class Schedule: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    let start: UInt64
    let settings: LoadSettings

    init(settings: LoadSettings, start: UInt64) {
        self.settings = settings
        self.start = start
    }

    /// The next message number and when it is due, or `nil` when the run is over.
    func take() -> (index: Int, due: UInt64)? {
        lock.lock()
        let index = next
        next += 1
        lock.unlock()
        if let limit = settings.messages, index >= limit { return nil }
        let now = monotonicNanoseconds()
        if settings.rate > 0 {
            let due = start + UInt64(Double(index) * 1e9 / settings.rate)
            if let duration = settings.duration, due >= start + UInt64(duration * 1e9) { return nil }
            return (index, due)
        }
        if let duration = settings.duration, now >= start + UInt64(duration * 1e9) { return nil }
        return (index, now)
    }
}

/// What one worker (or the whole run) counted.
struct LoadStats: Sendable {
    var messages = 0
    var latenciesMs: [Double] = []
    var replies: [String: Int] = [:]
    var headersAdded = 0
    var errors = 0
    var errorSamples: [String] = []
    var bytesSent = 0

    static let replyKinds = [
        "accept", "continue", "reject", "tempfail", "discard", "quarantine", "replycode_4xx", "replycode_5xx",
    ]

    mutating func record(_ delivery: Delivery, latencyMs: Double) {
        messages += 1
        latenciesMs.append(latencyMs)
        let kind: String
        switch delivery.final {
        case .accept: kind = "accept"
        case .continue: kind = "continue"
        case .reject: kind = "reject"
        case .tempfail: kind = "tempfail"
        case .discard: kind = "discard"
        case .replyCode(let text): kind = text.hasPrefix("4") ? "replycode_4xx" : "replycode_5xx"
        default: kind = "other"
        }
        replies[kind, default: 0] += 1
        for modification in delivery.modifications {
            switch modification {
            case .addHeader, .insertHeader: headersAdded += 1
            case .quarantine: replies["quarantine", default: 0] += 1
            default: break
            }
        }
    }

    mutating func recordError(_ text: String) {
        errors += 1
        if errorSamples.count < 5 { errorSamples.append(text) }
    }

    mutating func merge(_ other: LoadStats) {
        messages += other.messages
        latenciesMs += other.latenciesMs
        replies.merge(other.replies, uniquingKeysWith: +)
        headersAdded += other.headersAdded
        errors += other.errors
        errorSamples += other.errorSamples.prefix(max(0, 5 - errorSamples.count))
        bytesSent += other.bytesSent
    }
}

/// Collects the workers' counts as they finish.
final class StatsSink: @unchecked Sendable {
    private let lock = NSLock()
    private var total = LoadStats()
    private let group = DispatchGroup()

    func enter() { group.enter() }

    func finish(_ stats: LoadStats) {
        lock.lock()
        total.merge(stats)
        lock.unlock()
        group.leave()
    }

    func wait() -> LoadStats {
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return total
    }
}

/// Runs `settings.connections` threads, each with its own milter connection, until the schedule is used up.
func runLoad(_ settings: LoadSettings) -> (stats: LoadStats, seconds: Double) {
    let start = monotonicNanoseconds()
    let schedule = Schedule(settings: settings, start: start)
    let sink = StatsSink()
    for worker in 0..<settings.connections {
        sink.enter()
        let thread = Thread {
            sink.finish(loadWorker(number: worker, schedule: schedule))
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    let stats = sink.wait()
    return (stats, Double(monotonicNanoseconds() - start) / 1e9)
}

/// One connection's loop: take a message number, wait for its due time, deliver it, record the outcome.
private func loadWorker(number: Int, schedule: Schedule) -> LoadStats {
    let settings = schedule.settings
    var stats = LoadStats()
    var connection: MTAConnection?
    var onConnection = 0
    var sessions = 0
    var sessionDecision: MilterResponse?
    while let (index, due) = schedule.take() {
        sleep(untilNanoseconds: due)
        let message = settings.corpus.messages[index % settings.corpus.messages.count]
        do {
            if connection == nil {
                let socket = try StreamSocket(connecting: settings.address, timeout: settings.timeout)
                let fresh = MTAConnection(socket: socket)
                try fresh.negotiate()
                sessionDecision = try fresh.open(client: ClientIdentity(number: number * 1000 + sessions))
                sessions += 1
                connection = fresh
                onConnection = 0
            }
            guard let current = connection else { continue }
            let delivery: Delivery
            if let decided = sessionDecision {
                // The filter decided for the whole SMTP session at connect or HELO: the message gets that answer
                // and the next one a new session.
                delivery = Delivery(final: decided, modifications: [], stage: MilterCommandCode.connect)
                onConnection = settings.messagesPerConnection
            } else {
                delivery = try current.deliver(message, queueID: queueID(index))
                onConnection += 1
            }
            stats.record(delivery, latencyMs: Double(monotonicNanoseconds() - due) / 1e6)
            if onConnection >= settings.messagesPerConnection {
                current.quit()
                stats.bytesSent += current.bytesSent
                connection = nil
            }
        } catch {
            stats.recordError("message \(index) (\(message.name)): \(error)")
            if let broken = connection { stats.bytesSent += broken.bytesSent }
            connection?.socket.close()
            connection = nil
            // Do not spin when nobody listens.
            if case SocketError.refused = error { usleep(10_000) }
        }
    }
    if let last = connection {
        last.quit()
        stats.bytesSent += last.bytesSent
    }
    return stats
}

/// A Postfix-looking queue ID (hex) for message `index`.
private func queueID(_ index: Int) -> String {
    let hex = String(index, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 10 - hex.count)) + hex
}

/// The `q`-quantile of sorted values (nearest rank).
func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func formatNumber(_ value: Double, _ digits: Int = 3) -> String {
    guard value.isFinite else { return "0" }
    return String(format: "%.\(digits)f", value)
}

/// The report as one JSON object, or as text.
func loadReport(_ stats: LoadStats, seconds: Double, settings: LoadSettings, json: Bool) -> String {
    let sorted = stats.latenciesMs.sorted()
    let percentiles: [(String, Double)] = [
        ("p50", quantile(sorted, 0.5)), ("p90", quantile(sorted, 0.9)), ("p99", quantile(sorted, 0.99)),
        ("p999", quantile(sorted, 0.999)), ("max", sorted.last ?? 0),
    ]
    let rate = seconds > 0 ? Double(stats.messages) / seconds : 0
    let kinds = LoadStats.replyKinds + (stats.replies["other"].map { _ in ["other"] } ?? [])
    if json {
        let latency = percentiles.map { "\"\($0.0)\": \(formatNumber($0.1))" }.joined(separator: ", ")
        let replies = kinds.map { "\"\($0)\": \(stats.replies[$0] ?? 0)" }.joined(separator: ", ")
        return """
            {"messages": \(stats.messages), "seconds": \(formatNumber(seconds)), \
            "messages_per_second": \(formatNumber(rate, 1)), "latency_ms": {\(latency)}, \
            "replies": {\(replies)}, "headers_added": \(stats.headersAdded), "errors": \(stats.errors), \
            "connections": \(settings.connections), "rate": \(formatNumber(settings.rate, 1)), \
            "corpus_messages": \(settings.corpus.messages.count), "bytes_sent": \(stats.bytesSent)}
            """
    }
    let target = settings.rate > 0 ? "\(formatNumber(settings.rate, 0)) msg/s scheduled" : "as fast as possible"
    var lines = [
        "messages: \(stats.messages) in \(formatNumber(seconds, 2)) s = \(formatNumber(rate, 1)) msg/s "
            + "(\(settings.connections) connections, \(target), corpus of \(settings.corpus.messages.count))",
        "latency ms: " + percentiles.map { "\($0.0) \(formatNumber($0.1))" }.joined(separator: "  "),
        "replies: " + kinds.map { "\($0) \(stats.replies[$0] ?? 0)" }.joined(separator: ", "),
        "headers added: \(stats.headersAdded)  errors: \(stats.errors)  bytes sent: \(stats.bytesSent)",
    ]
    lines += stats.errorSamples.map { "error: \($0)" }
    return lines.joined(separator: "\n")
}
