import Foundation

/// A test target's resource folder, read by path: a target's `Fixture` enum names its folder
/// (`Bundle.module` belongs to the target) and gets the readers from here.
public protocol ResourceFixtures {
    /// The target's `Resources` folder.
    static var resources: URL? { get }
}

extension ResourceFixtures {
    /// The bytes of `Resources/<path>`.
    public static func bytes(_ path: String) throws -> [UInt8] {
        guard let url = resources?.appendingPathComponent(path) else { throw CocoaError(.fileNoSuchFile) }
        return Array(try Data(contentsOf: url))
    }

    /// `Resources/<path>` as JSON, decoded.
    public static func json<T: Decodable>(_ path: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try bytes(path)))
    }

    /// The names of the files in `Resources/<directory>`, sorted.
    public static func names(in directory: String) -> [String] {
        guard let url = resources?.appendingPathComponent(directory),
            let names = try? FileManager.default.contentsOfDirectory(atPath: url.path)
        else { return [] }
        return names.sorted()
    }
}
