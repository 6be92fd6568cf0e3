import CompoundFile
import RTF

/// RTF documents: every `\objdata` object becomes a child (a Packager file with its name, else the object's
/// native data, normally a compound file); DDE fields, remote templates and exploit classes become facts.
struct RTFAnalyzer: Analyzer {
    let name = "rtf"

    /// Classes whose objects exist mainly in exploits.
    static let exploitClasses: [String: String] = [
        "ole2link": "OLE2Link fetches a remote document when the object updates (CVE-2017-0199)",
        "equation.3": "Equation Editor 3.0 object (CVE-2017-11882, CVE-2018-0802)",
        "equation.2": "Equation Editor object (CVE-2017-11882)",
        "equation": "Equation Editor object",
    ]

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let doc: RTFDocument
        do {
            doc = try RTFDocument(parsing: artifact.bytes)
        } catch {
            out.facts.append(Fact(.parseError, "RTF not parsed: \(error)"))
            return out
        }
        for a in doc.anomalies.prefix(5) {
            out.facts.append(Fact(.rtfMalformed, a.detail, offset: a.offset, detail: a.code.rawValue))
        }
        if !doc.urls.isEmpty { out.properties["rtf.urls"] = doc.urls.prefix(10).joined(separator: " ") }
        for (i, object) in doc.objects.enumerated() {
            let className = object.className ?? object.objClass ?? "unknown class"
            let within = "object[\(i + 1)]"
            if object.autoUpdate {
                out.facts.append(
                    Fact(.rtfAutoUpdate, "\(className) object updates on open", within: within, offset: object.offset))
            }
            if let why = Self.exploitClasses[className.lowercased()] {
                out.facts.append(Fact(.rtfExploitClass, why, within: within, offset: object.offset, detail: className))
            }
            // The child: the packaged file, else the native data (a compound file), else the raw object data.
            let bytes: ArraySlice<UInt8>
            var name: String?
            var properties = ["rtf.class": className]
            if let package = object.package {
                bytes = package.payload
                name = package.displayLabel
                properties["ole.source-path"] = package.sourcePath
            } else if let ole1 = object.ole1, !ole1.nativeData.isEmpty {
                bytes = ole1.nativeData
            } else {
                bytes = object.rawData[...]
            }
            out.facts.append(
                Fact(
                    .rtfObject, "\(className) object\(name.map { " holding \($0)" } ?? "") (\(bytes.count) bytes)",
                    within: within, offset: object.offset, detail: name))
            guard !bytes.isEmpty else { continue }
            guard budget.keepChild(bytes: bytes.count, pending: out.children.count) else {
                out.facts.append(Fact(.budgetExhausted, "RTF object not inspected", within: within))
                continue
            }
            let child = Artifact(
                segment: name.map { "\(within) \($0)" } ?? within, name: name, bytes: Array(bytes)[...],
                truncated: object.truncated, properties: properties)
            if object.package != nil, ContainerFacts.isRunnable(child) {
                out.facts.append(
                    Fact(
                        .officeEmbeddedRunnable, "package object \(name ?? "") runs when its icon is double-clicked",
                        within: within, offset: object.offset, detail: name))
            }
            out.children.append(child)
        }
        for field in doc.fieldInstructions {
            if field.isDDE {
                let command = field.instruction.lowercased()
                let runs = ["cmd", "powershell", "mshta", "rundll32", "regsvr32", "wscript", "cscript", "certutil"]
                    .contains { command.contains($0) }
                out.facts.append(
                    Fact(
                        runs ? .officeDDECommand : .officeDDE, "field \(field.instruction.prefix(200))",
                        offset: field.offset, detail: field.keyword))
            } else if field.isInclude, field.instruction.contains("://") || field.instruction.contains("\\\\") {
                out.facts.append(
                    Fact(.officeExternalObject, "field \(field.instruction.prefix(200))", offset: field.offset,
                         detail: field.keyword))
            }
        }
        for template in doc.templates where template.contains("://") || template.hasPrefix("\\\\") {
            out.facts.append(Fact(.officeRemoteTemplate, "template \(template.prefix(200))"))
        }
        return out
    }
}
