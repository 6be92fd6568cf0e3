import OfficeMacros
import Scripts

/// Scripts someone double-clicks (`.vbs/.vbe`, `.js/.jse`, `.wsf`, `.hta`, `.ps1`, `.bat/.cmd`): olevba's
/// vocabulary, Script Encoder and string decoding, and mraptor's rule (it runs when opened; does it write or
/// execute?).
struct ScriptFileAnalyzer: Analyzer {
    let name = "script"

    /// Whether an artifact is a script: by its name, or by the Script Encoder marker.
    static func isScript(_ artifact: Artifact) -> Bool {
        if let name = artifact.name, ScriptAnalyzer.language(forFileName: name) != nil { return true }
        // The Script Encoder's start marker, `#@~^`, in the first 4 KiB.
        let head = artifact.bytes.prefix(4096)
        var i = head.startIndex
        while let hash = head[i...].firstIndex(of: 0x23) {
            if head[hash...].starts(with: [0x23, 0x40, 0x7E, 0x5E]) { return true }
            i = hash + 1
        }
        return false
    }

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let language = ScriptAnalyzer.detectLanguage(artifact.bytes, fileName: artifact.name)
        let analysis = ScriptAnalyzer.analyze(artifact.bytes, language: language, location: artifact.name ?? "script")
        out.properties["script.language"] = analysis.language.rawValue
        if analysis.blocks.count > 1 { out.properties["script.blocks"] = String(analysis.blocks.count) }
        for a in analysis.anomalies.prefix(3) { out.facts.append(Fact(.parseError, a)) }
        if analysis.wasEncoded {
            out.facts.append(
                Fact(
                    .scriptEncoded, "Script-Encoded code decoded"
                        + (analysis.decodedSource.map { ": \($0.prefix(200))" } ?? "")))
        }
        MacroFacts.indicators(analysis.indicators, within: { _ in "" }, rules: .script, into: &out)
        for d in analysis.decoded.filter({ MacroFacts.isReadable($0.decoded) }).prefix(20) {
            out.facts.append(
                Fact(
                    .scriptDecoded, "\(d.encoding) decodes to: \(d.decoded.prefix(300))", line: d.line,
                    detail: String(d.encoded.prefix(120))))
        }
        if analysis.flags.autoExec && (analysis.flags.write || analysis.flags.execute) {
            var parts: [String] = []
            if analysis.flags.write { parts.append("writes or downloads") }
            if analysis.flags.execute { parts.append("runs programs or code") }
            out.facts.append(
                Fact(
                    .scriptRunsAndActs,
                    "\(analysis.language.rawValue) script runs when opened and " + parts.joined(separator: " and "),
                    detail: artifact.name))
        }
        return out
    }
}

/// Text content: scripts by name, HTML, and text documents (SYLK, flat XML, CSV) each to their analyzer.
struct TextAnalyzer: Analyzer {
    let name = "text"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        if ScriptFileAnalyzer.isScript(artifact) {
            return ScriptFileAnalyzer().analyze(artifact, context: context, budget: &budget)
        }
        if Sniffer.sniff(artifact.bytes) == .html {
            return HTMLAnalyzer().analyze(artifact, context: context, budget: &budget)
        }
        return TextDocumentAnalyzer().analyze(artifact, context: context, budget: &budget)
    }
}
