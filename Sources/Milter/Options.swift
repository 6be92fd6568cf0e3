/// What the filter may do to a message (`SMFIF_*`), offered by the MTA and chosen by the filter during negotiation.
public struct MilterActions: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Add and insert headers (`SMFIF_ADDHDRS`).
    public static let addHeaders = MilterActions(rawValue: 0x0001)
    /// Replace the body (`SMFIF_CHGBODY`).
    public static let changeBody = MilterActions(rawValue: 0x0002)
    /// Add recipients (`SMFIF_ADDRCPT`).
    public static let addRecipients = MilterActions(rawValue: 0x0004)
    /// Remove recipients (`SMFIF_DELRCPT`).
    public static let deleteRecipients = MilterActions(rawValue: 0x0008)
    /// Change or delete headers (`SMFIF_CHGHDRS`).
    public static let changeHeaders = MilterActions(rawValue: 0x0010)
    /// Quarantine the message (`SMFIF_QUARANTINE`; Postfix: the hold queue).
    public static let quarantine = MilterActions(rawValue: 0x0020)
    /// Change the envelope sender (`SMFIF_CHGFROM`).
    public static let changeFrom = MilterActions(rawValue: 0x0040)
    /// Add recipients with ESMTP arguments (`SMFIF_ADDRCPT_PAR`).
    public static let addRecipientsWithArguments = MilterActions(rawValue: 0x0080)
    /// Tell the MTA which macros to send per stage (`SMFIF_SETSYMLIST`).
    public static let setMacroList = MilterActions(rawValue: 0x0100)
}

/// Which commands the MTA sends and which of them the filter answers (`SMFIP_*`).
public struct MilterProtocolFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let noConnect = MilterProtocolFlags(rawValue: 0x0000_0001)
    public static let noHelo = MilterProtocolFlags(rawValue: 0x0000_0002)
    public static let noMail = MilterProtocolFlags(rawValue: 0x0000_0004)
    public static let noRecipient = MilterProtocolFlags(rawValue: 0x0000_0008)
    public static let noBody = MilterProtocolFlags(rawValue: 0x0000_0010)
    public static let noHeaders = MilterProtocolFlags(rawValue: 0x0000_0020)
    public static let noEndOfHeaders = MilterProtocolFlags(rawValue: 0x0000_0040)
    /// No reply to header commands (`SMFIP_NR_HDR`).
    public static let noReplyHeader = MilterProtocolFlags(rawValue: 0x0000_0080)
    public static let noUnknown = MilterProtocolFlags(rawValue: 0x0000_0100)
    public static let noData = MilterProtocolFlags(rawValue: 0x0000_0200)
    /// The MTA understands the skip reply to body chunks (`SMFIP_SKIP`).
    public static let skip = MilterProtocolFlags(rawValue: 0x0000_0400)
    /// The MTA also sends rejected recipients (`SMFIP_RCPT_REJ`).
    public static let rejectedRecipients = MilterProtocolFlags(rawValue: 0x0000_0800)
    public static let noReplyConnect = MilterProtocolFlags(rawValue: 0x0000_1000)
    public static let noReplyHelo = MilterProtocolFlags(rawValue: 0x0000_2000)
    public static let noReplyMail = MilterProtocolFlags(rawValue: 0x0000_4000)
    public static let noReplyRecipient = MilterProtocolFlags(rawValue: 0x0000_8000)
    public static let noReplyData = MilterProtocolFlags(rawValue: 0x0001_0000)
    public static let noReplyUnknown = MilterProtocolFlags(rawValue: 0x0002_0000)
    public static let noReplyEndOfHeaders = MilterProtocolFlags(rawValue: 0x0004_0000)
    public static let noReplyBody = MilterProtocolFlags(rawValue: 0x0008_0000)
    /// Header values keep their leading space (`SMFIP_HDR_LEADSPC`).
    public static let headerLeadingSpace = MilterProtocolFlags(rawValue: 0x0010_0000)

    /// Every no-reply flag.
    public static let allNoReply: MilterProtocolFlags = [
        .noReplyHeader, .noReplyConnect, .noReplyHelo, .noReplyMail, .noReplyRecipient, .noReplyData,
        .noReplyUnknown, .noReplyEndOfHeaders, .noReplyBody,
    ]
}

/// The stage a requested macro list belongs to in the negotiation reply (`SMFIM_*`).
public enum MilterMacroStage: UInt32, Hashable, Sendable, CaseIterable {
    case connect = 0
    case helo = 1
    case mailFrom = 2
    case recipient = 3
    case data = 4
    case endOfMessage = 5
    case endOfHeaders = 6
}
