import Foundation
import Testing

@testable import EmoguardConfig

@Suite struct ConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theCommentedExampleIsValid() throws {
        let c = try EmoguardConfiguration(contentsOf: Self.root.appendingPathComponent("Examples/emoguard.yaml").path)
        #expect(c.ownDomains == ["example.co.jp", "example.com"])
        #expect(c.partnerDomains == ["partner.co.jp"])
        #expect(c.protectedNames == ["経理部", "山田 太郎", "Taro Yamada"])
        #expect(c.trustedAuthservIDs == ["mx.example.co.jp"])
        #expect(c.redirectorDomains == nil)
        #expect(c.thresholds == .init(suspicious: 4, malicious: 10))
        #expect(c.intelDB == nil)
        #expect(c.milter.onMalicious == .reject)
    }

    @Test(arguments: ["", "# nothing but a comment\n", "~\n"])
    func anEmptyFileHasEveryDefault(text: String) throws {
        #expect(try EmoguardConfiguration(yaml: text) == EmoguardConfiguration())
    }

    @Test func defaults() {
        let c = EmoguardConfiguration()
        #expect(c.ownDomains.isEmpty && c.partnerDomains.isEmpty && c.protectedNames.isEmpty)
        #expect(c.thresholds.suspicious == 4 && c.thresholds.malicious == 10)
        #expect(c.intelDB == nil)
        #expect(c.milter.onSuspicious == .tag && c.milter.onError == .accept)
    }

    @Test func flowListsAndDomainsAreNormalised() throws {
        let c = try EmoguardConfiguration(
            yaml: "own_domains: [Example.CO.JP., sub.example.com]\nintel_db: /tmp/i.sqlite\nthresholds: {malicious: 12}\n")
        #expect(c.ownDomains == ["example.co.jp", "sub.example.com"])
        #expect(c.intelDB == "/tmp/i.sqlite")
        #expect(c.thresholds.malicious == 12 && c.thresholds.suspicious == 4)
    }

    func error(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try EmoguardConfiguration(yaml: yaml, source: "t.yaml")
            return nil
        } catch let e as ConfigurationError {
            return e
        } catch {
            return nil
        }
    }

    @Test func unknownKeyNamesItsLine() {
        let e = error("own_domains: [a.example]\n\nown_domain: [b.example]\n")
        #expect(e?.line == 3)
        #expect(e?.reason.contains("own_domain") == true)
        #expect(e?.description.hasPrefix("t.yaml:3: ") == true)
    }

    @Test func wrongTypesAndValues() {
        #expect(error("own_domains: example.co.jp\n")?.line == 1)
        #expect(error("partner_domains:\n  - partner.co.jp\n  - not a domain\n")?.line == 3)
        #expect(error("protected_names: [[a]]\n") != nil)
        #expect(error("thresholds:\n  suspicious: 12\n  malicious: 10\n")?.reason.contains("below") == true)
        #expect(error("thresholds:\n  suspicious: -1\n")?.line == 2)
        #expect(error("milter:\n  on_malicious: explode\n")?.line == 2)
        #expect(error("own_domains: [a.example]\nown_domains: [b.example]\n")?.reason.contains("twice") == true)
        #expect(error("- just\n- a list\n")?.line == 1)
    }

    @Test func syntaxErrorsNameTheLine() {
        let e = error("own_domains: [a.example\nthresholds: {suspicious: 3\n")
        #expect(e?.line != nil)
        #expect(e?.reason.hasPrefix("YAML syntax") == true)
    }

    @Test func aResourceFileWithABadNumber() throws {
        let url = try #require(Bundle.module.url(forResource: "Resources/bad-threshold", withExtension: "yaml"))
        #expect(throws: ConfigurationError.self) { try EmoguardConfiguration(contentsOf: url.path) }
        do {
            _ = try EmoguardConfiguration(contentsOf: url.path)
        } catch let e as ConfigurationError {
            #expect(e.line == 4)
            #expect(e.reason.contains("thresholds.malicious"))
        }
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: ConfigurationError.self) { try EmoguardConfiguration(contentsOf: "/nonexistent/emoguard.yaml") }
    }

    @Test func milterSection() throws {
        let c = try EmoguardConfiguration(
            yaml: """
                milter:
                  on_clean: accept
                  on_suspicious: quarantine
                  on_malicious: tempfail
                  on_error: tempfail
                  on_oversize: reject
                  reject_reply: "554 5.7.0 No thanks"
                  tempfail_reply: "450 4.7.0 Later"
                  subject_prefix: "[SUSPICIOUS] "
                  max_message_bytes: 1000000
                  memory_body_bytes: 65536
                  scan_timeout: 2.5
                  mode: both
                  trusted_networks: [192.0.2.0/24, "2001:db8::/32"]
                  skip_authenticated: true
                  internal_networks: [10.0.0.0/8]
                """, source: "t.yaml")
        let m = c.milter
        #expect(m.onClean == .accept && m.onSuspicious == .quarantine && m.onMalicious == .tempfail)
        #expect(m.onError == .tempfail && m.onOversize == .reject)
        #expect(m.rejectReply == "554 5.7.0 No thanks" && m.tempfailReply == "450 4.7.0 Later")
        #expect(m.subjectPrefix == "[SUSPICIOUS] ")
        #expect(m.maxMessageBytes == 1_000_000 && m.memoryBodyBytes == 65536 && m.scanTimeout == 2.5)
        #expect(m.mode == .both && m.skipAuthenticated)
        #expect(m.trustedNetworks.map(\.description) == ["192.0.2.0/24", "2001:db8::/32"])
        #expect(m.internalNetworks.first?.contains("10.20.30.40") == true)
    }

    @Test func milterSectionErrorsNameTheLine() {
        func error(_ yaml: String) -> ConfigurationError? {
            do {
                _ = try EmoguardConfiguration(yaml: yaml, source: "t.yaml")
                return nil
            } catch { return error as? ConfigurationError }
        }
        #expect(error("milter:\n  on_clean: reject\n")?.line == 2)  // clean mail is accepted or tagged only
        #expect(error("milter:\n  on_error: quarantine\n")?.line == 2)
        #expect(error("milter:\n  reject_reply: \"451 4.7.1 wrong class\"\n")?.line == 2)
        #expect(error("milter:\n  tempfail_reply: \"550 5.7.1 wrong class\"\n")?.line == 2)
        #expect(error("milter:\n  reject_reply: \"55x oops\"\n") != nil)
        #expect(error("milter:\n  max_message_bytes: -5\n")?.line == 2)
        #expect(error("milter:\n  scan_timeout: 0\n")?.line == 2)
        #expect(error("milter:\n  mode: sideways\n")?.line == 2)
        #expect(error("milter:\n  trusted_networks: [10.0.0.0/40]\n")?.reason.contains("10.0.0.0/40") == true)
        #expect(error("milter:\n  skip_authenticated: maybe\n")?.line == 2)
        #expect(error("milter:\n\n  on_everything: tag\n")?.line == 3)
    }
}
