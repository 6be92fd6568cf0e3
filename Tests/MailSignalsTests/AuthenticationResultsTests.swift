import MailSignals
import Testing

@Suite("Authentication-Results (RFC 8601)")
struct AuthenticationResultsTests {
    @Test func readsMethodsResultsAndProperties() throws {
        let value = """
            mx.example.jp; spf=pass smtp.mailfrom=partner.example.jp;\r
             dkim=fail (bad signature; key 2048 bits) header.d=partner.example.jp header.i=@partner.example.jp;\r
            \tdmarc=fail (p=reject dis=none) header.from=partner.example.jp
            """
        let ar = AuthenticationResults(parsing: value)
        #expect(ar.authservID == "mx.example.jp")
        #expect(ar.results.map(\.method) == ["spf", "dkim", "dmarc"])
        #expect(ar.spf.first?.result == "pass")
        #expect(ar.spf.first?.value("smtp.mailfrom") == "partner.example.jp")
        #expect(ar.dkim.first?.value("header.d") == "partner.example.jp")
        #expect(ar.dkim.first?.value("HEADER.I") == "@partner.example.jp")
        #expect(ar.dmarc.first?.value("header.from") == "partner.example.jp")
        let codes = ar.signals().map(\.code)
        #expect(codes == [.dmarcFail, .dkimFail])
        #expect(ar.signals(trustedAuthservIDs: ["MX.example.jp"]).count == 2)
        #expect(ar.signals(trustedAuthservIDs: ["relay.example.jp"]).isEmpty)
    }

    @Test func versionsReasonsQuotesAndSpacing() {
        let ar = AuthenticationResults(
            parsing:
                "mx.example.jp 1; spf / 1 = softfail reason=\"sender; not (permitted)\" smtp . mailfrom = \"a b\"@evil.example; auth=pass smtp.auth=user@example.jp"
        )
        #expect(ar.version == "1")
        #expect(ar.results.count == 2)
        let spf = ar.spf.first
        #expect(spf?.version == "1")
        #expect(spf?.result == "softfail")
        #expect(spf?.reason == "sender; not (permitted)")
        #expect(ar.signals().map(\.code) == [.spfFail])
        #expect(ar.results.last?.value("smtp.auth") == "user@example.jp")
    }

    @Test func nestedCommentsAndNone() {
        let ar = AuthenticationResults(parsing: "mx.example.jp (a (nested) comment \\) here); none")
        #expect(ar.authservID == "mx.example.jp")
        #expect(ar.results.isEmpty)
        #expect(ar.signals().isEmpty)
    }

    @Test func fieldWithoutAuthservIDAsSomeGatewaysWriteIt() {
        let ar = AuthenticationResults(
            parsing:
                "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.jp; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=example.jp;compauth=pass reason=100"
        )
        #expect(ar.authservID == "")
        #expect(ar.results.map(\.method) == ["spf", "dkim", "dmarc", "compauth"])
        #expect(ar.dmarc.first?.value("action") == "none")
        #expect(ar.results.last?.reason == "100")
        #expect(ar.signals().isEmpty)
    }

    @Test func passingMailIsNoSignal() {
        let ar = AuthenticationResults(
            parsing:
                "mx.example.jp; dkim=fail header.d=old.example.jp; dkim=pass header.d=example.jp; spf=pass smtp.mailfrom=example.jp; dmarc=pass header.from=example.jp"
        )
        #expect(ar.signals().isEmpty)  // one DKIM signature verified
    }

    @Test func garbageIsReadWithoutFailing() {
        for value in ["", ";;;", "=", "x; =fail", "x; spf=", "(((", "\"unterminated; spf=fail", "x; spf=fail (open"] {
            let ar = AuthenticationResults(parsing: value)
            #expect(ar.results.allSatisfy { !$0.method.isEmpty && !$0.result.isEmpty }, "\(value)")
        }
    }

    @Test func manyResultsStopAtTheLimit() {
        let value = "mx.example.jp;" + String(repeating: " dkim=pass header.d=example.jp;", count: 100)
        let ar = AuthenticationResults(parsing: value)
        #expect(ar.results.count == 64)
        #expect(ar.limitReached)
    }
}
