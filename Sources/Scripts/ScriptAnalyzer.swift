import ByteCursor
import Charsets
import OfficeMacros

/// Analyzes VBScript, JScript, PowerShell, batch files, Windows Script Files and HTML Applications with the
/// vocabulary olevba uses for macros.
///
/// - VBScript goes to ``OfficeMacros/MacroAnalyzer`` as it is (VBA's sibling): olevba's keywords, IOCs, hex and
///   Base64 strings, `Chr`/`StrReverse`/`Replace` expressions, PowerShell `-EncodedCommand`, mraptor's flags.
/// - JScript, PowerShell and batch are scanned with their own tables (``ScriptKeywordTables``) in olevba's style,
///   and MacroAnalyzer supplies the IOC, hex, Base64 and `-EncodedCommand` scanners.
/// - Each language's obfuscation is undone: `String.fromCharCode`, escapes, `unescape`, `atob`, joined arrays
///   (JScript); `[char]` codes, `-join`, `-split`, `-replace`, `-f`, `FromBase64String` (PowerShell); carets and
///   variable expansion (batch); the Script Encoder (`.vbe`, `.jse`, `*.Encode` blocks).
/// - What is decoded is scanned again, its findings marked `(obfuscation: ...)`, up to
///   ``ScriptLimits/maxDecodeRounds`` times (Base64 inside char codes inside an `-EncodedCommand`).
///
/// Analysis never fails: problems become ``ScriptAnalysis/anomalies``.
public enum ScriptAnalyzer {
    /// Analyzes a standalone script or script container (a file someone double-clicks):
    /// ``OfficeMacros/MacroRiskFlags/autoExec`` is set.
    ///
    /// `language` ``ScriptLanguage/unknown`` detects the language from the content. `location` (the file name)
    /// is copied into each indicator.
    public static func analyze(
        _ bytes: ArraySlice<UInt8>, language: ScriptLanguage, location: String, limits: ScriptLimits = .default
    ) -> ScriptAnalysis {
        analyze(bytes, language: language, location: location, limits: limits, standalone: true)
    }

    /// Analyzes script code; `standalone` says whether it runs by itself when opened (a `.vbs` file: yes; a
    /// `<script>` in a web page, which runs in the browser's sandbox: no).
    public static func analyze(
        _ bytes: ArraySlice<UInt8>, language: ScriptLanguage, location: String, limits: ScriptLimits = .default,
        standalone: Bool
    ) -> ScriptAnalysis {
        var input = bytes
        var state = AnalysisState(limits: limits, location: location)
        if input.count > limits.maxSourceBytes.maximum {
            state.anomaly(
                "limit \(limits.maxSourceBytes.name) (\(limits.maxSourceBytes.maximum)) reached: "
                    + "\(input.count - limits.maxSourceBytes.maximum) bytes not analysed")
            input = input.prefix(max(0, limits.maxSourceBytes.maximum))
        }
        let effective = language == .unknown ? sniff(input) : language
        var analysis = ScriptAnalysis(language: effective)
        switch effective {
        case .wsf, .hta:
            analyzeContainer(input, language: effective, standalone: standalone, state: &state, into: &analysis)
        case .vbscript, .jscript, .powershell, .batch, .unknown:
            let text = SourceText(input)
            if text.invalidSequences > 0 {
                state.anomaly("\(text.invalidSequences) byte sequences are not valid \(text.charset.name)")
            }
            var code = text.utf8
            if effective == .vbscript || effective == .jscript || effective == .unknown,
                ScriptEncoder.containsMarker(code[...])
            {
                code = state.decodeScriptEncoder(code)
                analysis.wasEncoded = true
                analysis.decodedSource = String(decoding: code, as: UTF8.self)
            }
            state.analyzeCode(code, language: effective, lineBase: 1)
            analysis.blocks = [
                ScriptBlock(language: effective, offset: 0, length: input.count, encoded: analysis.wasEncoded)
            ]
        }
        state.runRounds()
        if standalone {
            state.add(
                MacroIndicator(
                    kind: .autoExec, keyword: Self.runner(effective),
                    description: "Runs when the file is opened (a script runs when double-clicked)",
                    location: location))
        }
        analysis.indicators = AnalysisState.ordered(state.indicators)
        analysis.flags = MacroRiskFlags(
            autoExec: standalone, write: state.write || state.mraptor.write,
            execute: state.execute || state.mraptor.execute)
        analysis.decoded = state.collector.items
        analysis.anomalies = state.anomalies + state.collector.limitsHit
        if state.encoded { analysis.wasEncoded = true }
        return analysis
    }

    /// What runs a file of this language when it is opened.
    static func runner(_ language: ScriptLanguage) -> String {
        switch language {
        case .vbscript: "VBScript (wscript)"
        case .jscript: "JScript (wscript)"
        case .powershell: "PowerShell script"
        case .batch: "Batch file (cmd)"
        case .wsf: "Windows Script File (wscript)"
        case .hta: "HTML Application (mshta)"
        case .unknown: "Script"
        }
    }

    /// The language a `<script language=...>` or `type=...` label names, and whether it is Script-Encoded;
    /// `nil` (no attribute) is JScript, the default of WSH and browsers.
    public static func language(forScriptLabel label: String?) -> (language: ScriptLanguage, encoded: Bool) {
        guard let label else { return (.jscript, false) }
        var l = label.lowercased()
        while l.first == " " { l.removeFirst() }
        while l.last == " " { l.removeLast() }
        if l.isEmpty { return (.jscript, false) }
        if l.hasSuffix(".encode") {
            return (l.contains("vb") ? .vbscript : .jscript, true)
        }
        if l.contains("vbscript") || l == "vbs" || l == "text/vbs" { return (.vbscript, false) }
        switch l {
        case "jscript", "javascript", "ecmascript", "js", "text/javascript", "application/javascript",
            "text/jscript", "text/ecmascript", "application/x-javascript", "application/ecmascript", "module",
            "text/babel", "javascript1.1", "javascript1.2", "javascript1.3", "javascript1.5", "livescript":
            return (.jscript, false)
        default:
            return l.hasPrefix("javascript") || l.hasPrefix("jscript") ? (.jscript, false) : (.unknown, false)
        }
    }

    // MARK: - Containers

    static func analyzeContainer(
        _ input: ArraySlice<UInt8>, language: ScriptLanguage, standalone: Bool, state: inout AnalysisState,
        into analysis: inout ScriptAnalysis
    ) {
        let text = SourceText(input)
        let scan: [UInt8]
        let charset: Charset?
        switch text.charset {
        case .utf16LE, .utf16BE, .utf16, .utf7:
            scan = text.utf8
            charset = nil
            state.anomaly("the file is \(text.charset.name): block offsets refer to the text converted to UTF-8")
        default:
            scan = Array(input)
            charset = text.charset
        }
        let markup = ScriptMarkup(scan, limit: state.limits.maxBlocks.maximum)
        for a in markup.anomalies { state.anomaly(a) }
        let lines = LineIndex(scan)
        for element in markup.elements {
            switch element.name {
            case "script":
                let (blockLanguage, labelEncoded) = Self.language(
                    forScriptLabel: element.attributes["language"] ?? element.attributes["type"])
                let source = element.attributes["src"]
                var content: [UInt8] = []
                if let range = element.content {
                    let raw = scan[range]
                    content = charset.map { Array(Charsets.decode(raw, as: $0).text.utf8) } ?? Array(raw)
                }
                var encoded = labelEncoded
                if ScriptEncoder.containsMarker(content[...]) {
                    content = state.decodeScriptEncoder(content)
                    encoded = true
                } else if labelEncoded && !content.isEmpty {
                    state.anomaly("a \(element.attributes["language"] ?? "") block has no #@~^ encoded data")
                }
                if language == .wsf && markup.hasXMLDeclaration && !element.cdata {
                    content = Array(Entities.decode(content[...]).utf8)
                }
                let offset = element.content?.lowerBound ?? element.offset
                analysis.blocks.append(
                    ScriptBlock(
                        language: blockLanguage,
                        label: element.attributes["language"] ?? element.attributes["type"],
                        offset: offset, length: element.content?.count ?? 0, encoded: encoded, source: source))
                if let source { state.scriptSource(source, line: lines.line(at: element.offset)) }
                if !content.isEmpty {
                    state.analyzeCode(content, language: blockLanguage, lineBase: lines.line(at: offset))
                }
            case "object", "reference":
                let progID = element.attributes["progid"] ?? element.attributes["object"] ?? element.attributes["classid"]
                if let progID {
                    state.comObject(progID, element: element.name, line: lines.line(at: element.offset))
                }
            case "resource":
                if let range = element.content {
                    let raw = scan[range]
                    let bytes = charset.map { Array(Charsets.decode(raw, as: $0).text.utf8) } ?? Array(raw)
                    state.enqueue(
                        bytes, language: .unknown, obfuscation: "WSF resource", line: lines.line(at: element.offset),
                        decode: true)
                }
            case "hta:application":
                state.htaApplication(element.attributes, line: lines.line(at: element.offset), standalone: standalone)
            default:
                break
            }
        }
        if language == .hta && !markup.elements.contains(where: { $0.name == "hta:application" }) && standalone {
            // mshta runs any HTML; the tag only sets window options.
            state.add(
                MacroIndicator(
                    kind: .autoExec, keyword: "mshta",
                    description: "Runs when the file is opened (mshta runs the HTML Application with full rights)",
                    location: state.location))
        }
    }
}
