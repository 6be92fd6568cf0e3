import ByteCursor

/// The address family of a connecting SMTP client, as the connect command spells it.
public enum MilterAddressFamily: UInt8, Hashable, Sendable {
    /// Unknown (`U`): no port or address follow.
    case unknown = 0x55
    /// A UNIX-domain socket (`L`).
    case local = 0x4C
    /// IPv4 (`4`).
    case inet = 0x34
    /// IPv6 (`6`).
    case inet6 = 0x36
}

/// A command from the MTA, parsed from a ``MilterFrame``.
///
/// Strings in the data are NUL-terminated; a missing NUL, a short integer or bytes left after the last field make
/// the frame `malformed-command`. Header values and body chunks stay bytes: mail headers may carry raw 8-bit text.
public enum MilterCommand: Hashable, Sendable {
    /// `O`: option negotiation.
    case optionNegotiation(version: UInt32, actions: MilterActions, protocolFlags: MilterProtocolFlags)
    /// `D`: macros for the command whose byte is `stage`, as name/value pairs in the order sent.
    case macros(stage: UInt8, [MilterMacro])
    /// `C`: the SMTP client connected. `port` and `address` are absent for the unknown family.
    case connect(hostname: String, family: MilterAddressFamily, port: UInt16?, address: String?)
    /// `H`: HELO/EHLO.
    case helo(String)
    /// `M`: MAIL FROM; the first argument is the address, the rest ESMTP parameters.
    case mail([String])
    /// `R`: RCPT TO; the first argument is the address, the rest ESMTP parameters.
    case recipient([String])
    /// `T`: DATA.
    case data
    /// `L`: one header.
    case header(name: String, value: [UInt8])
    /// `N`: end of headers.
    case endOfHeaders
    /// `B`: a body chunk.
    case body([UInt8])
    /// `E`: end of body, with a last chunk when the MTA sends one (Sendmail may).
    case endOfBody([UInt8])
    /// `A`: abort the current message; the connection stays.
    case abort
    /// `Q`: quit; close the connection.
    case quit
    /// `K`: quit this SMTP session but keep the milter connection for a new one.
    case quitNewConnection
    /// `U`: an SMTP command the MTA did not recognise.
    case unknown(String)

    /// The command byte this command is sent with.
    public var code: UInt8 {
        switch self {
        case .optionNegotiation: MilterCommandCode.optionNegotiation
        case .macros: MilterCommandCode.macro
        case .connect: MilterCommandCode.connect
        case .helo: MilterCommandCode.helo
        case .mail: MilterCommandCode.mail
        case .recipient: MilterCommandCode.recipient
        case .data: MilterCommandCode.data
        case .header: MilterCommandCode.header
        case .endOfHeaders: MilterCommandCode.endOfHeaders
        case .body: MilterCommandCode.body
        case .endOfBody: MilterCommandCode.endOfBody
        case .abort: MilterCommandCode.abort
        case .quit: MilterCommandCode.quit
        case .quitNewConnection: MilterCommandCode.quitNewConnection
        case .unknown: MilterCommandCode.unknown
        }
    }

    /// Parses the command in `frame`.
    ///
    /// - Throws: ``MilterError`` `.unknownCommand` or `.malformedCommand`.
    public init(parsing frame: MilterFrame) throws {
        var reader = FieldReader(frame.data[...], command: frame.command)
        switch frame.command {
        case MilterCommandCode.optionNegotiation:
            let version = try reader.uint32()
            let actions = try reader.uint32()
            let flags = try reader.uint32()
            self = .optionNegotiation(
                version: version,
                actions: MilterActions(rawValue: actions),
                protocolFlags: MilterProtocolFlags(rawValue: flags)
            )
        case MilterCommandCode.macro:
            let stage = try reader.byte()
            var pairs: [MilterMacro] = []
            while !reader.isAtEnd {
                let name = try reader.string()
                let value = try reader.string()
                pairs.append(MilterMacro(name: name, value: value))
            }
            self = .macros(stage: stage, pairs)
        case MilterCommandCode.connect:
            let hostname = try reader.string()
            let familyByte = try reader.byte()
            guard let family = MilterAddressFamily(rawValue: familyByte) else {
                throw MilterError(
                    .malformedCommand,
                    "unknown address family \(MilterFrame.printable(familyByte))",
                    command: frame.command
                )
            }
            if family == .unknown {
                self = .connect(hostname: hostname, family: family, port: nil, address: nil)
            } else {
                let port = try reader.uint16()
                let address = try reader.string()
                self = .connect(hostname: hostname, family: family, port: port, address: address)
            }
        case MilterCommandCode.helo:
            self = .helo(try reader.string())
        case MilterCommandCode.mail:
            self = .mail(try reader.strings())
        case MilterCommandCode.recipient:
            self = .recipient(try reader.strings())
        case MilterCommandCode.data:
            self = .data
        case MilterCommandCode.header:
            let name = try reader.string()
            let value = try reader.cString()
            self = .header(name: name, value: Array(value))
        case MilterCommandCode.endOfHeaders:
            self = .endOfHeaders
        case MilterCommandCode.body:
            self = .body(Array(reader.rest()))
        case MilterCommandCode.endOfBody:
            self = .endOfBody(Array(reader.rest()))
        case MilterCommandCode.abort:
            self = .abort
        case MilterCommandCode.quit:
            self = .quit
        case MilterCommandCode.quitNewConnection:
            self = .quitNewConnection
        case MilterCommandCode.unknown:
            self = .unknown(try reader.string())
        default:
            throw MilterError(.unknownCommand, "not a milter command", command: frame.command)
        }
        try reader.expectEnd()
    }
}

/// One macro: `{i}`, `{auth_authen}`, `j`... and its value.
public struct MilterMacro: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The command bytes the MTA sends (`SMFIC_*`).
public enum MilterCommandCode {
    public static let abort = UInt8(ascii: "A")
    public static let body = UInt8(ascii: "B")
    public static let connect = UInt8(ascii: "C")
    public static let macro = UInt8(ascii: "D")
    public static let endOfBody = UInt8(ascii: "E")
    public static let helo = UInt8(ascii: "H")
    public static let quitNewConnection = UInt8(ascii: "K")
    public static let header = UInt8(ascii: "L")
    public static let mail = UInt8(ascii: "M")
    public static let endOfHeaders = UInt8(ascii: "N")
    public static let optionNegotiation = UInt8(ascii: "O")
    public static let quit = UInt8(ascii: "Q")
    public static let recipient = UInt8(ascii: "R")
    public static let data = UInt8(ascii: "T")
    public static let unknown = UInt8(ascii: "U")
}

/// Reads the fields of one command's data, turning cursor errors into `malformed-command`.
struct FieldReader {
    var cursor: ByteCursor
    let command: UInt8

    init(_ data: ArraySlice<UInt8>, command: UInt8) {
        self.cursor = ByteCursor(data)
        self.command = command
    }

    var isAtEnd: Bool { cursor.isAtEnd }

    func malformed(_ reason: String) -> MilterError {
        MilterError(.malformedCommand, "\(reason) at offset \(cursor.offset)", command: command)
    }

    mutating func byte() throws -> UInt8 {
        do { return try cursor.readUInt8() } catch { throw malformed("missing byte") }
    }

    mutating func uint16() throws -> UInt16 {
        do { return try cursor.readUInt16BE() } catch { throw malformed("short 16-bit field") }
    }

    mutating func uint32() throws -> UInt32 {
        do { return try cursor.readUInt32BE() } catch { throw malformed("short 32-bit field") }
    }

    /// The bytes up to the next NUL (which is consumed).
    mutating func cString() throws -> ArraySlice<UInt8> {
        let rest = cursor.remainingBytes
        guard let nul = rest.firstIndex(of: 0) else { throw malformed("string without NUL terminator") }
        let bytes = try cursor.readBytes(nul - rest.startIndex)
        try cursor.skip(1)
        return bytes
    }

    mutating func string() throws -> String {
        String(decoding: try cString(), as: UTF8.self)
    }

    /// One or more NUL-terminated strings filling the rest of the data.
    mutating func strings() throws -> [String] {
        var out = [try string()]
        while !cursor.isAtEnd { out.append(try string()) }
        return out
    }

    mutating func rest() -> ArraySlice<UInt8> { cursor.readRest() }

    func expectEnd() throws {
        guard cursor.isAtEnd else { throw malformed("\(cursor.remaining) trailing bytes") }
    }
}
