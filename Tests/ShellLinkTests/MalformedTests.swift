import ByteCursor
import ShellLink
import TestSupport
import Testing

@Suite("Malformed shortcuts give anomalies or clean errors")
struct MalformedTests {
    static let cases: [String] = (try? Fixture.json("malformed/manifest.json", as: [String: MalformedCase].self))
        .map { $0.keys.sorted() } ?? []

    /// Each malformed shortcut reports the anomaly codes (or the error) the fixture script expects.
    @Test(arguments: cases)
    func manifest(name: String) throws {
        let all = try Fixture.json("malformed/manifest.json", as: [String: MalformedCase].self)
        let expected = try #require(all[name])
        let bytes = try Fixture.bytes("malformed/\(name).lnk")
        if let error = expected.error {
            #expect(throws: ShellLinkError(.init(error), "")) { try ShellLink(parsing: bytes) }
            return
        }
        let link = try ShellLink(parsing: bytes)
        link.exercise()
        let codes = Set(link.anomalies.map(\.code.rawValue))
        for code in expected.anomalies {
            #expect(codes.contains(code), "\(name): expected \(code), got \(link.anomalies)")
        }
    }

    /// Bytes after the string data that are not an extra data block are taken as appended data.
    @Test func garbageAfterStringsIsAppendedData() throws {
        let bytes = try Fixture.bytes("malformed/garbage-after-strings.lnk")
        let link = try ShellLink(parsing: bytes)
        #expect(String(decoding: link.appendedData, as: UTF8.self) == "MsgBox \"x\"\r\n")
        #expect(link.arguments == "/c x")
        #expect(LNKAnalysis.indicators(link).contains { $0.kind == .appendedData })
    }

    /// A LinkInfo with an offset outside it keeps the fields that could be read.
    @Test func badLinkInfoKeepsTheRest() throws {
        let link = try ShellLink(parsing: try Fixture.bytes("malformed/linkinfo-bad-offset.lnk"))
        #expect(link.localBasePath == "C:\\x.exe")  // the Unicode path is still inside
        #expect(link.volumeLabel == "L")
    }

    /// Two environment blocks: the first one is used.
    @Test func duplicateBlockKeepsTheFirst() throws {
        let link = try ShellLink(parsing: try Fixture.bytes("malformed/duplicate-block.lnk"))
        #expect(link.environmentTarget == "%windir%\\x.exe")
        #expect(link.extraDataBlocks.count == 2)
    }

    /// A slice that does not start at index 0 reads the same, with offsets from its own start.
    @Test func sliceOffsets() throws {
        let bytes = try Fixture.bytes("fixtures/findstr-vbs.lnk")
        let shifted = [UInt8](repeating: 0xAA, count: 100) + bytes
        let a = try ShellLink(parsing: shifted[100...])
        let b = try ShellLink(parsing: bytes)
        #expect(a.appendedDataOffset == b.appendedDataOffset)
        #expect(Array(a.appendedData) == Array(b.appendedData))
        #expect(a.target == b.target)
        #expect(a.idList.map(\.offset) == b.idList.map(\.offset))
    }
}

@Suite("Hostile shortcuts never crash")
struct RobustnessTests {
    /// Every prefix of a valid shortcut parses with an anomaly, or throws, until the last byte.
    @Test(arguments: Fixture.names)
    func dripFeed(name: String) throws {
        let expected = try #require(try Fixture.expected()[name])
        let bytes = try Fixture.bytes(expected.file)
        let end = expected.appendedOffset ?? bytes.count
        for n in 0..<end {
            do {
                let link = try ShellLink(parsing: bytes[0..<n])
                link.exercise()
                #expect(!link.anomalies.isEmpty, "\(name): prefix of \(n) bytes parsed without a complaint")
            } catch let error as ShellLinkError {
                #expect(n < 76, "\(name): prefix of \(n) bytes threw \(error)")
            }
        }
        let whole = try ShellLink(parsing: bytes[...])
        #expect(whole.anomalies.isEmpty)
    }

    /// Seeded byte flips and overwrites with extreme values over every fixture.
    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0x4C4E4B)
        for name in Fixture.names {
            let original = try Fixture.bytes(try #require(try Fixture.expected()[name]).file)
            for round in 0..<1500 {
                var bytes = original
                for _ in 0..<Int(rng.next() % 6 + 1) {
                    let i = Int(rng.next() % UInt64(bytes.count))
                    switch round % 3 {
                    case 0: bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: bytes[i] = 0xFF
                    default: bytes[i] = 0
                    }
                }
                if round % 7 == 0 { bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1)))) }
                (try? ShellLink(parsing: bytes))?.exercise()
            }
        }
    }

    /// Random bytes behind a valid header, with every link flag set.
    @Test func randomBodies() throws {
        var rng = SplitMix64(seed: 7)
        let header = Array(try Fixture.bytes("fixtures/tracker.lnk").prefix(76))
        for _ in 0..<3000 {
            var bytes = header
            let flags = UInt32(truncatingIfNeeded: rng.next())
            for i in 0..<4 { bytes[0x14 + i] = UInt8(truncatingIfNeeded: flags >> (8 * UInt32(i))) }
            let count = Int(rng.next() % 2048)
            for _ in 0..<count { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            (try? ShellLink(parsing: bytes))?.exercise()
        }
    }
}
