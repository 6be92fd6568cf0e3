/// The stable identifier of a detection rule.
public struct RuleID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}

/// One row of the rule table: how a fact is weighed and explained.
public struct Rule: Sendable {
    public var id: RuleID
    public var severity: Severity
    /// Points towards the verdict; see ``Verdict`` for the thresholds.
    public var score: Double
    /// Group, as in rspamd: the scores of one group are capped at the group's maximum.
    public var group: String
    /// One line for people: what this rule means.
    public var title: String
    /// Why the weight is what it is.
    public var rationale: String
}

/// Every rule Emoguard knows, in one readable table.
///
/// Analyzers report ``Fact``s by rule ID; this table alone decides severity and score. Scores add up per message
/// (each group capped at ``groupCaps``); the verdict thresholds are in ``Verdict``. A rule at `critical` makes the
/// verdict malicious on its own.
public enum RuleTable {
    public static let rules: [Rule] = [
        // MARK: Attachments and names
        Rule(
            id: .dangerousExtension, severity: .high, score: 6, group: "attachment",
            title: "File type that runs code when opened",
            rationale: "exe, scr, js, vbs, wsf, hta, lnk, one, iso, ... have no business in ordinary mail; "
                + "each Emotet wave after the macro block used one of them."),
        Rule(
            id: .doubleExtension, severity: .high, score: 6, group: "attachment",
            title: "Double extension hides the real file type",
            rationale: "請求書.pdf.exe shows as a PDF where extensions are hidden; no legitimate sender does this."),
        Rule(
            id: .typeMismatch, severity: .medium, score: 4, group: "attachment",
            title: "File name and content disagree",
            rationale: "A name that claims one type over content of another is how lures pass extension filters."),
        Rule(
            id: .executableContent, severity: .high, score: 7, group: "attachment",
            title: "Windows executable (EXE or DLL)",
            rationale: "A PE file in mail, or in an archive, image or document in mail, is almost never legitimate."),
        Rule(
            id: .executableInEncryptedArchive, severity: .critical, score: 10, group: "combination",
            title: "Script or executable inside a password-protected archive",
            rationale: "The password keeps gateways out; a runnable payload behind it is the malspam pattern itself."),

        // MARK: Archives
        Rule(
            id: .zipEncrypted, severity: .low, score: 1, group: "archive",
            title: "Password-protected archive",
            rationale: "Common in Japanese business mail (PPAP), so weak on its own; it matters with what is inside."),
        Rule(
            id: .zipOpenedWithPassword, severity: .info, score: 0, group: "archive",
            title: "Password-protected archive opened with a password found in the mail",
            rationale: "Information: says which candidate opened the archive, so the contents were inspected."),
        Rule(
            id: .zipEncryptedUnopened, severity: .medium, score: 4, group: "archive",
            title: "Encrypted archive could not be opened",
            rationale: "Its contents are uninspected; Emotet relied on exactly this. Not malicious by itself."),
        Rule(
            id: .zipHeaderMismatch, severity: .high, score: 5, group: "archive",
            title: "Local and central ZIP headers disagree",
            rationale: "Forged archives show one file to scanners and extract another."),
        Rule(
            id: .zipHiddenEntry, severity: .high, score: 5, group: "archive",
            title: "ZIP entry hidden from the central directory",
            rationale: "Data that listing tools do not show but some extractors do."),
        Rule(
            id: .zipBomb, severity: .high, score: 6, group: "archive",
            title: "Decompression bomb",
            rationale: "Overlapping entries or absurd ratios exist only to exhaust scanners."),
        Rule(
            id: .zipMalformed, severity: .low, score: 1, group: "archive",
            title: "Malformed or truncated archive",
            rationale: "Damaged archives happen, but they also evade scanners; weighed lightly."),
        Rule(
            id: .zipPathTraversal, severity: .medium, score: 3, group: "archive",
            title: "Archive entry name escapes the extraction folder",
            rationale: "../ or absolute names write outside the target folder on extraction."),
        Rule(
            id: .zipUnsupported, severity: .low, score: 1, group: "archive",
            title: "Archive entry uses an unsupported method",
            rationale: "The entry was not inspected."),

        // MARK: Padding
        Rule(
            id: .zeroPadding, severity: .high, score: 6, group: "padding",
            title: "File inflated with zero padding",
            rationale: "Emotet (March 2023) padded documents and DLLs to 500+ MB so that scanners skip them."),

        // MARK: Office documents and macros
        Rule(
            id: .macroPresent, severity: .low, score: 1, group: "macro",
            title: "Document contains VBA macros",
            rationale: "Most business documents carry none; macros are how 2019-2022 Emotet documents ran."),
        Rule(
            id: .macroAutoExec, severity: .medium, score: 3, group: "macro",
            title: "Macro runs automatically (AutoOpen, Document_Open, Workbook_Open, ActiveX events)",
            rationale: "olevba's AutoExec set; auto-execution alone is common in legitimate templates."),
        Rule(
            id: .macroSuspicious, severity: .medium, score: 2, group: "macro",
            title: "Macro uses a suspicious operation",
            rationale: "olevba's Suspicious set (Shell, CreateObject, URLDownloadToFile, PowerShell, ...)."),
        Rule(
            id: .macroIOC, severity: .medium, score: 2, group: "macro",
            title: "Macro holds an indicator (URL, IP address, executable name)",
            rationale: "Droppers carry their download location or payload name."),
        Rule(
            id: .macroObfuscation, severity: .low, score: 1, group: "macro",
            title: "Macro holds encoded strings (hex, Base64, Dridex)",
            rationale: "Obfuscation is common in malware, occasional in legitimate code."),
        Rule(
            id: .macroDecoded, severity: .medium, score: 2, group: "macro",
            title: "Obfuscated string decoded (Chr(), StrReverse, Base64, PowerShell -EncodedCommand)",
            rationale: "What the macro really runs; the decoded text is in the finding."),
        Rule(
            id: .macroStomping, severity: .high, score: 6, group: "macro",
            title: "VBA stomping: compiled p-code without matching source",
            rationale: "Source removed or replaced so that tools reading source see nothing; Office runs the p-code."),
        Rule(
            id: .macroMalicious, severity: .critical, score: 10, group: "combination",
            title: "Macro runs on open and writes files or runs programs",
            rationale: "mraptor's rule: auto-execution AND (write OR execute). This is the Emotet dropper pattern."),
        Rule(
            id: .macroParseError, severity: .low, score: 1, group: "macro",
            title: "Macro storage could not be fully read",
            rationale: "Damaged or deliberately malformed VBA; what could be read was analyzed."),
        Rule(
            id: .xlmPresent, severity: .medium, score: 3, group: "macro",
            title: "Excel 4.0 (XLM) macro sheet",
            rationale: "XLM has been obsolete since 1993 but ran Emotet's 2021-2022 Excel droppers."),
        Rule(
            id: .xlmHiddenSheet, severity: .high, score: 5, group: "macro",
            title: "Hidden or very hidden Excel 4.0 macro sheet",
            rationale: "Hiding the macro sheet (very hidden: only visible to code) is what droppers do."),
        Rule(
            id: .officeDDE, severity: .high, score: 5, group: "office",
            title: "DDE field or link",
            rationale: "DDE runs commands when the document updates its fields; legitimate use is rare."),
        Rule(
            id: .officeDDECommand, severity: .critical, score: 10, group: "combination",
            title: "DDE field that starts a program (cmd, powershell, mshta, ...)",
            rationale: "The 2017 DDEAUTO technique: code execution without macros."),
        Rule(
            id: .officeRemoteTemplate, severity: .high, score: 7, group: "office",
            title: "Template loaded from a remote address (template injection)",
            rationale: "attachedTemplate pointing to a URL fetches macro code after the mail gate."),
        Rule(
            id: .officeExternalObject, severity: .medium, score: 4, group: "office",
            title: "External OLE object or frame",
            rationale: "Content fetched when the document opens."),
        Rule(
            id: .officeEmbeddedObject, severity: .info, score: 0, group: "office",
            title: "Embedded OLE object",
            rationale: "Common in business documents; its content is inspected as a child and judged there."),
        Rule(
            id: .officeEmbeddedRunnable, severity: .critical, score: 10, group: "combination",
            title: "Document embeds a script, executable or shortcut as a package object",
            rationale: "An icon in the document that runs code on double-click (OLE Packager): the RTF and Word lures "
                + "of 2017-2022. Business documents embed spreadsheets and PDFs, not programs."),
        Rule(
            id: .officeEncrypted, severity: .low, score: 1, group: "office",
            title: "Encrypted Office document",
            rationale: "Hides macros from scanners; also used legitimately."),
        Rule(
            id: .officeDecrypted, severity: .info, score: 0, group: "office",
            title: "Encrypted Office document decrypted",
            rationale: "Information: which password opened it (Excel's default VelvetSweatshop or a mail candidate)."),
        Rule(
            id: .officeEncryptedUnopened, severity: .medium, score: 4, group: "office",
            title: "Encrypted Office document could not be decrypted",
            rationale: "Its macros are uninspected."),
        Rule(
            id: .officeMalformed, severity: .low, score: 1, group: "office",
            title: "Malformed compound file or package",
            rationale: "Loops, lying sizes and out-of-range sectors are reported; weighed lightly."),

        // MARK: Shortcuts (LNK)
        Rule(
            id: .lnkLOLBin, severity: .high, score: 6, group: "shortcut",
            title: "Shortcut runs a system program that fetches or runs code (LOLBin)",
            rationale: "cmd, powershell, mshta, rundll32, regsvr32, wscript, certutil... behind a shortcut is how the "
                + "2022 Emotet and IcedID shortcuts started their payload."),
        Rule(
            id: .lnkEncodedPowerShell, severity: .high, score: 7, group: "shortcut",
            title: "Shortcut runs Base64-encoded PowerShell",
            rationale: "-EncodedCommand hides the command from people and filters; the decoded text is in the finding."),
        Rule(
            id: .lnkFindstrSelfExtract, severity: .critical, score: 10, group: "combination",
            title: "Shortcut cuts a script out of itself with findstr",
            rationale: "The April 2022 Emotet shortcut: findstr reads the .lnk, writes the VBS appended to it, runs it."),
        Rule(
            id: .lnkDocumentIcon, severity: .high, score: 5, group: "shortcut",
            title: "Shortcut to a program wears a document icon",
            rationale: "A PDF or Word icon on a shortcut that runs a program exists only to deceive."),
        Rule(
            id: .lnkPaddedArguments, severity: .high, score: 5, group: "shortcut",
            title: "Shortcut arguments padded with whitespace",
            rationale: "Explorer's properties dialog shows 260 characters; padding pushes the command out of sight."),
        Rule(
            id: .lnkLongArguments, severity: .low, score: 1, group: "shortcut",
            title: "Very long shortcut arguments",
            rationale: "Longer than the properties dialog shows; unusual in ordinary shortcuts."),
        Rule(
            id: .lnkHiddenWindow, severity: .medium, score: 2, group: "shortcut",
            title: "Shortcut starts its program minimized or hidden",
            rationale: "Droppers hide the console window they open."),
        Rule(
            id: .lnkAppendedData, severity: .high, score: 5, group: "shortcut",
            title: "Data appended after the shortcut structure",
            rationale: "Windows ignores it; droppers hide a script or archive there and cut it out at run time."),
        Rule(
            id: .lnkRemoteTarget, severity: .medium, score: 3, group: "shortcut",
            title: "Shortcut target on a network share or WebDAV",
            rationale: "The payload is fetched from a remote path when the shortcut is opened."),
        Rule(
            id: .lnkURL, severity: .medium, score: 2, group: "shortcut",
            title: "URL in the shortcut's command line",
            rationale: "The download location of the next stage; an IOC."),
        Rule(
            id: .lnkMalformed, severity: .low, score: 1, group: "shortcut",
            title: "Malformed shortcut",
            rationale: "Broken structures are reported; Windows is tolerant, so attackers use them to confuse tools."),

        // MARK: Executables
        Rule(
            id: .peRegisterServer, severity: .medium, score: 3, group: "executable",
            title: "DLL exports DllRegisterServer (runs under regsvr32)",
            rationale: "Emotet's 2022-2023 loaders were DLLs started by regsvr32, which calls this export."),
        Rule(
            id: .pePadded, severity: .high, score: 6, group: "padding",
            title: "Executable padded to an inflated size",
            rationale: "The March 2023 Emotet DLLs were padded with zeros to 500+ MB; the finding gives the real size."),
        Rule(
            id: .peWritableExecutable, severity: .medium, score: 2, group: "executable",
            title: "Executable section that is also writable",
            rationale: "Self-modifying or unpacking code; rare in compiler output."),
        Rule(
            id: .peHighEntropy, severity: .low, score: 1, group: "executable",
            title: "Packed or encrypted executable section (high entropy)",
            rationale: "Packers hide code from static analysis; installers use them too."),
        Rule(
            id: .peMalformed, severity: .low, score: 1, group: "executable",
            title: "Malformed executable headers",
            rationale: "Broken tables are reported; the loader is tolerant of some, tools are not."),

        // MARK: OneNote
        Rule(
            id: .oneNoteEmbeddedFile, severity: .info, score: 0, group: "onenote",
            title: "File embedded in a OneNote section",
            rationale: "Pictures and attachments are normal; each one is inspected as a child."),
        Rule(
            id: .oneNoteEmbeddedRunnable, severity: .critical, score: 10, group: "combination",
            title: "OneNote section embeds a script, executable, shortcut or HTA",
            rationale: "The 2023 Emotet and QakBot OneNote lures: a fake button over a .wsf/.hta/.vbs that runs on "
                + "double-click. No legitimate notebook mailed to a partner carries one."),
        Rule(
            id: .oneNoteClickLure, severity: .medium, score: 3, group: "onenote",
            title: "OneNote page tells the reader to double-click",
            rationale: "\"Double click to view file\" over an embedded object is the lure's text."),
        Rule(
            id: .oneNoteMalformed, severity: .low, score: 1, group: "onenote",
            title: "Malformed OneNote file",
            rationale: "Broken revision store structures; embedded files were still found by signature."),

        // MARK: RTF
        Rule(
            id: .rtfObject, severity: .info, score: 0, group: "rtf",
            title: "Object embedded in an RTF document",
            rationale: "Common in business documents; its content is inspected as a child."),
        Rule(
            id: .rtfAutoUpdate, severity: .high, score: 5, group: "rtf",
            title: "RTF object updates itself on open (\\objupdate)",
            rationale: "Runs the object's server without a click; used by the CVE-2017-0199 and CVE-2017-11882 exploits."),
        Rule(
            id: .rtfExploitClass, severity: .high, score: 7, group: "rtf",
            title: "RTF object of a class used by exploits (OLE2Link, Equation.3)",
            rationale: "OLE2Link fetches a remote document (CVE-2017-0199); Equation Editor objects carry CVE-2017-11882."),
        Rule(
            id: .rtfMalformed, severity: .low, score: 1, group: "rtf",
            title: "Malformed or evasive RTF",
            rationale: "Odd headers, junk in object data and unbalanced groups evade scanners; Word reads them anyway."),

        // MARK: Disk images and other archives
        Rule(
            id: .imageContents, severity: .info, score: 0, group: "image",
            title: "Disk image listed",
            rationale: "Information: the files of an ISO, IMG or VHD, each inspected as a child."),
        Rule(
            id: .imageHiddenFile, severity: .medium, score: 3, group: "image",
            title: "Hidden file in a disk image",
            rationale: "The shortcut shows, the DLL it runs is hidden: the 2022 ISO lures."),
        Rule(
            id: .imageViewMismatch, severity: .high, score: 5, group: "image",
            title: "Disk image shows different files to different readers",
            rationale: "A polyglot image: the file tree a scanner reads is not the one Windows mounts."),
        Rule(
            id: .imageMalformed, severity: .low, score: 1, group: "image",
            title: "Malformed disk image",
            rationale: "Loops and extents beyond the end are reported, never followed forever."),
        Rule(
            id: .shortcutBesideLibrary, severity: .critical, score: 10, group: "combination",
            title: "Shortcut shipped beside a DLL or executable",
            rationale: "The ISO/ZIP lure of 2022: the user opens the shortcut, it runs the library with rundll32 or "
                + "regsvr32. Legitimate software is not mailed this way."),
        Rule(
            id: .archiveEncrypted, severity: .medium, score: 4, group: "archive",
            title: "Encrypted archive of a format Emoguard does not open (7z, RAR, ACE)",
            rationale: "Its contents are uninspected; password-protected 7z and RAR carried the same lures as ZIP."),
        Rule(
            id: .archiveUnsupported, severity: .low, score: 1, group: "archive",
            title: "Archive recognised but not extracted",
            rationale: "7z, RAR, ACE and similar are listed where their headers allow; the contents are uninspected."),

        // MARK: Scripts
        Rule(
            id: .scriptSuspicious, severity: .medium, score: 2, group: "script",
            title: "Script uses a suspicious operation",
            rationale: "The VBA vocabulary applied to VBScript, JScript, PowerShell and batch: downloads, shells, "
                + "COM objects, eval."),
        Rule(
            id: .scriptIOC, severity: .medium, score: 2, group: "script",
            title: "Script holds an indicator (URL, IP address, executable name)",
            rationale: "Downloaders carry their download location or payload name."),
        Rule(
            id: .scriptDecoded, severity: .medium, score: 2, group: "script",
            title: "Obfuscated string decoded from a script",
            rationale: "Char codes, Base64, -EncodedCommand, carets: the decoded text is in the finding."),
        Rule(
            id: .scriptObfuscation, severity: .low, score: 1, group: "script",
            title: "Script holds encoded strings",
            rationale: "Obfuscation is common in malware, occasional in legitimate code."),
        Rule(
            id: .scriptEncoded, severity: .medium, score: 3, group: "script",
            title: "Script hidden with the Windows Script Encoder (.vbe, .jse, *.Encode)",
            rationale: "Script Encoder exists to hide code from readers; the decoded code was analysed."),
        Rule(
            id: .scriptRunsAndActs, severity: .critical, score: 10, group: "combination",
            title: "Script runs when opened and downloads, writes files or runs programs",
            rationale: "mraptor's rule for a script someone double-clicks: it runs, and it writes or executes. The "
                + "2023 OneNote .wsf, the 2022 LNK .vbs and every JS downloader match it."),

        // MARK: HTML
        Rule(
            id: .htmlSmuggling, severity: .critical, score: 10, group: "combination",
            title: "HTML attachment builds a file in the browser and offers it as a download (HTML smuggling)",
            rationale: "A Blob or data: URL made from a large encoded string delivers an archive past the mail gate; "
                + "the decoded payload is inspected as a child."),
        Rule(
            id: .htmlSmugglingTechnique, severity: .high, score: 5, group: "html",
            title: "HTML holds a smuggling technique (long atob string, Blob download, msSaveOrOpenBlob)",
            rationale: "The building blocks of HTML smuggling, even when no payload could be decoded."),
        Rule(
            id: .htmlCredentialForm, severity: .high, score: 6, group: "html",
            title: "HTML form asks for a password and posts it elsewhere",
            rationale: "A login form in an attachment posting to another site is credential phishing."),
        Rule(
            id: .htmlRedirect, severity: .medium, score: 3, group: "html",
            title: "HTML redirects to a URL (meta refresh, script)",
            rationale: "Attachments that send the reader to a website are phishing or download lures; the URL is an IOC."),
        Rule(
            id: .htmlExternalContent, severity: .low, score: 1, group: "html",
            title: "HTML form or frame points at another site",
            rationale: "Newsletters do this too; weighed lightly, the URL is an IOC."),
        Rule(
            id: .htmlObfuscatedScript, severity: .medium, score: 2, group: "html",
            title: "HTML runs obfuscated script (eval, unescape, document.write of decoded text)",
            rationale: "Common in lures, rare in mailed HTML."),
        Rule(
            id: .htmlMalformed, severity: .info, score: 0, group: "html",
            title: "Malformed HTML",
            rationale: "Browsers repair HTML silently; reported for the analyst, not scored."),

        // MARK: Mail structure
        Rule(
            id: .mimeDefect, severity: .info, score: 0, group: "mime",
            title: "Malformed MIME structure",
            rationale: "Reported like Python's email defects; common in ordinary mail, so not scored."),
        Rule(
            id: .mimeUnknownCharset, severity: .info, score: 0, group: "mime",
            title: "Unknown character set",
            rationale: "Text was decoded as best it could be; the rules saw an approximation."),
        Rule(
            id: .mimeInvalidText, severity: .info, score: 0, group: "mime",
            title: "Invalid byte sequence in text",
            rationale: "Broken encodings are frequent in real mail."),

        // MARK: Mail: impersonation (issue 6)
        Rule(
            id: .mailDisplayNameAddress, severity: .medium, score: 4, group: "impersonation",
            title: "Display name shows another address than the real sender's",
            rationale: "\"yamada@partner.co.jp\" <x@unrelated.example>: the Emotet sender format JPCERT/CC warned "
                + "about (\"check the address, not the name\"). Mailing lists that rewrite From are not reported. "
                + "Suspicious alone; with a hijacked thread or a lure it is malicious (combination rules)."),
        Rule(
            id: .mailProtectedNameOutside, severity: .high, score: 5, group: "impersonation",
            title: "Display name of a protected person or department from outside the own domains",
            rationale: "\"経理部 山田\" from a free-mail or foreign domain. Needs protected_names in the configuration; "
                + "a namesake at a partner can match, so it is not malicious alone."),
        Rule(
            id: .mailReplyToDivergence, severity: .low, score: 2, group: "impersonation",
            title: "Reply-To points to another organisation than From",
            rationale: "Answers go to the attacker; newsletters and ticket systems do it legitimately, hence 2."),
        Rule(
            id: .mailReturnPathDivergence, severity: .info, score: 0.5, group: "impersonation",
            title: "Return-Path (envelope sender) in another organisation than From",
            rationale: "Ordinary for mail sent through a delivery service; weighs almost nothing alone."),
        Rule(
            id: .mailSenderDivergence, severity: .low, score: 1, group: "impersonation",
            title: "Sender header in another organisation than From",
            rationale: "Sending on behalf of someone else; legitimate for assistants and services, so light."),
        Rule(
            id: .mailLookalikeDomain, severity: .high, score: 6, group: "impersonation",
            title: "Sender domain imitates an own or partner domain",
            rationale: "Edit distance, homoglyphs, IDN homographs, suffix swaps or an embedded copy of a protected "
                + "domain in From, Reply-To, Sender or Return-Path: registered to deceive. Needs own_domains or "
                + "partner_domains."),
        Rule(
            id: .mailMixedScriptDomain, severity: .medium, score: 3, group: "impersonation",
            title: "Domain label mixes scripts (Latin with Cyrillic, Greek, ...)",
            rationale: "No legitimate name mixes scripts in one label; IDN homograph attacks do."),

        // MARK: Mail: authentication results
        Rule(
            id: .mailDMARCFail, severity: .medium, score: 4, group: "authentication",
            title: "DMARC failed for the From domain",
            rationale: "A trusted receiver says the From domain was forged. Read when present, never required; only "
                + "the fields of trusted_authserv_ids (or the topmost) count."),
        Rule(
            id: .mailSPFFail, severity: .low, score: 2, group: "authentication",
            title: "SPF failed or soft-failed",
            rationale: "Forwarding breaks SPF often; weighed below DMARC."),
        Rule(
            id: .mailDKIMFail, severity: .low, score: 1, group: "authentication",
            title: "DKIM signature failed and none passed",
            rationale: "Mailing lists that edit the body break DKIM; weak alone."),

        // MARK: Mail: hijacked threads
        Rule(
            id: .mailReplyWithoutReferences, severity: .low, score: 2, group: "thread",
            title: "Reply subject (Re:, 返信:) without In-Reply-To or References",
            rationale: "Emotet built \"replies\" from stolen threads as new mails; some clients also drop the "
                + "references, so it is weak alone and strong with a lure."),
        Rule(
            id: .mailForwardWithoutReferences, severity: .info, score: 0.5, group: "thread",
            title: "Forward subject (Fw:, 転送:) without In-Reply-To or References",
            rationale: "Forwards often start a new thread legitimately; noted for the analyst."),
        Rule(
            id: .mailSenderNotInThread, severity: .medium, score: 3, group: "thread",
            title: "Sender is not among the quoted thread's participants",
            rationale: "The quote is a conversation between other parties: the stolen-thread pattern. Not checked on "
                + "mailing-list mail (List-Id), whose quotes name other people by design."),
        Rule(
            id: .mailShortTextLongQuote, severity: .low, score: 1, group: "thread",
            title: "A few new lines over a long quoted thread, with an attachment or link",
            rationale: "\"ご確認ください\" above the whole stolen thread; many real replies look the same, hence 1."),

        // MARK: Mail: links
        Rule(
            id: .urlIPLiteral, severity: .medium, score: 3, group: "url",
            title: "Link to an IP address instead of a name",
            rationale: "Businesses link to names; Emotet and its loaders fetched from bare IP addresses."),
        Rule(
            id: .urlDownloadPath, severity: .medium, score: 2, group: "url",
            title: "Link downloads a file type that carries code (.doc, .xls, .zip, .dll, .exe, ...)",
            rationale: "The 2019-2020 Emotet link waves; also how partners share files, so moderate."),
        Rule(
            id: .urlWordPressPath, severity: .medium, score: 2, group: "url",
            title: "Link into a WordPress directory (wp-content, wp-includes, wp-admin) that is not a page resource",
            rationale: "Emotet hosted its downloads on hacked WordPress sites; images and styles there are ignored."),
        Rule(
            id: .urlAppInstaller, severity: .high, score: 6, group: "url",
            title: "ms-appinstaller: link that installs an app package",
            rationale: "Abused in 2021 to install Emotet as a fake Adobe PDF component; no business mail needs it."),
        Rule(
            id: .urlTextTargetMismatch, severity: .medium, score: 2, group: "url",
            title: "Link text shows one domain, the link goes to another",
            rationale: "The visible address is the one people check; known click-tracking redirectors are exempt "
                + "(redirector_domains)."),
        Rule(
            id: .urlUserInfo, severity: .medium, score: 3, group: "url",
            title: "Link puts a name before @ to disguise its host",
            rationale: "https://partner.example@evil.example/ goes to evil.example."),
        Rule(
            id: .urlLookalikeDomain, severity: .medium, score: 4, group: "url",
            title: "Link domain imitates an own or partner domain",
            rationale: "Credential and download pages on lookalike domains; needs own_domains or partner_domains."),
        Rule(
            id: .urlDefanged, severity: .info, score: 0, group: "url",
            title: "URL written defanged (hxxp, [.])",
            rationale: "Security teams write IOCs this way; reported so that the URL is matched, not scored."),
        Rule(
            id: .mailSignalLimit, severity: .low, score: 1, group: "engine",
            title: "Mail-level reading stopped at a limit",
            rationale: "A body too long or too many links: the rest was not examined for mail-level signals."),

        // MARK: Combinations of mail and content (issue 6)
        Rule(
            id: .hijackedThreadLure, severity: .critical, score: 10, group: "combination",
            title: "Hijacked-thread signals together with a lure (password archive, macro, runnable file, download link)",
            rationale: "Emotet's signature: a reply to a stolen thread, from an outsider or without references, "
                + "carrying an encrypted ZIP it cannot be scanned through, a macro document or a download link. "
                + "Each alone is common; together they are the campaign."),
        Rule(
            id: .impersonationLure, severity: .critical, score: 10, group: "combination",
            title: "Impersonated sender together with a lure",
            rationale: "A display name with another address, a protected name from outside or a lookalike domain, "
                + "with a password archive, a macro, a runnable file or a download link."),

        // MARK: Threat intelligence
        Rule(
            id: .intelMatch, severity: .critical, score: 10, group: "intel",
            title: "Known-bad indicator (hash, URL, domain, C2 or sender IP) in an imported feed",
            rationale: "An abuse.ch or local feed lists it as malware or its infrastructure; the finding names the "
                + "feed and the entry."),

        // MARK: The engine
        Rule(
            id: .budgetExhausted, severity: .medium, score: 3, group: "engine",
            title: "Scan budget exhausted: part of the content was not inspected",
            rationale: "Depth, count, size or time limits stopped the scan; deliberately nested content is a warning."),
        Rule(
            id: .parseError, severity: .low, score: 1, group: "engine",
            title: "Content could not be parsed",
            rationale: "The artifact claims a format but is damaged; it was inspected as far as possible."),
    ]

    /// Per-group score caps, as rspamd's group `max_score`: many weak signals of one kind do not add up forever.
    public static let groupCaps: [String: Double] = [
        "mime": 2, "archive": 8, "engine": 4, "padding": 8, "attachment": 12, "macro": 9, "office": 9,
        "shortcut": 10, "executable": 6, "onenote": 6, "rtf": 9, "image": 8, "script": 8, "html": 9,
        "impersonation": 8, "authentication": 5, "thread": 5, "url": 6,
    ]

    private static let byID: [RuleID: Rule] = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

    /// The rule for `id`; an unknown ID (a programming error) is weighed as an unscored info finding.
    public static func rule(_ id: RuleID) -> Rule {
        byID[id]
            ?? Rule(id: id, severity: .info, score: 0, group: "unknown", title: id.rawValue, rationale: "unlisted rule")
    }

    /// Turns a fact into a finding at `path` (the artifact's path; a fact's own path is relative to it, such as a
    /// VBA module's stream inside a document: `…/請求書.doc/Macros/VBA/ThisDocument`).
    public static func judge(_ fact: Fact, at path: String) -> Finding {
        let rule = rule(fact.rule)
        var evidence = fact.evidence
        evidence.path = evidence.path.isEmpty ? path : path + "/" + evidence.path
        return Finding(
            id: rule.id.rawValue, severity: rule.severity, score: rule.score, title: rule.title, message: fact.message,
            evidence: evidence)
    }
}

extension RuleID {
    public static let dangerousExtension: RuleID = "attachment.dangerous-extension"
    public static let doubleExtension: RuleID = "attachment.double-extension"
    public static let typeMismatch: RuleID = "attachment.type-mismatch"
    public static let executableContent: RuleID = "content.executable"
    public static let executableInEncryptedArchive: RuleID = "combination.runnable-in-encrypted-archive"
    public static let zipEncrypted: RuleID = "zip.encrypted"
    public static let zipOpenedWithPassword: RuleID = "zip.opened-with-password"
    public static let zipEncryptedUnopened: RuleID = "zip.encrypted-unopened"
    public static let zipHeaderMismatch: RuleID = "zip.header-mismatch"
    public static let zipHiddenEntry: RuleID = "zip.hidden-entry"
    public static let zipBomb: RuleID = "zip.bomb"
    public static let zipMalformed: RuleID = "zip.malformed"
    public static let zipPathTraversal: RuleID = "zip.path-traversal"
    public static let zipUnsupported: RuleID = "zip.unsupported-method"
    public static let zeroPadding: RuleID = "content.zero-padding"
    public static let macroPresent: RuleID = "macro.vba"
    public static let macroAutoExec: RuleID = "macro.autoexec"
    public static let macroSuspicious: RuleID = "macro.suspicious"
    public static let macroIOC: RuleID = "macro.ioc"
    public static let macroObfuscation: RuleID = "macro.obfuscation"
    public static let macroDecoded: RuleID = "macro.decoded"
    public static let macroStomping: RuleID = "macro.vba-stomping"
    public static let macroMalicious: RuleID = "macro.autoexec-write-execute"
    public static let macroParseError: RuleID = "macro.parse-error"
    public static let xlmPresent: RuleID = "macro.xlm"
    public static let xlmHiddenSheet: RuleID = "macro.xlm-hidden-sheet"
    public static let officeDDE: RuleID = "office.dde"
    public static let officeDDECommand: RuleID = "office.dde-command"
    public static let officeRemoteTemplate: RuleID = "office.remote-template"
    public static let officeExternalObject: RuleID = "office.external-object"
    public static let officeEmbeddedObject: RuleID = "office.embedded-object"
    public static let officeEmbeddedRunnable: RuleID = "office.embedded-runnable"
    public static let officeEncrypted: RuleID = "office.encrypted"
    public static let officeDecrypted: RuleID = "office.decrypted"
    public static let officeEncryptedUnopened: RuleID = "office.encrypted-unopened"
    public static let officeMalformed: RuleID = "office.malformed"
    public static let lnkLOLBin: RuleID = "lnk.lolbin"
    public static let lnkEncodedPowerShell: RuleID = "lnk.encoded-powershell"
    public static let lnkFindstrSelfExtract: RuleID = "lnk.findstr-self-extract"
    public static let lnkDocumentIcon: RuleID = "lnk.document-icon"
    public static let lnkPaddedArguments: RuleID = "lnk.padded-arguments"
    public static let lnkLongArguments: RuleID = "lnk.long-arguments"
    public static let lnkHiddenWindow: RuleID = "lnk.hidden-window"
    public static let lnkAppendedData: RuleID = "lnk.appended-data"
    public static let lnkRemoteTarget: RuleID = "lnk.remote-target"
    public static let lnkURL: RuleID = "lnk.url"
    public static let lnkMalformed: RuleID = "lnk.malformed"
    public static let peRegisterServer: RuleID = "pe.dllregisterserver"
    public static let pePadded: RuleID = "pe.padded"
    public static let peWritableExecutable: RuleID = "pe.writable-executable-section"
    public static let peHighEntropy: RuleID = "pe.high-entropy"
    public static let peMalformed: RuleID = "pe.malformed"
    public static let oneNoteEmbeddedFile: RuleID = "onenote.embedded-file"
    public static let oneNoteEmbeddedRunnable: RuleID = "onenote.embedded-runnable"
    public static let oneNoteClickLure: RuleID = "onenote.click-lure"
    public static let oneNoteMalformed: RuleID = "onenote.malformed"
    public static let rtfObject: RuleID = "rtf.object"
    public static let rtfAutoUpdate: RuleID = "rtf.object-autoupdate"
    public static let rtfExploitClass: RuleID = "rtf.exploit-class"
    public static let rtfMalformed: RuleID = "rtf.malformed"
    public static let imageContents: RuleID = "image.contents"
    public static let imageHiddenFile: RuleID = "image.hidden-file"
    public static let imageViewMismatch: RuleID = "image.view-mismatch"
    public static let imageMalformed: RuleID = "image.malformed"
    public static let shortcutBesideLibrary: RuleID = "combination.shortcut-beside-library"
    public static let archiveEncrypted: RuleID = "archive.encrypted-unsupported"
    public static let archiveUnsupported: RuleID = "archive.unsupported"
    public static let scriptSuspicious: RuleID = "script.suspicious"
    public static let scriptIOC: RuleID = "script.ioc"
    public static let scriptDecoded: RuleID = "script.decoded"
    public static let scriptObfuscation: RuleID = "script.obfuscation"
    public static let scriptEncoded: RuleID = "script.encoded"
    public static let scriptRunsAndActs: RuleID = "script.runs-and-acts"
    public static let htmlSmuggling: RuleID = "html.smuggling"
    public static let htmlSmugglingTechnique: RuleID = "html.smuggling-technique"
    public static let htmlCredentialForm: RuleID = "html.credential-form"
    public static let htmlRedirect: RuleID = "html.redirect"
    public static let htmlExternalContent: RuleID = "html.external-content"
    public static let htmlObfuscatedScript: RuleID = "html.obfuscated-script"
    public static let htmlMalformed: RuleID = "html.malformed"
    public static let mimeDefect: RuleID = "mime.defect"
    public static let mimeUnknownCharset: RuleID = "mime.unknown-charset"
    public static let mimeInvalidText: RuleID = "mime.invalid-text"
    public static let mailDisplayNameAddress: RuleID = "mail.display-name-address"
    public static let mailProtectedNameOutside: RuleID = "mail.protected-name-outside"
    public static let mailReplyToDivergence: RuleID = "mail.reply-to-divergence"
    public static let mailReturnPathDivergence: RuleID = "mail.return-path-divergence"
    public static let mailSenderDivergence: RuleID = "mail.sender-divergence"
    public static let mailLookalikeDomain: RuleID = "mail.lookalike-domain"
    public static let mailMixedScriptDomain: RuleID = "mail.mixed-script-domain"
    public static let mailDMARCFail: RuleID = "mail.dmarc-fail"
    public static let mailSPFFail: RuleID = "mail.spf-fail"
    public static let mailDKIMFail: RuleID = "mail.dkim-fail"
    public static let mailReplyWithoutReferences: RuleID = "mail.reply-without-references"
    public static let mailForwardWithoutReferences: RuleID = "mail.forward-without-references"
    public static let mailSenderNotInThread: RuleID = "mail.sender-not-in-thread"
    public static let mailShortTextLongQuote: RuleID = "mail.short-text-long-quote"
    public static let mailSignalLimit: RuleID = "mail.signal-limit"
    public static let urlIPLiteral: RuleID = "url.ip-literal"
    public static let urlDownloadPath: RuleID = "url.download-path"
    public static let urlWordPressPath: RuleID = "url.wordpress-path"
    public static let urlAppInstaller: RuleID = "url.ms-appinstaller"
    public static let urlTextTargetMismatch: RuleID = "url.text-target-mismatch"
    public static let urlUserInfo: RuleID = "url.userinfo"
    public static let urlLookalikeDomain: RuleID = "url.lookalike-domain"
    public static let urlDefanged: RuleID = "url.defanged"
    public static let hijackedThreadLure: RuleID = "combination.hijacked-thread-lure"
    public static let impersonationLure: RuleID = "combination.impersonation-lure"
    public static let intelMatch: RuleID = "intel.match"
    public static let budgetExhausted: RuleID = "engine.budget-exhausted"
    public static let parseError: RuleID = "engine.parse-error"
}
