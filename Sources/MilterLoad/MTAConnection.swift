import Milter

/// The SMTP client an MTA connection pretends to serve.
struct ClientIdentity: Sendable {
    let hostname: String
    let address: String
    let port: UInt16

    /// A documentation address (198.51.100.0/24, TEST-NET-2) per number.
    init(number: Int) {
        let host = number % 254 + 1
        hostname = "client\(host).example.invalid"
        address = "198.51.100.\(host)"
        port = UInt16(40_000 + number % 20_000)
    }
}

/// How a message ended at the filter.
struct Delivery: Sendable {
    /// The final reply: accept, continue, reject, tempfail, discard or a reply code.
    let final: MilterResponse
    /// Header changes and quarantine requests that came with it.
    let modifications: [MilterResponse]
    /// The command the final reply answered (`E` normally; earlier when the filter decided before the body).
    let stage: UInt8
}

/// What a protocol violation by the filter looks like.
struct ProtocolViolation: Error, CustomStringConvertible {
    let description: String
}

/// One milter connection, played from the MTA's side the way Postfix does it: negotiation, connect and HELO with
/// macros, then messages (MAIL, RCPT, DATA, headers, end of headers, body chunks, end of body), replies awaited
/// only for commands the filter did not opt out of.
///
/// Commands without an awaited reply are buffered and written together with the next awaited one, as an MTA's
/// stream buffer does.
final class MTAConnection {
    /// What Postfix 3.7 offers: version 6, every action, every protocol flag.
    static let offeredVersion: UInt32 = 6
    static let offeredActions = MilterActions(rawValue: 0x1FF)
    static let offeredFlags = MilterProtocolFlags(rawValue: 0x1F_FFFF)

    /// Postfix's default macro lists (`milter_*_macros`), used for stages the filter asked nothing for.
    static let postfixMacros: [MilterMacroStage: [String]] = [
        .connect: ["j", "{daemon_name}", "{daemon_addr}", "v", "_"],
        .helo: ["{tls_version}", "{cipher}", "{cipher_bits}", "{cert_subject}", "{cert_issuer}"],
        .mailFrom: ["i", "{auth_type}", "{auth_authen}", "{auth_author}", "{mail_addr}", "{mail_host}", "{mail_mailer}"],
        .recipient: ["i", "{rcpt_addr}", "{rcpt_host}", "{rcpt_mailer}"],
        .data: ["i"],
        .endOfHeaders: ["i"],
        .endOfMessage: ["i"],
    ]

    let socket: StreamSocket
    private var decoder = MilterFrameDecoder()
    private var outgoing: [UInt8] = []
    private(set) var flags: MilterProtocolFlags = []
    private(set) var actions: MilterActions = []
    private(set) var version: UInt32 = 0
    private var macroLists = MTAConnection.postfixMacros
    private var identity = ClientIdentity(number: 0)
    /// Macro values of the current SMTP session and message.
    private var values: [String: String] = [:]
    /// Bytes written, for the report.
    private(set) var bytesSent = 0

    init(socket: StreamSocket) {
        self.socket = socket
    }

    // MARK: Wire

    /// Buffers `command` unless the negotiation left it out; returns whether it went out.
    @discardableResult
    func write(_ command: MilterCommand) -> Bool {
        if flags.omits(command) { return false }
        outgoing += command.bytes
        return true
    }

    /// Buffers bytes as they are (pre-encoded frames, or garbage when fuzzing).
    func writeRaw(_ bytes: [UInt8]) {
        outgoing += bytes
    }

    func flush() throws {
        guard !outgoing.isEmpty else { return }
        bytesSent += outgoing.count
        let pending = outgoing
        outgoing.removeAll(keepingCapacity: true)
        try socket.send(pending)
    }

    /// The next reply, progress replies skipped.
    func readResponse() throws -> MilterResponse {
        try flush()
        while true {
            let frame: MilterFrame?
            do { frame = try decoder.next() } catch { throw ProtocolViolation(description: "bad reply frame: \(error)") }
            if let frame {
                let response: MilterResponse
                do { response = try MilterResponse(parsing: frame) } catch {
                    throw ProtocolViolation(description: "bad reply: \(error)")
                }
                if response == .progress { continue }
                return response
            }
            decoder.feed(try socket.receive())
        }
    }

    /// Sends `command` and, when the filter answers it, returns the answer.
    func exchange(_ command: MilterCommand) throws -> MilterResponse? {
        guard write(command) else { return nil }
        guard flags.expectsReply(to: command) else { return nil }
        return try readResponse()
    }

    // MARK: Conversation

    /// Negotiates as Postfix 3.7 does and keeps the filter's choices.
    func negotiate(
        version offered: UInt32 = MTAConnection.offeredVersion,
        actions offeredActions: MilterActions = MTAConnection.offeredActions,
        flags offeredFlags: MilterProtocolFlags = MTAConnection.offeredFlags
    ) throws {
        write(.optionNegotiation(version: offered, actions: offeredActions, protocolFlags: offeredFlags))
        guard case .optionNegotiation(let version, let actions, let flags, let macros) = try readResponse() else {
            throw ProtocolViolation(description: "the filter did not answer the negotiation with O")
        }
        guard version >= 2, version <= offered else {
            throw ProtocolViolation(description: "the filter chose protocol version \(version)")
        }
        guard offeredActions.isSuperset(of: actions), offeredFlags.isSuperset(of: flags) else {
            throw ProtocolViolation(description: "the filter chose actions or flags that were not offered")
        }
        self.version = version
        self.actions = actions
        self.flags = flags
        for (stage, names) in macros { macroLists[stage] = names }
    }

    /// Opens an SMTP session: connect and HELO, each preceded by its macros. Returns a non-continue answer
    /// (the filter decided for the whole session), or `nil`.
    func open(client: ClientIdentity) throws -> MilterResponse? {
        identity = client
        values = [
            "j": "mx.example.invalid", "{daemon_name}": "smtpd", "{daemon_addr}": "127.0.0.1",
            "v": "Postfix 3.7.11", "_": "\(client.hostname) [\(client.address)]",
            "{client_addr}": client.address, "{client_name}": client.hostname,
            "{client_port}": String(client.port), "{client_ptr}": client.hostname,
        ]
        let connect = MilterCommand.connect(
            hostname: client.hostname, family: .inet, port: client.port, address: client.address
        )
        sendMacros(.connect, before: connect)
        if let reply = try exchange(connect), reply != .continue { return reply }
        let helo = MilterCommand.helo(client.hostname)
        sendMacros(.helo, before: helo)
        if let reply = try exchange(helo), reply != .continue { return reply }
        return nil
    }

    /// Sends one message and returns how the filter ended it. A decision before the end of the body ends the
    /// message there (the MTA aborts the filter's transaction with `A`).
    func deliver(_ message: CorpusMessage, queueID: String) throws -> Delivery {
        values["i"] = queueID
        values["{mail_addr}"] = MTAConnection.bare(message.sender)
        values["{mail_host}"] = nil
        values["{mail_mailer}"] = "smtp"
        let mail = MilterCommand.mail([message.sender, "SIZE=\(message.byteCount)"])
        sendMacros(.mailFrom, before: mail)
        if let early = try step(mail) { return early }
        for recipient in message.recipients {
            values["{rcpt_addr}"] = MTAConnection.bare(recipient)
            values["{rcpt_mailer}"] = "smtp"
            let rcpt = MilterCommand.recipient([recipient])
            sendMacros(.recipient, before: rcpt)
            if let early = try step(rcpt) { return early }
        }
        sendMacros(.data, before: .data)
        if let early = try step(.data) { return early }
        let leadingSpace = flags.contains(.headerLeadingSpace)
        for header in message.headers {
            let value = leadingSpace ? header.leadingSpace + header.value : header.value
            if let early = try step(.header(name: header.name, value: value)) { return early }
        }
        sendMacros(.endOfHeaders, before: .endOfHeaders)
        if let early = try step(.endOfHeaders) { return early }
        if !flags.contains(.noBody) {
            for chunk in message.bodyChunks {
                let command = MilterCommand.body(chunk)
                guard write(command), flags.expectsReply(to: command) else { continue }
                let reply = try readResponse()
                if reply == .skip { break }
                if reply != .continue { return try abort(with: reply, stage: MilterCommandCode.body) }
            }
        }
        sendMacros(.endOfMessage, before: .endOfBody([]))
        write(.endOfBody([]))
        var modifications: [MilterResponse] = []
        while true {
            let reply = try readResponse()
            if reply.isFinal {
                return Delivery(final: reply, modifications: modifications, stage: MilterCommandCode.endOfBody)
            }
            switch reply {
            case .addHeader, .insertHeader:
                guard actions.contains(.addHeaders) else { throw violation(reply, "add-headers") }
            case .changeHeader:
                guard actions.contains(.changeHeaders) else { throw violation(reply, "change-headers") }
            case .quarantine:
                guard actions.contains(.quarantine) else { throw violation(reply, "quarantine") }
            default:
                throw ProtocolViolation(description: "unexpected reply \(reply) at the end of the message")
            }
            modifications.append(reply)
        }
    }

    /// Ends the milter conversation.
    func quit() {
        write(.quit)
        try? flush()
        socket.close()
    }

    private func violation(_ reply: MilterResponse, _ action: String) -> ProtocolViolation {
        ProtocolViolation(description: "\(reply) without the \(action) action negotiated")
    }

    /// Sends a message command; a non-continue answer ends the message.
    private func step(_ command: MilterCommand) throws -> Delivery? {
        guard let reply = try exchange(command) else { return nil }
        if reply == .continue { return nil }
        guard reply.isFinal else {
            throw ProtocolViolation(description: "unexpected reply \(reply) to \(command.code)")
        }
        return try abort(with: reply, stage: command.code)
    }

    private func abort(with reply: MilterResponse, stage: UInt8) throws -> Delivery {
        write(.abort)
        try flush()
        return Delivery(final: reply, modifications: [], stage: stage)
    }

    /// Sends the macros of `stage` that have a value, as Postfix does (undefined ones are left out), unless the
    /// negotiation left out the command they precede.
    private func sendMacros(_ stage: MilterMacroStage, before command: MilterCommand) {
        guard !flags.omits(command), let names = macroLists[stage] else { return }
        let pairs = names.compactMap { name -> MilterMacro? in
            // `i` and `{i}` are the same macro; values are stored under one of the two spellings.
            let bare = name.hasPrefix("{") && name.hasSuffix("}") ? String(name.dropFirst().dropLast()) : name
            guard let value = values[bare] ?? values["{\(bare)}"] else { return nil }
            return MilterMacro(name: name, value: value)
        }
        guard !pairs.isEmpty else { return }
        write(.macros(stage: command.code, pairs))
    }

    static func bare(_ address: String) -> String {
        address.hasPrefix("<") && address.hasSuffix(">") ? String(address.dropFirst().dropLast()) : address
    }
}
