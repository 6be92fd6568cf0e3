import ByteCursor
import OfficeMacros

/// A string a language decoder recovered, before it is checked against the limits.
struct Decoding {
    /// How it was hidden: `"fromCharCode"`, `"Base64"`, `"[char]"`, `"Caret escapes"`...
    var encoding: String
    /// The source text of the expression.
    var encoded: String
    /// What it evaluates to.
    var decoded: String
    /// Offset of the expression in the text it was found in.
    var offset: Int
}

/// Collects decoded strings under the named limits: count, bytes per string, bytes in all, no duplicates.
struct DecodedCollector {
    let limits: ScriptLimits
    private(set) var items: [DecodedString] = []
    private(set) var totalBytes = 0
    private var seen: Set<String> = []
    /// The limits that were hit, once each.
    private(set) var limitsHit: [String] = []

    init(limits: ScriptLimits) { self.limits = limits }

    /// The longest `encoded` text kept; the expression is cut there (the decoded text is what matters).
    static let maxEncodedBytes = 4096

    /// Adds a decoded string; returns it (cut to the per-string limit) when it was new and within the limits.
    mutating func add(_ encoding: String, encoded: String, decoded: String, line: Int?) -> DecodedString? {
        guard !decoded.isEmpty else { return nil }
        let key = encoding + "\u{0}" + decoded
        guard !seen.contains(key) else { return nil }
        guard items.count < limits.maxDecodedStrings.maximum else {
            hit(limits.maxDecodedStrings)
            return nil
        }
        var text = decoded
        if text.utf8.count > limits.maxStringBytes.maximum {
            hit(limits.maxStringBytes)
            text = Self.prefix(text, bytes: limits.maxStringBytes.maximum)
        }
        guard totalBytes + text.utf8.count <= limits.maxDecodedBytes.maximum else {
            hit(limits.maxDecodedBytes)
            return nil
        }
        seen.insert(key)
        totalBytes += text.utf8.count
        let item = DecodedString(
            encoding: encoding, encoded: Self.prefix(encoded, bytes: Self.maxEncodedBytes), decoded: text, line: line)
        items.append(item)
        return item
    }

    mutating func hit(_ limit: Limit) {
        let message = "limit \(limit.name) (\(limit.maximum)) reached"
        if !limitsHit.contains(message) { limitsHit.append(message) }
    }

    /// At most `bytes` UTF-8 bytes of `s`, cut at a character boundary.
    static func prefix(_ s: String, bytes: Int) -> String {
        guard s.utf8.count > bytes else { return s }
        let u = Array(s.utf8)
        var k = max(0, bytes)
        while k > 0 && (u[k] & 0xC0) == 0x80 { k -= 1 }
        return String(decoding: u[..<k], as: UTF8.self)
    }
}
