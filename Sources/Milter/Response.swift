/// A reply from the filter to the MTA (`SMFIR_*`), encoded with ``frame``.
public enum MilterResponse: Hashable, Sendable {
    /// `O`: the negotiated version, actions and protocol flags, then the macro lists the filter wants per stage
    /// (sent only when ``MilterActions/setMacroList`` is among the actions).
    case optionNegotiation(
        version: UInt32,
        actions: MilterActions,
        protocolFlags: MilterProtocolFlags,
        macros: [MilterMacroStage: [String]]
    )
    /// `c`: go on.
    case `continue`
    /// `a`: accept the message (or connection) without further filtering.
    case accept
    /// `r`: reject with the MTA's default 5xx text.
    case reject
    /// `t`: temporary failure with the MTA's default 4xx text.
    case tempfail
    /// `d`: accept and silently drop the message.
    case discard
    /// `y`: reject or tempfail with an explicit SMTP reply such as `550 5.7.1 text`; build with
    /// ``reply(code:extendedCode:text:)`` to have it checked.
    case replyCode(String)
    /// `h`: append a header.
    case addHeader(name: String, value: String)
    /// `i`: insert a header at `index` (0 = first).
    case insertHeader(index: UInt32, name: String, value: String)
    /// `m`: change the `index`-th (1-based) occurrence of header `name`; an empty value deletes it.
    case changeHeader(index: UInt32, name: String, value: String)
    /// `q`: quarantine (Postfix: hold queue) with a reason.
    case quarantine(reason: String)
    /// `p`: still working; resets the MTA's timeout.
    case progress
    /// `s`: skip the remaining body chunks.
    case skip

    /// The response byte (``MilterResponseCode``).
    public var code: UInt8 {
        switch self {
        case .optionNegotiation: MilterResponseCode.optionNegotiation
        case .continue: MilterResponseCode.`continue`
        case .accept: MilterResponseCode.accept
        case .reject: MilterResponseCode.reject
        case .tempfail: MilterResponseCode.tempfail
        case .discard: MilterResponseCode.discard
        case .replyCode: MilterResponseCode.replyCode
        case .addHeader: MilterResponseCode.addHeader
        case .insertHeader: MilterResponseCode.insertHeader
        case .changeHeader: MilterResponseCode.changeHeader
        case .quarantine: MilterResponseCode.quarantine
        case .progress: MilterResponseCode.progress
        case .skip: MilterResponseCode.skip
        }
    }

    /// The response as a frame. Strings have any NUL removed and are NUL-terminated.
    public var frame: MilterFrame {
        var data: [UInt8] = []
        switch self {
        case .optionNegotiation(let version, let actions, let flags, let macros):
            MilterFrame.appendUInt32(version, to: &data)
            MilterFrame.appendUInt32(actions.rawValue, to: &data)
            MilterFrame.appendUInt32(flags.rawValue, to: &data)
            if actions.contains(.setMacroList) {
                for stage in MilterMacroStage.allCases {
                    guard let names = macros[stage], !names.isEmpty else { continue }
                    MilterFrame.appendUInt32(stage.rawValue, to: &data)
                    MilterFrame.appendCString(names.joined(separator: " "), to: &data)
                }
            }
        case .continue, .accept, .reject, .tempfail, .discard, .progress, .skip:
            break
        case .replyCode(let text):
            MilterFrame.appendCString(text, to: &data)
        case .addHeader(let name, let value):
            MilterFrame.appendCString(name, to: &data)
            MilterFrame.appendCString(value, to: &data)
        case .insertHeader(let index, let name, let value), .changeHeader(let index, let name, let value):
            MilterFrame.appendUInt32(index, to: &data)
            MilterFrame.appendCString(name, to: &data)
            MilterFrame.appendCString(value, to: &data)
        case .quarantine(let reason):
            MilterFrame.appendCString(reason, to: &data)
        }
        return MilterFrame(command: code, data: data)
    }

    /// The response as it goes on the wire.
    public var bytes: [UInt8] { frame.bytes }

    /// A checked `y` reply: `code` must be 4xx or 5xx, `extendedCode` (if any) must match its class
    /// (`5.7.1` with 550), and the text must not contain NUL, CR or LF. A `%` is doubled, since the MTA treats the
    /// text as a format.
    ///
    /// - Returns: `nil` when a part is invalid.
    public static func reply(code: Int, extendedCode: String? = nil, text: String) -> MilterResponse? {
        guard (400...599).contains(code) else { return nil }
        var parts = [String(code)]
        if let extendedCode {
            let fields = extendedCode.split(separator: ".", omittingEmptySubsequences: false)
            guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) }),
                fields.allSatisfy({ $0.allSatisfy(\.isNumber) }), fields[0] == Substring(String(code / 100))
            else { return nil }
            parts.append(extendedCode)
        }
        guard !text.utf8.contains(where: { $0 == 0 || $0 == 0x0D || $0 == 0x0A }) else { return nil }
        if !text.isEmpty { parts.append(text.replacingOccurrences(of: "%", with: "%%")) }
        return .replyCode(parts.joined(separator: " "))
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// The response bytes a filter sends (`SMFIR_*`).
public enum MilterResponseCode {
    public static let optionNegotiation = UInt8(ascii: "O")
    public static let `continue` = UInt8(ascii: "c")
    public static let accept = UInt8(ascii: "a")
    public static let reject = UInt8(ascii: "r")
    public static let tempfail = UInt8(ascii: "t")
    public static let discard = UInt8(ascii: "d")
    public static let replyCode = UInt8(ascii: "y")
    public static let addHeader = UInt8(ascii: "h")
    public static let insertHeader = UInt8(ascii: "i")
    public static let changeHeader = UInt8(ascii: "m")
    public static let quarantine = UInt8(ascii: "q")
    public static let progress = UInt8(ascii: "p")
    public static let skip = UInt8(ascii: "s")
}
