import ByteCursor
import MIME
import Testing

@Suite struct MalformedTests {
    static let sample = msg(
        """
        From: a@example.invalid
        Subject: =?utf-8?B?6KuL5rGC5pu4?=
        Content-Type: multipart/mixed; boundary="=_outer"

        preamble
        --=_outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        caf=C3=A9
        --inner--
        --=_outer
        Content-Type: message/rfc822

        Subject: attached

        hi
        --=_outer
        Content-Type: application/zip; name="=?utf-8?q?a.zip?="
        Content-Transfer-Encoding: base64

        UEsDBAoAAAAAAA==
        --=_outer--

        """,
        crlf: true
    )

    @Test func dripFeedEveryPrefix() throws {
        let full = try MIMEMessage(parsing: MalformedTests.sample)
        #expect(full.walk().count == 6)
        for n in 1...MalformedTests.sample.count {
            let m = try MIMEMessage(parsing: MalformedTests.sample[..<n])
            for part in m.walk() {
                _ = part.decodedBody()
                _ = part.decodedText()
                #expect(part.bodyRange.upperBound <= n)
                #expect(part.headerRange.lowerBound <= part.bodyRange.lowerBound)
            }
        }
    }

    @Test func tenThousandParts() throws {
        var s = "Content-Type: multipart/mixed; boundary=b\n\n"
        for i in 0..<10_000 { s += "--b\nContent-Type: text/plain\n\npart \(i)\n" }
        s += "--b--\n"
        let clock = ContinuousClock()
        let start = clock.now
        let m = try parse(s)
        #expect(clock.now - start < .seconds(20))
        #expect(m.walk().count == MIMELimits.default.maxParts.maximum)
        #expect(m.root.codes.contains(.partLimit))
        #expect(m.root.epilogue?.isEmpty == false)  // the rest is kept, not parsed
        let unlimited = MIMELimits(maxParts: Limit("mime.maxParts", 20_000))
        #expect(try parse(s, limits: unlimited).root.children.count == 10_000)
    }

    @Test func hundredDeepMultipart() throws {
        var s = ""
        for i in 0..<100 { s += "Content-Type: multipart/mixed; boundary=b\(i)\n\n--b\(i)\n" }
        s += "Content-Type: text/plain\n\ndeep\n"
        for i in (0..<100).reversed() { s += "--b\(i)--\n" }
        let m = try parse(s)
        let parts = m.walk()
        #expect(parts.count == 65)
        #expect(parts.map(\.depth).max() == 64)
        let limited = try #require(parts.last)
        #expect(limited.codes == [.depthLimit])
        #expect(!limited.hasChildren)
        // A smaller limit is honoured too.
        let shallow = try parse(s, limits: MIMELimits(maxDepth: Limit("mime.maxDepth", 3)))
        #expect(shallow.walk().count == 4)
    }

    @Test func hundredDeepAttachedMessages() throws {
        var s = ""
        for _ in 0..<100 { s += "Content-Type: message/rfc822\n\n" }
        s += "Subject: innermost\n\nbody"
        let m = try parse(s)
        #expect(m.walk().count == 65)
        #expect(m.walk().last?.codes == [.depthLimit])
    }

    @Test func truncatedHeaders() throws {
        for s in [
            "Subject: no body", "Subject: x\r\n Folded", "Content-Type: multipart/mixed; bound", ":", "\r\n", "--",
        ] {
            let m = try parse(s)
            #expect(m.walk().count >= 1)
        }
    }

    @Test func hugeHeaderLine() throws {
        var s = "Subject: " + String(repeating: "A", count: 2 << 20) + "\nX-After: 1\n\nbody\n"
        let m = try parse(s)
        #expect(m.root.codes.contains(.headerLimit))
        #expect(m.root.text == "body\n")
        s = (0..<3000).map { "X-H\($0): v\n" }.joined() + "\nbody"
        let many = try parse(s)
        #expect(many.root.headers.fields.count == 2000)
        #expect(many.root.codes.contains(.headerLimit))
        #expect(many.root.text == "body")
    }

    @Test func adversarialHeaderValuesStayLinear() throws {
        let clock = ContinuousClock()
        let start = clock.now
        // Many "=?" starts without a "?=" end, RFC 2231 sections, parameters and comments.
        let words = String(repeating: "=?a?q?a", count: 50_000)
        let sections = (0..<20_000).map { "; filename*\($0 % 9000)*=%41" }.joined()
        let comments = String(repeating: "(", count: 100_000)
        let m = try parse(
            "Subject: \(words)\nContent-Disposition: attachment\(sections)\nContent-Type: text/plain; a=\(comments)\n\nx"
        )
        #expect(m.subject?.hasPrefix("=?a?q?a") == true)
        #expect(m.root.filename?.count == 9000)
        _ = MailAddress.parseList(words + comments)
        #expect(clock.now - start < .seconds(20))
    }

    @Test func boundaryLookalikes() throws {
        let m = try parse(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx is not a boundary\n--b  \t\nsecond\n--b--  \n"
        )
        #expect(m.root.children.count == 2)
        #expect(m.root.children[0].text == "--bx is not a boundary")
        #expect(m.root.children[1].text == "second")
    }

    @Test func bareCRLineEndings() throws {
        let m = try parse("Content-Type: multipart/mixed; boundary=b\r\r--b\rContent-Type: text/html\r\rx\r--b--\r")
        #expect(m.root.children.first?.contentType.mimeType == "text/html")
        #expect(m.root.children.first?.text == "x")
    }

    @Test func binaryGarbage() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var bytes = MalformedTests.sample
            for _ in 0..<8 {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
            let m = try MIMEMessage(parsing: bytes)
            for p in m.walk() { _ = p.decodedTextWithDefects() }
        }
    }
}

@Suite struct MboxTests {
    static let mbox = msg(
        """
        From a@example.invalid Mon Jan  1 00:00:00 2024
        Subject: one

        >From the body, quoted
        >>From twice quoted
        body one

        From b@example.invalid Tue Jan  2 00:00:00 2024
        Subject: two

        From here it is not a separator in mboxo, but it is a new message for us
        last line
        """
    )

    @Test func splitsAndUnquotes() {
        var splitter = MboxSplitter()
        let messages = splitter.feed(MboxTests.mbox[...]) + splitter.finish()
        #expect(messages.count == 3)
        #expect(messages[0].envelope == "From a@example.invalid Mon Jan  1 00:00:00 2024")
        #expect(messages[0].offset == 0)
        #expect(messages[0].line == 1)
        #expect(
            String(decoding: messages[0].bytes, as: UTF8.self)
                == "Subject: one\n\nFrom the body, quoted\n>From twice quoted\nbody one\n\n"
        )
        #expect(messages[1].line == 8)
        #expect(messages[1].index == 1)
        #expect(Array(MboxTests.mbox[messages[1].offset..<(messages[1].offset + 6)]) == Array("From b".utf8))
        #expect(String(decoding: messages[2].bytes, as: UTF8.self) == "last line")
        #expect(!messages[0].truncated)
    }

    @Test func everyChunkSplitPosition() {
        var whole = MboxSplitter()
        let expected = whole.feed(MboxTests.mbox[...]) + whole.finish()
        for cut in 0...MboxTests.mbox.count {
            for cut2 in [cut, min(MboxTests.mbox.count, cut + 3)] {
                var s = MboxSplitter()
                var got = s.feed(MboxTests.mbox[..<cut])
                got += s.feed(MboxTests.mbox[cut..<cut2])
                got += s.feed(MboxTests.mbox[cut2...])
                got += s.finish()
                #expect(got.map(\.bytes) == expected.map(\.bytes), "cut at \(cut)/\(cut2)")
                #expect(got.map(\.envelope) == expected.map(\.envelope))
                #expect(got.map(\.offset) == expected.map(\.offset))
                #expect(got.map(\.line) == expected.map(\.line))
            }
        }
        // Byte by byte.
        var s = MboxSplitter()
        var got: [MboxMessage] = []
        for i in MboxTests.mbox.indices { got += s.feed(MboxTests.mbox[i..<(i + 1)]) }
        got += s.finish()
        #expect(got.map(\.bytes) == expected.map(\.bytes))
    }

    @Test func boundedMemoryWithHugeMessage() {
        var s = MboxSplitter(maxMessageBytes: 1 << 16)
        var got = s.feed(msg("From x@example.invalid\nSubject: big\n\n")[...])
        let line = [UInt8](repeating: 0x41, count: 1 << 20)  // one 1 MiB line, fed 64 times
        for _ in 0..<64 { got += s.feed(line[...]) }
        got += s.feed(msg("\nFrom y@example.invalid\nSubject: small\n\nok\n")[...])
        got += s.finish()
        #expect(got.count == 2)
        #expect(got[0].truncated)
        #expect(got[0].bytes.count == 1 << 16)
        #expect(!got[1].truncated)
        #expect(got[1].offset == 37 + 64 * (1 << 20) + 1)
        #expect(String(decoding: got[1].bytes, as: UTF8.self) == "Subject: small\n\nok\n")
    }

    @Test func leadingContentWithoutEnvelope() {
        var s = MboxSplitter()
        let got = s.feed(msg("Subject: bare eml\n\nbody\n")[...]) + s.finish()
        #expect(got.count == 1)
        #expect(got[0].envelope == "")
        var blank = MboxSplitter()
        #expect((blank.feed(msg("\n\n")[...]) + blank.finish()).isEmpty)
    }

    @Test func messagesParse() throws {
        var s = MboxSplitter()
        let got = s.feed(MboxTests.mbox[...]) + s.finish()
        #expect(try got.map { try MIMEMessage(parsing: $0.bytes).subject } == ["one", "two", nil])
    }
}
