import MailSignals
import Testing
import TestSupport

@Suite("Reply prefixes and quoted threads")
struct ThreadSignalsTests {
    let signals = ThreadSignals()

    @Test(
        arguments: [
            ("Re: 請求書の件", [SubjectPrefixes.Kind.reply], "請求書の件"),
            ("RE: RE: Fw: 請求書", [.reply, .reply, .forward], "請求書"),
            ("Fwd: invoice", [.forward], "invoice"),
            ("FW:見積書", [.forward], "見積書"),
            ("返信: 打合せ", [.reply], "打合せ"),
            ("転送：打合せ", [.forward], "打合せ"),
            ("Ｒｅ：【至急】請求書の件", [.reply], "【至急】請求書の件"),
            ("Re[2]: 会議", [.reply], "会議"),
            ("Re(3): 会議", [.reply], "会議"),
            ("Re^2: 会議", [.reply], "会議"),
            ("Re : spaced", [.reply], "spaced"),
            ("[partner-ml:0123] Re: 定例", [.reply], "定例"),
            ("AW: WG: Angebot", [.reply, .forward], "Angebot"),
            ("Reminder: 会議", [], "Reminder: 会議"),
            ("Regarding the invoice", [], "Regarding the invoice"),
            ("【至急】Re: 請求書", [], "【至急】Re: 請求書"),
            ("", [], ""),
        ] as [(String, [SubjectPrefixes.Kind], String)]
    )
    func subjectPrefixes(subject: String, kinds: [SubjectPrefixes.Kind], base: String) {
        let p = SubjectPrefixes(parsing: subject)
        #expect(p.prefixes == kinds)
        #expect(p.base == base)
    }

    @Test func replyWithoutReferences() throws {
        let s = try #require(signals.missingReferences(subject: "Re: 請求書の件", inReplyTo: nil, references: " "))
        #expect(s.code == .replyWithoutReferences)
        #expect(s.evidence == "Re: 請求書の件")
        let f = signals.missingReferences(subject: "転送: 資料", inReplyTo: nil, references: nil)
        #expect(f?.code == .forwardWithoutReferences)
    }

    @Test func ordinaryReplyWithReferencesIsNoSignal() {
        #expect(signals.missingReferences(subject: "Re: 請求書の件", inReplyTo: "<a@example.jp>", references: nil) == nil)
        #expect(signals.missingReferences(subject: "RE: x", inReplyTo: nil, references: "<a@x> <b@y>") == nil)
        #expect(signals.missingReferences(subject: "請求書の件", inReplyTo: nil, references: nil) == nil)
    }

    static let outlookJapanese = """
        お世話になっております。
        添付をご確認ください。

        差出人: 山田 太郎 <yamada@partner.co.jp>
        送信日時: 2024年1月8日 10:00
        宛先: 佐藤 花子 <sato@example.jp>
        CC: 経理部 <keiri@example.jp>; Suzuki [mailto:suzuki@partner.co.jp]
        件名: 請求書の件

        佐藤様
        いつもお世話になっております。
        """

    @Test func outlookJapaneseHeaderBlock() {
        let thread = QuotedThread(parsing: Self.outlookJapanese)
        #expect(thread.quoteStartLine == 4)
        #expect(
            thread.participants.map(\.address) == [
                "yamada@partner.co.jp", "sato@example.jp", "keiri@example.jp", "suzuki@partner.co.jp",
            ]
        )
        #expect(thread.participants.map(\.name) == ["山田 太郎", "佐藤 花子", "経理部", "Suzuki"])
        #expect(thread.participants.first?.line == 4)
    }

    @Test func englishOutlookGmailAndQuotes() {
        let body = """
            Please see the attached file.

            -----Original Message-----
            From: Yamada, Taro <yamada@partner.example>
            Sent: Monday, January 8, 2024 10:00 AM
            To: Sato Hanako <sato@example.jp>
            Subject: invoice

            > On Mon, Jan 8, 2024 at 9:00 AM Tanaka Ichiro <
            > tanaka@third.example> wrote:
            >> earlier text
            """
        let thread = QuotedThread(parsing: body)
        #expect(thread.quoteStartLine == 3)
        #expect(
            Set(thread.participants.compactMap(\.address)) == [
                "yamada@partner.example", "sato@example.jp", "tanaka@third.example",
            ]
        )
        #expect(thread.participants.contains { $0.name == "Tanaka Ichiro" })
        #expect(thread.newTextScalars == "Pleaseseetheattachedfile.".count)
    }

    @Test(arguments: [
        "2024年1月8日(月) 10:00 山田 太郎 <yamada@partner.co.jp>:",
        "On 2024/01/08 10:00, 山田 太郎 wrote:",
        "山田 太郎 <yamada@partner.co.jp> さんは書きました:",
        "On Mon, 8 Jan 2024 10:00:00 +0900, yamada@partner.co.jp wrote:",
    ])
    func attributions(line: String) {
        let thread = QuotedThread(parsing: "了解です。\n\n\(line)\n> 本文")
        #expect(thread.quoteStartLine == 3)
        #expect(thread.participants.count == 1)
        let p = thread.participants.first
        #expect(p?.address == "yamada@partner.co.jp" || p?.name == "山田 太郎", "\(thread.participants)")
    }

    @Test func senderAmongParticipants() {
        let thread = QuotedThread(parsing: Self.outlookJapanese)
        // The partner answering again, a colleague of theirs, and us.
        #expect(signals.membership(of: Mailbox(address: "yamada@partner.co.jp"), in: thread) == .address)
        #expect(signals.membership(of: Mailbox(address: "Tanaka@Partner.CO.JP"), in: thread) == .organization)
        #expect(signals.membership(of: Mailbox(address: "sato@example.jp"), in: thread) == .address)
        #expect(signals.senderNotInThread(Mailbox(address: "yamada@partner.co.jp"), thread) == nil)
    }

    @Test func hijackedThreadSenderIsNotAParticipant() throws {
        let thread = QuotedThread(parsing: Self.outlookJapanese)
        let sender = Mailbox(displayName: "山田 太郎", address: "info@compromised-shop.example")
        #expect(signals.membership(of: sender, in: thread) == .absent)
        let s = try #require(signals.senderNotInThread(sender, thread))
        #expect(s.code == .senderNotInQuotedThread)
        #expect(s.evidence.contains("yamada@partner.co.jp"))
    }

    @Test func quoteWithoutAddressesSaysNothing() {
        let thread = QuotedThread(parsing: "ok\n\nOn Monday, Yamada Taro wrote:\n> hi")
        #expect(signals.membership(of: Mailbox(address: "x@evil.example"), in: thread) == .unknown)
        #expect(signals.senderNotInThread(Mailbox(address: "x@evil.example"), thread) == nil)
    }

    @Test func notAQuoteHeader() {
        // A "From:" line in ordinary text, without a header block, starts no quote.
        let thread = QuotedThread(parsing: "From: the sales team\nWe have a new product.\n")
        #expect(thread.quoteStartLine == nil)
        #expect(thread.participants.isEmpty)
    }

    @Test func shortTextAboveLongQuote() throws {
        let quote = String(repeating: "> 先日の件につきまして、ご確認のほどよろしくお願いいたします。\n", count: 20)
        let thread = QuotedThread(parsing: "ご確認ください。\n\n" + quote)
        let s = try #require(signals.shortTextAboveLongQuote(thread))
        #expect(s.code == .shortTextAboveLongQuote)
        #expect(thread.newTextScalars == 8)
        // A real answer of some length above the same quote is none.
        let answer = String(repeating: "お見積りの件、社内で確認いたしました。金額と納期について以下の通りご回答します。\n", count: 6)
        #expect(signals.shortTextAboveLongQuote(QuotedThread(parsing: answer + "\n" + quote)) == nil)
        // Nor is a short mail without a quote.
        #expect(signals.shortTextAboveLongQuote(QuotedThread(parsing: "ok")) == nil)
    }

    @Test func fullCheckOfAHijackedReplyAndAnOrdinaryOne() {
        let quote = String(repeating: "以前のやり取りの本文です。ご確認のほどよろしくお願いいたします。\n", count: 20)
        let hijacked = signals.check(
            subject: "RE: 請求書の件",
            inReplyTo: nil,
            references: nil,
            sender: Mailbox(displayName: "山田 太郎", address: "info@compromised-shop.example"),
            body: "ご確認ください。\n\n"
                + Self.outlookJapanese.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3).joined(
                    separator: "\n"
                )
                + "\n" + quote
        )
        #expect(
            Set(hijacked.map(\.code)) == [.replyWithoutReferences, .senderNotInQuotedThread, .shortTextAboveLongQuote]
        )
        let ordinary = signals.check(
            subject: "RE: 請求書の件",
            inReplyTo: "<1@partner.co.jp>",
            references: "<1@partner.co.jp>",
            sender: Mailbox(displayName: "山田 太郎", address: "yamada@partner.co.jp"),
            body: String(repeating: "ご連絡ありがとうございます。請求書の金額を確認し、経理部にて処理いたします。\n", count: 4)
                + "\n" + Self.outlookJapanese
        )
        #expect(ordinary.isEmpty, "\(ordinary)")
    }

    @Test func quoteScanningStopsAtTheLineLimit() {
        var limits = MailSignalLimits()
        limits.maxQuoteLines.maximum = 10
        let body = String(repeating: "line\n", count: 50) + "差出人: x <x@evil.example>\n宛先: y <y@example.jp>\n"
        let thread = QuotedThread(parsing: body, limits: limits)
        #expect(thread.limitReached)
        #expect(thread.participants.isEmpty)
        let s = ThreadSignals(limits: limits).check(
            subject: "x",
            inReplyTo: nil,
            references: nil,
            sender: Mailbox(address: "a@b.example"),
            body: body
        )
        #expect(s.map(\.code) == [.limitReached])
    }
}

/// The quoted-thread reader cleans ASCII lines on their bytes and other lines through their scalars: a no-break
/// space at the end of every line (trimmed, and no weight) sends each line down the scalar path and must change
/// nothing.
@Suite("Quoted thread: the ASCII line path against the scalar path")
struct QuotedThreadLinePathTests {
    static let lines: [String] = [
        "Thanks, see the attachment.", "  Regards,", "Taro", "", "On Mon, 6 Mar 2023 at 10:00, Sato <sato@partner.example.jp> wrote:",
        "> Please check the invoice.", "> ", ">> older text", "-----Original Message-----", "From: Sato Hanako <sato@partner.example.jp>",
        "Sent: Monday, March 6, 2023 10:00 AM", "To: Yamada <yamada@example.jp>; Suzuki <suzuki@example.jp>",
        "Subject: RE: invoice", "*From:* Kato <kato@example.jp>", "\tindented line\t", "a: b", "x",
        "________________________________", "Cc: ito@example.jp",
    ]

    @Test func seededRandomBodies() {
        var rng = SplitMix64(seed: 0x7468_7265_6164)
        for _ in 0..<500 {
            var picked: [String] = []
            for _ in 0..<Int.random(in: 1...30, using: &rng) {
                picked.append(Self.lines[Int.random(in: 0..<Self.lines.count, using: &rng)])
            }
            let crlf = Bool.random(using: &rng)
            let ascii = picked.joined(separator: crlf ? "\r\n" : "\n")
            let scalarPath = picked.map { $0 + "\u{00A0}" }.joined(separator: crlf ? "\r\n" : "\n")
            #expect(QuotedThread(parsing: ascii) == QuotedThread(parsing: scalarPath), "\(ascii.debugDescription)")
        }
    }

    @Test func limitsAreCountedInScalars() {
        var limits = MailSignalLimits.default
        limits.maxBodyScalars.maximum = 10
        #expect(QuotedThread(parsing: "12345678901", limits: limits).limitReached)
        #expect(!QuotedThread(parsing: "1234567890", limits: limits).limitReached)
        // Ten scalars, thirty bytes: not cut.
        #expect(!QuotedThread(parsing: "山田太郎山田太郎山田", limits: limits).limitReached)
        #expect(QuotedThread(parsing: "山田太郎山田太郎山田太", limits: limits).limitReached)
        limits = .default
        limits.maxQuoteLines.maximum = 2
        #expect(QuotedThread(parsing: "a\nb\nc", limits: limits).limitReached)
        #expect(!QuotedThread(parsing: "a\nb", limits: limits).limitReached)
    }
}
