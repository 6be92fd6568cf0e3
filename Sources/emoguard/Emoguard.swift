import ArgumentParser
import EmoguardConfig
import Foundation
import Inspection

@main
struct Emoguard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emoguard",
        abstract: "Stops Emotet-class malspam and finds the machines it infected.",
        version: emoguardVersion,
        subcommands: [Scan.self, Check.self, Intel.self, Explain.self, MilterCommand.self],
        defaultSubcommand: nil)

    /// Runs the command; usage errors exit with 2 (as clamscan's errors do), not ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.error)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes, as clamscan's: 0 clean, 1 detected, 2 error.
enum ExitStatus {
    static let clean: Int32 = 0
    static let detected: Int32 = 1
    static let error: Int32 = 2
}

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect mail (.eml, mbox, Maildir) and files; explain every finding.",
        discussion: """
            PATH may be a message or any file, an mbox, a Maildir, a directory (scanned recursively) or - for \
            standard input. Exit status: 0 clean, 1 something suspicious or malicious was found, 2 an input \
            could not be read (and nothing was detected).
            """)

    @Argument(help: "Files, mboxes, Maildirs or directories to scan; - for standard input.")
    var paths: [String]

    @Flag(help: "Write the JSON report (docs/report-format.md) instead of text.")
    var json = false

    @Flag(help: "Pretty-print the JSON report.")
    var pretty = false

    @Flag(name: .shortAndLong, help: "Show clean results, info findings and the artifact tree.")
    var verbose = false

    @Flag(help: "Never colour the text report.")
    var noColor = false

    @Flag(help: "Never show the progress bar.")
    var noProgress = false

    @Option(name: .customLong("password"), help: "An extra archive password to try (repeatable).")
    var passwords: [String] = []

    @Option(
        help: ArgumentHelp(
            "Digests computed for every artifact, comma-separated.", valueName: "md5,sha1,sha256"))
    var digests = "md5,sha1,sha256"

    @Option(help: "Worker threads (default: one per core).")
    var jobs: Int?

    @Option(help: "Deepest artifact nesting.")
    var maxDepth: Int?

    @Option(help: "Seconds allowed per message or file.")
    var timeout: Int?

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one PATH, or - for standard input") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let maxDepth, maxDepth < 1 { throw ValidationError("--max-depth must be at least 1") }
        _ = try digestKinds()
    }

    func digestKinds() throws -> Set<DigestKind> {
        var kinds = Set<DigestKind>()
        for name in digests.split(separator: ",") {
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "")
            guard let kind = DigestKind(rawValue: trimmed) else {
                throw ValidationError("--digests: unknown digest '\(name)' (md5, sha1, sha256)")
            }
            kinds.insert(kind)
        }
        if kinds.isEmpty { throw ValidationError("--digests: name at least one of md5, sha1, sha256") }
        return kinds
    }

    func run() throws {
        var limits = BudgetLimits.default
        if let maxDepth { limits.maxDepth.maximum = maxDepth }
        if let timeout { limits.maxMilliseconds.maximum = timeout * 1000 }
        let inspector = try engine.inspector(limits: limits, passwords: passwords, digests: try digestKinds())
        let pipeline = ScanPipeline(inspector: inspector, workers: jobs ?? ScanPipeline.defaultWorkers)

        let out = OutputStream.standardOutput
        let stderrIsTTY = isatty(2) == 1
        let progress = ProgressBar(enabled: stderrIsTTY && !noProgress)
        let summary: RunSummary
        if json {
            var writer = JSONReportWriter(pretty: pretty) { out.write($0) }
            writer.begin()
            summary = pipeline.run(paths: paths, onProgress: progress.update) { writer.add($0) }
            progress.clear()
            writer.end(summary)
        } else {
            let color = !noColor && isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            let writer = TextReportWriter(color: color, verbose: verbose || paths.count == 1 && !isBulk(paths[0])) {
                progress.clear()
                out.write($0)
            }
            summary = pipeline.run(paths: paths, onProgress: progress.update) { writer.add($0) }
            progress.clear()
            writer.end(summary)
        }
        out.flush()
        if summary.suspicious + summary.malicious > 0 { throw ExitCode(ExitStatus.detected) }
        if summary.errors > 0 { throw ExitCode(ExitStatus.error) }
    }

    /// Whether a single path holds many messages (then only detections are listed).
    func isBulk(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { return true }
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 5)) ?? Data()
        return head == Data("From ".utf8)
    }
}

/// The configuration file and the threat-intelligence store, shared by `scan` and `explain`.
struct EngineOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Configuration file (YAML, docs/configuration.md); default $EMOGUARD_CONFIG, else built-in defaults.",
            valueName: "file"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "Threat-intelligence store of `emoguard intel import`; default $EMOGUARD_INTEL_DB, else the "
                + "configuration's intel_db, else none.", valueName: "db"))
    var intel: String?

    /// The configuration named by --config or $EMOGUARD_CONFIG; the defaults when neither is set. A file that
    /// does not validate stops the command with exit status 2 and the line of the problem.
    func configuration() throws -> EmoguardConfiguration {
        let env = ProcessInfo.processInfo.environment
        guard let path = config ?? env["EMOGUARD_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return EmoguardConfiguration()
        }
        do {
            return try EmoguardConfiguration(contentsOf: path)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("emoguard: configuration error: \(error)\n".utf8))
            throw ExitCode(ExitStatus.error)
        }
    }

    /// The intel store's path: --intel, $EMOGUARD_INTEL_DB, the configuration's intel_db, or none.
    func intelPath(_ configuration: EmoguardConfiguration) -> String? {
        let env = ProcessInfo.processInfo.environment
        return intel ?? env["EMOGUARD_INTEL_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? configuration.intelDB
    }

    /// An inspector with the configuration's mail policy and thresholds and the intel store's lookup.
    func inspector(limits: BudgetLimits, passwords: [String], digests: Set<DigestKind>) throws -> Inspector {
        let c = try configuration()
        var lookup: (any IndicatorLookup)?
        if let path = intelPath(c) {
            do {
                lookup = try IntelLookup(path: path)
            } catch {
                FileHandle.standardError.write(Data("emoguard: threat-intelligence store \(path): \(error)\n".utf8))
                throw ExitCode(ExitStatus.error)
            }
        }
        return Inspector(
            limits: limits, userPasswords: passwords, digests: digests,
            mailPolicy: MailPolicy(
                ownDomains: c.ownDomains, partnerDomains: c.partnerDomains, protectedNames: c.protectedNames,
                trustedAuthservIDs: c.trustedAuthservIDs,
                redirectorDomains: c.redirectorDomains ?? MailPolicy.defaultRedirectorDomains),
            thresholds: VerdictThresholds(suspicious: c.thresholds.suspicious, malicious: c.thresholds.malicious),
            indicators: lookup)
    }
}

/// Buffered standard output.
final class OutputStream: @unchecked Sendable {
    static let standardOutput = OutputStream()
    private var buffer: [UInt8] = []

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    func flush() {
        buffer.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count, let base = raw.baseAddress {
                let n = Foundation.write(1, base + off, raw.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A one-line progress bar on standard error for long mbox or Maildir runs.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    var lastDraw: UInt64 = 0
    var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: ScanProgress) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        var line = "\(p.scanned) scanned, \(p.detected) detected, \(p.bytesRead >> 20) MB"
        if let total = p.totalBytes, total > 0 {
            let fraction = min(1, Double(p.bytesRead) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            line = "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
                + "\(Int(fraction * 100))%  " + line + " / \(total >> 20) MB"
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        drawn = true
    }

    func clear() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
