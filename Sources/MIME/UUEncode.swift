/// A file found uuencoded inside a text body.
public struct UUEncodedFile: Sendable {
    /// The name on the `begin` line.
    public var name: String
    /// The octal mode on the `begin` line, as written.
    public var mode: String
    /// The decoded bytes.
    public var bytes: [UInt8]
    /// Offset of the `begin` line in the text it was found in.
    public var offset: Int
    /// Whether the block ended without an `end` line (or with an undecodable line).
    public var truncated: Bool
}

/// Finds inline uuencoded files (`begin 644 name` ... `end`) in text bodies, a classic way to smuggle an
/// attachment past scanners that only look at MIME parts.
public enum UUEncode {
    /// The most files extracted from one text.
    public static let maxFiles = 64

    private static let beginMarker: [UInt8] = Array("begin ".utf8)

    /// Extracts every `begin <mode> <name>` ... `end` block; lines are decoded as `binascii.a2b_uu`.
    public static func extract(from text: ArraySlice<UInt8>) -> [UUEncodedFile] {
        // Most texts hold no `begin ` at all: a memchr for each `b` instead of reading every line.
        let mayHoldFile = text.withUnsafeBufferPointer { p -> Bool in
            let lastStart = p.count - beginMarker.count
            var i = 0
            while i <= lastStart {
                let at = ByteScan.find(UInt8(ascii: "b"), in: p, from: i, to: lastStart + 1)
                guard at <= lastStart else { return false }
                if p[at..<(at + beginMarker.count)].elementsEqual(beginMarker) { return true }
                i = at + 1
            }
            return false
        }
        guard mayHoldFile else { return [] }
        var files: [UUEncodedFile] = []
        var lines = PythonLines(text)
        var lineStart = text.startIndex
        while files.count < maxFiles {
            let here = lines.index
            guard let line = lines.next() else { break }
            lineStart = here
            guard line.starts(with: "begin ".utf8) else { continue }
            let rest = line.dropFirst(6)
            let mode = rest.prefix { $0 != 0x20 }
            guard !mode.isEmpty, mode.count <= 6, mode.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) else { continue }
            let nameBytes = rest.dropFirst(mode.count).drop { $0 == 0x20 }
            var bytes: [UInt8] = []
            var ended = false
            var bad = false
            while let l = lines.next() {
                if TransferDecoding.stripped(l, " \t\r\n").elementsEqual("end".utf8) {
                    ended = true
                    break
                }
                if l.isEmpty { break }
                if l.count == 1 && (l.first == 0x60 || l.first == 0x20) { continue }  // zero-length line
                guard let d = TransferDecoding.decodeUULine(l) else {
                    bad = true
                    break
                }
                bytes += d
            }
            files.append(
                UUEncodedFile(
                    name: String(decoding: nameBytes, as: UTF8.self),
                    mode: String(decoding: mode, as: UTF8.self),
                    bytes: bytes,
                    offset: lineStart - text.startIndex,
                    truncated: !ended || bad
                )
            )
        }
        return files
    }
}
