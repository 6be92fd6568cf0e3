import ByteCursor
import PE
import TestSupport
import Testing

@Suite("Agreement with pefile")
struct PeerTests {
    /// Compares everything pefile reports with our parse.
    static func compare(_ pe: PEFile, _ golden: Golden, _ label: String) {
        #expect(pe.machine == golden.machine, "\(label)")
        #expect(pe.characteristics == golden.characteristics, "\(label)")
        #expect(pe.isDLL == golden.isDLL, "\(label)")
        #expect(pe.is64Bit == golden.is64Bit, "\(label)")
        #expect(pe.subsystem == golden.subsystem, "\(label)")
        #expect(pe.timeDateStamp == golden.timeDateStamp, "\(label)")
        #expect(pe.entryPoint == golden.entryPoint, "\(label)")
        #expect(pe.imageBase == golden.imageBase, "\(label)")
        #expect(pe.sizeOfImage == golden.sizeOfImage, "\(label)")
        #expect(pe.sizeOfHeaders == golden.sizeOfHeaders, "\(label)")
        #expect(pe.sections.count == golden.sections.count, "\(label)")
        for (ours, theirs) in zip(pe.sections, golden.sections) {
            #expect(ours.name == theirs.name, "\(label)")
            #expect(ours.virtualAddress == theirs.virtualAddress, "\(label) \(ours.name)")
            #expect(ours.virtualSize == theirs.virtualSize, "\(label) \(ours.name)")
            #expect(ours.rawOffset == theirs.rawOffset, "\(label) \(ours.name)")
            #expect(ours.rawSize == theirs.rawSize, "\(label) \(ours.name)")
            #expect(ours.characteristics == theirs.characteristics, "\(label) \(ours.name)")
            let entropy = ours.entropy ?? -1
            #expect(abs(entropy - theirs.entropy) < 1e-9, "\(label) \(ours.name): \(entropy) vs \(theirs.entropy)")
        }
        #expect(pe.exports.sorted() == golden.exports.sorted(), "\(label)")
        #expect(pe.exportedName == golden.exportedName, "\(label)")
        #expect(pe.imports == golden.imports, "\(label)")
        #expect(pe.imports.values.reduce(0) { $0 + $1.count } == golden.importCount, "\(label)")
        #expect(pe.certificateTableSize == golden.certificateTableSize, "\(label)")
        #expect(pe.overlayOffset == golden.overlayOffset, "\(label)")
        #expect(pe.fileSize == golden.fileSize, "\(label)")
    }

    @Test(arguments: Fixture.plain)
    func fixture(name: String) throws {
        let expected = try #require(try Fixture.expected()[name])
        let bytes = try Fixture.bytes(expected.file)
        #expect(bytes.count == expected.size)
        let pe = try PEFile(parsing: bytes)
        Self.compare(pe, try Fixture.json("golden/\(name).json", as: Golden.self), name)
        let allowed: Set<PEAnomaly.Code> = name == "wx" ? [.writableExecutableSection] : []
        #expect(pe.anomalies.allSatisfy { allowed.contains($0.code) }, "\(pe.anomalies)")
    }

    /// calc.exe from the oletools corpus (inside sample_with_calc_embedded.doc): i386, 5 sections, 50 imports.
    @Test func corpusCalcExe() throws {
        let bytes = try Fixture.bytes("corpus/calc.exe")
        #expect(HexDigest.md5(bytes) == "40e85286357723f326980a3b30f84e4f")
        let pe = try PEFile(parsing: bytes)
        #expect(pe.machineName == "i386")
        #expect(pe.sections.map(\.name) == [".text", ".data", ".idata", ".rsrc", ".reloc"])
        #expect(pe.imports.values.reduce(0) { $0 + $1.count } == 50)
        #expect(!pe.isDLL)
        #expect(pe.overlayOffset == nil)
    }

    /// The exports, the DLL's own name and the import of the tiny DLL, exactly.
    @Test func tinyDLL() throws {
        let pe = try PEFile(parsing: try Fixture.bytes("fixtures/tiny.dll"))
        #expect(pe.isDLL)
        #expect(pe.exports == ["Control_RunDLL", "DllRegisterServer", "DllUnregisterServer"])
        #expect(pe.exportedName == "tiny.dll")
        #expect(pe.imports == ["KERNEL32.dll": ["ExitProcess", "GetProcAddress", "LoadLibraryA"]])
        #expect(pe.declaredImageEnd == 2048)
        #expect(!pe.hasAuthenticode)
    }

    @Test func x64() throws {
        let pe = try PEFile(parsing: try Fixture.bytes("fixtures/x64.exe"))
        #expect(pe.is64Bit && pe.machineName == "amd64" && pe.subsystemName == "windows-cui")
        #expect(pe.imageBase == 0x1_4000_0000)
        #expect(pe.importedDLLs == ["KERNEL32.dll", "USER32.dll", "COMCTL32.dll"])
        #expect(pe.imports["COMCTL32.dll"] == ["#17", "#345"])
    }

    @Test func authenticode() throws {
        let bytes = try Fixture.bytes("fixtures/signed.exe")
        let pe = try PEFile(parsing: bytes)
        #expect(pe.hasAuthenticode)
        #expect(pe.certificateTableSize == 272)  // 268 bytes of WIN_CERTIFICATE, padded to 8
        #expect(pe.certificateTableOffset == pe.declaredImageEnd)
        #expect(pe.overlaySize == pe.certificateTableSize)
        let unsigned = try PEFile(parsing: try Fixture.bytes("fixtures/tiny.dll"))
        #expect(!unsigned.hasAuthenticode && unsigned.certificateTableSize == 0)
    }
}

@Suite("Padded executables: real size in bounded memory")
struct PaddingTests {
    /// Streams `bytes` through a PaddingStripper as the engine does.
    static func strip(_ bytes: [UInt8], minimumRun: Int = 1 << 20) -> StrippedOutput {
        var stripper = PaddingStripper(minimumRun: minimumRun, keepLimit: 64 << 20)
        var i = 0
        while i < bytes.count {
            stripper.write(bytes[i..<min(bytes.count, i + 65_536)])
            i += 65_536
        }
        return stripper.finish()
    }

    /// tiny.dll with 5 MiB of zeros appended: stripped, then parsed with and without the padding map.
    @Test func zeroOverlay() throws {
        let expected = try #require(try Fixture.expected()["padded"])
        let tiny = try Fixture.bytes("fixtures/tiny.dll")
        let padded = tiny + [UInt8](repeating: 0, count: try #require(expected.overlayZeros))
        #expect(padded.count == expected.size)
        let golden = try Fixture.json("golden/padded.json", as: Golden.self)
        // The whole file, as pefile sees it.
        let whole = try PEFile(parsing: padded)
        PeerTests.compare(whole, golden, "padded")
        #expect(whole.overlaySize == 5 << 20)

        // The stripper takes the zeros that end the last section's raw data along with the overlay.
        let stripped = Self.strip(padded)
        let cut = tiny.lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0
        #expect(stripped.bytes.count == cut && stripped.bytes.elementsEqual(tiny.prefix(cut)))
        #expect(stripped.padding == [ZeroRun(offset: cut, length: padded.count - cut)])
        let pe = try PEFile(parsing: stripped.bytes[...], padding: stripped.padding)
        PeerTests.compare(pe, golden, "padded, stripped")
        #expect(pe.declaredImageEnd == expected.declaredImageEnd)
        #expect(pe.fileSize == padded.count)
        #expect(pe.overlaySize == 5 << 20)
        #expect(pe.overlayPaddingBytes == 5 << 20)
        #expect(pe.paddingBytes == padded.count - cut)
        #expect(pe.sections.last?.paddingBytes == tiny.count - cut)
        #expect(!pe.anomalies.isEmpty && pe.anomalies.allSatisfy { $0.code == .zeroPadding }, "\(pe.anomalies)")

        // Without the map: the overlay is gone and the last section's zero tail is missing; the real size stands.
        let bare = try PEFile(parsing: stripped.bytes[...])
        #expect(bare.declaredImageEnd == expected.declaredImageEnd)
        #expect(bare.overlayOffset == nil)
        #expect(bare.anomalies.map(\.code) == [.sectionOutsideFile])
    }

    /// A DLL whose .data section is 3 MiB of zeros, stored stripped: sections after it are found, entropy counts
    /// the zeros, and the whole file reads the same.
    @Test func zerosInsideASection() throws {
        let expected = try #require(try Fixture.expected()["section-padding"])
        let stored = try Fixture.bytes(expected.file)
        let runs = (expected.padding ?? []).map { ZeroRun(offset: $0.offset, length: $0.length) }
        let golden = try Fixture.json("golden/section-padding.json", as: Golden.self)
        let pe = try PEFile(parsing: stored[...], padding: runs)
        PeerTests.compare(pe, golden, "section-padding")
        #expect(pe.exports == ["DllRegisterServer"] && pe.exportedName == "padded.dll")
        // The run covers .data after its 4-byte marker, and the export directory's zero Characteristics.
        #expect(pe.sections.first { $0.name == ".data" }?.paddingBytes == (3 << 20) - 4)
        #expect(pe.sections.reduce(0) { $0 + $1.paddingBytes } == runs.first?.length)
        #expect(!pe.anomalies.isEmpty && pe.anomalies.allSatisfy { $0.code == .zeroPadding }, "\(pe.anomalies)")

        // The whole file rebuilt, stripped again by the stripper: the same runs.
        var whole = stored
        for run in runs.sorted(by: { $0.offset > $1.offset }) {
            let keptAt = run.offset - runs.filter { $0.offset < run.offset }.reduce(0) { $0 + $1.length }
            whole.insert(contentsOf: [UInt8](repeating: 0, count: run.length), at: keptAt)
        }
        #expect(whole.count == expected.size)
        #expect(HexDigest.sha256(whole) == expected.sha256)
        #expect(Self.strip(whole).padding == runs)
        PeerTests.compare(try PEFile(parsing: whole), golden, "section-padding, whole")

        // Without the map, the sections after the padding are out of place: anomalies, no crash.
        let bare = try PEFile(parsing: stored)
        #expect(bare.anomalies.contains { $0.code == .sectionOutsideFile })
    }

    /// A padding map that does not fit the bytes is ignored, with an anomaly.
    @Test func badPaddingMap() throws {
        let tiny = try Fixture.bytes("fixtures/tiny.dll")
        for runs in [
            [ZeroRun(offset: 100_000, length: 10)],  // starts past the kept content
            [ZeroRun(offset: 10, length: 100), ZeroRun(offset: 50, length: 10)],  // overlapping
            [ZeroRun(offset: 10, length: Int.max)],  // overflowing
        ] {
            let pe = try PEFile(parsing: tiny[...], padding: runs)
            #expect(pe.anomalies.contains { $0.code == .badPaddingMap })
            #expect(pe.exports.count == 3)
        }
    }

    /// A 600 MB zero-padded DLL: parsed from its stripped form with the map, in microseconds, reporting the real size.
    @Test func sixHundredMegabytes() throws {
        let tiny = try Fixture.bytes("fixtures/tiny.dll")
        let runs = [ZeroRun(offset: tiny.count, length: 600 << 20)]
        let clock = ContinuousClock()
        var pe: PEFile?
        let elapsed = try clock.measure { pe = try PEFile(parsing: tiny[...], padding: runs) }
        #expect(pe?.fileSize == tiny.count + (600 << 20))
        #expect(pe?.declaredImageEnd == tiny.count)
        #expect(pe?.overlayPaddingBytes == 600 << 20)
        #expect(elapsed < .seconds(1))
    }
}
