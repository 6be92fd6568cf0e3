import Scripts

/// Judgements over the children of a container (an archive, an image, a OneNote section).
enum ContainerFacts {
    /// Whether content of `type` named `name` is a shortcut: by content, or by name when the content could not be
    /// read.
    static func isShortcut(_ type: ArtifactType, name: String?) -> Bool {
        type == .lnk || NameChecks.lastExtension(name) == "lnk"
    }

    /// Whether content of `type` named `name` is a library or program a shortcut could run.
    static func isLibrary(_ type: ArtifactType, name: String?) -> Bool {
        type == .pe || ["dll", "exe", "cpl", "ocx", "scr"].contains(NameChecks.lastExtension(name))
    }

    /// Whether a file runs code when a user double-clicks it: an executable, a shortcut, a script, an HTA.
    static func isRunnable(_ a: Artifact) -> Bool {
        let type = Sniffer.sniff(a.bytes)
        if type.isRunnable { return true }
        let ext = NameChecks.lastExtension(a.name)
        if ScriptAnalyzer.language(forFileName: "x." + ext) != nil { return true }
        return NameChecks.dangerous.contains(ext) && !["one", "onepkg", "iso", "img", "vhd", "vhdx", "url"].contains(ext)
    }

    /// The ISO/ZIP lure: a shortcut next to a DLL it runs.
    static func shortcutBesideLibrary(_ children: [Artifact], container: String) -> Fact? {
        let kinds = children.map { child -> (Artifact, shortcut: Bool, library: Bool) in
            let type = Sniffer.sniff(child.bytes)
            return (child, isShortcut(type, name: child.name), isLibrary(type, name: child.name))
        }
        guard let link = kinds.first(where: \.shortcut)?.0,
            let library = kinds.first(where: { $0.library && !$0.shortcut })?.0
        else { return nil }
        return Fact(
            .shortcutBesideLibrary,
            "\(container) holds the shortcut \(link.name ?? link.segment) beside \(library.name ?? library.segment)",
            detail: link.name)
    }
}
