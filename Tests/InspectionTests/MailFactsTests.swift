import Foundation
import Testing

@testable import Inspection

/// Scans a message written in the test, with CRLF line ends.
func scanMail(
    _ text: String, policy: MailPolicy = .default, indicators: (any IndicatorLookup)? = nil
) -> ScanResult {
    let bytes = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    return Inspector(mailPolicy: policy, indicators: indicators).scan(bytes[...], name: nil, input: "test.eml")
}

/// A base64 body line for an attachment.
let zipStub = "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="

let companyPolicy = MailPolicy(
    ownDomains: ["example.co.jp"], partnerDomains: ["partner.co.jp"], protectedNames: ["経理部", "山田 太郎"])

@Suite struct ImpersonationFactTests {
    @Test func japaneseDisplayNameWithAnotherAddress() {
        let r = scanMail(
            """
            From: =?UTF-8?B?5bGx55SwIOWkqumDjiA8eWFtYWRhQHBhcnRuZXIuY28uanA+?= <kxq@mail-srv.example>
            To: sato@example.co.jp
            Subject: =?UTF-8?B?6KuL5rGC5pu4?=
            Message-ID: <1@mail-srv.example>

            ご確認ください。
            """, policy: companyPolicy)
        let f = r.findings(.mailDisplayNameAddress)
        #expect(f.count == 1)
        #expect(f.first?.evidence.path == "message")
        #expect(f.first?.evidence.line == 1)
        #expect(f.first?.message.contains("yamada@partner.co.jp") == true)
        #expect(r.verdict == .suspicious)
    }

    @Test func protectedDepartmentFromOutside() {
        let r = scanMail(
            """
            From: =?UTF-8?B?57WM55CG6YOo?= <keiri.example@gmail.example>
            To: sato@example.co.jp
            Subject: payment

            振込先変更のお知らせ
            """, policy: companyPolicy)
        #expect(r.has(.mailProtectedNameOutside))
        #expect(r.verdict == .suspicious)
    }

    @Test func protectedNameInsideIsFine() {
        let r = scanMail(
            """
            From: =?UTF-8?B?57WM55CG6YOo?= <keiri@example.co.jp>
            To: sato@example.co.jp
            Subject: payment

            今月の締め
            """, policy: companyPolicy)
        #expect(!r.has(.mailProtectedNameOutside))
        #expect(r.verdict == .clean)
    }

    @Test func replyToDivergenceAndIDNLookalike() {
        // xn--partnr-7of.co.jp is "partnеr" with a Cyrillic е.
        let r = scanMail(
            """
            From: Yamada <yamada@xn--partnr-7of.co.jp>
            Reply-To: yamada@collect.example
            To: sato@example.co.jp
            Subject: hello

            text
            """, policy: companyPolicy)
        #expect(r.has(.mailReplyToDivergence))
        #expect(r.findings(.mailReplyToDivergence).first?.evidence.line == 2)
        let look = r.findings(.mailLookalikeDomain)
        #expect(!look.isEmpty)
        #expect(look.contains { $0.message.contains("partner.co.jp") })
    }

    @Test func asciiLookalikeOfOwnDomain() {
        let r = scanMail(
            """
            From: Sato <sato@examp1e.co.jp>
            To: tanaka@example.co.jp
            Subject: hi

            text
            """, policy: companyPolicy)
        #expect(r.has(.mailLookalikeDomain))
    }

    @Test func dmarcFailFromTheTopmostField() {
        let r = scanMail(
            """
            Authentication-Results: mx.example.co.jp; spf=fail smtp.mailfrom=partner.co.jp; dmarc=fail header.from=partner.co.jp
            Authentication-Results: forged.example; dkim=fail header.d=partner.co.jp
            From: Yamada <yamada@partner.co.jp>
            To: sato@example.co.jp
            Subject: hi

            text
            """)
        #expect(r.has(.mailDMARCFail))
        #expect(r.has(.mailSPFFail))
        #expect(!r.has(.mailDKIMFail))
        #expect(r.findings(.mailDMARCFail).first?.evidence.line == 1)
    }

    @Test func onlyTrustedAuthservIDsCount() {
        let text = """
            Authentication-Results: forged.example; dmarc=fail header.from=partner.co.jp
            Authentication-Results: mx.example.co.jp; dmarc=pass header.from=partner.co.jp
            From: Yamada <yamada@partner.co.jp>
            Subject: hi

            text
            """
        #expect(scanMail(text).has(.mailDMARCFail))
        #expect(!scanMail(text, policy: MailPolicy(trustedAuthservIDs: ["mx.example.co.jp"])).has(.mailDMARCFail))
    }
}

@Suite struct HijackedThreadFactTests {
    static let quote = String(
        repeating: "> 先日お送りした見積書の件、社内で確認いたしました。納期について改めてご相談させてください。\n", count: 12)

    static func hijackedReply(attachment: Bool) -> String {
        var text = """
            From: =?UTF-8?B?5bGx55Sw?= <info@shop-random.example>
            To: sato@example.co.jp
            Subject: =?UTF-8?B?UmU6IOimi+epjeabuOOBruS7tg==?=
            Message-ID: <9@shop-random.example>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain; charset=utf-8

            ご確認ください。

            -----Original Message-----
            From: Sato <sato@example.co.jp>
            To: Yamada <yamada@partner.co.jp>
            Subject: 見積書の件

            \(quote)
            """
        if attachment {
            text += """
                --b
                Content-Type: application/zip; name="doc.zip"
                Content-Disposition: attachment; filename="doc.zip"
                Content-Transfer-Encoding: base64

                \(zipStub)
                """
        }
        return text + "\n--b--\n"
    }

    @Test func replyWithoutReferencesAndSenderOutsideTheThread() {
        let r = scanMail(Self.hijackedReply(attachment: false))
        #expect(r.has(.mailReplyWithoutReferences))
        let outsider = r.findings(.mailSenderNotInThread)
        #expect(outsider.count == 1)
        #expect(outsider.first?.evidence.path == "message/body[1]")
        #expect(outsider.first?.evidence.line != nil)
        // No attachment, no link: the short text over a long quote is not reported.
        #expect(!r.has(.mailShortTextLongQuote))
        #expect(r.verdict == .suspicious)
    }

    @Test func withAnAttachmentTheShortTextIsReported() {
        let r = scanMail(Self.hijackedReply(attachment: true))
        #expect(r.has(.mailShortTextLongQuote))
    }

    @Test func ordinaryReplyWithReferencesIsClean() {
        let r = scanMail(
            """
            From: Yamada <yamada@partner.co.jp>
            To: Sato <sato@example.co.jp>
            Subject: Re: 見積書の件
            In-Reply-To: <1@example.co.jp>
            References: <1@example.co.jp>

            佐藤様

            承知しました。来週火曜でお願いします。

            On Mon, 3 Apr 2023 at 10:00, Sato <sato@example.co.jp> wrote:
            \(Self.quote)
            """, policy: companyPolicy)
        #expect(!r.has(.mailReplyWithoutReferences))
        #expect(!r.has(.mailSenderNotInThread))
        #expect(r.verdict == .clean)
    }

    @Test func mailingListReplyIsNotASenderOutsideTheThread() {
        let r = scanMail(
            """
            From: "'Suzuki' via dev-ml" <dev-ml@lists.example.org>
            Sender: dev-ml@lists.example.org
            List-Id: Dev ML <dev-ml.lists.example.org>
            To: dev-ml@lists.example.org
            Subject: Re: [dev-ml] release
            References: <a@b.example>

            +1

            On Tue, Taro <taro@other.example> wrote:
            \(Self.quote)
            """)
        #expect(!r.has(.mailSenderNotInThread))
        #expect(!r.has(.mailDisplayNameAddress))
        #expect(r.verdict == .clean)
    }
}

@Suite struct URLFactTests {
    @Test func defangedAndIPLiteralAndDownloadLinks() {
        let r = scanMail(
            """
            From: a@sender.example
            Subject: invoice

            Download: hxxp://203.0.113.7/wp-content/uploads/invoice[.]doc
            See also https://partner.example/file.zip
            """)
        #expect(r.has(.urlDefanged))
        #expect(r.has(.urlIPLiteral))
        #expect(r.has(.urlDownloadPath))
        #expect(r.has(.urlWordPressPath))
        let ip = r.findings(.urlIPLiteral).first
        #expect(ip?.evidence.path == "message/body[1]")
        #expect(ip?.evidence.line == 1)
        let urls = r.root.properties?["urls"] ?? ""
        #expect(urls.contains("http://203.0.113.7/wp-content/uploads/invoice.doc"))
        #expect(urls.contains("https://partner.example/file.zip"))
    }

    @Test func htmlLinkWhoseTextShowsAnotherDomain() {
        let r = scanMail(
            """
            From: a@sender.example
            Subject: notice
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8

            <p>Please sign in: <a href="https://login.evil.example/x">https://www.partner.co.jp/login</a></p>
            <p><a href="ms-appinstaller:?source=https://evil.example/app.appinstaller">Install</a></p>
            """)
        #expect(r.has(.urlTextTargetMismatch))
        #expect(r.has(.urlAppInstaller))
        #expect(r.verdict == .suspicious)
    }

    @Test func newsletterThroughAKnownRedirectorIsClean() {
        var links = ""
        for i in 1...30 {
            links += "<p><a href=\"https://example.us1.list-manage.com/track/click?u=\(i)\">https://shop.example.com/item/\(i)</a>"
                + "<img src=\"https://shop.example.com/wp-content/uploads/item\(i).jpg\"></p>\n"
        }
        let r = scanMail(
            """
            From: Shop News <news@shop.example.com>
            Reply-To: support@shop.example.com
            Return-Path: <bounce-123@mail.mailchimp.example>
            List-Unsubscribe: <https://shop.example.com/unsubscribe>
            Subject: Spring sale
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8

            <html><body>\(links)</body></html>
            """)
        #expect(!r.has(.urlTextTargetMismatch))
        #expect(!r.has(.urlWordPressPath))
        #expect(r.verdict == .clean)
    }
}

@Suite struct CombinationTests {
    @Test func hijackedReplyWithAnUnopenedPasswordZIPIsMalicious() throws {
        // The password ZIP of the fixture, behind a hijacked reply.
        let fixture = String(decoding: try Fixture.bytes("mail/zipcrypto-no-password.eml"), as: UTF8.self)
        var lines = fixture.components(separatedBy: "\n")
        lines.removeAll { $0.lowercased().hasPrefix("subject:") || $0.lowercased().hasPrefix("in-reply-to:")
            || $0.lowercased().hasPrefix("references:") }
        lines.insert("Subject: Re: invoice", at: 0)
        let bytes = Array(lines.joined(separator: "\n").utf8)
        let r = Inspector().scan(bytes[...], input: "hijack.eml")
        #expect(r.has(.zipEncryptedUnopened))
        #expect(r.has(.mailReplyWithoutReferences))
        #expect(r.has(.hijackedThreadLure))
        #expect(r.findings(.hijackedThreadLure).first?.evidence.path == "message")
        #expect(r.verdict == .malicious)
    }

    @Test func aHijackedReplyWithAnOpenedCleanZIPIsNotMalicious() throws {
        let fixture = String(decoding: try Fixture.bytes("mail/ppap-clean.eml"), as: UTF8.self)
        var lines = fixture.components(separatedBy: "\n")
        lines.removeAll { $0.lowercased().hasPrefix("subject:") }
        lines.insert("Subject: Re: invoice", at: 0)
        let r = Inspector().scan(Array(lines.joined(separator: "\n").utf8)[...], input: "ppap-reply.eml")
        #expect(r.has(.zipOpenedWithPassword))
        #expect(!r.has(.hijackedThreadLure))
        #expect(r.verdict != .malicious)
    }

    @Test func impersonationWithADownloadLinkIsMalicious() {
        let r = scanMail(
            """
            From: "yamada@partner.co.jp" <x@random.example>
            Subject: 請求書

            http://shop.example/wp-content/plugins/x/invoice.doc
            """, policy: companyPolicy)
        #expect(r.has(.impersonationLure))
        #expect(r.verdict == .malicious)
    }
}

@Suite struct ReceivedHeaderTests {
    @Test func firstPublicRelayIsTheSenderIP() {
        let ip = MailFacts.senderIP([
            "from localhost (localhost [127.0.0.1]) by mx.example.co.jp",
            "from mail.sender.example (mail.sender.example [192.0.2.55]) by mx.example.co.jp (Postfix)",
            "from [10.0.0.5] by mail.sender.example",
        ])
        #expect(ip == "192.0.2.55")
        #expect(MailFacts.senderIP(["from x ([IPv6:2001:db8::5]) by y"]) == "2001:db8::5")
        #expect(MailFacts.senderIP(["from x ([192.168.1.1]) by y"]) == nil)
    }
}
