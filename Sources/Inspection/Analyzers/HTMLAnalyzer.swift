import HTML

/// HTML attachments: smuggled payloads become children; smuggling, credential forms and redirects become facts.
struct HTMLAnalyzer: Analyzer {
    let name = "html"

    static let rules: [String: RuleID] = [
        "smuggling": .htmlSmuggling,
        "blob-download": .htmlSmugglingTechnique,
        "ms-save-blob": .htmlSmugglingTechnique,
        "data-url-download": .htmlSmugglingTechnique,
        "atob-long-string": .htmlSmugglingTechnique,
        "char-code-payload": .htmlSmugglingTechnique,
        "escaped-payload": .htmlSmugglingTechnique,
        "encoded-binary": .htmlSmugglingTechnique,
        "credential-form": .htmlCredentialForm,
        "script-post": .htmlCredentialForm,
        "external-form-action": .htmlExternalContent,
        "external-frame": .htmlExternalContent,
        "meta-refresh": .htmlRedirect,
        "script-redirect": .htmlRedirect,
        "obfuscated-script": .htmlObfuscatedScript,
    ]

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let analysis = HTMLAnalysis.analyze(artifact.bytes)
        for a in analysis.anomalies.prefix(5) {
            out.facts.append(Fact(.htmlMalformed, a.detail, offset: a.offset, detail: a.code.rawValue))
        }
        for i in analysis.indicators {
            guard let rule = Self.rules[i.kind.rawValue] else { continue }
            out.facts.append(Fact(rule, i.detail, offset: i.offset, line: i.line, detail: i.kind.rawValue))
        }
        if !analysis.urls.isEmpty { out.properties["html.urls"] = analysis.urls.prefix(10).joined(separator: " ") }
        if !analysis.forms.isEmpty { out.properties["html.forms"] = String(analysis.forms.count) }
        if analysis.charset.lowercased() != "utf-8" { out.properties["html.charset"] = analysis.charset }
        for (n, payload) in analysis.payloads.enumerated() {
            let segment = "smuggled[\(n + 1)]" + (payload.name.map { " \($0)" } ?? "")
            guard budget.keepChild(bytes: payload.bytes.count, pending: out.children.count) else {
                out.facts.append(Fact(.budgetExhausted, "smuggled payload not inspected", offset: payload.offset))
                continue
            }
            out.children.append(
                Artifact(
                    segment: segment, name: payload.name, bytes: payload.bytes[...], truncated: payload.truncated,
                    properties: ["html.technique": payload.technique, "html.line": String(payload.line)]))
        }
        return out
    }
}
