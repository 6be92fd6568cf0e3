import ShellLink

/// Windows shortcuts (MS-SHLLINK): the target, its arguments and icon become properties; LNKAnalysis's indicators
/// become facts; data appended after the structure becomes a child.
struct ShortcutAnalyzer: Analyzer {
    let name = "lnk"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let link: ShellLink
        do {
            link = try ShellLink(parsing: Array(artifact.bytes))
        } catch {
            out.facts.append(Fact(.lnkMalformed, "shortcut not parsed: \(error)"))
            return out
        }
        out.properties.merge(Self.properties(link)) { _, new in new }
        for a in link.anomalies.prefix(5) {
            out.facts.append(Fact(.lnkMalformed, a.detail, offset: a.offset, detail: a.code.rawValue))
        }
        let indicators = LNKAnalysis.indicators(link, fileName: artifact.name)
        if artifact.fromEncryptedContainer, Self.runsProgram(link, indicators) {
            out.facts.append(
                Fact(
                    .executableInEncryptedArchive,
                    "shortcut \(artifact.name ?? "") running \(link.target ?? "an unresolved target") came out of a "
                        + "password-protected archive", detail: artifact.name))
        }
        for indicator in indicators {
            guard let rule = Self.rules[indicator.kind.rawValue] else { continue }
            var message = indicator.detail
            if let decoded = indicator.decoded { message += "; decoded: \(decoded.prefix(300))" }
            out.facts.append(Fact(rule, message, detail: link.target))
        }
        if !link.appendedData.isEmpty {
            let bytes = link.appendedData
            if budget.keepChild(bytes: bytes.count, pending: 0) {
                out.children.append(
                    Artifact(
                        segment: "appended-data", name: nil, bytes: bytes,
                        properties: ["lnk.appended-offset": String(link.appendedDataOffset ?? 0)]))
            } else {
                out.facts.append(Fact(.budgetExhausted, "data appended to the shortcut not inspected"))
            }
        }
        return out
    }

    /// Whether the shortcut starts a program (an executable or script target, a LOLBin, or a target that could not
    /// be resolved) rather than opening a document or folder.
    static func runsProgram(_ link: ShellLink, _ indicators: [LNKIndicator]) -> Bool {
        if indicators.contains(where: { $0.kind == .lolbin || $0.kind == .findstrSelfExtract }) { return true }
        guard let target = link.target, !target.isEmpty else { return true }
        let ext = NameChecks.lastExtension(target)
        return NameChecks.dangerous.contains(ext) || ["sys", "ocx", "drv"].contains(ext)
    }

    static let rules: [String: RuleID] = [
        LNKIndicator.Kind.lolbin.rawValue: .lnkLOLBin,
        LNKIndicator.Kind.encodedPowerShell.rawValue: .lnkEncodedPowerShell,
        LNKIndicator.Kind.findstrSelfExtract.rawValue: .lnkFindstrSelfExtract,
        LNKIndicator.Kind.documentIconOnExecutable.rawValue: .lnkDocumentIcon,
        LNKIndicator.Kind.paddedArguments.rawValue: .lnkPaddedArguments,
        LNKIndicator.Kind.longArguments.rawValue: .lnkLongArguments,
        LNKIndicator.Kind.hiddenWindow.rawValue: .lnkHiddenWindow,
        LNKIndicator.Kind.appendedData.rawValue: .lnkAppendedData,
        LNKIndicator.Kind.remoteTarget.rawValue: .lnkRemoteTarget,
        LNKIndicator.Kind.url.rawValue: .lnkURL,
    ]

    /// The fields an analyst reads first, as report properties.
    static func properties(_ link: ShellLink) -> [String: String] {
        var p: [String: String] = [:]
        func set(_ key: String, _ value: String?, limit: Int = 1024) {
            guard let value, !value.isEmpty else { return }
            p[key] = String(value.prefix(limit))
        }
        set("lnk.target", link.target)
        set("lnk.arguments", link.arguments, limit: 2048)
        set("lnk.icon", link.iconLocation.map { "\($0),\(link.header.iconIndex)" })
        set("lnk.working-directory", link.workingDirectory)
        set("lnk.name", link.name)
        set("lnk.relative-path", link.relativePath)
        set("lnk.machine-id", link.tracker?.machineID)
        set("lnk.mac-address", link.tracker?.macAddress)
        if let serial = link.volumeSerial { p["lnk.volume-serial"] = String(serial, radix: 16, uppercase: true) }
        p["lnk.show-command"] = String(link.header.showCommand)
        if !link.appendedData.isEmpty { p["lnk.appended-bytes"] = String(link.appendedData.count) }
        return p
    }
}
