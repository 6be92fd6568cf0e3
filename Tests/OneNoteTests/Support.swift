import Foundation
import OneNote

/// Test inputs: resources written by `scripts/make-onenote-fixtures.py`.
enum Fixture {
    /// `Tests/OneNoteTests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

    /// The bytes of `Resources/<path>`.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let url = resources?.appendingPathComponent(path) else { throw CocoaError(.fileNoSuchFile) }
        return Array(try Data(contentsOf: url))
    }

    /// `Resources/<path>` as JSON.
    static func json<T: Decodable>(_ path: String, as: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try bytes(path)))
    }

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

/// A small deterministic generator for reproducible mutations.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
    }
}
