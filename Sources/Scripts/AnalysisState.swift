import ByteCursor
import OfficeMacros

/// The findings of one analysis as they accumulate: indicators (each once), flags, decoded strings, and the
/// decoded texts still to be scanned.
struct AnalysisState {
    let limits: ScriptLimits
    let location: String
    var collector: DecodedCollector
    private(set) var indicators: [MacroIndicator] = []
    private var keys: Set<String> = []
    var write = false
    var execute = false
    /// mraptor's flags from MacroAnalyzer, over VBScript code.
    var mraptor = MacroRiskFlags()
    private(set) var anomalies: [String] = []
    var encoded = false
    private var summaries: Set<String> = []

    /// Decoded text waiting to be scanned in the next round.
    struct Pending {
        var text: [UInt8]
        var language: ScriptLanguage
        var obfuscation: String
        var line: Int?
        /// Whether to run the language decoders on it too (no for texts that are already decoder output, like a
        /// batch file's normalized lines).
        var decode: Bool
    }

    private var queue: [Pending] = []

    init(limits: ScriptLimits, location: String) {
        self.limits = limits
        self.location = location
        self.collector = DecodedCollector(limits: limits)
    }

    mutating func anomaly(_ message: String) {
        if anomalies.count < 256 && !anomalies.contains(message) { anomalies.append(message) }
    }

    /// Adds an indicator unless one of the same kind and keyword (case-insensitively for keywords) is there.
    mutating func add(_ indicator: MacroIndicator) {
        let keyword =
            indicator.kind == .suspicious || indicator.kind == .autoExec
            ? indicator.keyword.lowercased() : indicator.keyword
        guard keys.insert(indicator.kind.rawValue + "\u{0}" + keyword).inserted else { return }
        indicators.append(indicator)
    }

    static let kindOrder: [MacroIndicator.Kind: Int] = [
        .autoExec: 0, .suspicious: 1, .ioc: 2, .hexString: 3, .base64String: 4, .dridexString: 5, .vbaString: 6,
        .decoded: 7,
    ]

    /// A stable sort by kind, in olevba's order.
    static func ordered(_ list: [MacroIndicator]) -> [MacroIndicator] {
        list.enumerated().sorted { a, b in
            let ka = kindOrder[a.element.kind] ?? 9
            let kb = kindOrder[b.element.kind] ?? 9
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }

    mutating func apply(_ effect: KeywordEffect) {
        switch effect {
        case .none: break
        case .write: write = true
        case .execute: execute = true
        }
    }

    // MARK: - Keywords

    /// The script tables' keywords in `b`; `line` fixes the line of every finding (decoded text), else lines
    /// count from `lineBase`.
    mutating func scanKeywords(
        _ b: [UInt8], language: ScriptLanguage, suffix: String, line: Int? = nil, lineBase: Int = 1
    ) {
        let scanner = ScriptKeywordTables.scanner(for: language)
        let hits = scanner.firstHits(in: b)
        guard !hits.isEmpty else { return }
        let lines = line == nil ? LineIndex(b) : nil
        for hit in hits {
            let entry = scanner.entries[hit.entry]
            apply(entry.effect)
            add(
                MacroIndicator(
                    kind: .suspicious, keyword: Text.string(b[hit.start..<hit.end]),
                    description: entry.description + suffix, location: location,
                    line: line ?? lines.map { $0.line(at: hit.start) + lineBase - 1 }))
        }
    }

    // MARK: - Code

    /// Round 0: the code itself (keywords, MacroAnalyzer, the language's decoders); decoded text is queued.
    mutating func analyzeCode(_ code: [UInt8], language: ScriptLanguage, lineBase: Int) {
        scanKeywords(code, language: language, suffix: "", lineBase: lineBase)
        macroPass(code, language: language, suffix: "", line: nil, lineBase: lineBase)
        decode(code, language: language, line: nil, lineBase: lineBase)
    }

    /// The decoded strings of the queue, scanned and decoded again, round after round.
    mutating func runRounds() {
        var round = 1
        while !queue.isEmpty {
            guard round <= limits.maxDecodeRounds.maximum else {
                anomaly(
                    "limit \(limits.maxDecodeRounds.name) (\(limits.maxDecodeRounds.maximum)) reached: "
                        + "\(queue.count) decoded strings not scanned again")
                queue.removeAll()
                break
            }
            let items = queue
            queue.removeAll()
            for item in items {
                let suffix = " (obfuscation: \(item.obfuscation))"
                scanKeywords(item.text, language: item.language, suffix: suffix, line: item.line)
                macroPass(item.text, language: item.language, suffix: suffix, line: item.line, lineBase: 1)
                if item.decode { decode(item.text, language: item.language, line: item.line, lineBase: 1) }
            }
            round += 1
        }
    }

    mutating func enqueue(_ text: [UInt8], language: ScriptLanguage, obfuscation: String, line: Int?, decode: Bool) {
        guard !text.isEmpty else { return }
        queue.append(Pending(text: text, language: language, obfuscation: obfuscation, line: line, decode: decode))
    }

    /// MacroAnalyzer over `b`: everything for VBScript; for the other languages its IOC, hex, Base64 and
    /// `-EncodedCommand` findings (olevba's VBA keywords would misread them).
    mutating func macroPass(_ b: [UInt8], language: ScriptLanguage, suffix: String, line: Int?, lineBase: Int) {
        let options = MacroAnalyzer.Options(
            deobfuscate: true,
            maxDecodedStrings: Limit(limits.maxDecodedStrings.name, limits.maxDecodedStrings.maximum),
            maxSourceBytes: Limit(limits.maxSourceBytes.name, limits.maxSourceBytes.maximum))
        let result = MacroAnalyzer.analyze(
            source: String(decoding: b, as: UTF8.self), location: location, options: options)
        let isVBScript = language == .vbscript
        if isVBScript && suffix.isEmpty { mraptor = mraptor.union(result.flags) }
        func fixLine(_ l: Int?) -> Int? { line ?? l.map { $0 + lineBase - 1 } }
        for var indicator in result.indicators {
            switch indicator.kind {
            case .autoExec:
                guard isVBScript else { continue }
            case .suspicious:
                guard isVBScript || indicator.keyword == "Hex Strings" || indicator.keyword == "Base64 Strings" else {
                    continue
                }
            case .ioc, .hexString, .base64String, .decoded, .vbaString, .dridexString:
                break
            }
            indicator.line = fixLine(indicator.line)
            if !suffix.isEmpty && !indicator.description.contains("(obfuscation:")
                && indicator.kind != .hexString && indicator.kind != .base64String
            {
                indicator.description += suffix
            }
            add(indicator)
        }
        let kept: Set<String> = ["Hex", "Base64", "PowerShell -EncodedCommand"]
        for d in result.decoded where isVBScript || kept.contains(d.encoding) {
            guard let item = collector.add(d.encoding, encoded: d.encoded, decoded: d.decoded, line: fixLine(d.line))
            else { continue }
            let next: ScriptLanguage =
                d.encoding == "PowerShell -EncodedCommand" ? .powershell : Self.guess(item.decoded, fallback: language)
            enqueue(Array(item.decoded.utf8), language: next, obfuscation: d.encoding, line: item.line, decode: true)
        }
    }

    /// The language of decoded text, by content, else `fallback`.
    static func guess(_ text: String, fallback: ScriptLanguage) -> ScriptLanguage {
        let guessed = ScriptAnalyzer.score(Array(text.utf8.prefix(8192)))
        return guessed == .unknown ? fallback : guessed
    }

    // MARK: - Language decoders

    /// Runs the decoders of `language` over `b` and records what they find.
    mutating func decode(_ b: [UInt8], language: ScriptLanguage, line: Int?, lineBase: Int) {
        let room = max(0, limits.maxDecodedStrings.maximum - collector.items.count)
        guard room > 0 else {
            collector.hit(limits.maxDecodedStrings)
            return
        }
        var lines: LineIndex?
        func lineOf(_ offset: Int) -> Int? {
            if let line { return line }
            if lines == nil { lines = LineIndex(b) }
            return lines.map { $0.line(at: offset) + lineBase - 1 }
        }
        var decodings: [Decoding] = []
        var summary: String?
        switch language {
        case .jscript:
            decodings = JScriptDecoder.find(in: b, limits: limits, limit: room)
            summary = "JScript"
        case .powershell:
            var text = b
            if let normalized = PowerShellDecoder.normalized(b) {
                add(
                    MacroIndicator(
                        kind: .suspicious, keyword: "`",
                        description: "May use backtick escapes to obfuscate PowerShell commands",
                        location: location, line: lineOf(b.firstIndex(of: 0x60) ?? 0)))
                scanKeywords(
                    normalized, language: .powershell, suffix: " (obfuscation: PowerShell backticks)",
                    line: line, lineBase: lineBase)
                text = normalized
            }
            decodings = PowerShellDecoder.find(in: text, limits: limits, limit: room)
            summary = "PowerShell"
        case .batch:
            let result = BatchDecoder.decode(b, limits: limits, limit: room)
            for limit in result.limitsHit { anomaly(limit) }
            for f in result.findings {
                apply(f.effect)
                add(
                    MacroIndicator(
                        kind: .suspicious, keyword: f.keyword, description: f.description, location: location,
                        line: lineOf(f.offset)))
            }
            if let normalized = result.normalized {
                enqueue(normalized, language: .batch, obfuscation: "batch", line: line, decode: false)
            }
            for d in result.decodings {
                guard let item = collector.add(d.encoding, encoded: d.encoded, decoded: d.decoded, line: lineOf(d.offset))
                else { continue }
                record(item)
            }
            if !result.decodings.isEmpty { summarize("Batch") }
            return
        case .vbscript, .wsf, .hta, .unknown:
            break
        }
        if language == .jscript || language == .powershell || language == .unknown {
            decodings += Self.base64Literals(b, limit: max(0, room - decodings.count))
        }
        var any = false
        for d in decodings {
            guard let item = collector.add(d.encoding, encoded: d.encoded, decoded: d.decoded, line: lineOf(d.offset))
            else { continue }
            if d.encoding != "Base64" { any = true }
            record(item)
            let next = Self.guess(item.decoded, fallback: language == .unknown ? .unknown : language)
            enqueue(Array(item.decoded.utf8), language: next, obfuscation: d.encoding, line: item.line, decode: true)
            // The whole decoded text may be Base64 itself (pieces joined together).
            let trimmed = Array(item.decoded.utf8)
            if Base64Text.looksLikeBase64(trimmed, minimum: 24), let bytes = Base64Text.decode(trimmed),
                let text = Base64Text.text(bytes),
                let inner = collector.add("Base64", encoded: item.decoded, decoded: text, line: item.line)
            {
                record(inner)
                enqueue(Array(text.utf8), language: Self.guess(text, fallback: language), obfuscation: "Base64",
                    line: item.line, decode: true)
            }
        }
        if any, let summary { summarize(summary) }
    }

    /// A `Decoded` indicator for a decoded string.
    private mutating func record(_ item: DecodedString) {
        add(
            MacroIndicator(
                kind: .decoded, keyword: DecodedCollector.prefix(item.decoded, bytes: 2048),
                description: item.encoding + " " + DecodedCollector.prefix(item.encoded, bytes: 256),
                location: location, line: item.line))
    }

    private mutating func summarize(_ language: String) {
        guard summaries.insert(language).inserted else { return }
        add(
            MacroIndicator(
                kind: .suspicious, keyword: "\(language) obfuscated Strings",
                description:
                    "\(language) string expressions were detected, may be used to obfuscate strings (char codes, escapes, concatenation...)",
                location: location))
    }

    /// Quoted literals (`"`, `'`, `` ` ``) of at least 24 Base64 digits that decode to text.
    static func base64Literals(_ b: [UInt8], limit: Int) -> [Decoding] {
        var out: [Decoding] = []
        var i = 0
        let n = b.count
        while i < n && out.count < limit {
            let q = b[i]
            guard q == 0x22 || q == 0x27 || q == 0x60 else {
                i += 1
                continue
            }
            var j = i + 1
            while j < n && b[j] != q && b[j] != 0x0A && (Text.isBase64(b[j]) || b[j] == UInt8(ascii: "=")) { j += 1 }
            if j < n && b[j] == q && j - i - 1 >= 24 {
                let content = b[(i + 1)..<j]
                if Base64Text.looksLikeBase64(content, minimum: 24), let bytes = Base64Text.decode(content),
                    let text = Base64Text.text(bytes)
                {
                    out.append(Decoding(encoding: "Base64", encoded: Text.string(content), decoded: text, offset: i + 1))
                }
                i = j + 1
                continue
            }
            i = j > i + 1 ? j : i + 1
        }
        return out
    }

    // MARK: - Script Encoder and markup

    /// Decodes every Script Encoder block of `code`, with indicators and anomalies.
    mutating func decodeScriptEncoder(_ code: [UInt8]) -> [UInt8] {
        let result = ScriptEncoder.decodeAll(code[...])
        encoded = true
        for p in result.problems { anomaly("Script Encoder: \(p.reason)" + (p.offset.map { " at offset \($0)" } ?? "")) }
        add(
            MacroIndicator(
                kind: .suspicious, keyword: "#@~^",
                description: "Encoded with the Microsoft Script Encoder (screnc), which hides the code from a reader",
                location: location))
        return result.output
    }

    /// A `<script src=...>`: code from another file or a URL.
    mutating func scriptSource(_ source: String, line: Int) {
        let lower = source.lowercased()
        let remote = lower.hasPrefix("http:") || lower.hasPrefix("https:") || lower.hasPrefix("ftp:")
            || lower.hasPrefix("\\\\") || lower.hasPrefix("//") || lower.hasPrefix("file:")
        if remote { execute = true }
        add(
            MacroIndicator(
                kind: .suspicious, keyword: "src=" + source,
                description: remote ? "May load and run script code from a remote location" : "May load script code from another file",
                location: location, line: line))
        macroPass(Array(source.utf8), language: .unknown, suffix: "", line: line, lineBase: 1)
    }

    /// An `<object progid=...>` or `<reference object=...>`: a COM object the container creates.
    mutating func comObject(_ progID: String, element: String, line: Int) {
        if element == "object" { execute = true }
        add(
            MacroIndicator(
                kind: .suspicious, keyword: "<\(element) \(progID)>",
                description: element == "object" ? "May create an OLE object" : "May use an OLE type library",
                location: location, line: line))
        scanKeywords(Array(progID.utf8), language: .jscript, suffix: " (\(element) element)", line: line)
    }

    /// `<HTA:APPLICATION ...>`: the HTA's window options.
    mutating func htaApplication(_ attributes: [String: String], line: Int, standalone: Bool) {
        if standalone {
            add(
                MacroIndicator(
                    kind: .autoExec, keyword: "HTA:APPLICATION",
                    description: "Runs when the file is opened (mshta runs the HTML Application with full rights)",
                    location: location, line: line))
        }
        let hidden =
            attributes["windowstate"]?.lowercased() == "minimize" || attributes["showintaskbar"]?.lowercased() == "no"
            || attributes["visible"]?.lowercased() == "no"
        if hidden {
            add(
                MacroIndicator(
                    kind: .suspicious, keyword: "HTA:APPLICATION window",
                    description: "May hide the application (minimized window or no taskbar button)",
                    location: location, line: line))
        }
    }
}
