import EmoguardConfig
import Foundation
import Inspection
import Logging
import Milter
import MilterServer
import NIOCore
import NIOEmbedded
import NIOPosix
import Synchronization

/// A scanner that answers a fixed outcome, records what it was given and can be held until released.
final class FakeScanner: MilterScanner {
    let outcome: MilterScanOutcome
    let seen = Mutex<[[UInt8]]>([])
    private let gate: DispatchSemaphore?

    init(_ outcome: MilterScanOutcome = .scanned(verdict: .clean, score: 0, findingIDs: []), held: Bool = false) {
        self.outcome = outcome
        self.gate = held ? DispatchSemaphore(value: 0) : nil
    }

    func scanMessage(_ bytes: [UInt8], queueID: String?) -> MilterScanOutcome {
        seen.withLock { $0.append(bytes) }
        gate?.wait()
        return outcome
    }

    func release() { gate?.signal() }
    var calls: Int { seen.withLock { $0.count } }
}

/// Plays the MTA against a ``MilterConnectionHandler`` on an `NIOAsyncTestingChannel` (the thread-safe
/// EmbeddedChannel: scans complete on a pool thread), with the real frame decoder and response encoder.
final class TestMTA {
    let channel: NIOAsyncTestingChannel
    let runtime: MilterRuntime
    let pool: NIOThreadPool
    let logFile: String?

    /// Postfix 3.7 offers every action and every protocol flag.
    static let postfixActions = MilterActions(rawValue: 0x1FF)
    static let postfixFlags = MilterProtocolFlags(rawValue: 0x1F_FFFF)

    init(
        scanner: any MilterScanner, settings: EmoguardConfiguration.MilterActions = .init(), ownDomains: [String] = [],
        verdictLog: Bool = false, idleTimeout: TimeAmount? = nil
    ) async throws {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        var log: VerdictLog?
        if verdictLog {
            let path = NSTemporaryDirectory() + "emoguard-verdicts-\(UUID().uuidString).jsonl"
            log = try VerdictLog(path: path)
            logFile = path
        } else {
            logFile = nil
        }
        runtime = MilterRuntime(
            snapshot: .init(policy: MilterPolicy(settings: settings, ownDomains: ownDomains), scanner: scanner),
            threadPool: pool, verdictLog: log, logger: Logger(label: "test"), progressInterval: .seconds(10),
            idleTimeout: idleTimeout ?? .seconds(7210))
        channel = NIOAsyncTestingChannel()
        let runtime = self.runtime
        try await channel.pipeline.addHandlers([
            IdleStateHandler(readTimeout: runtime.idleTimeout), ByteToMessageHandler(MilterFrameByteDecoder()), MessageToByteHandler(MilterResponseEncoder()),
            MilterConnectionHandler(runtime: runtime),
        ])
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
    }

    func shutdown() async throws {
        _ = try? await channel.finish(acceptAlreadyClosed: true)
        try await pool.shutdownGracefully()
        if let logFile { try? FileManager.default.removeItem(atPath: logFile) }
    }

    func send(_ command: MilterCommand) async throws {
        try await sendRaw(command.bytes)
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try await channel.writeInbound(buffer)
    }

    /// The responses written so far, decoded.
    func replies() async throws -> [MilterResponse] {
        var out: [MilterResponse] = []
        while let buffer = try await channel.readOutbound(as: ByteBuffer.self) {
            out += try decode(buffer)
        }
        return out
    }

    /// Waits for responses until a final one (accept, continue, reject, tempfail, discard, reply code).
    func finalReplies() async throws -> [MilterResponse] {
        var out: [MilterResponse] = []
        while !(out.last?.isFinal ?? false) {
            let buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
            out += try decode(buffer)
        }
        return out
    }

    private func decode(_ buffer: ByteBuffer) throws -> [MilterResponse] {
        var decoder = MilterFrameDecoder()
        decoder.feed(Array(buffer.readableBytesView))
        var out: [MilterResponse] = []
        while let frame = try decoder.next() { out.append(try MilterResponse(parsing: frame)) }
        return out
    }

    /// Negotiation, connect (with `{client_addr}`), HELO, MAIL, RCPT; returns the negotiation reply.
    @discardableResult
    func open(
        actions: MilterActions = TestMTA.postfixActions, clientAddress: String = "198.51.100.7",
        authUser: String? = nil, sender: String = "<a@example.invalid>"
    ) async throws -> MilterResponse? {
        try await send(.optionNegotiation(version: 6, actions: actions, protocolFlags: TestMTA.postfixFlags))
        let negotiation = try await replies().first
        try await send(.macros(stage: MilterCommandCode.connect, [MilterMacro(name: "{client_addr}", value: clientAddress)]))
        try await send(.connect(hostname: "client.example.invalid", family: .inet, port: 40000, address: clientAddress))
        try await send(.helo("client.example.invalid"))
        if let authUser {
            try await send(.macros(stage: MilterCommandCode.mail, [MilterMacro(name: "{auth_authen}", value: authUser)]))
        }
        try await send(.mail([sender]))
        try await send(.recipient(["<b@example.invalid>"]))
        _ = try await replies()
        return negotiation
    }

    /// DATA, the headers, end of headers, the body in 64 KiB chunks, the queue ID macro and the end of body;
    /// returns the answer to the end of body.
    func message(
        headers: [(String, String)] = [("From", "a@example.invalid"), ("Subject", "hello")],
        body: [UInt8] = Array("Hello\r\n".utf8), queueID: String = "4ABC123"
    ) async throws -> [MilterResponse] {
        try await send(.data)
        for (name, value) in headers { try await send(.header(name: name, value: Array(value.utf8))) }
        try await send(.endOfHeaders)
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + 65_535)
            try await send(.body(Array(body[offset..<end])))
            offset = end
        }
        _ = try await replies()
        try await send(.macros(stage: MilterCommandCode.endOfBody, [MilterMacro(name: "i", value: queueID)]))
        try await send(.endOfBody([]))
        return try await finalReplies()
    }
}

extension MilterResponse {
    var headerAdded: (String, String)? {
        if case .addHeader(let name, let value) = self { return (name, value) }
        return nil
    }
}

extension Array where Element == MilterResponse {
    func header(_ name: String) -> String? { compactMap(\.headerAdded).first { $0.0 == name }?.1 }
}
