extension ScriptAnalyzer {
    /// The script language of `bytes`: by the file name's extension when it has a script extension (that is what
    /// Windows runs it as), else by content: a Script Encoder marker, WSF and HTA markup, then the language whose
    /// typical constructs are most frequent in the first 64 KiB.
    public static func detectLanguage(_ bytes: ArraySlice<UInt8>, fileName: String?) -> ScriptLanguage {
        if let fileName, let language = language(forFileName: fileName) { return language }
        return sniff(bytes)
    }

    /// The language Windows associates with a file name's extension, or `nil`.
    public static func language(forFileName fileName: String) -> ScriptLanguage? {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "vbs", "vbe", "vb": return .vbscript
        case "js", "jse", "jscript": return .jscript
        case "wsf", "wsc": return .wsf
        case "hta": return .hta
        case "ps1", "psm1", "psd1": return .powershell
        case "bat", "cmd": return .batch
        default: return nil
        }
    }

    /// Content-based detection.
    static func sniff(_ bytes: ArraySlice<UInt8>) -> ScriptLanguage {
        let head = SourceText(bytes.prefix(64 << 10)).utf8
        guard !head.isEmpty else { return .unknown }
        if Text.containsLower(head, "<hta:application") { return .hta }
        if Text.containsLower(head, "<job") || Text.containsLower(head, "<package") {
            if Text.containsLower(head, "<script") { return .wsf }
        }
        if ScriptEncoder.containsMarker(head[...]) {
            let decoded = ScriptEncoder.decodeAll(head[...]).output
            let inner = score(decoded)
            return inner == .unknown ? .vbscript : inner
        }
        if Text.containsLower(head, "<script") && Text.containsLower(head, "<html") {
            let language = score(head)
            return language == .vbscript ? .hta : .unknown
        }
        return score(head)
    }

    /// The language with the most typical constructs in `b`, or `unknown` when none has at least two.
    static func score(_ b: [UInt8]) -> ScriptLanguage {
        var scores: [ScriptLanguage: Int] = [.vbscript: 0, .jscript: 0, .powershell: 0, .batch: 0]
        let hits = Self.sniffScanner.firstHits(in: b)
        for hit in hits {
            let entry = Self.sniffScanner.entries[hit.entry]
            for language in [ScriptLanguage.vbscript, .jscript, .powershell, .batch]
            where entry.languages.contains(LanguageSet(language)) {
                scores[language, default: 0] += entry.effect == .execute ? 3 : 1
            }
        }
        // Lines starting with "@echo off", "rem", "::" or "set " are batch; "$name =" is PowerShell.
        if Text.containsLower(b, "@echo off") { scores[.batch, default: 0] += 5 }
        let best = scores.max { a, c in a.value != c.value ? a.value < c.value : a.key.rawValue > c.key.rawValue }
        guard let best, best.value >= 2 else { return .unknown }
        return best.key
    }

    /// Constructs typical of each language (weight 3 where the effect is `.execute`, else 1).
    static let sniffScanner = KeywordScanner(entries: [
        KeywordEntry("", .execute, .vbscript, ScriptKeywordTables.w("End Sub", "End Function", "End If", "Dim", "CreateObject", "WScript.CreateObject") + [KeywordPattern(text: "Set", command: false)]),
        KeywordEntry("", .none, .vbscript, ScriptKeywordTables.w("Then", "Wend", "Next", "ByVal", "On Error Resume Next", "vbCrLf", "Chr", "MsgBox", "Const")),
        KeywordEntry("", .execute, .jscript, ScriptKeywordTables.w("var", "function", "new ActiveXObject", "WScript.CreateObject", "let", "const") + ScriptKeywordTables.call("eval")),
        KeywordEntry("", .none, .jscript, ScriptKeywordTables.w("return", "String.fromCharCode", "this", "null", "typeof", "===", "try {", "catch")),
        KeywordEntry("", .execute, .powershell, ScriptKeywordTables.w("Invoke-Expression", "IEX", "New-Object", "Write-Host", "Get-ChildItem", "param", "$env:", "Start-Process", "[Convert]::", "-ExecutionPolicy")),
        KeywordEntry("", .none, .powershell, ScriptKeywordTables.w("$true", "$false", "$null", "-eq", "-ne", "foreach", "Get-Item", "Set-Location", "| Out-Null", "[string]", "[char]")),
        KeywordEntry("", .execute, .batch, ScriptKeywordTables.command("@echo", "echo off", "goto", "setlocal", "rem", "::", "exit /b") + ScriptKeywordTables.w("%~dp0", "%errorlevel%")),
        KeywordEntry("", .none, .batch, ScriptKeywordTables.command("set", "if exist", "if not", "call", "pause", "cd /d", "copy", "del", "mkdir", "echo")),
    ])
}
