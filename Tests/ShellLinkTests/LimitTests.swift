import ByteCursor
import ShellLink
import Testing

@Suite("Every limit is enforced")
struct LimitTests {
    func limited(_ change: (inout ShellLinkLimits) -> Void) -> ShellLinkLimits {
        var limits = ShellLinkLimits.default
        change(&limits)
        return limits
    }

    func hasLimitAnomaly(_ link: ShellLink, _ limit: Limit) -> Bool {
        link.anomalies.contains { $0.code == .limitExceeded && $0.detail.contains(limit.name) }
    }

    @Test func idListItems() throws {
        let limits = limited { $0.maxIDListItems.maximum = 3 }
        let link = try ShellLink(parsing: try Fixture.bytes("fixtures/tracker.lnk"), limits: limits)
        #expect(link.idList.count == 3)
        #expect(hasLimitAnomaly(link, limits.maxIDListItems))
        // The rest of the shortcut is still read.
        #expect(link.tracker?.machineID == "desktop-emo01")
    }

    @Test func stringCharacters() throws {
        let limits = limited { $0.maxStringCharacters.maximum = 50 }
        let link = try ShellLink(parsing: try Fixture.bytes("fixtures/padded.lnk"), limits: limits)
        #expect(link.arguments?.unicodeScalars.count == 50)
        #expect(hasLimitAnomaly(link, limits.maxStringCharacters))
        #expect(link.iconLocation == "C:\\Users\\Public\\Documents\\invoice.pdf")
    }

    @Test func extraDataBlocks() throws {
        let limits = limited { $0.maxExtraDataBlocks.maximum = 2 }
        let link = try ShellLink(parsing: try Fixture.bytes("fixtures/tracker.lnk"), limits: limits)
        #expect(link.extraDataBlocks.count == 2)
        #expect(hasLimitAnomaly(link, limits.maxExtraDataBlocks))
    }

    @Test func properties() throws {
        let limits = limited { $0.maxProperties.maximum = 3 }
        let link = try ShellLink(parsing: try Fixture.bytes("fixtures/tracker.lnk"), limits: limits)
        #expect(link.propertyList.count == 1)  // storage, value, storage: the second value is over
        #expect(hasLimitAnomaly(link, limits.maxProperties))
    }

    @Test func decodedBytes() throws {
        let limits = limited { $0.maxDecodedBytes.maximum = 16 }
        let link = try ShellLink(parsing: try Fixture.bytes("fixtures/powershell-enc.lnk"))
        let indicator = LNKAnalysis.indicators(link, limits: limits).first { $0.kind == .encodedPowerShell }
        #expect(indicator?.decoded == "Invoke-W")
    }

    @Test func anomalies() throws {
        let limits = limited { $0.maxAnomalies.maximum = 2 }
        let link = try ShellLink(parsing: try Fixture.bytes("malformed/linkinfo-bad-offset.lnk"), limits: limits)
        let bad = link.anomalies.filter { $0.code == .badLinkInfo }
        #expect(bad.count <= 2)
        #expect(link.anomalies.contains { $0.code == .tooManyAnomalies } == (bad.count == 2))
    }
}
