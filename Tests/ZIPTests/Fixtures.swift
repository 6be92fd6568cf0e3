import Foundation
import ZIP

/// Fixtures made by `scripts/make-zip-fixtures.py`, and the texts inside them.
enum Fixture {
    static let password = Array("K7xQ2m".utf8)

    static let invoice = Array(
        ("Invoice 4711 for order 2026-11-03.\r\n"
            + "Please find the details at https://billing.example.invalid/invoice/4711\r\n"
            + "Kind regards, Accounts\r\n").utf8)
    static let readme = Array("This archive is a test fixture for Emoguard. Nothing in it is harmful.\n".utf8)
    static let report: [UInt8] = (0..<400).flatMap { i -> [UInt8] in
        let n = String(i)
        let padded = String(repeating: "0", count: 4 - n.count) + n
        return Array("Line \(padded): quarterly figures for example.invalid, nothing to see here.\n".utf8)
    }

    /// The bytes of `Resources/name`.
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return Array(try Data(contentsOf: url))
    }

    /// The fixture, parsed.
    static func archive(_ name: String, limits: ZIPLimits = .default) throws -> ZIPArchive {
        try ZIPArchive(parsing: try bytes(name), limits: limits)
    }
}

extension ZIPArchive {
    /// The entry named `name`.
    func entry(_ name: String) -> ZIPEntry? { entries.first { $0.name == name } }

    /// The anomaly codes, as raw strings (readable in failure messages).
    var anomalyCodes: [String] { anomalies.map(\.code.rawValue) }
}
