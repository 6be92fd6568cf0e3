import Scripts

/// Judgements over the children of a container (an archive, an image, a OneNote section).
enum ContainerFacts {
    /// Whether a child is a shortcut: by content, or by name when the content could not be read.
    static func isShortcut(_ a: Artifact) -> Bool {
        Sniffer.sniff(a.bytes) == .lnk || NameChecks.extensions(a.name ?? "").last == "lnk"
    }

    /// Whether a child is a library or program a shortcut could run.
    static func isLibrary(_ a: Artifact) -> Bool {
        if Sniffer.sniff(a.bytes) == .pe { return true }
        let ext = NameChecks.extensions(a.name ?? "").last ?? ""
        return ["dll", "exe", "cpl", "ocx", "scr"].contains(ext)
    }

    /// Whether a file runs code when a user double-clicks it: an executable, a shortcut, a script, an HTA.
    static func isRunnable(_ a: Artifact) -> Bool {
        let type = Sniffer.sniff(a.bytes)
        if type.isRunnable { return true }
        let ext = NameChecks.extensions(a.name ?? "").last ?? ""
        if ScriptAnalyzer.language(forFileName: "x." + ext) != nil { return true }
        return NameChecks.dangerous.contains(ext) && !["one", "onepkg", "iso", "img", "vhd", "vhdx", "url"].contains(ext)
    }

    /// The ISO/ZIP lure: a shortcut next to a DLL it runs.
    static func shortcutBesideLibrary(_ children: [Artifact], container: String) -> Fact? {
        guard let link = children.first(where: isShortcut),
            let library = children.first(where: { isLibrary($0) && !isShortcut($0) })
        else { return nil }
        return Fact(
            .shortcutBesideLibrary,
            "\(container) holds the shortcut \(link.name ?? link.segment) beside \(library.name ?? library.segment)",
            detail: link.name)
    }
}
