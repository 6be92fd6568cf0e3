import ByteCursor

/// Something malformed or evasive in an RTF document that the parser recovered from.
///
/// Exploit documents (CVE-2017-0199, CVE-2017-11882 and their kin) are built to defeat naive parsers: hex split by
/// control words and groups, `\bin` runs, odd digit counts, missing or extra braces. Each trick parses the way Word
/// (and oletools' rtfobj) reads it, and leaves an anomaly that the engine's rules can weigh.
public struct RTFAnomaly: Sendable, Hashable, CustomStringConvertible {
    /// The kind of anomaly; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The header is `{\rt` but not `{\rtf1`: Word opens it, most other readers do not.
        public static let unusualHeader = Code("unusual-header")
        /// Groups were still open at the end of the input.
        public static let unclosedGroups = Code("unclosed-groups")
        /// A `}` with no open group.
        public static let extraCloseBrace = Code("extra-close-brace")
        /// Bytes other than whitespace and NULs after the document's final `}`.
        public static let dataAfterEnd = Code("data-after-end")
        /// Groups nested deeper than ``RTFLimits/maxDestinationDepth`` destinations: the deeper ones were not
        /// followed as destinations.
        public static let depthLimit = Code("depth-limit")
        /// A control word longer than the 250 letters Word reads.
        public static let longControlWord = Code("long-control-word")
        /// Object data holds characters other than hex digits and whitespace (ignored, as Word does).
        public static let objdataNonHex = Code("objdata-non-hex")
        /// Object data is interleaved with control words or groups: an evasion trick.
        public static let objdataControlWords = Code("objdata-control-words")
        /// Object data carries a `\bin` run of raw bytes.
        public static let objdataBinary = Code("objdata-binary")
        /// A `\'hh` escape inside object data dropped an odd hex digit (Word's own quirk, used for evasion).
        public static let objdataEscapeQuirk = Code("objdata-escape-quirk")
        /// Object data had an odd number of hex digits; the last one was dropped.
        public static let oddHexDigits = Code("odd-hex-digits")
        /// A `\bin` length runs past the end of the input (read up to the end), or is negative or missing (read
        /// as 0).
        public static let badBinLength = Code("bad-bin-length")
        /// Object data that is not an OLE 1.0 object.
        public static let notOLEObject = Code("not-ole-object")
        /// An OLE 1.0 object whose native data is shorter than its size field.
        public static let truncatedObject = Code("truncated-object")
        /// A named limit was reached; the rest was dropped.
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

/// Anomalies with a cap per code.
typealias RTFAnomalyLog = CappedAnomalyLog<RTFAnomaly>

extension CappedAnomalyLog where Anomaly == RTFAnomaly {
    init(cap: Limit) {
        self.init(limit: cap.maximum) { code, _ in
            RTFAnomaly(.tooManyAnomalies, detail: "\(cap.name): more than \(cap.maximum) \(code) anomalies")
        }
    }
}

extension RTFAnomaly: CappedAnomaly {}
