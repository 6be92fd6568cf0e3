import HTML
import TestSupport
import Testing

@Suite("Malformed pages give anomalies")
struct MalformedTests {
    /// Each malformed page reports the anomaly codes the fixture script expects.
    @Test(arguments: Fixture.malformed)
    func manifest(name: String) throws {
        let all = try Fixture.json("malformed/manifest.json", as: [String: MalformedCase].self)
        let expected = try #require(all[name])
        let a = HTMLAnalysis.analyze(try Fixture.bytes("malformed/\(name).html")[...])
        a.exercise()
        for code in expected.anomalies {
            #expect(a.anomalyCodes.contains(code), "\(name): expected \(code), got \(a.anomalies)")
        }
    }

    /// A comment hides a script from the browser: it is not analysed.
    @Test func commentHidesScript() throws {
        let a = HTMLAnalysis.analyze(try Fixture.bytes("malformed/unterminated-comment.html")[...])
        #expect(a.scripts.isEmpty)
    }

    /// Entities in attributes and `javascript:` URLs are decoded before the script is read.
    @Test func entitiesAndJavascriptURLs() {
        let page = "<a href=\"javascript&colon;location.href=&quot;https://r.example.invalid/e&quot;\">x</a>"
            + "<body onload='window.location = \"https://r.example.invalid/o\"'>"
        let a = HTMLAnalysis.analyze(Array(page.utf8)[...])
        #expect(a.urls == ["https://r.example.invalid/e", "https://r.example.invalid/o"])
        #expect(a.has(.scriptRedirect))
    }

    /// Obfuscations the evaluator follows: reversed strings, joins, replace, unescape, fromCharCode spreads.
    @Test(arguments: [
        "location.href = 'x/dilavni.elpmaxe.r//:sptth'.split('').reverse().join('');",
        "location.href = ['https://r', 'example', 'invalid/x'].join('.');",
        "location.href = 'hxxps://r.example.invalid/x'.replace('hxxps', 'https');",
        "location.href = 'h@t@t@p@s://r.example.invalid/x'.replace(/@/g, '');",
        "location.href = unescape('%68%74%74%70%73%3a%2f%2fr.example.invalid%2fx');",
        "var c = [104,116,116,112,115,58,47,47,114,46,101,120,97,109,112,108,101,46,105,110,118,97,108,105,100,47,120]; location.href = String.fromCharCode(...c);",
        "location.href = String.fromCharCode.apply(null, [104,116,116,112,115,58,47,47,114,46,101,120,97,109,112,108,101,46,105,110,118,97,108,105,100,47,120]);",
        "eval(atob('bG9jYXRpb24uaHJlZiA9ICdodHRwczovL3IuZXhhbXBsZS5pbnZhbGlkL3gnOw=='));",
        "var u = `https://r.example.invalid/x`; window.open(u);",
        "var s = 'https://r.example.invalid/'; s += 'x'; top.location = s;",
    ])
    func obfuscatedRedirects(code: String) {
        let a = HTMLAnalysis.analyze(Array("<script>\(code)</script>".utf8)[...])
        // The fragments a script assembles the URL from are IOCs too: the target must be among them.
        #expect(a.urls.last == "https://r.example.invalid/x", "\(code): \(a.urls) \(a.indicators)")
        #expect(a.has(.scriptRedirect))
    }

    /// Shift_JIS characters whose trail byte is a backslash do not end or escape a string.
    @Test func shiftJISBackslash() {
        // "表" is 0x95 0x5C in Shift_JIS.
        var bytes = Array("<meta charset=shift_jis><script>var t = \"".utf8)
        bytes += [0x95, 0x5C]
        bytes += Array("\"; location.href = 'https://r.example.invalid/x';</script>".utf8)
        let a = HTMLAnalysis.analyze(bytes[...])
        #expect(a.charset == "shift_jis")
        #expect(a.urls == ["https://r.example.invalid/x"])
    }
}

@Suite("Hostile pages never crash")
struct RobustnessTests {
    /// Every prefix of every fixture is analysed (a step through the longer ones).
    @Test(arguments: Fixture.names + Fixture.malformed.map { "malformed/\($0)" })
    func dripFeed(name: String) throws {
        let bytes = name.hasPrefix("malformed/") ? try Fixture.bytes(name + ".html") : try Fixture.load(name).bytes
        let step = max(1, bytes.count / 300)
        var limits = HTMLLimits.default
        limits.maxEvaluationSteps.maximum = 1 << 20
        for n in stride(from: 0, through: bytes.count, by: step) {
            HTMLAnalysis.analyze(bytes[0..<n], limits: limits).exercise()
            _ = HTMLAnalysis.looksLikeHTML(bytes[0..<n])
        }
    }

    /// Seeded byte flips, overwrites with markup characters and cuts over every fixture.
    @Test(arguments: Fixture.names)
    func mutations(name: String) throws {
        let original = try Fixture.load(name).bytes
        var rng = SplitMix64(seed: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ Int($1) }.magnitude))
        let specials = Array("<>\"'`/\\=&;%+()[]{},.\n".utf8) + [0x00, 0xFF, 0x81, 0x5C]
        for round in 0..<150 {
            var bytes = original
            for _ in 0..<Int(rng.next() % 8 + 1) {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch round % 3 {
                case 0: bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes[i] = specials[Int(rng.next() % UInt64(specials.count))]
                default: bytes.insert(specials[Int(rng.next() % UInt64(specials.count))], at: i)
                }
            }
            if round % 7 == 0 { bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1)))) }
            HTMLAnalysis.analyze(bytes[...]).exercise()
        }
    }

    /// Random bytes and random markup soup.
    @Test func randomInput() {
        var rng = SplitMix64(seed: 0x48544D4C)
        let words = [
            "<script>", "</script>", "<a href=", "download=", "data:application/zip;base64,", "atob(", "new Blob([",
            "URL.createObjectURL(", ".click()", "'", "\"", "`", "${", "+", "[", "]", "(", ")", "<!--", "-->", "/*",
            "*/", "//", "/", "String.fromCharCode(", "65,", "location.href=", "eval(", "document.write(", "<form ",
            "<input type=password>", "&#x", "&amp;", "msSaveOrOpenBlob(", "var x=", "x+=x;", "\n", " ", "=",
        ]
        for round in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 200) {
                if round % 2 == 0 {
                    bytes += Array(words[Int(rng.next() % UInt64(words.count))].utf8)
                } else {
                    bytes.append(UInt8(truncatingIfNeeded: rng.next()))
                }
            }
            HTMLAnalysis.analyze(bytes[...]).exercise()
        }
    }

    /// Pathological nesting and size: deep brackets, long concatenations, many tags, a huge attribute.
    @Test func pathological() {
        let deep = "<script>x = " + String(repeating: "[(", count: 50_000) + "</script>"
        HTMLAnalysis.analyze(Array(deep.utf8)[...]).exercise()
        let chunks = (0..<20_000).map { _ in "'QUFBQUFBQUFBQUFB'" }.joined(separator: "+")
        let concat = "<script>var s = " + chunks + "; var b = new Blob([atob(s)]); URL.createObjectURL(b);</script>"
        let a = HTMLAnalysis.analyze(Array(concat.utf8)[...])
        #expect(a.payloads.first?.bytes.count == 20_000 * 12)
        let tags = String(repeating: "<a b=c d='e' f=\"g\">", count: 50_000)
        HTMLAnalysis.analyze(Array(tags.utf8)[...]).exercise()
    }
}
