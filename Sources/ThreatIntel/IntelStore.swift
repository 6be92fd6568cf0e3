import Foundation
import GRDB

/// What one import did: rows read, indicators added, changed and already present, and the rows it skipped.
public struct ImportSummary: Sendable, Hashable {
    public var feed: String
    public var format: FeedFormat
    /// Data rows read (CSV and list lines, JSON entries).
    public var rowsRead: Int
    /// Indicators the rows gave (a MalwareBazaar row gives up to three).
    public var indicators: Int
    /// Indicators new to this feed in the store.
    public var added: Int
    /// Indicators already stored whose entry, threat or first/last seen changed.
    public var updated: Int
    /// Indicators already stored exactly so (a second import of the same file: all of them).
    public var unchanged: Int
    /// Skipped rows with line number and reason (at most ``IntelLimits/maxIssues``).
    public var issues: [RowIssue]
    /// All skipped rows.
    public var skipped: Int
}

/// Per-feed figures for `emoguard intel stats`.
public struct FeedStatistics: Sendable, Hashable {
    public var feed: String
    public var counts: [IntelKind: Int]
    public var total: Int { counts.values.reduce(0, +) }
    /// The last import of this feed (ISO 8601, UTC), with its source.
    public var lastImport: String?
    public var lastSource: String?
}

/// The local store of imported indicators: one SQLite file (GRDB).
///
/// ```
/// indicator(kind, value, feed, entry, threat, first_seen, last_seen, imported_at)
///           primary key (kind, value, feed)       imported_at: when the row was added or last changed
/// import_log(id, feed, format, source, imported_at, rows_read, added, updated, unchanged, skipped)
/// fingerprint(id = 1, count, data)                sorted 64-bit fingerprints of every (kind, value)
/// ```
/// An import is one transaction of upserts through one prepared statement: a row that is already stored exactly
/// so is not written, so importing the same file twice changes nothing but the import log. `first_seen` keeps the
/// earliest and `last_seen` the latest date seen. The fingerprint table is rebuilt at the end of every import so
/// that ``IntelSet`` loads in milliseconds.
public final class IntelStore: Sendable {
    let database: DatabaseQueue
    public let path: String

    /// Opens (creating if needed, with its folder) the store at `path`; `readOnly` opens an existing one for
    /// matching.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.label = "emoguard.intel"
        do {
            if !readOnly {
                let folder = (path as NSString).deletingLastPathComponent
                if !folder.isEmpty {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                }
            } else if !FileManager.default.fileExists(atPath: path) {
                throw ThreatIntelError(.store, "no intelligence store at \(path)")
            }
            database = try DatabaseQueue(path: path, configuration: configuration)
            if !readOnly { try Self.migrator.migrate(database) }
        } catch let error as ThreatIntelError {
            throw error
        } catch {
            throw ThreatIntelError(.store, "\(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE indicator (
                        kind TEXT NOT NULL, value TEXT NOT NULL, feed TEXT NOT NULL,
                        entry TEXT NOT NULL, threat TEXT, first_seen TEXT, last_seen TEXT,
                        imported_at TEXT NOT NULL,
                        PRIMARY KEY (kind, value, feed)) WITHOUT ROWID;
                    CREATE TABLE import_log (
                        id INTEGER PRIMARY KEY, feed TEXT NOT NULL, format TEXT NOT NULL, source TEXT,
                        imported_at TEXT NOT NULL, rows_read INTEGER NOT NULL, added INTEGER NOT NULL,
                        updated INTEGER NOT NULL, unchanged INTEGER NOT NULL, skipped INTEGER NOT NULL);
                    CREATE TABLE fingerprint (
                        id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL, data BLOB NOT NULL);
                    """
            )
        }
        return migrator
    }

    static let upsert = """
        INSERT INTO indicator (kind, value, feed, entry, threat, first_seen, last_seen, imported_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (kind, value, feed) DO UPDATE SET
            entry = excluded.entry,
            threat = excluded.threat,
            first_seen = coalesce(min(indicator.first_seen, excluded.first_seen), indicator.first_seen,
                excluded.first_seen),
            last_seen = coalesce(max(indicator.last_seen, excluded.last_seen), indicator.last_seen,
                excluded.last_seen),
            imported_at = excluded.imported_at
        WHERE indicator.entry IS NOT excluded.entry
            OR indicator.threat IS NOT excluded.threat
            OR (excluded.first_seen IS NOT NULL AND (indicator.first_seen IS NULL
                OR excluded.first_seen < indicator.first_seen))
            OR (excluded.last_seen IS NOT NULL AND (indicator.last_seen IS NULL
                OR excluded.last_seen > indicator.last_seen))
        """

    /// Imports a feed file's bytes as feed `feed` (the format's default name when `nil`; a list needs one).
    ///
    /// Malformed rows are skipped and listed in the summary; everything else in the input is stored. Throws
    /// ``ThreatIntelError`` when the input as a whole cannot be read (format, JSON syntax, input limits) or the
    /// store fails; then nothing of this input is stored.
    public func importFeed(
        _ bytes: [UInt8],
        format: FeedFormat? = nil,
        feed: String? = nil,
        source: String? = nil,
        limits: IntelLimits = .default,
        now: Date = Date()
    ) throws -> ImportSummary {
        try limits.maxInputBytes.checkIntel(bytes.count)
        let format = try format ?? FeedFormat.detect(bytes)
        guard let feed = feed ?? format.defaultFeedName, !feed.isEmpty else {
            throw ThreatIntelError(.unknownFormat, "a plain list needs a feed name")
        }
        let stamp = ISO8601DateFormatter().string(from: now)
        do {
            return try database.write { db in
                let before =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM indicator WHERE feed = ?", arguments: [feed]) ?? 0
                let statement = try db.makeStatement(sql: Self.upsert)
                var changed = 0
                let outcome = try FeedParser.parse(bytes, format: format, limits: limits) { record in
                    try statement.execute(arguments: [
                        record.kind.rawValue, record.value, feed, record.entry, record.threat, record.firstSeen,
                        record.lastSeen, stamp,
                    ])
                    changed += db.changesCount
                }
                let after =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM indicator WHERE feed = ?", arguments: [feed]) ?? 0
                let added = after - before
                let updated = changed - added
                let summary = ImportSummary(
                    feed: feed,
                    format: format,
                    rowsRead: outcome.rowsRead,
                    indicators: outcome.indicators,
                    added: added,
                    updated: updated,
                    unchanged: outcome.indicators - changed,
                    issues: outcome.issues,
                    skipped: outcome.skipped
                )
                try db.execute(
                    sql: """
                        INSERT INTO import_log (feed, format, source, imported_at, rows_read, added, updated, unchanged,
                            skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        feed, format.rawValue, source, stamp, summary.rowsRead, summary.added, summary.updated,
                        summary.unchanged, summary.skipped,
                    ]
                )
                if changed > 0 { try Self.rebuildFingerprints(db) }
                return summary
            }
        } catch let error as ThreatIntelError {
            throw error
        } catch {
            throw ThreatIntelError(.store, "\(path): \(error)")
        }
    }

    /// Imports the file at `path` (read whole, within ``IntelLimits/maxInputBytes``); a list's feed name defaults
    /// to the file's name.
    public func importFile(
        atPath path: String,
        format: FeedFormat? = nil,
        feed: String? = nil,
        limits: IntelLimits = .default
    ) throws -> ImportSummary {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue { try limits.maxInputBytes.checkIntel(size) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThreatIntelError(.store, "cannot read \(path)")
        }
        let bytes = [UInt8](data)
        let format = try format ?? FeedFormat.detect(bytes)
        let name = feed ?? format.defaultFeedName ?? (path as NSString).lastPathComponent
        return try importFeed(bytes, format: format, feed: name, source: path, limits: limits)
    }

    static func rebuildFingerprints(_ db: Database) throws {
        var prints: [UInt64] = []
        prints.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM indicator") ?? 0)
        let rows = try Row.fetchCursor(db, sql: "SELECT kind, value FROM indicator")
        while let row = try rows.next() {
            let kind: String = row[0]
            let value: String = row[1]
            prints.append(Fingerprint.of(kind: kind, value: value))
        }
        prints.sort()
        var unique: [UInt64] = []
        unique.reserveCapacity(prints.count)
        for p in prints where unique.last != p { unique.append(p) }
        let data = unique.withUnsafeBytes { Data($0) }
        try db.execute(
            sql: "INSERT OR REPLACE INTO fingerprint (id, count, data) VALUES (1, ?, ?)",
            arguments: [unique.count, data]
        )
    }

    /// Indicators per feed and kind, and each feed's last import.
    public func statistics() throws -> [FeedStatistics] {
        do {
            return try database.read { db in
                var byFeed: [String: FeedStatistics] = [:]
                for row in try Row.fetchAll(
                    db,
                    sql: "SELECT feed, kind, count(*) FROM indicator GROUP BY feed, kind"
                ) {
                    let feed: String = row[0]
                    let kindText: String = row[1]
                    guard let kind = IntelKind(rawValue: kindText) else { continue }
                    byFeed[feed, default: FeedStatistics(feed: feed, counts: [:])].counts[kind] = row[2]
                }
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT feed, imported_at, source FROM import_log
                        WHERE id IN (SELECT max(id) FROM import_log GROUP BY feed)
                        """
                ) {
                    let feed: String = row[0]
                    byFeed[feed, default: FeedStatistics(feed: feed, counts: [:])].lastImport = row[1]
                    byFeed[feed]?.lastSource = row[2]
                }
                return byFeed.values.sorted { $0.feed < $1.feed }
            }
        } catch {
            throw ThreatIntelError(.store, "\(path): \(error)")
        }
    }

    /// The stored entries for one canonical value, every feed.
    func entries(kind: IntelKind, value: String) throws -> [IntelMatch] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT feed, entry, threat, first_seen, last_seen FROM indicator
                    WHERE kind = ? AND value = ? ORDER BY feed
                    """,
                arguments: [kind.rawValue, value]
            ).map {
                IntelMatch(
                    kind: kind,
                    value: value,
                    feed: $0[0],
                    entry: $0[1],
                    threat: $0[2],
                    firstSeen: $0[3],
                    lastSeen: $0[4]
                )
            }
        }
    }

    /// The sorted fingerprints saved by the last import (empty for a new store).
    func fingerprints() throws -> [UInt64] {
        try database.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT data FROM fingerprint WHERE id = 1") else { return [] }
            var prints = [UInt64](repeating: 0, count: data.count / 8)
            prints.withUnsafeMutableBytes { buffer in _ = data.copyBytes(to: buffer) }
            return prints
        }
    }
}

/// A stable 64-bit fingerprint of (kind, value): FNV-1a, the same in every process (Swift's `Hasher` is seeded).
enum Fingerprint {
    static func of(kind: String, value: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in kind.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        h ^= 0
        h = h &* 0x0000_0100_0000_01B3
        for b in value.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}
