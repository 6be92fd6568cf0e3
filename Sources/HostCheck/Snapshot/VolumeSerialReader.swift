import ByteCursor

/// Reads the system volume's serial number, the seed of Emotet's v1 process name and the key of its v2 registry value.
///
/// Sources, in the order a triage collection offers them:
/// - the NTFS boot sector (`$Boot`, or the first sector of a raw volume image, or of the first NTFS partition of an
///   MBR disk image): the 64-bit serial at offset 0x48, of which `GetVolumeInformation` returns the low 32 bits;
/// - the output of `vol C:` (`Volume Serial Number is 1234-ABCD`, `ボリューム シリアル番号は 1234-ABCD です`);
/// - a value given by hand (`1234-ABCD`, `1234ABCD`, `0x1234abcd`).
///
/// ```
///  NTFS boot sector
///  0x00  EB 52 90           jump
///  0x03  "NTFS    "         OEM ID
///  0x0B  bytes per sector (2) ...
///  0x48  volume serial (8, little-endian)   ← low 32 bits = what `vol` prints
///  0x1FE 55 AA
/// ```
public enum VolumeSerialReader {
    /// A serial written by hand: `1234-ABCD`, `1234ABCD`, `0x1234ABCD` (case-insensitive).
    public static func parse(hex text: String) -> UInt32? {
        var s = text.trimmed.lowercased()
        if s.hasPrefix("0x") { s.removeFirst(2) }
        s.removeAll { $0 == "-" }
        guard !s.isEmpty, s.count <= 8, s.allSatisfy({ $0.isHexDigit }) else { return nil }
        return UInt32(s, radix: 16)
    }

    /// The serial of an NTFS boot sector (`$Boot` or a volume image's first sector); nil if `bytes` is not one.
    public static func fromBootSector(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        let s = bytes.startIndex
        guard bytes.count >= 0x50 else { return nil }
        let oem = Array(bytes[(s + 3)..<(s + 11)])
        guard oem == Array("NTFS    ".utf8) else { return nil }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[s + 0x48 + i]) << (8 * i) }
        return value
    }

    /// The first NTFS partition of an MBR disk image: its byte offset (the LBA × 512), or nil.
    static func firstNTFSPartitionOffset(_ mbr: ArraySlice<UInt8>) -> Int? {
        let s = mbr.startIndex
        guard mbr.count >= 512, mbr[s + 510] == 0x55, mbr[s + 511] == 0xAA else { return nil }
        for i in 0..<4 {
            let entry = s + 446 + 16 * i
            let type = mbr[entry + 4]
            guard type == 0x07 else { continue }
            var lba: UInt32 = 0
            for j in 0..<4 { lba |= UInt32(mbr[entry + 8 + j]) << (8 * j) }
            let (offset, overflow) = Int(lba).multipliedReportingOverflow(by: 512)
            if !overflow, lba > 0 { return offset }
        }
        return nil
    }

    /// The serial printed by `vol` (any language): the first `XXXX-XXXX` group of hex digits in the text.
    public static func fromVolOutput(_ text: String) -> UInt32? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 9 else { return nil }
        func isHex(_ c: Unicode.Scalar) -> Bool { c.properties.isASCIIHexDigit }
        var i = 0
        while i + 9 <= scalars.count {
            let window = scalars[i..<(i + 9)]
            let before = i > 0 ? scalars[i - 1] : " "
            let after = i + 9 < scalars.count ? scalars[i + 9] : " "
            if window.enumerated().allSatisfy({ $0.offset == 4 ? $0.element == "-" : isHex($0.element) }),
                !isHex(before), !isHex(after)
            {
                let digits = String(String.UnicodeScalarView(window.filter { $0 != "-" }))
                return UInt32(digits, radix: 16)
            }
            i += 1
        }
        return nil
    }

    /// Reads a serial from `argument`: a hex value, or a file holding a boot sector, a disk image or `vol` output.
    public static func read(_ argument: String, limits: HostCheckLimits = .default) throws(HostCheckError) -> VolumeSerial {
        if let v = parse(hex: argument) { return VolumeSerial(v, source: "--volume-serial") }
        guard LocalFiles.isFile(argument) else {
            throw HostCheckError(
                .badVolumeSerial, "neither a serial number (1234-ABCD) nor a readable file", path: argument)
        }
        return try readFile(argument, label: argument)
    }

    /// Reads a serial from a file: NTFS boot sector, MBR disk image, or `vol` output.
    static func readFile(_ path: String, label: String) throws(HostCheckError) -> VolumeSerial {
        guard let head = LocalFiles.head(path, count: 4096) else {
            throw HostCheckError(.unreadable, "cannot be read", path: path)
        }
        if let v = fromBootSector(head[...]) { return VolumeSerial(v, source: "NTFS boot sector (\(label))") }
        if let offset = firstNTFSPartitionOffset(head[...]) {
            if let sector = readAt(path, offset: offset, count: 512), let v = fromBootSector(sector[...]) {
                return VolumeSerial(v, source: "NTFS boot sector of the first partition (\(label))")
            }
        }
        if head.count < 4096 || !head.contains(0) || isUTF16(head) {
            let all = (try? LocalFiles.readAll(path, limit: Limit("hostcheck.maxVolOutputBytes", 1 << 20))) ?? head
            if let v = fromVolOutput(TextFiles.decode(all[...])) { return VolumeSerial(v, source: "vol output (\(label))") }
        }
        throw HostCheckError(
            .badVolumeSerial, "no NTFS boot sector and no 'vol' output (XXXX-XXXX) found", path: path)
    }

    static func isUTF16(_ b: [UInt8]) -> Bool {
        b.count >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))
    }

    static func readAt(_ path: String, offset: Int, count: Int) -> [UInt8]? {
        guard let bytes = LocalFiles.readRange(path, offset: offset, count: count), bytes.count == count else { return nil }
        return bytes
    }
}
