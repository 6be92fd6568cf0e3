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
    ///
    /// At most ``XLMAnalysis/maxIndicatorsPerKind`` indicators of each kind are listed (a workbook of a million
    /// distinct URLs still gives a report of bounded size); the flags still consider every formula.
    public func indicators() -> [MacroIndicator] {
        XLMAnalysis(self).indicators
    }

    /// mraptor's flags for the macros: `autoExec` for an auto-run name, `execute` for `EXEC`, `CALL`,
    /// `REGISTER`, `EXECUTE` (DDE), a `RUN` of another workbook or an execution API named in a string, `write`
    /// for `FOPEN`, `FWRITE`, `FWRITELN`, `FILE.DELETE`, `SAVE.AS`, `URLDownloadToFile`...
    public func riskFlags() -> MacroRiskFlags {
        XLMAnalysis(self).flags
    }

    /// ``indicators()`` and ``riskFlags()`` from one scan of the formulas.
    public func analysis() -> (indicators: [MacroIndicator], flags: MacroRiskFlags) {
        let scan = XLMAnalysis(self)
        return (scan.indicators, scan.flags)
    }
}

/// The scan behind ``XLMWorkbook/indicators()`` and ``XLMWorkbook/riskFlags()``.
struct XLMAnalysis {
    private(set) var indicators: [MacroIndicator] = []
    private(set) var flags = MacroRiskFlags()
    private var seen = Set<String>()
    private var perKind: [MacroIndicator.Kind: Int] = [:]
    /// The most indicators of one kind listed.
    static let maxIndicatorsPerKind = 1000

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
                    .suspicious,
                    "Very hidden XLM macro sheet",
                    "The Excel 4.0 macro sheet is very hidden: Excel's interface cannot show it",
                    sheet.name,
                    nil
                )
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
        _ kind: MacroIndicator.Kind,
        _ keyword: String,
        _ description: String,
        _ sheet: String?,
        _ cell: String?
    ) {
        guard perKind[kind, default: 0] < Self.maxIndicatorsPerKind else { return }
        let key = kind.rawValue + "\u{0}" + keyword
        guard seen.insert(key).inserted else { return }
        perKind[kind, default: 0] += 1
        indicators.append(
            MacroIndicator(kind: kind, keyword: keyword, description: description, location: sheet, cell: cell)
        )
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

    static let programNeedles: [(String, [UInt8])] = programs.map { ($0, Array($0.utf8)) }

    /// Byte-wise substring search.
    static func contains(_ t: [UInt8], _ p: [UInt8]) -> Bool {
        guard !p.isEmpty, t.count >= p.count else { return p.isEmpty }
        let first = p[0]
        var i = 0
        while i + p.count <= t.count {
            if t[i] == first {
                var k = 1
                while k < p.count, t[i + k] == p[k] { k += 1 }
                if k == p.count { return true }
            }
            i += 1
        }
        return false
    }

    private mutating func strings(_ values: [String], sheet: String, cell: String) {
        for value in values where !value.isEmpty {
            let lower = value.lowercased()
            if let api = Self.apis[lower] {
                add(.suspicious, value, api.description, sheet, cell)
                apply(api.effect)
            }
            let bytes = Array(lower.utf8)
            for (program, needle) in Self.programNeedles where Self.contains(bytes, needle) {
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
        var formula = formula
        formula.withUTF8 { s in
            var i = 0
            let n = s.count
            while i < n {
                let ch = s[i]
                if ch == 0x22 {  // a string literal; "" is a quote
                    var text: [UInt8] = []
                    i += 1
                    while i < n {
                        if s[i] == 0x22 {
                            if i + 1 < n, s[i + 1] == 0x22 {
                                text.append(0x22)
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        text.append(s[i])
                        i += 1
                    }
                    let value = String(decoding: text, as: UTF8.self)
                    tokens.append(.string(value))
                    strings.append(value)
                    continue
                }
                if Self.isNameByte(ch) {
                    let start = i
                    while i < n, Self.isNameByte(s[i]) { i += 1 }
                    let word = String(decoding: UnsafeBufferPointer(rebasing: s[start..<i]), as: UTF8.self)
                    var j = i
                    while j < n, s[j] == 0x20 { j += 1 }
                    let isDigit = ch >= 0x30 && ch <= 0x39
                    if j < n, s[j] == 0x28, !isDigit {
                        var name = word.uppercased()
                        if name.hasPrefix("_XLFN.") { name.removeFirst(6) }
                        if name.hasSuffix("?") { name.removeLast() }
                        calls.append(name)
                        tokens.append(.name(name))
                    } else if isDigit {
                        tokens.append(.number(word))
                    } else {
                        tokens.append(.name(word.uppercased()))
                    }
                    continue
                }
                switch ch {
                case 0x28: tokens.append(.open)
                case 0x29: tokens.append(.close)
                case 0x26: tokens.append(.amp)
                case 0x2C, 0x3B: tokens.append(.comma)
                case 0x20: break
                default: tokens.append(.other)
                }
                i += 1
            }
        }
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2E || b == 0x3F
            || b == 0x24
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
        var text = text
        text.withUTF8 { s in
            let n = s.count
            // Cheap exit: every indicator here has a dot.
            guard s.contains(0x2E) else { return }
            var i = 0
            while i < n {
                // URLs.
                if let schemeLength = scheme(s, at: i) {
                    var j = i + schemeLength
                    while j < n, !isURLTerminator(s[j]) { j += 1 }
                    if j > i + schemeLength {
                        out.append(Match(value: string(s, i..<j), description: "URL"))
                    }
                    i = j
                    continue
                }
                // Words: IPv4 addresses and executable names.
                let start = i
                while i < n, isWordByte(s[i]) { i += 1 }
                if i > start {
                    if let match = word(s, start..<i) { out.append(match) }
                } else {
                    i += 1
                }
                if out.count >= 256 { break }
            }
        }
        return out
    }

    /// The length of `http://`, `https://` or `ftp://` (any case) at `i`.
    private static func scheme(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let first = s[i] | 0x20
        guard first == 0x68 || first == 0x66 else { return nil }
        for prefix in ["http://", "https://", "ftp://"] {
            let p = prefix.utf8
            guard i + p.count <= s.count else { continue }
            var k = i
            var ok = true
            for b in p {
                let c = s[k] >= 0x41 && s[k] <= 0x5A ? s[k] | 0x20 : s[k]
                if c != b {
                    ok = false
                    break
                }
                k += 1
            }
            if ok { return p.count }
        }
        return nil
    }

    private static func word(_ s: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Match? {
        guard let dot = range.last(where: { s[$0] == 0x2E }), dot > range.lowerBound else { return nil }
        let ext = String(decoding: UnsafeBufferPointer(rebasing: s[(dot + 1)..<range.upperBound]), as: UTF8.self)
            .lowercased()
        if executableExtensions.contains(ext) {
            return Match(value: string(s, range), description: "Executable file name")
        }
        let w = string(s, range)
        if isIPv4(w) { return Match(value: w, description: "IPv4 address") }
        return nil
    }

    private static func isURLTerminator(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x22 || c == 0x27 || c == 0x3C || c == 0x3E || c == 0x09 || c == 0x0A || c == 0x0D
            || c == 0x2C || c == 0x29 || c == 0x7C
    }

    private static func isWordByte(_ c: UInt8) -> Bool {
        (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D || c == 0x2E
            || c >= 0x80
    }

    private static func string(_ s: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: s[range]), as: UTF8.self)
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
