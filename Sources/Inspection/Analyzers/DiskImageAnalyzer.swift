import ByteCursor
import DiskImage

/// Disk images (ISO 9660/Joliet/UDF, FAT images, raw disks, fixed VHD): every file becomes a child, read through a
/// padding stripper; hidden files, polyglot trees and a shortcut beside a DLL are facts.
struct DiskImageAnalyzer: Analyzer {
    let name = "image"

    /// The largest original size an image whose zero padding the container already dropped is put back together
    /// to (its directory offsets count the dropped zeros). Bigger padded images are reported, not listed.
    static let maxRestoredImageBytes = Limit("image.maxRestoredImageBytes", 256 << 20)

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        var bytes = artifact.bytes
        if !artifact.padding.isEmpty {
            let original = artifact.originalSize ?? 0
            guard Self.maxRestoredImageBytes.allows(original) else {
                out.facts.append(
                    Fact(
                        .budgetExhausted,
                        "\(Self.maxRestoredImageBytes.name) (\(Self.maxRestoredImageBytes.maximum)) reached: a padded "
                            + "image of \(original) bytes was not listed"))
                return out
            }
            bytes = Self.restore(artifact.bytes, padding: artifact.padding, size: original)[...]
        }
        let image: DiskImage
        do {
            image = try DiskImage(parsing: bytes)
        } catch {
            out.facts.append(Fact(.imageMalformed, "disk image not read: \(error)"))
            return out
        }
        let files = image.entries.filter { !$0.isDirectory }
        out.properties["image.kind"] = image.kind.rawValue
        out.properties["image.file-systems"] = image.fileSystems.map(\.rawValue).joined(separator: ", ")
        if let label = image.volumeLabel { out.properties["image.label"] = label }
        out.facts.append(
            Fact(
                .imageContents,
                "\(image.kind.rawValue) image with \(files.count) file(s): "
                    + files.prefix(10).map(\.path).joined(separator: ", ") + (files.count > 10 ? ", ..." : "")))
        for a in image.anomalies.prefix(8) {
            let rule: RuleID = a.code == .viewMismatch ? .imageViewMismatch : .imageMalformed
            out.facts.append(Fact(rule, a.detail, offset: a.offset, detail: a.path ?? a.code.rawValue))
        }
        for entry in files {
            if entry.isHidden {
                out.facts.append(Fact(.imageHiddenFile, "\(entry.path) is hidden", offset: entry.extentOffset, detail: entry.path))
            }
            guard budget.hasRoom(forArtifacts: out.children.count), !budget.isOutOfTime else {
                out.facts.append(Fact(.budgetExhausted, "image file \(entry.path) not inspected", detail: entry.path))
                break
            }
            do {
                let x = try image.extract(entry, keepLimit: budget.keepAllowance)
                budget.chargeInflated(x.output.totalBytes)
                if x.output.truncated || x.stoppedAtLimit {
                    out.facts.append(
                        Fact(.budgetExhausted, "\(entry.path) cut at \(x.output.bytes.count) bytes", detail: entry.path))
                }
                guard budget.reserve(x.output.bytes.count) == nil else {
                    out.facts.append(Fact(.budgetExhausted, "image file \(entry.path) not kept", detail: entry.path))
                    continue
                }
                let padding = x.output.padding
                var properties = ["image.source": entry.source]
                if entry.isHidden { properties["image.hidden"] = "true" }
                out.children.append(
                    Artifact(
                        segment: entry.path, name: entry.name, bytes: x.output.bytes[...],
                        originalSize: padding.isEmpty ? nil : x.output.totalBytes, padding: padding,
                        truncated: x.output.truncated || x.inputTruncated || x.stoppedAtLimit, properties: properties))
            } catch {
                out.facts.append(Fact(.imageMalformed, "\(entry.path) not read: \(error)", detail: entry.path))
            }
        }
        if let fact = ContainerFacts.shortcutBesideLibrary(out.children, container: "the image") {
            out.facts.append(fact)
        }
        return out
    }

    /// The original bytes: the kept content with the dropped zero runs put back at their offsets.
    static func restore(_ kept: ArraySlice<UInt8>, padding: [ZeroRun], size: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(size)
        var i = kept.startIndex
        for run in padding.sorted(by: { $0.offset < $1.offset }) {
            let take = min(kept.endIndex - i, max(0, run.offset - out.count))
            out.append(contentsOf: kept[i..<(i + take)])
            i += take
            out.append(contentsOf: repeatElement(0, count: max(0, run.length)))
        }
        out.append(contentsOf: kept[i...])
        return out
    }
}

/// gzip: the members are inflated (zero padding dropped) into one child named by the header or the file name.
struct GzipAnalyzer: Analyzer {
    let name = "gzip"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        do {
            let r = try GzipReader.inflate(
                artifact.bytes, keepLimit: budget.keepAllowance, maxInflated: budget.inflateAllowance,
                minimumPaddingRun: budget.limits.minimumPaddingRun)
            budget.chargeInflated(r.output.totalBytes)
            if !r.crcValid {
                out.facts.append(Fact(.zipMalformed, "gzip stream incomplete or its CRC does not match"))
            }
            if r.output.truncated {
                out.facts.append(Fact(.budgetExhausted, "gzip content cut at \(r.output.bytes.count) bytes"))
            }
            guard budget.reserve(r.output.bytes.count) == nil else {
                out.facts.append(Fact(.budgetExhausted, "gzip content not kept"))
                return out
            }
            let name = r.name ?? artifact.name.map(Self.stripSuffix) ?? "content"
            out.properties["gzip.members"] = String(r.members)
            out.children.append(
                Artifact(
                    segment: name, name: name, bytes: r.output.bytes[...],
                    originalSize: r.output.padding.isEmpty ? nil : r.output.totalBytes, padding: r.output.padding,
                    truncated: r.output.truncated))
        } catch {
            out.facts.append(Fact(.zipMalformed, "gzip not read: \(error)"))
        }
        return out
    }

    static func stripSuffix(_ name: String) -> String {
        let lower = name.lowercased()
        if lower.hasSuffix(".tgz") { return String(name.dropLast(4)) + ".tar" }
        if lower.hasSuffix(".gz") { return String(name.dropLast(3)) }
        return name
    }
}

/// Archives Emoguard recognises but does not open (7z, RAR, ACE): encryption and what the headers say.
struct RecognizedArchiveAnalyzer: Analyzer {
    let name = "archive"

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        guard let r = ContainerRecognizer.recognize(artifact.bytes) else {
            out.facts.append(Fact(.zipMalformed, "archive header not recognised"))
            return out
        }
        out.properties["archive.kind"] = r.kind.rawValue
        if !r.details.isEmpty { out.properties["archive.details"] = r.details }
        if r.encrypted == true {
            out.facts.append(
                Fact(.archiveEncrypted, "encrypted \(r.kind.rawValue) archive: contents not inspected", detail: r.details))
        } else {
            out.facts.append(
                Fact(.archiveUnsupported, "\(r.kind.rawValue) archive recognised, not extracted", detail: r.details))
        }
        return out
    }
}
