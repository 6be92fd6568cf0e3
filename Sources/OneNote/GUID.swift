/// A GUID as stored on disk (the first three fields little-endian), compared and hashed by its 16 bytes.
struct GUID: Hashable, Sendable, CustomStringConvertible {
    var bytes: [UInt8]

    init?(_ raw: ArraySlice<UInt8>) {
        guard raw.count == 16 else { return nil }
        bytes = Array(raw)
    }

    /// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", with or without braces, any case.
    init?(string: some StringProtocol) {
        let hex = string.unicodeScalars.filter { $0 != "{" && $0 != "}" && $0 != "-" }
        guard hex.count == 32 else { return nil }
        var v: [UInt8] = []
        var high: UInt8? = nil
        for c in hex {
            guard let d = UInt8(String(c), radix: 16) else { return nil }
            if let h = high {
                v.append(h << 4 | d)
                high = nil
            } else {
                high = d
            }
        }
        // Text order to disk order: the first three fields are little-endian on disk.
        bytes = [v[3], v[2], v[1], v[0], v[5], v[4], v[7], v[6]] + Array(v[8..<16])
    }

    /// Lower-case text form without braces, as Python's `uuid` prints it (and pyOneNote keys its files).
    var description: String {
        let b = bytes
        let text = [b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]] + Array(b[8..<16])
        let hex = text.map { byte -> String in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
            + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }

    // The GUIDs of [MS-ONESTORE].
    /// `.one` sections: {7B5C52E4-D88C-4DA7-AEB1-5378D02996D3}.
    static let fileTypeOne = GUID(string: "7B5C52E4-D88C-4DA7-AEB1-5378D02996D3")
    /// `.onetoc2` tables of contents: {43FF2FA1-EFD9-4C76-9EE2-10EA5722765F}.
    static let fileTypeTOC = GUID(string: "43FF2FA1-EFD9-4C76-9EE2-10EA5722765F")
    /// The revision store file format: {109ADD3F-911B-49F5-A5D0-1791EDC8AED8}.
    static let fileFormat = GUID(string: "109ADD3F-911B-49F5-A5D0-1791EDC8AED8")
    /// FileDataStoreObject header: {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC}.
    static let blobHeader = GUID(string: "BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC")
    /// FileDataStoreObject footer: {71FBA722-0F79-4A0B-BB13-899256426B24}.
    static let blobFooter = GUID(string: "71FBA722-0F79-4A0B-BB13-899256426B24")
}

/// An ExtendedGUID: a GUID and a 32-bit number, how the revision store names objects.
struct ExtendedGUID: Hashable, Sendable {
    var guid: GUID
    var n: UInt32
}
