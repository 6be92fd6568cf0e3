/// The keyword vocabulary of olevba 0.60.2 (oletools, BSD-2-Clause): which words in macro code are auto-exec
/// triggers and which are suspicious, with olevba's descriptions.
///
/// The tables are data, in olevba's order, because the order is part of the output: olevba reports, for each
/// description and each keyword in turn, the first place the keyword occurs, and keeps the first description of a
/// keyword reported twice. Matching is case-insensitive, with a word boundary (`\b`) on both sides of the keyword
/// (see ``KeywordMatcher``); the reported keyword is the text as it appears in the code.
enum KeywordTables {
    /// One entry: a description and the keyword patterns it covers.
    struct Entry: Sendable {
        var description: String
        var patterns: [Pattern]
    }

    /// How a keyword is matched.
    enum Pattern: Sendable, Hashable {
        /// A literal, case-insensitive, with `\b` on both sides (olevba: `re.escape(keyword)`); several spellings
        /// are alternatives of one regular expression, the first occurrence of any is reported.
        case literal([String])
        /// `\w+_Suffix\b`: an identifier ending in `_Suffix` (ActiveX event handlers).
        case eventSuffix(String)
        /// `\.\s*Variables`: a member access with optional whitespace after the dot.
        case memberVariables
        /// `(?<!Could contain following functions: )WORD` and its positive twin, for olevba's XLM summaries.
        case xlmFunction(String, afterSummary: Bool)
        /// A literal substring, case-sensitive (olevba's SUSPICIOUS_KEYWORDS_NOREGEX: the backspace character).
        case substring(String)
    }

    static func words(_ w: String...) -> [Pattern] { w.map { .literal([$0]) } }

    /// AUTOEXEC_KEYWORDS then AUTOEXEC_KEYWORDS_REGEX.
    static let autoExec: [Entry] = [
        Entry(
            description: "Runs when the Word document is opened",
            patterns: words("AutoExec", "AutoOpen", "DocumentOpen")
        ),
        Entry(
            description: "Runs when the Word document is closed",
            patterns: words("AutoExit", "AutoClose", "Document_Close", "DocumentBeforeClose")
        ),
        Entry(description: "Runs when the Word document is modified", patterns: words("DocumentChange")),
        Entry(
            description: "Runs when a new Word document is created",
            patterns: words("AutoNew", "Document_New", "NewDocument")
        ),
        Entry(description: "Runs when the Word or Publisher document is opened", patterns: words("Document_Open")),
        Entry(description: "Runs when the Publisher document is closed", patterns: words("Document_BeforeClose")),
        Entry(
            description: "Runs when the Excel Workbook is opened",
            patterns: words("Auto_Open", "Workbook_Open", "Workbook_Activate", "Auto_Ope")
        ),
        Entry(
            description: "Runs when the Excel Workbook is closed",
            patterns: words("Auto_Close", "Workbook_Close", "Workbook_BeforeClose")
        ),
        Entry(description: "May run when an Excel WorkSheet is opened", patterns: words("Worksheet_Calculate")),
        Entry(
            description: "Runs when the file is opened (using InkPicture ActiveX object)",
            patterns: [.eventSuffix("Painted"), .eventSuffix("Painting")]
        ),
        Entry(
            description: "Runs when the file is opened and ActiveX objects trigger events",
            patterns: activeXEvents.map { .eventSuffix($0) }
        ),
    ]

    /// The ActiveX event names of olevba's AUTOEXEC_KEYWORDS_REGEX (`\w+_Click`, ...), in its order.
    static let activeXEvents = [
        "GotFocus", "LostFocus", "MouseHover", "Click", "Change", "Resize", "BeforeNavigate2", "BeforeScriptExecute",
        "DocumentComplete", "DownloadBegin", "DownloadComplete", "FileDownload", "NavigateComplete2", "NavigateError",
        "ProgressChange", "PropertyChange", "SetSecureLockIcon", "StatusTextChange", "TitleChange", "MouseMove",
        "MouseEnter", "MouseLeave", "Layout", "OnConnecting", "FollowHyperlink", "ContentControlOnEnter",
    ]

    /// SUSPICIOUS_KEYWORDS, SUSPICIOUS_KEYWORDS_REGEX, SUSPICIOUS_KEYWORDS_NOREGEX.
    static let suspicious: [Entry] = [
        Entry(
            description: "May read system environment variables",
            patterns: words(
                "Environ",
                "Win32_Environment",
                "Environment",
                "ExpandEnvironmentStrings",
                "HKCU\\Environment",
                "HKEY_CURRENT_USER\\Environment"
            )
        ),
        Entry(description: "May open a file", patterns: words("Open")),
        Entry(
            description: "May write to a file (if combined with Open)",
            patterns: words("Write", "Put", "Output", "Print #")
        ),
        Entry(description: "May read or write a binary file (if combined with Open)", patterns: words("Binary")),
        Entry(description: "May copy a file", patterns: words("FileCopy", "CopyFile", "CopyHere", "CopyFolder")),
        Entry(description: "May move a file", patterns: words("MoveHere", "MoveFile", "MoveFolder")),
        Entry(description: "May delete a file", patterns: words("Kill")),
        Entry(
            description: "May create a text file",
            patterns: words("CreateTextFile", "ADODB.Stream", "WriteText", "SaveToFile")
        ),
        Entry(
            description: "May run an executable file or a system command",
            patterns: words(
                "Shell",
                "vbNormal",
                "vbNormalFocus",
                "vbHide",
                "vbMinimizedFocus",
                "vbMaximizedFocus",
                "vbNormalNoFocus",
                "vbMinimizedNoFocus",
                "WScript.Shell",
                "Run",
                "ShellExecute",
                "ShellExecuteA",
                "shell32",
                "InvokeVerb",
                "InvokeVerbEx",
                "DoIt"
            )
        ),
        Entry(description: "May run a dll", patterns: words("ControlPanelItem")),
        Entry(description: "May execute file or a system command through WMI", patterns: words("Create")),
        Entry(
            description: "May run an executable file or a system command on a Mac",
            patterns: words("MacScript", "AppleScript")
        ),
        Entry(
            description: "May run PowerShell commands",
            patterns: words(
                "PowerShell",
                "noexit",
                "ExecutionPolicy",
                "noprofile",
                "command",
                "EncodedCommand",
                "invoke-command",
                "scriptblock",
                "Invoke-Expression",
                "AuthorizationManager"
            )
        ),
        Entry(
            description: "May run an executable file or a system command using PowerShell",
            patterns: words("Start-Process")
        ),
        Entry(description: "May call a DLL using Excel 4 Macros (XLM/XLF)", patterns: words("CALL")),
        Entry(description: "May hide the application", patterns: words("Application.Visible", "ShowWindow", "SW_HIDE")),
        Entry(description: "May create a directory", patterns: words("MkDir")),
        Entry(description: "May save the current workbook", patterns: words("ActiveWorkbook.SaveAs")),
        Entry(
            description: "May change which directory contains files to open at startup",
            patterns: words("Application.AltStartupPath")
        ),
        Entry(description: "May create an OLE object", patterns: words("CreateObject")),
        Entry(description: "May get an OLE object with a running instance", patterns: words("GetObject")),
        Entry(description: "May create an OLE object using PowerShell", patterns: words("New-Object")),
        Entry(
            description: "May run an application (if combined with CreateObject)",
            patterns: words("Shell.Application")
        ),
        Entry(description: "May run an Excel 4 Macro (aka XLM/XLF) from VBA", patterns: words("ExecuteExcel4Macro")),
        Entry(
            description: "May enumerate application windows (if combined with Shell.Application object)",
            patterns: words("Windows", "FindWindow")
        ),
        Entry(description: "May run code from a DLL", patterns: words("Lib")),
        Entry(description: "May run code from a library on a Mac", patterns: words("libc.dylib", "dylib")),
        Entry(
            description: "May inject code into another process",
            patterns: words(
                "CreateThread",
                "CreateUserThread",
                "VirtualAlloc",
                "VirtualAllocEx",
                "RtlMoveMemory",
                "WriteProcessMemory",
                "SetContextThread",
                "QueueApcThread",
                "WriteVirtualMemory",
                "VirtualProtect"
            )
        ),
        Entry(description: "May run a shellcode in memory", patterns: words("SetTimer")),
        Entry(
            description: "May download files from the Internet",
            patterns: words(
                "URLDownloadToFileA",
                "Msxml2.XMLHTTP",
                "Microsoft.XMLHTTP",
                "MSXML2.ServerXMLHTTP",
                "User-Agent"
            )
        ),
        Entry(
            description: "May download files from the Internet using PowerShell",
            patterns: words("Net.WebClient", "DownloadFile", "DownloadString")
        ),
        Entry(
            description: "May control another application by simulating user keystrokes",
            patterns: words("SendKeys", "AppActivate")
        ),
        Entry(description: "May attempt to obfuscate malicious function calls", patterns: words("CallByName")),
        Entry(
            description: "May attempt to obfuscate specific strings (use option --deobf to deobfuscate)",
            patterns: words("Chr", "ChrB", "ChrW", "StrReverse", "Xor")
        ),
        Entry(
            description: "May read or write registry keys",
            patterns: words("RegOpenKeyExA", "RegOpenKeyEx", "RegCloseKey")
        ),
        Entry(description: "May read registry keys", patterns: words("RegQueryValueExA", "RegQueryValueEx", "RegRead")),
        Entry(
            description: "May detect virtualization",
            patterns: words("SYSTEM\\ControlSet001\\Services\\Disk\\Enum", "VIRTUAL", "VMWARE", "VBOX")
        ),
        Entry(
            description: "May detect Anubis Sandbox",
            patterns: words(
                "GetVolumeInformationA",
                "GetVolumeInformation",
                "1824245000",
                "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProductId",
                "76487-337-8429955-22614",
                "andy",
                "C:\\exec\\exec.exe",
                "popupkiller"
            )
        ),
        Entry(description: "May detect Sandboxie", patterns: words("SbieDll.dll", "SandboxieControlWndClass")),
        Entry(description: "May detect Sunbelt Sandbox", patterns: words("C:\\file.exe")),
        Entry(description: "May detect Norman Sandbox", patterns: words("currentuser")),
        Entry(description: "May detect CW Sandbox", patterns: words("Schmidti")),
        Entry(description: "May detect WinJail Sandbox", patterns: words("Afx:400000:0")),
        Entry(
            description: "May attempt to disable VBA macro security and Protected View",
            patterns: words(
                "AccessVBOM",
                "VBAWarnings",
                "ProtectedView",
                "DisableAttachementsInPV",
                "DisableInternetFilesInPV",
                "DisableUnsafeLocationsInPV",
                "blockcontentexecutionfrominternet"
            )
        ),
        Entry(
            description: "May attempt to modify the VBA code (self-modification)",
            patterns: words("VBProject", "VBComponents", "CodeModule", "AddFromString")
        ),
        Entry(description: "May modify Excel 4 Macro formulas at runtime (XLM/XLF)", patterns: words("FORMULA.FILL")),
        // SUSPICIOUS_KEYWORDS_REGEX
        Entry(description: "May use Word Document Variables to store and hide data", patterns: [.memberVariables]),
        Entry(
            description: "May run a shellcode in memory",
            patterns: [
                .literal(["EnumSystemLanguageGroupsW", "EnumSystemLanguageGroups"]),
                .literal(["EnumDateFormatsW", "EnumDateFormatsExEx", "EnumDateFormatsEx", "EnumDateFormats"]),
            ]
        ),
        Entry(
            description: "May run an executable file or a system command on a Mac (if combined with libc.dylib)",
            patterns: [
                .literal(["system"]), .literal(["popen"]),
                .literal(["execle", "execlp", "execve", "execvp", "execl", "execv"]),
            ]
        ),
        Entry(
            description: "May run an executable file or a system command using Excel 4 Macros (XLM/XLF)",
            patterns: [.xlmFunction("EXEC", afterSummary: false)]
        ),
        Entry(
            description:
                "Could contain a function that allows to run an executable file or a system command using Excel 4 Macros (XLM/XLF)",
            patterns: [.xlmFunction("EXEC", afterSummary: true)]
        ),
        Entry(
            description: "May call a DLL using Excel 4 Macros (XLM/XLF)",
            patterns: [.xlmFunction("REGISTER", afterSummary: false)]
        ),
        Entry(
            description: "Could contain a function that allows to call a DLL using Excel 4 Macros (XLM/XLF)",
            patterns: [.xlmFunction("REGISTER", afterSummary: true)]
        ),
        // SUSPICIOUS_KEYWORDS_NOREGEX
        Entry(
            description: "May use special characters such as backspace to obfuscate code when printed on the console",
            patterns: [.substring("\u{8}")]
        ),
    ]

    /// olevba's BASE64_WHITELIST: strings that look like Base64 but are common words.
    static let base64Whitelist: Set<String> = [
        "thisdocument", "thisworkbook", "test", "temp", "http", "open", "exit", "kernel32", "virtualalloc",
        "createthread",
    ]

    /// olevba's executable extensions (RE_PATTERNS "Executable file name"), `.com` and `.application` excluded.
    static let executableExtensions: Set<String> = [
        "exe", "pif", "gadget", "msi", "msp", "msc", "vbs", "vbe", "vb", "jse", "js", "wsf", "wsc", "wsh", "ws",
        "bat", "cmd", "dll", "scr", "hta", "cpl", "class", "jar", "ps1xml", "ps1", "ps2xml", "ps2", "psc1", "psc2",
        "scf", "lnk", "inf", "reg",
    ]

    /// URL prefixes olevba never reports (EXCLUDE_URLS_PATTERNS).
    static let excludedURLPrefixes = ["http://schemas.openxmlformats.org/", "http://schemas.microsoft.com/"]

    /// Descriptions olevba gives the summary keywords.
    static let hexStringsDescription =
        "Hex-encoded strings were detected, may be used to obfuscate strings (option --decode to see all)"
    static let base64StringsDescription =
        "Base64-encoded strings were detected, may be used to obfuscate strings (option --decode to see all)"
    static let vbaStringsDescription =
        "VBA string expressions were detected, may be used to obfuscate strings (option --decode to see all)"
}
