import EmoguardConfig
import Foundation
import Milter
import MilterServer
import NIOCore
import NIOEmbedded
import Testing

/// The connection handler driven like Postfix drives it, with a fake scanner: every policy path, the filter's own
/// failures, spooling, skip rules, several messages per connection and protocol errors.
@Suite struct ConnectionHandlerTests {
    @Test func negotiationKeepsWhatTheMTAOffersAndAsksForMacros() async throws {
        let mta = try await TestMTA(scanner: FakeScanner())
        let reply = try await mta.open()
        guard case .optionNegotiation(let version, let actions, let flags, let macros) = reply else {
            Issue.record("no negotiation reply: \(String(describing: reply))")
            return
        }
        #expect(version == 6)
        #expect(actions.contains([.addHeaders, .changeHeaders, .quarantine]))
        #expect(flags.contains(.noReplyHeader))
        #expect(macros[.endOfMessage]?.contains("{i}") == true)
        try await mta.shutdown()
    }

    @Test func cleanMessageIsTaggedAndContinues() async throws {
        let scanner = FakeScanner()
        let mta = try await TestMTA(scanner: scanner)
        try await mta.open()
        let answer = try await mta.message()
        #expect(answer.header("X-Emoguard-Verdict") == "clean")
        #expect(answer.header("X-Emoguard-Score") == "0.0")
        #expect(answer.last == .continue)
        // The scanner saw the message as RFC 5322 bytes: headers, the empty line, the body.
        let seen = try #require(scanner.seen.withLock { $0.first })
        #expect(String(decoding: seen, as: UTF8.self) == "From: a@example.invalid\r\nSubject: hello\r\n\r\nHello\r\n")
        try await mta.shutdown()
    }

    @Test func acceptOnCleanAddsNothing() async throws {
        var settings = EmoguardConfiguration.MilterActions()
        settings.onClean = .accept
        let mta = try await TestMTA(scanner: FakeScanner(), settings: settings)
        try await mta.open()
        #expect(try await mta.message() == [.continue])
        try await mta.shutdown()
    }

    static let malicious = MilterScanOutcome.scanned(
        verdict: .malicious, score: 23.5, findingIDs: ["vba.autoexec", "zip.encrypted-password-in-body", "vba.autoexec"])

    @Test func maliciousIsRejectedWithTheConfiguredReply() async throws {
        let mta = try await TestMTA(scanner: FakeScanner(Self.malicious))
        try await mta.open()
        let answer = try await mta.message()
        #expect(answer == [.replyCode("550 5.7.1 Message rejected as Emotet-style malspam")])
        try await mta.shutdown()
    }

    @Test func quarantineTagsAndHolds() async throws {
        var settings = EmoguardConfiguration.MilterActions()
        settings.onMalicious = .quarantine
        let mta = try await TestMTA(scanner: FakeScanner(Self.malicious), settings: settings)
        try await mta.open()
        let answer = try await mta.message()
        #expect(answer.header("X-Emoguard-Verdict") == "malicious")
        #expect(answer.header("X-Emoguard-Score") == "23.5")
        #expect(answer.header("X-Emoguard-Findings") == "vba.autoexec, zip.encrypted-password-in-body")
        #expect(answer.contains { if case .quarantine = $0 { true } else { false } })
        #expect(answer.last == .continue)
        try await mta.shutdown()
    }

    @Test func quarantineIsNotSentWhenTheMTADidNotGrantIt() async throws {
        var settings = EmoguardConfiguration.MilterActions()
        settings.onMalicious = .quarantine
        let mta = try await TestMTA(scanner: FakeScanner(Self.malicious), settings: settings)
        try await mta.open(actions: [.addHeaders])
        let answer = try await mta.message()
        #expect(!answer.contains { if case .quarantine = $0 { true } else { false } })
        #expect(answer.header("X-Emoguard-Verdict") == "malicious")
        try await mta.shutdown()
    }

    @Test func tempfailDefersWithTheConfiguredReply() async throws {
        var settings = EmoguardConfiguration.MilterActions()
        settings.onMalicious = .tempfail
        let mta = try await TestMTA(scanner: FakeScanner(Self.malicious), settings: settings)
        try await mta.open()
        #expect(try await mta.message() == [.replyCode("451 4.7.1 Message could not be scanned, try again later")])
        try await mta.shutdown()
    }

    @Test func suspiciousTagGetsTheSubjectPrefix() async throws {
        var settings = EmoguardConfiguration.MilterActions()
        settings.subjectPrefix = "[SUSPICIOUS] "
        let outcome = MilterScanOutcome.scanned(verdict: .suspicious, score: 5, findingIDs: ["mail.lookalike-domain"])
        let mta = try await TestMTA(scanner: FakeScanner(outcome), settings: settings)
        try await mta.open()
        let answer = try await mta.message()
        #expect(answer.contains(.changeHeader(index: 1, name: "Subject", value: "[SUSPICIOUS] hello")))
        #expect(answer.header("X-Emoguard-Verdict") == "suspicious")
        try await mta.shutdown()
    }

    @Test func scanTimeoutFailsOpenWithProgressMeanwhile() async throws {
        let scanner = FakeScanner(held: true)
        var settings = EmoguardConfiguration.MilterActions()
        settings.scanTimeout = 25
        let mta = try await TestMTA(scanner: scanner, settings: settings)
        try await mta.open()
        try await mta.send(.data)
        try await mta.send(.header(name: "Subject", value: Array("slow".utf8)))
        try await mta.send(.endOfHeaders)
        try await mta.send(.endOfBody(Array("body\r\n".utf8)))
        _ = try await mta.replies()
        let loop = try #require(mta.channel.eventLoop as? NIOAsyncTestingEventLoop)
        await loop.advanceTime(by: .seconds(10))
        #expect(try await mta.replies().contains(.progress))
        await loop.advanceTime(by: .seconds(16))
        let answer = try await mta.finalReplies()
        #expect(answer.header("X-Emoguard-Verdict") == "error")
        #expect(answer.header("X-Emoguard-Error")?.contains("timed out") == true)
        #expect(answer.last == .continue)
        scanner.release()
        try await mta.shutdown()
    }

    @Test func scanTimeoutTempfailsWhenConfigured() async throws {
        let scanner = FakeScanner(held: true)
        var settings = EmoguardConfiguration.MilterActions()
        settings.onError = .tempfail
        settings.scanTimeout = 5
        let mta = try await TestMTA(scanner: scanner, settings: settings)
        try await mta.open()
        try await mta.send(.endOfBody(Array("x".utf8)))
        let loop = try #require(mta.channel.eventLoop as? NIOAsyncTestingEventLoop)
        await loop.advanceTime(by: .seconds(6))
        #expect(try await mta.finalReplies() == [.replyCode("451 4.7.1 Message could not be scanned, try again later")])
        scanner.release()
        try await mta.shutdown()
    }

    @Test func scannerFailureAppliesOnError() async throws {
        let mta = try await TestMTA(scanner: FakeScanner(.failed(reason: "scan error: truncated CFB")))
        try await mta.open()
        let answer = try await mta.message()
        #expect(answer.header("X-Emoguard-Verdict") == "error")
        #expect(answer.last == .continue)
        try await mta.shutdown()
    }

    @Test func largeBodyIsSpooledAndScannedWhole() async throws {
        let scanner = FakeScanner()
        var settings = EmoguardConfiguration.MilterActions()
        settings.memoryBodyBytes = 100_000
        let mta = try await TestMTA(scanner: scanner, settings: settings)
        try await mta.open()
        var body: [UInt8] = []
        for i in 0..<400_000 { body.append(UInt8(truncatingIfNeeded: i % 251)) }
        let answer = try await mta.message(headers: [("Subject", "big")], body: body)
        #expect(answer.header("X-Emoguard-Verdict") == "clean")
        let seen = try #require(scanner.seen.withLock { $0.first })
        #expect(seen == Array("Subject: big\r\n\r\n".utf8) + body)
        try await mta.shutdown()
    }

    @Test func spooledBodyOfAnEndedSessionDoesNotReachTheNextMessage() async throws {
        let scanner = FakeScanner()
        var settings = EmoguardConfiguration.MilterActions()
        settings.memoryBodyBytes = 10_000
        let mta = try await TestMTA(scanner: scanner, settings: settings)
        try await mta.open()
        try await mta.send(.data)
        try await mta.send(.endOfHeaders)
        try await mta.send(.body(Array(repeating: 0x78, count: 30_000)))  // spooled
        // The MTA ends this SMTP session (`K`) and starts the next on the same milter connection.
        try await mta.send(.quitNewConnection)
        try await mta.send(.connect(hostname: "next.example.invalid", family: .inet, port: 40001, address: "198.51.100.8"))
        try await mta.send(.helo("next.example.invalid"))
        try await mta.send(.mail(["<e@example.invalid>"]))
        try await mta.send(.recipient(["<f@example.invalid>"]))
        _ = try await mta.replies()
        let answer = try await mta.message(headers: [("Subject", "next")], body: Array("second\r\n".utf8))
        #expect(answer.header("X-Emoguard-Verdict") == "clean")
        #expect(scanner.seen.withLock { $0 } == [Array("Subject: next\r\n\r\nsecond\r\n".utf8)])
        try await mta.shutdown()
    }

    @Test func oversizedMessageIsNotScannedAndGetsTheOversizeAction() async throws {
        let scanner = FakeScanner()
        var settings = EmoguardConfiguration.MilterActions()
        settings.maxMessageBytes = 50_000
        settings.memoryBodyBytes = 10_000
        settings.onOversize = .tag
        let mta = try await TestMTA(scanner: scanner, settings: settings)
        try await mta.open()
        let answer = try await mta.message(body: Array(repeating: 0x61, count: 200_000))
        #expect(answer.header("X-Emoguard-Verdict") == "unscanned")
        #expect(scanner.calls == 0)
        try await mta.shutdown()
    }

    @Test func trustedNetworkIsSkipped() async throws {
        let scanner = FakeScanner(Self.malicious)
        var settings = EmoguardConfiguration.MilterActions()
        settings.trustedNetworks = [try #require(IPNetwork("198.51.100.0/24"))]
        let mta = try await TestMTA(scanner: scanner, settings: settings)
        try await mta.open()
        let answer = try await mta.message()
        #expect(answer.header("X-Emoguard-Verdict") == "skipped")
        #expect(scanner.calls == 0)
        try await mta.shutdown()
    }

    @Test func severalMessagesOnOneConnectionAndAbort() async throws {
        let scanner = FakeScanner()
        let mta = try await TestMTA(scanner: scanner)
        try await mta.open()
        #expect(try await mta.message(queueID: "Q1").last == .continue)
        // A second message that the MTA aborts half way, then a third.
        try await mta.send(.mail(["<c@example.invalid>"]))
        try await mta.send(.recipient(["<d@example.invalid>"]))
        try await mta.send(.data)
        try await mta.send(.body(Array(repeating: 0x62, count: 2000)))
        try await mta.send(.abort)
        _ = try await mta.replies()
        try await mta.send(.mail(["<e@example.invalid>"]))
        try await mta.send(.recipient(["<f@example.invalid>"]))
        _ = try await mta.replies()
        #expect(try await mta.message(queueID: "Q3").last == .continue)
        #expect(scanner.calls == 2)
        try await mta.send(.quit)
        try await mta.channel.closeFuture.get()
        try await mta.shutdown()
    }

    @Test func framesSentDuringAScanWaitForTheAnswer() async throws {
        let scanner = FakeScanner(held: true)
        let mta = try await TestMTA(scanner: scanner)
        try await mta.open()
        try await mta.send(.endOfBody(Array("x".utf8)))
        try await mta.send(.quit)
        #expect(mta.channel.isActive)
        scanner.release()
        let answer = try await mta.finalReplies()
        #expect(answer.last == .continue)
        try await mta.channel.closeFuture.get()
        try await mta.shutdown()
    }

    @Test func moreFramesThanHeldDuringAScanCloseTheConnection() async throws {
        let scanner = FakeScanner(held: true)
        let mta = try await TestMTA(scanner: scanner)
        try await mta.open()
        try await mta.send(.endOfBody(Array("x".utf8)))
        for _ in 0..<MilterConnectionHandler.maxHeldFrames { try await mta.send(.unknown("NOOP")) }
        #expect(mta.channel.isActive)  // at the limit: held
        try await mta.send(.unknown("NOOP"))  // one more
        try await mta.channel.closeFuture.get()
        scanner.release()
        try await mta.shutdown()
    }

    @Test func verdictLogHasOneLinePerMessageWithTheOutboundEvent() async throws {
        var settings = EmoguardConfiguration.MilterActions()
        settings.mode = .outbound
        let mta = try await TestMTA(
            scanner: FakeScanner(Self.malicious), settings: settings, ownDomains: ["example.invalid"],
            verdictLog: true)
        try await mta.open(authUser: "sato")
        _ = try await mta.message(queueID: "4XYZ")
        let path = try #require(mta.logFile)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["queue_id"] as? String == "4XYZ")
        #expect(object["verdict"] as? String == "malicious")
        #expect(object["action"] as? String == "reject")
        let event = try #require(object["infected_sender"] as? [String: Any], "\(lines[0])")
        #expect(event["sasl_user"] as? String == "sato", "\(lines[0])")
        #expect((event["reasons"] as? [String])?.contains("own-domain") == true)
        try await mta.shutdown()
    }

    // MARK: protocol errors close the connection (the MTA then applies its default action)

    @Test func unknownCommandClosesTheConnection() async throws {
        let mta = try await TestMTA(scanner: FakeScanner())
        try await mta.open()
        try await mta.sendRaw(MilterFrame(command: UInt8(ascii: "Z"), data: [1, 2, 3]).bytes)
        try await mta.channel.closeFuture.get()
        try await mta.shutdown()
    }

    @Test func wrongOrderClosesTheConnection() async throws {
        let mta = try await TestMTA(scanner: FakeScanner())
        try await mta.send(.body(Array("before negotiation".utf8)))
        try await mta.channel.closeFuture.get()
        try await mta.shutdown()
    }

    @Test func oversizedFrameClosesTheConnection() async throws {
        let mta = try await TestMTA(scanner: FakeScanner())
        try await mta.open()
        try await mta.sendRaw([0x7F, 0xFF, 0xFF, 0xFF, UInt8(ascii: "B")])
        try await mta.channel.closeFuture.get()
        try await mta.shutdown()
    }

    @Test func malformedCommandClosesTheConnection() async throws {
        let mta = try await TestMTA(scanner: FakeScanner())
        try await mta.open()
        // A header without its NUL terminators.
        try await mta.sendRaw(MilterFrame(command: UInt8(ascii: "L"), data: Array("Subject".utf8)).bytes)
        try await mta.channel.closeFuture.get()
        try await mta.shutdown()
    }
}
