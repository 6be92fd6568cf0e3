import MailSignals
import Testing
import TestSupport

@Suite("Hostile input: every function returns, quickly")
struct RobustnessTests {
    /// Pieces that matter to the parsers, mixed with random scalars.
    static let pieces: [String] = [
        "@", "＠", "<", ">", "\"", "(", ")", "[", "]", ";", "=", ":", "：", ".", "。", "/", "//", "\\", "\n", "\r\n",
        " ", "\u{3000}", "xn--", "xn--wgv71a119e", "http://", "hxxp[:]//", "[.]", "ms-appinstaller:?source=", "www.",
        "Re:", "返信：", "Re[2]:", "差出人: ", "From: ", "宛先: ", "On ", " wrote:", "-----Original Message-----", "> ",
        "<a href=\"", "</a>", "<!--", "<script>", "&amp;", "&#x", "0x", "wp-content/", ".zip", "山田", "太郎", "а", "ο",
        "ｱ", "ﾞ", "\u{200B}", "spf=fail", "dkim", "header.from=", "example.jp", "partner.co.jp", "ー", "一",
    ]

    static func randomString(_ rng: inout SplitMix64, maxPieces: Int) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &rng) {
            if Bool.random(using: &rng) {
                s += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
            } else if let u = Unicode.Scalar(UInt32.random(in: 0...0x3_0000, using: &rng)) {
                s.unicodeScalars.append(u)
            }
        }
        return s
    }

    @Test func seededRandomInputs() {
        var rng = SplitMix64(seed: 0x6d61_696c_7369_676e)
        let impersonation = ImpersonationCheck(ownDomains: ["example.jp"], protectedNames: ["山田 太郎", "経理部"])
        let lookalikes = LookalikeDomains(protectedDomains: ["example.jp", "partner.co.jp", "パートナー.example"])
        let threads = ThreadSignals()
        let extractor = URLExtractor()
        let urlSignals = URLSignals()
        for _ in 0..<1500 {
            let a = Self.randomString(&rng, maxPieces: 40)
            let b = Self.randomString(&rng, maxPieces: 40)
            let headers = OriginHeaders(
                from: Mailbox(displayName: a, address: b),
                replyTo: [Mailbox(address: a)],
                returnPath: b,
                sender: Mailbox(address: a),
                listID: b
            )
            _ = impersonation.check(headers)
            _ = lookalikes.check(a)
            _ = lookalikes.check(b)
            _ = DomainName.toUnicode(a)
            _ = Punycode.decode(b)
            _ = AuthenticationResults(parsing: a + ";" + b).signals()
            _ = SubjectPrefixes(parsing: a)
            _ = threads.check(subject: a, inReplyTo: nil, references: b, sender: Mailbox(address: b), body: a + b)
            _ = urlSignals.signals(for: extractor.extract(fromText: a + b))
            _ = urlSignals.signals(for: extractor.extract(fromHTML: a + b))
        }
    }

    @Test func punycodeOfRandomASCII() {
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-")
        for _ in 0..<5000 {
            let length = Int.random(in: 0...63, using: &rng)
            let s = String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
            if let decoded = Punycode.decode(s) { #expect(decoded.unicodeScalars.count <= 63) }
        }
    }

    /// Long inputs made of one repeated piece: the limits keep each check bounded (a quadratic path would show as a
    /// run that does not finish; no wall-clock time is asserted).
    @Test(arguments: [
        "@", "a@", "<a href=x>", "http://a.example/", "> ", "差出人: a <a@b.example>\n", "[.]", "Re: ",
        "(", "&#x41;", "xn--a.",
    ])
    func longRepetitiveInputs(piece: String) {
        let s = String(repeating: piece, count: 200_000 / max(1, piece.count))
        _ = ImpersonationCheck(ownDomains: [], protectedNames: ["経理部"]).check(
            OriginHeaders(from: Mailbox(displayName: s, address: s))
        )
        _ = LookalikeDomains(protectedDomains: ["example.jp"]).check(s)
        _ = AuthenticationResults(parsing: s)
        _ = SubjectPrefixes(parsing: s)
        _ = ThreadSignals().check(subject: s, inReplyTo: nil, references: nil, sender: Mailbox(address: s), body: s)
        _ = URLExtractor().extract(fromText: s)
        let html = URLExtractor().extract(fromHTML: s)
        #expect(html.urls.count <= MailSignalLimits.default.maxURLs.maximum, "\(piece)")
    }
}
