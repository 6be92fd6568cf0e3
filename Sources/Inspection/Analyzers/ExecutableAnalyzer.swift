import ByteCursor
import PE

/// Portable Executables: headers, exports, sections and their entropy, signature, overlay; a DLL padded with
/// zeros is reported with its real size (the padding map from the container lets the parser see the original
/// offsets).
struct ExecutableAnalyzer: Analyzer {
    let name = "pe"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let pe: PEFile
        do {
            pe = try PEFile(parsing: artifact.bytes, padding: artifact.padding)
        } catch {
            out.facts.append(Fact(.peMalformed, "PE headers not parsed: \(error)"))
            return out
        }
        out.properties.merge(Self.properties(pe)) { _, new in new }
        // Zero padding is judged once, by pe.padded below.
        for a in pe.anomalies.filter({ $0.code != .zeroPadding }).prefix(5) {
            out.facts.append(Fact(.peMalformed, a.detail, offset: a.offset, detail: a.code.rawValue))
        }
        if pe.exports.contains("DllRegisterServer") {
            out.facts.append(
                Fact(.peRegisterServer, "\(pe.isDLL ? "DLL" : "image") exports DllRegisterServer", detail: pe.exportedName))
        }
        let padded = artifact.padding.reduce(0) { $0 + $1.length }
        if padded > 0 || pe.paddingBytes > 0 {
            let original = artifact.originalSize ?? pe.fileSize
            let real = max(0, original - max(padded, pe.paddingBytes))
            out.facts.append(
                Fact(
                    .pePadded,
                    "\(pe.isDLL ? "DLL" : "executable") of \(Self.size(original)) is \(Self.size(real)) of code and data; "
                        + "the rest is zero padding (image ends at \(pe.declaredImageEnd), overlay \(pe.overlaySize) bytes)",
                    offset: pe.overlayOffset, detail: "real size \(real) bytes"))
        }
        for s in pe.sections where s.isExecutable && s.isWritable {
            out.facts.append(
                Fact(.peWritableExecutable, "section \(s.name) is writable and executable", offset: s.headerOffset))
        }
        if let packed = pe.sections.first(where: { ($0.entropy ?? 0) >= 7.2 && $0.rawSize >= 4096 }) {
            out.facts.append(
                Fact(
                    .peHighEntropy,
                    "section \(packed.name) has entropy \(Self.round(packed.entropy ?? 0)) over \(packed.rawSize) bytes",
                    offset: packed.rawOffset))
        }
        return out
    }

    static func properties(_ pe: PEFile) -> [String: String] {
        var p: [String: String] = [
            "pe.machine": pe.machineName,
            "pe.kind": pe.isDLL ? "DLL" : (pe.isExecutableImage ? "EXE" : "object"),
            "pe.subsystem": pe.subsystemName,
            "pe.signed": pe.hasAuthenticode ? "true" : "false",
            "pe.sections": pe.sections.map { s in "\(s.name)(\(s.entropy.map { Self.round($0) } ?? "-"))" }
                .joined(separator: " "),
            "pe.timestamp": String(pe.timeDateStamp),
        ]
        if !pe.exports.isEmpty { p["pe.exports"] = pe.exports.prefix(16).joined(separator: ", ") }
        if let n = pe.exportedName { p["pe.export-name"] = n }
        if !pe.importedDLLs.isEmpty { p["pe.imports"] = pe.importedDLLs.prefix(16).joined(separator: ", ") }
        if pe.overlaySize > 0 { p["pe.overlay-bytes"] = String(pe.overlaySize) }
        return p
    }

    static func round(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return String(r)
    }

    static func size(_ n: Int) -> String {
        n >= 1 << 20 ? "\((Double(n) / 1_048_576 * 10).rounded() / 10) MB" : "\(n) bytes"
    }
}
