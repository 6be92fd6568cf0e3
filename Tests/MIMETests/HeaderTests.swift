import Charsets
import MIME
import Testing

@Suite struct JapaneseHeaderTests {
    @Test func iso2022jpSubject() throws {
        let m = try parse("Subject: =?ISO-2022-JP?B?GyRCQEE1YT1xJE4kNEF3SVUbKEI=?=\nFrom: a@example.invalid\n\nbody\n")
        #expect(m.subject == "請求書のご送付")
    }

    @Test func iso2022jpSplitAcrossWords() throws {
        // The first word ends in the middle of a two-byte JIS character.
        let m = try parse("Subject: =?iso-2022-jp?B?GyRCQEE1?=\n =?iso-2022-jp?B?YT1xJE4kNEF3SVUbKEI=?=\n\nx")
        #expect(m.subject == "請求書のご送付")
    }

    @Test func utf8SplitAcrossWords() throws {
        let m = try parse("Subject: =?UTF-8?B?6KuL5g==?= =?utf-8?B?sYLmm7jjga7jgZTpgIHku5g=?=\n\nx")
        #expect(m.subject == "請求書のご送付")
    }

    @Test func cp932QuotedPrintableWord() throws {
        let m = try parse("Subject: Re: =?Shift_JIS?Q?=87=40=87=8A=EE=E0=ED=95?= _x\n\nx")
        #expect(m.subject == "Re: ①㈱髙﨑 _x")
    }

    @Test func whitespaceBetweenWordsAndText() throws {
        let m = try parse("Subject: a =?utf-8?q?b?= =?utf-8?q?c?=  d =?utf-8?q?e_f?=\n\nx")
        #expect(m.subject == "a bc  d e f")
    }

    @Test func rawEightBitHeaders() throws {
        var bytes = msg("Subject: ")
        bytes += hexBytes("90bf8b818f91")  // raw CP932
        bytes += msg("\nX-UTF8: ")
        bytes += Array("請求書".utf8)
        bytes += msg("\nX-Latin: caf")
        bytes += [0xE9]
        bytes += msg("\n\nbody")
        let m = try MIMEMessage(parsing: bytes)
        #expect(m.subject == "請求書")
        #expect(m.root.headers["x-utf8"] == "請求書")
        #expect(m.root.headers["X-LATIN"] == "café")
        #expect(m.root.codes.contains(.nonASCIIHeader))
    }

    @Test func rawISO2022JPHeader() throws {
        var bytes = msg("Subject: Re: ")
        bytes += hexBytes("1b2442404135613d711b2842")
        bytes += msg("\n\nx")
        #expect(try MIMEMessage(parsing: bytes).subject == "Re: 請求書")
    }

    @Test func unknownCharsetIsADefect() throws {
        let m = try parse("Subject: =?x-bogus?Q?abc?=\n\nx")
        #expect(m.subject == "abc")
        #expect(m.root.codes.contains(.unknownCharset))
    }

    @Test func fromWithJapaneseDisplayName() throws {
        let m = try parse(
            "From: =?ISO-2022-JP?B?GyRCQEE1YT1xGyhC?= <billing@example.invalid>, \"Doe, J.\" <j@example.invalid>\n\nx"
        )
        #expect(
            m.from == [
                MailAddress(displayName: "請求書", address: "billing@example.invalid"),
                MailAddress(displayName: "Doe, J.", address: "j@example.invalid"),
            ]
        )
    }

    @Test func foldedHeaderKeepsRaw() throws {
        let m = try parse("Subject: part one\r\n\tpart two\r\n\r\nbody", crlf: false)
        let f = try #require(m.root.headers.first("subject"))
        #expect(f.value == "part one\tpart two")
        #expect(Array(f.rawValue) == Array(" part one\r\n\tpart two".utf8))
        #expect(f.line == 1)
        #expect(m.root.headers.all("SUBJECT").count == 1)
    }
}

@Suite struct FilenameTests {
    func part(_ headers: String) throws -> MIMEPart {
        let m = try parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\(headers)\n\nQUJD\n--b--\n")
        return try #require(m.root.children.first)
    }

    @Test func rfc2231UTF8() throws {
        let p = try part(
            "Content-Type: application/zip\nContent-Disposition: attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8%2E%7A%69%70"
        )
        #expect(p.filename == "請求書.zip")
        #expect(p.disposition == "attachment")
        #expect(p.isAttachment)
    }

    @Test func rfc2231Continuations() throws {
        let p = try part(
            "Content-Disposition: attachment;\n filename*0*=UTF-8'ja'%E8%AB%8B%E6%B1%82;\n filename*1*=%E6%9B%B8;\n filename*2=\".zip\""
        )
        #expect(p.filename == "請求書.zip")
    }

    @Test func rfc2231PlainContinuations() throws {
        let p = try part("Content-Disposition: attachment; filename*1=\"part2.doc\"; filename*0=\"part1-\"")
        #expect(p.filename == "part1-part2.doc")
    }

    @Test func rfc2231ShiftJIS() throws {
        let p = try part("Content-Disposition: attachment; filename*=shift_jis'ja'%90%BF%8B%81%8F%91.xls")
        #expect(p.filename == "請求書.xls")
    }

    @Test func encodedWordInQuotedName() throws {
        let p = try part("Content-Type: application/octet-stream; name=\"=?utf-8?b?6KuL5rGC5pu4LnppcA==?=\"")
        #expect(p.filename == "請求書.zip")
    }

    @Test func encodedWordISO2022JPName() throws {
        let p = try part(
            "Content-Type: application/octet-stream;\n name=\"=?ISO-2022-JP?B?GyRCQEE1YT1xGyhC?=.doc\"\nContent-Disposition: attachment"
        )
        #expect(p.filename == "請求書.doc")
        #expect(p.contentType.parameters["name"] == "請求書.doc")
    }

    @Test func windowsPathKeepsBackslashes() throws {
        let p = try part("Content-Disposition: attachment; filename=\"C:\\temp\\a.exe\"")
        #expect(p.filename == "C:\\temp\\a.exe")
    }

    @Test func semicolonInsideQuotes() throws {
        let p = try part("Content-Disposition: attachment; filename=\"a;b.zip\"")
        #expect(p.filename == "a;b.zip")
    }
}
