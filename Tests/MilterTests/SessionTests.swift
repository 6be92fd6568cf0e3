import TestSupport
import ByteCursor
import Milter
import Testing

/// Feeds a hand-encoded stream through the decoder and the session, collecting the actions.
func run(_ session: inout MilterSession, _ bytes: [UInt8]) throws -> [MilterSessionAction] {
    var decoder = MilterFrameDecoder()
    decoder.feed(bytes)
    var actions: [MilterSessionAction] = []
    while let frame = try decoder.next() { actions += try session.receive(frame) }
    return actions
}

func messages(_ actions: [MilterSessionAction]) -> [MilterMessage] {
    actions.compactMap { if case .endOfMessage(let m) = $0 { m } else { nil } }
}

func replies(_ actions: [MilterSessionAction]) -> [MilterResponse] {
    actions.compactMap { if case .reply(let r) = $0 { r } else { nil } }
}

/// A Postfix-like conversation for one message, macros before their stage commands.
func postfixMessage(queueID: String, from: String, to: [String], subject: String, body: String) -> [UInt8] {
    var out = Wire.macros("M", [("{auth_authen}", "alice"), ("{mail_addr}", from)]) + Wire.mail("<\(from)>", "SIZE=42")
    for rcpt in to { out += Wire.macros("R", [("{rcpt_addr}", rcpt)]) + Wire.rcpt("<\(rcpt)>") }
    out += Wire.macros("T", []) + Wire.frame("T")
    out += Wire.header("From", from) + Wire.header("Subject", subject)
    out += Wire.frame("N") + Wire.body(body)
    out += Wire.macros("E", [("{i}", queueID)]) + Wire.frame("E")
    return out
}

let plainConfiguration = MilterSession.Configuration(
    actions: [.addHeaders, .quarantine],
    protocolFlags: [.skip],
    macros: [:]
)

@Suite("Session state machine")
struct SessionTests {
    @Test func negotiationIntersectsAndAsksForMacros() throws {
        var session = MilterSession()
        let actions = try session.receive(
            .optionNegotiation(
                version: 6,
                actions: [.addHeaders, .quarantine, .setMacroList, .changeBody],
                protocolFlags: [.skip, .noReplyHeader, .noConnect]
            )
        )
        #expect(session.stage == .negotiated)
        #expect(session.actions == [.addHeaders, .quarantine, .setMacroList])
        #expect(session.protocolFlags == [.skip, .noReplyHeader])
        guard case .reply(let reply) = try #require(actions.first) else {
            Issue.record("no reply")
            return
        }
        // The encoded reply carries the macro lists.
        let bytes = reply.bytes
        #expect(bytes[4] == UInt8(ascii: "O"))
        #expect(bytes.count > 17)
        #expect(String(decoding: bytes, as: UTF8.self).contains("{i} {auth_authen} {client_addr}"))

        // An older MTA without SETSYMLIST gets no lists and the smaller version.
        var old = MilterSession()
        let oldReply = try old.receive(.optionNegotiation(version: 2, actions: [.addHeaders], protocolFlags: []))
        #expect(old.version == 2)
        #expect(replies(oldReply).map(\.bytes) == [Wire.frame("O", Wire.u32(2) + Wire.u32(1) + Wire.u32(0))])

        var ancient = MilterSession()
        #expect(throws: MilterError.unsupportedVersion) {
            try ancient.receive(.optionNegotiation(version: 1, actions: [], protocolFlags: []))
        }
        #expect(ancient.stage == .closed)
    }

    @Test func permittedResponsesFollowNegotiation() throws {
        var session = MilterSession()
        _ = try session.receive(.optionNegotiation(version: 6, actions: [.addHeaders], protocolFlags: []))
        #expect(session.permits(.addHeader(name: "X-Emoguard-Verdict", value: "clean")))
        #expect(session.permits(.insertHeader(index: 0, name: "X-A", value: "b")))
        #expect(!session.permits(.changeHeader(index: 1, name: "Subject", value: "x")))
        #expect(!session.permits(.quarantine(reason: "emotet")))
        #expect(!session.permits(.skip))
        #expect(session.permits(.replyCode("550 5.7.1 no")) && session.permits(.progress))
    }

    @Test func oneMessageCollected() throws {
        var session = MilterSession(configuration: plainConfiguration)
        let stream =
            Wire.optneg() + Wire.macros("C", [("j", "mx.example.jp"), ("{client_addr}", "198.51.100.7")])
            + Wire.connect("pc01.example.jp", port: 50_000, address: "198.51.100.7")
            + Wire.macros("H", [("{tls_version}", "TLSv1.3")]) + Wire.helo("PC01")
            + postfixMessage(
                queueID: "4Q1x2y",
                from: "a@example.jp",
                to: ["b@example.org", "c@example.org"],
                subject: "Re: 請求書",
                body: "see attached\r\n"
            )
        let actions = try run(&session, stream)
        let message = try #require(messages(actions).first)
        #expect(messages(actions).count == 1)
        #expect(
            message.connection
                == MilterConnection(
                    hostname: "pc01.example.jp",
                    family: .inet,
                    port: 50_000,
                    address: "198.51.100.7",
                    helo: "PC01"
                )
        )
        #expect(message.sender == ["<a@example.jp>", "SIZE=42"])
        #expect(message.recipients == [["<b@example.org>"], ["<c@example.org>"]])
        #expect(message.recipientCount == 2)
        #expect(message.queueID == "4Q1x2y")
        #expect(message.authenticatedUser == "alice")
        #expect(message.clientAddress == "198.51.100.7")
        #expect(message.macro("j") == "mx.example.jp")
        #expect(message.macro("{tls_version}") == "TLSv1.3")
        #expect(message.macro("rcpt_addr") == "c@example.org")
        #expect(message.headers.map(\.name) == ["From", "Subject"])
        #expect(message.body == Array("see attached\r\n".utf8))
        #expect(!message.bodyTruncated)
        #expect(
            String(decoding: message.rfc822, as: UTF8.self)
                == "From: a@example.jp\r\nSubject: Re: 請求書\r\n\r\nsee attached\r\n"
        )
        // optneg + connect + helo + mail + 2 rcpt + data + 2 headers + eoh + body get one reply each.
        #expect(replies(actions).count == 11)
        #expect(replies(actions).dropFirst().allSatisfy { $0 == .continue })
        #expect(session.stage == .helo)
    }

    @Test func twoMessagesOnOneConnectionDoNotLeak() throws {
        var session = MilterSession(configuration: plainConfiguration)
        let stream =
            Wire.optneg() + Wire.connect("c") + Wire.helo("h")
            + postfixMessage(queueID: "Q1", from: "a@x", to: ["b@y"], subject: "one", body: "1")
            + Wire.mail("<c@x>") + Wire.rcpt("<d@y>") + Wire.body("2") + Wire.frame("E")
            + Wire.frame("Q")
        let actions = try run(&session, stream)
        let found = messages(actions)
        #expect(found.count == 2)
        #expect(found[1].sender == ["<c@x>"])
        #expect(found[1].recipients == [["<d@y>"]])
        #expect(found[1].headers.isEmpty)
        #expect(found[1].body == Array("2".utf8))
        #expect(found[1].queueID == nil)
        #expect(found[1].authenticatedUser == nil)
        #expect(found[1].connection.helo == "h")
        #expect(actions.last == .close)
        #expect(session.stage == .closed)
    }

    @Test func abortInTheMiddleDropsTheMessage() throws {
        var session = MilterSession(configuration: plainConfiguration)
        let stream =
            Wire.optneg() + Wire.connect("c") + Wire.helo("h")
            + Wire.macros("M", [("{auth_authen}", "bob")]) + Wire.mail("<a@x>") + Wire.rcpt("<b@y>")
            + Wire.frame("T") + Wire.header("Subject", "dropped") + Wire.body("dropped")
            + Wire.frame("A")
            + Wire.mail("<c@x>") + Wire.rcpt("<d@y>") + Wire.frame("E")
        let actions = try run(&session, stream)
        let found = messages(actions)
        #expect(found.count == 1)
        #expect(found[0].sender == ["<c@x>"])
        #expect(found[0].recipients == [["<d@y>"]])
        #expect(found[0].headers.isEmpty && found[0].body.isEmpty)
        #expect(found[0].authenticatedUser == nil)
        // Abort before any message keeps the stage; abort after HELO too.
        var early = MilterSession(configuration: plainConfiguration)
        _ = try run(&early, Wire.optneg() + Wire.connect("c") + Wire.frame("A"))
        #expect(early.stage == .connected)
    }

    @Test func quitNewConnectionStartsOver() throws {
        var session = MilterSession(configuration: plainConfiguration)
        let stream =
            Wire.optneg() + Wire.macros("C", [("{client_addr}", "192.0.2.1")]) + Wire.connect("first")
            + Wire.helo("h1") + Wire.frame("K") + Wire.connect("second", address: "192.0.2.2")
            + Wire.mail("<a@x>") + Wire.frame("E")
        let found = messages(try run(&session, stream))
        #expect(found.count == 1)
        #expect(found[0].connection.hostname == "second")
        #expect(found[0].connection.helo == nil)
        #expect(found[0].clientAddress == "192.0.2.2")
    }

    static let wrongOrderCases: [String: [UInt8]] = {
        var cases: [String: [UInt8]] = [:]
        let negotiated: [UInt8] = Wire.optneg()
        let greeted: [UInt8] = negotiated + Wire.connect("c") + Wire.helo("h")
        let inMail: [UInt8] = negotiated + Wire.mail("<a@x>")
        cases["connect before negotiation"] = Wire.connect("c")
        cases["macro before negotiation"] = Wire.macros("C", [])
        cases["optneg twice"] = negotiated + negotiated
        cases["rcpt before mail"] = greeted + Wire.rcpt("<b@y>")
        cases["body before mail"] = negotiated + Wire.connect("c") + Wire.body("x")
        cases["eob before mail"] = negotiated + Wire.frame("E")
        cases["connect twice"] = negotiated + Wire.connect("c") + Wire.connect("c")
        cases["mail twice"] = inMail + Wire.mail("<a@x>")
        cases["header after body"] = inMail + Wire.body("x") + Wire.header("A", "b")
        let afterData: [UInt8] = inMail + Wire.rcpt("<b@y>") + Wire.frame("T")
        cases["rcpt after data"] = afterData + Wire.rcpt("<c@y>")
        cases["helo in a message"] = inMail + Wire.helo("h")
        cases["anything after quit"] = negotiated + Wire.frame("Q") + Wire.helo("h")
        return cases
    }()

    @Test(arguments: wrongOrderCases.keys.sorted())
    func wrongOrder(name: String) throws {
        let stream = try #require(SessionTests.wrongOrderCases[name])
        var session = MilterSession(configuration: plainConfiguration)
        #expect(throws: MilterError.unexpectedCommand, "\(name)") { try run(&session, stream) }
        #expect(session.stage == .closed)
    }

    /// What Postfix may legitimately leave out or repeat is accepted.
    @Test func tolerantPaths() throws {
        var session = MilterSession(configuration: plainConfiguration)
        let stream =
            Wire.optneg() + Wire.frame("U", Wire.cstr("XYZ")) + Wire.helo("h") + Wire.helo("h2")
            + Wire.macros("Z", [("odd", "stage")])
            + Wire.mail("<a@x>") + Wire.frame("E")  // no rcpt, data, headers or body
            + Wire.mail("<a@x>") + Wire.rcpt("<b@y>") + Wire.frame("N") + Wire.frame("E")
            + Wire.frame("Q")
        let found = messages(try run(&session, stream))
        #expect(found.count == 2)
        #expect(found[0].connection.helo == "h2")
        #expect(found[0].macro("odd") == "stage")

        // With NOMAIL negotiated, a message may start with its recipients or its headers.
        var noMail = MilterSession(
            configuration: .init(
                actions: [],
                protocolFlags: [.noMail],
                macros: [:]
            )
        )
        let got = messages(try run(&noMail, Wire.optneg() + Wire.header("A", "b") + Wire.frame("E")))
        #expect(got.first?.headers.count == 1)
    }

    @Test func noReplyFlagsSuppressReplies() throws {
        var session = MilterSession(
            configuration: .init(
                actions: [.addHeaders],
                protocolFlags: MilterProtocolFlags.allNoReply,
                macros: [:]
            )
        )
        let actions = try run(
            &session,
            Wire.optneg() + Wire.connect("c") + Wire.helo("h") + Wire.frame("U", Wire.cstr("X"))
                + postfixMessage(queueID: "Q", from: "a@x", to: ["b@y"], subject: "s", body: "b")
        )
        #expect(session.protocolFlags == MilterProtocolFlags.allNoReply)
        // Only the negotiation reply; the message is still handed over.
        #expect(replies(actions).count == 1)
        #expect(messages(actions).count == 1)

        // An MTA that does not offer the flags keeps getting replies.
        var partial = MilterSession(
            configuration: .init(
                actions: [],
                protocolFlags: MilterProtocolFlags.allNoReply,
                macros: [:]
            )
        )
        let offered = MilterProtocolFlags([.noReplyHeader, .noReplyBody])
        let got = try run(
            &partial,
            Wire.optneg(flags: offered.rawValue) + Wire.connect("c") + Wire.mail("<a@x>")
                + Wire.header("A", "b") + Wire.body("x") + Wire.frame("E")
        )
        #expect(replies(got).count == 3)  // optneg, connect, mail
    }

    @Test func bodyBeyondLimitIsTruncatedAndSkipped() throws {
        var limits = MilterLimits()
        limits.maxBodyBytes = Limit("milter.maxBodyBytes", 10)
        limits.maxRecipients = Limit("milter.maxRecipients", 1)
        limits.maxHeaderBytes = Limit("milter.maxHeaderBytes", 8)
        var session = MilterSession(
            configuration: .init(
                actions: [],
                protocolFlags: [.skip],
                macros: [:],
                limits: limits
            )
        )
        let actions = try run(
            &session,
            Wire.optneg() + Wire.mail("<a@x>") + Wire.rcpt("<b@y>") + Wire.rcpt("<c@y>")
                + Wire.header("A", "1234") + Wire.header("B", "12345678")
                + Wire.body("12345678") + Wire.body("abcdef") + Wire.frame("E", Array("!".utf8))
        )
        let message = try #require(messages(actions).first)
        #expect(message.body == Array("12345678ab".utf8))
        #expect(message.bodyByteCount == 15)
        #expect(message.bodyTruncated)
        #expect(message.recipients.count == 1 && message.recipientCount == 2 && message.recipientsTruncated)
        #expect(message.headers.map(\.name) == ["A"] && message.headersTruncated)
        #expect(replies(actions).suffix(2) == [.continue, .skip])
    }

    /// Random command sequences never crash the session; errors are fine.
    @Test func seededRandomCommandsNeverCrash() {
        let pieces: [[UInt8]] = [
            Wire.optneg(), Wire.optneg(flags: 0), Wire.macros("C", [("j", "x")]), Wire.connect("c"),
            Wire.helo("h"), Wire.mail("<a@x>"), Wire.rcpt("<b@y>"), Wire.frame("T"), Wire.header("A", "b"),
            Wire.frame("N"), Wire.body("x"), Wire.frame("E"), Wire.frame("A"), Wire.frame("K"),
            Wire.frame("U", Wire.cstr("X")), Wire.frame("Q"), [0, 0, 0, 1, 0x5A],
        ]
        var rng = SplitMix64(seed: 42)
        var completed = 0
        for _ in 0..<3000 {
            var session = MilterSession()
            var stream = Wire.optneg()
            for _ in 0..<Int.random(in: 0...12, using: &rng) { stream += pieces.randomElement(using: &rng)! }
            if (try? run(&session, stream)) != nil { completed += 1 }
        }
        #expect(completed > 0)
    }
}
