/// VBA stomping: a module whose compiled p-code and stored source disagree.
///
/// Office runs the p-code (the performance cache before MODULEOFFSET) when the document is opened by the VBA
/// version that compiled it, and ignores the source; tools that read the source (olevba without pcodedmp, most
/// scanners) then see harmless or empty code. olevba detects it by disassembling the p-code with pcodedmp and
/// looking for each identifier and string literal in the source. We do without a disassembler and use what p-code
/// keeps verbatim: string literals and comments are stored as a 16-bit length followed by the text.
///
/// ```
///  module stream:  | p-code ... | len u16 | "Hello World" | ... | compressed source at MODULEOFFSET |
///                                 0b 00     11 bytes
/// ```
///
/// A module is reported when the p-code region holds length-prefixed text runs (at least
/// ``minimumLiteralLength`` printable characters with a letter) and one of them is absent from the source, or when
/// the source declares no procedure at all while its p-code region is larger than ``emptySourcePcodeBytes`` (a
/// module without code compiles to well under 2 KB of p-code: 821 to 1,105 bytes in the oletools corpus).
enum VBAStomping {
    /// The shortest length-prefixed run taken for a literal; shorter runs are too often chance byte patterns.
    static let minimumLiteralLength = 6
    /// The most runs examined per module.
    static let maximumLiterals = 256

    /// The p-code size above which a module without any procedure in its source is taken as stomped.
    static let emptySourcePcodeBytes = 4096

    static let keyword = "VBA Stomping"
    static let description =
        "VBA Stomping was detected: the VBA source code and P-code are different, this may have been used to hide malicious code"

    /// Returns a `.suspicious` "VBA Stomping" indicator for `module` when its p-code region disagrees with its
    /// source, or `nil`.
    static func check(
        module: VBAModule,
        pcode: ArraySlice<UInt8>,
        vbaProjectHeader: VBAProjectStreamHeader?
    )
        -> MacroIndicator?
    {
        // Without a performance cache there is no p-code to disagree with.
        if let header = vbaProjectHeader, !header.hasPerformanceCache { return nil }
        if pcode.count > emptySourcePcodeBytes && !declaresProcedure(module.normalizedSource) {
            return MacroIndicator(
                kind: .suspicious,
                keyword: keyword,
                description: description
                    + " (\(pcode.count) bytes of p-code, no procedure in the source)",
                location: module.name
            )
        }
        let literals = lengthPrefixedText(in: pcode)
        guard !literals.isEmpty else { return nil }
        let source = Array(module.source.utf8)
        for literal in literals where !contains(source, literal) {
            // The source is decoded to UTF-8; the literal is in the code page. Only ASCII literals compare.
            guard literal.allSatisfy({ $0 < 0x80 }) else { continue }
            let text = String(decoding: literal.prefix(64), as: UTF8.self)
            return MacroIndicator(
                kind: .suspicious,
                keyword: keyword,
                description: description + " (p-code string \"\(text)\" is not in the source)",
                location: module.name
            )
        }
        return nil
    }

    /// Whether a line of `source` declares a Sub, Function or Property (after optional Public/Private/Friend/
    /// Static).
    static func declaresProcedure(_ source: String) -> Bool {
        for line in source.split(separator: "\n", omittingEmptySubsequences: true) {
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).prefix(3).map { $0.lowercased() }
            while let first = words.first, ["public", "private", "friend", "static"].contains(first) {
                words.removeFirst()
            }
            if let first = words.first, ["sub", "function", "property"].contains(first) { return true }
        }
        return false
    }

    /// Printable runs in `pcode` that are preceded by their own length as a 16-bit little-endian integer.
    static func lengthPrefixedText(in pcode: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var found: [ArraySlice<UInt8>] = []
        var i = pcode.startIndex
        let end = pcode.endIndex
        while i + 2 <= end && found.count < maximumLiterals {
            let length = Int(pcode[i]) | Int(pcode[i + 1]) << 8
            if length >= minimumLiteralLength && length <= end - (i + 2) {
                let run = pcode[(i + 2)..<(i + 2 + length)]
                if isText(run) {
                    found.append(run)
                    i += 2 + length
                    continue
                }
            }
            i += 1
        }
        return found
    }

    /// Printable ASCII with at least one letter, or high bytes (code-page text), without control characters.
    static func isText(_ run: ArraySlice<UInt8>) -> Bool {
        var letters = 0
        for b in run {
            if b < 0x20 || b == 0x7F { return false }
            if (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A { letters += 1 }
        }
        return letters > 0
    }

    /// Whether `needle` occurs in `haystack` (bytes).
    static func contains(_ haystack: [UInt8], _ needle: ArraySlice<UInt8>) -> Bool {
        guard let first = needle.first else { return true }
        let n = needle.count
        guard haystack.count >= n else { return false }
        var i = 0
        let last = haystack.count - n
        while i <= last {
            if haystack[i] == first {
                var j = 1
                var k = needle.startIndex + 1
                while j < n && haystack[i + j] == needle[k] {
                    j += 1
                    k += 1
                }
                if j == n { return true }
            }
            i += 1
        }
        return false
    }
}
