import Foundation
import Inspection
import Logging
import Milter
import NIOCore

/// One MTA connection: feeds decoded frames to the ``MilterSession`` state machine, spools large bodies, runs the
/// scan of each finished message on the runtime's thread pool (never on the event loop), sends progress replies
/// while it runs, and answers by the policy.
///
/// Never loses mail: a protocol error closes the connection (the MTA applies its own default action, which for
/// Postfix is `milter_default_action`); the filter's own failures (scan error, timeout, spool error) are answered
/// by `on_error` (fail open with a tag, or tempfail). Frames that arrive while a scan runs (an abort, a quit) are
/// held and taken in order after the answer.
public final class MilterConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = MilterFrame
    public typealias OutboundOut = MilterResponse

    /// The most frames held while a scan runs; an MTA waits for the answer, so more means a broken peer.
    public static let maxHeldFrames = 64

    private let runtime: MilterRuntime
    private var session: MilterSession
    private var spool: BodySpool?
    private var spoolError: String?
    private var scan: PendingScan?
    private var held: [MilterFrame] = []
    private var generation = 0
    private var logger: Logger
    private var closed = false

    /// A scan in progress: its timers, and when it started.
    private struct PendingScan {
        var generation: Int
        var started: NIODeadline
        var message: MilterMessage
        var size: Int
        var progress: Scheduled<Void>?
        var timeout: Scheduled<Void>?
    }

    public init(runtime: MilterRuntime) {
        self.runtime = runtime
        self.session = MilterSession(configuration: runtime.sessionConfiguration())
        self.logger = runtime.logger
    }

    public func channelActive(context: ChannelHandlerContext) {
        runtime.metrics.connections.increment()
        logger[metadataKey: "peer"] = "\(context.remoteAddress.map { "\($0)" } ?? "?")"
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        runtime.metrics.connections.decrement()
        closed = true
        if let scan {
            scan.progress?.cancel()
            scan.timeout?.cancel()
            logger.warning("MTA closed the connection while a message was being scanned",
                metadata: ["queue_id": "\(scan.message.queueID ?? "-")"])
        }
        scan = nil
        dropSpool()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if scan != nil {
            guard held.count < Self.maxHeldFrames else {
                fail(context, kind: "protocol", "more than \(Self.maxHeldFrames) frames sent while a scan ran")
                return
            }
            held.append(frame)
            return
        }
        take(frame, context: context)
        context.flush()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            guard scan == nil else { return }  // the MTA waits for our answer: not idle
            fail(context, kind: "idle", "nothing received for \(runtime.idleTimeout.nanoseconds / 1_000_000_000) s")
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, kind: "protocol", "\(error)")
    }

    private func fail(_ context: ChannelHandlerContext, kind: String, _ reason: String) {
        guard !closed else { return }
        runtime.metrics.error(kind)
        logger.warning("closing the MTA connection", metadata: ["reason": "\(reason)"])
        closed = true
        context.close(promise: nil)
    }

    /// Takes one frame through the session and carries out its actions.
    private func take(_ frame: MilterFrame, context: ChannelHandlerContext) {
        guard !closed else { return }
        let actions: [MilterSessionAction]
        do { actions = try session.receive(frame) } catch {
            fail(context, kind: "protocol", "\(error)")
            return
        }
        for action in actions {
            switch action {
            case .reply(let response):
                context.write(wrapOutboundOut(response), promise: nil)
            case .spool(let bytes):
                spoolBody(bytes)
            case .endOfMessage(let message):
                startScan(message, context: context)
            case .close:
                closed = true
                context.flush()
                context.close(promise: nil)
            }
        }
        // An abort, a new connection (`K`) or a new message leaves the spool of the old body behind: the session
        // counts no spooled bytes any more, and neither the file nor a failure to write it belongs to the next.
        if session.spooledBodyByteCount == 0, spool != nil || spoolError != nil {
            dropSpool()
            spoolError = nil
        }
    }

    private func spoolBody(_ bytes: [UInt8]) {
        guard spoolError == nil else { return }
        do {
            if spool == nil { spool = try BodySpool(directory: runtime.spoolDirectory) }
            try spool?.append(bytes)
        } catch {
            spoolError = "\(error)"
            runtime.metrics.error("spool")
            dropSpool()
        }
    }

    private func dropSpool() {
        spool?.discard()
        spool = nil
    }

    /// Decides at once (skip rules, oversize, spool failure) or starts the scan on the thread pool.
    private func startScan(_ message: MilterMessage, context: ChannelHandlerContext) {
        let snapshot = runtime.current
        let policy = snapshot.policy
        let headerBlock = message.headerBlock
        let size = headerBlock.count + message.bodyByteCount
        generation += 1
        logger[metadataKey: "queue_id"] = "\(message.queueID ?? "-")"
        var pending = PendingScan(generation: generation, started: .now(), message: message, size: size)
        scan = pending
        let spoolFailure = spoolError
        spoolError = nil

        if let reason = policy.skipReason(for: message) {
            dropSpool()
            finish(.skipped(reason: reason), context: context)
            return
        }
        if policy.isOversize(size) || message.headersTruncated {
            dropSpool()
            finish(.oversize(bytes: size), context: context)
            return
        }
        if let spoolFailure {
            dropSpool()
            finish(.failed(reason: spoolFailure), context: context)
            return
        }

        runtime.scanStarted()
        let spool = self.spool
        self.spool = nil
        let scanner = snapshot.scanner
        let body = message.body
        let queueID = message.queueID
        let future = runtime.threadPool.runIfActive(eventLoop: context.eventLoop) { () throws -> MilterScanOutcome in
            defer { spool?.discard() }
            var bytes = headerBlock
            if let spool { try spool.readAll(into: &bytes) }
            bytes.append(contentsOf: body)
            return scanner.scanMessage(bytes, queueID: queueID)
        }
        let loop = context.eventLoop.assumeIsolated()
        let generation = self.generation
        if session.version >= 6 { pending.progress = scheduleProgress(context: context, generation: generation) }
        let seconds = policy.settings.scanTimeout
        pending.timeout = loop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [weak self] in
            guard let self, self.scan?.generation == generation else { return }
            self.runtime.metrics.error("timeout")
            self.finish(.failed(reason: "scan timed out after \(seconds) s"), context: context)
        }
        scan = pending
        future.assumeIsolated().whenComplete { [weak self] result in
            self?.runtime.scanEnded()
            guard let self, self.scan?.generation == generation else { return }
            switch result {
            case .success(let outcome):
                self.finish(outcome, context: context)
            case .failure(let error):
                self.runtime.metrics.error("scan")
                self.finish(.failed(reason: "\(error)"), context: context)
            }
        }
    }

    /// A progress reply after each `progressInterval` while the scan of `generation` runs, so that the MTA's
    /// timeout does not expire on a long scan.
    private func scheduleProgress(context: ChannelHandlerContext, generation: Int) -> Scheduled<Void> {
        context.eventLoop.assumeIsolated().scheduleTask(in: runtime.progressInterval) { [weak self] in
            guard let self, self.scan?.generation == generation, !self.closed else { return }
            context.writeAndFlush(self.wrapOutboundOut(.progress), promise: nil)
            self.scan?.progress = self.scheduleProgress(context: context, generation: generation)
        }
    }

    /// Answers the message being scanned by the policy, logs it, then takes the frames held meanwhile.
    private func finish(_ outcome: MilterScanOutcome, context: ChannelHandlerContext) {
        guard let pending = scan else { return }
        pending.progress?.cancel()
        pending.timeout?.cancel()
        scan = nil
        let message = pending.message
        let policy = runtime.current.policy
        var decision = policy.decide(outcome, for: message)
        decision.responses = decision.responses.filter { session.permits($0) }
        // Logged before the answer goes out, so that whoever sees the answer finds the log line.
        record(decision, message: message, size: pending.size, started: pending.started)
        if !closed {
            for response in decision.responses { context.write(wrapOutboundOut(response), promise: nil) }
            context.flush()
        }
        logger[metadataKey: "queue_id"] = nil

        let frames = held
        held = []
        for frame in frames {
            if scan != nil {
                held.append(frame)
                continue
            }
            take(frame, context: context)
        }
        if !frames.isEmpty { context.flush() }
    }

    /// Metrics, the log line, the verdict log and the infected-sender event.
    private func record(_ decision: MilterDecision, message: MilterMessage, size: Int, started: NIODeadline) {
        let elapsed = NIODeadline.now() - started
        let metrics = runtime.metrics
        let verdict = decision.outcome.label
        metrics.message(verdict: verdict, action: decision.action.rawValue)
        metrics.bytes.increment(by: size)
        metrics.scanDuration.recordNanoseconds(elapsed.nanoseconds)
        var score: Double?
        var findings: [String] = []
        var error: String?
        switch decision.outcome {
        case .scanned(_, let s, let ids):
            score = s
            findings = ids
        case .failed(let reason):
            error = reason
            if decision.action == .accept { metrics.failOpen.increment() }
        case .oversize, .skipped: break
        }
        var metadata: Logger.Metadata = [
            "queue_id": "\(message.queueID ?? "-")", "verdict": "\(verdict)", "action": "\(decision.action.rawValue)",
            "size": "\(size)", "ms": "\(elapsed.nanoseconds / 1_000_000)",
        ]
        if let score { metadata["score"] = "\(MilterPolicy.format(score))" }
        if let error { metadata["error"] = "\(error)" }
        if !findings.isEmpty { metadata["findings"] = "\(findings.prefix(8).joined(separator: ","))" }
        if verdict == "malicious" || error != nil {
            logger.warning("message", metadata: metadata)
        } else {
            logger.info("message", metadata: metadata)
        }
        if let event = decision.infectedSender {
            metrics.infectedSenders.increment()
            logger.error(
                "internal sender likely infected: malicious mail sent from the organisation",
                metadata: [
                    "queue_id": "\(message.queueID ?? "-")", "client_addr": "\(event.clientAddress ?? "-")",
                    "sasl_user": "\(event.saslUser ?? "-")", "sender": "\(event.sender ?? "-")",
                    "reasons": "\(event.reasons.joined(separator: ","))",
                ])
        }
        guard let log = runtime.verdictLog else { return }
        let messageID = message.headers.first { $0.name.lowercased() == "message-id" }
            .map { MilterPolicy.headerSafe(String(decoding: $0.value, as: UTF8.self), max: 200) }
        let record = VerdictRecord(
            time: Date().formatted(.iso8601), queueID: message.queueID, messageID: messageID,
            clientAddress: message.clientAddress, saslUser: message.authenticatedUser, sender: message.sender?.first,
            recipients: message.recipients.compactMap(\.first), size: size, verdict: verdict, score: score,
            findings: findings, action: decision.action.rawValue, error: error,
            durationMilliseconds: Double(elapsed.nanoseconds / 1000) / 1000, infectedSender: decision.infectedSender)
        do { try log.write(record) } catch {
            metrics.error("verdict-log")
            logger.error("cannot write the verdict log", metadata: ["error": "\(error)"])
        }
    }
}

