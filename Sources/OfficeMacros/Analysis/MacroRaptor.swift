/// mraptor's three regular expressions (oletools `mraptor.py` 0.60.2), as token scans.
///
/// ```
///  AutoExec  \b(?:Auto(?:Exec|_?Open|_?Close|Exit|New)|Document(?:_?Open|_Close|_?BeforeClose|Change|_New)
///             |NewDocument|Workbook(?:_Open|_Activate|_Close|_BeforeClose)|\w+_(?:Painted|...|OnConnecting))
///             |Auto_Ope\b                         (no \b after the group: "AutoOpenX" counts)
///  Write     \b(?:FileCopy|CopyFile|Kill|CreateTextFile|VirtualAlloc|RtlMoveMemory|URLDownloadToFileA?
///             |AltStartupPath|WriteProcessMemory|ADODB\.Stream|WriteText|SaveToFile|SaveAs|SaveAsRTF
///             |FileSaveAs|MkDir|RmDir|SaveSetting|SetAttr)\b | \bOpen\b[^\n]+\b(?:Write|Append|Binary|Output|Random)\b
///  Execute   \b(?:Shell|CreateObject|GetObject|SendKeys|RUN|CALL|MacScript|FollowHyperlink|CreateThread
///             |ShellExecuteA?|ExecuteExcel4Macro|EXEC|REGISTER|SetTimer)\b | \bDeclare\b[^\n]+\bLib\b
/// ```
/// All case-insensitive, on the code with continuation lines collapsed.
enum MacroRaptor {
    static let autoExecPrefixes: [[UInt8]] = [
        "autoexec", "autoopen", "auto_open", "autoclose", "auto_close", "autoexit", "autonew",
        "documentopen", "document_open", "document_close", "documentbeforeclose", "document_beforeclose",
        "documentchange", "document_new", "newdocument",
        "workbook_open", "workbook_activate", "workbook_close", "workbook_beforeclose",
    ].map { Array($0.utf8) }

    static let eventSuffixes: [[UInt8]] = [
        "painted", "painting", "gotfocus", "lostfocus", "mousehover", "layout", "click", "change", "resize",
        "beforenavigate2", "beforescriptexecute", "documentcomplete", "downloadbegin", "downloadcomplete",
        "filedownload", "navigatecomplete2", "navigateerror", "progresschange", "propertychange",
        "setsecurelockicon", "statustextchange", "titlechange", "mousemove", "mouseenter", "mouseleave",
        "onconnecting",
    ].map { Array($0.utf8) }

    static let writeWords: Set<[UInt8]> = Set(
        [
            "filecopy", "copyfile", "kill", "createtextfile", "virtualalloc", "rtlmovememory", "urldownloadtofile",
            "urldownloadtofilea", "altstartuppath", "writeprocessmemory", "writetext", "savetofile", "saveas",
            "saveasrtf", "filesaveas", "mkdir", "rmdir", "savesetting", "setattr",
        ].map { Array($0.utf8) }
    )
    static let openModes: Set<[UInt8]> = Set(["write", "append", "binary", "output", "random"].map { Array($0.utf8) })
    static let executeWords: Set<[UInt8]> = Set(
        [
            "shell", "createobject", "getobject", "sendkeys", "run", "call", "macscript", "followhyperlink",
            "createthread", "shellexecute", "shellexecutea", "executeexcel4macro", "exec", "register", "settimer",
        ].map { Array($0.utf8) }
    )

    /// Lowercase words grouped by length, for comparison without hashing or allocation.
    static func byLength(_ words: Set<[UInt8]>) -> [[[UInt8]]] {
        var table = [[[UInt8]]](repeating: [], count: 32)
        for w in words where w.count < 32 { table[w.count].append(w) }
        return table
    }
    static let writeTable = byLength(writeWords)
    static let executeTable = byLength(executeWords)
    static let openModeTable = byLength(openModes)

    @inline(__always)
    static func tokenIsOne(of table: [[[UInt8]]], _ text: ScanText, _ start: Int, _ end: Int) -> Bool {
        let n = end - start
        guard n < table.count else { return false }
        for w in table[n] where text.matchesLowercase(w, at: start) { return true }
        return false
    }

    /// mraptor's flags for `text`.
    static func flags(_ text: ScanText) -> MacroRiskFlags {
        var flags = MacroRiskFlags()
        let b = text.bytes
        var openOnLine = false
        var declareOnLine = false
        var scanned = 0
        let writeTable = Self.writeTable
        let executeTable = Self.executeTable
        let openModeTable = Self.openModeTable
        let prefixes = Self.autoExecPrefixes
        let suffixes = Self.eventSuffixes
        text.forEachToken { start, end in
            // A new line resets the Open/Declare state (each byte is looked at once).
            var sawNewline = false
            while scanned < start {
                if b[scanned] == 0x0A { sawNewline = true }
                scanned += 1
            }
            scanned = end
            if sawNewline {
                openOnLine = false
                declareOnLine = false
            }
            let n = end - start
            if !flags.autoExec {
                let first = ScanText.lower(b[start])
                if n >= 7 && (first == 0x61 || first == 0x64 || first == 0x6E || first == 0x77),
                    prefixes.contains(where: { n >= $0.count && text.matchesLowercase($0, at: start) })
                {
                    flags.autoExec = true
                } else {
                    // \w+_(?:Suffix): an underscore after the first character, the suffix after it.
                    var k = start + 1
                    while k < end {
                        if b[k] == 0x5F {
                            let from = k + 1
                            if suffixes.contains(where: {
                                end - from >= $0.count && text.matchesLowercase($0, at: from)
                            }) {
                                flags.autoExec = true
                                break
                            }
                        }
                        k += 1
                    }
                }
            }
            if !flags.write {
                if tokenIsOne(of: writeTable, text, start, end) {
                    flags.write = true
                } else if n == 5 && text.matchesLowercase(adodb, at: start)
                    && PatternScanner.matchesLower(b, end, ".stream")
                    && !(end + 7 < b.count && text.isWord[end + 7])
                {
                    flags.write = true
                } else if openOnLine && tokenIsOne(of: openModeTable, text, start, end) {
                    flags.write = true
                }
                if n == 4 && text.matchesLowercase(open, at: start) { openOnLine = true }
            }
            if !flags.execute {
                if tokenIsOne(of: executeTable, text, start, end)
                    || (declareOnLine && n == 3 && text.matchesLowercase(lib, at: start))
                {
                    flags.execute = true
                }
                if n == 7 && text.matchesLowercase(declare, at: start) { declareOnLine = true }
            }
        }
        // Auto_Ope\b anywhere.
        if !flags.autoExec {
            var i = 0
            while i + 8 <= b.count {
                if PatternScanner.matchesLower(b, i, "auto_ope") && !(i + 8 < b.count && text.isWord[i + 8]) {
                    flags.autoExec = true
                    break
                }
                i += 1
            }
        }
        return flags
    }

    static let adodb = Array("adodb".utf8)
    static let open = Array("open".utf8)
    static let declare = Array("declare".utf8)
    static let lib = Array("lib".utf8)
}
