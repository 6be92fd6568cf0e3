import Foundation
import OneNote
import TestSupport

/// Test inputs: resources written by `scripts/make-onenote-fixtures.py`.
enum Fixture: ResourceFixtures {
    /// `Tests/OneNoteTests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

    /// The section, parsed.
    static func section(_ path: String, limits: OneNoteLimits = .default) throws -> OneNoteFile {
        try OneNoteFile(parsing: try bytes(path), limits: limits)
    }

    /// The cabinet, parsed.
    static func cabinet(_ path: String, limits: OneNoteLimits = .default) throws -> CabinetArchive {
        try CabinetArchive(parsing: try bytes(path), limits: limits)
    }
}

/// A section's golden: what pyOneNote 0.0.2 and one-extract 0.1.4 read, and what the script built.
struct SectionGolden: Decodable, Sendable {
    struct PyFile: Decodable, Sendable {
        var guid: String
        var `extension`: String
        var identity: String
        var name: String?
        var size: Int
        var sha256: String
    }

    struct PyOneNote: Decodable, Sendable {
        var files: [PyFile]
        var texts: [String]
        var titles: [String]
    }

    struct Blob: Decodable, Sendable {
        var size: Int
        var sha256: String
    }

    struct OneExtract: Decodable, Sendable {
        var files: [Blob]
        var titles: [String]
    }

    struct Built: Decodable, Sendable {
        var blobOffset: Int
        var blobGUID: String
        var payloadSHA256: String
        var payloadSize: Int
    }

    var file: String
    var size: Int
    var sha256: String
    var built: Built
    var pyOneNote: PyOneNote
    var oneExtract: OneExtract
}

/// What `gcab -l` lists, with the content's digest.
struct CabinetEntryGolden: Decodable, Sendable {
    var name: String
    var size: Int
    var sha256: String
}

extension OneNoteFile {
    var anomalyCodes: [String] { anomalies.map(\.code.rawValue) }
}

extension CabinetArchive {
    var anomalyCodes: [String] { anomalies.map(\.code.rawValue) }
}
