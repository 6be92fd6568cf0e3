/// One mailbox from an address header.
public struct MailAddress: Sendable, Hashable {
    /// The display name (phrase, or the comment of the obsolete `addr (Name)` form), already decoded.
    public var displayName: String?
    /// The addr-spec, e.g. `"user@example.invalid"` (may be empty or malformed in hostile mail).
    public var address: String

    public init(displayName: String?, address: String) {
        self.displayName = displayName
        self.address = address
    }

    private enum Token: Equatable {
        case atom(String)
        case quoted(String)
        case comment(String)
        case angle(String)
        case comma, colon, semicolon
    }

    /// Parses an RFC 5322 address list from a decoded header value: mailboxes, `Name <addr>`, quoted and
    /// commented display names, groups (`team: a@x, b@y;`), and obsolete forms (routes, `addr (Name)`).
    public static func parseList(_ headerValue: String) -> [MailAddress] {
        let scalars = Array(headerValue.unicodeScalars.prefix(1 << 20))
        var tokens: [Token] = []
        var i = 0
        var atom = String.UnicodeScalarView()
        func flushAtom() {
            if !atom.isEmpty {
                tokens.append(.atom(String(atom)))
                atom = String.UnicodeScalarView()
            }
        }
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "\"":
                flushAtom()
                var s = String.UnicodeScalarView()
                i += 1
                while i < scalars.count && scalars[i] != "\"" {
                    if scalars[i] == "\\" && i + 1 < scalars.count { i += 1 }
                    s.append(scalars[i])
                    i += 1
                }
                tokens.append(.quoted(String(s)))
            case "(":
                flushAtom()
                var depth = 1
                var s = String.UnicodeScalarView()
                i += 1
                while i < scalars.count {
                    let d = scalars[i]
                    if d == "\\" && i + 1 < scalars.count {
                        s.append(scalars[i + 1])
                        i += 2
                        continue
                    }
                    if d == "(" { depth += 1 }
                    if d == ")" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    s.append(d)
                    i += 1
                }
                tokens.append(.comment(String(s)))
            case "<":
                flushAtom()
                var s = String.UnicodeScalarView()
                i += 1
                while i < scalars.count && scalars[i] != ">" {
                    if scalars[i] != " " && scalars[i] != "\t" { s.append(scalars[i]) }
                    i += 1
                }
                tokens.append(.angle(String(s)))
            case ",":
                flushAtom()
                tokens.append(.comma)
            case ":":
                flushAtom()
                tokens.append(.colon)
            case ";":
                flushAtom()
                tokens.append(.semicolon)
            case " ", "\t", "\r", "\n": flushAtom()
            default: atom.append(c)
            }
            i += 1
        }
        flushAtom()

        var out: [MailAddress] = []
        var phrase: [String] = []
        var comments: [String] = []
        var angle: String?
        var specParts: [String] = []
        func finish() {
            defer {
                phrase = []
                comments = []
                angle = nil
                specParts = []
            }
            if let a = angle {
                // Drop an obsolete route (@a,@b:addr).
                var addr = a
                if addr.hasPrefix("@"), let colon = addr.firstIndex(of: ":") {
                    addr = String(addr[addr.index(after: colon)...])
                }
                let name = phrase.isEmpty ? comments.first : phrase.joined(separator: " ")
                out.append(MailAddress(displayName: name.flatMap { $0.isEmpty ? nil : $0 }, address: addr))
                return
            }
            // No angle brackets: the phrase tokens are the addr-spec.
            let spec = (phrase + specParts).joined()
            guard !spec.isEmpty else { return }
            out.append(MailAddress(displayName: comments.first.flatMap { $0.isEmpty ? nil : $0 }, address: spec))
        }
        for t in tokens {
            switch t {
            case .atom(let s): if angle == nil { phrase.append(s) } else { specParts.append(s) }
            case .quoted(let s): phrase.append(s)
            case .comment(let s): comments.append(s.trimmingWhitespace())
            case .angle(let s): angle = s
            case .comma, .semicolon: finish()
            case .colon:
                // A group name (or an obsolete route start inside angle brackets, which the tokenizer kept).
                phrase = []
                comments = []
            }
        }
        finish()
        return out
    }
}
