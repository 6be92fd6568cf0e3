import Foundation
import RTF

/// Test inputs: resources written by `scripts/make-rtf-fixtures.py`, and the oletools corpus read in place.
enum Fixture {
    /// `Tests/RTFTests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

    /// The oletools corpus, vendored in the repository: `Tests/Corpus/oletools` (BSD-2, licence beside it).
    static let corpus: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus/oletools")

    /// The bytes of `Resources/<path>`.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let url = resources?.appendingPathComponent(path) else { throw CocoaError(.fileNoSuchFile) }
        return Array(try Data(contentsOf: url))
    }

    /// The bytes of a corpus file.
    static func corpusBytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(path)))
    }

    /// The names of the files in `Resources/<directory>`.
    static func names(in directory: String) -> [String] {
        guard let url = resources?.appendingPathComponent(directory),
            let names = try? FileManager.default.contentsOfDirectory(atPath: url.path)
        else { return [] }
        return names.sorted()
    }

    /// `Resources/<path>`, parsed.
    static func document(_ path: String, limits: RTFLimits = .default) throws -> RTFDocument {
        try RTFDocument(parsing: try bytes(path), limits: limits)
    }
}

/// One golden: what rtfobj 0.60.2 finds in a file.
struct Golden: Decodable, Sendable {
    struct Object: Decodable, Sendable {
        var start: Int
        var rawSize: Int
        var rawMD5: String
        var isOLE: Bool
        var className: String?
        var formatID: Int?
        var oleDataSize: Int?
        var oleDataMD5: String?
        var filename: String?
        var srcPath: String?
        var tempPath: String?
        var packageSize: Int?
        var packageMD5: String?
    }

    /// "corpus" (read from the corpus) or "resources".
    var source: String
    var path: String
    var size: Int
    var objects: [Object]?
    /// The exception rtfobj raised, if it did.
    var error: String?

    static func load(_ name: String) throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(try Fixture.bytes("golden/" + name)))
    }

    func input() throws -> [UInt8] {
        source == "corpus" ? try Fixture.corpusBytes(path) : try Fixture.bytes(path)
    }
}

extension RTFDocument {
    /// The anomaly codes, as raw strings (readable in failure messages).
    var anomalyCodes: [String] { anomalies.map(\.code.rawValue) }
}

/// A small MD5 (RFC 1321) for comparisons with the goldens' digests.
enum MD5 {
    private static let s: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
        20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6,
        10, 15, 21,
    ]
    private static let k: [UInt32] = (0..<64).map { i in UInt32(truncatingIfNeeded: Int64(abs(sin(Double(i + 1))) * 4_294_967_296)) }

    static func hex<C: Collection>(_ input: C) -> String where C.Element == UInt8 {
        var message = Array(input)
        let bitLength = UInt64(message.count) &* 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for i in 0..<8 { message.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        var a0: UInt32 = 0x6745_2301
        var b0: UInt32 = 0xefcd_ab89
        var c0: UInt32 = 0x98ba_dcfe
        var d0: UInt32 = 0x1032_5476
        for chunk in stride(from: 0, to: message.count, by: 64) {
            var m = [UInt32](repeating: 0, count: 16)
            for i in 0..<16 {
                let j = chunk + i * 4
                m[i] = UInt32(message[j]) | UInt32(message[j + 1]) << 8 | UInt32(message[j + 2]) << 16
                    | UInt32(message[j + 3]) << 24
            }
            var a = a0
            var b = b0
            var c = c0
            var d = d0
            for i in 0..<64 {
                var f: UInt32
                var g: Int
                switch i {
                case 0..<16: f = (b & c) | (~b & d); g = i
                case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
                case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
                default: f = c ^ (b | ~d); g = (7 * i) % 16
                }
                f = f &+ a &+ k[i] &+ m[g]
                a = d
                d = c
                c = b
                b = b &+ ((f << s[i]) | (f >> (32 - s[i])))
            }
            a0 = a0 &+ a
            b0 = b0 &+ b
            c0 = c0 &+ c
            d0 = d0 &+ d
        }
        return [a0, b0, c0, d0].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
            .map { String(format: "%02x", $0) }.joined()
    }
}
