import Foundation
import RTF
import TestSupport

/// Test inputs: resources written by `scripts/make-rtf-fixtures.py`, and the oletools corpus read in place.
enum Fixture: ResourceFixtures {
    /// `Tests/RTFTests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

    /// The oletools corpus, vendored in the repository: `Tests/Corpus/oletools` (BSD-2, licence beside it).
    static let corpus: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus/oletools")

    /// The bytes of a corpus file.
    static func corpusBytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(path)))
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
