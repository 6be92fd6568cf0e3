/// The languages a keyword entry applies to.
struct LanguageSet: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let vbscript = LanguageSet(rawValue: 1)
    static let jscript = LanguageSet(rawValue: 2)
    static let powershell = LanguageSet(rawValue: 4)
    static let batch = LanguageSet(rawValue: 8)
    static let all: LanguageSet = [.vbscript, .jscript, .powershell, .batch]
    /// The Windows Script Host languages.
    static let wsh: LanguageSet = [.vbscript, .jscript]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ language: ScriptLanguage) {
        switch language {
        case .vbscript: self = .vbscript
        case .jscript: self = .jscript
        case .powershell: self = .powershell
        case .batch: self = .batch
        case .wsf, .hta, .unknown: self = .all
        }
    }
}

/// What an operation does, for mraptor's flags.
enum KeywordEffect: Sendable, Hashable {
    /// Only suspicious.
    case none
    /// Writes files or the registry, or downloads (mraptor's W).
    case write
    /// Runs a program, creates a COM object or evaluates code built at run time (mraptor's X).
    case execute
}

/// How one keyword is matched (see ``KeywordScanner``).
struct KeywordPattern: Sendable, Hashable {
    var text: String
    var caseSensitive = false
    /// Followed by optional whitespace and `(`.
    var call = false
    /// Preceded by `.` (a method or property).
    var member = false
    /// At a batch command position.
    var command = false
    /// A PowerShell parameter: any prefix of ``text`` of at least this many bytes (with the dash) matches.
    var abbreviation: Int?
}

/// One table entry: olevba-style description, the keywords it covers, their effect and the languages it applies
/// to.
struct KeywordEntry: Sendable {
    var description: String
    var effect: KeywordEffect
    var languages: LanguageSet
    var patterns: [KeywordPattern]

    init(_ description: String, _ effect: KeywordEffect, _ languages: LanguageSet, _ patterns: [KeywordPattern]) {
        self.description = description
        self.effect = effect
        self.languages = languages
        self.patterns = patterns
    }
}

/// Keyword tables for JScript, PowerShell, batch and the commands any script launches, in olevba's style.
///
/// Where a concept is in olevba's tables its description is olevba's (`"May run an executable file or a system
/// command"`), so reports read the same for macros and scripts; VBScript is analysed with olevba's own tables
/// (through ``OfficeMacros/MacroAnalyzer``) plus the entries here marked for it. Each entry says which mraptor
/// flag it sets: ``KeywordEffect/write`` for downloads and file or registry writes, ``KeywordEffect/execute`` for
/// processes, COM objects and code evaluated at run time.
enum ScriptKeywordTables {
    static func w(_ words: String...) -> [KeywordPattern] { words.map { KeywordPattern(text: $0) } }
    static func call(_ words: String...) -> [KeywordPattern] { words.map { KeywordPattern(text: $0, call: true) } }
    static func member(_ words: String...) -> [KeywordPattern] {
        words.map { KeywordPattern(text: $0, call: true, member: true) }
    }
    static func command(_ words: String...) -> [KeywordPattern] {
        words.map { KeywordPattern(text: $0, command: true) }
    }
    static func parameter(_ name: String, minimum: Int) -> KeywordPattern {
        KeywordPattern(text: name, abbreviation: minimum)
    }

    static let olevbaShell = "May run an executable file or a system command"
    static let olevbaPowerShell = "May run PowerShell commands"
    static let olevbaDownload = "May download files from the Internet"
    static let olevbaDownloadPS = "May download files from the Internet using PowerShell"
    static let olevbaTextFile = "May create a text file"
    static let olevbaObfuscation = "May attempt to obfuscate specific strings (use option --deobf to deobfuscate)"
    static let dynamicCode = "May run code built at run time (eval)"

    /// The command lines and system tools any script may launch (Living-off-the-Land binaries).
    static let commands: [KeywordEntry] = [
        KeywordEntry(olevbaPowerShell, .execute, .all, w("powershell", "pwsh")),
        KeywordEntry(
            "May run a system command through cmd", .execute, .all,
            w("cmd /c", "cmd /k", "cmd /r", "cmd.exe /c", "cmd.exe /k", "cmd.exe /r", "cmd /v", "cmd.exe /v",
                "%comspec%", "$env:comspec")),
        KeywordEntry("May run a DLL (rundll32)", .execute, .all, w("rundll32", "rundll32.exe")),
        KeywordEntry("May register and run a DLL (regsvr32)", .execute, .all, w("regsvr32", "regsvr32.exe")),
        KeywordEntry("May run an HTML Application (mshta)", .execute, .all, w("mshta", "mshta.exe")),
        KeywordEntry(
            "May run a script with Windows Script Host", .execute, .all,
            w("wscript.exe", "cscript.exe", "cscript", "wscript //e:", "wscript //b")),
        KeywordEntry("May download or decode files with certutil", .write, .all, w("certutil", "certutil.exe")),
        KeywordEntry("May download files with BITS", .write, .all, w("bitsadmin", "Start-BitsTransfer")),
        KeywordEntry(olevbaDownload, .write, .all, w("curl", "curl.exe", "wget", "wget.exe")),
        KeywordEntry(
            "May create a scheduled task", .execute, .all,
            w("schtasks", "Register-ScheduledTask", "New-ScheduledTaskAction", "Schedule.Service")),
        KeywordEntry(
            "May run a command through WMI", .execute, .all,
            w("wmic", "Win32_Process", "Invoke-WmiMethod", "Invoke-CimMethod")),
        KeywordEntry("May use WMI", .none, .all, w("winmgmts", "Get-WmiObject", "Get-CimInstance")),
        KeywordEntry("May install an MSI package", .execute, .all, w("msiexec")),
        KeywordEntry(
            "May run code through a signed system tool", .execute, .all,
            w("regasm", "regsvcs", "installutil", "msbuild", "cmstp", "odbcconf", "mavinject", "forfiles /c",
                "pcalua")),
        KeywordEntry(
            "May register or run a DLL's exported function", .execute, .all,
            w("DllRegisterServer", "DllInstall", "Control_RunDLL", "DllUnregisterServer")),
        KeywordEntry(
            "May write to the registry", .write, .all,
            w("reg add", "reg.exe add", "reg import", "RegWrite", "Set-ItemProperty", "New-ItemProperty")),
        KeywordEntry(
            "May make itself run at logon (Run key or Startup folder)", .write, .all,
            w("CurrentVersion\\Run", "CurrentVersion\\RunOnce", "Programs\\Startup", "shell:startup")),
        KeywordEntry(
            "May disable Microsoft Defender or exclude files from scanning", .write, .all,
            w("Set-MpPreference", "Add-MpPreference", "DisableRealtimeMonitoring", "ExclusionPath")),
        KeywordEntry(
            "May bypass the Antimalware Scan Interface (AMSI)", .none, .all,
            w("AmsiUtils", "amsiInitFailed", "AmsiScanBuffer")),
        KeywordEntry(
            "May delete shadow copies or backups", .write, .all,
            w("vssadmin", "shadowcopy", "wbadmin", "bcdedit")),
        KeywordEntry(
            "May drop files in a shared, public or temporary folder", .none, .all,
            w("%TEMP%", "%TMP%", "%APPDATA%", "%PUBLIC%", "%ProgramData%", "%LOCALAPPDATA%", "\\Users\\Public",
                "C:\\ProgramData", "$env:TEMP", "$env:APPDATA", "$env:PUBLIC", "$env:ProgramData", "$env:LOCALAPPDATA",
                "GetSpecialFolder", "GetTempPath")),
    ]

    /// Windows Script Host (VBScript and JScript) and JScript.
    static let wsh: [KeywordEntry] = [
        KeywordEntry(
            "May create an OLE object", .execute, .jscript,
            w("ActiveXObject", "CreateObject", "WScript.CreateObject")),
        KeywordEntry("May get an OLE object with a running instance", .execute, .jscript, w("GetObject")),
        KeywordEntry(olevbaShell, .execute, .wsh, w("WScript.Shell") + member("Run", "Exec", "ShellExecute")),
        KeywordEntry(
            "May run an application (if combined with CreateObject)", .execute, .jscript, w("Shell.Application")),
        KeywordEntry(
            dynamicCode, .execute, .jscript,
            call("eval", "execScript")
                + [KeywordPattern(text: "Function", caseSensitive: true, call: true)]),
        KeywordEntry(dynamicCode, .execute, .vbscript, w("Execute", "ExecuteGlobal", "Eval")),
        KeywordEntry("May access the file system", .none, .wsh, w("Scripting.FileSystemObject")),
        KeywordEntry(
            olevbaTextFile, .write, .jscript, w("CreateTextFile", "OpenTextFile", "ADODB.Stream", "SaveToFile")),
        KeywordEntry(
            "May copy, move or delete a file", .write, .wsh,
            w("CopyFile", "MoveFile", "DeleteFile", "CopyHere", "MoveHere", "CopyFolder", "DeleteFolder")),
        KeywordEntry(
            olevbaDownload, .write, .wsh,
            w("MSXML2.XMLHTTP", "Microsoft.XMLHTTP", "MSXML2.ServerXMLHTTP", "WinHttp.WinHttpRequest",
                "XMLHTTP", "ServerXMLHTTP", "WinHttpRequest", "URLDownloadToFile")),
        KeywordEntry("May read a downloaded file", .none, .wsh, w("ResponseBody", "ResponseStream")),
        KeywordEntry(
            "May read system environment variables", .none, .jscript,
            w("ExpandEnvironmentStrings", "Environment")),
        KeywordEntry("May read registry keys", .none, .jscript, w("RegRead")),
        KeywordEntry("May locate or delete its own file", .none, .wsh, w("ScriptFullName")),
        KeywordEntry(
            olevbaObfuscation, .none, .jscript,
            w("String.fromCharCode", "fromCharCode", "charCodeAt") + call("unescape", "atob", "escape")),
    ]

    /// PowerShell.
    static let powershell: [KeywordEntry] = [
        KeywordEntry(
            "May run PowerShell code built at run time (Invoke-Expression)", .execute, .powershell,
            w("IEX", "Invoke-Expression", "ScriptBlock]::Create", "InvokeScript") + member("Invoke")),
        KeywordEntry(
            "May run an executable file or a system command using PowerShell", .execute, .powershell,
            w("Start-Process", "saps", "Invoke-Item", "Diagnostics.Process]::Start", "Process]::Start")),
        KeywordEntry("May run commands on this or another computer", .execute, .powershell, w("Invoke-Command")),
        KeywordEntry("May create an OLE object using PowerShell", .none, .powershell, w("New-Object")),
        KeywordEntry("May create a COM object", .execute, .powershell, [parameter("-ComObject", minimum: 4)]),
        KeywordEntry(
            olevbaDownloadPS, .write, .powershell,
            w("Net.WebClient", "WebClient", "DownloadFile", "DownloadString", "DownloadData", "DownloadFileAsync",
                "DownloadStringAsync", "OpenRead", "Invoke-WebRequest", "iwr", "Invoke-RestMethod", "irm",
                "Net.Http.HttpClient", "HttpClient", "Net.WebRequest", "WebRequest]::Create")),
        KeywordEntry("May decode Base64 data", .none, .powershell, w("FromBase64String")),
        KeywordEntry(
            olevbaPowerShell, .none, .powershell,
            [
                parameter("-EncodedCommand", minimum: 4), KeywordPattern(text: "-ec"),
                parameter("-ExecutionPolicy", minimum: 3), KeywordPattern(text: "-ep"),
                parameter("-NoProfile", minimum: 4), parameter("-NonInteractive", minimum: 5),
                KeywordPattern(text: "Bypass"),
            ]),
        KeywordEntry(
            "May hide the PowerShell window", .none, .powershell,
            [parameter("-WindowStyle", minimum: 4), KeywordPattern(text: "-w hidden"), KeywordPattern(text: "-w 1")]),
        KeywordEntry(
            "May load .NET code in memory", .execute, .powershell,
            w("Reflection.Assembly", "Assembly]::Load", "Add-Type", "GetDelegateForFunctionPointer")),
        KeywordEntry(
            "May inject code into another process", .execute, .powershell,
            w("VirtualAlloc", "VirtualAllocEx", "CreateThread", "CreateRemoteThread", "WriteProcessMemory",
                "VirtualProtect", "RtlMoveMemory")),
        KeywordEntry(
            "May write a file", .write, .powershell,
            w("Out-File", "Set-Content", "Add-Content", "WriteAllBytes", "WriteAllText", "IO.File]::Create",
                "Expand-Archive")),
        KeywordEntry(
            "May decompress an embedded payload", .none, .powershell,
            w("GzipStream", "DeflateStream", "IO.Compression")),
        KeywordEntry(
            olevbaObfuscation, .none, .powershell,
            w("[char]", "[char[]]", "-join", "-split", "-replace", "-creplace", "-bxor", "ToCharArray",
                "[array]::Reverse", "[string]::Join")),
        KeywordEntry("May read system environment variables", .none, .powershell, w("$env:", "Environment]::")),
    ]

    /// cmd batch files.
    static let batch: [KeywordEntry] = [
        KeywordEntry("May start a program", .execute, .batch, command("start")),
        KeywordEntry(
            "May run a command hidden in a variable", .execute, .batch, w("call %", "call !")),
        KeywordEntry("May run a script with Windows Script Host", .execute, .batch, command("wscript", "cscript")),
        KeywordEntry("May hide a file", .none, .batch, w("attrib +h", "attrib +s")),
        KeywordEntry("May refer to its own file (self-deletion)", .none, .batch, w("%~f0", "%~dpnx0", "del %0")),
        KeywordEntry(
            "May stop a service or a process", .none, .batch, w("net stop", "sc stop", "sc delete", "taskkill")),
    ]

    /// Every entry, in table order.
    static let all: [KeywordEntry] = commands + wsh + powershell + batch

    /// The entries for one language.
    static func entries(for language: LanguageSet) -> [KeywordEntry] {
        all.filter { !$0.languages.isDisjoint(with: language) }
    }

    static let vbscriptScanner = KeywordScanner(entries: entries(for: .vbscript))
    static let jscriptScanner = KeywordScanner(entries: entries(for: .jscript))
    static let powershellScanner = KeywordScanner(entries: entries(for: .powershell))
    static let batchScanner = KeywordScanner(entries: entries(for: .batch))
    /// For decoded strings whose language is not known: every table.
    static let anyScanner = KeywordScanner(entries: all)

    static func scanner(for language: ScriptLanguage) -> KeywordScanner {
        switch language {
        case .vbscript: vbscriptScanner
        case .jscript: jscriptScanner
        case .powershell: powershellScanner
        case .batch: batchScanner
        case .wsf, .hta, .unknown: anyScanner
        }
    }
}
