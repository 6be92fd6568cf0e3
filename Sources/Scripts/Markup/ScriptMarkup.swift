/// A tolerant scanner for the markup around scripts in Windows Script Files and HTML Applications.
///
/// ```
///  <?xml version="1.0"?>                       <- entities are decoded in script text only then
///  <package><job id="a">
///    <object id="sh" progid="WScript.Shell"/>   <- a COM object created before the script runs
///    <script language="VBScript" src="x.vbs"/>  <- code from another file or URL
///    <script language="JScript"><![CDATA[ ... ]]></script>
///    <resource id="r">...</resource>            <- data the script reads with getResource
///  </job></package>
/// ```
///
/// Tags and attribute names are case-insensitive; attribute values may be quoted with `"` or `'` or bare, and
/// their entities are decoded. Comments are skipped. A `<script>` element's content runs to the first
/// `</script` (after a leading CDATA section, to its `]]>`), as browsers and WSH read it.
struct ScriptMarkup {
    /// An element we care about, with its content range for `script` and `resource`.
    struct Element {
        var name: String
        var attributes: [String: String]
        /// Offset of the tag's `<`.
        var offset: Int
        /// The content (inside CDATA when there is one), for `script` and `resource`.
        var content: Range<Int>?
        var cdata = false
        var terminated = true
    }

    var elements: [Element] = []
    var hasXMLDeclaration = false
    var anomalies: [String] = []

    static let interesting: Set<String> = ["script", "object", "reference", "resource", "hta:application", "job"]

    /// Scans `b`, keeping at most `limit` elements.
    init(_ b: [UInt8], limit: Int) {
        let n = b.count
        var quotes = QuoteMemo()
        var noCDATAClose = Int.max
        var i = 0
        while i < n {
            guard b[i] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            if Text.matchesLower(b, i, Self.commentOpen) {
                i = Self.find(Self.commentClose, in: b, from: i + 4).map { $0 + 3 } ?? n
                continue
            }
            if Text.matchesLower(b, i, Self.cdataOpen) {
                i = Self.find(Self.cdataClose, in: b, from: i + 9).map { $0 + 3 } ?? n
                continue
            }
            if i + 1 < n && b[i + 1] == UInt8(ascii: "?") {
                if Text.matchesLower(b, i + 2, Array("xml".utf8)) { hasXMLDeclaration = true }
                i = Self.find(Array("?>".utf8), in: b, from: i + 2).map { $0 + 2 } ?? n
                continue
            }
            guard let (name, attributes, tagEnd, selfClosing) = Self.tag(b, at: i, quotes: &quotes) else {
                i += 1
                continue
            }
            guard Self.interesting.contains(name) else {
                i = tagEnd
                continue
            }
            if elements.count >= limit {
                anomalies.append("more than \(limit) script elements; the rest were not read")
                break
            }
            var element = Element(name: name, attributes: attributes, offset: i)
            i = tagEnd
            if (name == "script" || name == "resource") && !selfClosing {
                var start = tagEnd
                var k = start
                while k < n && Text.isSpace(b[k]) { k += 1 }
                var searchFrom = start
                if Text.matchesLower(b, k, Self.cdataOpen), k + 9 < noCDATAClose,
                    let close = Self.find(Self.cdataClose, in: b, from: k + 9) ?? { noCDATAClose = k + 9; return nil }()
                {
                    element.cdata = true
                    start = k + 9
                    element.content = start..<close
                    searchFrom = close + 3
                }
                let closer = Array(("</" + name).utf8)
                if let end = Self.find(closer, in: b, from: searchFrom) {
                    if element.content == nil { element.content = start..<end }
                    i = Self.find([UInt8(ascii: ">")], in: b, from: end).map { $0 + 1 } ?? n
                } else {
                    if element.content == nil { element.content = start..<n }
                    element.terminated = false
                    anomalies.append("a <\(name)> element at offset \(element.offset) is not closed")
                    i = n
                }
            }
            elements.append(element)
        }
    }

    static let commentOpen = Array("<!--".utf8)
    static let commentClose = Array("-->".utf8)
    static let cdataOpen = Array("<![cdata[".utf8)
    static let cdataClose = Array("]]>".utf8)

    /// The first case-insensitive occurrence of `needle` (lowercase) at or after `from`.
    static func find(_ needle: [UInt8], in b: [UInt8], from: Int) -> Int? {
        guard let first = needle.first else { return nil }
        var i = max(0, from)
        let last = b.count - needle.count
        while i <= last {
            if Text.lower(b[i]) == first && Text.matchesLower(b, i, needle) { return i }
            i += 1
        }
        return nil
    }

    /// A start tag at `i`: lowercased name, attributes (names lowercased, values entity-decoded), the index after
    /// `>`, and whether it ends in `/>`.
    static func tag(_ b: [UInt8], at start: Int, quotes: inout QuoteMemo) -> (String, [String: String], Int, Bool)? {
        let n = b.count
        var i = start + 1
        let nameStart = i
        while i < n && (Text.isWord(b[i]) || b[i] == UInt8(ascii: ":") || b[i] == UInt8(ascii: "-")) && b[i] < 0x80 {
            i += 1
        }
        guard i > nameStart, i - nameStart <= 64, Text.isAlpha(b[nameStart]) else { return nil }
        let name = String(decoding: b[nameStart..<i].map(Text.lower), as: UTF8.self)
        var attributes: [String: String] = [:]
        var selfClosing = false
        while i < n {
            while i < n && (Text.isSpace(b[i]) || b[i] == UInt8(ascii: "/")) {
                if b[i] == UInt8(ascii: "/") { selfClosing = true }
                i += 1
            }
            guard i < n else { break }
            if b[i] == UInt8(ascii: ">") { return (name, attributes, i + 1, selfClosing) }
            selfClosing = false
            let attrStart = i
            while i < n && !Text.isSpace(b[i]) && b[i] != UInt8(ascii: "=") && b[i] != UInt8(ascii: ">")
                && b[i] != UInt8(ascii: "/")
            {
                i += 1
            }
            let attrName = String(decoding: b[attrStart..<i].map(Text.lower), as: UTF8.self)
            while i < n && Text.isSpace(b[i]) { i += 1 }
            var value = ""
            if i < n && b[i] == UInt8(ascii: "=") {
                i += 1
                while i < n && Text.isSpace(b[i]) { i += 1 }
                if i < n && (b[i] == 0x22 || b[i] == 0x27) {
                    let q = b[i]
                    let vs = i + 1
                    i = quotes.next(q, in: b, from: vs)
                    value = Entities.decode(b[vs..<min(i, n)])
                    if i < n { i += 1 }
                } else {
                    let vs = i
                    while i < n && !Text.isSpace(b[i]) && b[i] != UInt8(ascii: ">") { i += 1 }
                    value = Entities.decode(b[vs..<i])
                }
            }
            if attributes.count < 64 && attributes[attrName] == nil { attributes[attrName] = value }
            if i == attrStart { i += 1 }
        }
        return nil
    }
}

/// Remembers where a closing quote search reached the end, so that many unterminated attribute values cost
/// one pass over the input, not one each.
struct QuoteMemo {
    private var noDouble = Int.max
    private var noSingle = Int.max

    /// The index of the next `q` at or after `from`, or `b.count`.
    mutating func next(_ q: UInt8, in b: [UInt8], from: Int) -> Int {
        let none = q == 0x22 ? noDouble : noSingle
        if from >= none { return b.count }
        var i = from
        while i < b.count && b[i] != q { i += 1 }
        if i == b.count {
            if q == 0x22 { noDouble = min(noDouble, from) } else { noSingle = min(noSingle, from) }
        }
        return i
    }
}

/// HTML and XML character references.
enum Entities {
    static let named: [String: UInt32] = [
        "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "nbsp": 0xA0, "copy": 0xA9, "reg": 0xAE,
        "colon": 0x3A, "sol": 0x2F, "period": 0x2E, "lpar": 0x28, "rpar": 0x29, "tab": 0x09, "newline": 0x0A,
        "excl": 0x21, "num": 0x23, "dollar": 0x24, "percnt": 0x25, "comma": 0x2C, "equals": 0x3D, "quest": 0x3F,
        "commat": 0x40, "lsqb": 0x5B, "rsqb": 0x5D, "bsol": 0x5C, "lowbar": 0x5F, "lcub": 0x7B, "rcub": 0x7D,
        "verbar": 0x7C, "semi": 0x3B, "plus": 0x2B, "ast": 0x2A, "hyphen": 0x2D, "middot": 0xB7, "laquo": 0xAB,
        "raquo": 0xBB, "hellip": 0x2026, "ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019,
        "ldquo": 0x201C, "rdquo": 0x201D, "euro": 0x20AC, "yen": 0xA5, "times": 0xD7, "zwj": 0x200D, "zwnj": 0x200C,
        "shy": 0xAD,
    ]

    /// `bytes` (UTF-8) with `&name;`, `&#N;` and `&#xH;` decoded; unknown references are kept.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let c = bytes[i]
            guard c == UInt8(ascii: "&") else {
                out.append(c)
                i += 1
                continue
            }
            var j = i + 1
            var value: UInt32?
            if j < end && bytes[j] == UInt8(ascii: "#") {
                j += 1
                var v: UInt32 = 0
                var digits = 0
                if j < end && Text.lower(bytes[j]) == UInt8(ascii: "x") {
                    j += 1
                    while j < end, let d = Text.hexValue(bytes[j]), digits < 8 {
                        v = v << 4 | d
                        digits += 1
                        j += 1
                    }
                } else {
                    while j < end, Text.isDigit(bytes[j]), digits < 8 {
                        v = v * 10 + UInt32(bytes[j] - 0x30)
                        digits += 1
                        j += 1
                    }
                }
                if digits > 0 { value = v == 0 || v > 0x10FFFF ? 0xFFFD : v }
            } else {
                while j < end && Text.isAlpha(bytes[j]) && j - i <= 12 { j += 1 }
                let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
                value = named[name] ?? named[name.lowercased()]
            }
            guard let v = value else {
                out.append(c)
                i += 1
                continue
            }
            if j < end && bytes[j] == UInt8(ascii: ";") { j += 1 }
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out += String(Character(scalar)).utf8
            i = j
        }
        return String(decoding: out, as: UTF8.self)
    }
}
