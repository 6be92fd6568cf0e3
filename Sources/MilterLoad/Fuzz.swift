import Foundation
import Milter

/// SplitMix64 (Steele, Lea and Flood): a tiny seeded generator, so a fuzz run can be repeated with `--seed`.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count { withUnsafeBytes(of: next()) { out.append(contentsOf: $0) } }
        return Array(out.prefix(count))
    }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

    mutating func pick<T>(_ choices: [T]) -> T? { choices.randomElement(using: &self) }
}

/// The kinds of bad stream the fuzzing client sends.
enum FuzzCase: String, CaseIterable, Sendable {
    case oversizedLength = "oversized-length"
    case zeroLength = "zero-length"
    case truncatedFrame = "truncated-frame"
    case unknownCommand = "unknown-command"
    case wrongOrder = "wrong-order"
    case randomBytes = "random-bytes"
    case hugeMacros = "huge-macros"
    case halfBody = "half-body"
    case abruptReset = "abrupt-reset"
    case badNegotiation = "bad-negotiation"
    case garbledFields = "garbled-fields"
    case oversizedMessage = "oversized-message"
}

/// How the filter took a stream.
enum FuzzOutcome: String, CaseIterable, Sendable {
    /// The filter closed the connection (end of stream), with or without replies first.
    case closed
    /// The connection was reset, or broke while the stream was being sent.
    case reset
    /// Nothing more came within the wait and the connection stayed open (the filter waits for more bytes).
    case stillOpen = "still-open"
    /// The client closed or reset on purpose mid-stream (truncated frames, half-sent bodies, resets).
    case clientClosed = "client-closed"
    /// A valid message inside the stream got its final reply.
    case completed
    /// The connection was refused or timed out.
    case refused
}

/// The fuzzing run's counts.
struct FuzzStats: Sendable {
    var outcomes: [FuzzCase: [FuzzOutcome: Int]] = [:]
    /// Streams after which the filter had sent at least one well-formed reply frame.
    var replied = 0
    /// Reply bytes that were not well-formed responses (a filter bug).
    var badReplies = 0
    var badReplySamples: [String] = []
    var controlOK = 0
    var controlFailed = 0
    var controlMaxMs = 0.0
    var controlFailures: [String] = []

    var streams: Int { outcomes.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    func count(_ outcome: FuzzOutcome) -> Int { outcomes.values.reduce(0) { $0 + ($1[outcome] ?? 0) } }

    mutating func merge(_ other: FuzzStats) {
        for (fuzzCase, counts) in other.outcomes { outcomes[fuzzCase, default: [:]].merge(counts, uniquingKeysWith: +) }
        replied += other.replied
        badReplies += other.badReplies
        badReplySamples += other.badReplySamples.prefix(max(0, 5 - badReplySamples.count))
        controlOK += other.controlOK
        controlFailed += other.controlFailed
        controlMaxMs = max(controlMaxMs, other.controlMaxMs)
        controlFailures += other.controlFailures.prefix(max(0, 5 - controlFailures.count))
    }
}

/// Collects the threads' counts.
final class FuzzSink: @unchecked Sendable {
    private let lock = NSLock()
    private var total = FuzzStats()
    private let group = DispatchGroup()

    func enter() { group.enter() }

    func finish(_ stats: FuzzStats) {
        lock.lock()
        total.merge(stats)
        lock.unlock()
        group.leave()
    }

    func wait() -> FuzzStats {
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return total
    }
}

struct FuzzSettings: Sendable {
    let address: SocketAddress
    let corpus: Corpus
    let seconds: Double
    let seed: UInt64
    let threads: Int
    /// Print every stream (case, outcome, milliseconds) to standard error.
    let verbose: Bool
    /// How long a control message may take, end to end.
    let controlDeadline: Double = 5
    /// How long to watch a fuzz stream's connection for the filter's reaction.
    let observeSeconds: Double = 1
}

/// Runs `threads` fuzzing threads and one control thread for `seconds`, then checks the filter once more.
func runFuzz(_ settings: FuzzSettings) -> (stats: FuzzStats, seconds: Double) {
    let start = monotonicNanoseconds()
    let deadline = start + UInt64(settings.seconds * 1e9)
    let sink = FuzzSink()
    for index in 0..<settings.threads {
        sink.enter()
        let thread = Thread {
            var generator = SplitMix64(seed: settings.seed &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
            var stats = FuzzStats()
            while monotonicNanoseconds() < deadline { fuzzStream(settings, generator: &generator, stats: &stats) }
            sink.finish(stats)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    sink.enter()
    let control = Thread {
        var stats = FuzzStats()
        var index = 0
        while monotonicNanoseconds() < deadline {
            controlMessage(settings, index: index, stats: &stats)
            index += 1
            usleep(100_000)
        }
        sink.finish(stats)
    }
    control.start()
    var stats = sink.wait()
    // After the storm: the filter must still accept and answer.
    var last = FuzzStats()
    controlMessage(settings, index: -1, stats: &last)
    stats.merge(last)
    return (stats, Double(monotonicNanoseconds() - start) / 1e9)
}

/// One valid message on a fresh connection; it must get a final reply within the control deadline.
private func controlMessage(_ settings: FuzzSettings, index: Int, stats: inout FuzzStats) {
    let begin = monotonicNanoseconds()
    let message = settings.corpus.messages[abs(index) % settings.corpus.messages.count]
    do {
        let socket = try StreamSocket(connecting: settings.address, timeout: settings.controlDeadline)
        let connection = MTAConnection(socket: socket)
        try connection.negotiate()
        if try connection.open(client: ClientIdentity(number: 7)) == nil {
            _ = try connection.deliver(message, queueID: "C\(index)")
        }
        connection.quit()
        let elapsed = Double(monotonicNanoseconds() - begin) / 1e6
        stats.controlMaxMs = max(stats.controlMaxMs, elapsed)
        if elapsed <= settings.controlDeadline * 1000 {
            stats.controlOK += 1
        } else {
            stats.controlFailed += 1
            stats.controlFailures.append("\(message.name): final reply after \(formatNumber(elapsed, 0)) ms")
        }
    } catch {
        stats.controlFailed += 1
        if stats.controlFailures.count < 5 {
            stats.controlFailures.append(
                "\(message.name) after \(formatNumber(Double(monotonicNanoseconds() - begin) / 1e6, 0)) ms: \(error)"
            )
        }
    }
}

/// The command bytes an MTA may send.
private let validCommandBytes = Array("ABCDEHKLMNOQRTU".utf8)

/// A body of 34 MiB: above the default `max_message_bytes` (32 MiB).
private let oversizedMessage: CorpusMessage = {
    let line = Array(repeating: UInt8(ascii: "x"), count: 76) + [0x0A]
    var bytes = Array(
        "From: <big@example.invalid>\nTo: <bob@example.invalid>\nSubject: oversized\n\n".utf8
    )
    let lines = (34 << 20) / line.count
    bytes.reserveCapacity(lines * line.count + bytes.count)
    for _ in 0..<lines { bytes += line }
    return CorpusMessage(name: "oversized", bytes: bytes)
}()

/// A valid command with random-ish contents.
private func randomValidCommand(_ generator: inout SplitMix64) -> MilterCommand {
    let text = String(decoding: generator.bytes(Int.random(in: 0...40, using: &generator)).map { 0x41 + $0 % 26 }, as: UTF8.self)
    let choices: [MilterCommand] = [
        .optionNegotiation(version: 6, actions: MTAConnection.offeredActions, protocolFlags: MTAConnection.offeredFlags),
        .macros(stage: generator.pick(validCommandBytes) ?? 0x43, [MilterMacro(name: "{i}", value: text)]),
        .connect(hostname: text, family: .inet, port: 25, address: "198.51.100.9"),
        .helo(text), .mail(["<\(text)@example.invalid>"]), .recipient(["<\(text)@example.invalid>"]), .data,
        .header(name: "Subject", value: Array(text.utf8)), .endOfHeaders,
        .body(generator.bytes(Int.random(in: 0...2000, using: &generator))), .endOfBody([]), .abort,
        .quitNewConnection, .unknown(text), .quit,
    ]
    return generator.pick(choices) ?? .data
}

private func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
     UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
}

/// Sends one bad stream and records how the filter took it.
private func fuzzStream(_ settings: FuzzSettings, generator: inout SplitMix64, stats: inout FuzzStats) {
    let ordinary = FuzzCase.allCases.filter { $0 != .oversizedMessage }
    let fuzzCase = generator.chance(0.001) ? FuzzCase.oversizedMessage : (generator.pick(ordinary) ?? .randomBytes)
    let socket: StreamSocket
    do { socket = try StreamSocket(connecting: settings.address, timeout: 5) } catch {
        stats.outcomes[fuzzCase, default: [:]][.refused, default: 0] += 1
        usleep(10_000)
        return
    }
    let begin = monotonicNanoseconds()
    let outcome: FuzzOutcome
    defer {
        if settings.verbose {
            let ms = formatNumber(Double(monotonicNanoseconds() - begin) / 1e6, 1)
            FileHandle.standardError.write(Data("stream \(fuzzCase.rawValue) \(outcome.rawValue) \(ms) ms\n".utf8))
        }
    }
    do {
        outcome = try sendCase(fuzzCase, socket: socket, settings: settings, generator: &generator, stats: &stats)
    } catch let error as SocketError {
        outcome = error == .timeout ? .stillOpen : (error == .closed ? .closed : .reset)
    } catch {
        // The filter broke the protocol while a valid part of the stream was being played.
        stats.badReplies += 1
        if stats.badReplySamples.count < 5 { stats.badReplySamples.append("\(fuzzCase.rawValue): \(error)") }
        outcome = .closed
    }
    socket.close()
    stats.outcomes[fuzzCase, default: [:]][outcome, default: 0] += 1
}

private func sendCase(
    _ fuzzCase: FuzzCase,
    socket: StreamSocket,
    settings: FuzzSettings,
    generator: inout SplitMix64,
    stats: inout FuzzStats
) throws -> FuzzOutcome {
    let mta = MTAConnection(socket: socket)
    switch fuzzCase {
    case .oversizedLength:
        if generator.chance(0.5) { try mta.negotiate() }
        let length = UInt32.random(in: 66_560...UInt32.max, using: &generator)
        mta.writeRaw(be32(length) + [generator.pick(validCommandBytes) ?? 0x42] + generator.bytes(Int.random(in: 0...4096, using: &generator)))
    case .zeroLength:
        if generator.chance(0.5) { try mta.negotiate() }
        mta.writeRaw([0, 0, 0, 0] + generator.bytes(Int.random(in: 0...16, using: &generator)))
    case .truncatedFrame:
        if generator.chance(0.8) { try mta.negotiate() }
        let frame = randomValidCommand(&generator).bytes
        mta.writeRaw(Array(frame.prefix(Int.random(in: 1..<max(2, frame.count), using: &generator))))
        if generator.chance(0.7) {
            try mta.flush()
            if generator.chance(0.5) { socket.reset() } else { socket.close() }
            return .clientClosed
        }
    case .unknownCommand:
        if generator.chance(0.8) { try mta.negotiate() }
        var command = UInt8.random(in: 0...255, using: &generator)
        while validCommandBytes.contains(command) { command &+= 1 }
        mta.writeRaw(MilterFrame(command: command, data: generator.bytes(Int.random(in: 0...64, using: &generator))).bytes)
    case .wrongOrder:
        if generator.chance(0.8) { try mta.negotiate() }
        for _ in 0..<Int.random(in: 1...8, using: &generator) { mta.writeRaw(randomValidCommand(&generator).bytes) }
    case .randomBytes:
        if generator.chance(0.8) { try mta.negotiate() }
        mta.writeRaw(generator.bytes(Int.random(in: 1...65_536, using: &generator)))
    case .hugeMacros:
        try mta.negotiate()
        let frames = Int.random(in: 1...40, using: &generator)
        for _ in 0..<frames {
            var data = [generator.pick(validCommandBytes) ?? 0x43]
            let target = Int.random(in: 1...65_000, using: &generator)
            var serial = 0
            while data.count < target {
                data += Array("{m\(serial)}".utf8) + [0] + generator.bytes(Int.random(in: 0...8, using: &generator)).map { 0x61 + $0 % 26 } + [0]
                serial += 1
            }
            mta.writeRaw(MilterFrame(command: MilterCommandCode.macro, data: data).bytes)
        }
        if generator.chance(0.5) {
            // Then a valid message: it must still be answered.
            if try mta.open(client: ClientIdentity(number: 11)) == nil {
                _ = try mta.deliver(settings.corpus.messages[0], queueID: "HM")
            }
            mta.quit()
            return .completed
        }
    case .halfBody, .abruptReset:
        try mta.negotiate()
        let message = generator.pick(settings.corpus.messages) ?? CorpusMessage.builtIn
        var frames: [MilterCommand] = [
            .connect(hostname: "h.example.invalid", family: .inet, port: 25, address: "198.51.100.3"),
            .helo("h.example.invalid"), .mail([message.sender]), .recipient(["<bob@example.invalid>"]), .data,
        ]
        frames += message.headers.map { MilterCommand.header(name: $0.name, value: $0.value) }
        frames.append(.endOfHeaders)
        let keep = fuzzCase == .halfBody ? frames.count : Int.random(in: 0...frames.count, using: &generator)
        for command in frames.prefix(keep) { mta.write(command) }
        if fuzzCase == .halfBody {
            let declared = Int.random(in: 2...65_536, using: &generator)
            mta.writeRaw(be32(UInt32(declared)) + [MilterCommandCode.body] + generator.bytes(Int.random(in: 0..<declared - 1, using: &generator)))
        } else if generator.chance(0.5) {
            mta.writeRaw(MilterCommand.body(generator.bytes(Int.random(in: 0...65_535, using: &generator))).bytes)
        }
        try mta.flush()
        if fuzzCase == .abruptReset || generator.chance(0.5) { socket.reset() } else { socket.close() }
        return .clientClosed
    case .badNegotiation:
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: mta.writeRaw(MilterCommand.optionNegotiation(version: UInt32.random(in: 0...1, using: &generator), actions: [], protocolFlags: []).bytes)
        case 1: mta.writeRaw(MilterFrame(command: MilterCommandCode.optionNegotiation, data: generator.bytes(Int.random(in: 0...11, using: &generator))).bytes)
        case 2: mta.writeRaw(MilterFrame(command: MilterCommandCode.optionNegotiation, data: generator.bytes(Int.random(in: 13...64, using: &generator))).bytes)
        case 3: mta.writeRaw(MilterCommand.connect(hostname: "h", family: .inet, port: 25, address: "198.51.100.1").bytes)
        default:
            try mta.negotiate()
            mta.writeRaw(MilterCommand.optionNegotiation(version: 6, actions: MTAConnection.offeredActions, protocolFlags: MTAConnection.offeredFlags).bytes)
        }
    case .garbledFields:
        try mta.negotiate()
        let command = generator.pick(Array("OCDHMRLBU".utf8)) ?? 0x43
        mta.writeRaw(MilterFrame(command: command, data: generator.bytes(Int.random(in: 0...64, using: &generator)).map { $0 == 0 ? 1 : $0 }).bytes)
    case .oversizedMessage:
        try mta.negotiate()
        if try mta.open(client: ClientIdentity(number: 12)) == nil {
            _ = try mta.deliver(oversizedMessage, queueID: "BIG")
        }
        mta.quit()
        return .completed
    }
    try mta.flush()
    return observe(socket, seconds: settings.observeSeconds, stats: &stats)
}

/// Reads what the filter does after a stream: replies (checked to be well-formed), a close, a reset, or nothing.
private func observe(_ socket: StreamSocket, seconds: Double, stats: inout FuzzStats) -> FuzzOutcome {
    socket.setTimeout(seconds)
    var decoder = MilterFrameDecoder()
    var sawReply = false
    defer { if sawReply { stats.replied += 1 } }
    let deadline = monotonicNanoseconds() + UInt64(seconds * 1e9)
    while monotonicNanoseconds() < deadline {
        do {
            decoder.feed(try socket.receive())
            while let frame = try decoder.next() {
                _ = try MilterResponse(parsing: frame)
                sawReply = true
            }
        } catch SocketError.closed {
            if decoder.bufferedByteCount > 0 { recordBad("\(decoder.bufferedByteCount) bytes of a cut reply", &stats) }
            return .closed
        } catch SocketError.timeout {
            return .stillOpen
        } catch is SocketError {
            return .reset
        } catch {
            recordBad("\(error)", &stats)
            return .closed
        }
    }
    return .stillOpen
}

private func recordBad(_ text: String, _ stats: inout FuzzStats) {
    stats.badReplies += 1
    if stats.badReplySamples.count < 5 { stats.badReplySamples.append(text) }
}

func fuzzReport(_ stats: FuzzStats, seconds: Double, settings: FuzzSettings, json: Bool) -> String {
    let outcomes = FuzzOutcome.allCases
    if json {
        let cases = FuzzCase.allCases.map { fuzzCase in
            let counts = outcomes.map { "\"\($0.rawValue)\": \(stats.outcomes[fuzzCase]?[$0] ?? 0)" }
            return "\"\(fuzzCase.rawValue)\": {\(counts.joined(separator: ", "))}"
        }
        let totals = outcomes.map { "\"\($0.rawValue)\": \(stats.count($0))" }
        return """
            {"mode": "fuzz", "seconds": \(formatNumber(seconds)), "seed": \(settings.seed), \
            "threads": \(settings.threads), "streams": \(stats.streams), \
            "outcomes": {\(totals.joined(separator: ", "))}, "by_case": {\(cases.joined(separator: ", "))}, \
            "replied": \(stats.replied), "bad_replies": \(stats.badReplies), \
            "control": {"ok": \(stats.controlOK), "failed": \(stats.controlFailed), \
            "max_ms": \(formatNumber(stats.controlMaxMs, 1))}}
            """
    }
    var lines = [
        "fuzz: \(stats.streams) streams in \(formatNumber(seconds, 1)) s (seed \(settings.seed), \(settings.threads) threads)",
        "outcomes: " + outcomes.map { "\($0.rawValue) \(stats.count($0))" }.joined(separator: ", "),
    ]
    for fuzzCase in FuzzCase.allCases {
        let counts = outcomes.compactMap { outcome in
            stats.outcomes[fuzzCase]?[outcome].map { "\(outcome.rawValue) \($0)" }
        }
        lines.append("  \(fuzzCase.rawValue): " + (counts.isEmpty ? "-" : counts.joined(separator: ", ")))
    }
    lines.append("streams with well-formed replies: \(stats.replied); malformed replies: \(stats.badReplies)")
    lines += stats.badReplySamples.map { "  malformed: \($0)" }
    lines.append(
        "control messages: ok \(stats.controlOK), failed \(stats.controlFailed), "
            + "slowest \(formatNumber(stats.controlMaxMs, 1)) ms"
    )
    lines += stats.controlFailures.map { "  failed: \($0)" }
    return lines.joined(separator: "\n")
}
