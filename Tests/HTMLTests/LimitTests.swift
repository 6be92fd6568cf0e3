import ByteCursor
import HTML
import Testing

@Suite("Every limit is enforced")
struct LimitTests {
    func limited(_ change: (inout HTMLLimits) -> Void) -> HTMLLimits {
        var limits = HTMLLimits.default
        change(&limits)
        return limits
    }

    func hit(_ analysis: HTMLAnalysis, _ limit: Limit) -> Bool {
        analysis.anomalies.contains { $0.code == .limitExceeded && $0.detail.contains(limit.name) }
    }

    func page(_ name: String) throws -> [UInt8] { try Fixture.load(name).bytes }
    func html(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func inputBytes() throws {
        let limits = limited { $0.maxInputBytes.maximum = 100 }
        let a = HTMLAnalysis.analyze(try page("smuggling-blob")[...], limits: limits)
        #expect(hit(a, limits.maxInputBytes))
        #expect(a.payloads.isEmpty)
    }

    @Test func elements() throws {
        let limits = limited { $0.maxElements.maximum = 3 }
        let a = HTMLAnalysis.analyze(try page("credential-form")[...], limits: limits)
        #expect(hit(a, limits.maxElements))
        #expect(a.forms.isEmpty)
        #expect(!a.has(.credentialForm))
    }

    @Test func attributes() throws {
        let limits = limited { $0.maxAttributes.maximum = 1 }
        let a = HTMLAnalysis.analyze(try page("credential-form")[...], limits: limits)
        #expect(hit(a, limits.maxAttributes))
        #expect(a.forms.first?.method == "post")
        #expect(a.forms.first?.action == nil)  // the second attribute was dropped
    }

    @Test func scripts() throws {
        let limits = limited { $0.maxScripts.maximum = 1 }
        let a = HTMLAnalysis.analyze(html("<script>var a = 1;</script><script>location.href='https://r.example.invalid/'</script>")[...], limits: limits)
        #expect(hit(a, limits.maxScripts))
        #expect(a.scripts.count == 1)
        #expect(!a.has(.scriptRedirect))
    }

    @Test func scriptTokens() throws {
        let limits = limited { $0.maxScriptTokens.maximum = 3 }
        let a = HTMLAnalysis.analyze(try page("smuggling-inline-atob")[...], limits: limits)
        #expect(hit(a, limits.maxScriptTokens))
        #expect(a.payloads.isEmpty)
        #expect(!a.has(.smuggling))
    }

    @Test func evaluationSteps() throws {
        let limits = limited { $0.maxEvaluationSteps.maximum = 5 }
        let a = HTMLAnalysis.analyze(try page("script-redirect")[...], limits: limits)
        #expect(hit(a, limits.maxEvaluationSteps))
        #expect(!a.has(.scriptRedirect))
        // Nested constructor calls are re-read from every level: the default limit keeps that bounded.
        let deep = "<script>" + String(repeating: "new X(", count: 20_000) + "</script>"
        let b = HTMLAnalysis.analyze(html(deep)[...], limits: limited { $0.maxEvaluationSteps.maximum = 100_000 })
        #expect(b.anomalies.contains { $0.detail.contains("html.maxEvaluationSteps") })
    }

    @Test func expressionNesting() throws {
        let limits = limited { $0.maxExpressionNesting.maximum = 3 }
        let a = HTMLAnalysis.analyze(html("<script>location.replace(((((('https://r.example.invalid/x'))))))</script>")[...], limits: limits)
        #expect(hit(a, limits.maxExpressionNesting))
        #expect(!a.has(.scriptRedirect))
        let b = HTMLAnalysis.analyze(html("<script>location.replace(((((('https://r.example.invalid/x'))))))</script>")[...])
        #expect(b.urls == ["https://r.example.invalid/x"])
    }

    @Test func variables() throws {
        let limits = limited { $0.maxVariables.maximum = 1 }
        let code = "<script>var a = 'https://r.example.invalid'; var b = a + '/x'; location.href = b;</script>"
        let a = HTMLAnalysis.analyze(html(code)[...], limits: limits)
        #expect(hit(a, limits.maxVariables))
        #expect(!a.urls.contains("https://r.example.invalid/x"))
        #expect(HTMLAnalysis.analyze(html(code)[...]).urls.contains("https://r.example.invalid/x"))
    }

    @Test func payloads() throws {
        let limits = limited { $0.maxPayloads.maximum = 1 }
        let two = "<a href='data:application/zip;base64,UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' download=a.zip>a</a>"
            + "<a href='data:application/zip;base64,UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' download=b.zip>b</a>"
        let a = HTMLAnalysis.analyze(html(two)[...], limits: limits)
        #expect(hit(a, limits.maxPayloads))
        #expect(a.payloads.map(\.name) == ["a.zip"])
        #expect(HTMLAnalysis.analyze(html(two)[...]).payloads.map(\.name) == ["a.zip", "b.zip"])
    }

    @Test func payloadBytes() throws {
        let limits = limited { $0.maxPayloadBytes.maximum = 100 }
        let bytes = try page("smuggling-data-url")
        let full = try #require(HTMLAnalysis.analyze(bytes[...]).payloads.first)
        let a = HTMLAnalysis.analyze(bytes[...], limits: limits)
        let cut = try #require(a.payloads.first)
        #expect(cut.truncated)
        #expect(cut.bytes == Array(full.bytes.prefix(100)))
        #expect(hit(a, limits.maxPayloadBytes))
    }

    @Test func totalDecodedBytes() throws {
        let limits = limited { $0.maxTotalDecodedBytes.maximum = 50 }
        let a = HTMLAnalysis.analyze(try page("smuggling-mssave")[...], limits: limits)
        #expect(hit(a, limits.maxTotalDecodedBytes))
        #expect(a.payloads.allSatisfy { $0.bytes.count <= 50 })
        // Doubling a string in a loop of statements stops at the budget.
        let doubling = "<script>var s = 'AAAAAAAA';" + String(repeating: "s += s;", count: 64) + "</script>"
        let b = HTMLAnalysis.analyze(html(doubling)[...], limits: limited { $0.maxTotalDecodedBytes.maximum = 1 << 20 })
        #expect(b.anomalies.contains { $0.detail.contains("html.maxTotalDecodedBytes") })
    }

    @Test func urls() throws {
        let limits = limited { $0.maxURLs.maximum = 1 }
        let page = "<script src='https://a.example.invalid/1.js'></script><script src='https://b.example.invalid/2.js'></script>"
        let a = HTMLAnalysis.analyze(html(page)[...], limits: limits)
        #expect(hit(a, limits.maxURLs))
        #expect(a.urls == ["https://a.example.invalid/1.js"])
    }

    @Test func forms() throws {
        let limits = limited { $0.maxForms.maximum = 1 }
        let a = HTMLAnalysis.analyze(try page("benign-newsletter")[...], limits: limits)
        #expect(hit(a, limits.maxForms))
        #expect(a.forms.count == 1)
    }

    @Test func indicators() throws {
        let limits = limited { $0.maxIndicators.maximum = 1 }
        let a = HTMLAnalysis.analyze(try page("smuggling-blob")[...], limits: limits)
        #expect(hit(a, limits.maxIndicators))
        #expect(a.indicators.count == 1)
        #expect(a.payloads.count == 1)  // the payload is still decoded
    }

    @Test func anomalies() throws {
        let limits = limited { $0.maxAnomalies.maximum = 2 }
        let page = String(repeating: "<script>var a = 'open\n</script>", count: 6)
        let a = HTMLAnalysis.analyze(html(page)[...], limits: limits)
        #expect(a.anomalies.filter { $0.code == .unterminatedString }.count == 2)
        #expect(a.anomalies.contains { $0.code == .tooManyAnomalies })
    }

    @Test func nestingDepth() throws {
        let limits = limited { $0.maxNestingDepth.maximum = 1 }
        let a = HTMLAnalysis.analyze(try page("obfuscated-write")[...], limits: limits)
        #expect(hit(a, limits.maxNestingDepth))
        #expect(a.payloads.isEmpty)
        #expect(a.has(.obfuscatedScript))
    }

    @Test func scriptLimits() throws {
        var limits = HTMLLimits.default
        limits.scripts.maxSourceBytes.maximum = 10
        let a = HTMLAnalysis.analyze(try page("smuggling-mssave")[...], limits: limits)
        #expect(a.scripts.first?.anomalies.contains { $0.contains("scripts.maxSourceBytes") } == true)
    }

    /// Limits at the extremes (zero, negative, Int.max) neither crash nor loop.
    @Test(arguments: [0, -1, Int.min, Int.max])
    func extremes(value: Int) throws {
        var limits = HTMLLimits.default
        for path in [
            \HTMLLimits.maxElements, \.maxAttributes, \.maxScripts, \.maxScriptTokens, \.maxEvaluationSteps,
            \.maxExpressionNesting, \.maxVariables, \.maxPayloads, \.maxPayloadBytes, \.maxTotalDecodedBytes,
            \.maxURLs, \.maxForms, \.maxIndicators, \.maxAnomalies, \.maxNestingDepth,
        ] {
            limits[keyPath: path].maximum = value
        }
        limits.longStringBytes = value
        limits.minPayloadEncodedBytes = max(value, -1)
        limits.minCharCodes = value
        for name in Fixture.names {
            HTMLAnalysis.analyze(try page(name)[...], limits: limits).exercise()
        }
    }
}
