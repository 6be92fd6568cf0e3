import ByteCursor
import DiskImage
import Foundation

/// Fixtures made by `scripts/make-diskimage-fixtures.py`, and what the script put in them.
enum Fixture {
    static let password = Array("K7xQ2m".utf8)
    static let longName = "Quarterly Report 2026 (final version).pdf"

    /// The bytes of `Resources/name`.
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return Array(try Data(contentsOf: url))
    }

    /// The fixture, listed.
    static func image(_ name: String, limits: DiskImageLimits = .default) throws -> DiskImage {
        try DiskImage(parsing: try bytes(name), limits: limits)
    }

    /// SHA-256 and size of each content the script wrote, from `SHA256SUMS.contents`.
    static let contents: [String: (sha256: String, size: Int)] = {
        guard let text = try? String(decoding: bytes("SHA256SUMS.contents"), as: UTF8.self) else { return [:] }
        var out: [String: (String, Int)] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            if f.count == 3, let n = Int(f[2]) { out[String(f[1])] = (String(f[0]), n) }
        }
        return out
    }()
}

extension DiskImage {
    /// The anomaly codes, as raw strings (readable in failure messages).
    var anomalyCodes: [String] { anomalies.map(\.code.rawValue) }
    /// Paths of the entries, in order.
    var paths: [String] { entries.map(\.path) }
}
