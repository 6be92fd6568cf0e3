import ArgumentParser
import EmoguardConfig
import Foundation
import Inspection
import Logging
import Metrics
import MilterServer
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

struct MilterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "milter",
        abstract: "Run the engine inline in Postfix or Sendmail (milter protocol 6).",
        discussion: """
            Postfix: smtpd_milters = inet:127.0.0.1:8890 (with --listen inet:8890@127.0.0.1), \
            milter_default_action = tempfail or accept. What happens to each verdict is set in the configuration \
            file's milter section (docs/configuration.md). SIGTERM or SIGINT: graceful shutdown (the messages being \
            scanned get their answers first). SIGHUP: reload the configuration and the intel store.
            """)

    @Option(help: ArgumentHelp("Listen address: inet:PORT@HOST, inet6:PORT@HOST or unix:PATH.", valueName: "address"))
    var listen: String

    @Option(help: ArgumentHelp("Serve Prometheus metrics at GET /metrics on this address (inet:PORT@HOST).", valueName: "address"))
    var metrics: String?

    @Option(help: ArgumentHelp("Append one JSON line per message to this file (rotated by size).", valueName: "file"))
    var verdictLog: String?

    @Option(help: "Rotate the verdict log when it passes this many bytes.")
    var verdictLogMaxBytes = 64 << 20

    @Option(help: "Rotated verdict logs kept (file.1 ... file.N).")
    var verdictLogKeep = 5

    @Option(help: "Scanning threads (default: one per core).")
    var workers: Int?

    @Option(help: ArgumentHelp("Folder for bodies above memory_body_bytes (default $TMPDIR or /tmp).", valueName: "dir"))
    var spoolDir: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        _ = try parsedAddress(listen, "--listen")
        if let metrics, case .unix = try parsedAddress(metrics, "--metrics") {
            throw ValidationError("--metrics: use inet:PORT@HOST")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level: unknown level '\(logLevel)'") }
        if verdictLogMaxBytes < 4096 { throw ValidationError("--verdict-log-max-bytes must be at least 4096") }
        if verdictLogKeep < 1 { throw ValidationError("--verdict-log-keep must be at least 1") }
    }

    func parsedAddress(_ text: String, _ option: String) throws -> MilterListenAddress {
        do { return try MilterListenAddress(parsing: text) } catch { throw ValidationError("\(option): \(error)") }
    }

    /// The policy and engine of the configuration now on disk.
    func snapshot() throws -> MilterRuntime.Snapshot {
        let configuration = try engine.configuration()
        var limits = BudgetLimits.default
        limits.maxMilliseconds.maximum = max(1, Int(configuration.milter.scanTimeout * 1000))
        let withIntel = engine.intelPath(configuration) != nil
        let inspector = try engine.inspector(
            limits: limits, passwords: [], digests: withIntel ? Set(DigestKind.allCases) : [.sha256])
        return MilterRuntime.Snapshot(policy: MilterPolicy(configuration: configuration), scanner: inspector)
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "emoguard.milter")
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
            .seconds(30),
        ]
        MetricsSystem.bootstrap(factory)

        let address = try parsedAddress(listen, "--listen")
        let snapshot = try snapshot()
        let log: VerdictLog?
        do {
            log = try verdictLog.map { try VerdictLog(path: $0, maxBytes: verdictLogMaxBytes, keep: verdictLogKeep) }
        } catch {
            FileHandle.standardError.write(Data("emoguard: \(error)\n".utf8))
            throw ExitCode(ExitStatus.error)
        }
        let pool = NIOThreadPool(numberOfThreads: workers ?? ScanPipeline.defaultWorkers)
        pool.start()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let runtime = MilterRuntime(
            snapshot: snapshot, threadPool: pool, verdictLog: log, logger: logger,
            spoolDirectory: spoolDir ?? MilterRuntime.defaultSpoolDirectory)

        var server = MilterServer(address: address, runtime: runtime, group: group)
        server.onListening = { bound in
            FileHandle.standardError.write(Data("emoguard milter: listening on \(bound)\n".utf8))
        }
        var services: [any Service] = [server]
        if let metrics, case .inet(let host, let port) = try parsedAddress(metrics, "--metrics") {
            services.append(MetricsEndpoint(host: host, port: port, registry: registry, group: group, logger: logger))
        }

        // SIGHUP: read the configuration and the intel store again; a file that does not validate keeps the old.
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        let reload = self
        hangup.setEventHandler {
            do {
                runtime.reload(try reload.snapshot())
                logger.notice("configuration reloaded")
            } catch {
                logger.error("reload failed; the previous configuration stays", metadata: ["error": "\(error)"])
            }
        }
        hangup.resume()

        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await serviceGroup.run()
        } catch {
            logger.error("milter stopped", metadata: ["error": "\(error)"])
            hangup.cancel()
            try? await group.shutdownGracefully()
            try? await pool.shutdownGracefully()
            throw ExitCode(ExitStatus.error)
        }
        hangup.cancel()
        log?.close()
        try? await group.shutdownGracefully()
        try? await pool.shutdownGracefully()
    }
}

/// Prometheus text at `GET /metrics` (NIOHTTP1), a `Service` beside the milter.
struct MetricsEndpoint: Service {
    let host: String
    let port: Int
    let registry: PrometheusCollectorRegistry
    let group: any EventLoopGroup
    let logger: Logger

    func run() async throws {
        let registry = self.registry
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(registry: registry))
                }
            }
            .bind(host: host, port: port).get()
        logger.notice("metrics", metadata: ["address": "http://\(host):\(channel.localAddress?.port ?? port)/metrics"])
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let registry: PrometheusCollectorRegistry
    var path = ""

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.method == .GET ? head.uri : ""
        case .body:
            break
        case .end:
            let found = path == "/metrics" || path.hasPrefix("/metrics?")
            var body = context.channel.allocator.buffer(capacity: 4096)
            if found { body.writeBytes(registry.emitToBuffer()) } else { body.writeString("not found\n") }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4" : "text/plain")
            headers.add(name: "Content-Length", value: "\(body.readableBytes)")
            let head = HTTPResponseHead(version: .http1_1, status: found ? .ok : .notFound, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
