import ByteCursor

/// Something structurally wrong or suspicious in a shell link that the parser recovered from.
///
/// Anomalies are facts for the engine's rules: a shortcut whose LinkInfo offsets point outside it, whose string
/// data runs past the end or whose extra data has no terminal block still yields every field that could be read,
/// and the anomaly says what a naive reader would have tripped over.
public struct ShellLinkAnomaly: Sendable, Hashable, CustomStringConvertible {
    /// The kind of anomaly; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input ends inside a structure (ID list, LinkInfo, a string, an extra data block); the rest is missing.
        public static let truncated = Code("truncated")
        /// A header field that cannot be right (reserved fields set, an unknown ShowCommand, flags without the
        /// structure they announce).
        public static let badHeader = Code("bad-header")
        /// The LinkTargetIDList is malformed: an item shorter than its size field, bytes after the terminal item,
        /// an item that cannot be decoded.
        public static let badIDList = Code("bad-idlist")
        /// The LinkInfo structure is malformed: sizes too small, offsets outside it, strings without terminator.
        public static let badLinkInfo = Code("bad-linkinfo")
        /// An extra data block is malformed: a size that disagrees with its signature, a field outside it.
        public static let badExtraData = Code("bad-extra-data")
        /// An extra data block with a signature [MS-SHLLINK] does not define; it was skipped.
        public static let unknownExtraData = Code("unknown-extra-data")
        /// The same extra data block appears twice; the first one is used.
        public static let duplicateExtraData = Code("duplicate-extra-data")
        /// A property store inside a PropertyStoreDataBlock is malformed (version, sizes, value types).
        public static let badPropertyStore = Code("bad-property-store")
        /// The extra data ends without a terminal block (or where one cannot be: bytes that are not a block).
        /// What follows the last readable block is reported as appended data.
        public static let missingTerminalBlock = Code("missing-terminal-block")
        /// A named limit was reached; the rest of that structure was not read.
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
typealias AnomalyLog = CappedAnomalyLog<ShellLinkAnomaly>

extension CappedAnomalyLog where Anomaly == ShellLinkAnomaly {
    /// At most `limit` (at least 1) anomalies of each code; one more says that the rest were dropped.
    init(limit: Int) {
        let limit = max(1, limit)
        self.init(limit: limit) { code, offset in
            ShellLinkAnomaly(.tooManyAnomalies, offset: offset, detail: "more than \(limit) '\(code)' anomalies")
        }
    }
}

extension ShellLinkAnomaly: CappedAnomaly {}
