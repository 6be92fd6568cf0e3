import Foundation
import TestSupport

@testable import ThreatIntel

enum Fixture: ResourceFixtures {
    /// `Tests/ThreatIntelTests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

    static func feed(_ name: String) throws -> [UInt8] { try bytes("feeds/\(name)") }

    static func lines(_ name: String) throws -> [String] {
        String(decoding: try feed(name), as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// A new store in a temporary folder, removed when the test ends.
final class TemporaryStore {
    let folder: URL
    let store: IntelStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("intel-\(UUID().uuidString)")
        store = try IntelStore(path: folder.appendingPathComponent("intel.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

extension Array where Element == RowIssue {
    var lines: [Int] { map(\.line) }
}
