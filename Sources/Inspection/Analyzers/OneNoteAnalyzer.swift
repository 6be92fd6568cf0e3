import OneNote

/// OneNote sections (`.one`): every embedded file becomes a child with the name the revision store gives it;
/// an embedded script, executable, shortcut or HTA is the 2023 lure.
struct OneNoteAnalyzer: Analyzer {
    let name = "onenote"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let file: OneNoteFile
        do {
            file = try OneNoteFile(parsing: artifact.bytes)
        } catch {
            out.facts.append(Fact(.oneNoteMalformed, "OneNote file not parsed: \(error)"))
            return out
        }
        for a in file.anomalies.prefix(5) {
            out.facts.append(Fact(.oneNoteMalformed, a.detail, offset: a.offset, detail: a.code.rawValue))
        }
        out.properties["onenote.embedded-files"] = String(file.embeddedFiles.count)
        if file.isEncrypted { out.properties["onenote.encrypted"] = "true" }
        if !file.pageTitles.isEmpty { out.properties["onenote.titles"] = file.pageTitles.prefix(5).joined(separator: " | ") }
        if let lure = file.textSnippets.first(where: Self.isClickLure) {
            out.facts.append(Fact(.oneNoteClickLure, "page text: \(lure.prefix(200))"))
        }
        for embedded in file.embeddedFiles {
            let name = embedded.displayName
            guard budget.keepChild(bytes: embedded.bytes.count, pending: out.children.count) else {
                out.facts.append(Fact(.budgetExhausted, "embedded file \(name) not inspected", offset: embedded.offset))
                continue
            }
            var properties = ["onenote.kind": embedded.kind.rawValue]
            if let s = embedded.sourcePath { properties["onenote.source-path"] = s }
            if let g = embedded.guid { properties["onenote.guid"] = g }
            let child = Artifact(
                segment: name, name: name, bytes: embedded.bytes, truncated: embedded.truncated,
                properties: properties)
            out.facts.append(
                Fact(
                    .oneNoteEmbeddedFile, "\(embedded.kind.rawValue) \(name) (\(embedded.bytes.count) bytes)",
                    offset: embedded.offset, detail: name))
            if ContainerFacts.isRunnable(child) {
                out.facts.append(
                    Fact(
                        .oneNoteEmbeddedRunnable, "\(name) is embedded in the section and runs when double-clicked",
                        offset: embedded.offset, detail: name))
            }
            out.children.append(child)
        }
        return out
    }

    static func isClickLure(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.contains("double click") || lower.contains("double-click") || lower.contains("doubleclick")
            || text.contains("ダブルクリック")
    }
}

/// Cabinet files (`.cab`, and `.onepkg`, a cabinet of OneNote sections): every file becomes a child.
struct CabinetAnalyzer: Analyzer {
    let name = "cab"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let cab: CabinetArchive
        do {
            cab = try CabinetArchive(parsing: artifact.bytes)
        } catch {
            out.facts.append(Fact(.zipMalformed, "cabinet not parsed: \(error)"))
            return out
        }
        out.properties["cab.files"] = String(cab.files.count)
        for file in cab.files {
            guard budget.hasRoom(forArtifacts: out.children.count), !budget.isOutOfTime else {
                out.facts.append(Fact(.budgetExhausted, "cabinet file \(file.name) not inspected"))
                break
            }
            do {
                let (bytes, anomalies) = try cab.extractReporting(file)
                budget.chargeInflated(bytes.count)
                for a in anomalies.prefix(2) {
                    out.facts.append(Fact(.zipMalformed, a.detail, offset: a.offset, detail: file.name))
                }
                guard budget.reserve(bytes.count) == nil else {
                    out.facts.append(Fact(.budgetExhausted, "cabinet file \(file.name) not kept", detail: file.name))
                    continue
                }
                out.children.append(Artifact(segment: file.name, name: file.name, bytes: bytes[...]))
            } catch let error as OneNoteError where error.code == .unsupportedCompression {
                out.facts.append(Fact(.archiveUnsupported, "cabinet file \(file.name) not extracted: \(error)", detail: file.name))
            } catch {
                out.facts.append(Fact(.zipMalformed, "cabinet file \(file.name) not extracted: \(error)", detail: file.name))
            }
        }
        if let fact = ContainerFacts.shortcutBesideLibrary(out.children, container: "cabinet") { out.facts.append(fact) }
        return out
    }
}
