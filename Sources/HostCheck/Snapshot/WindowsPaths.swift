/// Windows path and command-line helpers, as EmoCheck compares them.
public enum WindowsPaths {
    /// EmoCheck's `PathUnification` (utils/utils.cpp): double quotes removed, runs of white space collapsed to one,
    /// lowercased. Two command lines or paths are compared after this.
    public static func unify(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var lastWasSpace = false
        for c in s where c != "\"" {
            let space = c.isWhitespace
            if space && lastWasSpace { continue }
            out.append(c)
            lastWasSpace = space
        }
        return out.lowercased()
    }

    /// Whether `commandLine` names `path`, after unification (EmoCheck's `contain(PathUnification(...))`).
    public static func commandLine(_ commandLine: String, contains path: String) -> Bool {
        let p = unify(path)
        return !p.isEmpty && unify(commandLine).contains(p)
    }

    /// `path` with a `SysWOW64` component written `System32`: what a 64-bit process sees of a file a 32-bit one
    /// wrote (the WOW64 file-system redirector), as `ScanEmotetProcess` (emocheck.cpp) allows for.
    public static func redirected(_ path: String) -> String {
        unify(path).replacingFirst("syswow64", with: "system32")
    }

    /// The first argument of a command line, as `CommandLineToArgvW` splits it (quoted or up to white space).
    public static func firstArgument(of commandLine: String) -> String? {
        arguments(of: commandLine, max: 1).first
    }

    /// The arguments of a command line, split as `CommandLineToArgvW` does for the common cases (quotes group,
    /// white space separates); at most `max`.
    public static func arguments(of commandLine: String, max: Int = 64) -> [String] {
        var args: [String] = []
        var current = ""
        var inQuotes = false
        var hasToken = false
        for c in commandLine {
            if args.count >= max { break }
            if c == "\"" {
                inQuotes.toggle()
                hasToken = true
            } else if c.isWhitespace && !inQuotes {
                if hasToken {
                    args.append(current)
                    current = ""
                    hasToken = false
                }
            } else {
                current.append(c)
                hasToken = true
            }
        }
        if hasToken && args.count < max { args.append(current) }
        return args
    }

    /// The last component of a Windows path (`rundll32.exe` of `C:\Windows\SysWOW64\rundll32.exe`).
    public static func fileName(_ path: String) -> String {
        guard let i = path.lastIndex(where: { $0 == "\\" || $0 == "/" }) else { return path }
        return String(path[path.index(after: i)...])
    }

    /// Joins components with backslashes.
    public static func join(_ parts: [String]) -> String { parts.joined(separator: "\\") }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return replacingCharacters(in: r, with: replacement)
    }

    /// A naive substring search that needs no Foundation.
    func range(of target: String) -> Range<String.Index>? {
        guard !target.isEmpty, target.count <= count else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) {
                return i..<(index(i, offsetBy: target.count))
            }
            i = index(after: i)
        }
        return nil
    }
}
