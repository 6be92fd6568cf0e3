import ByteCursor

/// Signals for extracted URLs: IP-literal hosts, download-looking paths, WordPress directories, `ms-appinstaller:`
/// links, user information before the host, defanged writing, and `<a>` elements whose text shows one domain while
/// the link goes to another.
public struct URLSignals: Sendable {
    /// File types that carry code or containers of it (Emotet's downloads and their successors).
    public static let downloadExtensions: Set<String> = [
        "doc", "docm", "dot", "dotm", "xls", "xlsm", "xlsb", "xlt", "xltm", "xla", "xlam", "ppt", "pptm",
        "zip", "rar", "7z", "gz", "tar", "cab", "iso", "img", "vhd", "vhdx",
        "exe", "dll", "scr", "com", "pif", "cpl", "msi", "msix", "msixbundle", "appx", "appxbundle", "appinstaller",
        "js", "jse", "vbs", "vbe", "wsf", "wsh", "hta", "ps1", "bat", "cmd", "lnk", "one", "onepkg", "jar", "rtf",
    ]

    /// Extensions of page resources that WordPress directories serve to every reader (images, styles, fonts):
    /// a newsletter's `wp-content/uploads/banner.jpg` is not a signal.
    public static let pageResourceExtensions: Set<String> = [
        "jpg", "jpeg", "png", "gif", "webp", "svg", "bmp", "ico", "css", "woff", "woff2", "ttf", "eot", "otf",
        "mp4", "webm", "mp3", "pdf", "html", "htm", "php", "txt", "xml", "json", "avif",
    ]

    /// Organisational domains of click-tracking redirectors whose links may show another domain.
    public let redirectorDomains: Set<String>
    public var limits: MailSignalLimits

    public init(redirectorDomains: [String] = [], limits: MailSignalLimits = .default) {
        self.redirectorDomains = Set(
            redirectorDomains.prefix(limits.maxProtectedEntries.maximum).compactMap {
                DomainName.normalize($0, limits: limits).map { DomainName.organizationalDomain(of: $0) }
            }
        )
        self.limits = limits
    }

    /// Every signal of every URL of an extraction, and one for a limit that stopped it.
    public func signals(for extraction: URLExtraction) -> [MailSignal] {
        var out = extraction.urls.flatMap { signals(for: $0) }
        if let limit = extraction.limitReached { out.append(.limit(limit, "URL extraction")) }
        return out
    }

    /// The signals of one URL.
    public func signals(for url: ExtractedURL) -> [MailSignal] {
        let c = url.components
        var out: [MailSignal] = []
        if let ip = c.ipLiteral {
            out.append(
                MailSignal(.urlIPLiteral, "the link goes to the IP address \(ip), not to a name", evidence: url.url)
            )
        }
        if c.scheme == "ms-appinstaller" {
            let source = c.path.range(ofFirst: "source=").map { String(c.path[$0.upperBound...]) }
            out.append(
                MailSignal(
                    .urlAppInstaller,
                    "an ms-appinstaller link installs an app package" + (source.map { " from \($0)" } ?? ""),
                    evidence: url.url
                )
            )
        }
        let (segments, ext) = Self.pathParts(c.path)
        if let ext, Self.downloadExtensions.contains(ext), c.host != nil {
            out.append(MailSignal(.urlDownloadPath, "the link downloads a .\(ext) file", evidence: url.url))
        }
        if segments.contains(where: { ["wp-content", "wp-includes", "wp-admin"].contains($0) }),
            ext.map({ !Self.pageResourceExtensions.contains($0) }) ?? true
        {
            out.append(
                MailSignal(
                    .urlWordPressPath,
                    "the link points into a WordPress directory, where Emotet hid its downloads",
                    evidence: url.url
                )
            )
        }
        if let info = c.userInfo, !info.isEmpty, c.host != nil {
            out.append(
                MailSignal(
                    .urlUserInfo,
                    "the link starts with \"\(info)@\", but goes to \(c.host ?? "")",
                    evidence: url.url
                )
            )
        }
        if url.defanged {
            out.append(MailSignal(.urlDefanged, "the URL is written defanged", evidence: url.original))
        }
        if let s = textTargetMismatch(url) { out.append(s) }
        return out
    }

    /// A signal when an `<a>` element's text shows a domain (`https://partner.example.jp/...`,
    /// `www.partner.example.jp`) of another organisation than its target's. Text that shows no domain ("こちら",
    /// "click here") and targets at a listed redirector are not signals.
    public func textTargetMismatch(_ url: ExtractedURL) -> MailSignal? {
        guard let text = url.linkText, let shown = Self.domainShown(in: text),
            let target = url.components.host
        else { return nil }
        let shownOrg = DomainName.organizationalDomain(of: shown)
        let targetOrg = url.components.ipLiteral ?? DomainName.organizationalDomain(of: target)
        guard shownOrg != targetOrg, !redirectorDomains.contains(targetOrg) else { return nil }
        return MailSignal(
            .urlTextTargetMismatch,
            "the link text shows \(shown) but the link goes to \(target)",
            evidence: "\(Text.clip(text, 120)) -> \(url.url)"
        )
    }

    /// The domain a link text shows, if it shows one: the host of a URL in it, or the text itself when it is a
    /// bare host name (with an optional path) whose last label is not a file extension.
    static func domainShown(in text: String) -> String? {
        let trimmed = text.trimmingQuotes()
        guard !trimmed.isEmpty, trimmed.unicodeScalars.count <= 1024 else { return nil }
        let extraction = URLExtractor().extract(fromText: trimmed)
        if let first = extraction.urls.first {
            let c = first.components
            let scheme = first.original.lowercased()
            let explicit = scheme.contains("://") || scheme.hasPrefix("www.")
            if let host = c.host,
                explicit || !downloadExtensions.contains(String(host.split(separator: ".").last ?? ""))
            {
                return c.ipLiteral ?? host
            }
        }
        // A bare host, as link texts often are: "partner.example.jp".
        let word = trimmed.split(separator: " ").first.map(String.init) ?? trimmed
        let host = word.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard host.contains("."),
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }),
            let domain = DomainName.normalize(String(host)),
            let tld = domain.split(separator: ".").last, tld.count >= 2, tld.allSatisfy(\.isLetter),
            !downloadExtensions.contains(String(tld)), !pageResourceExtensions.contains(String(tld))
        else { return nil }
        return domain
    }

    /// The lower-cased path segments (percent-decoding `%2d`-style escapes is not done) and the extension of the
    /// last one.
    static func pathParts(_ path: String) -> (segments: [String], ext: String?) {
        let pathOnly = path.prefix { $0 != "?" && $0 != "#" }
        let segments = pathOnly.lowercased().split(separator: "/").map(String.init)
        guard let last = segments.last, pathOnly.last != "/", let dot = last.lastIndex(of: ".") else {
            return (segments, nil)
        }
        let ext = String(last[last.index(after: dot)...])
        return (segments, ext.isEmpty || ext.count > 16 ? nil : ext)
    }
}
