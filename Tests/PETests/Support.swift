import Foundation
import PE

/// Test inputs: resources written by `scripts/make-pe-fixtures.py`.
enum Fixture {
    /// `Tests/PETests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

    /// The bytes of `Resources/<path>`.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let url = resources?.appendingPathComponent(path) else { throw CocoaError(.fileNoSuchFile) }
        return Array(try Data(contentsOf: url))
    }

    /// A JSON resource, decoded.
    static func json<T: Decodable>(_ path: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try bytes(path)))
    }

    /// Facts the fixture script recorded, by fixture name.
    static func expected() throws -> [String: Expected] { try json("expected.json", as: [String: Expected].self) }

    /// The fixtures that pefile read as they are stored.
    static let plain = ["tiny", "x64", "signed", "wx", "calc"]
}

/// What the fixture script recorded about one fixture.
struct Expected: Decodable {
    struct Run: Decodable {
        var offset: Int
        var length: Int
    }
    var file: String
    var size: Int
    var md5: String?
    var overlayZeros: Int?
    var declaredImageEnd: Int?
    var padding: [Run]?
    var sha256: String?
}

/// pefile's reading of a file.
struct Golden: Decodable {
    struct Section: Decodable {
        var name: String
        var virtualAddress: UInt32
        var virtualSize: UInt32
        var rawOffset: Int
        var rawSize: Int
        var characteristics: UInt32
        var entropy: Double
    }
    var machine: UInt16
    var characteristics: UInt16
    var isDLL: Bool
    var is64Bit: Bool
    var subsystem: UInt16
    var timeDateStamp: UInt32
    var entryPoint: UInt32
    var imageBase: UInt64
    var sizeOfImage: UInt32
    var sizeOfHeaders: UInt32
    var sections: [Section]
    var exports: [String]
    var exportedName: String?
    var imports: [String: [String]]
    var importCount: Int
    var certificateTableSize: Int
    var overlayOffset: Int?
    var fileSize: Int
}

/// One malformed file's expectation.
struct MalformedCase: Decodable {
    var anomalies: [String]
    var error: String?
}

extension PEFile {
    /// Touches every derived field, as the engine would.
    func exercise() {
        _ = (machineName, subsystemName, isDLL, is64Bit, isExecutableImage)
        _ = sections.map { ($0.isExecutable, $0.isWritable, $0.isRawDataMissing, $0.rawEnd) }
        _ = exports.count + imports.count + overlaySize + declaredImageEnd
    }
}

/// A deterministic generator for mutation tests.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A minimal MD5 for the corpus digest (RFC 1321).
enum MD5 {
    static func hex(_ message: [UInt8]) -> String {
        let s: [UInt32] = [
            7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
            14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10,
            15, 21, 6, 10, 15, 21,
        ]
        let k: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296)) }
        var a0: UInt32 = 0x6745_2301
        var b0: UInt32 = 0xefcd_ab89
        var c0: UInt32 = 0x98ba_dcfe
        var d0: UInt32 = 0x1032_5476
        var msg = message
        let bitLength = UInt64(message.count) &* 8
        msg.append(0x80)
        while msg.count % 64 != 56 { msg.append(0) }
        for i in 0..<8 { msg.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        for chunk in stride(from: 0, to: msg.count, by: 64) {
            var m = [UInt32](repeating: 0, count: 16)
            for i in 0..<16 {
                let j = chunk + i * 4
                m[i] = UInt32(msg[j]) | UInt32(msg[j + 1]) << 8 | UInt32(msg[j + 2]) << 16 | UInt32(msg[j + 3]) << 24
            }
            var a = a0, b = b0, c = c0, d = d0
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
                b = b &+ (f << s[i] | f >> (32 - s[i]))
            }
            a0 = a0 &+ a
            b0 = b0 &+ b
            c0 = c0 &+ c
            d0 = d0 &+ d
        }
        return [a0, b0, c0, d0].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
            .map { String(format: "%02x", $0) }.joined()
    }
}
