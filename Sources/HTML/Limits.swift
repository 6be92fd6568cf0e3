import ByteCursor
import Scripts

/// The bounds that an untrusted HTML attachment is held to while it is tokenized and its scripts are read.
///
/// Every size and count in a web page is attacker-controlled: these limits keep the work per page proportional to
/// its size and bound what decoding may produce. When a limit is reached the analysis stops that part, records an
/// ``HTMLAnomaly`` with code `limit-exceeded` naming the limit, and goes on with the rest.
public struct HTMLLimits: Sendable, Hashable {
    /// The most input bytes analysed; the rest of a longer page is ignored.
    public var maxInputBytes: Limit
    /// The most tags (start and end tags) read; the rest of the page is not tokenized.
    public var maxElements: Limit
    /// The most attributes kept from one tag; the rest are skipped.
    public var maxAttributes: Limit
    /// The most scripts analysed (inline `<script>` elements, event handler attributes, `javascript:` URLs).
    public var maxScripts: Limit
    /// The most JavaScript tokens read from all scripts of a page together.
    public var maxScriptTokens: Limit
    /// The most steps the expression evaluator takes over all scripts of a page (skipping over brackets, reading
    /// terms): nested calls are re-read from each level, and this keeps that linear.
    public var maxEvaluationSteps: Limit
    /// The deepest nesting of calls, parentheses and arrays the expression evaluator follows (never more than 256,
    /// whatever this says: the evaluator is recursive).
    public var maxExpressionNesting: Limit
    /// The most script variables whose constant string values are remembered.
    public var maxVariables: Limit
    /// The most decoded payloads kept.
    public var maxPayloads: Limit
    /// The most bytes one decoded payload may have; a longer one is cut and marked ``HTMLPayload/truncated``.
    public var maxPayloadBytes: Limit
    /// The most bytes all decoding and string concatenation of one page may produce together.
    public var maxTotalDecodedBytes: Limit
    /// The most URLs (IOCs) kept.
    public var maxURLs: Limit
    /// The most forms kept.
    public var maxForms: Limit
    /// The most indicators kept.
    public var maxIndicators: Limit
    /// The most anomalies of one code kept; one more says that the rest were dropped.
    public var maxAnomalies: Limit
    /// How many times decoded HTML (`document.write(atob(...))`, `data:text/html` frames) and decoded code
    /// (`eval(atob(...))`) is analysed again (never more than 16).
    public var maxNestingDepth: Limit
    /// The limits for ``Scripts/ScriptAnalyzer`` on each inline script.
    public var scripts: ScriptLimits

    /// A string literal at least this long (in characters) that is decoded with `atob` (or an equivalent) is
    /// reported as `atob-long-string`.
    public var longStringBytes: Int
    /// Encoded string literals shorter than this are not considered as payloads unless they reach `atob`.
    public var minPayloadEncodedBytes: Int
    /// Char-code arrays (`String.fromCharCode(...)`, `new Uint8Array([...])`) with fewer codes than this are not
    /// considered as payloads.
    public var minCharCodes: Int

    public init(
        maxInputBytes: Limit = Limit("html.maxInputBytes", 64 << 20),
        maxElements: Limit = Limit("html.maxElements", 500_000),
        maxAttributes: Limit = Limit("html.maxAttributes", 256),
        maxScripts: Limit = Limit("html.maxScripts", 512),
        maxScriptTokens: Limit = Limit("html.maxScriptTokens", 4_000_000),
        maxEvaluationSteps: Limit = Limit("html.maxEvaluationSteps", 50_000_000),
        maxExpressionNesting: Limit = Limit("html.maxExpressionNesting", 32),
        maxVariables: Limit = Limit("html.maxVariables", 4096),
        maxPayloads: Limit = Limit("html.maxPayloads", 16),
        maxPayloadBytes: Limit = Limit("html.maxPayloadBytes", 32 << 20),
        maxTotalDecodedBytes: Limit = Limit("html.maxTotalDecodedBytes", 128 << 20),
        maxURLs: Limit = Limit("html.maxURLs", 256),
        maxForms: Limit = Limit("html.maxForms", 64),
        maxIndicators: Limit = Limit("html.maxIndicators", 256),
        maxAnomalies: Limit = Limit("html.maxAnomalies", 64),
        maxNestingDepth: Limit = Limit("html.maxNestingDepth", 3),
        scripts: ScriptLimits = .default,
        longStringBytes: Int = 1024,
        minPayloadEncodedBytes: Int = 128,
        minCharCodes: Int = 64
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxElements = maxElements
        self.maxAttributes = maxAttributes
        self.maxScripts = maxScripts
        self.maxScriptTokens = maxScriptTokens
        self.maxEvaluationSteps = maxEvaluationSteps
        self.maxExpressionNesting = maxExpressionNesting
        self.maxVariables = maxVariables
        self.maxPayloads = maxPayloads
        self.maxPayloadBytes = maxPayloadBytes
        self.maxTotalDecodedBytes = maxTotalDecodedBytes
        self.maxURLs = maxURLs
        self.maxForms = maxForms
        self.maxIndicators = maxIndicators
        self.maxAnomalies = maxAnomalies
        self.maxNestingDepth = maxNestingDepth
        self.scripts = scripts
        self.longStringBytes = longStringBytes
        self.minPayloadEncodedBytes = minPayloadEncodedBytes
        self.minCharCodes = minCharCodes
    }

    /// The defaults: 64 MiB of input, 512 scripts, 16 payloads of at most 32 MiB, 128 MiB decoded in all,
    /// 256 URLs and indicators, decoded HTML analysed three levels deep.
    public static let `default` = HTMLLimits()
}
