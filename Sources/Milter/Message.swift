/// The SMTP client as the connect and helo commands described it.
public struct MilterConnection: Hashable, Sendable {
    public var hostname: String?
    public var family: MilterAddressFamily?
    public var port: UInt16?
    /// The client's IP address (or socket path for the local family).
    public var address: String?
    /// The HELO/EHLO name, the last one given.
    public var helo: String?

    public init(
        hostname: String? = nil,
        family: MilterAddressFamily? = nil,
        port: UInt16? = nil,
        address: String? = nil,
        helo: String? = nil
    ) {
        self.hostname = hostname
        self.family = family
        self.port = port
        self.address = address
        self.helo = helo
    }
}

/// One header as the MTA sent it: the value without the colon and (unless `SMFIP_HDR_LEADSPC` was negotiated)
/// without the space after it; folded lines stay in the value.
public struct MilterHeader: Hashable, Sendable {
    public var name: String
    public var value: [UInt8]
    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }
}

/// Everything the session collected for one message, handed over at the end of its body.
public struct MilterMessage: Hashable, Sendable {
    /// The SMTP client this message came from.
    public var connection: MilterConnection
    /// The MAIL FROM arguments: the address first, then ESMTP parameters; `nil` when the MTA did not send them.
    public var sender: [String]?
    /// The RCPT TO arguments of each recipient kept (see ``recipientsTruncated``).
    public var recipients: [[String]]
    /// Every recipient the MTA announced, kept or not.
    public var recipientCount: Int
    /// More recipients came than `milter.maxRecipients`.
    public var recipientsTruncated: Bool
    /// Macros by the command byte of the stage they were sent for (`C`, `H`, `M`, `R`, `T`, `N`, `E`...), the
    /// connection's stages included; a later macro command for the same stage replaces the earlier one.
    public var macrosByStage: [UInt8: [MilterMacro]]
    /// The headers kept, in order.
    public var headers: [MilterHeader]
    /// More header bytes came than `milter.maxHeaderBytes`; the rest were dropped.
    public var headersTruncated: Bool
    /// The body bytes kept in memory (CRLF line ends as the MTA sends them): the whole body kept, or, when the
    /// body was spooled, the part after the first ``spooledBodyByteCount`` bytes.
    public var body: [UInt8]
    /// How many body bytes went to the caller's spool (``MilterSessionAction/spool(_:)``) before ``body``.
    public var spooledBodyByteCount: Int
    /// Every body byte the MTA sent, kept or not.
    public var bodyByteCount: Int
    /// More body bytes came than `milter.maxBodyBytes` (or the filter asked the MTA to skip the rest).
    public var bodyTruncated: Bool
    /// Whether header values keep their leading space (`SMFIP_HDR_LEADSPC` negotiated).
    public var headerValuesKeepLeadingSpace: Bool

    public init(connection: MilterConnection = MilterConnection(), headerValuesKeepLeadingSpace: Bool = false) {
        self.connection = connection
        self.sender = nil
        self.recipients = []
        self.recipientCount = 0
        self.recipientsTruncated = false
        self.macrosByStage = [:]
        self.headers = []
        self.headersTruncated = false
        self.body = []
        self.spooledBodyByteCount = 0
        self.bodyByteCount = 0
        self.bodyTruncated = false
        self.headerValuesKeepLeadingSpace = headerValuesKeepLeadingSpace
    }

    /// The order in which stages are searched by ``macro(_:)``: the latest stage first.
    static let stageSearchOrder: [UInt8] = Array("EBNLTRMHC".utf8)

    /// The value of macro `name` (`"i"` and `"{i}"` are the same), from the latest stage that sent it.
    public func macro(_ name: String) -> String? {
        let bare = MilterMessage.bareName(name)
        let stages =
            MilterMessage.stageSearchOrder
            + macrosByStage.keys.filter {
                !MilterMessage.stageSearchOrder.contains($0)
            }.sorted()
        for stage in stages {
            guard let list = macrosByStage[stage] else { continue }
            if let hit = list.last(where: { MilterMessage.bareName($0.name) == bare }) { return hit.value }
        }
        return nil
    }

    static func bareName(_ name: String) -> Substring {
        if name.hasPrefix("{"), name.hasSuffix("}"), name.count >= 2 { return name.dropFirst().dropLast() }
        return Substring(name)
    }

    /// The Postfix queue ID (`{i}`), for logs.
    public var queueID: String? { macro("i") }
    /// The SASL login of the sender (`{auth_authen}`), set when the client authenticated.
    public var authenticatedUser: String? { macro("auth_authen") }
    /// The client IP: `{client_addr}` or else the connect command's address.
    public var clientAddress: String? { macro("client_addr") ?? connection.address }

    /// The headers kept as RFC 5322 text (each CRLF-terminated) and the empty line after them.
    public var headerBlock: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.count + 4 } + 2)
        for header in headers {
            out.append(contentsOf: header.name.utf8)
            out.append(UInt8(ascii: ":"))
            if !headerValuesKeepLeadingSpace { out.append(UInt8(ascii: " ")) }
            out.append(contentsOf: header.value)
            out.append(contentsOf: [0x0D, 0x0A])
        }
        out.append(contentsOf: [0x0D, 0x0A])
        return out
    }

    /// The message as RFC 5322 bytes: the header block and the body kept in memory (with a spooled body, the
    /// caller puts the spool between them).
    public var rfc822: [UInt8] {
        var out = headerBlock
        out.append(contentsOf: body)
        return out
    }
}
