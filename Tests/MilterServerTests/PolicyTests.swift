import EmoguardConfig
import Foundation
import Milter
@testable import MilterServer
import Testing

/// The policy without sockets: every action, the replies, header values, the outbound event and skip rules.
@Suite struct MilterPolicyTests {
    typealias Settings = EmoguardConfiguration.MilterActions

    func message(
        client: String = "203.0.113.9", auth: String? = nil, sender: String = "<x@outside.example.invalid>",
        subject: String? = "Re: 請求書"
    ) -> MilterMessage {
        var m = MilterMessage()
        m.connection.address = client
        m.sender = [sender]
        if let auth { m.macrosByStage[MilterCommandCode.mail] = [MilterMacro(name: "{auth_authen}", value: auth)] }
        if let subject { m.headers = [MilterHeader(name: "Subject", value: Array(subject.utf8))] }
        return m
    }

    let malicious = MilterScanOutcome.scanned(verdict: .malicious, score: 31.25, findingIDs: ["vba.autoexec"])

    @Test(arguments: Settings.Action.allCases)
    func everyActionOnMalicious(_ action: Settings.Action) {
        var settings = Settings()
        settings.onMalicious = action
        let decision = MilterPolicy(settings: settings).decide(malicious, for: message())
        #expect(decision.action == action)
        let final = decision.responses.last
        switch action {
        case .accept: #expect(decision.responses == [.continue])
        case .tag:
            #expect(decision.responses.contains(.addHeader(name: "X-Emoguard-Verdict", value: "malicious")))
            #expect(decision.responses.contains(.addHeader(name: "X-Emoguard-Score", value: "31.3")))
            #expect(final == .continue)
        case .quarantine:
            #expect(decision.responses.contains(.quarantine(reason: "emoguard: malicious 31.3")))
            #expect(final == .continue)
        case .reject: #expect(decision.responses == [.replyCode("550 5.7.1 Message rejected as Emotet-style malspam")])
        case .tempfail:
            #expect(decision.responses == [.replyCode("451 4.7.1 Message could not be scanned, try again later")])
        }
    }

    @Test func configuredRepliesAreCheckedAndPercentEscaped() {
        var settings = Settings()
        settings.rejectReply = "554 5.7.0 100% Emotet"
        let decision = MilterPolicy(settings: settings).decide(malicious, for: message())
        #expect(decision.responses == [.replyCode("554 5.7.0 100%% Emotet")])
        settings.rejectReply = "550 rejected"
        #expect(MilterPolicy(settings: settings).decide(malicious, for: message()).responses == [.replyCode("550 rejected")])
    }

    @Test func errorFailsOpenTaggedOrTempfails() {
        var settings = Settings()
        let failed = MilterScanOutcome.failed(reason: "scan error: truncated CFB\r\nInjected: header")
        let open = MilterPolicy(settings: settings).decide(failed, for: message())
        #expect(open.action == .accept)
        #expect(open.responses.first == .addHeader(name: "X-Emoguard-Verdict", value: "error"))
        // Reasons never carry CR or LF into a header.
        #expect(open.responses.contains(.addHeader(name: "X-Emoguard-Error", value: "scan error: truncated CFB??Injected: header")))
        settings.onError = .tempfail
        #expect(MilterPolicy(settings: settings).decide(failed, for: message()).responses.last?.isFinal == true)
        #expect(MilterPolicy(settings: settings).decide(failed, for: message()).action == .tempfail)
    }

    @Test func findingsHeaderIsUniqueAndCapped() {
        let ids = (0..<200).map { "rule.number-\($0 % 150)" }
        let value = MilterPolicy.findingsValue(ids)
        #expect(value.utf8.count <= MilterPolicy.maxFindingsHeaderBytes + 20)
        #expect(value.hasSuffix("more"))
        #expect(value.hasPrefix("rule.number-0, rule.number-1, "))
    }

    @Test func subjectPrefixOnlyOnDetectionsAndOnlyOnce() {
        var settings = Settings()
        settings.subjectPrefix = "[MALSPAM] "
        settings.onMalicious = .tag
        let policy = MilterPolicy(settings: settings)
        #expect(policy.decide(malicious, for: message()).responses.contains(
            .changeHeader(index: 1, name: "Subject", value: "[MALSPAM] Re: 請求書")))
        #expect(!policy.decide(malicious, for: message(subject: "[MALSPAM] again")).responses.contains {
            if case .changeHeader = $0 { true } else { false }
        })
        #expect(policy.decide(malicious, for: message(subject: nil)).responses.contains(
            .addHeader(name: "Subject", value: "[MALSPAM] ")))
        let clean = MilterScanOutcome.scanned(verdict: .clean, score: 0, findingIDs: [])
        #expect(!policy.decide(clean, for: message()).responses.contains { if case .changeHeader = $0 { true } else { false } })
    }

    @Test func infectedSenderEventOnlyOutsideInboundMode() {
        var settings = Settings()
        settings.internalNetworks = [IPNetwork("10.0.0.0/8")!]
        let inside = message(client: "10.1.2.3", auth: "yamada", sender: "<yamada@corp.example.invalid>")
        #expect(MilterPolicy(settings: settings, ownDomains: ["corp.example.invalid"]).decide(malicious, for: inside).infectedSender == nil)
        for mode in [Settings.Mode.outbound, .both] {
            settings.mode = mode
            let policy = MilterPolicy(settings: settings, ownDomains: ["corp.example.invalid"])
            let event = policy.decide(malicious, for: inside).infectedSender
            #expect(event?.clientAddress == "10.1.2.3")
            #expect(event?.saslUser == "yamada")
            #expect(event?.sender == "yamada@corp.example.invalid")
            #expect(event?.reasons == ["sasl-user", "internal-network", "own-domain"])
            // An outside sender on an outside network is no event; nor is a clean message from inside.
            #expect(policy.decide(malicious, for: message()).infectedSender == nil)
            let clean = MilterScanOutcome.scanned(verdict: .clean, score: 0, findingIDs: [])
            #expect(policy.decide(clean, for: inside).infectedSender == nil)
            // A subdomain of an own domain counts.
            let sub = message(sender: "<x@branch.corp.example.invalid>")
            #expect(policy.decide(malicious, for: sub).infectedSender?.reasons == ["own-domain"])
        }
    }

    @Test func skipRules() {
        var settings = Settings()
        settings.trustedNetworks = [IPNetwork("192.0.2.0/24")!, IPNetwork("2001:db8::/32")!]
        var policy = MilterPolicy(settings: settings)
        #expect(policy.skipReason(for: message(client: "192.0.2.200")) == "trusted network 192.0.2.0/24")
        #expect(policy.skipReason(for: message(client: "2001:db8:1::5")) != nil)
        #expect(policy.skipReason(for: message(client: "::ffff:192.0.2.1")) != nil)
        #expect(policy.skipReason(for: message(client: "192.0.3.1")) == nil)
        #expect(policy.skipReason(for: message(auth: "sato")) == nil)
        settings.skipAuthenticated = true
        policy = MilterPolicy(settings: settings)
        #expect(policy.skipReason(for: message(auth: "sato")) == "authenticated sender")
        #expect(policy.skipReason(for: message(auth: "")) == nil)
    }

    @Test func scoreFormatting() {
        #expect(MilterPolicy.format(0) == "0.0")
        #expect(MilterPolicy.format(12.04) == "12.0")
        #expect(MilterPolicy.format(9.96) == "10.0")
        #expect(MilterPolicy.format(.infinity) == "0.0")
    }
}

@Suite struct IPNetworkTests {
    @Test func parsing() {
        #expect(IPNetwork("10.0.0.0/8")?.description == "10.0.0.0/8")
        #expect(IPNetwork("10.9.8.7/8")?.description == "10.0.0.0/8")
        #expect(IPNetwork("192.0.2.1")?.prefixLength == 32)
        #expect(IPNetwork("2001:db8::/32")?.description == "2001:db8::/32")
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "example.invalid", "10.0.0.0/-1", "::/129", "1.2.3.4/"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func membership() throws {
        let v4 = try #require(IPNetwork("172.16.0.0/12"))
        #expect(v4.contains("172.31.255.255"))
        #expect(!v4.contains("172.32.0.0"))
        #expect(v4.contains("[172.16.0.1]"))
        #expect(v4.contains("::ffff:172.16.0.1"))
        #expect(!v4.contains("not an address"))
        let v6 = try #require(IPNetwork("2001:db8:abcd::/48"))
        #expect(v6.contains("IPv6:2001:db8:abcd:1::1"))
        #expect(!v6.contains("2001:db8:abce::1"))
        #expect(!v6.contains("192.0.2.1"))
        #expect(IPNetwork("0.0.0.0/0")?.contains("8.8.8.8") == true)
    }
}

@Suite struct ListenAddressTests {
    @Test func spellings() throws {
        #expect(try MilterListenAddress(parsing: "inet:8890@127.0.0.1") == .inet(host: "127.0.0.1", port: 8890))
        #expect(try MilterListenAddress(parsing: "inet:8890") == .inet(host: "127.0.0.1", port: 8890))
        #expect(try MilterListenAddress(parsing: "inet6:8890@[::1]") == .inet(host: "::1", port: 8890))
        #expect(try MilterListenAddress(parsing: "unix:/run/emoguard.sock") == .unix(path: "/run/emoguard.sock"))
        #expect(try MilterListenAddress(parsing: "local:/run/x") == .unix(path: "/run/x"))
        for bad in ["8890", "inet:port@host", "inet:70000@h", "tcp:1@h", "unix:", "inet:1@"] {
            #expect(throws: MilterServerError.self, "\(bad)") { try MilterListenAddress(parsing: bad) }
        }
    }
}

@Suite struct VerdictLogTests {
    @Test func rotatesBySizeAndKeepsN() throws {
        let dir = NSTemporaryDirectory() + "emoguard-vlog-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/verdicts.jsonl"
        let log = try VerdictLog(path: path, maxBytes: 4096, keep: 2)
        let record = VerdictRecord(
            time: "2026-11-29T00:00:00Z", queueID: "Q", messageID: nil, clientAddress: "192.0.2.1", saslUser: nil,
            sender: "<a@example.invalid>", recipients: ["<b@example.invalid>"], size: 10, verdict: "clean", score: 0,
            findings: [], action: "tag", error: nil, durationMilliseconds: 1, infectedSender: nil)
        for _ in 0..<200 { try log.write(record) }
        log.close()
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: path))
        #expect(fm.fileExists(atPath: path + ".1"))
        #expect(fm.fileExists(atPath: path + ".2"))
        #expect(!fm.fileExists(atPath: path + ".3"))
        for file in [path, path + ".1", path + ".2"] {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.utf8.count <= 4096)
            for line in text.split(separator: "\n") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil)
            }
        }
    }
}
