import ByteCursor
import Testing

@testable import OfficeMacros

/// The `dir` stream's records, built by hand: the specification's layout, olevba's tolerated deviations, limits.
@Suite struct VBADirStreamTests {
    static func record(_ id: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let n = UInt32(payload.count)
        return [
            UInt8(id & 0xFF), UInt8(id >> 8), UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF),
            UInt8(n >> 24),
        ] + payload
    }
    static func u16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// A project with one procedural and one document module, as Office writes it.
    static func informationAndModules(version: [UInt8]? = nil) -> [UInt8] {
        var d: [UInt8] = []
        d += record(0x0001, u32(1))
        d += record(0x004A, u32(3))
        d += record(0x0002, u32(0x409))
        d += record(0x0014, u32(0x409))
        d += record(0x0003, u16(932))
        d += record(0x0004, text("VBAProject"))
        d += record(0x0005, []) + record(0x0040, [])
        d += record(0x0006, []) + record(0x003D, [])
        d += record(0x0007, u32(0))
        d += record(0x0008, u32(0))
        d += version ?? ([0x09, 0x00] + u32(4) + u32(0x65BE_0257) + u16(0x11))
        d += record(0x000C, []) + record(0x003C, [])
        // REFERENCENAME + REFERENCEREGISTERED
        d += record(0x0016, text("stdole")) + record(0x003E, [0x73, 0, 0x74, 0])
        let libid = text(
            "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"
        )
        d += record(0x000D, u32(UInt32(libid.count)) + libid + u32(0) + u16(0))
        d += record(0x000F, u16(2))
        d += record(0x0013, u16(0xFFFF))
        for (name, type) in [("Module1", UInt16(0x0021)), ("ThisDocument", 0x0022)] {
            d += record(0x0019, text(name))
            d += record(0x0047, Array(name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
            d += record(0x001A, text(name)) + record(0x0032, [])
            d += record(0x001C, []) + record(0x0048, [])
            d += record(0x0031, u32(0x0333))
            d += record(0x001E, u32(0))
            d += record(0x002C, u16(0xFFFF))
            d += record(type, [])
            if name == "ThisDocument" { d += record(0x0028, []) }
            d += record(0x002B, [])
        }
        d += record(0x0010, [])
        return d
    }

    @Test func wellFormed() throws {
        let dir = try VBADirectory(parsing: Self.informationAndModules()[...])
        #expect(dir.anomalies.isEmpty, "\(dir.anomalies)")
        #expect(dir.isTerminated)
        #expect(dir.codePage == 932)
        #expect(dir.projectName == Self.text("VBAProject"))
        #expect(dir.versionMajor == 0x65BE_0257 && dir.versionMinor == 0x11)
        #expect(dir.references.count == 1)
        #expect(dir.references.first?.kind == .registered)
        #expect(dir.references.first?.name == Self.text("stdole"))
        #expect(dir.modules.map { String(decoding: $0.name, as: UTF8.self) } == ["Module1", "ThisDocument"])
        #expect(dir.modules.map(\.type) == [.procedural, .documentClass])
        #expect(dir.modules.map(\.textOffset) == [0x0333, 0x0333])
        #expect(dir.modules.map(\.isPrivate) == [false, true])
        #expect(dir.declaredModuleCount == 2)
    }

    @Test func projectVersionSizeFieldIsReserved() throws {
        // Some writers put 6 in the "size" field; the payload is still 6 bytes (olevba reads it the same way).
        let odd = [0x09, 0x00] + Self.u32(6) + Self.u32(1) + Self.u16(2)
        let dir = try VBADirectory(parsing: Self.informationAndModules(version: odd)[...])
        #expect(dir.versionMajor == 1 && dir.versionMinor == 2)
        #expect(dir.modules.count == 2)
        #expect(dir.anomalies == ["PROJECTVERSION reserved field is 6, not 4"])
    }

    @Test func missingAndUnknownRecordsAreTolerated() throws {
        var d = Self.record(0x0001, Self.u32(1)) + Self.record(0x0003, Self.u16(1252))
        d += Self.record(0x7777, [1, 2, 3])  // unknown
        d += Self.record(0x0019, Self.text("M")) + Self.record(0x001A, Self.text("M"))  // no offset, no type
        d += Self.record(0x0025, [])  // read-only
        // no module terminator, no dir terminator
        let dir = try VBADirectory(parsing: d[...])
        #expect(dir.modules.count == 1)
        #expect(dir.modules.first?.isReadOnly == true)
        #expect(dir.modules.first?.type == nil)
        #expect(dir.anomalies.contains { $0.contains("unknown dir record 0x7777") })
        #expect(dir.anomalies.contains("last module record is not terminated"))
        #expect(dir.anomalies.contains("dir stream has no terminator record"))
    }

    @Test func recordPastTheEnd() throws {
        let d = Self.record(0x0001, Self.u32(1)) + [0x04, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0x41]
        let dir = try VBADirectory(parsing: d[...])
        #expect(dir.anomalies.contains { $0.contains("declares 2147483647 bytes") })
    }

    @Test func garbageThrows() {
        #expect(throws: OfficeMacrosError.corruptDirStream) { try VBADirectory(parsing: [][...]) }
        #expect(throws: OfficeMacrosError.corruptDirStream) { try VBADirectory(parsing: [0x01][...]) }
        #expect(throws: OfficeMacrosError.corruptDirStream) {
            try VBADirectory(parsing: Self.record(0x1234, [1, 2])[...])
        }
    }

    @Test func recordLimit() throws {
        var limits = VBALimits.default
        limits.maxDirRecords = Limit("vba.maxDirRecords", 10)
        let dir = try VBADirectory(parsing: Self.informationAndModules()[...], limits: limits)
        #expect(dir.recordCount == 10)
        #expect(dir.anomalies.contains { $0.contains("vba.maxDirRecords") })
    }

    /// Every prefix of a real, decompressed dir stream parses or throws cleanly.
    @Test func dripFeed() throws {
        let lookup = try VBAFixture.streamLookup("oleform-PR314.docm")
        guard case .found(let compressed, _) = lookup("VBA/dir") else {
            Issue.record("no dir")
            return
        }
        let full = try VBACompression.decompress(compressed)
        let complete = try VBADirectory(parsing: full[...])
        #expect(complete.modules.count == 4)
        for n in 0..<full.count {
            if let dir = try? VBADirectory(parsing: full[..<n]) {
                #expect(dir.modules.count <= 4)
            }
        }
    }
}
