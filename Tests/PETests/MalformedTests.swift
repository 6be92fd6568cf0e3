import ByteCursor
import PE
import TestSupport
import Testing

@Suite("Malformed executables give anomalies or clean errors")
struct MalformedTests {
    static let cases: [String] = (try? Fixture.json("malformed/manifest.json", as: [String: MalformedCase].self))
        .map { $0.keys.sorted() } ?? []

    @Test(arguments: cases)
    func manifest(name: String) throws {
        let all = try Fixture.json("malformed/manifest.json", as: [String: MalformedCase].self)
        let expected = try #require(all[name])
        let bytes = try Fixture.bytes("malformed/\(name).bin")
        if let error = expected.error {
            #expect(throws: PEError(.init(error), "")) { try PEFile(parsing: bytes) }
            return
        }
        let pe = try PEFile(parsing: bytes)
        pe.exercise()
        let codes = Set(pe.anomalies.map(\.code.rawValue))
        for code in expected.anomalies {
            #expect(codes.contains(code), "\(name): expected \(code), got \(pe.anomalies)")
        }
    }

    /// A huge NumberOfNames reads no more than the names present, and still lists the real ones.
    @Test func hugeNameCount() throws {
        let pe = try PEFile(parsing: try Fixture.bytes("malformed/export-huge-name-count.bin"))
        #expect(pe.exports.count <= PELimits.default.maxExports.maximum)
        #expect(Array(pe.exports.prefix(3)) == ["Control_RunDLL", "DllRegisterServer", "DllUnregisterServer"])
    }

    /// Thunks with no terminator stop at the end of the file.
    @Test func endlessThunks() throws {
        let bytes = try Fixture.bytes("malformed/import-endless-thunks.bin")
        let pe = try PEFile(parsing: bytes)
        // The ordinals overwrite the names too, so the DLL name is whatever the bytes say.
        let n = pe.imports.values.first?.count ?? 0
        #expect(n > 0 && n < bytes.count / 4)
    }
}

@Suite("Hostile executables never crash")
struct RobustnessTests {
    /// Every prefix of a valid file parses with an anomaly, or throws, until the headers and sections are whole.
    @Test(arguments: ["fixtures/tiny.dll", "fixtures/x64.exe", "fixtures/signed.exe", "corpus/calc.exe"])
    func dripFeed(file: String) throws {
        let bytes = try Fixture.bytes(file)
        let step = bytes.count > 8192 ? 7 : 1
        for n in stride(from: 0, to: bytes.count, by: step) {
            do {
                let pe = try PEFile(parsing: bytes[0..<n])
                pe.exercise()
                #expect(!pe.anomalies.isEmpty, "\(file): prefix of \(n) bytes parsed without a complaint")
            } catch is PEError {
                // No MZ, no PE header yet, or the COFF header is cut: a clean error.
            }
        }
        #expect(try PEFile(parsing: bytes).anomalies.isEmpty)
    }

    /// Seeded byte flips and extreme values over the headers and tables of every fixture.
    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0x5045)
        for file in ["fixtures/tiny.dll", "fixtures/x64.exe", "fixtures/signed.exe", "corpus/calc.exe"] {
            let original = try Fixture.bytes(file)
            for round in 0..<1500 {
                var bytes = original
                let span = round % 2 == 0 ? min(bytes.count, 0x800) : bytes.count
                for _ in 0..<Int(rng.next() % 6 + 1) {
                    let i = Int(rng.next() % UInt64(span))
                    switch round % 3 {
                    case 0: bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: bytes[i] = 0xFF
                    default: bytes[i] = 0x7F
                    }
                }
                (try? PEFile(parsing: bytes))?.exercise()
                let runs = [ZeroRun(offset: Int(rng.next() % UInt64(bytes.count)), length: Int(rng.next() % 4096) + 1)]
                (try? PEFile(parsing: bytes[...], padding: runs))?.exercise()
            }
        }
    }

    /// Random bytes after a valid DOS header and PE signature.
    @Test func randomHeaders() throws {
        var rng = SplitMix64(seed: 0xE5E)
        let prefix = Array(try Fixture.bytes("fixtures/tiny.dll").prefix(0x84))
        for _ in 0..<3000 {
            var bytes = prefix
            for _ in 0..<Int(rng.next() % 4096) { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            (try? PEFile(parsing: bytes))?.exercise()
        }
    }
}

@Suite("Every limit is enforced")
struct LimitTests {
    func limited(_ change: (inout PELimits) -> Void) -> PELimits {
        var limits = PELimits.default
        change(&limits)
        return limits
    }

    func hasLimitAnomaly(_ pe: PEFile, _ limit: Limit) -> Bool {
        pe.anomalies.contains { $0.code == .limitExceeded && $0.detail.contains(limit.name) }
    }

    @Test func sections() throws {
        let limits = limited { $0.maxSections.maximum = 2 }
        let pe = try PEFile(parsing: try Fixture.bytes("fixtures/tiny.dll"), limits: limits)
        #expect(pe.sections.count == 2 && hasLimitAnomaly(pe, limits.maxSections))
    }

    @Test func exports() throws {
        let limits = limited { $0.maxExports.maximum = 2 }
        let pe = try PEFile(parsing: try Fixture.bytes("fixtures/tiny.dll"), limits: limits)
        #expect(pe.exports.count == 2 && hasLimitAnomaly(pe, limits.maxExports))
    }

    @Test func importDLLs() throws {
        let limits = limited { $0.maxImportDLLs.maximum = 2 }
        let pe = try PEFile(parsing: try Fixture.bytes("fixtures/x64.exe"), limits: limits)
        #expect(pe.importedDLLs.count == 2 && hasLimitAnomaly(pe, limits.maxImportDLLs))
    }

    @Test func importsPerDLL() throws {
        let limits = limited { $0.maxImportsPerDLL.maximum = 2 }
        let pe = try PEFile(parsing: try Fixture.bytes("fixtures/x64.exe"), limits: limits)
        #expect(pe.imports["KERNEL32.dll"]?.count == 2 && hasLimitAnomaly(pe, limits.maxImportsPerDLL))
        #expect(pe.imports["USER32.dll"] == ["MessageBoxA"])
    }

    @Test func imports() throws {
        let limits = limited { $0.maxImports.maximum = 4 }
        let pe = try PEFile(parsing: try Fixture.bytes("fixtures/x64.exe"), limits: limits)
        #expect(pe.imports.values.reduce(0) { $0 + $1.count } == 4 && hasLimitAnomaly(pe, limits.maxImports))
    }

    @Test func nameLength() throws {
        let limits = limited { $0.maxNameLength.maximum = 5 }
        let pe = try PEFile(parsing: try Fixture.bytes("fixtures/tiny.dll"), limits: limits)
        #expect(pe.exports == ["Contr", "DllRe", "DllUn"])
    }

    @Test func paddedRead() throws {
        // A table read that crosses dropped padding is put together up to the limit, refused beyond it.
        let tiny = try Fixture.bytes("fixtures/tiny.dll")
        // Drop the 0x3C..0x40 zero bytes? No: make a copy whose DOS stub area is zeros, stripped with a small run.
        var bytes = tiny
        for i in 0x40..<0x80 { bytes[i] = 0 }
        let stripped = PaddingTests.strip(bytes, minimumRun: 16)
        #expect(!stripped.padding.isEmpty)
        let ok = try PEFile(parsing: stripped.bytes[...], padding: stripped.padding)
        #expect(ok.exports.count == 3)
        let limits = limited { $0.maxPaddedRead.maximum = 1 }
        // Reading the section table across a run is refused: anomalies, no crash.
        var sectionZeros = tiny
        let tableEnd = 0x80 + 24 + 224 + 40 * 3
        for i in tableEnd..<0x200 { sectionZeros[i] = 0 }
        let s2 = PaddingTests.strip(sectionZeros, minimumRun: 16)
        let refused = try PEFile(parsing: s2.bytes[...], padding: s2.padding, limits: limits)
        refused.exercise()
        #expect(refused.fileSize == tiny.count)
    }

    @Test func anomalies() throws {
        let limits = limited { $0.maxAnomalies.maximum = 1 }
        let pe = try PEFile(parsing: try Fixture.bytes("malformed/import-endless-thunks.bin"), limits: limits)
        #expect(pe.anomalies.filter { $0.code == .badImportTable }.count <= 1)
    }
}
