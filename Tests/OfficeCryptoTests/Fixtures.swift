import Foundation

/// Fixtures made by `scripts/make-ooxml-fixtures.py`: the encrypted files of the oletools corpus (BSD-2), synthetic
/// Standard and RC4 CryptoAPI files, their streams, and msoffcrypto-tool's goldens.
enum Fixture {
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let base = Bundle.module.resourceURL else { throw CocoaError(.fileNoSuchFile) }
        let direct = base.appendingPathComponent(path)
        let url =
            FileManager.default.fileExists(atPath: direct.path)
            ? direct : base.appendingPathComponent("Resources").appendingPathComponent(path)
        return Array(try Data(contentsOf: url))
    }

    /// A stream of a fixture, or `nil` when the file has no such stream.
    static func stream(_ file: String, _ stream: String) -> [UInt8]? {
        try? bytes("streams/\(file)/\(stream)")
    }

    struct Decrypted: Decodable {
        var sha256: String
        var size: Int
        var workbookSHA256: String?
        var workbookSize: Int?
        var wordDocumentSHA256: String?
        var tableSHA256: String?
    }

    struct Golden: Decodable {
        var passwordUsed: String
        var encrypted: Bool
        var msoffcryptoType: String
        var msoffcryptoKind: String?
        var decrypted: Decrypted?
        var plainWordDocumentTailSHA256: String?
    }

    static let goldens: [String: Golden] = {
        (try? JSONDecoder().decode([String: Golden].self, from: Data(try bytes("goldens.json")))) ?? [:]
    }()

    static var names: [String] { goldens.keys.sorted() }
}
