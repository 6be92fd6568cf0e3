import Foundation
import ShellLink
import TestSupport

/// Test inputs: resources written by `scripts/make-lnk-fixtures.py`.
enum Fixture: ResourceFixtures {
    /// `Tests/ShellLinkTests/Resources`.
    static var resources: URL? { Bundle.module.url(forResource: "Resources", withExtension: nil) }

    /// What the fixture script put in each fixture, by fixture name.
    static func expected() throws -> [String: Expected] { try json("expected.json", as: [String: Expected].self) }

    /// The names of the fixtures.
    static let names = ["powershell-enc", "findstr-vbs", "padded", "benign-pdf", "unc", "tracker", "ansi", "calc"]
}

/// What the fixture script wrote into one fixture.
struct Expected: Decodable {
    var file: String
    var size: Int
    var target: String?
    var arguments: String?
    var iconLocation: String?
    var iconIndex: Int?
    var showCommand: Int?
    var name: String?
    var relativePath: String?
    var workingDirectory: String?
    var environmentTarget: String?
    var networkPath: String?
    var idListPath: String?
    var decoded: String?
    var machineID: String?
    var macAddress: String?
    var droidVolume: String?
    var droidFile: String?
    var birthVolume: String?
    var birthFile: String?
    var volumeSerial: UInt32?
    var volumeLabel: String?
    var driveType: UInt32?
    var properties: [String: String]?
    var knownFolderID: String?
    var specialFolderID: UInt32?
    var consoleCodePage: UInt32?
    var appendedOffset: Int?
    var appendedSize: Int?
    var appendedSHA256: String?
    var md5: String?
    var indicators: [String]
}

/// LnkParse3's reading of a fixture, flattened by the fixture script.
struct Golden: Decodable {
    var linkFlags: UInt32
    var fileAttributes: UInt32
    var fileSize: UInt32
    var iconIndex: Int32
    var showCommand: UInt32?
    var name: String?
    var relativePath: String?
    var workingDirectory: String?
    var arguments: String?
    var iconLocation: String?
    var localBasePath: String?
    var volumeSerial: UInt32?
    var driveType: UInt32?
    var volumeLabel: String?
    var netName: String?
    var idListItems: [String]
    var environmentTarget: String?
    var machineID: String?
    var droidVolume: String?
    var droidFile: String?
    var birthVolume: String?
    var birthFile: String?
    var properties: [String: String]
    var knownFolderID: String?
    var specialFolderID: UInt32?
    var appendedSize: Int?
    var appendedSHA256: String?
}

/// One malformed shortcut's expectation.
struct MalformedCase: Decodable {
    var anomalies: [String]
    var error: String?
}

extension ShellLink {
    /// Touches every field and runs the analysis, as the engine would.
    @discardableResult
    func exercise() -> [LNKIndicator] {
        _ = (target, localBasePath, networkPath, vistaIDListPath, volumeSerial, driveType, volumeLabel)
        _ = properties.count + appendedData.count + extraDataBlocks.count
        return LNKAnalysis.indicators(self, fileName: "invoice.lnk")
    }
}
