import Foundation
import Registry
import Testing

/// Differential test against regipy 6.5: every key and every value of every corpus hive, compared with the goldens
/// that `scripts/make-registry-goldens.py` wrote. What regipy returns for a value is predicted from Emoguard's
/// reading of it by ``Regipy``, which encodes regipy's rules and documented quirks (see
/// `Resources/golden/README.md`); any other difference fails.
@Suite("regipy goldens")
struct GoldenTests {
    /// The goldens compared with the hive as it is (logs not given).
    static let plain = Corpus.hives

    @Test(arguments: plain)
    func matchesRegipy(_ name: String) throws {
        let golden = try Golden.load(name)
        let hive = try Corpus.hive(name)
        let report = compare(hive, golden)
        report.print(name)
        if golden.status == "ok" {
            #expect(report.missingInOurs.isEmpty, "\(report.missingInOurs.prefix(5))")
            #expect(report.extraInOurs.isEmpty, "\(report.extraInOurs.prefix(5))")
        } else {
            // regipy raised part way: every key it read is ours too, except the zeroed cells it read as key
            // nodes without checking their signature (their names are empty).
            let garbage = report.missingInOurs.filter { $0.hasSuffix("\\") }
            #expect(garbage.count == report.missingInOurs.count, "\(report.missingInOurs.prefix(5))")
            #expect(garbage.count <= 2, "zeroed cells read as keys: \(garbage)")
            #expect(!hive.anomalyCodes.isDisjoint(with: [.badKey, .cellOutOfRange, .badSubkeyList]))
        }
        #expect(report.keyMismatches.isEmpty, "\(report.keyMismatches.prefix(5))")
        #expect(report.valueMismatches.isEmpty, "\(report.valueMismatches.prefix(5))")
        #expect(report.undocumented.isEmpty, "\(report.undocumented.prefix(5))")
    }

    struct Report {
        var keys = 0
        var values = 0
        var missingInOurs: [String] = []
        var extraInOurs: [String] = []
        var keyMismatches: [String] = []
        var valueMismatches: [String] = []
        var undocumented: [String] = []
        /// Documented differences: README name to count.
        var documented: [String: Int] = [:]

        func print(_ name: String) {
            Swift.print(
                "golden \(name): \(keys) keys, \(values) values compared; documented differences: "
                    + documented.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            )
        }
    }

    func compare(_ hive: RegistryHive, _ golden: Golden) -> Report {
        var report = Report()
        var ours: [String: [(RegistryKey, [RegistryValue])]] = [:]
        var regipyPathOf: [Int: String] = [0: "\\"]
        hive.walk { key, values in
            let path: String
            if key.depth == 0 {
                path = "\\"
            } else {
                let parentPath = hive.parent(of: key).flatMap { regipyPathOf[$0.cellOffset] } ?? "?"
                let component = Regipy.name(key.name, compressed: key.flags & 0x20 != 0)
                path = (parentPath == "\\" ? "" : parentPath) + "\\" + component
            }
            regipyPathOf[key.cellOffset] = path
            ours[path, default: []].append((key, values))
        }
        if ours.keys.contains(where: { $0.unicodeScalars.contains("\u{FFFD}") }) {
            report.documented["latin1-names", default: 0] +=
                ours.keys.filter { $0.unicodeScalars.contains("\u{FFFD}") }.count
        }
        for (path, goldenKeys) in golden.keys {
            guard let mine = ours[path] else {
                report.missingInOurs.append(path)
                continue
            }
            if mine.count != goldenKeys.count {
                report.keyMismatches.append("\(path): \(mine.count) keys, regipy \(goldenKeys.count)")
            }
            for (g, (key, values)) in zip(goldenKeys, mine) {
                report.keys += 1
                compareKey(key, values, g, hive: hive, partial: golden.status != "ok", into: &report)
            }
        }
        for path in ours.keys where golden.keys[path] == nil { report.extraInOurs.append(path) }
        return report
    }

    func compareKey(
        _ key: RegistryKey,
        _ values: [RegistryValue],
        _ g: Golden.Key,
        hive: RegistryHive,
        partial: Bool,
        into report: inout Report
    ) {
        if key.lastWritten != g.lastWritten { report.keyMismatches.append("\(g.path): last written") }
        if key.declaredSubkeyCount != g.subkeyCount || key.declaredValueCount != g.valueCount {
            report.keyMismatches.append("\(g.path): declared counts")
        }
        if key.className != g.className {
            report.keyMismatches.append("\(g.path): class \(key.className ?? "-") vs \(g.className ?? "-")")
        }
        // regipy's list of values: ours minus the type 0x200000 ones it skips.
        var expected: [(RegistryValue, Regipy.Object)] = []
        for value in values {
            let object = Regipy.object(for: value)
            if case .skipped = object {
                report.documented["type-0x200000-skipped", default: 0] += 1
                continue
            }
            expected.append((value, object))
        }
        if expected.count != g.values.count {
            // regipy stops reading a key's values at the first value key it cannot parse (damaged hives only).
            if partial || g.values.count < expected.count, hive.anomalies.contains(where: { $0.code == .badValue }) {
                report.documented["values-after-bad-vk", default: 0] += expected.count - g.values.count
            } else {
                report.valueMismatches.append("\(g.path): \(expected.count) values, regipy \(g.values.count)")
                return
            }
        }
        for ((value, object), gv) in zip(expected, g.values) {
            report.values += 1
            let compressed = Regipy.valueNameIsCompressed(value, in: hive)
            let name = Regipy.valueName(value, compressed: compressed)
            if name != gv.name {
                report.valueMismatches.append("\(g.path): value name \(name) vs \(gv.name)")
                continue
            }
            if name != value.name && !value.name.isEmpty { report.documented["latin1-names", default: 0] += 1 }
            if Regipy.typeName(value.type.rawValue) != gv.type {
                report.valueMismatches.append("\(g.path)\\\(name): type \(value.type.name) vs \(gv.type)")
                continue
            }
            guard let representation = Regipy.representation(object) else {
                if case .unrelated(let why) = object { report.documented[why, default: 0] += 1 }
                continue
            }
            if representation != gv.representation {
                report.valueMismatches.append(
                    "\(g.path)\\\(name) (\(gv.type)): \(representation) vs regipy \(gv.representation)"
                )
                continue
            }
            checkDecoded(value, object, path: "\(g.path)\\\(name)", into: &report)
        }
    }

    /// Emoguard's decoded fields against regipy's object, where both decode the same way.
    func checkDecoded(_ value: RegistryValue, _ object: Regipy.Object, path: String, into report: inout Report) {
        switch (value.type, object) {
        case (.string, .str(let s, let viaUTF16)), (.expandString, .str(let s, let viaUTF16)):
            if !viaUTF16 {
                report.documented["utf8-fallback", default: 0] += 1
            } else if value.string != s {
                report.undocumented.append("\(path): string")
            }
        case (.string, .bytes), (.expandString, .bytes):
            report.documented["undecodable-string-bytes", default: 0] += 1
        case (.dword, .int(let n)), (.qword, .int(let n)):
            if value.integer != n {
                report.undocumented.append("\(path): integer \(String(describing: value.integer)) vs \(n)")
            }
        case (.multiString, .list(let l)):
            guard let strings = value.strings, strings != l else { break }
            let terminated = value.data.count >= 2 && value.data.suffix(2).allSatisfy { $0 == 0 }
            if !terminated, value.data.count % 2 == 0, Array(strings.dropLast()) == l {
                // regipy drops a last string without its NUL terminator; Emoguard keeps it.
                report.documented["multi-sz-unterminated", default: 0] += 1
            } else {
                report.undocumented.append("\(path): strings \(strings) vs \(l)")
            }
        case (.binary, .bytes(let b)), (.none, .bytes(let b)):
            if value.data != b { report.undocumented.append("\(path): data") }
        default:
            break
        }
    }
}
