extension OOXMLScanner {
    /// The URLs in an XML part's attribute values and text, in order of appearance, without repeats.
    ///
    /// A URL is a scheme of letters, digits, `+`, `-` or `.` followed by `://` (or `mhtml:`, `ms-msdt:`,
    /// `search-ms:` and the like, which attackers use without slashes), up to whitespace, a quote or `<`.
    /// Namespace declarations (`xmlns`, `xmlns:*`) and the schema URIs of Office itself (relationship types,
    /// `schemas.openxmlformats.org`, `schemas.microsoft.com`, `www.w3.org`, `purl.org`/`purl.oclc.org`) are
    /// left out.
    public static func urls(inXML: [UInt8], limits: OOXMLScanLimits = .default) -> [String] {
        var found: [String] = []
        var seen: Set<String> = []
        var tokenizer = XMLTokenizer(inXML, limits: limits.xml)
        func collect(_ text: String) {
            for url in URLFinder.urls(in: text) where !seen.contains(url) && !URLFinder.isSchemaURI(url) {
                guard limits.maxFindings.allows(found.count + 1) else { return }
                seen.insert(url)
                found.append(url)
            }
        }
        while let token = try? tokenizer.next(), limits.maxFindings.allows(found.count + 1) {
            switch token {
            case .startElement(_, let attributes, _, _):
                for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
                    if key == "xmlns" || key.hasPrefix("xmlns:") || key == "Type" || key == "mc:Ignorable" { continue }
                    collect(value)
                }
            case .text(let text, _):
                collect(text)
            case .endElement:
                break
            }
        }
        return found
    }
}

/// Finds URLs in text.
enum URLFinder {
    /// Schemes recognised without `//`.
    static let opaqueSchemes: Set<String> = ["mhtml", "ms-msdt", "search-ms", "ms-search", "ms-officecmd", "mailto"]
    /// Hosts of schema and namespace URIs, which are identifiers rather than links.
    static let schemaHosts = [
        "schemas.openxmlformats.org", "schemas.microsoft.com", "www.w3.org", "purl.org", "purl.oclc.org",
        "ns.adobe.com", "schemas.xmlsoap.org",
    ]

    static func urls(in text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var out: [String] = []
        var i = 0
        let n = scalars.count
        while i < n {
            guard scalars[i] == ":" else {
                i += 1
                continue
            }
            // Walk back over the scheme.
            var start = i
            while start > 0, isSchemeCharacter(scalars[start - 1]) { start -= 1 }
            while start < i, !isLetter(scalars[start]) { start += 1 }
            let scheme = String(String.UnicodeScalarView(scalars[start..<i])).lowercased()
            let hasSlashes = i + 2 < n && scalars[i + 1] == "/" && scalars[i + 2] == "/"
            guard !scheme.isEmpty, scheme.count <= 32, hasSlashes || opaqueSchemes.contains(scheme) else {
                i += 1
                continue
            }
            var end = i + 1
            while end < n, !endsURL(scalars[end]) { end += 1 }
            let minimumEnd = hasSlashes ? i + 3 : i + 1
            if end > minimumEnd {
                out.append(String(String.UnicodeScalarView(scalars[start..<end])))
            }
            i = end
        }
        return out
    }

    static func isSchemaURI(_ url: String) -> Bool {
        let lower = url.lowercased()
        for host in schemaHosts where lower.hasPrefix("http://" + host) || lower.hasPrefix("https://" + host) {
            return true
        }
        return false
    }

    private static func isLetter(_ s: Unicode.Scalar) -> Bool {
        (s >= "a" && s <= "z") || (s >= "A" && s <= "Z")
    }

    private static func isSchemeCharacter(_ s: Unicode.Scalar) -> Bool {
        isLetter(s) || (s >= "0" && s <= "9") || s == "+" || s == "-" || s == "."
    }

    private static func endsURL(_ s: Unicode.Scalar) -> Bool {
        s.properties.isWhitespace || s == "\"" || s == "'" || s == "<" || s == ">" || s.value < 0x20
    }
}
