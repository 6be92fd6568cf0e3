import ByteCursor
import OfficeMacros

/// The script languages and script containers Windows runs by double-click.
///
/// `.vbs`/`.vbe` run in wscript as VBScript, `.js`/`.jse` as JScript, `.wsf` and `.hta` hold blocks of either,
/// `.ps1` is PowerShell (opened in Notepad by default, but run by the LNK, HTA and batch droppers that call it), and
/// `.bat`/`.cmd` run in cmd.
public enum ScriptLanguage: String, Sendable, Hashable, CaseIterable {
    /// VBScript (`.vbs`, `.vbe` when Script-Encoded).
    case vbscript
    /// JScript (`.js`, `.jse` when Script-Encoded).
    case jscript
    /// PowerShell (`.ps1`).
    case powershell
    /// cmd batch files (`.bat`, `.cmd`).
    case batch
    /// A Windows Script File (`.wsf`): XML `<job>` elements holding `<script>` blocks.
    case wsf
    /// An HTML Application (`.hta`): HTML run by mshta with full rights, `<script>` blocks and `<HTA:APPLICATION>`.
    case hta
    /// Not recognised.
    case unknown
}

/// One script block of a container (`.wsf`, `.hta`), or the whole text of a plain script.
public struct ScriptBlock: Sendable, Hashable {
    /// The block's language (``ScriptLanguage/vbscript``, ``ScriptLanguage/jscript``, or `unknown` for a language
    /// we do not analyse, such as PerlScript).
    public var language: ScriptLanguage
    /// The `language`/`type` attribute as written (`"JScript.Encode"`), when there is one.
    public var label: String?
    /// The offset of the block's content in the input bytes.
    ///
    /// For ASCII-compatible charsets this is a byte offset into the analysed bytes; for UTF-16 input it is an
    /// offset into the text transcoded to UTF-8 (the anomaly list says so).
    public var offset: Int
    /// The length of the block's content, in the same unit as ``offset``.
    public var length: Int
    /// Whether the block was Script-Encoded (`#@~^...^#~@`, `VBScript.Encode`/`JScript.Encode`).
    public var encoded: Bool
    /// The `src` attribute of a `<script>` element: code loaded from elsewhere (a URL is also an IOC).
    public var source: String?

    public init(
        language: ScriptLanguage,
        label: String? = nil,
        offset: Int,
        length: Int,
        encoded: Bool = false,
        source: String? = nil
    ) {
        self.language = language
        self.label = label
        self.offset = offset
        self.length = length
        self.encoded = encoded
        self.source = source
    }
}

/// What a script, or a script container, does and hides: olevba's vocabulary for every script language.
///
/// ``indicators`` and ``flags`` use the OfficeMacros types so that a report lists macro and script findings side
/// by side; ``flags`` follow mraptor: a standalone script runs when double-clicked, so ``MacroRiskFlags/autoExec``
/// is set, and ``MacroRiskFlags/write``/``MacroRiskFlags/execute`` come from the operations found (downloads and
/// file or registry writes; processes, COM objects and dynamically evaluated code).
public struct ScriptAnalysis: Sendable, Hashable {
    /// The language analysed (for containers, ``ScriptLanguage/wsf`` or ``ScriptLanguage/hta``).
    public var language: ScriptLanguage
    /// Findings in olevba's order: AutoExec, Suspicious, IOC, Hex String, Base64 String, VBA string, Decoded.
    public var indicators: [MacroIndicator]
    /// mraptor's flags, for a script: auto-exec (standalone), write, execute.
    public var flags: MacroRiskFlags
    /// Strings decoded from the code: Script Encoder, char codes, Base64, `-EncodedCommand`, carets, variables...
    public var decoded: [DecodedString]
    /// The script blocks (one for a plain script, each `<script>` of a container).
    public var blocks: [ScriptBlock]
    /// Whether any of the code was Script-Encoded (`.vbe`, `.jse`, `*.Encode` blocks).
    public var wasEncoded: Bool
    /// The code after Script Encoder decoding, for a plain script that was encoded (what wscript runs).
    public var decodedSource: String?
    /// Things that went wrong or look deliberately malformed: limits hit, checksum mismatches, unterminated blocks.
    public var anomalies: [String]

    public init(
        language: ScriptLanguage,
        indicators: [MacroIndicator] = [],
        flags: MacroRiskFlags = MacroRiskFlags(),
        decoded: [DecodedString] = [],
        blocks: [ScriptBlock] = [],
        wasEncoded: Bool = false,
        decodedSource: String? = nil,
        anomalies: [String] = []
    ) {
        self.language = language
        self.indicators = indicators
        self.flags = flags
        self.decoded = decoded
        self.blocks = blocks
        self.wasEncoded = wasEncoded
        self.decodedSource = decodedSource
        self.anomalies = anomalies
    }

    /// mraptor's verdict on the flags.
    public var isMalicious: Bool { flags.isMalicious }
}

/// Named bounds on what one script may cost to analyse.
public struct ScriptLimits: Sendable, Hashable {
    /// The most input bytes analysed; the rest of a longer script is ignored (an anomaly says so).
    public var maxSourceBytes = Limit("scripts.maxSourceBytes", 64 << 20)
    /// The most decoded strings kept.
    public var maxDecodedStrings = Limit("scripts.maxDecodedStrings", 4096)
    /// The most bytes one decoded string may have; longer results are cut.
    public var maxStringBytes = Limit("scripts.maxStringBytes", 4 << 20)
    /// The most bytes all decoded strings together may have.
    public var maxDecodedBytes = Limit("scripts.maxDecodedBytes", 32 << 20)
    /// How many times decoded text is decoded again (Base64 inside char codes inside `-EncodedCommand`...).
    public var maxDecodeRounds = Limit("scripts.maxDecodeRounds", 4)
    /// The deepest nesting of parentheses, calls and arrays the expression evaluators follow.
    public var maxNesting = Limit("scripts.maxNesting", 64)
    /// The most `<script>` blocks read from one container.
    public var maxBlocks = Limit("scripts.maxBlocks", 512)
    /// The most batch variables remembered from `set` commands.
    public var maxVariables = Limit("scripts.maxVariables", 4096)

    public init() {}

    /// The defaults: 64 MiB of source, 4096 decoded strings, 4 decode rounds.
    public static let `default` = ScriptLimits()
}
