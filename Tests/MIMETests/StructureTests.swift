import MIME
import Testing

@Suite struct StructureTests {
    @Test func emptyInputThrows() {
        #expect(throws: MIMEError.emptyInput()) { try MIMEMessage(parsing: [UInt8]()) }
    }

    @Test(arguments: [false, true])
    func multipartWithPreambleAndEpilogue(crlf: Bool) throws {
        let m = try parse(
            """
            From: a@example.invalid
            Content-Type: multipart/mixed; boundary="XYZ"

            preamble
            --XYZ
            Content-Type: text/plain

            hello
            --XYZ
            Content-Type: application/octet-stream; name=a.bin
            Content-Transfer-Encoding: base64

            QUJD
            REVG
            --XYZ--
            epilogue

            """,
            crlf: crlf
        )
        let root = m.root
        #expect(root.isMultipart)
        #expect(root.children.count == 2)
        #expect(root.preamble.map { String(decoding: $0, as: UTF8.self) } == "preamble")
        let eol = crlf ? "\r\n" : "\n"
        #expect(root.epilogue.map { String(decoding: $0, as: UTF8.self) } == "epilogue\(eol)")
        #expect(root.children[0].text == "hello")
        #expect(root.children[1].decodedBody().bytes == Array("ABCDEF".utf8))
        #expect(root.children[1].filename == "a.bin")
        #expect(root.children[1].startLine == 10)
        #expect(root.defects.isEmpty)
        let bodyRange = root.children[0].bodyRange
        #expect(Array(m.bytes[bodyRange]) == Array("hello".utf8))
        #expect(m.walk().count == 3)
    }

    @Test func missingHeaderBodySeparator() throws {
        let m = try parse("Subject: x\nthis is body\nmore\n")
        #expect(m.root.codes == [.missingHeaderBodySeparator])
        #expect(m.root.text == "this is body\nmore\n")
    }

    @Test func continuationFirstAndMissingName() throws {
        let m = try parse(" leading continuation\n: no name\nSubject: ok\n\nbody")
        #expect(m.root.codes == [.firstHeaderLineIsContinuation, .invalidHeader])
        #expect(m.subject == "ok")
    }

    @Test func multipartWithoutBoundary() throws {
        let m = try parse("Content-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nhi\n--x--\n")
        #expect(!m.root.hasChildren)
        #expect(m.root.codes.contains(.multipartWithoutBoundary))
        #expect(m.root.codes.contains(.multipartInvariantViolation))
        #expect(m.root.contentType.mimeType == "multipart/mixed")
    }

    @Test func boundaryThatNeverCloses() throws {
        let m = try parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\npart one\n--b\n\npart two\n")
        #expect(m.root.children.count == 2)
        #expect(m.root.codes == [.noClosingBoundary])
        #expect(m.root.children[1].text == "part two")  // the line break before EOF goes too, as in Python
    }

    @Test func startBoundaryNotFound() throws {
        let m = try parse("Content-Type: multipart/mixed; boundary=b\n\nno boundary here\n")
        #expect(!m.root.hasChildren)
        #expect(m.root.codes.contains(.startBoundaryNotFound))
        #expect(m.root.text == "no boundary here\n")
    }

    @Test func attachedMessageIsParsed() throws {
        let m = try parse(
            """
            Content-Type: multipart/mixed; boundary=o

            --o
            Content-Type: message/rfc822

            Subject: inner
            Content-Type: multipart/alternative; boundary=i

            --i
            Content-Type: text/html

            <p>x</p>
            --i--
            --o--

            """
        )
        let rfc822 = m.root.children[0]
        #expect(rfc822.isMessage)
        let inner = try #require(rfc822.children.first)
        #expect(inner.headers["subject"] == "inner")
        #expect(inner.isMultipart)
        #expect(inner.children[0].contentType.mimeType == "text/html")
        #expect(inner.children[0].depth == 3)
        #expect(
            m.walk().map(\.contentType.mimeType) == [
                "multipart/mixed", "message/rfc822", "multipart/alternative", "text/html",
            ]
        )
    }

    @Test func sameBoundaryNestedEndsAtOuter() throws {
        // An inner multipart reusing the outer boundary: the outer one wins, as in Python.
        let m = try parse(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n"
        )
        #expect(m.root.children.count == 2)
        #expect(m.root.children[0].codes.contains(.startBoundaryNotFound))
    }

    @Test func digestDefaultsToMessage() throws {
        let m = try parse("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: s\n\nbody\n--d--\n")
        #expect(m.root.children[0].contentType.mimeType == "message/rfc822")
        #expect(m.root.children[0].children.first?.headers["subject"] == "s")
    }

    @Test func invalidContentTypeFallsBack() throws {
        #expect(try parse("Content-Type: text\n\nx").root.contentType.mimeType == "text/plain")
        #expect(try parse("Content-Type: Text/HTML (c); charset=utf-8\n\nx").root.contentType.mimeType == "text/html")
        let p = try parse("Content-Type: TEXT/Plain; CHARSET=\"ISO-2022-JP\"\n\nx").root
        #expect(p.contentType.parameters["charset"] == "ISO-2022-JP")
        #expect(p.charset == .iso2022JP)
        #expect(p.declaredContentType == "TEXT/Plain; CHARSET=\"ISO-2022-JP\"")
    }

    @Test func decodedTextUsesCharset() throws {
        var bytes = msg("Content-Type: text/plain; charset=iso-2022-jp\n\n")
        bytes += hexBytes("1b2442404135613d71244e2434417749551b2842")
        let m = try MIMEMessage(parsing: bytes)
        #expect(m.root.decodedText()?.text == "請求書のご送付")
        let q = try parse(
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n=E8=AB=8B=\nx"
        )
        #expect(q.root.decodedText()?.text == "請x")
        let unknown = try parse("Content-Type: text/plain; charset=x-nope\n\nabc")
        let r = try #require(unknown.root.decodedTextWithDefects())
        #expect(r.text.text == "abc")
        #expect(r.defects.map(\.code) == [.unknownCharset])
        #expect(try parse("Content-Type: image/png\n\nx").root.decodedText() == nil)
    }

    @Test func envelopeLine() throws {
        let m = try parse("From sender@example.invalid Mon Jan  1 00:00:00 2024\nSubject: s\n\nx")
        #expect(m.root.envelope == "From sender@example.invalid Mon Jan  1 00:00:00 2024")
        #expect(m.subject == "s")
    }
}

@Suite struct TransferDecodingTests {
    func b64(_ s: String) -> ([UInt8], [MIMEDefect.Code]) {
        let r = TransferDecoding.decodeBase64(Array(s.utf8)[...])
        return (r.bytes, r.defects)
    }

    @Test func base64() {
        #expect(b64("QUJD\r\nREVG\r\n").0 == Array("ABCDEF".utf8))
        #expect(b64("QUJDRA==").0 == Array("ABCD".utf8))
        #expect(b64("QUJDRA").0 == Array("ABCD".utf8))
        #expect(b64("QUJDRA").1 == [.invalidBase64Padding])
        #expect(b64("QU JD").1 == [.invalidBase64Characters])
        #expect(b64("QU JD").0 == Array("ABC".utf8))
        #expect(b64("QQ==QUJD").0 == Array("A".utf8))  // stops at the first padding, like binascii
        #expect(b64("QUJDR").1 == [.invalidBase64Length])
        #expect(b64("QUJDR").0 == Array("QUJDR".utf8))
        #expect(b64("QUJ!").1 == [.invalidBase64Characters, .invalidBase64Padding])
        #expect(b64("").0 == [])
    }

    @Test func quotedPrintable() {
        func qp(_ s: String) -> [UInt8] { TransferDecoding.decodeQuotedPrintable(Array(s.utf8)[...]).bytes }
        #expect(qp("a=3Db=\r\nc") == Array("a=bc".utf8))
        #expect(qp("a=3db") == Array("a=b".utf8))
        #expect(qp("x=ZZ") == Array("x=ZZ".utf8))
        #expect(qp("x==y") == Array("x=y".utf8))
        #expect(qp("end=") == Array("end".utf8))
        #expect(TransferDecoding.decodeQuotedPrintable(Array("x=G1".utf8)[...]).defects == [.invalidQuotedPrintable])
    }

    @Test func uuencodedBody() throws {
        let m = try parse(
            "Content-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 a.txt\n#04)#\n`\nend\n"
        )
        #expect(m.root.decodedBody().bytes == Array("ABC".utf8))
        let bad = try parse("Content-Transfer-Encoding: x-uuencode\n\nno begin line\n")
        #expect(bad.root.decodedBody().bytes == Array("no begin line\n".utf8))
        #expect(bad.root.decodedBody().defects.map(\.code) == [.invalidUUEncoding])
    }

    @Test func inlineUUEncode() {
        let text = Array("Hello\nbegin 644 invoice.doc\n#04)#\n`\nend\ntrailer\nbegin 600 cut.bin\n#04)#\n".utf8)
        let files = UUEncode.extract(from: text[...])
        #expect(files.count == 2)
        #expect(files[0].name == "invoice.doc")
        #expect(files[0].mode == "644")
        #expect(files[0].bytes == Array("ABC".utf8))
        #expect(files[0].offset == 6)
        #expect(!files[0].truncated)
        #expect(files[1].truncated)
    }
}

@Suite struct AddressTests {
    @Test func lists() {
        #expect(
            MailAddress.parseList("a@example.invalid") == [MailAddress(displayName: nil, address: "a@example.invalid")]
        )
        #expect(
            MailAddress.parseList("\"Last, First\" <f@example.invalid>, b@example.invalid (Bob), <c@example.invalid>")
                == [
                    MailAddress(displayName: "Last, First", address: "f@example.invalid"),
                    MailAddress(displayName: "Bob", address: "b@example.invalid"),
                    MailAddress(displayName: nil, address: "c@example.invalid"),
                ]
        )
        #expect(
            MailAddress.parseList("Team: a@example.invalid, B <b@example.invalid>;, c@example.invalid").map(\.address)
                == ["a@example.invalid", "b@example.invalid", "c@example.invalid"]
        )
        #expect(MailAddress.parseList("<@route.invalid:x@example.invalid>").map(\.address) == ["x@example.invalid"])
        #expect(MailAddress.parseList("Undisclosed recipients:;").isEmpty)
        #expect(MailAddress.parseList("John Q. Public <jqp@example.invalid>").first?.displayName == "John Q. Public")
    }
}
