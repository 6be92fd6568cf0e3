import ByteCursor

/// MS-OVBA compression (section 2.4.1): the LZ77 variant that VBA uses for the `dir` stream and module sources.
///
/// ```
///  CompressedContainer
///  +------+---------------------+---------------------+-----
///  | 0x01 | CompressedChunk     | CompressedChunk     | ...
///  +------+---------------------+---------------------+-----
///
///  CompressedChunk
///  +----------------------------+-------------------------------------------+
///  | header (u16 LE)            | data: CompressedChunkSize - 2 bytes       |
///  |  bits 0-11  size - 3       |  flag = 1: TokenSequence*                 |
///  |  bits 12-14 0b011          |  flag = 0: 4096 raw bytes                 |
///  |  bit  15    flag           |                                           |
///  +----------------------------+-------------------------------------------+
///
///  TokenSequence: FlagByte, then 8 tokens; bit i of FlagByte (LSB first) says token i is a
///  LiteralToken (0: one byte) or a CopyToken (1: u16 LE).
///
///  CopyToken: the split between offset and length depends on how much of the chunk is decompressed:
///   bitCount = max(4, ceil(log2(decompressedCurrent - decompressedChunkStart)))
///   +------------------------+----------------------------+
///   | offset - 1 (bitCount)  | length - 3 (16 - bitCount) |   (high bits .. low bits)
///   +------------------------+----------------------------+
/// ```
///
/// Decompression never trusts the input: output is bounded by a ``Limit``, every index is checked, and a copy token
/// that points before the start of the output is an error, not a wrap-around (olevba's Python negative indexing).
public enum VBACompression {
    /// The result of a tolerant decompression: what was decompressed, and why it stopped early if it did.
    public struct Result: Sendable, Hashable {
        /// The decompressed bytes (everything that decoded before an error, if any).
        public var bytes: [UInt8]
        /// Why decompression stopped before the end of the input, or a recoverable deviation (a chunk cut short by
        /// the end of the input); `nil` for a clean container.
        public var error: OfficeMacrosError?
        /// Whether the container decoded to its end without any deviation.
        public var isComplete: Bool { error == nil }
    }

    /// Decompresses a whole container, strictly: any deviation throws.
    ///
    /// - Throws: ``OfficeMacrosError`` `corrupt-compression` (bad signature, chunk header or copy token),
    ///   `truncated` (a chunk runs past the end of the input), `limit-exceeded` (output above `limit`).
    public static func decompress(
        _ input: ArraySlice<UInt8>,
        limit: Limit = VBALimits.default.maxDecompressedBytes
    ) throws(OfficeMacrosError) -> [UInt8] {
        let result = decompressTolerantly(input, limit: limit)
        if let error = result.error { throw error }
        return result.bytes
    }

    /// Decompresses a whole container, strictly.
    public static func decompress(
        _ input: [UInt8],
        limit: Limit = VBALimits.default.maxDecompressedBytes
    ) throws(OfficeMacrosError) -> [UInt8] {
        try decompress(input[...], limit: limit)
    }

    /// Decompresses as much of a container as decodes, like olevba: a chunk cut short by the end of the input is
    /// decoded as far as it goes; a corrupt chunk stops decompression and keeps the output so far.
    public static func decompressTolerantly(
        _ input: ArraySlice<UInt8>,
        limit: Limit = VBALimits.default.maxDecompressedBytes
    ) -> Result {
        var out: [UInt8] = []
        let base = input.startIndex
        let end = input.endIndex
        guard base < end else {
            return Result(bytes: [], error: OfficeMacrosError(.truncated, "empty compressed container", offset: 0))
        }
        guard input[base] == 0x01 else {
            return Result(
                bytes: [],
                error: OfficeMacrosError(
                    .corruptCompression,
                    "signature byte is 0x\(hex(input[base])), not 0x01",
                    offset: 0
                )
            )
        }
        // Output rarely exceeds 4x the input; reserve within the limit.
        let estimate = min(limit.maximum, input.count &* 3)
        if estimate > 0 { out.reserveCapacity(estimate) }

        var pos = base + 1
        var deviation: OfficeMacrosError?
        while pos < end {
            let chunkStart = pos
            guard end - pos >= 2 else {
                // A single stray byte after the last chunk: olevba fails on it; we report and keep the output.
                return Result(
                    bytes: out,
                    error: OfficeMacrosError(
                        .truncated,
                        "chunk header cut short",
                        offset: chunkStart - base
                    )
                )
            }
            let header = UInt16(input[pos]) | UInt16(input[pos + 1]) << 8
            let chunkSize = Int(header & 0x0FFF) + 3
            let signature = (header >> 12) & 0x07
            let compressed = (header & 0x8000) != 0
            guard signature == 0b011 else {
                return Result(
                    bytes: out,
                    error: OfficeMacrosError(
                        .corruptCompression,
                        "chunk signature is \(signature), not 3",
                        offset: chunkStart - base
                    )
                )
            }
            if !compressed && chunkSize != 4098 {
                return Result(
                    bytes: out,
                    error: OfficeMacrosError(
                        .corruptCompression,
                        "raw chunk of size \(chunkSize), not 4098",
                        offset: chunkStart - base
                    )
                )
            }
            var chunkEnd = chunkStart + chunkSize
            if chunkSize > end - chunkStart {
                chunkEnd = end
                deviation = OfficeMacrosError(
                    .truncated,
                    "chunk of \(chunkSize) bytes cut short by the end of the input",
                    offset: chunkStart - base
                )
            }
            pos = chunkStart + 2

            if !compressed {
                let count = chunkEnd - pos
                guard limit.allows(out.count + count) else {
                    return Result(bytes: out, error: limitError(limit, out.count + count, chunkStart - base))
                }
                out.append(contentsOf: input[pos..<chunkEnd])
                pos = chunkEnd
                continue
            }

            let decompressedChunkStart = out.count
            while pos < chunkEnd {
                let flags = input[pos]
                pos += 1
                var bit = 0
                while bit < 8 && pos < chunkEnd {
                    if flags & (1 << bit) == 0 {
                        guard out.count < limit.maximum else {
                            return Result(bytes: out, error: limitError(limit, out.count + 1, pos - base))
                        }
                        out.append(input[pos])
                        pos += 1
                    } else {
                        guard chunkEnd - pos >= 2 else {
                            return Result(
                                bytes: out,
                                error: OfficeMacrosError(.truncated, "copy token cut short", offset: pos - base)
                            )
                        }
                        let token = Int(input[pos]) | Int(input[pos + 1]) << 8
                        let difference = out.count - decompressedChunkStart
                        guard difference > 0 else {
                            return Result(
                                bytes: out,
                                error: OfficeMacrosError(
                                    .corruptCompression,
                                    "copy token at the start of a chunk",
                                    offset: pos - base
                                )
                            )
                        }
                        let bitCount = copyTokenBitCount(difference)
                        let lengthMask = 0xFFFF >> bitCount
                        let length = (token & lengthMask) + 3
                        let offset = (token >> (16 - bitCount)) + 1
                        let source = out.count - offset
                        guard source >= 0 else {
                            return Result(
                                bytes: out,
                                error: OfficeMacrosError(
                                    .corruptCompression,
                                    "copy token reaches \(-source) bytes before the output",
                                    offset: pos - base
                                )
                            )
                        }
                        guard limit.allows(out.count + length) else {
                            return Result(bytes: out, error: limitError(limit, out.count + length, pos - base))
                        }
                        if offset >= length {
                            out.append(contentsOf: out[source..<(source + length)])
                        } else {
                            // Overlapping copy: a run; byte by byte.
                            var s = source
                            for _ in 0..<length {
                                out.append(out[s])
                                s += 1
                            }
                        }
                        pos += 2
                    }
                    bit += 1
                }
            }
        }
        return Result(bytes: out, error: deviation)
    }

    /// MS-OVBA 2.4.1.3.19.1 CopyToken Help: the number of offset bits for `difference` bytes into the chunk.
    @inline(__always)
    static func copyTokenBitCount(_ difference: Int) -> Int {
        // The smallest n >= 4 with 2^n >= difference; difference <= 4096 in a valid chunk, and larger values
        // (an oversized chunk) are capped at 12, which keeps the shift in range.
        var n = 4
        while n < 12 && (1 << n) < difference { n += 1 }
        return n
    }

    private static func limitError(_ limit: Limit, _ value: Int, _ offset: Int) -> OfficeMacrosError {
        OfficeMacrosError(.limitExceeded, "\(limit.name): \(value) exceeds \(limit.maximum)", offset: offset)
    }

    static func hex(_ b: UInt8) -> String {
        let digits: [Character] = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
    }
}

/// MS-OVBA compression (section 2.4.1.3.6), used by tests, fixtures and fuzzing seeds to make containers.
///
/// This is the straightforward O(n * 4096) search the specification describes; it is not on any input path.
public enum VBACompressor {
    /// Compresses `bytes` into an MS-OVBA container.
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x01]
        var chunkStart = 0
        while chunkStart < bytes.count {
            let chunkEnd = min(bytes.count, chunkStart + 4096)
            var data: [UInt8] = []
            var pos = chunkStart
            while pos < chunkEnd {
                let flagIndex = data.count
                data.append(0)
                var flags: UInt8 = 0
                for bit in 0..<8 where pos < chunkEnd {
                    let difference = pos - chunkStart
                    var bestLength = 0
                    var bestOffset = 0
                    if difference > 0 {
                        let bitCount = VBACompression.copyTokenBitCount(difference)
                        let maxLength = (0xFFFF >> bitCount) + 3
                        var candidate = pos - 1
                        while candidate >= chunkStart {
                            var length = 0
                            while length < maxLength && pos + length < chunkEnd
                                && bytes[candidate + length] == bytes[pos + length]
                            {
                                length += 1
                            }
                            if length > bestLength {
                                bestLength = length
                                bestOffset = pos - candidate
                            }
                            candidate -= 1
                        }
                        if bestLength >= 3 {
                            let token = ((bestOffset - 1) << (16 - bitCount)) | (bestLength - 3)
                            data.append(UInt8(token & 0xFF))
                            data.append(UInt8((token >> 8) & 0xFF))
                            flags |= 1 << UInt8(bit)
                            pos += bestLength
                            continue
                        }
                    }
                    data.append(bytes[pos])
                    pos += 1
                }
                data[flagIndex] = flags
            }
            if data.count > 4096 || (chunkEnd - chunkStart == 4096 && data.count >= 4096) {
                // Raw chunk: incompressible data is stored as is (only possible for a full 4096-byte chunk).
                if chunkEnd - chunkStart == 4096 {
                    out.append(0xFF)
                    out.append(0x3F)
                    out.append(contentsOf: bytes[chunkStart..<chunkEnd])
                    chunkStart = chunkEnd
                    continue
                }
            }
            let header = UInt16(0xB000) | UInt16(data.count + 2 - 3)
            out.append(UInt8(header & 0xFF))
            out.append(UInt8(header >> 8))
            out.append(contentsOf: data)
            chunkStart = chunkEnd
        }
        return out
    }
}
