import ByteCursor
import OOXML
import Testing

/// All tokens of `xml`, or the error.
func tokens(_ xml: String, limits: XMLLimits = .default) throws -> [XMLToken] {
    try tokens(Array(xml.utf8), limits: limits)
}

func tokens(_ bytes: [UInt8], limits: XMLLimits = .default) throws -> [XMLToken] {
    var tokenizer = XMLTokenizer(bytes, limits: limits)
    var out: [XMLToken] = []
    while let token = try tokenizer.next() { out.append(token) }
    return out
}

/// The texts of the text tokens.
func texts(_ tokens: [XMLToken]) -> [String] {
    tokens.compactMap { if case .text(let s, _) = $0 { s } else { nil } }
}

@Suite("XML tokenizer")
struct XMLTokenizerTests {
    @Test func elementsAttributesAndText() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="http://schemas.example/w"><w:p a='1' b = "two"><w:r/>x</w:p></w:document>
            """
        let t = try tokens(xml)
        #expect(t.count == 6)
        #expect(
            t[0]
                == .startElement(
                    name: "w:document", attributes: ["xmlns:w": "http://schemas.example/w"], selfClosing: false,
                    offset: 56))
        #expect(t[1] == .startElement(name: "w:p", attributes: ["a": "1", "b": "two"], selfClosing: false, offset: 103))
        #expect(t[2] == .startElement(name: "w:r", attributes: [:], selfClosing: true, offset: 124))
        #expect(t[3] == .text("x", offset: 130))
        #expect(t[4] == .endElement(name: "w:p", offset: 131))
        #expect(t[5] == .endElement(name: "w:document", offset: 137))
        #expect(XMLTokenizer.localName("w:instrText") == "instrText")
        #expect(XMLTokenizer.localName("instrText") == "instrText")
        #expect(t[1].name == "w:p")
    }

    @Test func predefinedEntitiesAndCharacterReferences() throws {
        let t = try tokens(
            #"<a v="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;">&lt;b&gt; &amp;&amp; &#x63;&#97;lc &#8364;</a>"#)
        guard case .startElement(_, let attributes, _, _) = t[0] else {
            Issue.record("no start element")
            return
        }
        #expect(attributes["v"] == "<>&\"'AB\u{1F600}")
        #expect(texts(t) == ["<b> && calc €"])
    }

    @Test func cdataCommentsAndProcessingInstructionsFoldIntoText() throws {
        let t = try tokens("<a>one<![CDATA[ <two> & ]]>three<!-- <x> -->four<?pi data?>five</a>")
        #expect(texts(t) == ["one <two> & threefourfive"])
        #expect(t.count == 3)
        #expect(try tokens("<a><![CDATA[]]></a>").count == 2)
        #expect(try tokens("<!-- c --><?pi?>\n<a/>\n<!-- trailing -->\n") == [
            .startElement(name: "a", attributes: [:], selfClosing: true, offset: 17)
        ])
    }

    @Test func lineEndsAndAttributeWhitespace() throws {
        let t = try tokens("<a v=\"x\r\ny\tz\nw\">1\r\n2\r3<![CDATA[\r\n]]></a>")
        guard case .startElement(_, let attributes, _, _) = t[0] else {
            Issue.record("no start element")
            return
        }
        #expect(attributes["v"] == "x y z w")
        #expect(texts(t) == ["1\n2\n3\n"])
        // Character references survive normalisation.
        #expect(try texts(tokens("<a>&#13;&#10;</a>")) == ["\r\n"])
    }

    @Test func utf16WithAndWithoutByteOrderMark() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a b=\"é\">日本</a>"
        let le = xml.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be = xml.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, encoding) in [
            ([0xFF, 0xFE] + le, XMLSourceEncoding.utf16LittleEndian), ([0xFE, 0xFF] + be, .utf16BigEndian),
            (le, .utf16LittleEndian), (be, .utf16BigEndian), ([0xEF, 0xBB, 0xBF] + Array(xml.utf8), .utf8),
        ] {
            var tokenizer = XMLTokenizer(bytes)
            #expect(tokenizer.sourceEncoding == encoding)
            var all: [XMLToken] = []
            while let token = try tokenizer.next() { all.append(token) }
            #expect(texts(all) == ["日本"])
            #expect(all.first?.name == "a")
        }
    }

    @Test func doctypeIsSkippedAndReportedAndItsEntitiesNeverExpand() throws {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!-- ]> inside a comment -->
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            ]>
            <lolz>&lol3;</lolz>
            """
        var tokenizer = XMLTokenizer(Array(laughs.utf8))
        #expect(try tokenizer.next()?.name == "lolz")
        #expect(tokenizer.doctype?.hasInternalSubset == true)
        #expect(tokenizer.doctype?.declaresEntities == true)
        #expect(throws: OOXMLError.undefinedEntity) { try tokenizer.next() }
        // The error is sticky.
        #expect(throws: OOXMLError.undefinedEntity) { try tokenizer.next() }

        let xxe = """
            <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]><foo>&xxe;</foo>
            """
        #expect(throws: OOXMLError.undefinedEntity) { try tokens(xxe) }

        var plain = XMLTokenizer(Array(#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><html/>"#.utf8))
        #expect(try plain.next()?.name == "html")
        #expect(plain.doctype?.hasInternalSubset == false)
        #expect(try plain.next() == nil)
    }

    @Test(arguments: [
        ("", OOXMLError.Code.noRootElement),
        ("   \n", .noRootElement),
        ("<?xml version='1.0'?>", .noRootElement),
        ("text", .malformedXML),
        ("<a>", .truncatedXML),
        ("<a></b>", .mismatchedTag),
        ("<a></a></a>", .mismatchedTag),
        ("<a/><b/>", .malformedXML),
        ("<a/>junk", .malformedXML),
        ("<a b='1' b='2'/>", .duplicateAttribute),
        ("<a b/>", .malformedXML),
        ("<a b=1/>", .malformedXML),
        ("<a b='<'/>", .malformedXML),
        ("<a b='1'c='2'/>", .malformedXML),
        ("<a / >", .malformedXML),
        ("<>", .malformedXML),
        ("< a/>", .malformedXML),
        ("<a>&foo;</a>", .undefinedEntity),
        ("<a>&;</a>", .malformedXML),
        ("<a>& b</a>", .malformedXML),
        ("<a>&#;</a>", .malformedXML),
        ("<a>&#x;</a>", .malformedXML),
        ("<a>&#12a;</a>", .malformedXML),
        ("<a>&#0;</a>", .invalidCharacterReference),
        ("<a>&#x1;</a>", .invalidCharacterReference),
        ("<a>&#xD800;</a>", .invalidCharacterReference),
        ("<a>&#xFFFE;</a>", .invalidCharacterReference),
        ("<a>&#x110000;</a>", .invalidCharacterReference),
        ("<a>&#99999999999999999999999;</a>", .invalidCharacterReference),
        ("<a>&" + String(repeating: "x", count: 100) + ";</a>", .malformedXML),
        ("<a><!ELEMENT x></a>", .malformedXML),
        ("<a/><!DOCTYPE a>", .malformedXML),
        ("<!DOCTYPE a><!DOCTYPE a><a/>", .malformedXML),
        ("<![CDATA[x]]><a/>", .malformedXML),
        ("<a><!-- never closed </a>", .truncatedXML),
        ("<a><![CDATA[ never closed </a>", .truncatedXML),
        ("<a><? never closed </a>", .truncatedXML),
        ("<!DOCTYPE a [ <!ENTITY x 'y'> <a/>", .truncatedXML),
    ])
    func malformedInputThrows(xml: String, code: OOXMLError.Code) {
        #expect(throws: OOXMLError(code, "")) { try tokens(xml) }
    }

    @Test func everyPrefixFailsUntilTheLastByte() throws {
        let xml = Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE d [<!ENTITY e "x">]>
            <w:document xmlns:w="urn:w"><w:body><w:p w:a='&amp;q'><w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\\\x &#x41;&lt;</w:instrText></w:r>
            <!-- comment --><![CDATA[cdata]]><w:fldSimple w:instr="DDE"/></w:p></w:body></w:document>
            """.utf8)
        let whole = try tokens(xml)
        #expect(whole.count == 13)
        for n in 0..<xml.count {
            #expect(throws: OOXMLError.self, "prefix of \(n) bytes") { try tokens(Array(xml.prefix(n))) }
        }
        // Trailing whitespace is fine.
        #expect(try tokens(xml + Array("\n \n".utf8)) == whole)
    }

    @Test func maxDepth() throws {
        var limits = XMLLimits.default
        limits.maxDepth.maximum = 4
        #expect(try tokens("<a><b><c><d/></c></b></a>", limits: limits).count == 7)
        #expect(throws: OOXMLError.limitExceeded) { try tokens("<a><b><c><d><e/></d></c></b></a>", limits: limits) }
        let deep = String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)
        do {
            _ = try tokens(deep)
            Issue.record("no error")
        } catch {
            #expect((error as? OOXMLError)?.code == .limitExceeded)
            #expect((error as? OOXMLError)?.reason.contains("xml.maxDepth") == true)
        }
    }

    @Test func maxAttributes() throws {
        var limits = XMLLimits.default
        limits.maxAttributes.maximum = 3
        #expect(try tokens("<a x='1' y='2' z='3'/>", limits: limits).count == 1)
        #expect(throws: OOXMLError.limitExceeded) { try tokens("<a x='1' y='2' z='3' w='4'/>", limits: limits) }
    }

    @Test func maxNameBytes() throws {
        var limits = XMLLimits.default
        limits.maxNameBytes.maximum = 8
        #expect(try tokens("<abcdefgh abcdefgh='1'/>", limits: limits).count == 1)
        #expect(throws: OOXMLError.limitExceeded) { try tokens("<abcdefghi/>", limits: limits) }
        #expect(throws: OOXMLError.limitExceeded) { try tokens("<a abcdefghi='1'/>", limits: limits) }
        #expect(throws: OOXMLError.limitExceeded) { try tokens("<a></abcdefghi>", limits: limits) }
    }

    @Test func maxTokens() throws {
        var limits = XMLLimits.default
        limits.maxTokens.maximum = 5
        #expect(try tokens("<a><b/>x<c/></a>", limits: limits).count == 5)
        #expect(throws: OOXMLError.limitExceeded) { try tokens("<a><b/>x<c/>y</a>", limits: limits) }
    }

    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        let bytes: [UInt8] = Array("<a>".utf8) + [0xFF, 0xC3] + Array("</a>".utf8)
        #expect(texts(try tokens(bytes)) == ["\u{FFFD}\u{FFFD}"])
    }

    @Test func slicesReportOffsetsFromTheirStart() throws {
        let bytes = Array("junk<a>x</a>".utf8)
        var tokenizer = XMLTokenizer(bytes[4...])
        #expect(try tokenizer.next() == .startElement(name: "a", attributes: [:], selfClosing: false, offset: 0))
        #expect(try tokenizer.next() == .text("x", offset: 3))
    }
}
