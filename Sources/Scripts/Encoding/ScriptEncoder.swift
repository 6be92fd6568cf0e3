/// The Microsoft Script Encoder (`screnc.exe`) format, used by `.vbe` and `.jse` files and by
/// `VBScript.Encode`/`JScript.Encode` blocks in `.wsf`, `.hta` and HTML.
///
/// ```
///  #@~^ LLLLLL == <encoded characters> CCCCCC == ^#~@
///       |                               |
///       length: 6 Base64 digits of a    checksum: 6 Base64 digits of the little-endian sum of the
///       little-endian UInt32, the       decoded characters (UInt32, wrapping)
///       number of encoded bytes
/// ```
///
/// Each printable ASCII character (and tab) is substituted through one of three tables; which table is picked
/// by the character's index (modulo 64) in a fixed sequence. CR, LF, `<`, `>` and `@` are written as two-byte
/// escapes `@#`, `@&`, `@!`, `@*`, `@$`; other control characters and bytes above 0x7F are copied as they are
/// (UTF-8 continuation bytes do not count towards the length, as in the reference decoders). Decoding is not
/// keyed: the tables are the whole secret, so wscript, and we, can always undo it.
enum ScriptEncoder {
    static let startMarker: [UInt8] = Array("#@~^".utf8)
    static let endMarker: [UInt8] = Array("^#~@".utf8)

    /// One decoded block.
    struct Block {
        /// Offset of `#@~^` in the input (relative to its start index).
        var offset: Int
        /// Bytes from `#@~^` to the end of `^#~@` (or to where decoding stopped).
        var length: Int
        /// The decoded characters.
        var decoded: [UInt8]
        /// Whether the checksum matched.
        var checksumMatches: Bool
    }

    /// The result of decoding every block of an input.
    struct Result {
        /// The input with each block replaced by its decoded text.
        var output: [UInt8]
        var blocks: [Block]
        /// The first problem of each block that did not decode cleanly.
        var problems: [ScriptsError]
    }

    /// Which of the three tables encodes the character at index `i % 64`.
    static let pick: [UInt8] = [
        1, 2, 0, 1, 2, 0, 2, 0, 0, 2, 0, 2, 1, 0, 2, 0, 1, 0, 2, 0, 1, 1, 2, 0, 0, 2, 1, 0, 2, 0, 0, 2,
        1, 1, 0, 2, 0, 2, 0, 1, 0, 1, 1, 2, 0, 1, 0, 2, 1, 0, 2, 0, 1, 1, 2, 0, 0, 1, 1, 2, 0, 1, 0, 2,
    ]

    /// The encoded form of each plain character under the three tables, in rows for tab, then 0x20...0x7F.
    /// The rows for `<`, `>` and `@` are unused (`?`): those characters are always escaped.
    static let encodingRows: [(UInt8, UInt8, UInt8)] = [
        (0x64, 0x37, 0x69), (0x50, 0x7E, 0x2C), (0x22, 0x5A, 0x65), (0x4A, 0x45, 0x72), (0x61, 0x3A, 0x5B),
        (0x5E, 0x79, 0x66), (0x5D, 0x59, 0x75), (0x5B, 0x27, 0x4C), (0x42, 0x76, 0x45), (0x60, 0x63, 0x76),
        (0x23, 0x62, 0x2A), (0x65, 0x4D, 0x43), (0x5F, 0x51, 0x33), (0x7E, 0x53, 0x42), (0x4F, 0x52, 0x20),
        (0x52, 0x20, 0x63), (0x7A, 0x26, 0x4A), (0x21, 0x54, 0x5A), (0x46, 0x71, 0x38), (0x20, 0x2B, 0x79),
        (0x26, 0x66, 0x32), (0x63, 0x2A, 0x57), (0x2A, 0x58, 0x6C), (0x76, 0x7F, 0x2B), (0x47, 0x7B, 0x46),
        (0x25, 0x30, 0x52), (0x2C, 0x31, 0x4F), (0x29, 0x6C, 0x3D), (0x69, 0x49, 0x70), (0x3F, 0x3F, 0x3F),
        (0x27, 0x78, 0x7B), (0x3F, 0x3F, 0x3F), (0x67, 0x5F, 0x51), (0x3F, 0x3F, 0x3F), (0x62, 0x29, 0x7A),
        (0x41, 0x24, 0x7E), (0x5A, 0x2F, 0x3B), (0x66, 0x39, 0x47), (0x32, 0x33, 0x41), (0x73, 0x6F, 0x77),
        (0x4D, 0x21, 0x56), (0x43, 0x75, 0x5F), (0x71, 0x28, 0x26), (0x39, 0x42, 0x78), (0x7C, 0x46, 0x6E),
        (0x53, 0x4A, 0x64), (0x48, 0x5C, 0x74), (0x31, 0x48, 0x67), (0x72, 0x36, 0x7D), (0x6E, 0x4B, 0x68),
        (0x70, 0x7D, 0x35), (0x49, 0x5D, 0x22), (0x3F, 0x6A, 0x55), (0x4B, 0x50, 0x3A), (0x6A, 0x69, 0x60),
        (0x2E, 0x23, 0x6A), (0x7F, 0x09, 0x71), (0x28, 0x70, 0x6F), (0x35, 0x65, 0x49), (0x7D, 0x74, 0x5C),
        (0x24, 0x2C, 0x5D), (0x2D, 0x77, 0x27), (0x54, 0x44, 0x59), (0x37, 0x3F, 0x25), (0x7B, 0x6D, 0x7C),
        (0x3D, 0x7C, 0x23), (0x6C, 0x43, 0x6D), (0x34, 0x38, 0x28), (0x6D, 0x5E, 0x31), (0x4E, 0x5B, 0x39),
        (0x2B, 0x6E, 0x7F), (0x30, 0x57, 0x36), (0x6F, 0x4C, 0x54), (0x74, 0x34, 0x34), (0x6B, 0x72, 0x62),
        (0x4C, 0x25, 0x4E), (0x33, 0x56, 0x30), (0x56, 0x73, 0x5E), (0x3A, 0x68, 0x73), (0x78, 0x55, 0x09),
        (0x57, 0x47, 0x4B), (0x77, 0x32, 0x61), (0x3B, 0x35, 0x24), (0x44, 0x2E, 0x4D), (0x2F, 0x64, 0x6B),
        (0x59, 0x4F, 0x44), (0x45, 0x3B, 0x21), (0x5C, 0x2D, 0x37), (0x68, 0x41, 0x53), (0x36, 0x61, 0x58),
        (0x58, 0x7A, 0x48), (0x79, 0x22, 0x2E), (0x09, 0x60, 0x50), (0x75, 0x6B, 0x2D), (0x38, 0x4E, 0x29),
        (0x55, 0x3D, 0x3F), (0x51, 0x67, 0x2F),
    ]

    /// The inverse tables: `decodeTables[t][encoded]` is the plain character (control characters map to
    /// themselves).
    static let decodeTables: [[UInt8]] = {
        var tables = [[UInt8]](repeating: (0..<128).map { UInt8($0) }, count: 3)
        for (row, e) in encodingRows.enumerated() {
            let plain: UInt8 = row == 0 ? 0x09 : UInt8(0x1F + row)
            if plain == 0x3C || plain == 0x3E || plain == 0x40 { continue }
            tables[0][Int(e.0)] = plain
            tables[1][Int(e.1)] = plain
            tables[2][Int(e.2)] = plain
        }
        return tables
    }()

    /// The character an `@` escape stands for.
    static func unescape(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "#"): 0x0D
        case UInt8(ascii: "&"): 0x0A
        case UInt8(ascii: "!"): UInt8(ascii: "<")
        case UInt8(ascii: "*"): UInt8(ascii: ">")
        case UInt8(ascii: "$"): UInt8(ascii: "@")
        default: nil
        }
    }

    static let base64Digits: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = Int8(i)
        }
        return t
    }()

    /// Six Base64 digits and `==` at `i`: a little-endian UInt32.
    static func readNumber(_ b: ArraySlice<UInt8>, at i: Int) throws -> UInt32 {
        guard b.endIndex - i >= 8 else {
            throw ScriptsError(.truncated, "a length or checksum field needs 8 bytes", offset: i - b.startIndex)
        }
        var d = [UInt32](repeating: 0, count: 6)
        for k in 0..<6 {
            let v = base64Digits[Int(b[i + k])]
            guard v >= 0 else {
                throw ScriptsError(.malformed, "not a Base64 digit in a length or checksum", offset: i + k - b.startIndex)
            }
            d[k] = UInt32(v)
        }
        guard b[i + 6] == UInt8(ascii: "="), b[i + 7] == UInt8(ascii: "=") else {
            throw ScriptsError(.malformed, "a length or checksum field does not end in ==", offset: i + 6 - b.startIndex)
        }
        let b0 = (d[0] << 2 | d[1] >> 4) & 0xFF
        let b1 = ((d[1] & 0xF) << 4 | d[2] >> 2) & 0xFF
        let b2 = ((d[2] & 0x3) << 6 | d[3]) & 0xFF
        let b3 = (d[4] << 2 | d[5] >> 4) & 0xFF
        return b0 | b1 << 8 | b2 << 16 | b3 << 24
    }

    /// The offset of the next `#@~^` at or after `from`, or `nil`.
    static func findMarker(_ b: ArraySlice<UInt8>, from: Int) -> Int? {
        var i = from
        while i + 4 <= b.endIndex {
            if b[i] == 0x23 && b[i + 1] == 0x40 && b[i + 2] == 0x7E && b[i + 3] == 0x5E { return i }
            i += 1
        }
        return nil
    }

    /// Whether `b` contains a `#@~^` marker.
    static func containsMarker(_ b: ArraySlice<UInt8>) -> Bool { findMarker(b, from: b.startIndex) != nil }

    /// Decodes the block whose `#@~^` is at `start` into `partial`; returns whether the checksum matched.
    /// `i` ends after the block's `^#~@`, or, on failure, where decoding stopped (with `partial` holding what was
    /// decoded before the problem).
    static func decodeBlock(
        _ b: ArraySlice<UInt8>, at start: Int, partial: inout [UInt8], position i: inout Int
    ) throws -> Bool {
        i = start + 4
        let length = try readNumber(b, at: i)
        i += 8
        guard var remaining = Int(exactly: length) else {
            throw ScriptsError(.malformed, "length does not fit", offset: start - b.startIndex)
        }
        guard remaining <= b.endIndex - i else {
            throw ScriptsError(
                .truncated, "the block declares \(remaining) bytes, \(b.endIndex - i) remain", offset: i - b.startIndex)
        }
        partial.reserveCapacity(partial.count + remaining)
        let tables = decodeTables
        let pick = Self.pick
        var index = 0
        var sum: UInt32 = 0
        while remaining > 0 {
            guard i < b.endIndex else {
                throw ScriptsError(.truncated, "the input ends inside the encoded data", offset: i - b.startIndex)
            }
            let c = b[i]
            if c == 0x40 {
                guard remaining >= 2, i + 1 < b.endIndex else {
                    throw ScriptsError(.truncated, "an @ escape is cut off", offset: i - b.startIndex)
                }
                guard let plain = unescape(b[i + 1]) else {
                    throw ScriptsError(.malformed, "unknown escape @\(Character(Unicode.Scalar(b[i + 1])))",
                        offset: i - b.startIndex)
                }
                partial.append(plain)
                sum &+= UInt32(plain)
                index += 1
                i += 2
                remaining -= 2
                continue
            }
            if c < 0x80 {
                let plain = tables[Int(pick[index & 63])][Int(c)]
                partial.append(plain)
                sum &+= UInt32(plain)
                index += 1
                remaining -= 1
            } else {
                partial.append(c)
                if c & 0xC0 != 0x80 { remaining -= 1 }
            }
            i += 1
        }
        let checksum = try readNumber(b, at: i)
        i += 8
        guard b.endIndex - i >= 4 else {
            throw ScriptsError(.truncated, "the block has no ^#~@ trailer", offset: i - b.startIndex)
        }
        guard b[i] == 0x5E, b[i + 1] == 0x23, b[i + 2] == 0x7E, b[i + 3] == 0x40 else {
            throw ScriptsError(.malformed, "the checksum is not followed by ^#~@", offset: i - b.startIndex)
        }
        i += 4
        return checksum == sum
    }

    /// Decodes every block of `b`, copying the text between blocks. A block that fails keeps what decoded before
    /// the failure, and the text after it is copied as it is.
    static func decodeAll(_ b: ArraySlice<UInt8>) -> Result {
        var result = Result(output: [], blocks: [], problems: [])
        result.output.reserveCapacity(b.count)
        var copyFrom = b.startIndex
        var search = b.startIndex
        while let start = findMarker(b, from: search) {
            result.output += b[copyFrom..<start]
            var decoded: [UInt8] = []
            var end = start
            do {
                let matches = try decodeBlock(b, at: start, partial: &decoded, position: &end)
                result.output += decoded
                result.blocks.append(
                    Block(offset: start - b.startIndex, length: end - start, decoded: decoded, checksumMatches: matches))
                if !matches {
                    result.problems.append(
                        ScriptsError(.badChecksum, "the checksum does not match the decoded text",
                            offset: start - b.startIndex))
                }
                copyFrom = end
                search = end
            } catch let error as ScriptsError {
                result.output += decoded
                result.problems.append(error)
                end = min(max(end, start + 4), b.endIndex)
                result.blocks.append(
                    Block(offset: start - b.startIndex, length: end - start, decoded: decoded, checksumMatches: false))
                copyFrom = end
                search = end
            } catch {
                break
            }
        }
        result.output += b[copyFrom..<b.endIndex]
        return result
    }
}

extension ScriptAnalyzer {
    /// Decodes Microsoft Script Encoder output (`#@~^...^#~@`): every encoded block of `bytes` is replaced by its
    /// decoded text, and text between blocks is copied, so a whole `.vbe`, `.jse` or a page with `*.Encode`
    /// blocks decodes in one call.
    ///
    /// - Throws: ``ScriptsError`` `.notEncoded` when there is no `#@~^`; `.truncated`, `.malformed` when a block
    ///   cannot be read; `.badChecksum` when a block's checksum does not match what it decodes to (wscript refuses
    ///   to run such a script).
    public static func decodeScriptEncoder(_ bytes: ArraySlice<UInt8>) throws -> [UInt8] {
        guard ScriptEncoder.containsMarker(bytes) else {
            throw ScriptsError(.notEncoded, "no #@~^ marker")
        }
        let result = ScriptEncoder.decodeAll(bytes)
        if let problem = result.problems.first { throw problem }
        return result.output
    }
}
