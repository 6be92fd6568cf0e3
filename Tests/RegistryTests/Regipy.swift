import Foundation
import Registry
import TestSupport

/// One golden file written by `scripts/make-registry-goldens.py`: every key and value of a hive as regipy reads it.
struct Golden {
    struct Value: Equatable {
        var name: String
        var type: String
        var representation: String
    }

    struct Key {
        var path: String
        var lastWritten: UInt64
        var subkeyCount: Int
        var valueCount: Int
        var className: String?
        var values: [Value] = []
    }

    var label: String
    var regipyVersion: String
    /// "ok", or "error: ..." when regipy raised part way (the keys read before are listed).
    var status: String
    /// Keys by regipy path, in file order (a path can repeat in a damaged hive).
    var keys: [String: [Key]] = [:]
    var keyCount = 0
    var valueCount = 0

    static func load(_ label: String) throws -> Golden {
        let text = String(decoding: try XZ.decompress(try Corpus.resource("golden/\(label).golden.xz")), as: UTF8.self)
        var golden = Golden(label: label, regipyVersion: "", status: "")
        var current: Key? = nil
        func flush() {
            if let key = current { golden.keys[key.path, default: []].append(key) }
            current = nil
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch f.first {
            case "H":
                golden.regipyVersion = f[2]
                golden.status = unescape(f[3])
            case "K":
                flush()
                current = Key(
                    path: unescape(f[1]),
                    lastWritten: UInt64(f[2]) ?? 0,
                    subkeyCount: Int(f[3]) ?? -1,
                    valueCount: Int(f[4]) ?? -1,
                    className: f[5] == "-" ? nil : unescape(f[5])
                )
                golden.keyCount += 1
            case "V":
                current?.values.append(Value(name: unescape(f[1]), type: unescape(f[2]), representation: f[3]))
                golden.valueCount += 1
            default:
                break
            }
        }
        flush()
        return golden
    }

    /// Undoes the script's escaping (\\, \t, \n, \r, \xHH).
    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = String.UnicodeScalarView()
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            guard c == "\\", let e = it.next() else {
                out.append(c)
                continue
            }
            switch e {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "x":
                let h = String(String.UnicodeScalarView([it.next(), it.next()].compactMap { $0 }))
                out.append(Unicode.Scalar(UInt8(h, radix: 16) ?? 0x3F))
            default: out.append(e)
            }
        }
        return String(out)
    }
}

/// What regipy 6.5 returns for a value, computed from Emoguard's reading of it: the rules of
/// `NKRecord.iter_values` (regipy/registry.py), including its quirks. Each quirk is documented in
/// `Resources/golden/README.md`; a value regipy reads from bytes that are not the value's data is `unrelated`
/// with the README's name for the case.
enum Regipy {
    enum Object {
        case int(UInt64)
        /// A str; `viaUTF16` when it came from UTF-16LE (not regipy's UTF-8 fallback).
        case str(String, viaUTF16: Bool)
        case bytes([UInt8])
        case list([String])
        case time(String)
        case unrelated(String)
        /// regipy drops values of type 0x200000.
        case skipped
    }

    static let enumNames: [UInt32: String] = [
        0: "REG_NONE", 1: "REG_SZ", 2: "REG_EXPAND_SZ", 3: "REG_BINARY", 4: "REG_DWORD", 5: "REG_DWORD_BIG_ENDIAN",
        6: "REG_LINK", 7: "REG_MULTI_SZ", 8: "REG_RESOURCE_LIST", 9: "REG_FULL_RESOURCE_DESCRIPTOR",
        10: "REG_RESOURCE_REQUIREMENTS_LIST", 11: "REG_QWORD", 16: "REG_FILETIME",
    ]

    /// regipy's type string: the enum name, or the decimal number; device property types (above 0xFFFF0000) are
    /// reduced to their low 16 bits.
    static func typeName(_ raw: UInt32) -> String {
        let t = raw > 0xFFFF_0000 ? raw & 0xFFFF : raw
        return enumNames[t] ?? String(t)
    }

    /// regipy's name of a key or value: compressed names are decoded as ASCII with U+FFFD for bytes above 0x7F
    /// (Emoguard decodes them as Latin-1, which is what Windows stores).
    static func name(_ name: String, compressed: Bool) -> String {
        guard compressed, name.unicodeScalars.contains(where: { $0.value >= 0x80 }) else { return name }
        return String(String.UnicodeScalarView(name.unicodeScalars.map { $0.value >= 0x80 ? "\u{FFFD}" : $0 }))
    }

    static func valueName(_ value: RegistryValue, compressed: Bool) -> String {
        value.name.isEmpty ? "(default)" : name(value.name, compressed: compressed)
    }

    /// Whether the value key at `cellOffset` has the compressed-name flag (read from the hive's bytes).
    static func valueNameIsCompressed(_ value: RegistryValue, in hive: RegistryHive) -> Bool {
        let flags = 4096 + value.cellOffset + 4 + 16
        guard flags >= 0, flags < hive.bytes.count else { return false }
        return hive.bytes[hive.bytes.startIndex + flags] & 1 != 0
    }

    static func object(for value: RegistryValue) -> Object {
        let raw = value.type.rawValue
        if raw == 0x20_0000 { return .skipped }
        let type = typeName(raw)
        let inline = value.storage == .inline
        let big = value.storage == .bigData
        switch type {
        case "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_NONE", "REG_MULTI_SZ":
            // Inline data, big data and cell data are each read for these types.
            if value.isTruncated && !inline { return .unrelated("read-past-cell") }
            if type == "REG_BINARY" || type == "REG_NONE" { return .bytes(value.data) }
            if type == "REG_MULTI_SZ" { return .list(greedyCStrings(value.data)) }
            return tryDecodeBinary(value.data)
        case "REG_DWORD", "REG_QWORD":
            let width = type == "REG_DWORD" ? 4 : 8
            if inline {
                // regipy returns the whole data offset field, whatever the inline size.
                guard value.data.count == 4 else { return .unrelated("short-inline-integer") }
                return .int(le(value.data, 4))
            }
            if value.isTruncated || big || value.data.count < width { return .unrelated("read-past-cell") }
            return .int(le(value.data, width))
        default:
            // Read as `data size` bytes from the data offset: the inline flag and big data are not looked at.
            if inline { return .unrelated("inline-read-as-offset") }
            if big { return .unrelated("big-data-read-raw") }
            if value.isTruncated { return .unrelated("read-past-cell") }
            switch type {
            case "REG_RESOURCE_LIST", "REG_RESOURCE_REQUIREMENTS_LIST": return .bytes(value.data)
            case "REG_FILETIME":
                guard value.data.count >= 8 else { return .unrelated("read-past-cell") }
                return .time(filetimeISO(le(value.data, 8)))
            default: return tryDecodeBinary(value.data)
            }
        }
    }

    /// The golden's representation of an object (nil for unrelated and skipped values).
    static func representation(_ object: Object) -> String? {
        switch object {
        case .int(let n): return "i:\(n)"
        case .str(let s, _): return "s:\(s.unicodeScalars.count):\(sha(Array(s.utf8)))"
        case .bytes(let b): return "b:\(b.count):\(sha(b))"
        case .list(let l): return "m:\(l.count):\(sha(Array(l.joined(separator: "\u{0}").utf8)))"
        case .time(let t): return "t:" + t
        case .unrelated, .skipped: return nil
        }
    }

    static func sha(_ bytes: [UInt8]) -> String { String(HexDigest.sha256(bytes).prefix(16)) }

    static func le(_ b: [UInt8], _ n: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in (0..<min(n, b.count)).reversed() { v = v << 8 | UInt64(b[i]) }
        return v
    }

    /// `try_decode_binary`: strict UTF-16LE, else strict UTF-8, each with trailing NULs stripped; else the bytes.
    static func tryDecodeBinary(_ data: [UInt8]) -> Object {
        if let s = strictUTF16(data[...]) { return .str(rstripNUL(s), viaUTF16: true) }
        if let s = String(validating: data, as: UTF8.self) { return .str(rstripNUL(s), viaUTF16: false) }
        return .bytes(data)
    }

    static func strictUTF16(_ data: ArraySlice<UInt8>) -> String? {
        guard data.count % 2 == 0 else { return nil }
        let units = stride(from: data.startIndex, to: data.endIndex, by: 2).map {
            UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8
        }
        return String(validating: units, as: UTF16.self)
    }

    static func rstripNUL(_ s: String) -> String {
        var scalars = Array(s.unicodeScalars)
        while scalars.last == "\u{0}" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// `GreedyRange(CString("utf-16-le"))` with empty strings dropped: NUL-terminated UTF-16LE strings read in
    /// 2-byte units until one is unterminated or does not decode.
    static func greedyCStrings(_ data: [UInt8]) -> [String] {
        var out: [String] = []
        var start = 0
        var i = 0
        while i + 1 < data.count {
            if data[i] == 0, data[i + 1] == 0 {
                guard let s = strictUTF16(data[start..<i]) else { return out }
                if !s.isEmpty { out.append(s) }
                start = i + 2
            }
            i += 2
        }
        return out
    }

    /// `convert_wintime(ft).isoformat()`: 1601-01-01 UTC plus `ft / 10` microseconds, where the division is
    /// Python's (correctly rounded to a double) and timedelta rounds that to a whole microsecond, half to even.
    static func filetimeISO(_ ft: UInt64) -> String {
        let overflow = "1601-01-01T00:00:00+00:00"
        guard let quotient = Double("\(ft / 10).\(ft % 10)") else { return overflow }
        let micros = quotient.rounded(.toNearestOrEven)
        guard let us = Int64(exactly: micros) else { return overflow }
        let perDay: Int64 = 86_400_000_000
        let days = us / perDay
        let rest = us % perDay
        // Days from 1601-01-01 to 1970-01-01: 134,774.
        let (y, m, d) = civil(fromDays: days - 134_774)
        guard y <= 9999 else { return overflow }
        let secs = rest / 1_000_000
        let frac = rest % 1_000_000
        func pad(_ n: Int64, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        var out =
            "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
        if frac != 0 { out += "." + pad(frac, 6) }
        return out + "+00:00"
    }

    /// Howard Hinnant's civil_from_days: days since 1970-01-01 to (year, month, day).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
