import Foundation
import OfficeMacros

/// Resources under `Resources/vba/`: fixtures made by `scripts/make-vba-fixtures.py`, olevba goldens and the raw
/// streams of each sample's VBA projects.
enum VBAFixture {
    static var root: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "vba", withExtension: nil, subdirectory: "Resources")
            else { throw CocoaError(.fileNoSuchFile) }
            return url
        }
    }

    /// The oletools corpus, vendored in `Tests/Corpus/oletools` (BSD-2, licence beside it).
    static let corpus: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus/oletools")

    static func corpusBytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(path)))
    }

    /// The bytes of `Resources/vba/<name>`.
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: try root.appendingPathComponent(name)))
    }

    /// olevba 0.60.2's view of a sample (`golden/<sample>.json`).
    struct Golden: Decodable {
        struct Module: Decodable {
            var name: String
            var stream: String
            var offset: Int
            var code: String
        }
        struct Project: Decodable {
            var storage: String
            var name: String
            var codepage: Int
            var modules: [Module]
        }
        struct Finding: Decodable, Hashable {
            var type: String
            var keyword: String
            var description: String
        }
        struct Raptor: Decodable {
            var flags: String
            var suspicious: Bool
        }
        var sample: String
        var projects: [Project]
        var analysis: [Finding]
        var mraptor: Raptor
    }

    static func golden(_ sample: String) throws -> Golden {
        let data = try Data(contentsOf: try root.appendingPathComponent("golden/\(sample).json"))
        return try JSONDecoder().decode(Golden.self, from: data)
    }

    static let goldenSamples = [
        "oleform-PR314.docm", "autostart-encrypt-standardpassword.xls", "sample_with_vba.ppt",
        "autoopen-powershell.docm", "autoopen-powershell.doc", "format-table.docm", "cp932.docm",
    ]

    /// A case-insensitive stream lookup over `golden/streams/<sample>/`, as a compound file would give it.
    static func streamLookup(_ sample: String) throws -> @Sendable (String) -> VBAExtractor.StreamLookup {
        let base = try root.appendingPathComponent("golden/streams/\(sample)")
        var files: [String: [UInt8]] = [:]
        let basePath = base.standardizedFileURL.path
        if let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) {
            for case let url as URL in walker {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
                    !isDirectory.boolValue
                else { continue }
                let full = url.standardizedFileURL.path
                guard full.hasPrefix(basePath + "/") else { continue }
                let relative = String(full.dropFirst(basePath.count + 1))
                files[relative.lowercased()] = Array(try Data(contentsOf: url))
            }
        }
        let snapshot = files
        return { path in
            if let bytes = snapshot[path.lowercased()] { return .found(bytes, truncated: false) }
            return .missing
        }
    }
}
