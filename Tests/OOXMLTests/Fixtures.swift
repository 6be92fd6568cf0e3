import Foundation
import OOXML

/// Fixtures made by `scripts/make-ooxml-fixtures.py` from the oletools corpus (BSD-2) and benign specimens.
enum Fixture {
    /// The bytes of `Resources/path`.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let base = Bundle.module.resourceURL else { throw CocoaError(.fileNoSuchFile) }
        // The bundle's resource folder is the copied Resources folder itself on Linux, its parent elsewhere.
        let direct = base.appendingPathComponent(path)
        let url =
            FileManager.default.fileExists(atPath: direct.path)
            ? direct : base.appendingPathComponent("Resources").appendingPathComponent(path)
        return Array(try Data(contentsOf: url))
    }

    /// An OOXML package: every part name, and the bytes of the parts the script kept.
    struct Package {
        var name: String
        var partNames: [String]
        var parts: [String: [UInt8]]

        /// The package described, from its content types and relationship parts.
        func info() throws -> OOXMLPackageInfo {
            try OOXMLPackageInfo(
                partNames: partNames, contentTypesXML: parts["[Content_Types].xml"],
                relationships: parts.keys.sorted().filter { $0.hasSuffix(".rels") }.compactMap { name in
                    parts[name].map { (partName: name, xml: $0) }
                })
        }

        /// Every DDE link in the kept parts, as the engine would look for them.
        func ddeFields() -> [DDEField] {
            var out: [DDEField] = []
            for name in parts.keys.sorted() {
                guard let bytes = parts[name] else { continue }
                if name == "word/document.xml" {
                    out += OOXMLScanner.ddeFields(wordDocumentXML: bytes, partName: name)
                } else if name.hasPrefix("xl/") && name.hasSuffix(".xml") {
                    out += OOXMLScanner.ddeLinks(excelPartXML: bytes, partName: name)
                } else if name.hasPrefix("xl/externalLinks/") && name.hasSuffix(".bin") {
                    out += OOXMLScanner.ddeLinksXLSB(binaryPart: bytes, partName: name)
                }
            }
            return out
        }
    }

    static func package(_ name: String) throws -> Package {
        let json = try JSONSerialization.jsonObject(with: Data(try bytes("packages/\(name).json")))
        guard let object = json as? [String: Any], let names = object["partNames"] as? [String],
            let encoded = object["parts"] as? [String: String]
        else { throw CocoaError(.fileReadCorruptFile) }
        var parts: [String: [UInt8]] = [:]
        for (part, base64) in encoded {
            guard let data = Data(base64Encoded: base64) else { throw CocoaError(.fileReadCorruptFile) }
            parts[part] = Array(data)
        }
        return Package(name: name, partNames: names, parts: parts)
    }

    /// What msodde and oleobj say about a package.
    struct PackageGolden: Decodable {
        var msodde: [String]
        var oleobjExternal: [[String]]
        var olePartNames: [String]
    }

    struct Goldens: Decodable {
        var packages: [String: PackageGolden]
        var flat: [String: [String]]
        var doc: [String: [String]]
    }

    static let goldens: Goldens = {
        do {
            return try JSONDecoder().decode(Goldens.self, from: Data(try bytes("goldens.json")))
        } catch {
            return Goldens(packages: [:], flat: [:], doc: [:])
        }
    }()

    static var packageNames: [String] { goldens.packages.keys.sorted() }
}
