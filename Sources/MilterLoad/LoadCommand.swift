import ArgumentParser
import Foundation
import Milter

/// `emoguard-milter-load`: plays the MTA against a milter, to measure it (throughput, latency) or to fuzz it.
@main
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emoguard-milter-load",
        abstract: "Milter load generator and fuzzing client: plays Postfix against a milter.",
        discussion: """
            Load: each connection negotiates like Postfix 3.7 (version 6, every action and protocol flag), sends \
            connect and HELO with macros, then messages from the corpus round robin (MAIL, RCPT, DATA, headers, \
            body in 65,535-byte chunks, end of body) and waits for the final reply. With --rate, message i is due \
            at start + i/rate and its latency counts from then, so a slow filter cannot hide its backlog.
            Exit status 1 when a message got no final reply or the filter broke the protocol.

            Fuzz (--fuzz SECONDS): --connections threads send malformed streams from a seeded generator while a \
            control thread sends valid messages on fresh connections, each of which must be answered within 5 s. \
            Exit status 1 when a control message failed or the filter stopped accepting connections.
            """
    )

    @Option(help: "The filter's address: inet:PORT@HOST, inet6:PORT@HOST or unix:PATH.")
    var connect: String

    @Option(help: "A directory of .eml files (read recursively, loaded once); a small built-in message otherwise.")
    var corpus: String?

    @Option(help: "Send this many messages (default 1000 unless --duration is given).")
    var messages: Int?

    @Option(help: "Send messages for this many seconds.")
    var duration: Double?

    @Option(help: "Messages per second on an open-loop schedule; 0 = as fast as possible.")
    var rate: Double = 0

    @Option(help: "Parallel milter connections (threads); in fuzz mode, fuzzing threads.")
    var connections: Int = 8

    @Option(name: .customLong("per-connection"), help: "Messages per milter connection before it is reopened.")
    var perConnection: Int = 10

    @Option(help: "Seconds to wait for any one reply.")
    var timeout: Double = 30

    @Option(help: "Fuzz for this many seconds instead of measuring.")
    var fuzz: Double?

    @Option(help: "The fuzz generator's seed.")
    var seed: UInt64 = 1

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(help: "Fuzz mode: print every stream (case, outcome, milliseconds) to standard error.")
    var verbose = false

    func validate() throws {
        guard Endpoint(parsing: connect) != nil else {
            throw ValidationError("--connect must be inet:PORT@HOST, inet6:PORT@HOST or unix:PATH")
        }
        if messages != nil && duration != nil { throw ValidationError("give --messages or --duration, not both") }
        if let messages, messages < 1 { throw ValidationError("--messages must be at least 1") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
        if let fuzz, !(fuzz > 0) { throw ValidationError("--fuzz must be positive") }
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must be 0 or positive") }
        guard (1...4096).contains(connections) else { throw ValidationError("--connections must be 1...4096") }
        guard perConnection >= 1 else { throw ValidationError("--per-connection must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let address: SocketAddress
        let loaded: Corpus
        do {
            guard let endpoint = Endpoint(parsing: connect) else { throw LoadError("bad --connect") }
            address = try endpoint.resolve()
            loaded = try corpus.map { try Corpus(directory: $0) } ?? Corpus(messages: [CorpusMessage.builtIn])
        } catch {
            FileHandle.standardError.write(Data("emoguard-milter-load: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if let fuzz {
            let settings = FuzzSettings(
                address: address, corpus: loaded, seconds: fuzz, seed: seed, threads: connections,
                verbose: verbose
            )
            let (stats, seconds) = runFuzz(settings)
            print(fuzzReport(stats, seconds: seconds, settings: settings, json: json))
            if stats.controlFailed > 0 || stats.controlOK == 0 { throw ExitCode(1) }
            return
        }
        let settings = LoadSettings(
            address: address, corpus: loaded, messages: duration == nil ? (messages ?? 1000) : nil,
            duration: duration, rate: rate, connections: connections, messagesPerConnection: perConnection,
            timeout: timeout
        )
        let (stats, seconds) = runLoad(settings)
        print(loadReport(stats, seconds: seconds, settings: settings, json: json))
        if json { for sample in stats.errorSamples { FileHandle.standardError.write(Data("error: \(sample)\n".utf8)) } }
        if stats.errors > 0 { throw ExitCode(1) }
    }
}
