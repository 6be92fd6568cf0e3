import MailSignals
import Testing
import TestSupport

@Suite("URL extraction and URL signals")
struct URLTests {
    let extractor = URLExtractor()
    let urlSignals = URLSignals(redirectorDomains: ["click.esp.example"])

    private func urls(_ text: String) -> [String] { extractor.extract(fromText: text).urls.map(\.url) }
    private func codes(_ url: String) -> Set<MailSignal.Code> {
        Set(extractor.extract(fromText: url).urls.flatMap { urlSignals.signals(for: $0) }.map(\.code))
    }

    @Test func plainTextURLs() {
        let text = """
            詳細はこちら：https://www.example.jp/info?id=1&x=2 をご覧ください。
            「http://partner.example.jp/a/b」、(see https://example.jp/path_(1)) and www.example.org.
            URL：https://example.jp/ファイル
            mailto:someone@example.jp is not a web link; neither is example.jp.
            """
        #expect(
            urls(text) == [
                "https://www.example.jp/info?id=1&x=2", "http://partner.example.jp/a/b", "https://example.jp/path_(1)",
                "http://www.example.org", "https://example.jp/",
            ]
        )
    }

    @Test func defangedURLs() throws {
        let text = "hxxp://evil[.]example/a.zip hxxps[:]//evil(.)example/x HXXP://192[.]0[.]2[.]1/ evil[dot]example/dl"
        let found = extractor.extract(fromText: text).urls
        #expect(
            found.map(\.url) == [
                "http://evil.example/a.zip", "https://evil.example/x", "http://192.0.2.1/", "http://evil.example/dl",
            ]
        )
        #expect(found.allSatisfy { $0.defanged })
        #expect(found.first?.original == "hxxp://evil[.]example/a.zip")
        let s = urlSignals.signals(for: try #require(found.first))
        #expect(Set(s.map(\.code)) == [.urlDownloadPath, .urlDefanged])
        #expect(urls("contact: info[at]example.jp") == [])
    }

    @Test(arguments: [
        ("http://192.0.2.1/x", "192.0.2.1"), ("http://3221225985/", "192.0.2.1"), ("http://0xC0000201/", "192.0.2.1"),
        ("http://0300.0250.0.1/", "192.168.0.1"), ("http://0xC0.0xA8.1/", "192.168.0.1"),
        ("http://[2001:db8::1]:8080/a", "[2001:db8::1]"), ("http://192.0.2.1./", "192.0.2.1"),
    ])
    func ipLiteralHosts(url: String, ip: String) throws {
        let found = try #require(extractor.extract(fromText: url).urls.first)
        #expect(found.components.ipLiteral == ip)
        #expect(codes(url).contains(.urlIPLiteral))
    }

    @Test(arguments: [
        "http://example.jp/", "http://1.example.jp/", "http://256.1.1.1/", "http://1.2.3.4.5/",
        "http://0x1g.example/", "http://99999999999/",
    ])
    func notIPLiterals(url: String) {
        #expect(!codes(url).contains(.urlIPLiteral), "\(url)")
    }

    @Test(arguments: [
        "https://shop.example/wp-content/uploads/2022/invoice.doc", "http://x.example/Invoice_2022.XLS?dl=1",
        "https://x.example/a/b.one", "http://x.example/file.iso#x", "http://x.example/run.js", "http://x.example/f.dll",
        "http://x.example/setup.exe", "http://x.example/a.zip",
    ])
    func downloadPaths(url: String) {
        #expect(codes(url).contains(.urlDownloadPath), "\(url)")
    }

    @Test func wordPressDirectories() {
        #expect(codes("https://blog.example/wp-content/uploads/ab12cd/").contains(.urlWordPressPath))
        #expect(codes("https://blog.example/wp-includes/x/").contains(.urlWordPressPath))
        #expect(codes("https://blog.example/wp-admin/Yq7b/").contains(.urlWordPressPath))
        #expect(codes("https://blog.example/wp-content/plugins/x/dl.zip") == [.urlDownloadPath, .urlWordPressPath])
        // Newsletter images and pages under WordPress are ordinary.
        #expect(codes("https://blog.example/wp-content/uploads/2024/01/banner.jpg").isEmpty)
        #expect(codes("https://blog.example/2024/01/news.html").isEmpty)
        #expect(codes("https://blog.example/report.pdf").isEmpty)
    }

    @Test func appInstallerLinks() throws {
        let url = "ms-appinstaller:?source=https://evil.example/app.appinstaller"
        let found = try #require(extractor.extract(fromText: "インストール: \(url)").urls.first)
        #expect(found.url == url)
        let s = urlSignals.signals(for: found)
        #expect(s.first?.code == .urlAppInstaller)
        #expect(s.first?.message.contains("https://evil.example/app.appinstaller") == true)
    }

    @Test func userInfoBeforeTheHost() throws {
        let found = try #require(
            extractor.extract(fromText: "https://partner.example.jp@evil.example/login").urls.first
        )
        #expect(found.components.host == "evil.example")
        #expect(urlSignals.signals(for: found).map(\.code) == [.urlUserInfo])
    }

    static let phishingHTML = """
        <html><head><meta http-equiv="Refresh" content="5; URL='https://evil.example/landing'"></head><body>
        <!-- <a href="https://hidden.example/">hidden</a> -->
        <p>請求書は <a class=x href="https://evil.example/dl/請求書.zip">https://www.partner.example.jp/請求書</a></p>
        <a href='https://click.esp.example/t?u=1'>www.example.jp</a>
        <a HREF = "https://www.example.jp/sale">詳細はこちら</a>
        <a href="https://news.example.jp/a">https://www.example.jp/a</a>
        <img src="//cdn.example.jp/logo.png"><form action="http://192.0.2.7/post.php"></form>
        <a href="mailto:info@example.jp">info@example.jp</a> <a href="/relative">rel</a>
        <script>var u = "https://script.example/";</script>
        Text link: hxxps://evil[.]example/x &amp; more
        <a href="https://evil.example/&#x6c;ogin&amp;a=1">partner.example.jp</a>
        </body></html>
        """

    @Test func htmlAttributesMetaRefreshAndText() {
        let found = extractor.extract(fromHTML: Self.phishingHTML).urls
        #expect(
            found.map(\.url) == [
                "https://evil.example/landing", "https://evil.example/dl/請求書.zip", "https://click.esp.example/t?u=1",
                "https://www.example.jp/sale", "https://news.example.jp/a", "https://cdn.example.jp/logo.png",
                "http://192.0.2.7/post.php", "https://evil.example/login&a=1", "https://www.partner.example.jp/",
                "http://www.example.jp", "https://www.example.jp/a", "https://evil.example/x",
            ]
        )
        #expect(
            found.map(\.source.rawValue).prefix(8) == [
                "meta-refresh", "href", "href", "href", "href", "src", "action", "href",
            ]
        )
        #expect(found[1].linkText == "https://www.partner.example.jp/請求書")
        #expect(!found.contains { $0.url.contains("hidden") || $0.url.contains("script.example") })
    }

    @Test func linkTextShowsAnotherDomain() {
        let found = extractor.extract(fromHTML: Self.phishingHTML).urls
        let mismatches = found.compactMap { urlSignals.textTargetMismatch($0) }
        #expect(
            mismatches.map(\.message) == [
                "the link text shows www.partner.example.jp but the link goes to evil.example",
                "the link text shows partner.example.jp but the link goes to evil.example",
            ]
        )
        // Same organisation (news.example.jp shown as www.example.jp), the listed redirector, "詳細はこちら": none.
    }

    @Test func newsletterIsQuiet() {
        let newsletter = """
            <table><tr><td><a href="https://www.example.jp/campaign?utm_source=mail">https://www.example.jp/campaign</a>
            <img src="https://www.example.jp/wp-content/uploads/2024/05/header.png" alt="">
            <a href="https://click.esp.example/c/abc123"><img src="https://img.example.jp/b.gif"></a>
            <a href="https://www.example.jp/unsubscribe">配信停止はこちら</a>
            <a href="https://www.example.jp/catalog.pdf">カタログ (PDF)</a>
            Follow us: https://sns.example/example_jp</td></tr></table>
            """
        let found = extractor.extract(fromHTML: newsletter)
        #expect(found.urls.count == 8)  // 6 attributes, the text link and the text URL
        #expect(urlSignals.signals(for: found).isEmpty, "\(urlSignals.signals(for: found))")
    }

    @Test func linkTextThatIsAFileNameIsNoDomain() {
        let html =
            "<a href=\"https://files.example.jp/dl?id=1\">請求書.zip</a> <a href=\"https://x.example/\">report.pdf</a>"
        let found = extractor.extract(fromHTML: html).urls
        #expect(found.compactMap { urlSignals.textTargetMismatch($0) }.isEmpty)
    }

    @Test func urlCountIsLimited() {
        var limits = MailSignalLimits()
        limits.maxURLs.maximum = 5
        let text = (0..<20).map { "https://h\($0).example/" }.joined(separator: " ")
        let r = URLExtractor(limits: limits).extract(fromText: text)
        #expect(r.urls.count == 5)
        #expect(r.limitReached == limits.maxURLs)
        #expect(URLSignals(limits: limits).signals(for: r).map(\.code) == [.limitReached])
        let html = (0..<20).map { "<a href=\"https://h\($0).example/\">x</a>" }.joined()
        #expect(URLExtractor(limits: limits).extract(fromHTML: html).urls.count == 5)
    }
}

/// `extract(fromText:)` reads the text's UTF-8 and decodes only tokens that could hold a URL; this checks it against
/// the definition: the text cut into tokens at terminators scalar by scalar, each token read on its own.
@Suite("URL extraction on UTF-8 against token-by-token reading")
struct URLTokenDifferentialTests {
    static let pieces: [String] = [
        " ", "\t", "\n", "\u{3000}", "\u{00A0}", "「", "」", "、", "。", "（", "）", "：", "，", "．", "<", ">", "\"", "'",
        "`", "http://", "HTTPS://", "hxxp://", "HXXPS[:]//", "h**p://", "h**ps://", "hxxp", "www.", "WWW.", "wWw.",
        "ftp://", "file://", "ms-appinstaller:?source=", "[.]", "(.)", "{.}", "[dot]", "(dot)", "[:]", "[://]", "[/]",
        "example.jp", "evil.example", "192.0.2.1", "/a.zip", "?id=1", "#x", ".", ",", ";", ":", "!", "?", "*", ")",
        "]", "}", "(", "[", "{", "ファイル", "山田", "a", "w", "h", "x", "p", "é", "\u{1F600}",
    ]

    static func isTerminator(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: break
        }
        return "<>\"`'\u{300C}\u{300D}\u{300E}\u{300F}\u{3001}\u{3002}\u{FF08}\u{FF09}\u{3010}\u{3011}\u{3008}\u{3009}\u{300A}\u{300B}\u{FF1A}\u{FF0C}\u{FF0E}"
            .unicodeScalars.contains(u)
    }

    /// The URLs of `text` read token by token (each token through the extractor alone), first occurrence kept.
    static func expected(_ text: String, _ extractor: URLExtractor) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if isTerminator(u) {
                if !current.isEmpty { tokens.append(String(current)) }
                current = String.UnicodeScalarView()
            } else {
                current.append(u)
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        var seen: Set<String> = []
        var out: [String] = []
        for token in tokens {
            for url in extractor.extract(fromText: token).urls.map(\.url) where seen.insert(url).inserted {
                out.append(url)
            }
        }
        return out
    }

    @Test func seededRandomTexts() {
        let extractor = URLExtractor()
        var rng = SplitMix64(seed: 0x5552_4c74_6f6b_656e)
        var withURLs = 0
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...24, using: &rng) {
                text += Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &rng)]
            }
            let got = extractor.extract(fromText: text).urls.map(\.url)
            #expect(got == Self.expected(text, extractor), "\(text.debugDescription)")
            // A scalar limit the text just fits under, fewer than its bytes when it has non-ASCII: the limit's end
            // is then found by counting scalars, and must fall at the text's end.
            var exact = MailSignalLimits.default
            exact.maxBodyScalars.maximum = text.unicodeScalars.count
            let counted = URLExtractor(limits: exact).extract(fromText: text)
            #expect(counted.urls.map(\.url) == got, "\(text.debugDescription)")
            #expect(counted.limitReached == nil)
            if !got.isEmpty { withURLs += 1 }
        }
        // The generator must actually produce URLs, or the comparison says little.
        #expect(withURLs > 500)
    }

    @Test func prefilterKeepsEveryWayAURLCanStart() {
        let extractor = URLExtractor()
        func urls(_ s: String) -> [String] { extractor.extract(fromText: s).urls.map(\.url) }
        #expect(urls("WWW.Example.org/x") == ["http://WWW.Example.org/x"])
        #expect(urls("「www.example.jp」") == ["http://www.example.jp"])
        #expect(urls("h**ps://evil.example/x") == ["https://evil.example/x"])
        #expect(urls("hxxp.evil.example") == ["http://http.evil.example"])  // `hxxp` undone: a defanged bare host
        #expect(urls("Friday. 3.5 e.g. end.") == [])
    }

    @Test func theScalarLimitCutsTheLastToken() {
        var limits = MailSignalLimits.default
        limits.maxBodyScalars.maximum = 22
        let extractor = URLExtractor(limits: limits)
        // 22 scalars end two letters into the second URL.
        let result = extractor.extract(fromText: "http://a.example.jp/ https://second.example/")
        #expect(result.urls.map(\.url) == ["http://a.example.jp/"])
        #expect(result.limitReached?.name == limits.maxBodyScalars.name)
        // A cut after a whole URL keeps it.
        let short = URLExtractor(limits: limits).extract(fromText: "x https://b.example/ yy")
        #expect(short.urls.map(\.url) == ["https://b.example/"])
    }
}
