import Foundation
import HTML

/// Test inputs: resources written by `scripts/make-html-fixtures.py`.
enum Fixture {
    /// `Tests/HTMLTests/Resources`.
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

    /// The names of the fixtures (without extension).
    static let names: [String] = (try? json("fixtures.json", as: [String].self)) ?? []

    /// The names of the malformed pages.
    static let malformed: [String] = (try? json("malformed/manifest.json", as: [String: MalformedCase].self))
        .map { $0.keys.sorted() } ?? []

    /// A fixture's page and what Python computed for it.
    static func load(_ name: String) throws -> (bytes: [UInt8], golden: Golden) {
        let golden = try json("\(name).json", as: Golden.self)
        return (try bytes(golden.file), golden)
    }
}

/// What the fixture script computed for one page.
struct Golden: Decodable {
    struct Payload: Decodable {
        var sha256: String
        var size: Int
        var name: String?
        var technique: String
    }
    struct Form: Decodable {
        var action: String?
        var method: String
        var password: Bool
    }
    var file: String
    var size: Int
    var charset: String
    var payloads: [Payload]
    var indicators: [String]
    var absent: [String]
    var urls: [String]
    var forms: [Form]?
}

/// One malformed page's expectation: anomaly codes that must be reported.
struct MalformedCase: Decodable {
    var anomalies: [String]
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

extension HTMLAnalysis {
    /// The raw values of the indicator kinds.
    var kinds: Set<String> { Set(indicators.map(\.kind.rawValue)) }
    /// The raw values of the anomaly codes.
    var anomalyCodes: Set<String> { Set(anomalies.map(\.code.rawValue)) }

    /// Touches every field, as the engine would.
    func exercise() {
        _ = indicators.map(\.description)
        _ = payloads.reduce(0) { $0 + $1.bytes.count }
        _ = (urls.count, forms.count, scripts.count, anomalies.map(\.description))
    }
}
