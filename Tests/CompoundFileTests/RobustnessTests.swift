import CompoundFile
import TestSupport
import Testing

@Suite("Hostile input never crashes")
struct RobustnessTests {
    static let small: CFBLimits = {
        var limits = CFBLimits.default
        limits.maxStreamBytes.maximum = 1 << 20
        return limits
    }()

    /// Every prefix of a valid file parses (with an anomaly) or throws, until the last byte.
    @Test(arguments: ["fixtures/small.cfb", "fixtures/deep.cfb"])
    func dripFeed(file: String) throws {
        let bytes = try Fixture.bytes(file)
        for n in 0..<bytes.count {
            if let cfb = MalformedTests.exercise(bytes[0..<n], limits: Self.small) {
                #expect(!cfb.anomalies.isEmpty, "prefix of \(n) bytes parsed without a complaint")
            }
        }
        let whole = try #require(MalformedTests.exercise(bytes[...], limits: Self.small))
        #expect(whole.anomalies.isEmpty)
    }

    /// Seeded byte flips over the fixtures and a few corpus files.
    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0xCFB)
        var inputs = try ["fixtures/small.cfb", "fixtures/small-v4.cfb", "fixtures/deep.cfb", "malformed/difat-loop.cfb",
                          "fixtures/ppt-objects.cfb"]
            .map { try Fixture.bytes($0) }
        inputs.append(try Fixture.corpusBytes("oleobj/sample_with_lnk_file.doc"))
        for original in inputs {
            // Flips concentrated where the structures are: header, FAT, directory.
            for round in 0..<300 {
                var bytes = original
                let span = round % 2 == 0 ? min(bytes.count, 4096 * 2) : bytes.count
                for _ in 0..<Int(rng.next() % 6 + 1) {
                    let i = Int(rng.next() % UInt64(span))
                    bytes[i] = rng.next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: rng.next())
                }
                _ = MalformedTests.exercise(bytes[...], limits: Self.small)
            }
        }
    }

    /// A slice that does not start at index 0 reads the same and reports offsets from its own start.
    @Test func sliceOffsets() throws {
        let bytes = try Fixture.bytes("malformed/trailing-data.cfb")
        let padded = Array(repeating: 0xAA, count: 100) + bytes
        let cfb = try CompoundFile(parsing: padded[100...])
        let plain = try CompoundFile(parsing: bytes)
        #expect(cfb.anomalies == plain.anomalies)
        #expect(try cfb.stream(path: "WordDocument")?.bytes == plain.stream(path: "WordDocument")?.bytes)
    }

    /// A FAT whose every entry points at the next sector but one, and sectors full of ENDOFCHAIN and loops.
    @Test func pathologicalFATs() throws {
        let small = try Fixture.bytes("fixtures/small.cfb")
        for pattern: UInt32 in [0, 1, 0xFFFF_FFFE, 0xFFFF_FFFD, 0x7FFF_FFFF] {
            var bytes = small
            for i in stride(from: 512, to: 1024, by: 4) {
                withUnsafeBytes(of: pattern.littleEndian) { bytes.replaceSubrange(i..<(i + 4), with: $0) }
            }
            _ = MalformedTests.exercise(bytes[...], limits: Self.small)
        }
        // Every stream starting at the same sector of a long chain: overlap work stays bounded.
        var shared = small
        for offset in stride(from: 512, to: shared.count - 127, by: 128) where shared[offset + 66] == 2 {
            shared.replaceSubrange((offset + 116)..<(offset + 120), with: [5, 0, 0, 0])
            shared.replaceSubrange((offset + 120)..<(offset + 128), with: [0, 0, 1, 0, 0, 0, 0, 0])
        }
        let cfb = try #require(MalformedTests.exercise(shared[...], limits: Self.small))
        #expect(!cfb.anomalies(.overlappingStreams).isEmpty)
    }

    /// Damaged zlib streams in PowerPoint objects: every byte of each compressed record flipped in turn.
    @Test func damagedPowerPointObjects() throws {
        let original = try Fixture.bytes("fixtures/ppt-objects.cfb")
        let cfb = try CompoundFile(parsing: original)
        let objects = cfb.powerPointOLEObjects()
        #expect(objects.count == 4)
        #expect(objects.allSatisfy { !$0.truncated && $0.bytes == objects[0].bytes })
        // The "PowerPoint Document" stream is in regular sectors: locate it and damage it in place.
        let entry = try #require(cfb.entry(path: "PowerPoint Document"))
        let start = 512 * (Int(entry.startSector) + 1)
        var rng = SplitMix64(seed: 0x2011)
        for _ in 0..<400 {
            var bytes = original
            let i = start + Int(rng.next() % 4096)
            bytes[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            guard let damaged = try? CompoundFile(parsing: bytes) else { continue }
            for object in damaged.powerPointOLEObjects() {
                #expect(object.bytes.count <= 64 << 20)
                _ = (try? CompoundFile(parsing: object.bytes))?.embeddedObjects()
            }
        }
    }

    @Test func powerPointObjectsRespectTheStreamLimit() throws {
        var limits = CFBLimits.default
        limits.maxStreamBytes.maximum = 1000
        let cfb = try CompoundFile(parsing: try Fixture.bytes("fixtures/ppt-objects.cfb"), limits: limits)
        // The document stream itself is cut at 1000 bytes: the first object's record is cut too.
        for object in cfb.powerPointOLEObjects() {
            #expect(object.bytes.count <= 1000)
            #expect(object.truncated)
        }
    }
}
