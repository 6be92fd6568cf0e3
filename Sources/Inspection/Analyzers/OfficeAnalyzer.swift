import ByteCursor
import CompoundFile
import OfficeCrypto
import OfficeMacros
import OOXML

/// OLE2 (Compound File) documents: Word, Excel, PowerPoint, `vbaProject.bin`, embedded `oleObject*.bin`.
///
/// Finds VBA projects and analyzes every module (olevba's vocabulary, mraptor's verdict), Excel 4.0 macro sheets in
/// the Workbook stream, encryption (decrypting with Excel's default password and the mail's candidates), and
/// embedded objects, which become children.
struct OfficeAnalyzer: Analyzer {
    let name = "office"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let cfb: CompoundFile
        do {
            cfb = try CompoundFile(parsing: artifact.bytes)
        } catch {
            out.facts.append(Fact(.officeMalformed, "not a readable compound file: \(error)"))
            return out
        }
        out.properties["ole.streams"] = String(cfb.entries.filter { $0.type == .stream }.count)
        reportAnomalies(cfb, into: &out)

        // Encrypted OOXML inside an OLE container (EncryptionInfo + EncryptedPackage).
        if let kind = OfficeEncryption.detect(cfb), kind != .biff8RC4, kind != .biff8RC4CryptoAPI, kind != .biff8XOR {
            decryptPackage(cfb, kind: kind, context: context, budget: &budget, into: &out)
            return out
        }

        var risk = MacroRiskFlags(autoExec: false, write: false, execute: false)
        MacroFacts.vba(in: cfb, artifact: artifact, budget: &budget, risk: &risk, into: &out)
        xlm(cfb, context: context, risk: &risk, into: &out)
        MacroFacts.verdict(risk, into: &out)
        if let word = try? cfb.stream(path: "WordDocument") {
            // DDE fields in Word 97-2003: field codes between 0x13 and 0x14 in the text.
            for f in OOXMLScanner.ddeInWordBinary(stream: word.bytes).prefix(10) { out.facts.append(DDEFacts.fact(f)) }
        }
        embeddedObjects(cfb, budget: &budget, into: &out)
        return out
    }

    func reportAnomalies(_ cfb: CompoundFile, into out: inout AnalysisOutput) {
        for a in cfb.anomalies.prefix(20) {
            out.facts.append(Fact(.officeMalformed, "\(a.code.rawValue): \(a.detail)", offset: a.offset))
        }
        if cfb.anomalies.count > 20 {
            out.facts.append(Fact(.officeMalformed, "and \(cfb.anomalies.count - 20) more compound-file anomalies"))
        }
    }

    func decryptPackage(
        _ cfb: CompoundFile, kind: OfficeEncryptionKind, context: InspectionContext, budget: inout ScanBudget,
        into out: inout AnalysisOutput
    ) {
        out.facts.append(Fact(.officeEncrypted, "encrypted Office document (\(kind.rawValue))"))
        let candidates = Self.officeCandidates(context)
        var limits = OfficeCryptoLimits.default
        limits.maxPlaintextBytes.maximum = min(limits.maxPlaintextBytes.maximum, budget.keepAllowance)
        let result: (plaintext: [UInt8], password: String)?
        do {
            result = try OfficeEncryption.decryptPackage(cfb, passwords: candidates, limits: limits)
        } catch {
            out.facts.append(Fact(.officeEncryptedUnopened, "not decrypted: \(error)"))
            return
        }
        guard let (plaintext, password) = result else {
            out.facts.append(
                Fact(
                    .officeEncryptedUnopened,
                    "not decrypted by Excel's default password or any of \(candidates.count) candidates"))
            return
        }
        let source = context.passwordCandidates.first { $0.password == password }?.source ?? "Excel's default password"
        out.facts.append(Fact(.officeDecrypted, "decrypted with password \"\(password)\" (\(source))"))
        guard budget.reserve(plaintext.count) == nil else {
            out.facts.append(Fact(.budgetExhausted, "decrypted package does not fit the byte budget"))
            return
        }
        out.children.append(
            Artifact(
                segment: "EncryptedPackage (decrypted)", bytes: plaintext[...], fromEncryptedContainer: true,
                properties: ["office.password": password, "office.encryption": kind.rawValue]))
    }

    /// Excel 4.0 macros in the Workbook (BIFF8) or Book (BIFF5) stream, decrypting an RC4-encrypted stream first.
    func xlm(_ cfb: CompoundFile, context: InspectionContext, risk: inout MacroRiskFlags, into out: inout AnalysisOutput) {
        let streamPath = cfb.entry(path: "Workbook") != nil ? "Workbook" : "Book"
        guard let stream = try? cfb.stream(path: streamPath) else { return }
        var bytes = stream.bytes
        if let kind = OfficeEncryption.detectBIFF8(workbookStream: bytes) {
            out.facts.append(Fact(.officeEncrypted, "encrypted workbook (\(kind.rawValue))", within: streamPath))
            let candidates = Self.officeCandidates(context)
            if let (plain, password) = (try? OfficeEncryption.decryptBIFF8(workbookStream: bytes, passwords: candidates)) ?? nil {
                out.facts.append(Fact(.officeDecrypted, "decrypted with password \"\(password)\"", within: streamPath))
                bytes = plain
            } else {
                out.facts.append(Fact(.officeEncryptedUnopened, "workbook not decrypted", within: streamPath))
                return
            }
        }
        let workbook = XLMExtractor.fromBIFF8(workbookStream: bytes)
        MacroFacts.xlm(workbook, within: streamPath, risk: &risk, into: &out)
    }

    /// Embedded objects become children: OLE1 `\u{1}Ole10Native` files (calc.exe, calc.lnk, scripts), PowerPoint's
    /// `ExOleObjStg` storages, and `Package`/`CONTENTS` streams (embedded OOXML documents, PDFs).
    func embeddedObjects(_ cfb: CompoundFile, budget: inout ScanBudget, into out: inout AnalysisOutput) {
        func add(_ bytes: [UInt8], segment: String, name: String?, what: String, within: String, detail: String? = nil,
                 properties: [String: String] = [:]) {
            guard !bytes.isEmpty else { return }
            guard budget.keepChild(bytes: bytes.count, pending: out.children.count) else {
                out.facts.append(Fact(.budgetExhausted, "embedded object not inspected", within: within))
                return
            }
            out.facts.append(Fact(.officeEmbeddedObject, "\(what) (\(bytes.count) bytes)", within: within, detail: detail))
            out.children.append(Artifact(segment: segment, name: name, bytes: bytes[...], properties: properties))
        }
        for object in cfb.embeddedObjects() {
            let native = object.native
            let probe = Artifact(segment: native.label, name: native.label, bytes: native.payload)
            if !native.payload.isEmpty, ContainerFacts.isRunnable(probe) {
                out.facts.append(
                    Fact(
                        .officeEmbeddedRunnable, "package object \(native.label) runs when its icon is double-clicked",
                        within: object.entry.path, detail: native.label))
            }
            add(
                Array(native.payload), segment: "\(object.entry.path)/\(native.label)", name: native.label,
                what: "embedded file \(native.label)", within: object.entry.path, detail: native.sourcePath,
                properties: ["ole.source-path": native.sourcePath])
        }
        // PowerPoint's VBA project lives in one of these storages and was analyzed above (projects(in:) reads it);
        // the other storages are embedded objects.
        for (i, object) in cfb.powerPointOLEObjects().enumerated() where !Self.holdsVBA(object.bytes) {
            add(
                object.bytes, segment: "PowerPoint Document/ExOleObjStg[\(i + 1)]", name: nil,
                what: "embedded OLE storage", within: "PowerPoint Document", detail: "record at \(object.recordOffset)")
        }
        for entry in cfb.entries where entry.isStream {
            let lower = entry.name.lowercased()
            guard lower == "package" || lower == "contents", let stream = try? cfb.stream(entry) else { continue }
            add(stream.bytes, segment: entry.path, name: nil, what: "embedded object stream", within: entry.path)
        }
    }
}

extension OfficeAnalyzer {
    /// Passwords for encrypted documents: the mail's and the user's candidates (Excel's default VelvetSweatshop is
    /// always tried by OfficeCrypto). The common ZIP passwords are left out: each Office candidate costs 50,000 to
    /// 100,000 hash iterations.
    static func officeCandidates(_ context: InspectionContext) -> [String] {
        context.passwordCandidates.filter { $0.source != "default" }.map(\.password)
    }

    static func holdsVBA(_ bytes: [UInt8]) -> Bool {
        guard let inner = try? CompoundFile(parsing: bytes[...]) else { return false }
        return inner.entries.contains { $0.isStorage && $0.name.uppercased() == "VBA" }
    }
}

/// Macro findings shared by OLE2, OOXML, SYLK and flat-XML documents.
enum MacroFacts {
    /// Every VBA project in `cfb`: module sources become children, indicators become facts at module:line.
    static func vba(
        in cfb: CompoundFile, artifact: Artifact, budget: inout ScanBudget, risk: inout MacroRiskFlags,
        into out: inout AnalysisOutput
    ) {
        let (projects, errors) = VBAExtractor.projects(in: cfb)
        for error in errors.prefix(5) {
            out.facts.append(Fact(.macroParseError, "VBA project not fully read: \(error)"))
        }
        var moduleCount = 0
        for project in projects {
            if !project.anomalies.isEmpty {
                out.properties["vba.notes"] = project.anomalies.prefix(5).joined(separator: "; ")
            }
            // olevba's way: the project's modules scanned as one text, each indicator located in its module.
            let analysis = MacroAnalyzer.analyze(project: project)
            risk.autoExec = risk.autoExec || analysis.flags.autoExec
            risk.write = risk.write || analysis.flags.write
            risk.execute = risk.execute || analysis.flags.execute
            let streamOf = Dictionary(project.modules.map { ($0.name, $0.streamPath) }, uniquingKeysWith: { a, _ in a })
            indicators(analysis.indicators, within: { $0.flatMap { streamOf[$0] } ?? project.vbaStoragePath }, into: &out)
            for d in analysis.decoded.filter({ Self.isReadable($0.decoded) }).prefix(20) {
                out.facts.append(
                    Fact(
                        .macroDecoded, "\(d.encoding) decodes to: \(d.decoded.prefix(300))",
                        within: project.vbaStoragePath, line: d.line, detail: String(d.encoded.prefix(120))))
            }
            for module in project.modules {
                moduleCount += 1
                let source = Array(module.source.utf8)
                guard !source.isEmpty, budget.keepChild(bytes: source.count, pending: out.children.count) else { continue }
                out.children.append(
                    Artifact(
                        segment: module.streamPath, name: module.name + (module.type == .procedural ? ".bas" : ".cls"),
                        bytes: source[...], declaredType: "text/x-vba",
                        properties: [
                            "vba.module": module.name, "vba.project": project.name,
                            "vba.codepage": String(project.codePage),
                            "vba.source-bytes": String(module.sourceBytes), "vba.pcode-bytes": String(module.pcodeBytes),
                        ]))
            }
        }
        if moduleCount > 0 {
            out.facts.append(Fact(.macroPresent, "\(moduleCount) VBA module(s) in \(projects.count) project(s)"))
            out.properties["vba.modules"] = String(moduleCount)
        }
    }

    static func xlm(_ workbook: XLMWorkbook, within: String, risk: inout MacroRiskFlags, into out: inout AnalysisOutput) {
        for a in workbook.anomalies.prefix(5) { out.facts.append(Fact(.macroParseError, a, within: within)) }
        guard workbook.hasMacroSheets else { return }
        let macroSheets = workbook.sheets.filter { $0.kind == .macroSheet }
        out.facts.append(
            Fact(
                .xlmPresent, "Excel 4.0 macro sheet(s): \(macroSheets.map(\.name).joined(separator: ", ")) (\(workbook.format))",
                within: within))
        for sheet in macroSheets where sheet.visibility != .visible {
            out.facts.append(Fact(.xlmHiddenSheet, "macro sheet \"\(sheet.name)\" is \(sheet.visibility.rawValue)", within: within))
        }
        out.properties["xlm.cells"] = String(workbook.macroCells.count)
        indicators(workbook.indicators(), within: { _ in within }, into: &out)
        let f = workbook.riskFlags()
        risk.autoExec = risk.autoExec || f.autoExec
        risk.write = risk.write || f.write
        risk.execute = risk.execute || f.execute
    }

    /// Indicators as facts; `within` maps an indicator's location (a module or sheet name) to a path.
    /// The rule IDs indicators map to: macros, or scripts (which share olevba's vocabulary).
    struct IndicatorRules {
        var autoExec: RuleID
        var ioc: RuleID
        var decoded: RuleID
        var suspicious: RuleID
        var stomping: RuleID
        var obfuscation: RuleID

        static let macro = IndicatorRules(
            autoExec: .macroAutoExec, ioc: .macroIOC, decoded: .macroDecoded, suspicious: .macroSuspicious,
            stomping: .macroStomping, obfuscation: .macroObfuscation)
        /// A standalone script runs when opened by definition; its AutoExec keywords are weighed as suspicious.
        static let script = IndicatorRules(
            autoExec: .scriptSuspicious, ioc: .scriptIOC, decoded: .scriptDecoded, suspicious: .scriptSuspicious,
            stomping: .scriptObfuscation, obfuscation: .scriptObfuscation)
    }

    static func indicators(
        _ list: [MacroIndicator], within: (String?) -> String, rules: IndicatorRules = .macro,
        into out: inout AnalysisOutput
    ) {
        for i in list {
            let rule: RuleID
            switch i.kind {
            case .autoExec: rule = rules.autoExec
            case .ioc: rule = rules.ioc
            case .decoded: rule = rules.decoded
            case .suspicious:
                let k = i.keyword.lowercased()
                if k.contains("stomping") {
                    rule = rules.stomping
                } else if k.hasSuffix(" strings") {
                    rule = rules.obfuscation  // "Hex Strings", "Base64 Strings", "Dridex Strings", "VBA obfuscated Strings"
                } else {
                    rule = rules.suspicious
                }
            default: rule = rules.obfuscation
            }
            let cell = i.cell.map { " (\($0))" } ?? ""
            out.facts.append(
                Fact(
                    rule, "\(i.kind.rawValue) \(i.keyword)\(cell): \(i.description)", within: within(i.location),
                    line: i.line, detail: i.keyword))
        }
    }

    /// Whether a decoded string is text an analyst can read (most hex and Base64 "strings" in VBA are GUIDs and
    /// identifiers that decode to binary noise).
    static func isReadable(_ s: String) -> Bool {
        let scalars = s.unicodeScalars
        guard scalars.count >= 4 else { return false }
        let printable = scalars.filter { ($0.value >= 0x20 && $0.value != 0x7F && $0 != "\u{FFFD}") || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        return printable.count * 10 >= scalars.count * 9
    }

    /// mraptor's rule: auto-execution and (write or execute) is malicious.
    static func verdict(_ risk: MacroRiskFlags, into out: inout AnalysisOutput) {
        if risk.isMalicious {
            var parts = ["auto-exec"]
            if risk.write { parts.append("write") }
            if risk.execute { parts.append("execute") }
            out.facts.append(Fact(.macroMalicious, "macro runs on open and can " + parts.dropFirst().joined(separator: " and "),
                                  detail: parts.joined(separator: "+")))
        }
    }
}
