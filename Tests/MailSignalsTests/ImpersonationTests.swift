import MailSignals
import Testing

@Suite("Display names and address headers")
struct ImpersonationTests {
    let check = ImpersonationCheck(
        ownDomains: ["example.jp"],
        protectedNames: ["山田 太郎", "経理部", "Taro Yamada", "ﾔﾏﾀﾞ ﾀﾛｳ"]
    )

    @Test func normalizerFoldsWidthSpacesAndCase() {
        #expect(NameNormalizer.normalize("山田　太郎") == NameNormalizer.normalize("山田太郎"))
        #expect(NameNormalizer.normalize("ＹＡＭＡＤＡ Taro") == "yamadataro")
        #expect(NameNormalizer.normalize("ﾔﾏﾀﾞ ﾀﾛｳ") == "ヤマダタロウ")
        #expect(NameNormalizer.normalize("山田\u{200B}太郎") == "山田太郎")
        #expect(NameNormalizer.tokens("Yamada・Taro") == ["yamada", "taro"])
    }

    @Test(arguments: [
        ("\"yamada@partner.co.jp\"", "yamada@partner.co.jp"),
        ("yamada＠partner.co.jp", "yamada@partner.co.jp"),
        ("ｙａｍａｄａ ＠ ｐａｒｔｎｅｒ．ｃｏ．ｊｐ", "yamada@partner.co.jp"),
        ("経理部 山田 (yamada@partner.co.jp)", "yamada@partner.co.jp"),
        ("山田 太郎 yamada @ partner.co.jp", "yamada@partner.co.jp"),
    ])
    func embeddedAddressIsFound(name: String, expected: String) throws {
        #expect(check.addresses(inDisplayName: name) == [expected])
        let signal = try #require(check.embeddedAddress(in: Mailbox(displayName: name, address: "x@evil.example")))
        #expect(signal.code == .displayNameEmbeddedAddress)
        #expect(signal.message.contains(expected))
        #expect(signal.evidence.contains("x@evil.example"))
    }

    @Test func sameAddressInDisplayNameIsNoSignal() {
        let mailbox = Mailbox(displayName: "Yamada@Partner.co.jp", address: "yamada@partner.co.jp")
        #expect(check.embeddedAddress(in: mailbox) == nil)
        let fullWidth = Mailbox(displayName: "yamada＠partner．co．jp", address: "<YAMADA@partner.co.jp>")
        #expect(check.embeddedAddress(in: fullWidth) == nil)
    }

    @Test func namesWithoutAddressesAreNoSignal() {
        for name in ["山田 太郎", "Taro @ Partner Inc.", "経理部＠本社", "@yamada", "a@b"] {
            #expect(check.embeddedAddress(in: Mailbox(displayName: name, address: "x@evil.example")) == nil, "\(name)")
        }
    }

    @Test(arguments: [
        "山田 太郎", "山田　太郎", "山田太郎", "経理部 山田", "【経理部】", "ｹｲﾘ 経理部", "Yamada Taro", "TARO YAMADA",
        "ヤマダ タロウ",
    ])
    func protectedNameFromOutside(name: String) throws {
        let signal = try #require(check.protectedName(in: Mailbox(displayName: name, address: "taro@evil.example")))
        #expect(signal.code == .displayNameProtected)
        #expect(signal.message.contains("evil.example"))
    }

    @Test func protectedNameFromOwnDomainIsNoSignal() {
        #expect(check.protectedName(in: Mailbox(displayName: "山田 太郎", address: "yamada@example.jp")) == nil)
        #expect(check.protectedName(in: Mailbox(displayName: "経理部", address: "keiri@mail.example.jp")) == nil)
        #expect(check.protectedName(in: Mailbox(displayName: "経理部", address: "keiri＠ＥＸＡＭＰＬＥ.jp")) == nil)
    }

    @Test func otherNamesAreNoSignal() {
        for name in ["山田 花子", "Taro Suzuki", "Yamadataro Shoji", "総務部", "Taro", ""] {
            #expect(check.protectedName(in: Mailbox(displayName: name, address: "x@partner.example")) == nil, "\(name)")
        }
    }

    @Test func asciiProtectedNamesMatchWholeWords() {
        let c = ImpersonationCheck(ownDomains: ["example.jp"], protectedNames: ["Sato"])
        #expect(c.protectedName(in: Mailbox(displayName: "Sato Ichiro", address: "s@evil.example")) != nil)
        #expect(c.protectedName(in: Mailbox(displayName: "Satoshi Ito", address: "s@evil.example")) == nil)
    }

    @Test func replyToReturnPathAndSenderDivergence() {
        let headers = OriginHeaders(
            from: Mailbox(displayName: "山田", address: "yamada@mail.partner.co.jp"),
            replyTo: [Mailbox(address: "yamada.partner@freemail.example")],
            returnPath: "bounce@evil.example",
            sender: Mailbox(address: "relay@other.example")
        )
        let codes = check.domainDivergence(headers).map(\.code)
        #expect(codes == [.replyToDomainDiffers, .returnPathDomainDiffers, .senderDomainDiffers])
    }

    @Test func sameOrganizationIsNoDivergence() {
        let headers = OriginHeaders(
            from: Mailbox(address: "yamada@partner.co.jp"),
            replyTo: [Mailbox(address: "sales@www.partner.co.jp")],
            returnPath: "bounces@mail.partner.co.jp",
            sender: Mailbox(address: "yamada@PARTNER.CO.JP")
        )
        #expect(check.domainDivergence(headers).isEmpty)
        // co.jp is a public suffix: two companies under it are different organisations.
        let two = OriginHeaders(
            from: Mailbox(address: "a@partner.co.jp"),
            replyTo: [Mailbox(address: "a@other.co.jp")]
        )
        #expect(check.domainDivergence(two).map(\.code) == [.replyToDomainDiffers])
        #expect(check.domainDivergence(OriginHeaders(from: Mailbox(address: "a@x.jp"), returnPath: "")).isEmpty)
    }

    @Test func mailingListWithRewrittenFromIsNoSignal() {
        // Mailman's DMARC mitigation: From is the list, the poster moves to Reply-To; Sender and Return-Path are the
        // list's bounce addresses.
        let rewritten = OriginHeaders(
            from: Mailbox(displayName: "'yamada@partner.co.jp' via 取引先ML", address: "partner-ml@lists.example.jp"),
            replyTo: [Mailbox(displayName: "山田 太郎", address: "yamada@partner.co.jp")],
            returnPath: "partner-ml-bounces@lists.example.jp",
            sender: Mailbox(address: "partner-ml-bounces@lists.example.jp"),
            listID: "取引先ML <partner-ml.lists.example.jp>"
        )
        #expect(check.check(rewritten).isEmpty, "\(check.check(rewritten))")
        // The classic form: From unchanged, Sender and Return-Path of the list.
        let classic = OriginHeaders(
            from: Mailbox(displayName: "Yamada", address: "yamada@partner.co.jp"),
            returnPath: "ml-bounces@lists.example.org",
            sender: Mailbox(address: "ml-bounces@lists.example.org"),
            listID: "<ml.lists.example.org>"
        )
        #expect(check.check(classic).isEmpty)
    }

    @Test func fullCheckOfAnEmotetStyleFrom() {
        let headers = OriginHeaders(
            from: Mailbox(displayName: "経理部 山田 <yamada@example.jp>", address: "admin@compromised.example"),
            replyTo: [Mailbox(address: "drop@evil.example")]
        )
        let codes = Set(check.check(headers).map(\.code))
        #expect(codes == [.displayNameEmbeddedAddress, .displayNameProtected, .replyToDomainDiffers])
    }

    @Test func organizationalDomains() {
        #expect(DomainName.organizationalDomain(of: "a.b.partner.co.jp") == "partner.co.jp")
        #expect(DomainName.organizationalDomain(of: "news.example.com") == "example.com")
        #expect(DomainName.organizationalDomain(of: "example.jp") == "example.jp")
        #expect(DomainName.organizationalDomain(of: "co.jp") == "co.jp")
        #expect(DomainName.organizationalDomain(of: "mail.city.example.lg.jp") == "example.lg.jp")
        #expect(DomainName.organizationalDomain(of: "www.example.co.uk") == "example.co.uk")
        #expect(DomainName.domain(ofAddress: "Yamada <yamada@Partner.CO.JP>") == "partner.co.jp")
        #expect(DomainName.domain(ofAddress: "yamada＠ｐａｒｔｎｅｒ。ｊｐ") == "partner.jp")
        #expect(DomainName.domain(ofAddress: "no-at-sign") == nil)
        #expect(DomainName.normalize("exa mple.jp") == nil)
        #expect(DomainName.normalize("a..b") == nil)
        #expect(DomainName.normalize("Example.JP.") == "example.jp")
    }
}
