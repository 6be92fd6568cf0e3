import ByteCursor
import Testing

@testable import OfficeMacros

/// MS-OVBA 2.4.1 decompression: the specification's examples (section 3.2), corrupt input, limits, prefixes.
@Suite struct VBACompressionTests {
    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(separator: " ").compactMap { UInt8($0, radix: 16) }
    }

    /// MS-OVBA 3.2.1: no compression possible.
    static let noCompression = bytes(
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"
    )
    /// MS-OVBA 3.2.2: normal compression.
    static let normal = bytes(
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C"
    )
    /// MS-OVBA 3.2.3: maximum compression (one literal and one copy token of 72 bytes).
    static let maximum = bytes("01 03 B0 02 61 45 00")

    @Test func specificationExamples() throws {
        #expect(try VBACompression.decompress(Self.noCompression) == Array("abcdefghijklmnopqrstuv.".utf8))
        #expect(
            try VBACompression.decompress(Self.normal)
                == Array("#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa".utf8)
        )
        #expect(try VBACompression.decompress(Self.maximum) == [UInt8](repeating: 0x61, count: 73))
    }

    @Test func emptyContainerIsJustTheSignature() throws {
        #expect(try VBACompression.decompress([0x01]) == [])
        #expect(throws: OfficeMacrosError.truncated) { try VBACompression.decompress([]) }
    }

    @Test func rawChunk() throws {
        let data = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let container: [UInt8] = [0x01, 0xFF, 0x3F] + data
        #expect(try VBACompression.decompress(container) == data)
        // A raw chunk whose header does not say 4098 bytes is corrupt.
        #expect(throws: OfficeMacrosError.corruptCompression) {
            try VBACompression.decompress([0x01, 0x00, 0x3F] + data)
        }
    }

    @Test func roundTripThroughTheCompressor() throws {
        var text: [UInt8] = []
        for i in 0..<3000 { text += Array("Line \(i): Sub AutoOpen() MsgBox \"hello\" End Sub\r\n".utf8) }
        let compressed = VBACompressor.compress(text)
        #expect(compressed.count < text.count / 3)
        #expect(try VBACompression.decompress(compressed) == text)
        let noise = (0..<10_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
        #expect(try VBACompression.decompress(VBACompressor.compress(noise)) == noise)
    }

    @Test func badSignatures() {
        #expect(throws: OfficeMacrosError.corruptCompression) { try VBACompression.decompress([0x00, 0x19, 0xB0]) }
        // Chunk signature bits 0b000 instead of 0b011.
        #expect(throws: OfficeMacrosError.corruptCompression) {
            try VBACompression.decompress([0x01, 0x19, 0x80, 0x00, 0x61])
        }
    }

    @Test func copyTokenBeforeAnyOutputIsCorrupt() {
        // Flag byte 0x01: the first token is a copy token, with nothing decompressed yet.
        #expect(throws: OfficeMacrosError.corruptCompression) {
            try VBACompression.decompress([0x01, 0x02, 0xB0, 0x01, 0x00, 0x00])
        }
        // A copy token reaching back past the start of the output (offset 16 after one byte).
        #expect(throws: OfficeMacrosError.corruptCompression) {
            try VBACompression.decompress([0x01, 0x03, 0xB0, 0x02, 0x61, 0x00, 0xF0])
        }
    }

    @Test func tolerantDecompressionKeepsWhatDecoded() {
        // The normal example, then a chunk with a bad signature: the first chunk's output is kept.
        let result = VBACompression.decompressTolerantly((Self.normal + [0x00, 0x00, 0x00])[...])
        #expect(result.bytes == Array("#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa".utf8))
        #expect(result.error?.code == .corruptCompression)
        // A chunk cut short by the end of the input decodes as far as it goes, like olevba.
        let cut = VBACompression.decompressTolerantly(Self.noCompression.dropLast(5))
        #expect(cut.bytes == Array("abcdefghijklmnopqr".utf8))
        #expect(cut.error?.code == .truncated)
    }

    /// Every strict prefix either fails cleanly or yields a prefix of the output; none traps.
    @Test func dripFeed() throws {
        for sample in [Self.noCompression, Self.normal, Self.maximum] {
            let full = try VBACompression.decompress(sample)
            for n in 0..<sample.count {
                let result = VBACompression.decompressTolerantly(sample[..<n])
                #expect(full.starts(with: result.bytes))
                if n > 1 { #expect(result.error != nil) }
                // [0x01] alone is a valid, empty container.
                if n != 1 {
                    #expect(throws: OfficeMacrosError.self) { try VBACompression.decompress(sample[..<n]) }
                }
            }
        }
    }

    @Test func limitExceeded() throws {
        let limit = Limit("vba.maxDecompressedBytes", 10)
        #expect(throws: OfficeMacrosError.limitExceeded) {
            try VBACompression.decompress(Self.maximum, limit: limit)
        }
        let partial = VBACompression.decompressTolerantly(Self.normal[...], limit: limit)
        #expect(partial.bytes.count <= 10)
        #expect(partial.error?.code == .limitExceeded)
        #expect(partial.error?.reason.contains("vba.maxDecompressedBytes") == true)
        // A bomb: 4096 bytes of output per 6 input bytes, many chunks; stops at the limit.
        var bomb: [UInt8] = [0x01]
        for _ in 0..<2000 { bomb += [0x0B, 0xB0, 0xFE, 0x61, 0xFF, 0x0F, 0xFF, 0x0F, 0xFF, 0x0F, 0xFF, 0x0F] }
        let bounded = VBACompression.decompressTolerantly(bomb[...], limit: Limit("vba.maxDecompressedBytes", 1 << 20))
        #expect(bounded.bytes.count <= 1 << 20)
    }

    /// Random bytes after a valid signature never trap and never exceed the limit.
    @Test func randomInputIsHandled() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let limit = Limit("vba.maxDecompressedBytes", 1 << 16)
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let count = Int(state >> 54)
            var input: [UInt8] = [0x01]
            for _ in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                input.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            if input.count > 2 { input[2] = (input[2] & 0x8F) | 0x30 }
            let result = VBACompression.decompressTolerantly(input[...], limit: limit)
            #expect(result.bytes.count <= limit.maximum)
        }
    }

    @Test func copyTokenBitCounts() {
        #expect(VBACompression.copyTokenBitCount(1) == 4)
        #expect(VBACompression.copyTokenBitCount(16) == 4)
        #expect(VBACompression.copyTokenBitCount(17) == 5)
        #expect(VBACompression.copyTokenBitCount(2048) == 11)
        #expect(VBACompression.copyTokenBitCount(2049) == 12)
        #expect(VBACompression.copyTokenBitCount(4096) == 12)
        #expect(VBACompression.copyTokenBitCount(100_000) == 12)
    }
}
