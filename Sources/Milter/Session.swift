/// What the caller must do after the session took a command.
public enum MilterSessionAction: Hashable, Sendable {
    /// Send this response to the MTA.
    case reply(MilterResponse)
    /// The body is complete: scan the message and answer with one final response (accept, reject, tempfail,
    /// discard, a reply code, or continue after header changes and a quarantine).
    case endOfMessage(MilterMessage)
    /// The MTA quit: close the connection.
    case close
    /// The body outgrew `milter.memoryBodyBytes`: append these bytes to the message's spool file. They are not
    /// kept in the message; at its end, ``MilterMessage/spooledBodyByteCount`` says how many precede
    /// ``MilterMessage/body``.
    case spool([UInt8])
}

/// The protocol state of one MTA connection: which command may come next, what was negotiated, and the message
/// being collected.
///
/// ```
///  awaitingNegotiation -O-> negotiated -C-> connected -H-> helo -M-> mail -R-> recipient -T-> data
///      -L-> headers -N-> endOfHeaders -B-> body -E-> (endOfMessage) helo ...
///  A (abort): back to helo;  K: back to negotiated;  Q: closed;  D (macros), U (unknown): any stage
/// ```
/// The session is tolerant where MTAs legitimately differ: commands the negotiated flags suppress may be absent,
/// recipients repeat, headers, end of headers, body and DATA may be missing, HELO may repeat (after STARTTLS).
/// A command outside those paths throws `unexpected-command` and leaves the session closed.
public struct MilterSession: Sendable {
    /// The stages of a milter conversation, in protocol order.
    public enum Stage: Int, Hashable, Sendable, Comparable {
        case awaitingNegotiation, negotiated, connected, helo, mail, recipient, data, headers, endOfHeaders, body,
            closed
        public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What the filter asks for in the negotiation.
    public struct Configuration: Sendable, Hashable {
        /// The actions wanted; the session keeps those the MTA offers.
        public var actions: MilterActions
        /// The protocol flags wanted; the session keeps those the MTA offers.
        public var protocolFlags: MilterProtocolFlags
        /// The macros wanted per stage; asked for only when the MTA offers ``MilterActions/setMacroList``.
        public var macros: [MilterMacroStage: [String]]
        public var limits: MilterLimits

        public init(
            actions: MilterActions = [.addHeaders, .changeHeaders, .quarantine, .setMacroList],
            protocolFlags: MilterProtocolFlags = Configuration.defaultProtocolFlags,
            macros: [MilterMacroStage: [String]] = Configuration.defaultMacros,
            limits: MilterLimits = .default
        ) {
            self.actions = actions
            self.protocolFlags = protocolFlags
            self.macros = macros
            self.limits = limits
        }

        /// The protocol flags asked for by default: the skip reply for oversized bodies, no unknown commands, and
        /// no reply to any command before the body (the filter decides at the end of the message and answers
        /// continue to everything before it, so the MTA need not wait for those answers: a message costs the MTA
        /// two round trips, the body and its end, instead of seven). Body chunks keep their reply, so that an
        /// oversized body can be cut short with skip.
        public static let defaultProtocolFlags: MilterProtocolFlags = [
            .skip, .noUnknown, .noReplyConnect, .noReplyHelo, .noReplyMail, .noReplyRecipient, .noReplyData,
            .noReplyHeader, .noReplyEndOfHeaders, .noReplyUnknown,
        ]

        /// The macros the outbound and logging paths need: client, queue ID, SASL login, sender and daemon.
        public static let defaultMacros: [MilterMacroStage: [String]] = [
            .connect: ["j", "{client_addr}", "{client_name}", "{daemon_name}"],
            .mailFrom: ["{auth_authen}", "{auth_type}", "{mail_addr}"],
            .endOfMessage: ["{i}", "{auth_authen}", "{client_addr}"],
        ]
    }

    /// The newest protocol version spoken.
    public static let protocolVersion: UInt32 = 6

    public let configuration: Configuration
    public private(set) var stage: Stage = .awaitingNegotiation
    /// The version agreed: the smaller of the MTA's and ``protocolVersion``.
    public private(set) var version: UInt32 = 0
    /// The actions agreed.
    public private(set) var actions: MilterActions = []
    /// The protocol flags agreed.
    public private(set) var protocolFlags: MilterProtocolFlags = []
    /// The SMTP client of the current connection.
    public private(set) var connection = MilterConnection()

    private var connectionMacros: [UInt8: [MilterMacro]] = [:]
    private var message = MilterMessage()

    /// How many body bytes of the message in progress went to the caller's spool: 0 before any, and again after
    /// the message ended, was aborted or a new one started, so a caller's spool with nothing counted here is stale.
    public var spooledBodyByteCount: Int { message.spooledBodyByteCount }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Parses `frame` and takes the command.
    public mutating func receive(_ frame: MilterFrame) throws -> [MilterSessionAction] {
        let command: MilterCommand
        do { command = try MilterCommand(parsing: frame) } catch {
            stage = .closed
            throw error
        }
        return try receive(command)
    }

    /// Takes one command from the MTA and says what to send back or do.
    ///
    /// - Throws: ``MilterError`` `.unexpectedCommand` when the command may not come now, `.unsupportedVersion` for
    ///   an MTA older than protocol version 2; the session is then closed.
    public mutating func receive(_ command: MilterCommand) throws -> [MilterSessionAction] {
        do { return try take(command) } catch {
            stage = .closed
            throw error
        }
    }

    /// Message commands may start a message implicitly when the negotiation removed MAIL.
    private var beforeMessage: Set<Stage> { [.negotiated, .connected, .helo] }
    private var inMessage: Set<Stage> { [.mail, .recipient, .data, .headers, .endOfHeaders, .body] }

    private mutating func take(_ command: MilterCommand) throws -> [MilterSessionAction] {
        switch command {
        case .optionNegotiation(let offeredVersion, let offeredActions, let offeredFlags):
            try require(command, in: [.awaitingNegotiation])
            guard offeredVersion >= 2 else {
                throw MilterError(
                    .unsupportedVersion,
                    "MTA speaks milter protocol version \(offeredVersion)",
                    command: command.code
                )
            }
            version = min(offeredVersion, MilterSession.protocolVersion)
            actions = configuration.actions.intersection(offeredActions)
            if configuration.macros.values.allSatisfy(\.isEmpty) { actions.remove(.setMacroList) }
            protocolFlags = configuration.protocolFlags.intersection(offeredFlags)
            stage = .negotiated
            return [
                .reply(
                    .optionNegotiation(
                        version: version,
                        actions: actions,
                        protocolFlags: protocolFlags,
                        macros: configuration.macros
                    )
                )
            ]

        case .macros(let macroStage, let pairs):
            try require(command, notIn: [.awaitingNegotiation, .closed])
            if macroStage == MilterCommandCode.connect || macroStage == MilterCommandCode.helo {
                connectionMacros[macroStage] = pairs
            } else {
                message.macrosByStage[macroStage] = pairs
            }
            return []

        case .connect(let hostname, let family, let port, let address):
            try require(command, in: [.negotiated])
            connection = MilterConnection(hostname: hostname, family: family, port: port, address: address)
            stage = .connected
            return reply(unless: .noReplyConnect)

        case .helo(let name):
            try require(command, in: [.negotiated, .connected, .helo])
            connection.helo = name
            stage = .helo
            return reply(unless: .noReplyHelo)

        case .mail(let arguments):
            try require(command, in: beforeMessage)
            startMessage()
            message.sender = arguments
            stage = .mail
            return reply(unless: .noReplyMail)

        case .recipient(let arguments):
            try requireMessage(command, in: [.mail, .recipient])
            message.recipientCount += 1
            if configuration.limits.maxRecipients.allows(message.recipients.count + 1) {
                message.recipients.append(arguments)
            } else {
                message.recipientsTruncated = true
            }
            stage = .recipient
            return reply(unless: .noReplyRecipient)

        case .data:
            try requireMessage(command, in: [.mail, .recipient])
            stage = .data
            return reply(unless: .noReplyData)

        case .header(let name, let value):
            try requireMessage(command, in: [.mail, .recipient, .data, .headers])
            let size = name.utf8.count + value.count
            if !message.headersTruncated,
                configuration.limits.maxHeaderBytes.allows(headerBytes + size)
            {
                message.headers.append(MilterHeader(name: name, value: value))
                headerBytes += size
            } else {
                message.headersTruncated = true
            }
            stage = .headers
            return reply(unless: .noReplyHeader)

        case .endOfHeaders:
            try requireMessage(command, in: [.mail, .recipient, .data, .headers])
            stage = .endOfHeaders
            return reply(unless: .noReplyEndOfHeaders)

        case .body(let chunk):
            try requireMessage(command, in: [.mail, .recipient, .data, .headers, .endOfHeaders, .body])
            stage = .body
            var actions = appendBody(chunk)
            if protocolFlags.contains(.noReplyBody) { return actions }
            if message.bodyTruncated, protocolFlags.contains(.skip) {
                actions.append(.reply(.skip))
            } else {
                actions.append(.reply(.continue))
            }
            return actions

        case .endOfBody(let chunk):
            try requireMessage(command, in: inMessage)
            var actions = appendBody(chunk)
            var finished = message
            finished.connection = connection
            finished.macrosByStage.merge(connectionMacros) { messageLevel, _ in messageLevel }
            endMessage()
            actions.append(.endOfMessage(finished))
            return actions

        case .abort:
            try require(command, notIn: [.awaitingNegotiation, .closed])
            endMessage()
            return []

        case .unknown:
            try require(command, notIn: [.awaitingNegotiation, .closed])
            return reply(unless: .noReplyUnknown)

        case .quit:
            try require(command, notIn: [.closed])
            stage = .closed
            return [.close]

        case .quitNewConnection:
            try require(command, notIn: [.awaitingNegotiation, .closed])
            connection = MilterConnection()
            connectionMacros = [:]
            resetMessage()
            stage = .negotiated
            return []
        }
    }

    private var headerBytes = 0

    /// Whether the negotiated actions allow `response` as an answer to the end of a message: header changes need
    /// ``MilterActions/addHeaders`` or ``MilterActions/changeHeaders``, quarantine needs
    /// ``MilterActions/quarantine``; the MTA drops the connection on an action it did not grant.
    public func permits(_ response: MilterResponse) -> Bool {
        switch response {
        case .addHeader, .insertHeader: actions.contains(.addHeaders)
        case .changeHeader: actions.contains(.changeHeaders)
        case .quarantine: actions.contains(.quarantine)
        case .skip: protocolFlags.contains(.skip)
        case .optionNegotiation: false
        case .continue, .accept, .reject, .tempfail, .discard, .replyCode, .progress: true
        }
    }

    /// Starts a message, keeping the macros already sent for its stages (they precede their command).
    private mutating func startMessage() {
        let pending = message.macrosByStage
        message = MilterMessage(headerValuesKeepLeadingSpace: protocolFlags.contains(.headerLeadingSpace))
        message.macrosByStage = pending
        headerBytes = 0
    }

    private mutating func resetMessage() {
        message = MilterMessage(headerValuesKeepLeadingSpace: protocolFlags.contains(.headerLeadingSpace))
        headerBytes = 0
    }

    /// Drops the message (after its end or an abort) and returns to the state after HELO.
    private mutating func endMessage() {
        resetMessage()
        if inMessage.contains(stage) { stage = .helo }
    }

    /// Keeps `chunk` up to `milter.maxBodyBytes` in all; once the part in memory would outgrow
    /// `milter.memoryBodyBytes`, hands it (and every later chunk) to the caller's spool instead.
    private mutating func appendBody(_ chunk: [UInt8]) -> [MilterSessionAction] {
        message.bodyByteCount += chunk.count
        let kept = message.spooledBodyByteCount + message.body.count
        let room = max(0, configuration.limits.maxBodyBytes.maximum - kept)
        let taken = chunk.count <= room ? chunk[...] : chunk.prefix(room)
        if taken.count < chunk.count { message.bodyTruncated = true }
        guard !taken.isEmpty else { return [] }
        if message.spooledBodyByteCount == 0,
            configuration.limits.memoryBodyBytes.allows(message.body.count + taken.count)
        {
            message.body.append(contentsOf: taken)
            return []
        }
        var out = message.body
        message.body = []
        out.append(contentsOf: taken)
        message.spooledBodyByteCount += out.count
        return [.spool(out)]
    }

    private func reply(unless flag: MilterProtocolFlags) -> [MilterSessionAction] {
        protocolFlags.contains(flag) ? [] : [.reply(.continue)]
    }

    private func require(_ command: MilterCommand, in allowed: Set<Stage>) throws {
        guard allowed.contains(stage) else { throw unexpected(command) }
    }

    private func require(_ command: MilterCommand, notIn refused: Set<Stage>) throws {
        guard !refused.contains(stage) else { throw unexpected(command) }
    }

    /// A message command: allowed in `allowed`, or before any message when MAIL is not sent (`SMFIP_NOMAIL`).
    private mutating func requireMessage(_ command: MilterCommand, in allowed: Set<Stage>) throws {
        if allowed.contains(stage) { return }
        if protocolFlags.contains(.noMail), beforeMessage.contains(stage) {
            startMessage()
            return
        }
        throw unexpected(command)
    }

    private func unexpected(_ command: MilterCommand) -> MilterError {
        MilterError(
            .unexpectedCommand,
            "\(MilterFrame.printable(command.code)) not allowed in stage \(stage)",
            command: command.code
        )
    }
}
