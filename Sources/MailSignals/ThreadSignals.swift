import ByteCursor

/// The reply and forward prefixes of a subject (`Re: Fw: 【至急】請求書` → reply, forward; base `【至急】請求書`).
///
/// Recognised: `Re`, `RE`, `Fw`, `FW`, `Fwd`, `返信`, `転送`, and the German, Nordic and Spanish forms
/// (`AW`, `WG`, `SV`, `VS`, `RV`, `RES`, `TR`), with a count (`Re[2]:`, `Re(2):`, `Re^2:`), full-width letters and
/// colon (`Ｒｅ：`), spaces before the colon, stacked prefixes, and mailing-list tags before them
/// (`[partner-ml:0123] Re:`).
public struct SubjectPrefixes: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case reply, forward
    }

    /// The prefixes, outermost first.
    public var prefixes: [Kind]
    /// The subject without tags and prefixes.
    public var base: String

    /// The outermost prefix: what this message says it is.
    public var kind: Kind? { prefixes.first }

    private static let words: [String: Kind] = [
        "re": .reply, "返信": .reply, "aw": .reply, "sv": .reply, "res": .reply, "回复": .reply, "答复": .reply,
        "fw": .forward, "fwd": .forward, "転送": .forward, "wg": .forward, "vs": .forward, "rv": .forward,
        "tr": .forward, "转发": .forward,
    ]

    public init(parsing subject: String, limits: MailSignalLimits = .default) {
        let s = Text.scalars(subject, limits.maxHeaderScalars).scalars.map(Text.foldWidth)
        var i = 0
        var kinds: [Kind] = []
        func skipSpaces() { while i < s.count, Text.isSpace(s[i]) || Text.isInvisible(s[i]) { i += 1 } }
        var consumed = 0
        for _ in 0..<64 {
            skipSpaces()
            guard i < s.count else { break }
            if s[i] == "[" {  // a list tag: up to 64 scalars to the closing bracket
                var j = i + 1
                while j < s.count, j - i < 64, s[j] != "]" { j += 1 }
                guard j < s.count, s[j] == "]" else { break }
                i = j + 1
                consumed = i
                continue
            }
            var j = i
            while j < s.count, s[j].properties.isAlphabetic, j - i < 8 { j += 1 }
            guard j > i, let kind = Self.words[Text.string(s[i..<j]).lowercased()] else { break }
            // An optional count: [2], (2), ^2.
            if j < s.count, s[j] == "[" || s[j] == "(" || s[j] == "^" {
                let open = s[j]
                var k = j + 1
                while k < s.count, k - j <= 6, s[k].properties.numericType != nil { k += 1 }
                if open == "^" {
                    j = k
                } else if k < s.count, s[k] == (open == "[" ? "]" : ")") {
                    j = k + 1
                }
            }
            while j < s.count, Text.isSpace(s[j]) { j += 1 }
            guard j < s.count, s[j] == ":" else { break }
            kinds.append(kind)
            i = j + 1
            consumed = i
        }
        prefixes = kinds
        var rest = Array(s[min(consumed, s.count)...])
        while let f = rest.first, Text.isSpace(f) { rest.removeFirst() }
        base = kinds.isEmpty ? subject : Text.string(rest)
    }
}

/// The thread quoted in a body: who took part, and how much is new text and how much is quote.
///
/// The quote starts at the first of: a `>` quoted line; an attribution (`On ... wrote:`, `... wrote:`,
/// `... さんは書きました:`, Gmail's Japanese `2024年1月8日(月) 10:00 山田 太郎 <yamada@example.jp>:`); a separator
/// (`-----Original Message-----`, `-----元のメッセージ-----`, `---------- Forwarded message ---------`,
/// `-------- 転送メッセージ --------`, Outlook's line of underscores); or a header block of Outlook's English or
/// Japanese reply headers (`From:`/`差出人:`/`送信者:` followed by `Sent:`/`送信日時:`/`To:`/`宛先:`/`件名:`...).
/// Participants are read from attributions and from the `From`, `To` and `Cc` lines (`差出人`, `送信者`, `宛先`,
/// `CC`) of header blocks, in `>` quoted text too. Everything from the quote's start on counts as quoted, so text
/// interleaved below a quote counts as quote too.
public struct QuotedThread: Sendable, Hashable {
    /// Someone named in the quoted thread.
    public struct Participant: Sendable, Hashable {
        /// The display name, as written (may be `nil` when only an address is given).
        public var name: String?
        /// The address, lower-cased, when one is given.
        public var address: String?
        /// The 1-based line of the body it was read from.
        public var line: Int
    }

    public var participants: [Participant]
    /// Scalars other than spaces above the quote.
    public var newTextScalars: Int
    /// Scalars other than spaces from the quote's start on.
    public var quotedScalars: Int
    /// The 1-based line where the quote starts, if there is one.
    public var quoteStartLine: Int?
    /// Whether a limit (body length, lines scanned, participants) cut the reading short.
    public var limitReached: Bool

    public init(parsing body: String, limits: MailSignalLimits = .default) {
        participants = []
        newTextScalars = 0
        quotedScalars = 0
        quoteStartLine = nil
        limitReached = false
        // Lines are read on the body's UTF-8 (a line feed byte is always U+000A); an ASCII line is cleaned and
        // weighed on its bytes, any other through its scalars.
        var texts: [String] = []
        var weights: [Int] = []
        var cut = false
        var linesCut = false
        var body = body
        body.withUTF8 { bytes in
            let (end, bodyCut) = Text.prefixEnd(ofScalars: limits.maxBodyScalars.maximum, in: bytes)
            cut = bodyCut
            func take(_ range: Range<Int>) {
                let (text, weight) = Self.cleanAndWeigh(bytes, range)
                texts.append(text)
                weights.append(weight)
            }
            var start = 0
            var i = 0
            while i < end {
                if bytes[i] == 0x0A {
                    take(start..<i)
                    start = i + 1
                    if texts.count >= limits.maxQuoteLines.maximum { break }
                }
                i += 1
            }
            if texts.count < limits.maxQuoteLines.maximum {
                take(start..<end)
            } else if start < end {
                linesCut = true
            }
        }
        limitReached = cut || linesCut
        var inQuote = false
        for index in texts.indices {
            let text = texts[index]
            let line = Self.unquoted(text)
            let isQuoted = text.first == ">"
            var startsHere = isQuoted
            if let attribution = Self.attribution(line, next: index + 1 < texts.count ? texts[index + 1] : nil) {
                startsHere = true
                add(attribution, line: index + 1, limits)
            } else if Self.isSeparator(line) {
                startsHere = true
            } else if let (key, value) = Self.header(line), Self.participantKeys.contains(key) {
                let nextIsHeader =
                    texts[(index + 1)..<min(texts.count, index + 4)].contains {
                        Self.header(Self.unquoted($0)) != nil
                    }
                let previousIsHeader = index > 0 && Self.header(Self.unquoted(texts[index - 1])) != nil
                if inQuote || nextIsHeader || previousIsHeader {
                    startsHere = startsHere || Self.fromKeys.contains(key)
                    for p in Self.people(value, limits) { add(p, line: index + 1, limits) }
                }
            }
            if startsHere && !inQuote {
                inQuote = true
                quoteStartLine = index + 1
            }
            let weight = weights[index]
            if inQuote { quotedScalars += weight } else { newTextScalars += weight }
        }
    }

    private mutating func add(_ p: (name: String?, address: String?), line: Int, _ limits: MailSignalLimits) {
        guard p.name != nil || p.address != nil else { return }
        guard limits.maxParticipants.allows(participants.count + 1) else {
            limitReached = true
            return
        }
        let participant = Participant(name: p.name, address: p.address, line: line)
        if !participants.contains(where: { $0.name == p.name && $0.address == p.address }) {
            participants.append(participant)
        }
    }

    private static let fromKeys: Set<String> = ["from", "差出人", "送信者", "送信元"]
    private static let participantKeys: Set<String> = fromKeys.union(["to", "cc", "宛先", "宛て先", "cc"])
    private static let headerKeys: Set<String> = participantKeys.union([
        "sent", "date", "subject", "送信日時", "日付", "件名", "日時", "reply-to", "bcc",
    ])

    /// A line's ``clean(_:)`` text and its weight (scalars other than spaces), from its UTF-8 bytes.
    private static func cleanAndWeigh(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (String, Int) {
        // ``Text/isSpace(_:)`` of an ASCII byte.
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        var ascii = true
        var weight = 0
        for k in range {
            let b = bytes[k]
            if b >= 0x80 {
                ascii = false
                break
            }
            if !isSpace(b) { weight += 1 }
        }
        guard ascii else {
            let scalars = Text.scalars(in: bytes, range, limit: .max)
            return (clean(scalars[...]), scalars.reduce(0) { $0 + (Text.isSpace($1) ? 0 : 1) })
        }
        // ASCII: width folding changes nothing and the spaces are the ASCII ones.
        var lower = range.lowerBound
        var upper = min(range.upperBound, range.lowerBound + 4096)
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        return (String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self), weight)
    }

    /// The line width folded, without the trailing carriage return and leading spaces.
    private static func clean(_ line: ArraySlice<Unicode.Scalar>) -> String {
        var s = line.prefix(4096).map(Text.foldWidth)
        while let l = s.last, Text.isSpace(l) { s.removeLast() }
        while let f = s.first, Text.isSpace(f) { s.removeFirst() }
        return Text.string(s)
    }

    /// The line without its `>` quote markers and the bold markers of a rich-text reply (`*From:*`).
    private static func unquoted(_ line: String) -> String {
        var s = Substring(line)
        while let f = s.first, f == ">" || f == " " || f == "|" { s = s.dropFirst() }
        while let f = s.first, f == "*" { s = s.dropFirst() }
        return String(s)
    }

    private static func isSeparator(_ line: String) -> Bool {
        // Most lines start with none of the separators' first characters: no lower-casing for them.
        guard let first = line.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "_")
            || first == UInt8(ascii: "=") || first == UInt8(ascii: "b") || first == UInt8(ascii: "B")
        else { return false }
        let lower = line.lowercased()
        if lower.hasPrefix("---") || lower.hasPrefix("___") || lower.hasPrefix("===") {
            for marker in [
                "original message", "forwarded message", "元のメッセージ", "転送メッセージ", "オリジナルメッセージ",
                "転送されたメッセージ", "message d'origine", "ursprüngliche nachricht",
            ] where lower.contains(marker) { return true }
            if lower.count >= 20 && lower.allSatisfy({ $0 == "_" }) { return true }
        }
        return lower == "begin forwarded message:"
    }

    /// `key: value` of a header-like line, key lower-cased (`差出人: 山田` → `("差出人", "山田")`).
    private static func header(_ line: String) -> (String, String)? {
        // Every key is short: a line whose first colon comes late is no header.
        guard let colon = line.utf8.prefix(41).firstIndex(of: UInt8(ascii: ":")) else {
            return nil
        }
        var key = line[..<colon]
        while key.last == "*" || key.last == " " { key = key.dropLast() }
        let k = key.lowercased()
        guard headerKeys.contains(k) else { return nil }
        var value = line[line.index(after: colon)...]
        while value.first == "*" || value.first == " " { value = value.dropFirst() }
        return (k, String(value))
    }

    /// The person named by an attribution line, or `nil` when the line is none.
    private static func attribution(_ line: String, next: String?) -> (name: String?, address: String?)? {
        // Every attribution ends with a colon, or starts with "On " and ends on the next line.
        guard line.utf8.last == UInt8(ascii: ":")
            || (line.utf8.count > 3 && line.utf8.prefix(3).map({ $0 | 0x20 }) == Array("on ".utf8))
        else { return nil }
        let endings = ["wrote:", "書きました:", "のメッセージ:", "schrieb:", "a écrit :", "a écrit:"]
        var text = line
        let lower = line.lowercased()
        if lower.hasPrefix("on "), !endings.contains(where: { lower.hasSuffix($0) }), let next,
            endings.contains(where: { next.lowercased().hasSuffix($0) })
        {
            text = line + " " + next  // Gmail wraps long attributions
        }
        let t = text.lowercased()
        var body: Substring
        if let ending = endings.first(where: { t.hasSuffix($0) }) {
            body = text.dropLast(ending.count)
        } else if t.hasSuffix(">:"), t.contains("@"), t.contains("年") || t.contains("/") || t.hasPrefix("20") {
            body = text.dropLast(1)  // Gmail's Japanese attribution
        } else {
            return nil
        }
        if body.lowercased().hasPrefix("on ") { body = body.dropFirst(3) }
        while body.last == " " { body = body.dropLast() }
        if body.hasSuffix("さんは") { body = body.dropLast(3) }
        let address = Text.addresses(in: Array(body.unicodeScalars), limits: .default).first
        var name = body
        if let lt = name.firstIndex(of: "<") { name = name[..<lt] }
        for separator in [" AM ", " PM ", " am ", " pm ", ", ", "、"] {
            if let r = name.range(ofLast: separator) { name = name[r.upperBound...] }
        }
        if let r = name.range(ofLast: ")") { name = name[r.upperBound...] }
        // Drop a leading time (`10:00`) left by Japanese attributions.
        let words = name.split(separator: " ").drop { $0.contains(":") || $0.allSatisfy(\.isNumber) }
        let cleaned = words.joined(separator: " ").trimmingQuotes()
        return (cleaned.isEmpty || cleaned.contains("@") ? nil : cleaned, address)
    }

    /// The people of a `From`/`To`/`Cc` value: `山田 太郎 <yamada@example.jp>; Sato [mailto:sato@example.jp]`.
    private static func people(_ value: String, _ limits: MailSignalLimits) -> [(name: String?, address: String?)] {
        var out: [(String?, String?)] = []
        let parts = value.split(separator: ";").flatMap { part -> [Substring] in
            let at = part.filter { $0 == "@" }.count
            return at >= 2 ? part.split(separator: ",") : [part]
        }
        for part in parts.prefix(64) {
            let address = Text.addresses(in: Array(part.unicodeScalars), limits: limits).first
            var name = part
            for open in ["<", "[mailto:", "(", "["] {
                if let r = name.range(ofFirst: open) { name = name[..<r.lowerBound] }
            }
            var n = String(name).trimmingQuotes()
            if n.contains("@") { n = "" }
            out.append((n.isEmpty ? nil : n, address))
        }
        return out
    }
}

/// Signals of a hijacked thread: a reply without references, a sender who is not in the quoted conversation, and
/// a few new lines above a long quote (Emotet's replies to stolen threads: "ご確認ください" over the whole thread).
public struct ThreadSignals: Sendable {
    /// When a new text counts as short above a long quote.
    public struct Thresholds: Sendable, Hashable {
        /// The most non-space scalars of new text that count as short.
        public var maxNewTextScalars: Int
        /// The fewest non-space scalars of quote that count as long.
        public var minQuotedScalars: Int
        /// The least quote-to-new-text ratio.
        public var minQuoteRatio: Int

        public init(maxNewTextScalars: Int = 200, minQuotedScalars: Int = 400, minQuoteRatio: Int = 5) {
            self.maxNewTextScalars = maxNewTextScalars
            self.minQuotedScalars = minQuotedScalars
            self.minQuoteRatio = minQuoteRatio
        }
    }

    /// Whether the sender of a reply is among the quoted thread's participants.
    public enum Membership: String, Sendable, Hashable {
        /// The sender's address is a participant's.
        case address
        /// The sender's organisational domain is a participant's (a colleague joined the thread).
        case organization
        /// The quote names no participant by address: nothing can be said.
        case unknown
        /// The quote names participants by address, and the sender is none of them nor in their organisations.
        case absent
    }

    public var thresholds: Thresholds
    public var limits: MailSignalLimits

    public init(thresholds: Thresholds = Thresholds(), limits: MailSignalLimits = .default) {
        self.thresholds = thresholds
        self.limits = limits
    }

    /// Every thread signal of one message.
    ///
    /// - Parameters:
    ///   - subject: the decoded Subject.
    ///   - inReplyTo: the In-Reply-To value, `nil` or empty when absent.
    ///   - references: the References value, `nil` or empty when absent.
    ///   - sender: the From mailbox.
    ///   - body: the main text part, if any.
    public func check(
        subject: String,
        inReplyTo: String?,
        references: String?,
        sender: Mailbox,
        body: String?
    ) -> [MailSignal] {
        var signals: [MailSignal] = []
        if let s = missingReferences(subject: subject, inReplyTo: inReplyTo, references: references) {
            signals.append(s)
        }
        if let body {
            let thread = QuotedThread(parsing: body, limits: limits)
            if let s = senderNotInThread(sender, thread) { signals.append(s) }
            if let s = shortTextAboveLongQuote(thread) { signals.append(s) }
            if thread.limitReached { signals.append(.limit(limits.maxQuoteLines, "quoted-thread reading")) }
        }
        return signals
    }

    /// A signal for a reply or forward subject with neither In-Reply-To nor References.
    public func missingReferences(subject: String, inReplyTo: String?, references: String?) -> MailSignal? {
        let blank = { (s: String?) in s?.allSatisfy { $0.isWhitespace } ?? true }
        guard blank(inReplyTo), blank(references) else { return nil }
        let prefixes = SubjectPrefixes(parsing: subject, limits: limits)
        switch prefixes.kind {
        case .reply:
            return MailSignal(
                .replyWithoutReferences,
                "the subject says reply, but the mail refers to no earlier message",
                evidence: subject
            )
        case .forward:
            return MailSignal(
                .forwardWithoutReferences,
                "the subject says forward, but the mail refers to no earlier message",
                evidence: subject
            )
        case nil:
            return nil
        }
    }

    /// Whether `sender` took part in `thread` (see ``Membership``).
    public func membership(of sender: Mailbox, in thread: QuotedThread) -> Membership {
        let addresses = thread.participants.compactMap(\.address)
        guard !addresses.isEmpty else { return .unknown }
        let own = Text.addresses(in: Array(sender.address.unicodeScalars), limits: limits).first
        guard let own else { return .absent }
        if addresses.contains(own) { return .address }
        guard let domain = DomainName.domain(ofAddress: own, limits: limits) else { return .absent }
        let org = DomainName.organizationalDomain(of: domain)
        let orgs = addresses.compactMap { DomainName.domain(ofAddress: $0, limits: limits) }
            .map { DomainName.organizationalDomain(of: $0) }
        return orgs.contains(org) ? .organization : .absent
    }

    /// A signal when the quoted thread names its participants by address and the sender is not among them.
    public func senderNotInThread(_ sender: Mailbox, _ thread: QuotedThread) -> MailSignal? {
        guard membership(of: sender, in: thread) == .absent else { return nil }
        let shown = thread.participants.prefix(5).map { p in
            [p.name, p.address.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ")
        }
        return MailSignal(
            .senderNotInQuotedThread,
            "the sender \(sender.address) is not among the quoted thread's participants",
            evidence: shown.joined(separator: ", ")
        )
    }

    /// A signal when a short new text sits above a long quote.
    public func shortTextAboveLongQuote(_ thread: QuotedThread) -> MailSignal? {
        guard thread.quoteStartLine != nil, thread.newTextScalars <= thresholds.maxNewTextScalars,
            thread.quotedScalars >= thresholds.minQuotedScalars,
            thread.quotedScalars >= thresholds.minQuoteRatio * max(thread.newTextScalars, 1)
        else { return nil }
        return MailSignal(
            .shortTextAboveLongQuote,
            "\(thread.newTextScalars) characters of new text above a quoted thread of \(thread.quotedScalars)",
            evidence: "new \(thread.newTextScalars), quoted \(thread.quotedScalars) from line "
                + "\(thread.quoteStartLine ?? 0)"
        )
    }
}

extension StringProtocol {
    func range(ofFirst needle: String) -> Range<Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<(index(i, offsetBy: needle.count)) }
            i = index(after: i)
        }
        return nil
    }

    func range(ofLast needle: String) -> Range<Index>? {
        var found: Range<Index>?
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { found = i..<(index(i, offsetBy: needle.count)) }
            i = index(after: i)
        }
        return found
    }

    /// Without surrounding spaces and quotes (`"'Yamada'"` → `Yamada`).
    func trimmingQuotes() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\"" || f == "'" || f == "\u{3000}" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\"" || l == "'" || l == "\u{3000}" { s = s.dropLast() }
        return String(s)
    }
}
