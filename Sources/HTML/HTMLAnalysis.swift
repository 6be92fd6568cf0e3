import ByteCursor
import Charsets
import Scripts

/// What an HTML attachment hides and does: smuggled payloads, phishing forms, redirects, and its scripts.
///
/// ```
///   bytes ──▶ charset (BOM, <meta>) ──▶ tag tokenizer ──┬─▶ forms, meta refresh, data: URLs, frames ─┐
///                                                       └─▶ scripts ──▶ ScriptAnalyzer (olevba terms) ├─▶ analysis
///                                                                  └─▶ ScriptFlow (strings, decoders, sinks)┘
/// ```
///
/// HTML smuggling (an encoded file in the page, decoded by script and handed to the browser as a download) is found
/// by following constant strings through the decoders (`atob`, char codes, percent escapes) to the download sinks
/// (`Blob` + `URL.createObjectURL` + `download`/`click()`, `navigator.msSaveOrOpenBlob`, `data:` URLs). The decoded
/// files are ``payloads``, for the engine to inspect as attachments of their own.
public struct HTMLAnalysis: Sendable {
    /// The findings, in the order they were made (markup first, then scripts, then payloads).
    public var indicators: [HTMLIndicator]
    /// The decoded payloads: smuggled downloads and encoded binaries.
    public var payloads: [HTMLPayload]
    /// IOCs: redirect targets, form actions, script and frame sources, URLs in scripts (absolute, deduplicated).
    public var urls: [String]
    /// The forms.
    public var forms: [HTMLForm]
    /// Each inline script (VBScript and JScript `<script>` elements) as ``Scripts/ScriptAnalyzer`` reads it, with
    /// `standalone: false` (a page's script runs in the browser, not by double-click).
    public var scripts: [ScriptAnalysis]
    /// What was malformed or cut short, and the limits that were reached.
    public var anomalies: [HTMLAnomaly]
    /// The charset the page was read in (`"utf-8"`, `"shift_jis"`...).
    public var charset: String

    public init(
        indicators: [HTMLIndicator] = [], payloads: [HTMLPayload] = [], urls: [String] = [], forms: [HTMLForm] = [],
        scripts: [ScriptAnalysis] = [], anomalies: [HTMLAnomaly] = [], charset: String = "utf-8"
    ) {
        self.indicators = indicators
        self.payloads = payloads
        self.urls = urls
        self.forms = forms
        self.scripts = scripts
        self.anomalies = anomalies
        self.charset = charset
    }

    /// Whether an indicator of `kind` was found.
    public func has(_ kind: HTMLIndicator.Kind) -> Bool { indicators.contains { $0.kind == kind } }

    /// Analyzes a web page. Never fails: what cannot be read becomes an anomaly. Offsets are relative to
    /// `bytes.startIndex`.
    public static func analyze(_ bytes: ArraySlice<UInt8>, limits: HTMLLimits = .default) -> HTMLAnalysis {
        var document = DocumentAnalyzer(limits: limits, depth: 0, budget: max(0, limits.maxTotalDecodedBytes.maximum))
        var input = Array(bytes.prefix(max(0, limits.maxInputBytes.maximum)))
        if bytes.count > input.count {
            document.log.limitReached(
                limits.maxInputBytes, offset: input.count, "\(bytes.count - input.count) bytes not analysed")
        }
        document.run(&input)
        return document.result()
    }

    /// Whether `bytes` look like a web page: after a byte order mark and whitespace, markup with an HTML element
    /// (`<!DOCTYPE html`, `<html`, `<head`, `<body`, `<script`, `<meta`...) in the first 4 KiB, or `<html`/`<script`
    /// in the first 1 KiB after other text.
    public static func looksLikeHTML(_ bytes: ArraySlice<UInt8>) -> Bool {
        var head = Array(bytes.prefix(4096))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            head.removeFirst(3)
        } else if head.starts(with: [0xFF, 0xFE]) || head.count >= 2 && head[1] == 0 && head[0] != 0 {
            head = Array(Charsets.decode(head[...], as: .utf16LE).text.utf8)
        } else if head.starts(with: [0xFE, 0xFF]) || head.count >= 2 && head[0] == 0 && head[1] != 0 {
            head = Array(Charsets.decode(head[...], as: .utf16BE).text.utf8)
        }
        var i = 0
        while i < head.count && (Decoding.isSpace(head[i]) || head[i] == 0) { i += 1 }
        guard i < head.count else { return false }
        let rest = head[i...]
        if head[i] == UInt8(ascii: "<") {
            let markers = [
                "<!doctype html", "<html", "<head", "<body", "<script", "<meta", "<iframe", "<frameset", "<title",
                "<form", "<svg", "<style", "<div", "<table", "<p>", "<a href", "<img", "<br", "<link", "<center",
                "<span", "<font", "<h1",
            ]
            return markers.contains { ASCII.containsLower(rest, $0) }
        }
        // Text before the markup: a marker must start a line of the first 1 KiB.
        let early = Array(rest.prefix(1024))
        var lineStart = 0
        for (k, b) in early.enumerated() where b == 0x0A {
            var s = k + 1
            while s < early.count && (early[s] == 0x20 || early[s] == 0x09 || early[s] == 0x0D) { s += 1 }
            lineStart = s
            let line = early[lineStart...].prefix(16)
            if ["<!doctype html", "<html", "<script", "<body"].contains(where: { m in
                line.count >= m.utf8.count && zip(line, m.utf8).allSatisfy { ASCII.lower($0) == $1 }
            }) {
                return true
            }
        }
        return false
    }
}

/// The lead bytes of two-byte characters whose trail byte may be ASCII (a backslash in a script string).
func leadBytePredicate(_ charset: Charset) -> ((UInt8) -> Bool)? {
    switch charset {
    case .shiftJIS: return { ($0 >= 0x81 && $0 <= 0x9F) || ($0 >= 0xE0 && $0 <= 0xFC) }
    case .gbk, .big5, .eucKR: return { $0 >= 0x81 && $0 <= 0xFE }
    default: return nil
    }
}

/// Reads one page (or one decoded page inside it) and collects what ``HTMLAnalysis`` reports.
struct DocumentAnalyzer {
    let limits: HTMLLimits
    let depth: Int
    var budget: Int
    var log: AnomalyLog
    var charset: Charset = .utf8
    var bytes: [UInt8] = []
    var lines = LineIndex([])

    var indicators: [HTMLIndicator] = []
    private var indicatorKeys: Set<String> = []
    var payloads: [HTMLPayload] = []
    var urls: [String] = []
    private var urlSet: Set<String> = []
    var forms: [HTMLForm] = []
    var scripts: [ScriptAnalysis] = []

    private var units: [ScriptUnit] = []
    private var scriptCount = 0
    private var markupNames: [(name: String, offset: Int)] = []
    private var dataIslands: [(range: Range<Int>, offset: Int)] = []
    private var markupPayloads: [Candidate] = []
    private var nested: [(bytes: [UInt8], offset: Int)] = []
    private var passwordOffset: Int?

    init(limits: HTMLLimits, depth: Int, budget: Int) {
        self.limits = limits
        self.depth = depth
        self.budget = budget
        self.log = AnomalyLog(limit: limits.maxAnomalies.maximum)
    }

    // MARK: - Results

    func result() -> HTMLAnalysis {
        HTMLAnalysis(
            indicators: indicators, payloads: payloads, urls: urls, forms: forms, scripts: scripts,
            anomalies: log.items, charset: charset.name)
    }

    private func line(_ offset: Int) -> Int { lines.line(at: offset) }

    mutating func indicator(_ kind: HTMLIndicator.Kind, _ detail: String, at offset: Int) {
        let key = "\(kind.rawValue)|\(offset)|\(detail)"
        guard !indicatorKeys.contains(key) else { return }
        guard indicators.count < limits.maxIndicators.maximum else {
            log.limitReached(limits.maxIndicators, offset: offset, "more indicators were dropped")
            return
        }
        indicatorKeys.insert(key)
        indicators.append(HTMLIndicator(kind: kind, detail: detail, offset: offset, line: line(offset)))
    }

    mutating func url(_ raw: String, at offset: Int?) {
        let u = ASCII.trimmed(raw)
        guard !u.isEmpty, URLText.isNetwork(u), !urlSet.contains(u) else { return }
        guard urls.count < limits.maxURLs.maximum else {
            log.limitReached(limits.maxURLs, offset: offset, "more URLs were dropped")
            return
        }
        urlSet.insert(u)
        urls.append(u)
    }

    // MARK: - Charset

    /// Picks the charset (BOM, then `<meta>` in the first 4 KiB, else UTF-8) and converts what is not
    /// ASCII-compatible to UTF-8.
    private mutating func prepare(_ input: inout [UInt8]) {
        if input.starts(with: [0xEF, 0xBB, 0xBF]) {
            input.replaceSubrange(0..<3, with: [0x20, 0x20, 0x20])  // keep offsets
            charset = .utf8
            return
        }
        var wide: Charset?
        if input.starts(with: [0xFF, 0xFE]) {
            wide = .utf16LE
        } else if input.starts(with: [0xFE, 0xFF]) {
            wide = .utf16BE
        } else if input.count >= 4 && input[1] == 0 && input[3] == 0 && input[0] != 0 {
            wide = .utf16LE
        } else if input.count >= 4 && input[0] == 0 && input[2] == 0 && input[1] != 0 {
            wide = .utf16BE
        }
        if let wide {
            transcode(&input, from: wide)
            return
        }
        if let declared = Self.declaredCharset(input) {
            switch declared {
            case .utf16, .utf16BE, .utf16LE: charset = .utf8  // the HTML standard: a <meta> cannot say UTF-16
            case .iso2022JP, .utf7: transcode(&input, from: declared)
            default: charset = declared
            }
        }
    }

    private mutating func transcode(_ input: inout [UInt8], from source: Charset) {
        let decoded = Charsets.decode(input[...], as: source)
        input = Array(decoded.text.utf8)
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.replaceSubrange(0..<3, with: [0x20, 0x20, 0x20]) }
        charset = .utf8
        log.record(.transcoded, "the page is \(source.name): offsets refer to the text converted to UTF-8")
        if decoded.invalidSequences > 0 {
            log.record(
                .invalidCharset, offset: decoded.firstInvalidOffset,
                "\(decoded.invalidSequences) byte sequences are not valid \(source.name)")
        }
    }

    /// The charset a `<meta charset>` or `<meta http-equiv="Content-Type">` in the first 4 KiB declares.
    static func declaredCharset(_ input: [UInt8]) -> Charset? {
        var tokenizer = MarkupTokenizer(input, end: min(input.count, 4096), maxAttributes: 32)
        var tags = 0
        while let event = tokenizer.next(), tags < 256 {
            guard case .tag(let tag) = event else { continue }
            tags += 1
            guard tag.name == "meta", !tag.isEnd else { continue }
            if let range = tag.attribute("charset")?.value {
                return Charsets.lookup(String(decoding: input[range], as: UTF8.self))
            }
            if let equiv = tag.attribute("http-equiv")?.value,
                String(decoding: input[equiv], as: UTF8.self).lowercased() == "content-type",
                let content = tag.attribute("content")?.value
            {
                let text = Array(input[content].map(ASCII.lower))
                let key = Array("charset=".utf8)
                if text.count >= key.count,
                    let k = (0...(text.count - key.count)).first(where: { text[$0..<$0 + key.count].elementsEqual(key) })
                {
                    let label = text[(k + key.count)...].prefix {
                        $0 != UInt8(ascii: ";") && $0 != 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'")
                    }
                    return Charsets.lookup(String(decoding: label, as: UTF8.self))
                }
            }
        }
        return nil
    }

    // MARK: - Text

    /// The text of an attribute value: decoded from the page's charset, character references resolved, at most
    /// `limit` bytes.
    private func text(_ range: Range<Int>, limit: Int = 1 << 16) -> String {
        let raw = bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + limit)]
        let utf8: [UInt8]
        if charset == .utf8 || !raw.contains(where: { $0 >= 0x80 }) {
            utf8 = Array(raw)
        } else {
            utf8 = Array(Charsets.decode(raw, as: charset).text.utf8)
        }
        return String(decoding: Entities.decode(utf8), as: UTF8.self)
    }

    private func attribute(_ tag: MarkupTag, _ name: String, limit: Int = 1 << 16) -> String? {
        guard let a = tag.attribute(name) else { return nil }
        guard let range = a.value else { return "" }
        return text(range, limit: limit)
    }

    // MARK: - Reading

    mutating func run(_ input: inout [UInt8]) {
        prepare(&input)
        bytes = input
        lines = LineIndex(bytes)
        tokenize()
        analyseScripts()
        var flow = ScriptFlow(
            limits: limits, charset: charset, isLeadByte: leadBytePredicate(charset), lines: lines, budget: budget)
        for unit in units { flow.run(unit) }
        flow.finish()
        budget = flow.budget
        collect(flow)
        finishPayloads(flow)
        credentials(flow)
        analyseNested()
    }

    private mutating func tokenize() {
        var tokenizer = MarkupTokenizer(bytes, maxAttributes: limits.maxAttributes.maximum)
        var elements = 0
        var openForm: Int?
        var scriptLabel: String?
        while let event = tokenizer.next() {
            switch event {
            case .tag(let tag):
                elements += 1
                if elements > limits.maxElements.maximum {
                    log.limitReached(limits.maxElements, offset: tag.offset, "the rest of the page was not read")
                    flush(&tokenizer)
                    return
                }
                if tag.isEnd {
                    if tag.name == "form" { openForm = nil }
                    continue
                }
                element(tag, openForm: &openForm, scriptLabel: &scriptLabel)
            case .rawText(let element, let range):
                if element == "script" {
                    script(range, label: scriptLabel)
                    scriptLabel = nil
                } else if element != "style" {
                    island(range)
                }
            case .text(let range):
                island(range)
            case .comment:
                break
            }
        }
        flush(&tokenizer)
    }

    private mutating func flush(_ tokenizer: inout MarkupTokenizer) {
        for (code, offset, detail) in tokenizer.anomalies { log.record(code, offset: offset, detail) }
        tokenizer.anomalies = []
        if tokenizer.attributeLimitHit {
            log.limitReached(limits.maxAttributes, "attributes of a tag were dropped")
            tokenizer.attributeLimitHit = false
        }
    }

    /// A long run of text that may hold a payload read by a script (`getElementById(...).textContent`).
    private mutating func island(_ range: Range<Int>) {
        guard range.count >= limits.minPayloadEncodedBytes else { return }
        dataIslands.append((range, range.lowerBound))
    }

    private mutating func element(_ tag: MarkupTag, openForm: inout Int?, scriptLabel: inout String?) {
        // Event handlers and javascript: URLs are script.
        for a in tag.attributes {
            guard let range = a.value, !range.isEmpty else { continue }
            if a.name.hasPrefix("on") && a.name.count > 2 {
                addUnit(Array(text(range, limit: 1 << 20).utf8), base: range.lowerBound)
            } else if ["href", "src", "action", "formaction", "data"].contains(a.name) {
                let value = text(range, limit: 1 << 20)
                let trimmed = ASCII.trimmed(value)
                if trimmed.lowercased().hasPrefix("javascript:") {
                    addUnit(Array(trimmed.utf8.dropFirst(11)), base: range.lowerBound)
                }
            }
        }
        switch tag.name {
        case "meta":
            metaRefresh(tag)
        case "form":
            guard forms.count < limits.maxForms.maximum else {
                log.limitReached(limits.maxForms, offset: tag.offset, "more forms were not read")
                openForm = nil
                return
            }
            let action = attribute(tag, "action", limit: 4096).map(ASCII.trimmed)
            let method = (attribute(tag, "method", limit: 32) ?? "get").lowercased()
            forms.append(
                HTMLForm(
                    action: action, method: method.isEmpty ? "get" : ASCII.trimmed(method), offset: tag.offset,
                    line: line(tag.offset)))
            openForm = forms.count - 1
        case "input", "button", "select", "textarea":
            let type = (attribute(tag, "type", limit: 32) ?? "").lowercased()
            let formAction = attribute(tag, "formaction", limit: 4096)
            if let form = openForm {
                if let name = attribute(tag, "name", limit: 256) ?? attribute(tag, "id", limit: 256),
                    forms[form].inputNames.count < 64, !name.isEmpty
                {
                    forms[form].inputNames.append(name)
                }
                if type == "password" { forms[form].hasPasswordField = true }
                if let formAction, URLText.isNetwork(formAction), forms[form].action.map(URLText.isNetwork) != true {
                    forms[form].action = formAction
                }
            }
            if type == "password" && passwordOffset == nil { passwordOffset = tag.offset }
        case "a", "area":
            let download = attribute(tag, "download", limit: 1024)
            if let href = tag.attribute("href")?.value, let data = dataURL(href) {
                markupDataURL(data, range: href, download: download, tag: tag)
            } else if let download, !ASCII.trimmed(download).isEmpty {
                markupNames.append((ASCII.trimmed(download), tag.offset))
            }
        case "iframe", "frame", "embed", "object":
            let source = tag.attribute("src")?.value ?? tag.attribute("data")?.value
            if let source {
                if let data = dataURL(source) {
                    markupDataURL(data, range: source, download: nil, tag: tag)
                } else {
                    let s = text(source, limit: 4096)
                    if URLText.isNetwork(s) {
                        indicator(.externalFrame, "<\(tag.name)> loads \(ASCII.trimmed(s))", at: tag.offset)
                        url(s, at: tag.offset)
                    }
                }
            }
        case "script":
            if let src = attribute(tag, "src", limit: 4096) { url(src, at: tag.offset) }
            scriptLabel = attribute(tag, "language", limit: 64) ?? attribute(tag, "type", limit: 64)
        default:
            break
        }
    }

    // MARK: - Redirects

    private mutating func metaRefresh(_ tag: MarkupTag) {
        guard let equiv = attribute(tag, "http-equiv", limit: 64), ASCII.trimmed(equiv).lowercased() == "refresh",
            let content = attribute(tag, "content", limit: 1 << 20)
        else { return }
        // "5; url='https://...'" (also "," as separator, "url" optional).
        var rest = Substring(content)
        let delay = rest.prefix { $0.isNumber || $0 == "." || $0 == " " }
        rest = rest.dropFirst(delay.count)
        if rest.first == ";" || rest.first == "," { rest = rest.dropFirst() }
        rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        if rest.lowercased().hasPrefix("url") {
            let afterURL = rest.dropFirst(3).drop { $0 == " " }
            if afterURL.first == "=" { rest = afterURL.dropFirst().drop { $0 == " " } }
        }
        if let q = rest.first, q == "\"" || q == "'" {
            rest = rest.dropFirst()
            if let close = rest.firstIndex(of: q) { rest = rest[..<close] }
        }
        let target = ASCII.trimmed(String(rest))
        let seconds = ASCII.trimmed(String(delay))
        guard !target.isEmpty else { return }
        indicator(.metaRefresh, "refresh after \(seconds.isEmpty ? "0" : seconds) s to \(target.prefix(2048))", at: tag.offset)
        if let data = try? Decoding.parseDataURL(Array(target.utf8)) {
            let raw = Array(target.utf8)
            decodeMarkupData(data, raw[data.dataStart...], offset: tag.offset, download: nil, element: "meta")
        } else {
            url(target, at: tag.offset)
        }
    }

    // MARK: - data: URLs in markup

    private func dataURL(_ range: Range<Int>) -> Decoding.DataURL? {
        let head = Array(bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 16)])
        guard ASCII.containsLower(head, "data:") else { return nil }
        return try? Decoding.parseDataURL(Array(bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 2048)]))
    }

    private mutating func markupDataURL(_ data: Decoding.DataURL, range: Range<Int>, download: String?, tag: MarkupTag) {
        var body = Array(bytes[(range.lowerBound + data.dataStart)..<range.upperBound])
        if body.contains(UInt8(ascii: "&")) { body = Entities.decode(body) }
        decodeMarkupData(data, body[...], offset: range.lowerBound, download: download, element: tag.name)
    }

    private mutating func decodeMarkupData(
        _ data: Decoding.DataURL, _ body: ArraySlice<UInt8>, offset: Int, download: String?, element: String
    ) {
        let offered = download != nil || !Decoding.isDisplayable(data.mediaType)
        guard offered || data.mediaType == "text/html" else { return }
        var out = Decoding.Output(bytes: [], truncated: false)
        let limit = min(limits.maxPayloadBytes.maximum, budget)
        if data.base64 {
            do {
                out = try Decoding.base64(body, limit: limit)
            } catch {
                log.record(.invalidEncoding, offset: offset, "a data: URL that is not Base64: \(error.reason)")
                return
            }
        } else {
            out = Decoding.percent(body, limit: limit).output
        }
        budget -= out.bytes.count
        if out.truncated {
            log.limitReached(
                budget <= 0 ? limits.maxTotalDecodedBytes : limits.maxPayloadBytes, offset: offset,
                "a data: URL was cut")
        }
        if data.mediaType == "text/html" && download == nil {
            nested.append((out.bytes, offset))
            return
        }
        var c = Candidate(
            bytes: out.bytes, truncated: out.truncated, technique: "data-url", offset: offset,
            encodedBytes: body.count, mediaType: data.mediaType)
        c.downloaded = true
        c.dataURLNavigation = true
        markupPayloads.append(c)
        if let download { markupNames.append((ASCII.trimmed(download), offset)) }
        _ = element
    }

    // MARK: - Scripts

    private mutating func addUnit(_ code: [UInt8], base: Int) {
        guard !code.isEmpty else { return }
        scriptCount += 1
        guard scriptCount <= limits.maxScripts.maximum else {
            log.limitReached(limits.maxScripts, offset: base, "more scripts were not analysed")
            return
        }
        units.append(ScriptUnit(code: code[...], exact: false, base: base))
    }

    private var inlineScripts: [(range: Range<Int>, language: ScriptLanguage)] = []

    private mutating func script(_ range: Range<Int>, label: String?) {
        let (language, _) = ScriptAnalyzer.language(forScriptLabel: label)
        let isCode = language == .jscript || language == .vbscript
        guard isCode else {
            island(range)
            return
        }
        guard !range.isEmpty else { return }
        scriptCount += 1
        guard scriptCount <= limits.maxScripts.maximum else {
            log.limitReached(limits.maxScripts, offset: range.lowerBound, "more scripts were not analysed")
            return
        }
        inlineScripts.append((range, language))
        if language == .jscript {
            units.append(ScriptUnit(code: bytes[range], exact: true, base: range.lowerBound))
        }
        for u in URLText.find(in: Array(bytes[range]), limit: limits.maxURLs.maximum) {
            url(u, at: range.lowerBound)
        }
    }

    private mutating func analyseScripts() {
        for (n, (range, language)) in inlineScripts.enumerated() {
            var code = bytes[range]
            if charset != .utf8 && code.contains(where: { $0 >= 0x80 }) {
                code = Array(Charsets.decode(code, as: charset).text.utf8)[...]
            }
            scripts.append(
                ScriptAnalyzer.analyze(
                    code, language: language, location: "script \(n + 1) (line \(line(range.lowerBound)))",
                    limits: limits.scripts, standalone: false))
        }
    }

    private mutating func collect(_ flow: ScriptFlow) {
        for (code, offset, detail) in flow.anomalies { log.record(code, offset: offset, detail) }
        for (limit, offset, detail) in flow.limitsHit { log.limitReached(limit, offset: offset, detail) }
        for (kind, detail, offset) in flow.indicators { indicator(kind, detail, at: offset) }
        for u in flow.urls { url(u, at: nil) }
        nested.append(contentsOf: flow.nestedHTML)
    }

    // MARK: - Payloads

    private mutating func finishPayloads(_ flow: ScriptFlow) {
        let blobSink = flow.hasBlob && flow.hasObjectURL
        let msSave = flow.msSaveOffset != nil
        if blobSink {
            var how = "Blob + URL.createObjectURL"
            if !flow.downloadNames.isEmpty || !markupNames.isEmpty { how += " + download" }
            if flow.hasClick { how += " + click()" }
            indicator(.blobDownload, how, at: flow.objectURLOffset ?? flow.blobOffset ?? 0)
        }
        if let at = flow.msSaveOffset { indicator(.msSaveBlob, "navigator.msSaveOrOpenBlob/msSaveBlob", at: at) }
        let sink = blobSink || msSave

        var candidates = flow.candidates
        if sink && !candidates.contains(where: { !$0.executed && $0.bytes.count >= 16 }) {
            candidates += fallback(flow)
        }
        let explicit = candidates.contains { $0.downloaded && !$0.dataURLNavigation }
        let names = (flow.downloadNames + markupNames.filter { n in !markupPayloads.contains { $0.offset == n.offset } })
            .sorted { $0.offset < $1.offset }.map(\.name)

        var offeredIndex = 0
        for c in markupPayloads {
            let name = markupNames.first { $0.offset == c.offset }?.name
            addPayload(c, name: name, technique: "data-url", offered: true)
        }
        for c in candidates {
            if c.executed && !c.downloaded { continue }
            let magic = Decoding.describe(c.bytes)
            let offered = c.dataURLNavigation || sink && (explicit ? c.downloaded : c.bytes.count >= 16)
            if (c.technique == "atob" || c.technique == "base64" && flow.hasAtob)
                && c.encodedBytes >= limits.longStringBytes
            {
                indicator(.atobLongString, "atob over a \(c.encodedBytes)-character string", at: c.offset)
            }
            guard offered || magic != nil else { continue }
            var technique = c.technique
            if c.dataURLNavigation {
                technique = "data-url"
            } else if offered {
                technique = (msSave ? "ms-save-blob+" : "blob+") + c.technique
            }
            var name: String?
            if offered && !names.isEmpty {
                name = names[min(offeredIndex, names.count - 1)]
                offeredIndex += 1
            }
            if c.technique == "char-codes" {
                indicator(.charCodePayload, "\(c.encodedBytes) char codes decode to \(c.bytes.count) bytes", at: c.offset)
            }
            if c.technique == "hex" || c.technique == "percent" {
                indicator(.escapedPayload, "a \(c.technique)-encoded string decodes to \(c.bytes.count) bytes", at: c.offset)
            }
            addPayload(c, name: name, technique: technique, offered: offered)
        }
    }

    private mutating func addPayload(_ c: Candidate, name: String?, technique: String, offered: Bool) {
        guard payloads.count < limits.maxPayloads.maximum else {
            log.limitReached(limits.maxPayloads, offset: c.offset, "more payloads were dropped")
            return
        }
        if payloads.contains(where: { $0.offset == c.offset && $0.bytes == c.bytes }) { return }
        let what = Decoding.describe(c.bytes) ?? (c.mediaType ?? "data")
        let label = name.map { "\"\($0)\" " } ?? ""
        if offered {
            indicator(.smuggling, "\(label)(\(what), \(c.bytes.count) bytes) offered as a download by \(technique)", at: c.offset)
            if c.dataURLNavigation { indicator(.dataURLDownload, "a data: URL (\(c.mediaType ?? "?")) is downloaded", at: c.offset) }
        } else {
            indicator(.encodedBinary, "a \(c.technique)-encoded \(what) of \(c.bytes.count) bytes", at: c.offset)
        }
        if c.truncated {
            log.limitReached(limits.maxPayloadBytes, offset: c.offset, "a payload was cut")
        }
        payloads.append(
            HTMLPayload(
                name: name, bytes: c.bytes, technique: technique, offset: c.offset, line: line(c.offset),
                truncated: c.truncated, mediaType: c.mediaType))
    }

    /// Long strings that decode as Base64, hex or percent escapes, when a download sink was seen but the decoded
    /// value could not be followed to it (a decoder function of the page's own, a string read from the DOM).
    private mutating func fallback(_ flow: ScriptFlow) -> [Candidate] {
        var texts = flow.longStrings
        for island in dataIslands {
            var t = Array(bytes[island.range])
            let cap = min(Int.max / 2, max(0, limits.maxPayloadBytes.maximum)) * 2
            if t.count > cap { t = Array(t.prefix(cap)) }
            texts.append((t, island.offset))
        }
        var out: [Candidate] = []
        let minimum = limits.minPayloadEncodedBytes
        for (text, offset) in texts {
            let trimmed = text.drop { Decoding.isSpace($0) }.reversed().drop { Decoding.isSpace($0) }.reversed()
            let t = Array(trimmed)
            let limit = min(limits.maxPayloadBytes.maximum, budget)
            var decoded: Decoding.Output?
            var technique = ""
            if Decoding.looksLikeHex(t, minimum: minimum) {
                decoded = try? Decoding.hex(t, limit: limit)
                technique = "hex"
            } else if Decoding.looksLikeBase64(t, minimum: minimum) {
                decoded = try? Decoding.base64(t, limit: limit)
                technique = "base64"
            } else if Decoding.looksLikePercent(t, minimum: minimum / 3) {
                decoded = Decoding.percent(t, limit: limit).output
                technique = "percent"
            }
            guard let decoded, !decoded.bytes.isEmpty else { continue }
            budget -= decoded.bytes.count
            out.append(
                Candidate(
                    bytes: decoded.bytes, truncated: decoded.truncated, technique: technique, offset: offset,
                    encodedBytes: t.count))
            if budget <= 0 {
                log.limitReached(limits.maxTotalDecodedBytes, offset: offset, "decoding stopped")
                break
            }
        }
        return out
    }

    // MARK: - Forms

    private mutating func credentials(_ flow: ScriptFlow) {
        for form in forms {
            guard let action = form.action, URLText.isNetwork(action) else { continue }
            if form.hasPasswordField {
                indicator(.credentialForm, "a password form posts to \(action)", at: form.offset)
            } else {
                indicator(.externalFormAction, "a form posts to \(action)", at: form.offset)
            }
            url(action, at: form.offset)
        }
        if let password = passwordOffset {
            for (u, offset) in flow.postURLs {
                indicator(.scriptPost, "a script sends data to \(u)", at: offset)
                if !forms.contains(where: { $0.hasPasswordField && $0.postsToAbsoluteURL }) {
                    indicator(.credentialForm, "a password field is sent by script to \(u)", at: password)
                }
            }
        }
    }

    // MARK: - Decoded pages

    private mutating func analyseNested() {
        for (inner, offset) in nested {
            guard depth + 1 < min(limits.maxNestingDepth.maximum, 16) else {
                log.limitReached(limits.maxNestingDepth, offset: offset, "decoded HTML was not analysed again")
                continue
            }
            var child = DocumentAnalyzer(limits: limits, depth: depth + 1, budget: budget)
            var input = inner
            child.run(&input)
            budget = child.budget
            for i in child.indicators {
                indicator(i.kind, "(decoded) " + i.detail, at: offset)
            }
            for p in child.payloads {
                guard payloads.count < limits.maxPayloads.maximum else {
                    log.limitReached(limits.maxPayloads, offset: offset, "more payloads were dropped")
                    break
                }
                var q = p
                q.offset = offset
                q.line = line(offset)
                payloads.append(q)
            }
            for u in child.urls { url(u, at: offset) }
            for f in child.forms where forms.count < limits.maxForms.maximum {
                var g = f
                g.offset = offset
                g.line = line(offset)
                forms.append(g)
            }
            scripts.append(contentsOf: child.scripts)
            for a in child.log.items {
                log.record(a.code, offset: offset, "(decoded) " + a.detail)
            }
        }
    }
}
