import ArgumentParser
import Foundation
import HostCheck
import Inspection

extension ReportLanguage: ExpressibleByArgument {}

/// `emoguard check`: EmoCheck's detection, for every Emotet generation, on a Windows triage collection.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a Windows triage collection for Emotet (EmoCheck's logic, every generation).",
        discussion: """
            TRIAGE_DIR is a KAPE or Velociraptor collection or a mounted Windows volume (the folder holding \
            Windows/ and Users/ may be up to four levels down: C/, C%3A/...). Hives, file listings, timestamps \
            and file heads are read from it. Add --processes (tasklist /v /fo csv, Get-CimInstance Win32_Process | \
            Export-Csv, Volatility 3 windows.pslist/windows.cmdline) to confirm that Emotet is running, and \
            --volume-serial (or $Boot in the collection) for the v1 and v2 generations. --snapshot reads the JSON \
            written by scripts/collect.ps1 instead of, or on top of, a folder. Exit status: 0 clean, 1 Emotet \
            detected (running or not), 2 error.
            """)

    @Argument(help: "Triage folder or mounted Windows volume (optional with --snapshot).")
    var triageDir: String?

    @Option(
        name: .customLong("processes"),
        help: ArgumentHelp("A process list (repeatable: Volatility's pslist and cmdline together).", valueName: "file"))
    var processLists: [String] = []

    @Option(
        help: ArgumentHelp(
            "The system volume's serial number (1234-ABCD), or a file: $Boot, a volume or MBR disk image, or 'vol C:' output.",
            valueName: "hex|file"))
    var volumeSerial: String?

    @Option(help: ArgumentHelp("A JSON snapshot written by scripts/collect.ps1.", valueName: "collector.json"))
    var snapshot: String?

    @Flag(help: "Write the JSON report (docs/hostcheck.md) instead of text.")
    var json = false

    @Option(
        name: .customLong("emocheck-json"), defaultAsFlag: ".", parsing: .next,
        help: ArgumentHelp(
            "Also write EmoCheck's JSON report, <HOST>_yyyymmddhhmmss_emoguard.json, into DIR (default: the current directory). Write --emocheck-json=DIR, or put it after TRIAGE_DIR.",
            valueName: "dir"))
    var emocheckJSON: String? = nil

    @Option(help: "Language of the text report (default: from LC_ALL, LC_MESSAGES or LANG).")
    var lang: ReportLanguage?

    @Flag(help: "Do not hand suspicious files to the inspection engine.")
    var noInspect = false

    func validate() throws {
        if triageDir == nil && snapshot == nil {
            throw ValidationError(
                "name a TRIAGE_DIR or a --snapshot (if --emocheck-json took the folder as its DIR, write --emocheck-json=DIR)")
        }
        if let dir = emocheckJSON {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("--emocheck-json: '\(dir)' is not a folder")
            }
        }
    }

    func run() throws {
        let out = OutputStream.standardOutput
        let limits = HostCheckLimits.default
        var snap: HostSnapshot
        do {
            if let triageDir {
                snap = try TriageFolderReader(limits: limits).read(triageDir)
                if let snapshot {
                    let collected = try CollectorSnapshotReader.read(path: snapshot, limits: limits)
                    snap = Self.merge(snap, collected)
                }
            } else if let snapshot {
                snap = try CollectorSnapshotReader.read(path: snapshot, limits: limits)
            } else {
                throw ExitCode(ExitStatus.error)
            }
            if let volumeSerial { snap.volumeSerial = try VolumeSerialReader.read(volumeSerial, limits: limits) }
            for file in processLists {
                let bytes = try Self.readFile(file, limit: limits.maxProcessListBytes.maximum)
                let (records, _) = try ProcessListReader.parse(bytes[...], source: file, limits: limits)
                snap.addProcesses(records, source: file, limit: limits.maxProcesses)
            }
        } catch let error as HostCheckError {
            FileHandle.standardError.write(Data("emoguard check: \(error)\n".utf8))
            throw ExitCode(ExitStatus.error)
        }

        let checker = HostChecker(limits: limits, inspector: noInspect ? nil : Inspector())
        let result = checker.check(snap)
        let now = Date()

        if json {
            out.write(String(decoding: HostCheckJSONReport.render(result, checkedAt: now), as: UTF8.self) + "\n")
        } else {
            let language = lang ?? ReportLanguage.fromEnvironment(ProcessInfo.processInfo.environment)
            out.write(HostCheckTextReport.render(result, language: language))
        }
        if let dir = emocheckJSON {
            let stamp = Self.format(now, "yyyyMMddHHmmss")
            let name = EmoCheckReport.fileName(hostname: result.hostname, stamp: stamp)
            let path = URL(fileURLWithPath: dir).appendingPathComponent(name).path
            let text = EmoCheckReport.render(result, scanTime: Self.format(now, "yyyy-MM-dd HH:mm:ss"))
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                out.flush()
                FileHandle.standardError.write(Data("emoguard check: cannot write \(path): \(error.localizedDescription)\n".utf8))
                throw ExitCode(ExitStatus.error)
            }
            if !json { out.write("EmoCheck report: \(path)\n") }
        }
        out.flush()
        if result.isInfected { throw ExitCode(ExitStatus.detected) }
    }

    static func format(_ date: Date, _ pattern: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone.current
        f.dateFormat = pattern
        return f.string(from: date)
    }

    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw HostCheckError(.notFound, "cannot be opened", path: path)
        }
        defer { try? h.close() }
        let data = (try? h.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else {
            throw HostCheckError(.limitExceeded, "larger than \(limit) bytes", path: path)
        }
        return [UInt8](data)
    }

    /// A folder snapshot completed by a collector snapshot: what the folder lacks is taken from the collector.
    static func merge(_ folder: HostSnapshot, _ collected: HostSnapshot) -> HostSnapshot {
        var s = folder
        if s.hostname == nil { s.hostname = collected.hostname }
        if s.volumeSerial == nil { s.volumeSerial = collected.volumeSerial }
        if let p = collected.processes { s.addProcesses(p.processes, source: p.sources.joined(separator: ", ")) }
        s.runValues += collected.runValues
        s.explorerValues += collected.explorerValues
        s.services += collected.services
        s.folders += collected.folders
        for (k, v) in collected.systemFiles where s.systemFiles[k] == nil { s.systemFiles[k] = v }
        s.systemFilesListed = s.systemFilesListed || collected.systemFilesListed
        s.allowlist.formUnion(collected.allowlist)
        s.notes += collected.notes
        s.sources += collected.sources
        return s
    }
}
