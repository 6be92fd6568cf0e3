import Foundation
import HTML
import TestSupport

/// Test inputs: resources written by `scripts/make-html-fixtures.py`.
enum Fixture: ResourceFixtures {
    /// `Tests/HTMLTests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

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
