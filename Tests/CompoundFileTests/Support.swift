import CompoundFile
import Foundation
import TestSupport

/// Test inputs: resources written by `scripts/make-cfb-fixtures.py`, and the oletools corpus read in place.
enum Fixture: ResourceFixtures {
    /// `Tests/CompoundFileTests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

    /// The oletools corpus, vendored in the repository: `Tests/Corpus/oletools` (BSD-2, licence beside it).
    static let corpus: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus/oletools")

    /// The bytes of a corpus file.
    static func corpusBytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(path)))
    }

    /// The fixture, parsed.
    static func cfb(_ path: String, limits: CFBLimits = .default) throws -> CompoundFile {
        try CompoundFile(parsing: try bytes(path), limits: limits)
    }
}

/// One golden file: a compound file as olefile reads it.
struct Golden: Decodable {
    struct Stream: Decodable {
        var path: String
        var size: Int
        var sha256: String
    }

    struct Native: Decodable {
        var stream: String?
        var label: String
        var sourcePath: String?
        var tempPath: String?
        var isLink: Bool
        var payloadSize: Int
        var payloadSHA256: String?
        var payloadMD5: String?
    }

    struct PPTObject: Decodable {
        var offset: Int
        var compressed: Bool
        var size: Int
        var sha256: String
        var ole10native: Native?
    }

    /// "corpus" (read from the corpus), "embedded" (Resources/embedded), "fixture" (Resources/fixtures).
    var source: String
    var path: String
    var size: Int
    var sha256: String
    var sectorSize: Int
    var storages: [String]
    var streams: [Stream]
    var ole10native: [Native]
    var pptObjects: [PPTObject]

    /// Every golden in `Resources/golden`, with its file name.
    static func all() throws -> [(String, Golden)] {
        try Fixture.names(in: "golden").map { name in
            (name, try JSONDecoder().decode(Golden.self, from: Data(try Fixture.bytes("golden/" + name))))
        }
    }

    /// The bytes the golden describes.
    func input() throws -> [UInt8] {
        switch source {
        case "corpus": try Fixture.corpusBytes(path)
        case "embedded": try Fixture.bytes("embedded/" + path)
        default: try Fixture.bytes("fixtures/" + path)
        }
    }
}

extension CompoundFile {
    /// The anomaly codes, as raw strings (readable in failure messages).
    var anomalyCodes: [String] { anomalies.map(\.code.rawValue) }
}
