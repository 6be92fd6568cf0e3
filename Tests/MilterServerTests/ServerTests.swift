import Foundation
import Inspection
import Logging
import Milter
import MilterServer
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

/// The server on a real loopback socket with the real engine: the bundled examples get their verdicts, and a
/// graceful shutdown answers the message being scanned before it closes the connection.
@Suite struct MilterServerSocketTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples")

    /// A message file as an MTA hands it over: unfolded headers, and the body with CRLF line ends.
    static func split(_ bytes: [UInt8]) -> (headers: [(String, [UInt8])], body: [UInt8]) {
        let text = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? Array(line.dropLast()) : Array(line)
        }
        var headers: [(String, [UInt8])] = []
        var index = 0
        while index < text.count, !text[index].isEmpty {
            let line = text[index]
            if line.first == 0x20 || line.first == 0x09, !headers.isEmpty {
                headers[headers.count - 1].1 += [0x0D, 0x0A] + line
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                var value = Array(line[(colon + 1)...])
                if value.first == 0x20 { value.removeFirst() }
                headers.append((String(decoding: line[..<colon], as: UTF8.self), value))
            }
            index += 1
        }
        var body: [UInt8] = []
        for line in text.dropFirst(index + 1) { body += line + [0x0D, 0x0A] }
        return (headers, body)
    }

    /// A blocking-free MTA on NIO: sends commands and collects replies until a final one.
    final class Client: Sendable {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        init(port: Int, group: any EventLoopGroup) async throws {
            channel = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        }

        func conversation(
            headers: [(String, [UInt8])], body: [UInt8], afterBody: (@Sendable () async -> Void)? = nil
        ) async throws -> [MilterResponse] {
            try await channel.executeThenClose { inbound, outbound in
                var commands: [MilterCommand] = [
                    .optionNegotiation(version: 6, actions: MilterActions(rawValue: 0x1FF), protocolFlags: MilterProtocolFlags(rawValue: 0x1F_FFFF)),
                    .connect(hostname: "client.example.invalid", family: .inet, port: 4000, address: "198.51.100.20"),
                    .helo("client.example.invalid"), .mail(["<sender@example.invalid>"]),
                    .recipient(["<user@example.test>"]), .data,
                ]
                commands += headers.map { .header(name: $0.0, value: $0.1) }
                commands.append(.endOfHeaders)
                var offset = 0
                while offset < body.count {
                    commands.append(.body(Array(body[offset..<min(body.count, offset + 65_535)])))
                    offset += 65_535
                }
                commands.append(.endOfBody([]))
                var bytes: [UInt8] = []
                for command in commands { bytes += command.bytes }
                try await outbound.write(ByteBuffer(bytes: bytes))
                if let afterBody { await afterBody() }
                var decoder = MilterFrameDecoder()
                var replies: [MilterResponse] = []
                // The negotiation reply and the answers to the commands the negotiated flags leave answered come
                // before the end of the body's.
                var answersBeforeEnd: Int?
                for try await buffer in inbound {
                    decoder.feed(Array(buffer.readableBytesView))
                    while let frame = try decoder.next() {
                        let response = try MilterResponse(parsing: frame)
                        if answersBeforeEnd == nil, case .optionNegotiation(_, _, let flags, _) = response {
                            answersBeforeEnd = 1 + commands.dropFirst().dropLast().filter { flags.expectsReply(to: $0) }.count
                        }
                        replies.append(response)
                    }
                    if let last = replies.last, last.isFinal, let answersBeforeEnd, replies.count > answersBeforeEnd { break }
                }
                try await outbound.write(ByteBuffer(bytes: MilterCommand.quit.bytes))
                return replies
            }
        }
    }

    /// Runs a server with `scanner` in a service group until `body` returns.
    static func withServer(
        scanner: any MilterScanner, idleTimeout: TimeAmount = .seconds(7210), _ body: @Sendable (Int, any EventLoopGroup, ServiceGroup) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let runtime = MilterRuntime(
            snapshot: .init(policy: MilterPolicy(), scanner: scanner), threadPool: pool, logger: Logger(label: "test"),
            idleTimeout: idleTimeout)
        var server = MilterServer(address: .inet(host: "127.0.0.1", port: 0), runtime: runtime, group: group)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        server.onListening = { address in
            if case .inet(_, let port) = address { continuation.yield(port) }
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [.init(service: server)], logger: Logger(label: "test")))
        // The threads are shut down whatever the body does: a test that fails must not leave a pool or an event
        // loop running, or the test process cannot exit.
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await serviceGroup.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                do { try await body(port, group, serviceGroup) } catch {
                    await serviceGroup.triggerGracefulShutdown()
                    throw error
                }
                await serviceGroup.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        } catch {
            try? await pool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
        try await group.shutdownGracefully()
    }

    @Test func emotetStyleExampleIsRejectedAndTheOrdinaryOneIsNot() async throws {
        let inspector = Inspector(digests: [.sha256])
        try await Self.withServer(scanner: inspector) { port, group, _ in
            let lure = Self.split(Array(try Data(contentsOf: Self.examples.appendingPathComponent("emotet-style-reply.eml"))))
            let replies = try await Client(port: port, group: group).conversation(headers: lure.headers, body: lure.body)
            #expect(replies.last == .replyCode("550 5.7.1 Message rejected as Emotet-style malspam"))

            let plain = Self.split(Array(try Data(contentsOf: Self.examples.appendingPathComponent("ordinary-ppap.eml"))))
            let answer = try await Client(port: port, group: group).conversation(headers: plain.headers, body: plain.body)
            #expect(answer.last == .continue)
            let verdict = answer.compactMap { r -> String? in
                if case .addHeader("X-Emoguard-Verdict", let v) = r { return v }
                return nil
            }.first
            #expect(verdict != nil && verdict != "malicious")
        }
    }

    @Test func gracefulShutdownAnswersTheMessageBeingScanned() async throws {
        let scanner = FakeScanner(held: true)
        try await Self.withServer(scanner: scanner) { port, group, serviceGroup in
            let client = try await Client(port: port, group: group)
            let replies = try await client.conversation(headers: [("Subject", Array("hi".utf8))], body: Array("x\r\n".utf8)) {
                // The end of body is on its way: wait until the scan runs, ask for shutdown, then let it finish.
                while scanner.calls == 0 { try? await Task.sleep(for: .milliseconds(5)) }
                await serviceGroup.triggerGracefulShutdown()
                try? await Task.sleep(for: .milliseconds(100))
                scanner.release()
            }
            #expect(replies.last == .continue)
            #expect(replies.contains(.addHeader(name: "X-Emoguard-Verdict", value: "clean")))
        }
    }

    @Test func idleConnectionIsClosedByTheServer() async throws {
        try await Self.withServer(scanner: FakeScanner(), idleTimeout: .milliseconds(300)) { port, group, _ in
            let client = try await Client(port: port, group: group)
            // The client sends nothing: the server closes the idle connection and the stream ends (the test would
            // hang here otherwise). Nothing is written, so a slow machine cannot race a write against the close
            // (a fresh-clone CI run under load failed with "I/O on closed channel" that way).
            try await client.channel.executeThenClose { inbound, _ in
                var received = 0
                for try await buffer in inbound { received += buffer.readableBytes }
                #expect(received == 0)
            }
        }
    }
}
