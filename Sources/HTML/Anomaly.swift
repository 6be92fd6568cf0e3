import ByteCursor

/// Something malformed, cut short or deliberately odd in a page that the analysis recovered from.
///
/// HTML is parsed the way browsers parse it, tolerantly: an unterminated comment or script still yields what could
/// be read, and the anomaly says what a stricter reader would have tripped over (and what a filter might miss).
public struct HTMLAnomaly: Sendable, Hashable, CustomStringConvertible {
    /// The kind of anomaly; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A tag is not closed before the end of the input (`<a href="...` to the end).
        public static let unterminatedTag = Code("unterminated-tag")
        /// A comment (`<!--`) is not closed; the rest of the page is a comment to a browser.
        public static let unterminatedComment = Code("unterminated-comment")
        /// A `<script>`, `<style>`, `<textarea>`... element has no end tag; its text runs to the end of the input.
        public static let unterminatedRawText = Code("unterminated-raw-text")
        /// A script string literal or template is not closed on its line (or before the end of the script).
        public static let unterminatedString = Code("unterminated-string")
        /// Text that a script decodes (`atob`, a `data:` URL, percent or hex escapes) is not valid in its encoding.
        public static let invalidEncoding = Code("invalid-encoding")
        /// Byte sequences that are not valid in the page's charset.
        public static let invalidCharset = Code("invalid-charset")
        /// The page is UTF-16 (or another charset that is not ASCII-compatible) and was converted to UTF-8:
        /// offsets refer to the converted text.
        public static let transcoded = Code("transcoded")
        /// A named limit (``HTMLLimits``) was reached; the rest of that part was not analysed.
        public static let limitExceeded = Code("limit-exceeded")
        /// Too many anomalies of one code; the rest were dropped.
        public static let tooManyAnomalies = Code("too-many-anomalies")
    }

    public var code: Code
    /// Where in the input, if known.
    public var offset: Int?
    /// What exactly was found, for the report.
    public var detail: String

    public init(_ code: Code, offset: Int? = nil, detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        var s = code.rawValue
        if let offset { s += " at \(offset)" }
        return s + ": " + detail
    }
}

/// Collects anomalies, at most `limit` of each code (one more says that the rest were dropped).
struct AnomalyLog {
    private var log: CappedAnomalyLog<HTMLAnomaly>
    private var reportedLimits: Set<String> = []

    init(limit: Int) {
        let limit = max(1, limit)
        log = CappedAnomalyLog(limit: limit) { code, offset in
            HTMLAnomaly(.tooManyAnomalies, offset: offset, detail: "more than \(limit) '\(code)' anomalies")
        }
    }

    var items: [HTMLAnomaly] { log.items }

    mutating func record(_ code: HTMLAnomaly.Code, offset: Int? = nil, _ detail: String) {
        log.record(code, offset: offset, detail)
    }

    /// Records that `limit` was reached, once per limit name.
    mutating func limitReached(_ limit: Limit, offset: Int? = nil, _ detail: String) {
        guard !reportedLimits.contains(limit.name) else { return }
        reportedLimits.insert(limit.name)
        record(.limitExceeded, offset: offset, "\(limit.name) (\(limit.maximum)) reached: \(detail)")
    }
}

extension HTMLAnomaly: CappedAnomaly {}
