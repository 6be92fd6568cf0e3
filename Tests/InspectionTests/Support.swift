import Foundation
import Inspection

enum Fixture {
    /// Bytes of a file under `Tests/InspectionTests/Resources/`.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "Resources/" + path, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return Array(try Data(contentsOf: url))
    }

    static func scan(_ path: String, passwords: [String] = []) throws -> ScanResult {
        Inspector(userPasswords: passwords).scan(try bytes(path)[...], name: path, input: path)
    }
}

extension ScanResult {
    func findings(_ id: RuleID) -> [Finding] { findings.filter { $0.id == id.rawValue } }
    func has(_ id: RuleID) -> Bool { !findings(id).isEmpty }
    var nodes: [ArtifactNode] { root.walk() }
}
