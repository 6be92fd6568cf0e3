import CompoundFile
import Foundation
import Testing

/// The specimens of `Resources/malformed/manifest.json`: the valid fixture with one structure broken. Each gives
/// the anomalies (or the error) the manifest names, and every stream still reads without a crash or a hang.
@Suite("Malformed compound files")
struct MalformedTests {
    struct Specimen: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var anomalies: [String]
        var error: String?
        var note: String
        var testDescription: String { file }
    }

    static let specimens: [Specimen] = {
        guard let data = try? Fixture.bytes("malformed/manifest.json") else { return [] }
        return (try? JSONDecoder().decode([Specimen].self, from: Data(data))) ?? []
    }()

    /// Parses and reads every stream; returns the file when it parses.
    static func exercise(_ bytes: ArraySlice<UInt8>, limits: CFBLimits = .default) -> CompoundFile? {
        guard let cfb = try? CompoundFile(parsing: bytes, limits: limits) else { return nil }
        for entry in cfb.entries + [cfb.root] {
            if let s = try? cfb.stream(entry) {
                #expect(s.bytes.count <= limits.maxStreamBytes.maximum)
                #expect(UInt64(s.bytes.count) <= s.declaredSize)
                #expect(s.truncated == (UInt64(s.bytes.count) < s.declaredSize))
            }
        }
        for object in cfb.powerPointOLEObjects() {
            #expect(object.bytes.count <= limits.maxStreamBytes.maximum)
            _ = (try? CompoundFile(parsing: object.bytes, limits: limits))?.embeddedObjects()
        }
        _ = cfb.embeddedObjects()
        return cfb
    }

    @Test func manifestIsComplete() {
        #expect(Self.specimens.count >= 40)
    }

    @Test(arguments: Self.specimens)
    func specimen(_ s: Specimen) throws {
        let bytes = try Fixture.bytes("malformed/" + s.file)
        if let code = s.error {
            #expect {
                try CompoundFile(parsing: bytes)
            } throws: { error in
                (error as? CFBError)?.code.rawValue == code
            }
            return
        }
        let cfb = try #require(Self.exercise(bytes[...]), "\(s.file) must parse")
        for code in s.anomalies {
            #expect(cfb.anomalyCodes.contains(code), "\(s.file): expected \(code), got \(cfb.anomalies)")
        }
        if s.anomalies.isEmpty {
            #expect(cfb.anomalies.isEmpty, "\(cfb.anomalies)")
        }
        // Each entry is listed once, whatever the tree does.
        #expect(Set(cfb.entries.map(\.id)).count == cfb.entries.count)
    }

    static let report: [UInt8] = (0..<70).flatMap { i -> [UInt8] in
        let n = String(i)
        return Array("Line \(String(repeating: "0", count: 4 - n.count) + n): quarterly figures for example.invalid, nothing to see here.\n".utf8)
    }

    @Test func loopedStreamStopsAtTheLoop() throws {
        let cfb = try Fixture.cfb("malformed/fat-loop.cfb")
        let s = try #require(try cfb.stream(path: "WordDocument"))
        // The chain's 10 sectors are read once, and the last sector's link back is not followed.
        #expect(!s.truncated)
        #expect(s.bytes == Self.report)
        let inner = try Fixture.cfb("malformed/fat-loop-inner.cfb")
        let t = try #require(try inner.stream(path: "WordDocument"))
        #expect(t.truncated)
        #expect(t.bytes == Array(Self.report.prefix(4 * 512)))
        #expect(inner.anomalies(.fatLoop).first?.entryID == inner.entry(path: "WordDocument")?.id)
    }

    @Test func miniLoopStopsAtTheLoop() throws {
        let cfb = try Fixture.cfb("malformed/minifat-loop.cfb")
        let s = try #require(try cfb.stream(path: "Macros/VBA/dir"))
        #expect(!s.truncated)
        #expect(s.bytes == Array(String(repeating: "dir stream fixture ", count: 10).utf8))
    }

    @Test func outOfRangeStreamIsCut() throws {
        let cfb = try Fixture.cfb("malformed/sector-out-of-range.cfb")
        let s = try #require(try cfb.stream(path: "WordDocument"))
        #expect(s.truncated && !s.cutAtLimit)
        #expect(s.bytes == Array(Self.report.prefix(3 * 512)))
    }

    @Test func highBitsAreIgnoredInVersion3() throws {
        let cfb = try Fixture.cfb("malformed/v3-size-high-bits.cfb")
        let entry = try #require(cfb.entry(path: "WordDocument"))
        #expect(entry.size == UInt64(Self.report.count))
        #expect(try cfb.stream(entry).bytes == Self.report)
        #expect(cfb.anomalyCodes == ["size-high-bits"])
    }

    @Test func absurdSizeReadsWhatIsThere() throws {
        for file in ["malformed/absurd-size-v3.cfb", "malformed/absurd-size-v4.cfb"] {
            let cfb = try Fixture.cfb(file)
            let entry = try #require(cfb.entry(path: "WordDocument"))
            #expect(entry.size >= 0xFFFF_FFF0)
            let s = try cfb.stream(entry)
            #expect(s.truncated)
            #expect(s.bytes.starts(with: Self.report))
            #expect(s.bytes.count < 64 << 10, "no more than the chain holds")
        }
    }

    @Test func largerThanChainIsTruncated() throws {
        let cfb = try Fixture.cfb("malformed/size-larger-than-chain.cfb")
        let s = try #require(try cfb.stream(path: "WordDocument"))
        #expect(s.truncated)
        #expect(s.bytes.starts(with: Self.report))
        #expect(s.bytes.count == 10 * 512)
    }

    @Test func cycleListsEveryEntryOnce() throws {
        let cfb = try Fixture.cfb("malformed/directory-cycle.cfb")
        #expect(cfb.entry(path: "Macros/VBA/dir") != nil)
        #expect(cfb.anomalies(.directoryCycle).count == 1)
        let selfChild = try Fixture.cfb("malformed/directory-self-child.cfb")
        #expect(selfChild.children(of: selfChild.entry(path: "Macros/VBA")).isEmpty)
    }

    @Test func sharedEntryIsListedUnderItsFirstParent() throws {
        let cfb = try Fixture.cfb("malformed/directory-shared-entry.cfb")
        let dirs = cfb.entries.filter { $0.name == "dir" }
        #expect(dirs.count == 1)
    }

    @Test func overlapNamesBothStreams() throws {
        let cfb = try Fixture.cfb("malformed/overlapping-streams.cfb")
        let overlap = try #require(cfb.anomalies(.overlappingStreams).first)
        let a = try #require(cfb.entry(path: "WordDocument")?.id)
        let b = try #require(cfb.entry(path: "Macros/VBA/ThisDocument")?.id)
        #expect(overlap.detail.contains("entry \(a)") && overlap.detail.contains("entry \(b)"))
    }

    @Test func unknownTypeIsNotAStream() throws {
        let cfb = try Fixture.cfb("malformed/unknown-entry-type.cfb")
        let entry = try #require(cfb.entry(path: "Macros/VBA/Module1"))
        #expect(entry.type == .unknown(3))
        #expect(throws: CFBError.notAStream) { try cfb.stream(entry) }
    }

    @Test func trailingDataIsLocated() throws {
        let small = try Fixture.bytes("fixtures/small.cfb")
        let cfb = try Fixture.cfb("malformed/trailing-data.cfb")
        #expect(cfb.anomalies(.trailingData).first?.offset == small.count)
    }

    @Test func notCFBAndShortHeaders() {
        #expect(throws: CFBError.notCFB) { try CompoundFile(parsing: [UInt8]()) }
        #expect(throws: CFBError.notCFB) { try CompoundFile(parsing: [0xD0, 0xCF, 0x11]) }
        #expect(throws: CFBError.truncated) { try CompoundFile(parsing: CompoundFile.signature) }
        #expect(throws: CFBError.notCFB) { try CompoundFile(parsing: Array("bla\n".utf8)) }
    }
}

@Suite(.enabled(if: ProcessInfo.processInfo.environment["CFB_DUMP"] != nil))
struct DumpAnomalies {
    @Test func dump() throws {
        for s in MalformedTests.specimens where s.error == nil {
            let cfb = try Fixture.cfb("malformed/" + s.file)
            print("== \(s.file)")
            for a in cfb.anomalies { print("   \(a)") }
        }
    }
}
