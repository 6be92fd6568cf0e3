import Foundation
import PE
import TestSupport

/// Test inputs: resources written by `scripts/make-pe-fixtures.py`.
enum Fixture: ResourceFixtures {
    /// `Tests/PETests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

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
