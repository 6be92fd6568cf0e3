import ArgumentParser
import Foundation
import ThreatIntel

/// `emoguard intel`: threat-intelligence feeds imported into a local store and matched during scans.
struct Intel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import threat-intelligence feeds (abuse.ch and plain lists) into the local store.",
        discussion: """
            Feeds are files you downloaded: Emoguard never fetches them. The store is a SQLite file, by default \
            $EMOGUARD_INTEL_DB or ~/.local/share/emoguard/intel.sqlite. Examples/intel holds small example feeds \
            (not live data) to try it offline.
            """,
        subcommands: [IntelImport.self, IntelStats.self, IntelMatch.self]
    )
}

/// The `--db` option the intel subcommands share.
struct IntelDatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "The intelligence store (default: $EMOGUARD_INTEL_DB or ~/.local/share/emoguard/intel.sqlite).",
            valueName: "path"
        )
    )
    var db: String?

    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["EMOGUARD_INTEL_DB"], !env.isEmpty { return env }
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        return home + "/.local/share/emoguard/intel.sqlite"
    }
}

/// `--format`: a feed format, or `auto` to decide from the content.
enum IntelFormatChoice: String, CaseIterable, ExpressibleByArgument {
    case auto
    case feodoCSV = "feodo-csv"
    case feodoJSON = "feodo-json"
    case urlhausCSV = "urlhaus-csv"
    case malwareBazaarCSV = "malwarebazaar-csv"
    case threatFoxJSON = "threatfox-json"
    case threatFoxCSV = "threatfox-csv"
    case list

    var format: FeedFormat? { FeedFormat(rawValue: rawValue) }
}

struct IntelImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import feed files into the store (idempotent; malformed rows are reported and skipped).",
        discussion: """
            Formats: Feodo Tracker CSV (current and older layouts) and JSON, URLhaus CSV, MalwareBazaar CSV, \
            ThreatFox JSON and CSV exports, and plain lists of IPs, domains, URLs and MD5/SHA-1/SHA-256 digests. \
            The format is detected from the content unless --format is given. Feed names default to feodotracker, \
            urlhaus, malwarebazaar, threatfox, or a list's file name. Exit status: 0 imported (skipped rows are \
            listed on standard error), 2 a file could not be imported.
            """
    )

    @Argument(help: "Feed files.")
    var files: [String]

    @OptionGroup var store: IntelDatabaseOptions

    @Option(help: "The feed format (default: detected from the content).")
    var format: IntelFormatChoice = .auto

    @Option(help: "The feed name hits report (default: from the format, or a list's file name).")
    var feed: String?

    @Flag(help: "Do not list skipped rows, only count them.")
    var quiet = false

    func run() throws {
        let intel: IntelStore
        do {
            intel = try IntelStore(path: store.path)
        } catch {
            FileHandle.standardError.write(Data("emoguard intel import: \(error)\n".utf8))
            throw ExitCode(ExitStatus.error)
        }
        var failed = false
        for file in files {
            let started = Date()
            do {
                let summary = try intel.importFile(atPath: file, format: format.format, feed: feed)
                let seconds = Date().timeIntervalSince(started)
                print(
                    "\(file): \(summary.feed) (\(summary.format.rawValue)): \(summary.rowsRead) rows, "
                        + "\(summary.indicators) indicators: \(summary.added) added, \(summary.updated) updated, "
                        + "\(summary.unchanged) unchanged; \(summary.skipped) rows skipped "
                        + "(\(String(format: "%.2f", seconds)) s)"
                )
                if !quiet {
                    var text = ""
                    for issue in summary.issues {
                        text += "\(file):\(issue.line): skipped: \(issue.reason): \(issue.detail)\n"
                    }
                    if summary.skipped > summary.issues.count {
                        text += "\(file): \(summary.skipped - summary.issues.count) more rows skipped\n"
                    }
                    FileHandle.standardError.write(Data(text.utf8))
                }
            } catch {
                FileHandle.standardError.write(Data("emoguard intel import: \(file): \(error)\n".utf8))
                failed = true
            }
        }
        print("store: \(store.path)")
        if failed { throw ExitCode(ExitStatus.error) }
    }
}

struct IntelStats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Indicators in the store, per feed and kind, and each feed's last import."
    )

    @OptionGroup var store: IntelDatabaseOptions

    func run() throws {
        let stats: [FeedStatistics]
        do {
            stats = try IntelStore(path: store.path, readOnly: true).statistics()
        } catch {
            FileHandle.standardError.write(Data("emoguard intel stats: \(error)\n".utf8))
            throw ExitCode(ExitStatus.error)
        }
        print("store: \(store.path)")
        if stats.isEmpty { print("no feeds imported") }
        for feed in stats {
            let kinds = IntelKind.allCases.compactMap { kind in feed.counts[kind].map { "\($0) \(kind.rawValue)" } }
            print("\(feed.feed): \(feed.total) indicators (\(kinds.joined(separator: ", ")))")
            if let last = feed.lastImport { print("  last import \(last) from \(feed.lastSource ?? "?")") }
        }
        print("total: \(stats.map(\.total).reduce(0, +)) indicators")
    }
}

struct IntelMatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Look values up in the store, as a scan does (exit 1 when one matches).",
        discussion: "The kind of each value is inferred as in a plain list (IP, domain, URL, MD5, SHA-1, SHA-256)."
    )

    @Argument(help: "IP addresses, domains, URLs or digests.")
    var values: [String]

    @OptionGroup var store: IntelDatabaseOptions

    func run() throws {
        let set: IntelSet
        do {
            set = try IntelSet(path: store.path)
        } catch {
            FileHandle.standardError.write(Data("emoguard intel match: \(error)\n".utf8))
            throw ExitCode(ExitStatus.error)
        }
        var hit = false
        for value in values {
            let kind = Normalizer.ipDroppingPort(Substring(value)) != nil ? .ip : IntelKind.infer(Substring(value))
            guard let kind else {
                print("\(value): not an IP address, domain, URL or digest")
                continue
            }
            let matches = set.match(kind: kind, value: value)
            if matches.isEmpty { print("\(value): no match (\(kind.rawValue))") }
            for m in matches {
                hit = true
                print("\(value): \(m.feed): \(m.entry)" + (m.threat.map { " [\($0)]" } ?? ""))
            }
        }
        if hit { throw ExitCode(ExitStatus.detected) }
    }
}
