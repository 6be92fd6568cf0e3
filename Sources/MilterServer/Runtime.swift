import EmoguardConfig
import Logging
import Milter
import NIOCore
import NIOPosix
import Synchronization

/// What every connection of one server shares: the current policy and scanner (swapped on reload), the scanning
/// threads, the verdict log, metrics and the count of messages being scanned (for graceful shutdown).
public final class MilterRuntime: Sendable {
    /// The parts a reload replaces.
    public struct Snapshot: Sendable {
        public var policy: MilterPolicy
        public var scanner: any MilterScanner
        public init(policy: MilterPolicy, scanner: any MilterScanner) {
            self.policy = policy
            self.scanner = scanner
        }
    }

    private let snapshot: Mutex<Snapshot>
    public let threadPool: NIOThreadPool
    public let verdictLog: VerdictLog?
    public let metrics: MilterMetrics
    public let logger: Logger
    /// Where bodies above `memory_body_bytes` are spooled.
    public let spoolDirectory: String
    /// How often a progress reply is sent while a scan runs (protocol version 6).
    public let progressInterval: TimeAmount
    /// A connection that sends nothing for this long (and has no scan running) is closed: libmilter's default
    /// 7,210 s, so that an MTA keeping a connection between SMTP sessions is not cut, while streams that stopped
    /// half way do not hold descriptors for ever.
    public let idleTimeout: TimeAmount
    private let inFlight = Atomic<Int>(0)

    public init(
        snapshot: Snapshot, threadPool: NIOThreadPool, verdictLog: VerdictLog? = nil,
        metrics: MilterMetrics = MilterMetrics(), logger: Logger = Logger(label: "emoguard.milter"),
        spoolDirectory: String = MilterRuntime.defaultSpoolDirectory, progressInterval: TimeAmount = .seconds(10),
        idleTimeout: TimeAmount = .seconds(7210)
    ) {
        self.idleTimeout = idleTimeout
        self.snapshot = Mutex(snapshot)
        self.threadPool = threadPool
        self.verdictLog = verdictLog
        self.metrics = metrics
        self.logger = logger
        self.spoolDirectory = spoolDirectory
        self.progressInterval = progressInterval
    }

    public static var defaultSpoolDirectory: String {
        let env = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        return env.isEmpty ? "/tmp" : env
    }

    /// The policy and scanner now in force.
    public var current: Snapshot { snapshot.withLock { $0 } }

    /// Replaces the policy and scanner; messages already being scanned finish with the old ones.
    public func reload(_ new: Snapshot) { snapshot.withLock { $0 = new } }

    /// The session limits for a new connection, from the policy's message size settings.
    public func sessionConfiguration() -> MilterSession.Configuration {
        let settings = current.policy.settings
        var limits = MilterLimits.default
        limits.maxBodyBytes.maximum = settings.maxMessageBytes
        limits.memoryBodyBytes.maximum = min(settings.memoryBodyBytes, settings.maxMessageBytes)
        return MilterSession.Configuration(limits: limits)
    }

    /// Messages now being scanned.
    public var messagesInFlight: Int { inFlight.load(ordering: .relaxed) }
    func scanStarted() { inFlight.add(1, ordering: .relaxed) }
    func scanEnded() { inFlight.subtract(1, ordering: .relaxed) }
}

import Foundation
