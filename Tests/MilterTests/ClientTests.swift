import ByteCursor
import Milter
import Testing

/// Commands of every kind, with the field shapes Postfix sends.
let everyCommand: [MilterCommand] = [
    .optionNegotiation(version: 6, actions: MilterActions(rawValue: 0x1FF), protocolFlags: MilterProtocolFlags(rawValue: 0x1F_FFFF)),
    .optionNegotiation(version: 2, actions: [], protocolFlags: []),
    .macros(stage: MilterCommandCode.connect, [
        MilterMacro(name: "j", value: "mx.example.invalid"), MilterMacro(name: "{daemon_name}", value: "smtpd"),
    ]),
    .macros(stage: MilterCommandCode.data, []),
    .connect(hostname: "client.example.invalid", family: .inet, port: 40_123, address: "192.0.2.7"),
    .connect(hostname: "v6.example.invalid", family: .inet6, port: 25, address: "2001:db8::1"),
    .connect(hostname: "localhost", family: .local, port: 0, address: "/var/run/smtp"),
    .connect(hostname: "unknown", family: .unknown, port: nil, address: nil),
    .helo("client.example.invalid"),
    .mail(["<alice@example.invalid>", "SIZE=1234", "BODY=8BITMIME"]),
    .mail(["<>"]),
    .recipient(["<bob@example.invalid>"]),
    .recipient(["<carol@example.invalid>", "NOTIFY=NEVER"]),
    .data,
    .header(name: "Subject", value: Array("=?UTF-8?B?5pel5pys?= r\u{E9}sum\u{E9}".utf8)),
    .header(name: "X-Folded", value: Array("first\r\n\tsecond".utf8)),
    .header(name: "X-Empty", value: []),
    .endOfHeaders,
    .body(Array("Hello\r\n.\r\n\0binary\u{FF}".utf8)),
    .body([]),
    .endOfBody([]),
    .endOfBody(Array("last chunk".utf8)),
    .abort,
    .quit,
    .quitNewConnection,
    .unknown("XFOO bar"),
]

/// Responses of every kind a filter sends.
let everyResponse: [MilterResponse] = [
    .optionNegotiation(version: 6, actions: [.addHeaders, .quarantine], protocolFlags: [.skip, .noReplyHeader], macros: [:]),
    .optionNegotiation(
        version: 6,
        actions: [.addHeaders, .changeHeaders, .quarantine, .setMacroList],
        protocolFlags: [.skip],
        macros: MilterSession.Configuration.defaultMacros
    ),
    .continue, .accept, .reject, .tempfail, .discard, .progress, .skip,
    .replyCode("550 5.7.1 Message rejected"),
    .addHeader(name: "X-Emoguard-Verdict", value: "clean"),
    .addHeader(name: "X-Empty", value: ""),
    .insertHeader(index: 0, name: "X-Emoguard-Score", value: "12.5"),
    .changeHeader(index: 1, name: "Subject", value: "[SUSPICIOUS] hello"),
    .changeHeader(index: 2, name: "X-Old", value: ""),
    .quarantine(reason: "Emotet-style attachment"),
]

/// Decodes every frame of `bytes` and parses each as a response.
func responses(_ bytes: [UInt8]) throws -> [MilterResponse] {
    var decoder = MilterFrameDecoder()
    decoder.feed(bytes)
    var out: [MilterResponse] = []
    while let frame = try decoder.next() { out.append(try MilterResponse(parsing: frame)) }
    return out
}

@Suite("Client side: command encoding, response parsing")
struct ClientTests {
    @Test(arguments: everyCommand) func commandRoundTrip(_ command: MilterCommand) throws {
        let frame = command.frame
        #expect(frame.command == command.code)
        #expect(try MilterCommand(parsing: frame) == command)
        #expect(try commands(command.bytes) == [command])
    }

    @Test func commandsMatchHandBuiltFrames() {
        #expect(MilterCommand.optionNegotiation(version: 6, actions: MilterActions(rawValue: 0x1FF), protocolFlags: MilterProtocolFlags(rawValue: 0x1F_FFFF)).bytes == Wire.optneg())
        #expect(MilterCommand.connect(hostname: "h", family: .inet, port: 25, address: "192.0.2.1").bytes == Wire.connect("h"))
        #expect(MilterCommand.connect(hostname: "h", family: .unknown, port: nil, address: nil).bytes == Wire.connect("h", family: "U"))
        #expect(MilterCommand.mail(["<a@example.invalid>", "SIZE=1"]).bytes == Wire.mail("<a@example.invalid>", "SIZE=1"))
        #expect(MilterCommand.recipient(["<b@example.invalid>"]).bytes == Wire.rcpt("<b@example.invalid>"))
        #expect(MilterCommand.header(name: "From", value: Array("x".utf8)).bytes == Wire.header("From", "x"))
        #expect(MilterCommand.body(Array("abc".utf8)).bytes == Wire.body("abc"))
        #expect(MilterCommand.macros(stage: UInt8(ascii: "M"), [MilterMacro(name: "{i}", value: "Q1")]).bytes == Wire.macros("M", [("{i}", "Q1")]))
        #expect(MilterCommand.quit.bytes == [0, 0, 0, 1, UInt8(ascii: "Q")])
    }

    @Test func encodingFillsAbsentFieldsSoTheFilterCanParse() throws {
        // A known family without port or address: port 0 and an empty address.
        let connect = MilterCommand.connect(hostname: "h", family: .inet, port: nil, address: nil)
        #expect(try MilterCommand(parsing: connect.frame) == .connect(hostname: "h", family: .inet, port: 0, address: ""))
        // MAIL without arguments: the null address.
        #expect(try MilterCommand(parsing: MilterCommand.mail([]).frame) == .mail([""]))
        // NULs inside strings are dropped rather than cutting the frame's fields apart.
        let header = MilterCommand.header(name: "A\0B", value: [0x61, 0, 0x62])
        #expect(try MilterCommand(parsing: header.frame) == .header(name: "AB", value: [0x61, 0x62]))
    }

    @Test(arguments: everyResponse) func responseRoundTrip(_ response: MilterResponse) throws {
        #expect(try MilterResponse(parsing: response.frame) == response)
        #expect(try responses(response.bytes) == [response])
    }

    @Test func responsesFromHandBuiltBytes() throws {
        #expect(try responses(Wire.frame("y", Wire.cstr("451 4.7.1 later"))) == [.replyCode("451 4.7.1 later")])
        #expect(
            try responses(Wire.frame("i", Wire.u32(3) + Wire.cstr("X-A") + Wire.cstr("b")))
                == [.insertHeader(index: 3, name: "X-A", value: "b")]
        )
        // A version 2 filter's negotiation: the three integers only.
        #expect(
            try responses(Wire.frame("O", Wire.u32(2) + Wire.u32(1) + Wire.u32(0)))
                == [.optionNegotiation(version: 2, actions: [.addHeaders], protocolFlags: [], macros: [:])]
        )
        // Macro lists: stage 5 (end of message), names separated by spaces.
        #expect(
            try responses(Wire.frame("O", Wire.u32(6) + Wire.u32(0x100) + Wire.u32(0) + Wire.u32(5) + Wire.cstr("{i} j")))
                == [.optionNegotiation(version: 6, actions: [.setMacroList], protocolFlags: [], macros: [.endOfMessage: ["{i}", "j"]])]
        )
    }

    @Test(arguments: [
        // Strings without NUL.
        Wire.frame("y", Array("550 no nul".utf8)),
        Wire.frame("h", Wire.cstr("X-A") + Array("value".utf8)),
        Wire.frame("h", Wire.cstr("X-A")),
        Wire.frame("q", Array("reason".utf8)),
        // Short integers.
        Wire.frame("i", [0, 0, 1]),
        Wire.frame("m", []),
        Wire.frame("O", Wire.u32(6) + Wire.u32(0)),
        Wire.frame("O", Wire.u32(6) + Wire.u32(0x100) + Wire.u32(0) + [0, 0]),
        // Macro lists: unknown stage, stage twice, names without NUL.
        Wire.frame("O", Wire.u32(6) + Wire.u32(0x100) + Wire.u32(0) + Wire.u32(9) + Wire.cstr("j")),
        Wire.frame("O", Wire.u32(6) + Wire.u32(0x100) + Wire.u32(0) + Wire.u32(0) + Wire.cstr("j") + Wire.u32(0) + Wire.cstr("j")),
        Wire.frame("O", Wire.u32(6) + Wire.u32(0x100) + Wire.u32(0) + Wire.u32(0) + Array("j".utf8)),
        // Trailing bytes.
        Wire.frame("c", [0]),
        Wire.frame("a", Array("x".utf8)),
        Wire.frame("y", Wire.cstr("550 x") + [1]),
        Wire.frame("q", Wire.cstr("r") + Wire.cstr("s")),
    ]) func malformedResponsesThrow(_ bytes: [UInt8]) {
        #expect(throws: MilterError.malformedCommand) { try responses(bytes) }
    }

    @Test(arguments: ["b", "+", "-", "e", "2", "f", "C", "x"]) func unknownResponsesThrow(_ code: String) {
        let byte = UInt8(ascii: code.unicodeScalars.first ?? "x")
        #expect(throws: MilterError.unknownCommand) { try MilterResponse(parsing: MilterFrame(command: byte)) }
    }

    @Test func everyPrefixOfAResponseIsIncompleteOrMalformed() throws {
        // Drip-feed: every prefix of each response waits for more bytes; cutting the data short while keeping
        // a consistent length field makes it malformed (or, for fields that end in a string, still parseable
        // only if the prefix is itself a valid response).
        for response in everyResponse {
            let bytes = response.bytes
            for cut in 0..<bytes.count {
                var decoder = MilterFrameDecoder()
                decoder.feed(Array(bytes.prefix(cut)))
                #expect(try decoder.next() == nil)
            }
            let data = response.frame.data
            for cut in 0..<data.count {
                let frame = MilterFrame(command: response.code, data: Array(data.prefix(cut)))
                if let parsed = try? MilterResponse(parsing: frame) {
                    // Only the negotiation may legitimately end early (after a complete macro list).
                    guard case .optionNegotiation = parsed else {
                        Issue.record("prefix \(cut) of \(response) parsed as \(parsed)")
                        continue
                    }
                }
            }
        }
    }

    @Test func truncatedAndOversizedFramesThrowInTheDecoder() {
        var empty = MilterFrameDecoder()
        empty.feed([0, 0, 0, 0])
        #expect(throws: MilterError.emptyFrame) { try empty.next() }
        var huge = MilterFrameDecoder()
        huge.feed([0x7F, 0xFF, 0xFF, 0xFF, UInt8(ascii: "c")])
        #expect(throws: MilterError.frameTooLarge) { try huge.next() }
    }

    @Test func finalResponses() {
        let final = everyResponse.filter(\.isFinal)
        #expect(final.count == 6)
        #expect(!MilterResponse.progress.isFinal)
        #expect(!MilterResponse.quarantine(reason: "x").isFinal)
    }

    @Test func replyExpectationsFollowTheNoReplyFlags() {
        let none: MilterProtocolFlags = []
        let all = MilterProtocolFlags.allNoReply
        for command in everyCommand {
            switch command {
            case .macros, .abort, .quit, .quitNewConnection:
                #expect(!none.expectsReply(to: command))
            case .optionNegotiation, .endOfBody:
                #expect(all.expectsReply(to: command))
            default:
                #expect(none.expectsReply(to: command))
                #expect(!all.expectsReply(to: command))
            }
        }
        let omitting = MilterProtocolFlags([.noConnect, .noHelo, .noMail, .noRecipient, .noBody, .noHeaders, .noEndOfHeaders, .noUnknown, .noData])
        #expect(everyCommand.filter { omitting.omits($0) }.count == everyCommand.filter {
            switch $0 {
            case .connect, .helo, .mail, .recipient, .data, .header, .endOfHeaders, .body, .unknown: true
            default: false
            }
        }.count)
    }
}

/// Plays the MTA against an in-memory ``MilterSession``: every command goes through the wire encoding, the
/// decoder and the session; every reply goes back through the wire encoding and ``MilterResponse/init(parsing:)``.
struct InMemoryConversation {
    var session: MilterSession
    var flags: MilterProtocolFlags = []
    var sessionDecoder = MilterFrameDecoder()
    var clientDecoder = MilterFrameDecoder()
    var finished: [MilterMessage] = []

    init(configuration: MilterSession.Configuration = MilterSession.Configuration()) {
        session = MilterSession(configuration: configuration)
    }

    /// Sends `command` unless the negotiation omitted it; returns the responses read back.
    mutating func send(_ command: MilterCommand) throws -> [MilterResponse] {
        if flags.omits(command) { return [] }
        sessionDecoder.feed(command.bytes)
        var wire: [UInt8] = []
        while let frame = try sessionDecoder.next() {
            for action in try session.receive(frame) {
                // Replies and the end of the message matter here; closing (and spooling) need no answer.
                if case .reply(let response) = action {
                    wire += response.bytes
                } else if case .endOfMessage(let message) = action {
                    // The scanner's answer: tag and accept.
                    finished.append(message)
                    wire += MilterResponse.addHeader(name: "X-Emoguard-Verdict", value: "clean").bytes
                    wire += MilterResponse.progress.bytes
                    wire += MilterResponse.continue.bytes
                }
            }
        }
        clientDecoder.feed(wire)
        var out: [MilterResponse] = []
        while let frame = try clientDecoder.next() { out.append(try MilterResponse(parsing: frame)) }
        #expect(clientDecoder.bufferedByteCount == 0)
        if case .optionNegotiation(_, _, let negotiated, _) = out.first { flags = negotiated }
        // Exactly one final reply when one is expected, none otherwise.
        let final = out.filter { $0.isFinal || $0 == .skip }
        if case .optionNegotiation = command {
            #expect(out.count == 1)
        } else {
            #expect(final.count == (flags.expectsReply(to: command) ? 1 : 0), "\(command) got \(out)")
        }
        return out
    }
}

@Suite("Client against MilterSession")
struct ClientConversationTests {
    @Test func fullConversationDeliversTheMessage() throws {
        var conversation = InMemoryConversation()
        let negotiated = try conversation.send(
            .optionNegotiation(version: 6, actions: MilterActions(rawValue: 0x1FF), protocolFlags: MilterProtocolFlags(rawValue: 0x1F_FFFF))
        )
        guard case .optionNegotiation(let version, let actions, let flags, let macros) = negotiated.first else {
            Issue.record("no negotiation reply: \(negotiated)")
            return
        }
        #expect(version == 6)
        #expect(actions.contains(.addHeaders) && actions.contains(.setMacroList))
        #expect(flags.contains(.noReplyHeader))
        // Every command before the body goes unanswered by default; body chunks are answered (skip).
        #expect(flags.isSuperset(of: [.noReplyConnect, .noReplyHelo, .noReplyMail, .noReplyRecipient, .noReplyData, .noReplyEndOfHeaders]))
        #expect(!flags.contains(.noReplyBody))
        #expect(macros[.endOfMessage]?.contains("{i}") == true)

        _ = try conversation.send(.macros(stage: MilterCommandCode.connect, [MilterMacro(name: "j", value: "mx.example.invalid")]))
        #expect(try conversation.send(.connect(hostname: "c.example.invalid", family: .inet, port: 4242, address: "192.0.2.9")) == [])
        #expect(try conversation.send(.helo("c.example.invalid")) == [])
        for round in 1...2 {
            #expect(try conversation.send(.mail(["<alice@example.invalid>", "SIZE=99"])) == [])
            #expect(try conversation.send(.recipient(["<bob@example.invalid>"])) == [])
            #expect(try conversation.send(.recipient(["<carol@example.invalid>"])) == [])
            #expect(try conversation.send(.data) == [])
            #expect(try conversation.send(.header(name: "From", value: Array("Alice <alice@example.invalid>".utf8))) == [])
            #expect(try conversation.send(.header(name: "Subject", value: Array("round \(round)\r\n\tfolded".utf8))) == [])
            #expect(try conversation.send(.endOfHeaders) == [])
            let big = [UInt8](repeating: UInt8(ascii: "x"), count: 65_535)
            #expect(try conversation.send(.body(big)) == [.continue])
            #expect(try conversation.send(.body(Array("\r\nend\r\n".utf8))) == [.continue])
            _ = try conversation.send(.macros(stage: MilterCommandCode.endOfBody, [MilterMacro(name: "{i}", value: "Q\(round)")]))
            let end = try conversation.send(.endOfBody([]))
            #expect(end == [.addHeader(name: "X-Emoguard-Verdict", value: "clean"), .progress, .continue])
        }
        #expect(try conversation.send(.quit) == [])

        #expect(conversation.finished.count == 2)
        let message = try #require(conversation.finished.last)
        #expect(message.queueID == "Q2")
        #expect(message.macro("j") == "mx.example.invalid")
        #expect(message.connection == MilterConnection(hostname: "c.example.invalid", family: .inet, port: 4242, address: "192.0.2.9", helo: "c.example.invalid"))
        #expect(message.sender == ["<alice@example.invalid>", "SIZE=99"])
        #expect(message.recipients == [["<bob@example.invalid>"], ["<carol@example.invalid>"]])
        #expect(message.headers.map(\.name) == ["From", "Subject"])
        #expect(message.headers.last?.value == Array("round 2\r\n\tfolded".utf8))
        #expect(message.bodyByteCount == 65_535 + 7)
        #expect(message.body.suffix(7) == Array("\r\nend\r\n".utf8)[...])
        #expect(!message.bodyTruncated)
    }

    @Test func noReplyFlagsAreHonoured() throws {
        var conversation = InMemoryConversation(
            configuration: MilterSession.Configuration(protocolFlags: MilterProtocolFlags.allNoReply.union([.skip]), macros: [:])
        )
        _ = try conversation.send(.optionNegotiation(version: 6, actions: MilterActions(rawValue: 0x1FF), protocolFlags: MilterProtocolFlags(rawValue: 0x1F_FFFF)))
        #expect(conversation.flags.isSuperset(of: .allNoReply))
        #expect(try conversation.send(.connect(hostname: "h", family: .unknown, port: nil, address: nil)) == [])
        #expect(try conversation.send(.helo("h")) == [])
        #expect(try conversation.send(.mail(["<>"])) == [])
        #expect(try conversation.send(.recipient(["<r@example.invalid>"])) == [])
        #expect(try conversation.send(.header(name: "Subject", value: [])) == [])
        #expect(try conversation.send(.endOfHeaders) == [])
        #expect(try conversation.send(.body(Array("b".utf8))) == [])
        #expect(try conversation.send(.endOfBody([])).last == .continue)
        #expect(conversation.finished.first?.body == Array("b".utf8))
    }

    @Test func skipIsSentForABodyOverTheLimit() throws {
        var limits = MilterLimits.default
        limits.maxBodyBytes = Limit("milter.maxBodyBytes", 10)
        var conversation = InMemoryConversation(
            configuration: MilterSession.Configuration(protocolFlags: [.skip], macros: [:], limits: limits)
        )
        _ = try conversation.send(.optionNegotiation(version: 6, actions: MilterActions(rawValue: 0x1FF), protocolFlags: MilterProtocolFlags(rawValue: 0x1F_FFFF)))
        _ = try conversation.send(.mail(["<>"]))
        #expect(try conversation.send(.body([UInt8](repeating: 0x41, count: 11))) == [.skip])
        _ = try conversation.send(.endOfBody([]))
        #expect(conversation.finished.first?.bodyTruncated == true)
    }
}
