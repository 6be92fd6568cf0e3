import MailSignals
import Testing

@Suite("Lookalike domains, punycode and skeletons")
struct LookalikeDomainTests {
    let domains = LookalikeDomains(protectedDomains: [
        "example.jp", "partner.co.jp", "mitsuboshi-shoji.example", "xn--fdket6oc.example", "山田商事.jp",
    ])

    @Test(arguments: [
        ("wgv71a119e", "日本語"), ("fdket6oc", "パートナー"), ("fdket8990aca", "パ一トナ一"), ("rtner-3ve5i", "раrtner"),
        ("bcher-kva", "bücher"), ("3kqw7njtg9v1a", "山田商事"), ("pple-43d", "аpple"), ("mi7cia0aglcl", "ｐａｒｔｎｅｒ"),
    ])
    func punycodeDecodesRFC3492(encoded: String, decoded: String) {
        #expect(Punycode.decode(encoded) == decoded)
    }

    @Test func punycodeRejectsMalformedInput() {
        #expect(Punycode.decode("9999999999999999999") == nil)  // overflow
        #expect(Punycode.decode("abc-!") == nil)  // not a digit
        #expect(Punycode.decode("zz") == nil)  // truncated variable-length integer
        #expect(Punycode.decode("a") == "\u{80}")  // valid, though no IDN allows it
        #expect(Punycode.decode("日本") == nil)  // not ASCII
        #expect(Punycode.decode(String(repeating: "a", count: 64)) == nil)  // longer than a label
        #expect(Punycode.decode("wgv71a119e", maxOutput: 2) == nil)
        #expect(Punycode.decode("") == "")
        #expect(DomainName.toUnicode("xn--wgv71a119e.jp") == "日本語.jp")
        #expect(DomainName.toUnicode("xn--9999999999999.jp") == nil)
    }

    private func match(_ d: String) -> LookalikeMatch? { domains.check(d) }

    @Test func protectedDomainsAndSubdomainsAreNotLookalikes() {
        for d in [
            "example.jp", "mail.example.jp", "EXAMPLE.JP.", "ｅｘａｍｐｌｅ．ｊｐ", "partner.co.jp", "www.partner.co.jp",
            "パートナー.example", "xn--fdket6oc.example", "xn--3kqw7njtg9v1a.jp", "mail.山田商事.jp",
        ] {
            #expect(match(d) == nil, "\(d): \(String(describing: match(d)))")
        }
    }

    @Test func unrelatedDomainsAreNotLookalikes() {
        for d in [
            "example.com.invalid", "sample.jp", "tanaka.co.jp", "news.sample.org", "xn--wgv71a119e.jp",
            "partners-united.example", "ab.jp", "ex.jp", "googl.example",
        ] {
            #expect(match(d) == nil, "\(d): \(String(describing: match(d)))")
        }
    }

    @Test(
        arguments: [
            ("exampel.jp", 1), ("examp1e.jp", nil), ("exmple.jp", 1), ("partnar.co.jp", 1), ("parnter.co.jp", 1),
            ("mitsuboshi-shojj.example", 1), ("mitubosi-shoji.example", 2),
        ] as [(String, Int?)]
    )
    func editDistanceAndHomoglyphs(domain: String, distance: Int?) throws {
        let m = try #require(match(domain))
        #expect(m.legitimate != nil)
        if let distance {
            #expect(m.reason == .editDistance)
            #expect(m.distance == distance)
        } else {
            #expect(m.reason == .homoglyph)
        }
        #expect(m.signal.code == .lookalikeDomain)
    }

    @Test(arguments: ["exarnple.jp", "examp1e.jp", "ex4mple.jp", "EXAMPLE.jp.evil.example"])
    func homoglyphOrEmbedded(domain: String) throws {
        let m = try #require(match(domain))
        #expect(m.legitimate == "example.jp")
    }

    @Test func shortNamesNeedMoreThanEditDistance() {
        #expect(LookalikeDomains.allowedDistance(forLabelLength: 4) == 0)
        let d = LookalikeDomains(protectedDomains: ["abcd.jp"])
        #expect(d.check("abce.jp") == nil)
        #expect(d.check("abcd.com")?.reason == .tldSwap)
    }

    /// The same name under any other suffix is a swap, whoever owns it: `example.org` imitates `example.jp` as far
    /// as this check can tell (the engine weighs it with the rest).
    @Test(arguments: [
        "example.org", "partner.jp", "partner.com", "partner-co.jp", "partnerco.jp", "partner-co-jp.com",
        "example.co.jp",
    ])
    func tldSwaps(domain: String) throws {
        let m = try #require(match(domain))
        #expect(m.reason == .tldSwap, "\(m)")
    }

    @Test func cyrillicIDNHomographOfAPartner() throws {
        // "раrtner.co.jp" with Cyrillic р and а, as an xn-- label.
        let m = try #require(match("xn--rtner-3ve5i.co.jp"))
        #expect(m.reason == .idnHomograph)
        #expect(m.legitimate == "partner.co.jp")
        #expect(m.unicodeForm == "раrtner.co.jp")
        #expect(m.signal.message.contains("xn--rtner-3ve5i.co.jp (раrtner.co.jp)"))
        // The same written in Unicode.
        #expect(match("раrtner.co.jp")?.reason == .idnHomograph)
    }

    @Test func japaneseIDNWithKanjiForKatakana() throws {
        // パ一トナ一 (kanji 一 for the long-vowel mark ー) imitates パートナー.example.
        let m = try #require(match("xn--fdket8990aca.example"))
        #expect(m.reason == .idnHomograph)
        #expect(m.legitimate == "xn--fdket6oc.example")
        // One kanji changed in 山田商事 (事 → 亊) is an internationalized edit.
        let edit = try #require(match("山田商亊.jp"))
        #expect(edit.legitimate == "山田商事.jp")
    }

    @Test func fullWidthLatinIsTheSameDomain() {
        // Full-width Latin folds to ASCII: the same name, not a lookalike (and never registrable in this form).
        #expect(match("ｐａｒｔｎｅｒ.co.jp") == nil)
        #expect(match("ｐａｒｔｎａｒ.co.jp")?.reason == .editDistance)
    }

    @Test func mixedScriptLabelWithoutAProtectedMatch() throws {
        let m = try #require(match("xn--pple-43d.example"))  // Cyrillic а + "pple"
        #expect(m.reason == .mixedScript)
        #expect(m.legitimate == nil)
        #expect(m.signal.code == .mixedScriptDomain)
        #expect(LookalikeDomains.mixesScripts("раrtner"))
        #expect(LookalikeDomains.mixesScripts("αbc"))
        #expect(!LookalikeDomains.mixesScripts("日本語"))
        #expect(!LookalikeDomains.mixesScripts("山田shoji"))  // Han and Latin: Japanese profile
        #expect(!LookalikeDomains.mixesScripts("パートナー2024"))
        #expect(!LookalikeDomains.mixesScripts("пример"))  // Cyrillic only
    }

    @Test func damerauLevenshtein() {
        func d(_ a: String, _ b: String) -> Int {
            LookalikeDomains.damerauLevenshtein(Array(a.unicodeScalars), Array(b.unicodeScalars))
        }
        #expect(d("example", "exampel") == 1)
        #expect(d("kitten", "sitting") == 3)
        #expect(d("", "abc") == 3)
        #expect(d("山田商事", "山田商亊") == 1)
        #expect(LookalikeDomains.damerauLevenshtein(Array("aaaaaaaa".utf8), Array("bbbbbbbb".utf8), cap: 3) == 3)
    }

    @Test func skeletons() {
        #expect(LookalikeDomains.skeleton("ехаmple.jp") == "example.jp")  // Cyrillic е, х, а
        #expect(LookalikeDomains.skeleton("rnicrosoft") == LookalikeDomains.skeleton("microsoft"))
        #expect(LookalikeDomains.skeleton("vvww") == "www")
        #expect(LookalikeDomains.skeleton("Ｅｘａｍｐｌｅ") == "example")
        #expect(LookalikeDomains.skeleton("パ一トナ一") == "パートナー")
    }
}
