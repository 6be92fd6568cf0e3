import MailSignals

/// Gathers the URLs an artifact's analyzer found, wherever it wrote them, into the one `urls` property that
/// threat-intelligence matching reads: the mail text and HTML (`urls`), HTML and RTF attachments (`html.urls`,
/// `rtf.urls`), shortcut command lines (`lnk.arguments`, `lnk.target`), and the indicator facts of macros,
/// scripts, shortcuts and documents (`macro.ioc`, `script.ioc`, `lnk.url`, decoded strings, remote templates).
enum URLCollector {
    /// Properties whose values hold URLs.
    static let properties = ["urls", "html.urls", "rtf.urls", "lnk.arguments", "lnk.target"]

    /// Facts whose message or detail may hold a URL.
    static let facts: Set<RuleID> = [
        .macroIOC, .macroDecoded, .scriptIOC, .scriptDecoded, .lnkURL, .lnkEncodedPowerShell, .lnkLOLBin,
        .htmlRedirect, .htmlExternalContent, .htmlCredentialForm, .officeRemoteTemplate, .officeExternalObject,
        .rtfExploitClass, .officeDDECommand,
    ]

    /// The URLs, de-duplicated in order of appearance, at most ``Inspector/maxURLsPerArtifact``.
    static func urls(properties: [String: String], facts: [Fact]) -> [String] {
        var texts: [String] = properties.isEmpty ? [] : Self.properties.compactMap { properties[$0] }
        for f in facts where Self.facts.contains(f.rule) {
            texts.append(f.message)
            if let d = f.evidence.detail { texts.append(d) }
        }
        guard !texts.isEmpty else { return [] }
        let extractor = URLExtractor()
        var seen: Set<String> = []
        var out: [String] = []
        for text in texts {
            for u in extractor.extract(fromText: text).urls where seen.insert(u.url).inserted {
                out.append(u.url)
                if out.count >= Inspector.maxURLsPerArtifact { return out }
            }
        }
        return out
    }
}
