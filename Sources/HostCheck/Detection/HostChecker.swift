import ByteCursor
import Inspection

/// The outcome of a host check.
public enum HostStatus: String, Sendable, Hashable, Codable {
    /// A running process confirms at least one detection.
    case infected
    /// Emotet's files and persistence were found, but no running process confirms them (none matches, or there
    /// was no process list to look in).
    case persistenceFound = "persistence-found"
    /// Nothing was found.
    case clean
}

/// Everything a host check found, for the reports.
public struct HostCheckResult: Sendable, Codable {
    public var hostname: String?
    public var volumeSerial: VolumeSerial?
    public var systemDrive: String
    /// What the snapshot was built from.
    public var sources: [String]
    /// The process lists read, and how many processes they hold (nil without a list).
    public var processSources: [String]?
    public var processCount: Int?
    public var detections: [HostDetection]
    /// The generations that could not be checked, and why.
    public var skipped: [SkippedGeneration]
    public var notes: [SnapshotNote]

    /// ``HostStatus/infected`` when a process confirms a detection, ``HostStatus/persistenceFound`` for
    /// detections without one, else ``HostStatus/clean``.
    public var status: HostStatus {
        if detections.contains(where: { $0.confirmation == .running }) { return .infected }
        return detections.isEmpty ? .clean : .persistenceFound
    }

    /// Whether anything was detected (what EmoCheck's `is_infected` says and the exit status reflects).
    public var isInfected: Bool { !detections.isEmpty }

    public init(
        hostname: String?, volumeSerial: VolumeSerial?, systemDrive: String, sources: [String],
        processSources: [String]?, processCount: Int?, detections: [HostDetection], skipped: [SkippedGeneration],
        notes: [SnapshotNote]
    ) {
        self.hostname = hostname
        self.volumeSerial = volumeSerial
        self.systemDrive = systemDrive
        self.sources = sources
        self.processSources = processSources
        self.processCount = processCount
        self.detections = detections
        self.skipped = skipped
        self.notes = notes
    }
}

/// A generation that could not be checked.
public struct SkippedGeneration: Sendable, Hashable, Codable {
    public var generation: EmotetGeneration
    public var reason: String
}

/// Runs every generation's module on a snapshot and hands the files it found to the inspection engine.
///
/// ```
///  HostSnapshot ─▶ ScanV1 … ScanV5, Scan2022 ─▶ detections ─▶ Inspector (PE, padding, hashes) ─▶ HostCheckResult
/// ```
public struct HostChecker: Sendable {
    public var limits: HostCheckLimits
    /// The engine that inspects suspicious files; nil to skip inspection.
    public var inspector: Inspector?

    public init(limits: HostCheckLimits = .default, inspector: Inspector? = Inspector(digests: [.md5, .sha1, .sha256])) {
        self.limits = limits
        self.inspector = inspector
    }

    /// Checks a snapshot.
    public func check(_ snapshot: HostSnapshot) -> HostCheckResult {
        let ctx = DetectionContext(snapshot: snapshot)
        var detections: [HostDetection] = []
        detections += ScanV1.detect(ctx)
        detections += ScanV2.detect(ctx)
        detections += ScanV3.detect(ctx)
        detections += ScanV4.detect(ctx)
        detections += ScanV5.detect(ctx)
        // A file v4 already reports (EmoCheck's rundll32 patterns) is not reported again as 2022-2023.
        let v4Files = Set(detections.filter { $0.generation == .v4 }.compactMap { $0.file?.windowsPath.lowercased() })
        detections += Scan2022.detect(ctx).filter { !v4Files.contains($0.file?.windowsPath.lowercased() ?? "") }

        var skipped: [SkippedGeneration] = []
        if snapshot.volumeSerial == nil {
            skipped.append(SkippedGeneration(generation: .v1, reason: "no volume serial number ($Boot, --volume-serial or the collector's)"))
        }
        if !snapshot.systemFilesListed {
            skipped.append(SkippedGeneration(generation: .v3, reason: "no System32 listing"))
        }
        if snapshot.folders.isEmpty {
            for g in [EmotetGeneration.v4, .v5, .g2022] {
                skipped.append(SkippedGeneration(generation: g, reason: "no %LOCALAPPDATA% or system folder listing"))
            }
        }
        if snapshot.runValues.isEmpty && snapshot.services.isEmpty && snapshot.explorerValues.isEmpty {
            skipped.append(SkippedGeneration(generation: .v2, reason: "no registry (hives or collector values) read"))
        }

        var notes = snapshot.notes
        if snapshot.processes == nil && !detections.isEmpty {
            notes.append(
                SnapshotNote(
                    id: "no-process-list",
                    message: "no process list given: persistence found, not confirmed running (--processes)"))
        }

        // Inspect each suspicious file once.
        if let inspector {
            var inspected: [String: FileInspection] = [:]
            var count = 0
            for i in detections.indices {
                guard let local = detections[i].file?.localPath else { continue }
                if let known = inspected[local] {
                    detections[i].file?.inspection = known
                    continue
                }
                guard limits.maxInspectedFiles.allows(count + 1) else { break }
                count += 1
                // No name: the engine's name checks are about mail attachments; the content speaks for itself.
                let result = SuspiciousFileInspector.inspect(path: local, name: nil, inspector: inspector)
                inspected[local] = result
                detections[i].file?.inspection = result
            }
        }
        detections.sort { ($0.generation, $0.file?.windowsPath ?? "") < ($1.generation, $1.file?.windowsPath ?? "") }

        return HostCheckResult(
            hostname: snapshot.hostname, volumeSerial: snapshot.volumeSerial, systemDrive: snapshot.systemDrive,
            sources: snapshot.sources, processSources: snapshot.processes?.sources,
            processCount: snapshot.processes?.processes.count, detections: detections, skipped: skipped, notes: notes)
    }
}

/// Reads a suspicious file for the inspection engine: whole when small, through the padding stripper when large,
/// so that a 600 MB zero-padded DLL is inspected in bounded memory (the padding is measured, not kept).
enum SuspiciousFileInspector {
    static func inspect(path: String, name: String?, inspector: Inspector) -> FileInspection {
        let keep = inspector.limits.maxArtifactBytes.maximum
        var stripper = PaddingStripper(minimumRun: inspector.limits.minimumPaddingRun, keepLimit: keep)
        do {
            try LocalFiles.stream(path) { chunk in stripper.write(chunk) }
        } catch {
            return FileInspection(
                verdict: "clean", type: "unknown", inspectedBytes: 0, findings: [], error: error.description)
        }
        let out = stripper.finish()
        var job = ScanJob(bytes: out.bytes[...], input: path, name: name)
        if !out.padding.isEmpty || out.truncated {
            job.padding = out.padding
            job.originalSize = out.totalBytes
            job.truncated = out.truncated
        }
        let result = inspector.scan(job)
        return FileInspection(
            verdict: result.verdict.rawValue, type: result.root.type.rawValue, inspectedBytes: result.root.size,
            originalSize: out.totalBytes, paddingBytes: result.root.paddingBytes, md5: result.root.hashes.md5,
            sha1: result.root.hashes.sha1, sha256: result.root.hashes.sha256,
            findings: result.findings.map {
                InspectionFinding(id: $0.id, severity: $0.severity.rawValue, message: $0.message, evidence: $0.evidence.path)
            },
            error: result.error)
    }
}
