import ByteCursor

/// Undoes cmd's obfuscation tricks the way cmd itself reads a batch file, line by line.
///
/// - `%name%` expansion with the variables the script `set`s (and `!name!` delayed expansion), substrings
///   `%name:~start,length%` and replacements `%name:old=new%`, also over the default values of well-known
///   variables (`%COMSPEC:~-16,1%`, `%PUBLIC:~5,1%`); an undefined variable that is not an environment variable
///   expands to nothing, as in a batch file (`p%junk%owershell`).
/// - `^` escapes outside quotes are removed (`p^o^w^e^r^s^h^e^l^l`).
/// - `set x=...&call %%x%%`: the commands of a line are expanded again after its `set`s, as `call` does.
///
/// The result is the normalized script, scanned again for keywords, and one decoded string per line that changed.
struct BatchDecoder {
    /// A finding about the obfuscation itself.
    struct Finding {
        var keyword: String
        var description: String
        var effect: KeywordEffect
        var offset: Int
    }

    struct Result {
        /// The script after expansion and caret removal, when it differs from the input.
        var normalized: [UInt8]?
        var decodings: [Decoding] = []
        var findings: [Finding] = []
        var limitsHit: [String] = []
    }

    /// Environment variables a script may use without setting them: left as they are.
    static let environment: Set<String> = [
        "temp", "tmp", "appdata", "localappdata", "userprofile", "username", "userdomain", "computername", "comspec",
        "systemroot", "windir", "programdata", "programfiles", "programfiles(x86)", "programw6432",
        "commonprogramfiles", "commonprogramfiles(x86)", "public", "allusersprofile", "homedrive", "homepath",
        "systemdrive", "path", "pathext", "os", "processor_architecture", "number_of_processors", "random", "date",
        "time", "cd", "errorlevel", "cmdcmdline", "psmodulepath", "onedrive", "logonserver", "sessionname",
        "driverdata", "processor_identifier", "cmdextversion", "highestnumanodenumber",
    ]

    /// Default values of the variables Dosfuscation cuts letters from.
    static let defaults: [String: String] = [
        "comspec": "C:\\WINDOWS\\system32\\cmd.exe", "systemroot": "C:\\WINDOWS", "windir": "C:\\WINDOWS",
        "public": "C:\\Users\\Public", "programdata": "C:\\ProgramData", "allusersprofile": "C:\\ProgramData",
        "programfiles": "C:\\Program Files", "commonprogramfiles": "C:\\Program Files\\Common Files",
        "systemdrive": "C:", "os": "Windows_NT", "pathext": ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC",
        "programfiles(x86)": "C:\\Program Files (x86)",
    ]

    static let droppedExtensions: Set<String> = [
        "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "ps1", "bat", "cmd", "exe", "dll", "scr", "lnk", "pif", "com",
    ]

    private var variables: [String: [UInt8]] = [:]
    private let limits: ScriptLimits
    private let maxLine: Int
    private var result = Result()
    private var substrings = 0
    private var carets = 0
    private var firstCaret = -1
    private var firstSubstring = -1
    private var budget: Int

    private init(limits: ScriptLimits) {
        self.limits = limits
        self.maxLine = max(256, limits.maxStringBytes.maximum)
        self.budget = max(0, limits.maxDecodedBytes.maximum)
    }

    /// Decodes `b`; at most `limit` decoded lines are reported.
    static func decode(_ b: [UInt8], limits: ScriptLimits, limit: Int) -> Result {
        var d = BatchDecoder(limits: limits)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var changed = false
        var lineStart = 0
        let n = b.count
        while lineStart < n {
            var end = lineStart
            while end < n && b[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > lineStart && b[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            // A caret at the end of a line continues it on the next.
            var line = Array(b[lineStart..<lineEnd])
            var next = min(n, end + 1)
            while let last = line.last, last == UInt8(ascii: "^"), next < n, line.count < d.maxLine {
                line.removeLast()
                var e = next
                while e < n && b[e] != 0x0A { e += 1 }
                var le = e
                if le > next && b[le - 1] == 0x0D { le -= 1 }
                line += b[next..<le]
                next = min(n, e + 1)
            }
            let normalized = d.line(line, offset: lineStart)
            if normalized != line {
                changed = true
                if d.result.decodings.count < limit {
                    let encoding =
                        d.lastLineUsedVariables && d.lastLineUsedCarets
                        ? "Batch variables and carets" : d.lastLineUsedCarets ? "Batch caret escapes" : "Batch variables"
                    d.result.decodings.append(
                        Decoding(
                            encoding: encoding, encoded: Text.string(line[...]),
                            decoded: Text.string(normalized[...]), offset: lineStart))
                }
            }
            out += normalized
            out.append(0x0A)
            lineStart = next
        }
        if changed { d.result.normalized = out }
        if d.carets >= 3 {
            d.result.findings.append(
                Finding(
                    keyword: "^", description: "May use caret (^) escapes to obfuscate commands", effect: .none,
                    offset: d.firstCaret))
        }
        if d.substrings > 0 {
            d.result.findings.append(
                Finding(
                    keyword: "%VAR:~n,m%", description: "May build commands from substrings of variables",
                    effect: .none, offset: d.firstSubstring))
        }
        return d.result
    }

    private var lastLineUsedVariables = false
    private var lastLineUsedCarets = false

    /// One logical line: expansion, caret removal, `set`, second expansion.
    private mutating func line(_ line: [UInt8], offset: Int) -> [UInt8] {
        lastLineUsedVariables = false
        lastLineUsedCarets = false
        // Labels and comments are left alone.
        var k = 0
        while k < line.count && (line[k] == 0x20 || line[k] == 0x09 || line[k] == UInt8(ascii: "@")) { k += 1 }
        if k < line.count && line[k] == UInt8(ascii: ":") { return line }
        if Text.matchesLower(line, k, Array("rem".utf8)) && (k + 3 == line.count || Text.isSpace(line[k + 3])) {
            return line
        }
        let expanded = expandPercent(line, offset: offset, finalPass: false)
        let commands = split(expanded, offset: offset)
        var out: [UInt8] = []
        for (command, separator) in commands {
            var c = expandPercent(command, offset: offset, finalPass: true)
            c = expandDelayed(c)
            inspect(command: c, original: command, offset: offset)
            assign(c)
            out += c
            out += separator
        }
        return out
    }

    // MARK: - Expansion

    /// `%name%`, `%name:~a,b%`, `%name:x=y%`, `%%` in `b`. Undefined names stay as they are, unless this is the
    /// final pass and the name is not an environment variable.
    private mutating func expandPercent(_ b: [UInt8], offset: Int, finalPass: Bool) -> [UInt8] {
        guard b.contains(UInt8(ascii: "%")) else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            guard c == UInt8(ascii: "%") else {
                out.append(c)
                i += 1
                continue
            }
            if !finalPass && i + 1 < n && b[i + 1] == UInt8(ascii: "%") {
                out.append(c)
                i += 2
                continue
            }
            // %0..%9, %~dp0, %*: arguments.
            if i + 1 < n && (Text.isDigit(b[i + 1]) || b[i + 1] == UInt8(ascii: "~") || b[i + 1] == UInt8(ascii: "*")) {
                out.append(c)
                i += 1
                continue
            }
            var j = i + 1
            while j < n && b[j] != UInt8(ascii: "%") && j - i < 256 { j += 1 }
            guard j < n && b[j] == UInt8(ascii: "%") && j > i + 1 else {
                out.append(c)
                i += 1
                continue
            }
            let body = Array(b[(i + 1)..<j])
            if let value = resolve(body, offset: offset, finalPass: finalPass) {
                lastLineUsedVariables = true
                guard out.count + value.count <= maxLine, budget >= value.count else {
                    hitLimit(limits.maxStringBytes)
                    return b
                }
                budget -= value.count
                out += value
            } else {
                out += b[i...j]
            }
            i = j + 1
        }
        return out
    }

    /// The value of a `%...%` body, or `nil` to leave it.
    private mutating func resolve(_ body: [UInt8], offset: Int, finalPass: Bool) -> [UInt8]? {
        var nameEnd = 0
        while nameEnd < body.count && body[nameEnd] != UInt8(ascii: ":") { nameEnd += 1 }
        let name = String(decoding: body[..<nameEnd].map(Text.lower), as: UTF8.self)
        guard !name.isEmpty, !name.contains(" ") || name.count < 64 else { return nil }
        let known = variables[name]
        let fallback = Self.defaults[name].map { Array($0.utf8) }
        if nameEnd == body.count {
            if let known { return known }
            if finalPass && !Self.environment.contains(name) && !name.contains(" ") {
                lastLineUsedVariables = true
                return []
            }
            return nil
        }
        guard let value = known ?? fallback else { return nil }
        let modifier = Array(body[(nameEnd + 1)...])
        if modifier.first == UInt8(ascii: "~") {
            guard let s = Self.substring(value, Array(modifier.dropFirst())) else { return nil }
            substrings += 1
            if firstSubstring < 0 { firstSubstring = offset }
            return s
        }
        guard let eq = modifier.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        let old = Array(modifier[..<eq])
        let new = Array(modifier[(eq + 1)...])
        guard !old.isEmpty, old.first != UInt8(ascii: "*") else { return nil }
        let replaced = JScriptDecoder.replace(
            value.map { UInt16($0) }, old.map { UInt16($0) }, new.map { UInt16($0) }, all: true, ignoreCase: true,
            max: maxLine)
        substrings += 1
        if firstSubstring < 0 { firstSubstring = offset }
        return replaced.map { $0.map { UInt8(truncatingIfNeeded: $0) } }
    }

    /// `~start[,length]` over `value`, with cmd's negative offsets.
    static func substring(_ value: [UInt8], _ spec: [UInt8]) -> [UInt8]? {
        let text = String(decoding: spec, as: UTF8.self).replacingSpaces()
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let start = Int(parts[0]) else { return nil }
        let n = value.count
        var from = start < 0 ? max(0, n + start) : min(n, start)
        var to = n
        if parts.count == 2 {
            guard let length = Int(parts[1]) else { return nil }
            to = length < 0 ? max(0, n + length) : min(n, from + length)
        }
        if from > n { from = n }
        return from < to ? Array(value[from..<to]) : []
    }

    /// `!name!` with the variables known so far.
    private mutating func expandDelayed(_ b: [UInt8]) -> [UInt8] {
        guard b.contains(UInt8(ascii: "!")) else { return b }
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "!") {
                var j = i + 1
                while j < b.count && b[j] != UInt8(ascii: "!") && Text.isWord(b[j]) { j += 1 }
                if j < b.count && b[j] == UInt8(ascii: "!") && j > i + 1 {
                    let name = String(decoding: b[(i + 1)..<j].map(Text.lower), as: UTF8.self)
                    if let value = variables[name], out.count + value.count <= maxLine, budget >= value.count {
                        budget -= value.count
                        out += value
                        lastLineUsedVariables = true
                        i = j + 1
                        continue
                    }
                }
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    // MARK: - Commands

    /// Splits a line into commands at `&`, `&&`, `||` and `|` outside quotes, removing `^` escapes.
    private mutating func split(_ b: [UInt8], offset: Int) -> [([UInt8], [UInt8])] {
        var commands: [([UInt8], [UInt8])] = []
        var current: [UInt8] = []
        var quoted = false
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x22 {
                quoted.toggle()
                current.append(c)
                i += 1
                continue
            }
            if !quoted && c == UInt8(ascii: "^") {
                if i + 1 < b.count {
                    if i > 0 && Text.isWord(b[i - 1]) && Text.isWord(b[i + 1]) {
                        carets += 1
                        if firstCaret < 0 { firstCaret = offset }
                    }
                    lastLineUsedCarets = true
                    current.append(b[i + 1])
                    i += 2
                } else {
                    i += 1
                }
                continue
            }
            if !quoted && (c == UInt8(ascii: "&") || c == UInt8(ascii: "|")) {
                var separator = [c]
                if i + 1 < b.count && b[i + 1] == c {
                    separator.append(c)
                    i += 1
                }
                commands.append((current, separator))
                current = []
                i += 1
                continue
            }
            current.append(c)
            i += 1
        }
        commands.append((current, []))
        return commands
    }

    /// `set name=value` and `set "name=value"` (not `/a` or `/p`).
    private mutating func assign(_ command: [UInt8]) {
        var i = 0
        while i < command.count && (command[i] == 0x20 || command[i] == 0x09 || command[i] == UInt8(ascii: "@")) {
            i += 1
        }
        guard Text.matchesLower(command, i, Array("set".utf8)), i + 3 < command.count,
            command[i + 3] == 0x20 || command[i + 3] == 0x09
        else { return }
        i += 4
        while i < command.count && (command[i] == 0x20 || command[i] == 0x09) { i += 1 }
        guard i < command.count, command[i] != UInt8(ascii: "/") else { return }
        var body = Array(command[i...])
        if body.first == 0x22 {
            body.removeFirst()
            if let q = body.lastIndex(of: 0x22) { body = Array(body[..<q]) }
        } else {
            while let l = body.last, l == 0x20 || l == 0x09 { body.removeLast() }
        }
        guard let eq = body.firstIndex(of: UInt8(ascii: "=")), eq > 0 else { return }
        let name = String(decoding: body[..<eq].map(Text.lower), as: UTF8.self)
        let value = Array(body[(eq + 1)...])
        guard value.count <= maxLine else {
            hitLimit(limits.maxStringBytes)
            return
        }
        guard variables[name] != nil || variables.count < limits.maxVariables.maximum else {
            hitLimit(limits.maxVariables)
            return
        }
        variables[name] = value
    }

    /// Findings about one command: a command taken from a variable, and echo redirected into a script.
    private mutating func inspect(command: [UInt8], original: [UInt8], offset: Int) {
        var i = 0
        while i < original.count && (original[i] == 0x20 || original[i] == 0x09 || original[i] == UInt8(ascii: "@")) {
            i += 1
        }
        if i < original.count, original[i] == UInt8(ascii: "%") || original[i] == UInt8(ascii: "!"),
            i + 1 < original.count, Text.isAlpha(original[i + 1]),
            !result.findings.contains(where: { $0.keyword == "%var% command" })
        {
            result.findings.append(
                Finding(
                    keyword: "%var% command", description: "May run a command hidden in a variable",
                    effect: .execute, offset: offset))
        }
        // "> file.ext" or ">> file.ext" with a script or program extension.
        guard let gt = command.firstIndex(of: UInt8(ascii: ">")) else { return }
        var j = gt + 1
        if j < command.count && command[j] == UInt8(ascii: ">") { j += 1 }
        while j < command.count && (command[j] == 0x20 || command[j] == 0x22) { j += 1 }
        var end = j
        while end < command.count && command[end] != 0x20 && command[end] != 0x22 { end += 1 }
        guard let dot = command[j..<end].lastIndex(of: UInt8(ascii: ".")) else { return }
        let ext = String(decoding: command[(dot + 1)..<end].map(Text.lower), as: UTF8.self)
        guard Self.droppedExtensions.contains(ext),
            !result.findings.contains(where: { $0.description == "May write a script or program to disk" })
        else { return }
        result.findings.append(
            Finding(
                keyword: Text.string(command[gt..<end]), description: "May write a script or program to disk",
                effect: .write, offset: offset))
    }

    private mutating func hitLimit(_ limit: Limit) {
        let message = "limit \(limit.name) (\(limit.maximum)) reached"
        if !result.limitsHit.contains(message) { result.limitsHit.append(message) }
    }
}

extension String {
    fileprivate func replacingSpaces() -> String { String(self.filter { $0 != " " }) }
}
