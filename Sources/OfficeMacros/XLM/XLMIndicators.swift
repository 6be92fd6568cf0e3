/// What the macros of a workbook do, in olevba's vocabulary (``MacroIndicator``) and mraptor's
/// (``MacroRiskFlags``).
extension XLMWorkbook {
    /// Indicators, each keyword once (the first cell where it was seen):
    ///
    /// - `AutoExec` for each auto-run name (`Auto_Open`, `Auto_Close`, `Auto_Activate`, `Auto_Deactivate`,
    ///   built-in or by name, including the `Auto_Open*` variants Excel also runs);
    /// - `Suspicious` `XLM macro` when there is a macro sheet, `Hidden XLM macro sheet` / `Very hidden XLM macro
    ///   sheet` for a hidden one, and one for each dangerous function called (`EXEC`, `CALL`, `REGISTER`,
    ///   `FORMULA`, `RUN`, `GOTO`, `HALT`, `ALERT`, `FOPEN`, `FWRITE`, `FILE.DELETE`, `SET.VALUE`, `CHAR`...) or
    ///   Windows API named in a string (`URLDownloadToFileA`, `ShellExecuteA`, `VirtualAlloc`...);
    /// - `IOC` for URLs, IPv4 addresses and executable file names in string literals, cell values and decoded
    ///   strings;
    /// - `Decoded` for a `CHAR(104)&CHAR(105)`-style concatenation, with the string it builds.
    public func indicators() -> [MacroIndicator] {
        XLMAnalysis(self).indicators
    }

    /// mraptor's flags for the macros: `autoExec` for an auto-run name, `execute` for `EXEC`, `CALL`,
    /// `REGISTER`, `EXECUTE` (DDE), a `RUN` of another workbook or an execution API named in a string, `write`
    /// for `FOPEN`, `FWRITE`, `FWRITELN`, `FILE.DELETE`, `SAVE.AS`, `URLDownloadToFile`...
    public func riskFlags() -> MacroRiskFlags {
        XLMAnalysis(self).flags
    }
}

/// The scan behind ``XLMWorkbook/indicators()`` and ``XLMWorkbook/riskFlags()``.
struct XLMAnalysis {
    private(set) var indicators: [MacroIndicator] = []
    private(set) var flags = MacroRiskFlags()
    private var seen = Set<String>()

    enum Effect { case none, write, execute }

    /// Functions worth reporting, with olevba-style descriptions.
    static let functions: [String: (description: String, effect: Effect)] = [
        "EXEC": ("May run an executable file or a system command using Excel 4 Macros (XLM/XLF)", .execute),
        "CALL": ("May call a DLL using Excel 4 Macros (XLM/XLF)", .execute),
        "REGISTER": ("May call a DLL using Excel 4 Macros (XLM/XLF)", .execute),
        "REGISTER.ID": ("May call a DLL using Excel 4 Macros (XLM/XLF)", .execute),
        "EXECUTE": ("May run a command in another application through DDE (XLM)", .execute),
        "INITIATE": ("May open a DDE channel to another application (XLM)", .none),
        "RUN": ("May run another macro, possibly in another workbook (XLM)", .none),
        "FORMULA": ("May write a formula into a cell, building macro code at run time (XLM)", .none),
        "FORMULA.FILL": ("May write a formula into cells, building macro code at run time (XLM)", .none),
        "FORMULA.ARRAY": ("May write a formula into cells, building macro code at run time (XLM)", .none),
        "GOTO": ("Jumps to another cell, often to hide the control flow (XLM)", .none),
        "HALT": ("Stops the macro (XLM)", .none),
        "ALERT": ("Shows a message box (XLM)", .none),
        "FOPEN": ("May open a file (XLM)", .write),
        "FWRITE": ("May write to a file (XLM)", .write),
        "FWRITELN": ("May write to a file (XLM)", .write),
        "FILE.COPY": ("May copy a file (XLM)", .write),
        "FILE.DELETE": ("May delete a file (XLM)", .write),
        "SAVE.AS": ("May save the workbook under another name or format (XLM)", .write),
        "SAVE.COPY.AS": ("May save a copy of the workbook (XLM)", .write),
        "SET.VALUE": ("May change cell values at run time (XLM)", .none),
        "SET.NAME": ("May define names at run time (XLM)", .none),
        "CHAR": ("May obfuscate strings with CHAR() (XLM)", .none),
        "EVALUATE": ("May evaluate a string as a formula (XLM)", .none),
        "GET.WORKSPACE": ("May inspect the environment to detect a sandbox (XLM)", .none),
        "GET.WINDOW": ("May inspect the environment to detect a sandbox (XLM)", .none),
        "GET.DOCUMENT": ("May inspect the environment to detect a sandbox (XLM)", .none),
        "WORKBOOK.HIDE": ("May hide a sheet or workbook (XLM)", .none),
        "ON.TIME": ("May delay or schedule a macro (XLM)", .none),
        "WAIT": ("May delay the macro (XLM)", .none),
        "SEND.KEYS": ("May send keystrokes to an application (XLM)", .none),
    ]

    /// Windows APIs that `CALL`/`REGISTER` name in a string argument.
    static let apis: [String: (description: String, effect: Effect)] = {
        var table: [String: (String, Effect)] = [:]
        for name in ["URLDownloadToFileA", "URLDownloadToFileW", "URLDownloadToFile", "URLDownloadToCacheFileA"] {
            table[name.lowercased()] = ("May download files from the Internet", .write)
        }
        for name in ["ShellExecuteA", "ShellExecuteW", "ShellExecute", "WinExec", "CreateProcessA", "CreateProcessW"] {
            table[name.lowercased()] = ("May run an executable file or a system command", .execute)
        }
        for name in [
            "VirtualAlloc", "VirtualAllocEx", "VirtualProtect", "WriteProcessMemory", "RtlMoveMemory", "RtlCopyMemory",
            "CreateThread", "CreateRemoteThread", "QueueUserAPC", "EnumSystemLocalesA", "EnumWindows",
        ] {
            table[name.lowercased()] = ("May inject code into memory and run it", .execute)
        }
        for name in ["DllRegisterServer", "DllInstall", "LoadLibraryA", "GetProcAddress"] {
            table[name.lowercased()] = ("May load a DLL", .execute)
        }
        for name in ["CreateDirectoryA", "CreateDirectoryW", "MoveFileA", "CopyFileA", "DeleteFileA"] {
            table[name.lowercased()] = ("May change the file system", .write)
        }
        return table
    }()

    /// Programs that malspam starts from a macro.
    static let programs = [
        "rundll32", "regsvr32", "powershell", "mshta", "certutil", "bitsadmin", "wscript", "cscript", "cmd.exe",
        "cmd /c", "schtasks", "msiexec",
    ]

    init(_ workbook: XLMWorkbook) {
        for name in workbook.autoOpen {
            guard let event = name.autoExecEvent else { continue }
            let what: String
            switch event {
            case "Auto_Open": what = "Runs when the Excel Workbook is opened"
            case "Auto_Close": what = "Runs when the Excel Workbook is closed"
            case "Auto_Activate": what = "Runs when the Excel Workbook is activated"
            default: what = "Runs when the Excel Workbook is deactivated"
            }
            let (sheet, cell) = Self.target(of: name.formula)
            add(.autoExec, event, what + (name.name == event ? "" : " (name \"\(name.name)\")"), sheet, cell)
            flags.autoExec = true
        }
        if workbook.hasMacroSheets || !workbook.macroCells.isEmpty {
            add(.suspicious, "XLM macro", "XLM macro found. It may contain malicious code", nil, nil)
        }
        for sheet in workbook.sheets where sheet.kind == .macroSheet {
            switch sheet.visibility {
            case .hidden:
                add(.suspicious, "Hidden XLM macro sheet", "The Excel 4.0 macro sheet is hidden", sheet.name, nil)
            case .veryHidden:
                add(
                    .suspicious, "Very hidden XLM macro sheet",
                    "The Excel 4.0 macro sheet is very hidden: Excel's interface cannot show it", sheet.name, nil)
            case .visible:
                break
            }
        }
        for cell in workbook.macroCells {
            scan(formula: cell.formula, sheet: cell.sheet, cell: cell.reference)
        }
        for cell in workbook.macroValues {
            guard let value = cell.value else { continue }
            strings([value], sheet: cell.sheet, cell: cell.reference)
        }
    }

    private mutating func add(
        _ kind: MacroIndicator.Kind, _ keyword: String, _ description: String, _ sheet: String?, _ cell: String?
    ) {
        let key = kind.rawValue + "\u{0}" + keyword
        guard seen.insert(key).inserted else { return }
        indicators.append(
            MacroIndicator(kind: kind, keyword: keyword, description: description, location: sheet, cell: cell))
    }

    private mutating func apply(_ effect: Effect) {
        switch effect {
        case .none: break
        case .write: flags.write = true
        case .execute: flags.execute = true
        }
    }

    /// `("Macro1", "$A$1")` for `Macro1!$A$1`.
    static func target(of formula: String) -> (String?, String?) {
        guard let bang = formula.lastIndex(of: "!") else {
            if let (row, column) = absoluteR1C1(formula) {
                return (nil, XLMReference.absoluteA1(row: row, column: column))
            }
            return (nil, formula.isEmpty ? nil : formula)
        }
        var sheet = String(formula[..<bang])
        if sheet.hasPrefix("="), !sheet.isEmpty { sheet.removeFirst() }
        if sheet.hasPrefix("'"), sheet.hasSuffix("'"), sheet.count >= 2 {
            var unquoted = String.UnicodeScalarView()
            var lastQuote = false
            for ch in sheet.dropFirst().dropLast().unicodeScalars {
                if ch == "'", lastQuote {
                    lastQuote = false
                    continue
                }
                lastQuote = ch == "'"
                unquoted.append(ch)
            }
            sheet = String(unquoted)
        }
        return (sheet, String(formula[formula.index(after: bang)...]))
    }

    /// `(1, 1)` for `R1C1` (SYLK names).
    static func absoluteR1C1(_ text: String) -> (Int, Int)? {
        let upper = text.uppercased()
        guard upper.hasPrefix("R"), let c = upper.firstIndex(of: "C"),
            let row = Int(upper[upper.index(after: upper.startIndex)..<c]),
            let column = Int(upper[upper.index(after: c)...]), row >= 1, column >= 1, row <= 1 << 24, column <= 1 << 24
        else { return nil }
        return (row, column)
    }

    private mutating func scan(formula: String, sheet: String, cell: String) {
        let tokens = XLMFormulaTokens(formula)
        for call in tokens.calls {
            if let entry = Self.functions[call] {
                add(.suspicious, call, entry.description, sheet, cell)
                apply(entry.effect)
            }
            if call == "RUN", formula.contains("["), formula.uppercased().contains("RUN(") {
                flags.execute = true  // RUN of a macro in another workbook
            }
        }
        strings(tokens.strings, sheet: sheet, cell: cell)
        for decoded in tokens.decodedConcatenations() {
            add(.decoded, decoded, "String built by CHAR() concatenation", sheet, cell)
            strings([decoded], sheet: sheet, cell: cell)
        }
    }

    private mutating func strings(_ values: [String], sheet: String, cell: String) {
        for value in values where !value.isEmpty {
            let lower = value.lowercased()
            if let api = Self.apis[lower] {
                add(.suspicious, value, api.description, sheet, cell)
                apply(api.effect)
            }
            for program in Self.programs where lower.contains(program) {
                add(.suspicious, program, "May run an executable file or a system command", sheet, cell)
            }
            for ioc in XLMIOC.find(in: value) {
                add(.ioc, ioc.value, ioc.description, sheet, cell)
            }
        }
    }
}

/// Function calls and string literals of a formula's text, and the constant strings that `&` concatenations of
/// `CHAR(n)` and literals build.
struct XLMFormulaTokens {
    enum Token: Equatable {
        case string(String)
        case number(String)
        case name(String)
        case open, close, amp, comma, other
    }

    private(set) var tokens: [Token] = []
    /// Called functions, uppercased, without `_xlfn.` or a trailing `?`.
    private(set) var calls: [String] = []
    /// String literals, unquoted.
    private(set) var strings: [String] = []

    init(_ formula: String) {
        let s = Array(formula.unicodeScalars)
        var i = 0
        while i < s.count {
            let ch = s[i]
            if ch == "\"" {
                var text = String.UnicodeScalarView()
                i += 1
                while i < s.count {
                    if s[i] == "\"" {
                        if i + 1 < s.count, s[i + 1] == "\"" {
                            text.append("\"")
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    text.append(s[i])
                    i += 1
                }
                let value = String(text)
                tokens.append(.string(value))
                strings.append(value)
                continue
            }
            if Self.isNameScalar(ch) {
                var text = String.UnicodeScalarView()
                while i < s.count, Self.isNameScalar(s[i]) {
                    text.append(s[i])
                    i += 1
                }
                let word = String(text)
                var j = i
                while j < s.count, s[j] == " " { j += 1 }
                if j < s.count, s[j] == "(", let first = word.unicodeScalars.first,
                    !("0"..."9").contains(first)
                {
                    var name = word.uppercased()
                    if name.hasPrefix("_XLFN.") { name.removeFirst(6) }
                    if name.hasSuffix("?") { name.removeLast() }
                    calls.append(name)
                    tokens.append(.name(name))
                } else if let first = word.unicodeScalars.first, ("0"..."9").contains(first) {
                    tokens.append(.number(word))
                } else {
                    tokens.append(.name(word.uppercased()))
                }
                continue
            }
            switch ch {
            case "(": tokens.append(.open)
            case ")": tokens.append(.close)
            case "&": tokens.append(.amp)
            case ",", ";": tokens.append(.comma)
            case " ": break
            default: tokens.append(.other)
            }
            i += 1
        }
    }

    private static func isNameScalar(_ ch: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(ch) || ("A"..."Z").contains(ch) || ("0"..."9").contains(ch) || ch == "_" || ch == "."
            || ch == "?" || ch == "$"
    }

    /// The strings built by `term & term & ...` runs where each term is a literal or `CHAR(n)`, and at least one
    /// is a `CHAR(n)`.
    func decodedConcatenations() -> [String] {
        var out: [String] = []
        var i = 0
        while i < tokens.count {
            guard let head = term(at: i) else {
                i += 1
                continue
            }
            var text = head.0
            var next = head.2
            var parts = 1
            var anyChar = head.1
            while next < tokens.count, tokens[next] == .amp, let t = term(at: next + 1) {
                text += t.0
                anyChar = anyChar || t.1
                parts += 1
                next = t.2
            }
            if parts >= 2, anyChar, !text.isEmpty, out.count < 1024 { out.append(text) }
            i = next
        }
        return out
    }

    /// A literal or `CHAR(n)` at `i`: its text, whether it is a `CHAR`, and the index after it.
    private func term(at i: Int) -> (String, Bool, Int)? {
        guard i < tokens.count else { return nil }
        if case .string(let s) = tokens[i] { return (s, false, i + 1) }
        if case .name("CHAR") = tokens[i], i + 3 < tokens.count, tokens[i + 1] == .open,
            case .number(let digits) = tokens[i + 2], tokens[i + 3] == .close,
            let code = Int(digits), code >= 1, code <= 255, let scalar = Unicode.Scalar(code)
        {
            return (String(Character(scalar)), true, i + 4)
        }
        return nil
    }
}

/// Indicators of compromise in strings: URLs, IPv4 addresses, executable file names.
enum XLMIOC {
    struct Match {
        var value: String
        var description: String
    }

    static let executableExtensions: Set<String> = [
        "exe", "dll", "scr", "pif", "bat", "cmd", "vbs", "vbe", "ps1", "hta", "jar", "cpl", "msi", "ocx", "lnk",
        "jse", "wsf", "sct",
    ]

    static func find(in text: String) -> [Match] {
        var out: [Match] = []
        let scalars = Array(text.unicodeScalars)
        var urlRanges: [Range<Int>] = []
        // URLs.
        let lower = Array(text.lowercased().unicodeScalars)
        if lower.count == scalars.count {
            var i = 0
            while i < lower.count {
                if let scheme = ["http://", "https://", "ftp://"].first(where: { hasPrefix(lower, at: i, $0) }) {
                    var j = i + scheme.unicodeScalars.count
                    while j < scalars.count, !isURLTerminator(scalars[j]) { j += 1 }
                    if j > i + scheme.unicodeScalars.count {
                        out.append(Match(value: string(scalars[i..<j]), description: "URL"))
                        urlRanges.append(i..<j)
                    }
                    i = j
                    continue
                }
                i += 1
            }
        }
        // IPv4 addresses and executable names, outside URLs.
        var i = 0
        while i < scalars.count {
            if urlRanges.contains(where: { $0.contains(i) }) {
                i += 1
                continue
            }
            let start = i
            while i < scalars.count, isWordScalar(scalars[i]) { i += 1 }
            if i > start {
                let word = string(scalars[start..<i])
                if isIPv4(word) {
                    out.append(Match(value: word, description: "IPv4 address"))
                } else if let dot = word.lastIndex(of: "."), dot != word.startIndex,
                    executableExtensions.contains(word[word.index(after: dot)...].lowercased())
                {
                    out.append(Match(value: word, description: "Executable file name"))
                }
            } else {
                i += 1
            }
            if out.count >= 256 { break }
        }
        return out
    }

    private static func hasPrefix(_ s: [Unicode.Scalar], at i: Int, _ prefix: String) -> Bool {
        var k = i
        for p in prefix.unicodeScalars {
            guard k < s.count, s[k] == p else { return false }
            k += 1
        }
        return true
    }

    private static func isURLTerminator(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\"" || c == "'" || c == "<" || c == ">" || c == "\t" || c == "\n" || c == "\r"
            || c == "," || c == ")" || c == "|"
    }

    private static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
            || c == "." || c.value >= 0x80
    }

    private static func string(_ s: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: s)
        return String(view)
    }

    private static func isIPv4(_ word: String) -> Bool {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(p), v <= 255
            else { return false }
        }
        return true
    }
}
