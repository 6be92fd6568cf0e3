import ByteCursor

/// What reading a feed produced besides its records: how many rows, which were skipped and why.
public struct ParseOutcome: Sendable, Hashable {
    public var format: FeedFormat
    /// Data rows (CSV lines, list lines, JSON entries) read; comments, blank lines and headers are not rows.
    public var rowsRead = 0
    /// Indicators produced (a MalwareBazaar row gives up to three).
    public var indicators = 0
    /// The skipped rows, in input order, at most ``IntelLimits/maxIssues`` of them.
    public var issues: [RowIssue] = []
    /// All skipped rows, including those beyond ``IntelLimits/maxIssues``.
    public var skipped = 0

    public init(format: FeedFormat) { self.format = format }
}

/// Reads feed files into ``IntelRecord``s, reporting malformed rows by line number and going on.
public enum FeedParser {
    /// Parses `bytes` as `format` (detected when `nil`), calling `body` for every indicator in input order.
    ///
    /// Throws ``ThreatIntelError`` only for what stops the whole input: an unrecognisable format, JSON that is not
    /// well-formed, an input-level limit, or an error thrown by `body`.
    public static func parse(
        _ bytes: [UInt8],
        format: FeedFormat? = nil,
        limits: IntelLimits = .default,
        _ body: (IntelRecord) throws -> Void
    ) throws -> ParseOutcome {
        try limits.maxInputBytes.checkIntel(bytes.count)
        let format = try format ?? FeedFormat.detect(bytes)
        return try withoutActuallyEscaping(body) { body in
            var sink = FeedSink(outcome: ParseOutcome(format: format), limits: limits, body: body)
            try read(bytes, format: format, into: &sink)
            return sink.outcome
        }
    }

    static func read(_ bytes: [UInt8], format: FeedFormat, into sink: inout FeedSink) throws {
        switch format {
        case .feodoCSV: try CSVFeed.read(bytes, layout: FeodoTracker.csvLayout, into: &sink)
        case .urlhausCSV: try CSVFeed.read(bytes, layout: URLhaus.csvLayout, into: &sink)
        case .malwareBazaarCSV: try CSVFeed.read(bytes, layout: MalwareBazaar.csvLayout, into: &sink)
        case .threatFoxCSV: try CSVFeed.read(bytes, layout: ThreatFox.csvLayout, into: &sink)
        case .feodoJSON: try FeodoTracker.readJSON(bytes, into: &sink)
        case .threatFoxJSON: try ThreatFox.readJSON(bytes, into: &sink)
        case .list: try PlainList.read(bytes, into: &sink)
        }
    }

    /// Parses and collects: the records and the outcome (for tests and small feeds).
    public static func records(
        _ bytes: [UInt8],
        format: FeedFormat? = nil,
        limits: IntelLimits = .default
    ) throws
        -> (records: [IntelRecord], outcome: ParseOutcome)
    {
        var records: [IntelRecord] = []
        let outcome = try parse(bytes, format: format, limits: limits) { records.append($0) }
        return (records, outcome)
    }
}

extension Limit {
    func checkIntel(_ value: Int, line: Int? = nil) throws {
        if value > maximum { throw ThreatIntelError.limitExceeded(self, value: value, line: line) }
    }
}

/// Where the feed readers deliver rows, records and issues.
struct FeedSink {
    var outcome: ParseOutcome
    let limits: IntelLimits
    let body: (IntelRecord) throws -> Void

    mutating func row(line: Int) throws {
        outcome.rowsRead += 1
        try limits.maxRows.checkIntel(outcome.rowsRead, line: line)
    }

    mutating func emit(_ records: [IntelRecord]) throws {
        for r in records { try body(r) }
        outcome.indicators += records.count
    }

    mutating func issue(_ line: Int, _ reason: RowIssue.Reason, _ detail: String) {
        outcome.skipped += 1
        if limits.maxIssues.allows(outcome.issues.count + 1) {
            outcome.issues.append(RowIssue(line: line, reason: reason, detail: detail))
        }
    }

    /// The canonical value of field `name` for `kind`, or a reason it is not one.
    func value(_ raw: String?, _ kind: IntelKind, field name: String) -> Result<String, FieldProblem> {
        guard let raw = present(raw) else { return .failure(FieldProblem(.missingField, "no \(name)")) }
        if !limits.maxValueBytes.allows(raw.utf8.count) {
            return .failure(
                FieldProblem(.invalidValue, "\(name) is \(raw.utf8.count) bytes (\(limits.maxValueBytes.name))")
            )
        }
        guard let v = Normalizer.normalize(Substring(raw), as: kind) else {
            return .failure(FieldProblem(.invalidValue, "\(name) '\(raw.prefix(80))' is not a valid \(kind.rawValue)"))
        }
        return .success(v)
    }
}

struct FieldProblem: Error {
    var reason: RowIssue.Reason
    var detail: String
    init(_ reason: RowIssue.Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}

/// A CSV feed's columns: the names its headers use for each role, and the default layouts by field count for
/// files whose header was cut off.
struct CSVLayout: Sendable {
    /// Role → the header names that mean it (lower case).
    var roles: [String: [String]]
    /// Field count → role per position, for rows read before (or without) a header.
    var defaults: [Int: [String]]
    /// The fewest fields a row must have.
    var minimumFields: Int
    /// Builds the records of one row from its fields by role.
    var build: @Sendable (_ fields: Fields, _ line: Int, _ sink: FeedSink) -> Result<[IntelRecord], FieldProblem>
}

/// A row's fields looked up by role.
struct Fields {
    var values: [String]
    var positions: [String: Int]
    subscript(role: String) -> String? {
        guard let p = positions[role], p < values.count else { return nil }
        return values[p]
    }
}

enum CSVFeed {
    static func read(_ bytes: [UInt8], layout: CSVLayout, into sink: inout FeedSink) throws {
        var positions: [String: Int]? = nil
        var sawData = false
        for line in LineReader(bytes) {
            if !sink.limits.maxLineBytes.allows(line.bytes.count) {
                if line.bytes.first == UInt8(ascii: "#") { continue }
                try sink.row(line: line.number)
                sink.issue(
                    line.number,
                    .lineTooLong,
                    "\(line.bytes.count) bytes (\(sink.limits.maxLineBytes.name) \(sink.limits.maxLineBytes.maximum))"
                )
                continue
            }
            guard let text = String(validating: line.bytes, as: UTF8.self) else {
                try sink.row(line: line.number)
                sink.issue(line.number, .notText, "not UTF-8")
                continue
            }
            var body = Substring(text)
            let isComment = body.first == "#"
            if isComment {
                body = body.drop(while: { $0 == "#" || $0 == " " || $0 == "\t" })
            }
            if Normalizer.trimmed(body).isEmpty { continue }
            let split = CSV.split(body, maxFields: sink.limits.maxFields)
            if isComment || !sawData, case .fields(let fields) = split, let header = headerPositions(fields, layout) {
                positions = header
                continue
            }
            if isComment { continue }
            sawData = true
            try sink.row(line: line.number)
            switch split {
            case .issue(let reason, let detail):
                sink.issue(line.number, reason, detail)
            case .fields(let values):
                guard values.count >= layout.minimumFields else {
                    sink.issue(
                        line.number,
                        .missingField,
                        "\(values.count) fields, at least \(layout.minimumFields) needed"
                    )
                    continue
                }
                let map = positions ?? defaultPositions(values.count, layout)
                switch layout.build(Fields(values: values, positions: map), line.number, sink) {
                case .success(let records): try sink.emit(records)
                case .failure(let problem): sink.issue(line.number, problem.reason, problem.detail)
                }
            }
        }
    }

    /// The positions of the roles when `fields` is a header of this layout (at least two known column names).
    static func headerPositions(_ fields: [String], _ layout: CSVLayout) -> [String: Int]? {
        var positions: [String: Int] = [:]
        for (i, f) in fields.enumerated() {
            let name = Normalizer.trimmed(Substring(f)).lowercased()
            for (role, names) in layout.roles where names.contains(name) && positions[role] == nil {
                positions[role] = i
            }
        }
        return positions.count >= 2 ? positions : nil
    }

    static func defaultPositions(_ count: Int, _ layout: CSVLayout) -> [String: Int] {
        let roles =
            layout.defaults[count]
            ?? layout.defaults.filter { $0.key <= count }.max(by: { $0.key < $1.key })?.value
            ?? layout.defaults.max(by: { $0.key < $1.key })?.value ?? []
        var positions: [String: Int] = [:]
        for (i, role) in roles.enumerated() where positions[role] == nil { positions[role] = i }
        return positions
    }
}

/// Joins the parts that are present with `separator`.
func joined(_ parts: [String?], _ separator: String = ", ") -> String {
    parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: separator)
}
