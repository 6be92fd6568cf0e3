import ByteCursor
import CompoundFile

extension VBAExtractor {
    /// Every VBA project in a compound file, with the errors of the projects that could not be read.
    ///
    /// A project is any storage holding a `VBA` storage that holds a `dir` stream: `Macros` in Word 97-2003,
    /// `_VBA_PROJECT_CUR` in Excel 97-2003, the root of an OOXML `vbaProject.bin`, and the same layout nested in
    /// embedded objects. (olevba also requires `PROJECT` and `VBA/_VBA_PROJECT`; we read projects without them
    /// and report their absence as anomalies, since Office runs such projects too.) PowerPoint 97-2003 keeps its
    /// project elsewhere: see ``projects(inPowerPoint:limits:)``, which this function calls when the file has a
    /// `PowerPoint Document` stream.
    public static func projects(
        in cfb: CompoundFile,
        limits: VBALimits = .default
    ) -> (
        projects: [VBAProject], errors: [OfficeMacrosError]
    ) {
        var projects: [VBAProject] = []
        var errors: [OfficeMacrosError] = []
        var budget = limits.maxTotalSourceBytes.maximum
        let lookup = streamLookup(cfb)
        for entry in cfb.entries where entry.isStorage && entry.name.uppercased() == "VBA" {
            let dir = cfb.children(of: entry).first { $0.isStream && $0.name.uppercased() == "DIR" }
            guard dir != nil else { continue }
            guard projects.count < limits.maxProjects.maximum else {
                errors.append(
                    OfficeMacrosError(
                        .limitExceeded,
                        "\(limits.maxProjects.name): more than \(limits.maxProjects.maximum) projects",
                        path: entry.path
                    )
                )
                break
            }
            let storagePath = parentPath(of: entry.path)
            do {
                projects.append(
                    try project(storagePath: storagePath, limits: limits, sourceBudget: &budget, stream: lookup)
                )
            } catch {
                errors.append(error)
            }
        }
        if cfb.entry(path: "PowerPoint Document") != nil {
            let ppt = VBAExtractor.projects(inPowerPoint: cfb, limits: limits)
            projects += ppt.projects
            errors += ppt.errors
        }
        return (projects, errors)
    }

    /// A stream lookup over a compound file (case-insensitive paths).
    public static func streamLookup(_ cfb: CompoundFile) -> (String) -> StreamLookup {
        { path in
            guard let entry = cfb.entry(path: path), entry.isStream else { return .missing }
            do {
                let s = try cfb.stream(entry)
                return .found(s.bytes, truncated: s.truncated)
            } catch {
                return .failed(OfficeMacrosError(.containerError, "\(error)", path: path))
            }
        }
    }

    /// `"Macros/VBA"` → `"Macros"`, `"VBA"` → `""`.
    static func parentPath(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
