import ByteCursor

extension OOXMLScanner {
    /// The longest field instruction read from a Word binary stream, in bytes (msodde reads 1,000).
    public static let maxBinaryFieldBytes = Limit("doc.maxFieldBytes", 1000)

    /// DDE fields in a Word 97-2003 binary stream (`WordDocument`; msodde scans every stream of the file).
    ///
    /// Word stores a field in the document text as its instruction between a field begin character (0x13) and a
    /// separator (0x14) or end character (0x15), followed by its result:
    ///
    /// ```
    /// 0x13 "DDEAUTO c:\\windows\\system32\\cmd.exe \"/k calc.exe\"" 0x14 result 0x15   (8-bit text)
    /// 13 00 44 00 44 00 45 00 ... 14 00 ... 15 00                                       (UTF-16LE text)
    /// ```
    ///
    /// Like msodde this reads the bytes without the piece table: text stored as UTF-16LE is recognised by the zero
    /// byte after 0x13 and then read a code unit at a time; 8-bit text is read as Windows-1252's ASCII range and Latin-1 above it. Instructions longer
    /// than ``maxBinaryFieldBytes`` are skipped.
    public static func ddeInWordBinary(
        stream: [UInt8], streamName: String = "WordDocument", limits: OOXMLScanLimits = .default
    ) -> [DDEField] {
        var out: [DDEField] = []
        var i = stream.startIndex
        let end = stream.endIndex
        let maximum = maxBinaryFieldBytes.maximum
        while i < end, limits.maxFindings.allows(out.count + 1) {
            guard stream[i] == 0x13 else {
                i += 1
                continue
            }
            let begin = i
            let wide = begin + 1 < end && stream[begin + 1] == 0
            let step = wide ? 2 : 1
            let contentStart = begin + step
            var j = contentStart
            // The next field character (0x13, 0x14, 0x15), a byte or a UTF-16 code unit at a time.
            while j + step - 1 < end, j - begin <= maximum {
                let c = stream[j]
                if (0x13...0x15).contains(c), !wide || stream[j + 1] == 0 { break }
                j += step
            }
            guard j + step - 1 < end, j - begin <= maximum, stream[j] != 0x13 else {
                i = j + step - 1 < end && stream[j] == 0x13 ? j : i + 1
                continue
            }
            let instruction = decodeFieldText(stream[contentStart..<j], wide: wide)
            if FieldCode.isDDE(instruction) {
                out.append(
                    DDEField(
                        part: streamName, instruction: instruction, command: FieldCode.ddeCommand(instruction),
                        offset: begin - stream.startIndex))
            }
            i = j + step
        }
        return out
    }

    /// Field text between the field characters: UTF-16LE or 8-bit.
    private static func decodeFieldText(_ bytes: ArraySlice<UInt8>, wide: Bool) -> String {
        var scalars = String.UnicodeScalarView()
        if wide {
            var k = bytes.startIndex
            var units: [UInt16] = []
            while k + 1 < bytes.endIndex {
                units.append(UInt16(bytes[k]) | UInt16(bytes[k + 1]) << 8)
                k += 2
            }
            for scalar in String(decoding: units, as: UTF16.self).unicodeScalars {
                switch scalar.value {
                case 0x0A, 0x0D: scalars.append("\n")
                case 0..<0x20: scalars.append("?")
                default: scalars.append(scalar)
                }
            }
        } else {
            for b in bytes {
                switch b {
                case 0x0A, 0x0D: scalars.append("\n")
                case 0..<0x20: scalars.append("?")
                default: scalars.append(Unicode.Scalar(b))
                }
            }
        }
        return String(scalars)
    }
}
