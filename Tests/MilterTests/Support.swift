import TestSupport
import Milter

/// Hand-built frames: 4-byte big-endian length, command byte, data.
enum Wire {
    static func frame(_ command: Character, _ data: [UInt8] = []) -> [UInt8] {
        let length = UInt32(data.count + 1)
        return [
            UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF),
            UInt8(ascii: command.unicodeScalars.first!),
        ] + data
    }

    static func u32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func cstr(_ string: String) -> [UInt8] { Array(string.utf8) + [0] }

    static func optneg(version: UInt32 = 6, actions: UInt32 = 0x1FF, flags: UInt32 = 0x1F_FFFF) -> [UInt8] {
        frame("O", u32(version) + u32(actions) + u32(flags))
    }

    static func macros(_ stage: Character, _ pairs: [(String, String)]) -> [UInt8] {
        frame("D", [UInt8(ascii: stage.unicodeScalars.first!)] + pairs.flatMap { cstr($0.0) + cstr($0.1) })
    }

    static func connect(
        _ host: String,
        family: Character = "4",
        port: UInt16 = 25,
        address: String = "192.0.2.1"
    )
        -> [UInt8]
    {
        if family == "U" { return frame("C", cstr(host) + [UInt8(ascii: "U")]) }
        return frame(
            "C",
            cstr(host) + [UInt8(ascii: family.unicodeScalars.first!), UInt8(port >> 8), UInt8(port & 0xFF)]
                + cstr(address)
        )
    }

    static func helo(_ name: String) -> [UInt8] { frame("H", cstr(name)) }
    static func mail(_ args: String...) -> [UInt8] { frame("M", args.flatMap(cstr)) }
    static func rcpt(_ args: String...) -> [UInt8] { frame("R", args.flatMap(cstr)) }
    static func header(_ name: String, _ value: String) -> [UInt8] { frame("L", cstr(name) + cstr(value)) }
    static func body(_ text: String) -> [UInt8] { frame("B", Array(text.utf8)) }
}

/// Decodes every frame of `bytes` fed in one piece, then parses each.
func commands(_ bytes: [UInt8]) throws -> [MilterCommand] {
    var decoder = MilterFrameDecoder()
    decoder.feed(bytes)
    var out: [MilterCommand] = []
    while let frame = try decoder.next() { out.append(try MilterCommand(parsing: frame)) }
    return out
}
