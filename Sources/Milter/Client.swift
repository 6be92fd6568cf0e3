import ByteCursor

// The client side of the protocol: what an MTA sends (commands encoded into frames) and what it reads (responses
// parsed from frames). The load generator and the tests speak to a filter with these.

extension MilterCommand {
    /// The command as a frame, encoded the way Postfix and Sendmail send it.
    ///
    /// ```
    ///  O  version(4) actions(4) flags(4)          C  hostname\0 family [port(2) address\0]
    ///  D  stage(1) (name\0 value\0)*               H  helo\0
    ///  M  address\0 (esmtp-arg\0)*                 R  address\0 (esmtp-arg\0)*
    ///  L  name\0 value\0                           B  raw chunk          E  raw chunk (usually empty)
    ///  U  command\0                                T N A Q K  no data
    /// ```
    /// Strings have any NUL removed. A connect with a known family but no port or address sends port 0 and an
    /// empty address; a MAIL or RCPT without arguments sends one empty argument (the null address), since the
    /// filter requires at least one.
    public var frame: MilterFrame {
        var data: [UInt8] = []
        switch self {
        case .optionNegotiation(let version, let actions, let flags):
            MilterFrame.appendUInt32(version, to: &data)
            MilterFrame.appendUInt32(actions.rawValue, to: &data)
            MilterFrame.appendUInt32(flags.rawValue, to: &data)
        case .macros(let stage, let pairs):
            data.append(stage)
            for pair in pairs {
                MilterFrame.appendCString(pair.name, to: &data)
                MilterFrame.appendCString(pair.value, to: &data)
            }
        case .connect(let hostname, let family, let port, let address):
            MilterFrame.appendCString(hostname, to: &data)
            data.append(family.rawValue)
            if family != .unknown {
                let port = port ?? 0
                data.append(UInt8(truncatingIfNeeded: port >> 8))
                data.append(UInt8(truncatingIfNeeded: port))
                MilterFrame.appendCString(address ?? "", to: &data)
            }
        case .helo(let name):
            MilterFrame.appendCString(name, to: &data)
        case .mail(let arguments), .recipient(let arguments):
            for argument in arguments.isEmpty ? [""] : arguments {
                MilterFrame.appendCString(argument, to: &data)
            }
        case .header(let name, let value):
            MilterFrame.appendCString(name, to: &data)
            MilterFrame.appendCString(value, to: &data)
        case .body(let chunk), .endOfBody(let chunk):
            data = chunk
        case .unknown(let command):
            MilterFrame.appendCString(command, to: &data)
        case .data, .endOfHeaders, .abort, .quit, .quitNewConnection:
            break
        }
        return MilterFrame(command: code, data: data)
    }

    /// The command as it goes on the wire.
    public var bytes: [UInt8] { frame.bytes }
}

extension MilterResponse {
    /// Parses a response from the filter, the inverse of ``frame``.
    ///
    /// The negotiation reply may end after its three integers (protocol version 2 filters) or carry macro lists,
    /// each `stage(4) names\0` with the names separated by spaces; a stage outside ``MilterMacroStage`` or given
    /// twice is malformed. Replies without data must have none; strings must be NUL-terminated and nothing may
    /// follow the last field.
    ///
    /// - Throws: ``MilterError`` `.unknownCommand` for a response byte this module does not know (body
    ///   replacement, recipient changes and the other modifications a scanning filter never sends included),
    ///   `.malformedCommand` for data of the wrong shape.
    public init(parsing frame: MilterFrame) throws {
        var reader = FieldReader(frame.data[...], command: frame.command)
        switch frame.command {
        case MilterResponseCode.optionNegotiation:
            let version = try reader.uint32()
            let actions = MilterActions(rawValue: try reader.uint32())
            let flags = MilterProtocolFlags(rawValue: try reader.uint32())
            var macros: [MilterMacroStage: [String]] = [:]
            while !reader.isAtEnd {
                let rawStage = try reader.uint32()
                guard let stage = MilterMacroStage(rawValue: rawStage) else {
                    throw reader.malformed("unknown macro stage \(rawStage)")
                }
                guard macros[stage] == nil else { throw reader.malformed("macro stage \(rawStage) given twice") }
                macros[stage] = try reader.string().split(separator: " ").map(String.init)
            }
            self = .optionNegotiation(version: version, actions: actions, protocolFlags: flags, macros: macros)
        case MilterResponseCode.continue: self = .continue
        case MilterResponseCode.accept: self = .accept
        case MilterResponseCode.reject: self = .reject
        case MilterResponseCode.tempfail: self = .tempfail
        case MilterResponseCode.discard: self = .discard
        case MilterResponseCode.progress: self = .progress
        case MilterResponseCode.skip: self = .skip
        case MilterResponseCode.replyCode:
            self = .replyCode(try reader.string())
        case MilterResponseCode.addHeader:
            let name = try reader.string()
            self = .addHeader(name: name, value: try reader.string())
        case MilterResponseCode.insertHeader:
            let index = try reader.uint32()
            let name = try reader.string()
            self = .insertHeader(index: index, name: name, value: try reader.string())
        case MilterResponseCode.changeHeader:
            let index = try reader.uint32()
            let name = try reader.string()
            self = .changeHeader(index: index, name: name, value: try reader.string())
        case MilterResponseCode.quarantine:
            self = .quarantine(reason: try reader.string())
        default:
            throw MilterError(.unknownCommand, "not a milter response this client understands", command: frame.command)
        }
        try reader.expectEnd()
    }

    /// Whether this response ends the command it answers at the end of a message: accept, continue, reject,
    /// tempfail, discard or a reply code. Header changes, quarantine and progress come before it.
    public var isFinal: Bool {
        switch self {
        case .continue, .accept, .reject, .tempfail, .discard, .replyCode: true
        case .optionNegotiation, .addHeader, .insertHeader, .changeHeader, .quarantine, .progress, .skip: false
        }
    }
}

extension MilterProtocolFlags {
    /// Whether an MTA that negotiated these flags leaves `command` out (`SMFIP_NOCONNECT`, `SMFIP_NOHELO`...).
    public func omits(_ command: MilterCommand) -> Bool {
        switch command {
        case .connect: contains(.noConnect)
        case .helo: contains(.noHelo)
        case .mail: contains(.noMail)
        case .recipient: contains(.noRecipient)
        case .data: contains(.noData)
        case .header: contains(.noHeaders)
        case .endOfHeaders: contains(.noEndOfHeaders)
        case .body: contains(.noBody)
        case .unknown: contains(.noUnknown)
        case .optionNegotiation, .macros, .endOfBody, .abort, .quit, .quitNewConnection: false
        }
    }

    /// Whether the filter answers `command` under these flags: never for macros, abort and the quits, always for
    /// the negotiation and the end of the body, otherwise unless the matching no-reply flag (`SMFIP_NR_*`) is set.
    public func expectsReply(to command: MilterCommand) -> Bool {
        switch command {
        case .optionNegotiation, .endOfBody: true
        case .macros, .abort, .quit, .quitNewConnection: false
        case .connect: !contains(.noReplyConnect)
        case .helo: !contains(.noReplyHelo)
        case .mail: !contains(.noReplyMail)
        case .recipient: !contains(.noReplyRecipient)
        case .data: !contains(.noReplyData)
        case .header: !contains(.noReplyHeader)
        case .endOfHeaders: !contains(.noReplyEndOfHeaders)
        case .body: !contains(.noReplyBody)
        case .unknown: !contains(.noReplyUnknown)
        }
    }
}
