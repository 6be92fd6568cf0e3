/// Punycode (RFC 3492) decoding, for the `xn--` labels of internationalized domain names.
///
/// Decoding is bounded: the input is at most one DNS label, every arithmetic step is checked against overflow,
/// and the output may not exceed a given number of scalars. Malformed input returns `nil`.
public enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 0x80
    private static let maxInt = Int(Int32.max)

    /// Decodes the part of a label after `xn--` (`"wgv71a119e"` → `"日本語"`).
    ///
    /// - Parameters:
    ///   - encoded: the ASCII form without the `xn--` prefix; at most 63 scalars are accepted.
    ///   - maxOutput: the most scalars the decoded label may have.
    /// - Returns: the decoded label, or `nil` when the input is not valid punycode, encodes an ASCII-only or
    ///   surrogate code point, or decodes to more than `maxOutput` scalars.
    public static func decode(_ encoded: some StringProtocol, maxOutput: Int = 63) -> String? {
        let input = Array(encoded.unicodeScalars)
        guard input.count <= 63, input.allSatisfy({ $0.isASCII }) else { return nil }
        let delimiter = input.lastIndex(of: "-")
        var output: [Unicode.Scalar] = []
        if let delimiter {
            output = Array(input[..<delimiter])
        }
        guard output.count <= maxOutput else { return nil }
        var position = delimiter.map { $0 + 1 } ?? 0
        var n = initialN
        var i = 0
        var bias = initialBias
        while position < input.count {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard position < input.count, let digit = digitValue(input[position]) else { return nil }
                position += 1
                guard digit <= (maxInt - i) / w else { return nil }
                i += digit * w
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < t { break }
                guard w <= maxInt / (base - t) else { return nil }
                w *= base - t
                k += base
            }
            let count = output.count + 1
            bias = adapt(delta: i - oldI, count: count, first: oldI == 0)
            guard i / count <= maxInt - n else { return nil }
            n += i / count
            i %= count
            guard n >= 0x80, let scalar = Unicode.Scalar(UInt32(n)) else { return nil }
            guard output.count < maxOutput else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return Text.string(output)
    }

    private static func digitValue(_ u: Unicode.Scalar) -> Int? {
        switch u.value {
        case 0x30...0x39: return Int(u.value) - 0x30 + 26
        case 0x41...0x5A: return Int(u.value) - 0x41
        case 0x61...0x7A: return Int(u.value) - 0x61
        default: return nil
        }
    }

    private static func adapt(delta: Int, count: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
