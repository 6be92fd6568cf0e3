import ByteCursor
import ZIP

/// ZIP archives: every entry is extracted (decrypted with the mail's password candidates when needed, zero padding
/// dropped while inflating) and inspected as a child.
struct ZIPAnalyzer: Analyzer {
    let name = "zip"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let archive: ZIPArchive
        do {
            archive = try ZIPArchive(parsing: artifact.bytes)
        } catch {
            out.facts.append(Fact(.zipMalformed, "not a readable ZIP archive: \(error)"))
            return out
        }
        out.properties["zip.entries"] = String(archive.entries.count)
        if archive.isZIP64 { out.properties["zip.zip64"] = "true" }

        var skip = Set<Int>()
        for a in archive.anomalies {
            let rule: RuleID?
            switch a.code.rawValue {
            case "local-central-mismatch", "encrypted-name-mismatch": rule = .zipHeaderMismatch
            case "overlapping-entries":
                rule = .zipBomb
                if let i = a.entryIndex { skip.insert(i) }
            case "entry-not-in-central-directory": rule = .zipHiddenEntry
            case "path-traversal": rule = .zipPathTraversal
            case "unsupported-method": rule = .zipUnsupported
            case "suspicious-compression-ratio": rule = nil  // judged after inflating: padding or bomb
            default: rule = .zipMalformed
            }
            if let rule {
                let entry = a.entryIndex.flatMap { i in archive.entries.first { $0.index == i } }
                out.facts.append(Fact(rule, "\(a.code.rawValue): \(a.detail)", offset: a.offset, detail: entry?.name))
            }
        }

        let encrypted = archive.entries.filter { $0.encryption != .none }
        if !encrypted.isEmpty {
            out.facts.append(
                Fact(.zipEncrypted, "\(encrypted.count) of \(archive.entries.count) entries are password-protected"))
        }

        var workingPassword: PasswordCandidate?
        var unopened: [String] = []
        for entry in archive.entries where !entry.isDirectory && !skip.contains(entry.index) {
            if budget.isOutOfTime {
                out.facts.append(Fact(.budgetExhausted, "time budget spent before entry \(entry.name)"))
                break
            }
            if !budget.hasRoom(forArtifacts: out.children.count) {
                out.facts.append(
                    Fact(
                        .budgetExhausted,
                        "\(budget.limits.maxArtifacts.name) (\(budget.limits.maxArtifacts.maximum)) reached at entry \(entry.name); "
                            + "\(archive.entries.count - entry.index) entries not inspected"))
                break
            }
            var limits = ZIPLimits.default
            limits.maxInflatedBytesPerEntry.maximum = min(
                limits.maxInflatedBytesPerEntry.maximum, budget.inflateAllowance)
            limits.keepBytesPerEntry = budget.keepAllowance
            limits.minimumPaddingRun = budget.limits.minimumPaddingRun
            var password: PasswordCandidate?
            let extraction: ZIPExtraction
            do {
                if entry.encryption != .none {
                    guard let (found, x) = open(archive, entry, preferred: workingPassword, context: context, limits: limits)
                    else {
                        unopened.append(entry.name)
                        continue
                    }
                    if workingPassword != found {
                        out.facts.append(
                            Fact(
                                .zipOpenedWithPassword,
                                "opened with password \"\(found.password)\" from \(found.source)", detail: entry.name))
                    }
                    workingPassword = found
                    password = found
                    extraction = x
                } else {
                    extraction = try archive.extract(entry, limits: limits)
                }
            } catch let error as ZIPError {
                let rule: RuleID = error.code.rawValue == "unsupported-method" ? .zipUnsupported : .zipMalformed
                out.facts.append(Fact(rule, "entry not extracted: \(error)", detail: entry.name))
                continue
            } catch {
                out.facts.append(Fact(.zipMalformed, "entry not extracted: \(error)", detail: entry.name))
                continue
            }
            budget.chargeInflated(extraction.output.totalBytes)
            if let refused = budget.reserve(extraction.output.bytes.count) {
                out.facts.append(
                    Fact(.budgetExhausted, "\(refused.name) (\(refused.maximum)) reached; entry not inspected", detail: entry.name))
                continue
            }
            if extraction.stoppedAtLimit {
                let byBudget = budget.inflateAllowance == 0
                let limit = byBudget ? budget.limits.maxInflatedBytes : limits.maxInflatedBytesPerEntry
                out.facts.append(
                    Fact(
                        byBudget ? .budgetExhausted : .zipBomb,
                        "\(limit.name) (\(limit.maximum)) reached: inflating stopped after \(extraction.output.totalBytes) bytes "
                            + "(ratio \(extraction.output.totalBytes / max(1, Int(clamping: entry.compressedSize))):1)",
                        detail: entry.name))
            }
            if extraction.output.truncated {
                let limit =
                    limits.keepBytesPerEntry < budget.limits.maxArtifactBytes.maximum
                    ? budget.limits.maxTotalBytes : budget.limits.maxArtifactBytes
                out.facts.append(
                    Fact(
                        .budgetExhausted,
                        "\(limit.name) (\(limit.maximum)) reached: entry cut at \(extraction.output.bytes.count) bytes",
                        detail: entry.name))
            }
            if !extraction.crcValid && !extraction.stoppedAtLimit && !extraction.output.truncated {
                out.facts.append(Fact(.zipMalformed, "CRC or authentication mismatch", detail: entry.name))
            }
            var props = [
                "zip.method": String(entry.method), "zip.compressed-size": String(entry.compressedSize),
            ]
            if let password { props["zip.password-source"] = password.source }
            if entry.isHiddenLocalEntry { props["zip.hidden"] = "true" }
            let padding = extraction.output.padding
            out.children.append(
                Artifact(
                    segment: entry.name, name: entry.name, bytes: extraction.output.bytes[...],
                    originalSize: padding.isEmpty ? nil : extraction.output.totalBytes, padding: padding, fromEncryptedContainer: entry.encryption != .none,
                    properties: props))
        }
        if OOXMLFacts.isPackage(out.children) {
            OOXMLFacts.analyze(out.children, into: &out)
        }
        if !unopened.isEmpty {
            let tried = context.passwordCandidates.count
            out.facts.append(
                Fact(
                    .zipEncryptedUnopened,
                    "\(unopened.count) encrypted entr\(unopened.count == 1 ? "y" : "ies") not opened by any of \(tried) password candidates",
                    detail: unopened.prefix(5).joined(separator: ", ")))
        }
        return out
    }

    /// Tries the candidates on an encrypted entry: the extraction checks the cheap test first (ZipCrypto's check
    /// byte, AES's verifier, so a wrong password costs one key derivation and no inflating), then its CRC (or
    /// HMAC) confirms the password. Returns the password and the extraction.
    func open(
        _ archive: ZIPArchive, _ entry: ZIPEntry, preferred: PasswordCandidate?, context: InspectionContext,
        limits: ZIPLimits
    ) -> (PasswordCandidate, ZIPExtraction)? {
        if case .strongEncryption = entry.encryption { return nil }
        let ordered = (preferred.map { [$0] } ?? []) + context.passwordCandidates
        for c in ordered {
            let bytes = Array(c.password.utf8)
            guard let x = try? archive.extract(entry, password: bytes, limits: limits),
                x.crcValid || x.stoppedAtLimit
            else { continue }
            return (c, x)
        }
        return nil
    }
}
