import ShellLink
import TestSupport
import Testing

@Suite("Fixtures: exact fields, and agreement with LnkParse3")
struct FixtureTests {
    /// Every field the fixture script put in comes back exactly.
    @Test(arguments: Fixture.names)
    func expectedFields(name: String) throws {
        let expected = try #require(try Fixture.expected()[name])
        let bytes = try Fixture.bytes(expected.file)
        #expect(bytes.count == expected.size)
        let link = try ShellLink(parsing: bytes)
        #expect(link.anomalies.isEmpty, "\(link.anomalies)")
        #expect(link.target == expected.target)
        if let v = expected.arguments { #expect(link.arguments == v) }
        if let v = expected.iconLocation { #expect(link.iconLocation == v) }
        if let v = expected.iconIndex { #expect(Int(link.header.iconIndex) == v) }
        if let v = expected.showCommand { #expect(Int(link.header.showCommand) == v) }
        if let v = expected.name { #expect(link.name == v) }
        if let v = expected.relativePath { #expect(link.relativePath == v) }
        if let v = expected.workingDirectory { #expect(link.workingDirectory == v) }
        if let v = expected.environmentTarget { #expect(link.environmentTarget == v) }
        if let v = expected.networkPath { #expect(link.networkPath == v) }
        if let v = expected.idListPath { #expect(link.targetIDListPath == v) }
        if let v = expected.machineID { #expect(link.tracker?.machineID == v) }
        if let v = expected.macAddress { #expect(link.tracker?.macAddress == v) }
        if let v = expected.droidVolume { #expect(link.tracker?.droidVolume == v) }
        if let v = expected.droidFile { #expect(link.tracker?.droidFile == v) }
        if let v = expected.birthVolume { #expect(link.tracker?.birthVolume == v) }
        if let v = expected.birthFile { #expect(link.tracker?.birthFile == v) }
        if let v = expected.volumeSerial { #expect(link.volumeSerial == v) }
        if let v = expected.volumeLabel { #expect(link.volumeLabel == v) }
        if let v = expected.driveType { #expect(link.driveType == v) }
        if let v = expected.properties { #expect(link.properties == v) }
        if let v = expected.knownFolderID { #expect(link.knownFolderID == v) }
        if let v = expected.specialFolderID { #expect(link.specialFolderID == v) }
        if let v = expected.consoleCodePage { #expect(link.consoleCodePage == v) }
        if let md5 = expected.md5 { #expect(HexDigest.md5(bytes) == md5) }
        if let offset = expected.appendedOffset {
            #expect(link.appendedDataOffset == offset)
            #expect(link.appendedData.count == expected.appendedSize)
            #expect(HexDigest.sha256(Array(link.appendedData)) == expected.appendedSHA256)
            #expect(Array(link.appendedData) == Array(bytes[offset...]))
        } else {
            #expect(link.appendedData.isEmpty)
            #expect(link.appendedDataOffset == nil)
        }
    }

    /// The indicators LNKAnalysis reports are exactly the ones the fixture was built to show.
    @Test(arguments: Fixture.names)
    func indicators(name: String) throws {
        let expected = try #require(try Fixture.expected()[name])
        let link = try ShellLink(parsing: try Fixture.bytes(expected.file))
        let found = LNKAnalysis.indicators(link, fileName: "\(name).lnk")
        #expect(found.map(\.kind.rawValue).sorted() == expected.indicators.sorted(), "\(found)")
        if let decoded = expected.decoded {
            #expect(found.first { $0.kind == .encodedPowerShell }?.decoded == decoded)
        }
    }

    /// The same fields as LnkParse3 (the peer) reads them.
    @Test(arguments: Fixture.names)
    func agreesWithLnkParse3(name: String) throws {
        let expected = try #require(try Fixture.expected()[name])
        let golden = try Fixture.json("golden/\(name).json", as: Golden.self)
        let link = try ShellLink(parsing: try Fixture.bytes(expected.file))
        #expect(link.header.linkFlags.rawValue == golden.linkFlags)
        #expect(link.header.fileAttributes == golden.fileAttributes)
        #expect(link.header.fileSize == golden.fileSize)
        #expect(link.header.iconIndex == golden.iconIndex)
        #expect(link.header.showCommand == golden.showCommand)
        #expect(link.name == golden.name)
        #expect(link.relativePath == golden.relativePath)
        #expect(link.workingDirectory == golden.workingDirectory)
        #expect(link.arguments == golden.arguments)
        #expect(link.iconLocation == golden.iconLocation)
        #expect(link.localBasePath == golden.localBasePath)
        #expect(link.volumeSerial == golden.volumeSerial)
        #expect(link.driveType == golden.driveType)
        if golden.volumeLabel != nil { #expect(link.volumeLabel == golden.volumeLabel) }
        #expect(link.linkInfo?.netName == golden.netName)
        #expect(link.environmentTarget == golden.environmentTarget)
        #expect(link.tracker?.machineID == golden.machineID)
        #expect(link.tracker?.droidVolume == golden.droidVolume)
        #expect(link.tracker?.droidFile == golden.droidFile)
        #expect(link.tracker?.birthVolume == golden.birthVolume)
        #expect(link.tracker?.birthFile == golden.birthFile)
        #expect(link.properties == golden.properties)
        #expect(link.knownFolderID == golden.knownFolderID)
        #expect(link.specialFolderID == golden.specialFolderID)
        #expect((link.appendedData.isEmpty ? nil : link.appendedData.count) == golden.appendedSize)
        if let sha = golden.appendedSHA256 { #expect(HexDigest.sha256(Array(link.appendedData)) == sha) }
        // LnkParse3 lists the primary (8.3) names; ours keep them beside the long names.
        let items: [String] = link.idList.compactMap { item in
            switch item.kind {
            case .rootFolder(let guid): guid
            case .volume(let name): name
            case .fileEntry(let primary, _, _, _): primary
            default: nil
            }
        }
        #expect(items == golden.idListItems)
    }

    /// calc.lnk from the oletools corpus: the target is calc.exe, the LinkInfo, tracker and property store read.
    @Test func corpusCalcLNK() throws {
        let bytes = try Fixture.bytes("corpus/calc.lnk")
        #expect(HexDigest.md5(bytes) == "6aedb1a876d4ad5236f1fbbbeb7274f3")
        let link = try ShellLink(parsing: bytes)
        #expect(link.target == "C:\\Windows\\System32\\calc.exe")
        #expect(link.targetIDListPath == "C:\\Windows\\System32\\calc.exe")
        #expect(link.volumeSerial == 0x58D2_1728)
        #expect(link.tracker?.machineID == "gwt-7-32-ol2003")
        #expect(link.properties["{46588AE2-4CBC-4338-BBFC-139326986DCE} 4"] == "S-1-5-21-1184915572-3239078193-2257310011-1000")
        #expect(link.extraDataBlocks.map(\.name).contains("PropertyStoreDataBlock"))
        #expect(link.appendedData.isEmpty)
    }

    /// Long names from version 9 0xBEEF0004 blocks beside the 8.3 names.
    @Test func longNames() throws {
        let link = try ShellLink(parsing: try Fixture.bytes("fixtures/tracker.lnk"))
        let entries = link.idList.compactMap { item -> (String, String?)? in
            if case .fileEntry(let primary, let long, _, _) = item.kind { return (primary, long) }
            return nil
        }
        #expect(entries.map(\.0) == ["Users", "Public", "DOCUME~1", "notes.txt"])
        #expect(entries.map(\.1) == ["Users", "Public", "Documents", "notes.txt"])
    }
}
