/// A finding about a shell link: what the engine maps to its rules.
public struct LNKIndicator: Sendable, Hashable, CustomStringConvertible {
    /// The kind of finding; its raw value is stable across releases.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The target (or a program the arguments start) is a living-off-the-land binary: cmd, powershell, mshta,
        /// rundll32, regsvr32, wscript, certutil... (explorer only with arguments).
        public static let lolbin = Kind("lolbin")
        /// PowerShell with `-e`/`-enc`/`-EncodedCommand`; ``LNKIndicator/decoded`` holds the command.
        public static let encodedPowerShell = Kind("encoded-powershell")
        /// `findstr` reading a shortcut (the link itself) to cut out a payload appended to it.
        public static let findstrSelfExtract = Kind("findstr-self-extract")
        /// A document icon (PDF, Word, Excel, a document icon of shell32/imageres, a document viewer's icon) on
        /// a target that runs code.
        public static let documentIconOnExecutable = Kind("document-icon-on-executable")
        /// Arguments longer than the 260 characters the Properties dialog shows, padded with whitespace to push
        /// the command out of sight.
        public static let paddedArguments = Kind("padded-arguments")
        /// Arguments longer than 260 characters, without padding.
        public static let longArguments = Kind("long-arguments")
        /// The window is started minimized and inactive (SW_SHOWMINNOACTIVE), or PowerShell is told to hide it.
        public static let hiddenWindow = Kind("hidden-window")
        /// Data after the terminal block.
        public static let appendedData = Kind("appended-data")
        /// The target is on a network share or WebDAV server.
        public static let remoteTarget = Kind("remote-target")
        /// A URL in the arguments (or in the decoded command).
        public static let url = Kind("url")
    }

    public var kind: Kind
    /// What exactly was found, for the report.
    public var detail: String
    /// Decoded content, for ``Kind/encodedPowerShell``.
    public var decoded: String?

    public init(_ kind: Kind, _ detail: String, decoded: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.decoded = decoded
    }

    public var description: String { "\(kind): \(detail)" }
}

/// The findings the engine needs about a shortcut, as material for its rules.
///
/// Emotet and its peers used shortcuts with a document icon whose command line starts PowerShell with an encoded
/// command, or cmd.exe running `findstr` over the shortcut itself to cut out an appended VBS, the command pushed
/// past what the Properties dialog shows with padding, in a window that never appears.
public enum LNKAnalysis {
    /// Programs that run other code or fetch it, by base name without `.exe`.
    public static let lolbins: Set<String> = [
        "cmd", "powershell", "powershell_ise", "pwsh", "mshta", "rundll32", "regsvr32", "wscript", "cscript",
        "certutil", "bitsadmin", "curl", "msiexec", "forfiles", "conhost", "explorer", "wmic", "schtasks", "hh",
        "regasm", "regsvcs", "installutil", "msbuild", "cmstp", "odbcconf", "pcalua", "scriptrunner", "msdt",
        "mavinject", "bash", "wsl", "ftp", "finger", "certreq", "esentutl", "expand", "extrac32", "tar", "control",
        "msxsl", "syncappvpublishingserver", "presentationhost", "ieexec", "wget",
    ]
    /// File extensions of targets that run code.
    static let executableExtensions: Set<String> = [
        "exe", "com", "bat", "cmd", "scr", "pif", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "ps1", "msi",
        "cpl", "dll", "jar", "lnk",
    ]
    /// File extensions of documents, as an icon file.
    static let documentExtensions: Set<String> = [
        "pdf", "doc", "docx", "docm", "dot", "xls", "xlsx", "xlsm", "xlsb", "ppt", "pptx", "pptm", "rtf", "txt",
        "csv", "odt", "ods", "jpg", "jpeg", "png", "gif", "bmp", "htm", "html", "one", "xps",
    ]
    /// Programs whose own icon reads as a document: viewers and editors.
    static let documentIconPrograms: [String: Set<Int32>?] = [
        "msedge.exe": [11], "acrord32.exe": nil, "acrobat.exe": nil, "winword.exe": nil, "excel.exe": nil,
        "powerpnt.exe": nil, "wordpad.exe": nil, "write.exe": nil, "notepad.exe": nil,
    ]
    /// Document icons in the system icon libraries (generic document, text document): a heuristic.
    static let documentIconIndices: [String: Set<Int32>] = [
        "shell32.dll": [0, 1, 70, 151, 152], "imageres.dll": [2, 11, 15, 97, 102],
    ]

    /// The findings for `link`.
    ///
    /// - Parameters:
    ///   - fileName: the shortcut's own file name, when known: `findstr` over it is self-extraction.
    ///   - limits: ``ShellLinkLimits/maxDecodedBytes`` bounds the decoded command.
    public static func indicators(
        _ link: ShellLink, fileName: String? = nil, limits: ShellLinkLimits = .default
    ) -> [LNKIndicator] {
        var out: [LNKIndicator] = []
        let target = link.target ?? ""
        let targetName = baseName(target)
        let arguments = link.arguments ?? ""
        let lowerArguments = arguments.lowercased()
        let argumentWords = words(arguments)

        // LOLBins: the target, then programs named in the arguments (cmd /c powershell ...).
        var targetIsLOLBin = false
        if lolbins.contains(targetName), targetName != "explorer" || !arguments.isEmpty {
            targetIsLOLBin = true
            out.append(LNKIndicator(.lolbin, "target \(target)"))
        }
        var named: Set<String> = [targetName]
        for word in argumentWords {
            let name = baseName(word)
            guard lolbins.contains(name), name != "explorer", named.insert(name).inserted else { continue }
            out.append(LNKIndicator(.lolbin, "\(name) in the arguments"))
        }

        // Encoded PowerShell.
        let allText = (target + " " + arguments).lowercased()
        if allText.contains("powershell") || allText.contains("pwsh") {
            for (i, word) in argumentWords.enumerated() where isEncodedCommandSwitch(word) && i + 1 < argumentWords.count {
                let payload = argumentWords[i + 1]
                let decoded = decodeBase64(payload, limit: limits.maxDecodedBytes.maximum).map(utf16LE)
                out.append(
                    LNKIndicator(
                        .encodedPowerShell, "\(word) with \(payload.utf8.count) characters of Base64", decoded: decoded))
                if let decoded {
                    for url in urls(in: decoded) { out.append(LNKIndicator(.url, "\(url) (in the decoded command)")) }
                }
            }
            if let i = argumentWords.firstIndex(where: { isSwitch($0, "windowstyle", minimum: 1) }),
                i + 1 < argumentWords.count,
                ["hidden", "1"].contains(argumentWords[i + 1].lowercased().trimmingQuotes())
            {
                out.append(LNKIndicator(.hiddenWindow, "PowerShell \(argumentWords[i]) \(argumentWords[i + 1])"))
            }
        }

        // findstr over the shortcut itself.
        if lowerArguments.contains("findstr") {
            var selfReferences = [".lnk", "%~f0", "%~dpnx0", "%~nx0"]
            if let fileName, !fileName.isEmpty { selfReferences.append(fileName.lowercased()) }
            if let hit = selfReferences.first(where: { lowerArguments.contains($0) }) {
                out.append(LNKIndicator(.findstrSelfExtract, "findstr over \(hit) in the arguments"))
            }
        }

        // A document icon on something that runs code.
        let runsCode = targetIsLOLBin || executableExtensions.contains(fileExtension(target))
        if runsCode, let icon = documentIcon(link) {
            out.append(LNKIndicator(.documentIconOnExecutable, "icon \(icon) on \(target)"))
        }

        // Padding and length.
        // Windows counts UTF-16 code units.
        let length = arguments.utf16.count
        if length > 260 {
            let run = longestWhitespaceRun(arguments)
            if run >= 32 {
                out.append(
                    LNKIndicator(
                        .paddedArguments,
                        "\(length) characters of arguments with \(run) consecutive whitespace characters"))
            } else {
                out.append(LNKIndicator(.longArguments, "\(length) characters of arguments"))
            }
        }

        if link.header.showCommand == ShowCommand.minimizedNoActivate {
            out.append(LNKIndicator(.hiddenWindow, "ShowCommand SW_SHOWMINNOACTIVE"))
        }
        if !link.appendedData.isEmpty {
            out.append(
                LNKIndicator(
                    .appendedData,
                    "\(link.appendedData.count) bytes (\(sniff(link.appendedData))) after the shortcut at offset "
                        + "\(link.appendedDataOffset ?? 0)"))
        }
        if let remote = [link.networkPath, target].compactMap({ $0 }).first(where: isRemote) {
            out.append(LNKIndicator(.remoteTarget, remote))
        }
        for url in urls(in: arguments) { out.append(LNKIndicator(.url, url)) }
        return out
    }

    // MARK: - Pieces

    /// The lower-cased base name of a path or command word, without quotes and without `.exe`.
    static func baseName(_ path: String) -> String {
        var name = Substring(path.trimmingQuotes())
        if let slash = name.lastIndex(where: { $0 == "\\" || $0 == "/" }) { name = name[name.index(after: slash)...] }
        var lower = name.lowercased()
        if lower.hasSuffix(".exe") { lower.removeLast(4) }
        return lower
    }

    /// The lower-cased extension of a path, without the dot.
    static func fileExtension(_ path: String) -> String {
        let name = baseNameKeepingExtension(path)
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }

    static func baseNameKeepingExtension(_ path: String) -> Substring {
        let trimmed = Substring(path.trimmingQuotes())
        guard let slash = trimmed.lastIndex(where: { $0 == "\\" || $0 == "/" }) else { return trimmed }
        return trimmed[trimmed.index(after: slash)...]
    }

    /// The icon location (or icon environment path) when it shows a document.
    static func documentIcon(_ link: ShellLink) -> String? {
        for location in [link.iconLocation, link.iconEnvironmentTarget].compactMap({ $0 }) where !location.isEmpty {
            let file = baseNameKeepingExtension(location).lowercased()
            let index = link.header.iconIndex
            if documentExtensions.contains(fileExtension(location)) { return "\(location)" }
            if let indices = documentIconPrograms[file] {
                if indices.map({ $0.contains(index) }) ?? true { return "\(location),\(index)" }
            }
            if let indices = documentIconIndices[file], indices.contains(index) { return "\(location),\(index)" }
        }
        return nil
    }

    /// Splits a command line into words at whitespace and at `& | ; ( )`, keeping quoted runs together (quotes
    /// kept).
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        var quoted = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            let separator =
                byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
                || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "|") || byte == UInt8(ascii: ";")
                || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
            if !quoted && separator {
                if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)) }
        return out
    }

    /// Whether `word` is `-name` (or `/name`, or a dash look-alike) abbreviated to at least `minimum` letters.
    static func isSwitch(_ word: String, _ name: String, minimum: Int) -> Bool {
        guard let first = word.first, "-/\u{2013}\u{2014}\u{2015}".contains(first) else { return false }
        let rest = word.dropFirst().lowercased()
        return rest.count >= minimum && name.hasPrefix(rest)
    }

    /// `-e`, `-en`, `-enc`, ... `-EncodedCommand`, and `-ec`.
    static func isEncodedCommandSwitch(_ word: String) -> Bool {
        isSwitch(word, "encodedcommand", minimum: 1) || word.dropFirst().lowercased() == "ec"
            && isSwitch(word, "ec", minimum: 2)
    }

    /// Decodes Base64 (standard or URL-safe alphabet; quotes, whitespace and padding ignored), at most `limit`
    /// bytes; `nil` for anything else.
    static func decodeBase64(_ text: String, limit: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        var symbols = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="), UInt8(ascii: "\""), UInt8(ascii: "'"), 0x09, 0x0A, 0x0D, 0x20: continue
            default: return nil
            }
            symbols += 1
            accumulator = (accumulator << 6 | value) & 0xFFFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                guard out.count < limit else { break }
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return symbols >= 8 ? out : nil
    }

    /// UTF-16LE bytes as text (an odd last byte is dropped).
    static func utf16LE(_ bytes: [UInt8]) -> String {
        Text.utf16(bytes[...], stopAtNUL: false)
    }

    /// The length of the longest run of whitespace (spaces, tabs, line breaks, ideographic spaces...).
    static func longestWhitespaceRun(_ text: String) -> Int {
        var best = 0
        var run = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let white = v < 0x80 ? (v == 0x20 || (0x09...0x0D).contains(v)) : scalar.properties.isWhitespace
            if white {
                run += 1
                best = max(best, run)
            } else {
                run = 0
            }
        }
        return best
    }

    /// URLs (http, https, ftp) in `text`, at most 32.
    static func urls(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        let schemes = ["http://", "https://", "ftp://"].map { Array($0.utf8) }
        let stops = Set("\"'()<>`;,|^ \t\r\n".utf8)
        var out: [String] = []
        var i = 0
        while i < bytes.count, out.count < 32 {
            let matched = schemes.first { scheme in
                i + scheme.count <= bytes.count
                    && zip(scheme, bytes[i..<(i + scheme.count)]).allSatisfy { $0 == ($1 | 0x20) || $0 == $1 }
            }
            guard let scheme = matched else {
                i += 1
                continue
            }
            var end = i + scheme.count
            while end < bytes.count, !stops.contains(bytes[end]) { end += 1 }
            if end > i + scheme.count { out.append(String(decoding: bytes[i..<end], as: UTF8.self)) }
            i = end
        }
        return out
    }

    /// Whether a path names a network location: UNC, WebDAV or a URL.
    static func isRemote(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasPrefix("\\\\") || lower.hasPrefix("//") || lower.contains("davwwwroot")
            || lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// A short name for what the appended bytes look like.
    static func sniff(_ bytes: ArraySlice<UInt8>) -> String {
        let head = Array(bytes.prefix(8))
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "ZIP" }
        if starts(Array("MSCF".utf8)) { return "CAB" }
        if starts([0x4D, 0x5A]) { return "PE" }
        if starts(Array("Rar!".utf8)) { return "RAR" }
        if starts([0x37, 0x7A, 0xBC, 0xAF]) { return "7z" }
        if starts([0xD0, 0xCF, 0x11, 0xE0]) { return "OLE" }
        let sample = bytes.prefix(512)
        if sample.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20..<0x7F).contains($0) || $0 >= 0x80 }) {
            return "text"
        }
        return "binary"
    }
}

extension String {
    /// The string without surrounding double or single quotes.
    func trimmingQuotes() -> String {
        var s = Substring(self)
        while let f = s.first, f == "\"" || f == "'" { s = s.dropFirst() }
        while let l = s.last, l == "\"" || l == "'" { s = s.dropLast() }
        return String(s)
    }
}
