/// Emotet v2 (February-August 2020): the process name, XOR-encoded with the volume serial, in a REG_BINARY value
/// named by the serial in hex under `Software\Microsoft\Windows\CurrentVersion\Explorer`.
///
/// Follows EmoCheck `emocheck/modules/scan_v2.cpp` (`QueryRegistry`/`QueryEmotetV2Registry`,
/// `GetEmotetFileNameFromRegistry`):
///
/// ```
///  HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer              (user rights, 32- and 64-bit)
///  HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Explorer              (administrator, 32-bit Windows)
///  HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Explorer  (administrator, 64-bit Windows)
///      value name  = serial in lowercase hex without leading zeros ("1234abcd")
///      decoded[i]  = data[i] ^ serial.littleEndianBytes[i % 4]
///      name        = the decoded bytes in 0x21...0x7D, + ".exe"
/// ```
///
/// A process of that name confirms it (emocheck.cpp, case 2). Without a serial, a binary value whose name is
/// 1-8 hex digits and whose data decodes, with that name as the serial, to printable text is reported too (the value
/// name is the serial); the report says the serial was inferred.
public enum ScanV2 {
    /// The value name for a serial (`std::hex << serial`).
    public static func valueName(serial: UInt32) -> String { String(serial, radix: 16) }

    /// The process name encoded in `data` (the decoded printable bytes + `.exe`); nil when nothing is printable.
    public static func decode(_ data: [UInt8], serial: UInt32) -> String? {
        let key = (0..<4).map { UInt8(truncatingIfNeeded: serial >> (8 * $0)) }
        var name: [UInt8] = []
        for (i, b) in data.enumerated() {
            let c = b ^ key[i % 4]
            if c > 0x20 && c < 0x7E { name.append(c) }
        }
        return name.isEmpty ? nil : String(decoding: name, as: UTF8.self) + ".exe"
    }

    /// The data Emotet stores for `name` (without `.exe`): for tests and fixtures.
    public static func encode(_ name: String, serial: UInt32) -> [UInt8] {
        let key = (0..<4).map { UInt8(truncatingIfNeeded: serial >> (8 * $0)) }
        return Array(name.utf8).enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    static func detect(_ ctx: DetectionContext) -> [HostDetection] {
        var out: [HostDetection] = []
        var seen: Set<String> = []
        for value in ctx.snapshot.explorerValues where value.kind == .binary {
            let serial: UInt32
            var inferred = false
            if let known = ctx.snapshot.volumeSerial?.value {
                guard value.name.lowercased() == valueName(serial: known) else { continue }
                serial = known
            } else {
                // No serial: the value name is the serial when it is hex and the data decodes cleanly.
                guard value.name.count >= 1, value.name.count <= 8, value.name.allSatisfy(\.isHexDigit),
                    let s = UInt32(value.name, radix: 16), (3...64).contains(value.data.count)
                else { continue }
                let key = (0..<4).map { UInt8(truncatingIfNeeded: s >> (8 * $0)) }
                let clean = value.data.enumerated().allSatisfy { i, b in
                    let c = b ^ key[i % 4]
                    return c > 0x20 && c < 0x7E
                }
                guard clean else { continue }
                serial = s
                inferred = true
            }
            guard let name = decode(value.data, serial: serial) else { continue }
            let (confirmation, processes) = ctx.confirmByName(name)
            let files = ctx.files(named: name, roles: [.localAppData, .systemX86])
            let admin = value.location.root == "HKLM"
            var summary = "Explorer value \(value.name) decodes to the process name \(name)"
            if inferred { summary += " (volume serial inferred from the value name)" }
            let evidence = RegistryEvidence(value, role: "encoded process name")
            guard seen.insert(value.display.lowercased()).inserted else { continue }
            if files.isEmpty {
                out.append(
                    HostDetection(
                        generation: .v2, rule: "hostcheck.v2.explorer-encoded-name", summary: summary,
                        processName: name, registry: [evidence], processes: processes, confirmation: confirmation,
                        isAdmin: admin))
            }
            for f in files {
                out.append(
                    HostDetection(
                        generation: .v2, rule: "hostcheck.v2.explorer-encoded-name", summary: summary + "; the file exists",
                        processName: name, file: ctx.evidence(f, isPE: ctx.isPE(f.file)),
                        registry: [evidence] + ctx.persistence(naming: f.windowsPath, role: "Run value or service launching the file"),
                        processes: processes, confirmation: confirmation, isAdmin: admin || f.isAdminFolder))
            }
        }
        return out
    }
}
