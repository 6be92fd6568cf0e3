import ByteCursor

/// A string found encoded in macro code, and what it decodes to.
public struct DecodedString: Sendable, Hashable {
    /// How it was encoded: `"Chr"`, `"StrReverse"`, `"Replace"`, `"Base64"`, `"Hex"`, `"PowerShell -EncodedCommand"`.
    public var encoding: String
    /// The text as it appears in the code (the expression, the Base64 or hex digits).
    public var encoded: String
    /// The decoded text.
    public var decoded: String
    /// The 1-based line in the module source, when known.
    public var line: Int?

    public init(encoding: String, encoded: String, decoded: String, line: Int? = nil) {
        self.encoding = encoding
        self.encoded = encoded
        self.decoded = decoded
        self.line = line
    }
}

/// The result of analyzing macro code.
public struct MacroAnalysis: Sendable, Hashable {
    /// Findings in olevba's order: AutoExec, Suspicious, IOC, Hex String, Base64 String, VBA string, Decoded.
    public var indicators: [MacroIndicator]
    /// mraptor's flags (and verdict, ``MacroRiskFlags/isMalicious``).
    public var flags: MacroRiskFlags
    /// Strings decoded from the code (Chr concatenations, StrReverse, Base64, hex, PowerShell).
    public var decoded: [DecodedString]

    public init(
        indicators: [MacroIndicator] = [],
        flags: MacroRiskFlags = MacroRiskFlags(),
        decoded: [DecodedString] = []
    ) {
        self.indicators = indicators
        self.flags = flags
        self.decoded = decoded
    }
}

/// Analyzes VBA (or any macro) source the way olevba and mraptor do, plus deobfuscation.
///
/// - Keywords: olevba 0.60.2's AUTOEXEC and SUSPICIOUS tables (``KeywordTables``), case-insensitive, whole words,
///   first occurrence reported with its line, each keyword once.
/// - IOCs: URLs, IPv4 addresses and executable file names (olevba's RE_PATTERNS).
/// - Encoded strings: hex and quoted Base64 strings (olevba's detectors), and with ``Options/deobfuscate``
///   `Chr`/`ChrW`/`ChrB` concatenations, `StrReverse`, `Replace` and PowerShell `-EncodedCommand`. Decoded text
///   is scanned again for keywords and IOCs, whose description then says `(obfuscation: ...)`, as olevba does.
/// - mraptor's AutoExec/Write/Execute flags.
///
/// The analysis works on UTF-8 bytes in a few linear passes, without regular expressions.
public enum MacroAnalyzer {
    /// What to decode and how much.
    public struct Options: Sendable, Hashable {
        /// Evaluate Chr/StrReverse/Replace expressions and PowerShell encoded commands (olevba's `--deobf`, plus
        /// PowerShell). Hex and Base64 strings are always decoded, as in olevba.
        public var deobfuscate: Bool
        /// The most decoded strings kept per analysis.
        public var maxDecodedStrings: Limit
        /// The most source bytes analyzed; the rest of a longer source is ignored.
        public var maxSourceBytes: Limit

        public init(
            deobfuscate: Bool = true,
            maxDecodedStrings: Limit = Limit("analysis.maxDecodedStrings", 4096),
            maxSourceBytes: Limit = Limit("analysis.maxSourceBytes", 64 << 20)
        ) {
            self.deobfuscate = deobfuscate
            self.maxDecodedStrings = maxDecodedStrings
            self.maxSourceBytes = maxSourceBytes
        }

        public static let `default` = Options()
    }

    static let autoExecMatcher = KeywordMatcher(entries: KeywordTables.autoExec)
    static let suspiciousMatcher = KeywordMatcher(entries: KeywordTables.suspicious)

    /// Analyzes one module's source; `location` (the module name) is copied into each indicator.
    public static func analyze(source: String, location: String, options: Options = .default) -> MacroAnalysis {
        var utf8 = Array(source.utf8)
        if utf8.count > options.maxSourceBytes.maximum {
            utf8 = Array(utf8[..<options.maxSourceBytes.maximum])
        }
        return analyze(ScanText(utf8: utf8), location: location, options: options)
    }

    /// Analyzes a whole project as olevba does: all module sources joined by line breaks and scanned as one text,
    /// so each keyword is reported once, at its first occurrence; each indicator is then located in its module
    /// (``MacroIndicator/location``, ``MacroIndicator/line``). The project's structural indicators (VBA stomping)
    /// are added among the suspicious ones.
    public static func analyze(project: VBAProject, options: Options = .default) -> MacroAnalysis {
        var combined: [UInt8] = []
        var starts: [(line: Int, name: String)] = []
        var line = 1
        for module in project.modules {
            starts.append((line, module.name))
            let bytes = Array(module.source.utf8)
            combined += bytes
            combined.append(0x0A)
            line += lineBreaks(bytes) + 1
            if combined.count > options.maxSourceBytes.maximum { break }
        }
        if combined.count > options.maxSourceBytes.maximum {
            combined = Array(combined[..<options.maxSourceBytes.maximum])
        }
        var analysis = analyze(ScanText(utf8: combined), location: "", options: options)
        func locate(_ line: Int?) -> (String?, Int?) {
            guard let line, let index = starts.lastIndex(where: { $0.line <= line }) else {
                return (starts.count == 1 ? starts[0].name : nil, nil)
            }
            return (starts[index].name, line - starts[index].line + 1)
        }
        for i in analysis.indicators.indices {
            let (name, moduleLine) = locate(analysis.indicators[i].line)
            analysis.indicators[i].location = name
            analysis.indicators[i].line = moduleLine
        }
        for i in analysis.decoded.indices {
            analysis.decoded[i].line = locate(analysis.decoded[i].line).1
        }
        analysis.indicators = ordered(analysis.indicators + project.indicators)
        return analysis
    }

    /// The number of line breaks (CR LF, CR or LF) in `bytes`.
    static func lineBreaks(_ bytes: [UInt8]) -> Int {
        var count = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                count += 1
                if i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
            } else if bytes[i] == 0x0A {
                count += 1
            }
            i += 1
        }
        return count
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

    static func analyze(_ code: ScanText, location: String, options: Options) -> MacroAnalysis {
        let limit = max(0, options.maxDecodedStrings.maximum)
        var decoded: [DecodedString] = []

        // Hex strings (olevba: every run, duplicates once).
        var hexFound: [(encoded: String, decoded: String, line: Int?)] = []
        var hexSeen: Set<String> = []
        for (s, e) in PatternScanner.hexStrings(in: code.bytes) where hexFound.count < limit {
            let encoded = code.string(s, e)
            guard hexSeen.insert(encoded).inserted else { continue }
            hexFound.append((encoded, Decoders.utf8(Decoders.hex(code.bytes[s..<e])), code.line(at: s)))
        }
        let hasStrReverse = PatternScanner.containsLowercase(code.bytes, "strreverse")
        var hexText: [UInt8] = []
        var hexRevText: [UInt8] = []
        var revHexText: [UInt8] = []
        for h in hexFound {
            hexText.append(0x0A)
            hexText += h.decoded.utf8
            if hasStrReverse {
                hexRevText.append(0x0A)
                hexRevText += String(h.decoded.reversed()).utf8
                revHexText.append(0x0A)
                revHexText += Decoders.utf8(Decoders.hex(Array(h.encoded.utf8.reversed())[...])).utf8
            }
        }

        // Base64 strings.
        var b64Found: [(encoded: String, decoded: String, line: Int?)] = []
        var b64Seen: Set<String> = []
        for (s, e) in PatternScanner.quotedBase64(in: code.bytes) where b64Found.count < limit {
            let digits = code.bytes[s..<e]
            // Not just a hex string: at least one of G-Z, g-z.
            guard digits.contains(where: { ($0 | 0x20) >= 0x67 && ($0 | 0x20) <= 0x7A }) else { continue }
            let encoded = code.string(s, e)
            guard !b64Seen.contains(encoded), !KeywordTables.base64Whitelist.contains(encoded.lowercased()),
                let bytes = Decoders.base64(digits)
            else { continue }
            b64Seen.insert(encoded)
            b64Found.append((encoded, Decoders.utf8(bytes), code.line(at: s)))
        }
        var b64Text: [UInt8] = []
        for b in b64Found {
            b64Text.append(0x0A)
            b64Text += b.decoded.utf8
        }

        // VBA expressions and PowerShell.
        var vbaFound: [VBAExpressionEvaluator.Found] = []
        var psFound: [(Decoders.EncodedCommand, Int?)] = []
        if options.deobfuscate {
            var exprSeen: Set<String> = []
            for f in VBAExpressionEvaluator.find(in: code, limit: limit)
            where f.decoded != f.encoded && exprSeen.insert(f.encoded).inserted {
                vbaFound.append(f)
            }
            for c in Decoders.powerShellEncodedCommands(in: code.bytes, limit: limit) {
                psFound.append((c, code.line(at: c.offset)))
            }
            // PowerShell hidden in decoded strings.
            for (text, line) in vbaFound.map({ ($0.decoded, code.line(at: $0.offset)) })
                + b64Found.map({ ($0.decoded, $0.line) }) + hexFound.map({ ($0.decoded, $0.line) })
            where psFound.count < limit {
                for c in Decoders.powerShellEncodedCommands(in: Array(text.utf8), limit: limit) {
                    psFound.append((c, line))
                }
            }
        }
        var vbaText: [UInt8] = []
        for f in vbaFound {
            vbaText.append(0x0A)
            vbaText += f.decoded.utf8
        }
        var psText: [UInt8] = []
        for (c, _) in psFound {
            psText.append(0x0A)
            psText += c.decoded.utf8
        }

        // Keywords and IOCs over the code and each decoded text.
        var autoExec: [MacroIndicator] = []
        var suspicious: [MacroIndicator] = []
        var iocs: [MacroIndicator] = []
        var autoSeen: Set<String> = []
        var suspiciousSeen: Set<String> = []
        var iocSeen: Set<String> = []
        let passes: [(ScanText, String?)] = [
            (code, nil),
            (ScanText(utf8: hexText, hasLines: false), "Hex"),
            (ScanText(utf8: hexRevText, hasLines: false), "Hex+StrReverse"),
            (ScanText(utf8: revHexText, hasLines: false), "StrReverse+Hex"),
            (ScanText(utf8: b64Text, hasLines: false), "Base64"),
            (ScanText(utf8: vbaText, hasLines: false), "VBA expression"),
            (ScanText(utf8: psText, hasLines: false), "PowerShell -EncodedCommand"),
        ]
        for (text, obfuscation) in passes where !text.bytes.isEmpty {
            let suffix = obfuscation.map { " (obfuscation: \($0))" } ?? ""
            for (entry, hit) in keywordHits(autoExecMatcher, text) {
                let keyword = text.string(hit.start, hit.end)
                guard autoSeen.insert(keyword).inserted else { continue }
                autoExec.append(
                    MacroIndicator(
                        kind: .autoExec,
                        keyword: keyword,
                        description: KeywordTables.autoExec[entry].description + suffix,
                        location: location,
                        line: text.line(at: hit.start)
                    )
                )
            }
            for (entry, hit) in keywordHits(suspiciousMatcher, text) {
                let isBackspace = KeywordTables.suspicious[entry].patterns == [.substring("\u{8}")]
                if isBackspace && obfuscation != nil { continue }
                let keyword = text.string(hit.start, hit.end)
                guard suspiciousSeen.insert(keyword).inserted else { continue }
                suspicious.append(
                    MacroIndicator(
                        kind: .suspicious,
                        keyword: keyword,
                        description: KeywordTables.suspicious[entry].description + suffix,
                        location: location,
                        line: text.line(at: hit.start)
                    )
                )
            }
            for ioc in PatternScanner.iocs(in: text) where iocSeen.insert(ioc.value).inserted {
                iocs.append(
                    MacroIndicator(
                        kind: .ioc,
                        keyword: ioc.value,
                        description: ioc.type + suffix,
                        location: location,
                        line: text.line(at: ioc.offset)
                    )
                )
            }
        }
        func summary(_ keyword: String, _ description: String) {
            if suspiciousSeen.insert(keyword).inserted {
                suspicious.append(
                    MacroIndicator(kind: .suspicious, keyword: keyword, description: description, location: location)
                )
            }
        }
        if !hexFound.isEmpty { summary("Hex Strings", KeywordTables.hexStringsDescription) }
        if !b64Found.isEmpty { summary("Base64 Strings", KeywordTables.base64StringsDescription) }
        if !vbaFound.isEmpty { summary("VBA obfuscated Strings", KeywordTables.vbaStringsDescription) }

        var strings: [MacroIndicator] = []
        for h in hexFound {
            decoded.append(DecodedString(encoding: "Hex", encoded: h.encoded, decoded: h.decoded, line: h.line))
            if Decoders.isPrintable(h.decoded) {
                strings.append(
                    MacroIndicator(
                        kind: .hexString,
                        keyword: h.decoded,
                        description: h.encoded,
                        location: location,
                        line: h.line
                    )
                )
            }
        }
        for b in b64Found {
            decoded.append(DecodedString(encoding: "Base64", encoded: b.encoded, decoded: b.decoded, line: b.line))
            if Decoders.isPrintable(b.decoded) {
                strings.append(
                    MacroIndicator(
                        kind: .base64String,
                        keyword: b.decoded,
                        description: b.encoded,
                        location: location,
                        line: b.line
                    )
                )
            }
        }
        for f in vbaFound {
            let line = code.line(at: f.offset)
            decoded.append(DecodedString(encoding: f.encoding, encoded: f.encoded, decoded: f.decoded, line: line))
            if Decoders.isPrintable(f.decoded) {
                strings.append(
                    MacroIndicator(
                        kind: .vbaString,
                        keyword: f.decoded,
                        description: f.encoded,
                        location: location,
                        line: line
                    )
                )
            }
        }
        for (c, line) in psFound {
            decoded.append(
                DecodedString(
                    encoding: "PowerShell -EncodedCommand",
                    encoded: c.encoded,
                    decoded: c.decoded,
                    line: line
                )
            )
            strings.append(
                MacroIndicator(
                    kind: .decoded,
                    keyword: c.decoded,
                    description: "PowerShell -EncodedCommand " + c.encoded,
                    location: location,
                    line: line
                )
            )
        }
        if decoded.count > limit { decoded = Array(decoded[..<limit]) }

        // mraptor looks at the code only (and at what olevba would not decode, nothing).
        let flags = MacroRaptor.flags(code)
        return MacroAnalysis(indicators: autoExec + suspicious + iocs + strings, flags: flags, decoded: decoded)
    }

    /// The hits of a matcher in table order: (entry index, hit).
    static func keywordHits(_ matcher: KeywordMatcher, _ text: ScanText) -> [(Int, KeywordMatcher.Hit)] {
        let hits = matcher.firstHits(in: text)
        var out: [(Int, KeywordMatcher.Hit)] = []
        for (i, hit) in hits.enumerated() {
            if let hit { out.append((matcher.patterns[i].entry, hit)) }
        }
        return out
    }
}

extension PatternScanner {
    /// Whether `needle` (lowercase ASCII) occurs case-insensitively in `b`.
    static func containsLowercase(_ b: [UInt8], _ needle: StaticString) -> Bool {
        let n = needle.utf8CodeUnitCount
        guard b.count >= n else { return false }
        var i = 0
        while i + n <= b.count {
            if matchesLower(b, i, needle) { return true }
            i += 1
        }
        return false
    }
}
