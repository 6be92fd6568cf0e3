/// Finds URLs in the text an RTF document hands to Word: field instructions, templates, and the UTF-16 strings of
/// OLE2Link objects (the moniker that CVE-2017-0199 documents point at their payload with).
enum URLScanner {
    static let schemes = ["http://", "https://", "ftp://", "file://"]

    static func urls(fields: [RTFFieldInstruction], templates: [String], objects: [RTFObject]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        func add(_ text: String) {
            for url in scan(text) where seen.insert(url).inserted { out.append(url) }
        }
        for field in fields { add(field.instruction) }
        for template in templates { add(template) }
        for object in objects where object.className?.lowercased() == "ole2link" {
            guard let ole1 = object.ole1 else { continue }
            for s in utf16Strings(ole1.nativeData) { add(s) }
        }
        return out
    }

    /// Every URL in `text`: a known scheme, up to whitespace, a quote or an angle bracket.
    static func scan(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let lower = scalars.map { Character($0).lowercased().unicodeScalars.first ?? $0 }
        var out: [String] = []
        var i = 0
        while i < scalars.count {
            var matched: Int? = nil
            for scheme in schemes {
                let s = Array(scheme.unicodeScalars)
                if i + s.count <= lower.count && Array(lower[i..<(i + s.count)]) == s {
                    matched = s.count
                    break
                }
            }
            guard let length = matched else {
                i += 1
                continue
            }
            var j = i + length
            while j < scalars.count && !isTerminator(scalars[j]) { j += 1 }
            if j > i + length {
                var s = String(String.UnicodeScalarView(scalars[i..<j]))
                while let last = s.last, ".,;)".contains(last) { s.removeLast() }
                out.append(s)
            }
            i = j
        }
        return out
    }

    static func isTerminator(_ c: Unicode.Scalar) -> Bool {
        c.value <= 0x20 || c == "\"" || c == "'" || c == "<" || c == ">" || c == "\u{7F}"
    }

    /// Printable UTF-16LE runs of at least 3 characters (rtfobj's OLE2Link heuristic).
    static func utf16Strings(_ bytes: ArraySlice<UInt8>) -> [String] {
        var out: [String] = []
        var run = String.UnicodeScalarView()
        var k = bytes.startIndex
        while k + 1 < bytes.endIndex {
            let lo = bytes[k]
            let hi = bytes[k + 1]
            if hi == 0 && lo >= 0x20 && lo <= 0x7E {
                run.append(Unicode.Scalar(lo))
                k += 2
            } else {
                if run.count >= 3 { out.append(String(run)) }
                run = String.UnicodeScalarView()
                k += 1
            }
        }
        if run.count >= 3 { out.append(String(run)) }
        return out
    }
}
