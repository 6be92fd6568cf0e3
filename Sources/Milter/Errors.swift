/// An error thrown by the Milter module when a frame or a command from the MTA cannot be accepted.
///
/// The connection that produced it should be closed: after a framing error the byte stream cannot be resynchronised.
/// Equality and hashing consider the ``code`` only, so tests can write `#expect(throws: MilterError.emptyFrame)`
/// style checks while the description keeps the details.
public struct MilterError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A frame's length field is above `milter.maxFrameBytes`.
        public static let frameTooLarge = Code("frame-too-large")
        /// A frame's length field is zero (there is not even a command byte).
        public static let emptyFrame = Code("empty-frame")
        /// The stream ended inside a frame.
        public static let truncatedFrame = Code("truncated-frame")
        /// A command's data does not have the shape its command byte requires (missing NUL, short integers,
        /// trailing bytes).
        public static let malformedCommand = Code("malformed-command")
        /// The command byte is not one the MTA may send.
        public static let unknownCommand = Code("unknown-command")
        /// The command is valid but not allowed in the session's current stage.
        public static let unexpectedCommand = Code("unexpected-command")
        /// The MTA offered a protocol version older than 2.
        public static let unsupportedVersion = Code("unsupported-version")
    }

    public let code: Code
    /// The command byte involved, when known.
    public let command: UInt8?
    public let reason: String
    public let file: String
    public let line: UInt

    public init(_ code: Code, _ reason: String, command: UInt8? = nil, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.command = command
        self.file = file
        self.line = line
    }

    public var description: String {
        let cmd = command.map { " (command \(MilterFrame.printable($0)))" } ?? ""
        return "MilterError.\(code): \(reason)\(cmd)"
    }

    public static func == (lhs: MilterError, rhs: MilterError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let frameTooLarge = MilterError(.frameTooLarge, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let emptyFrame = MilterError(.emptyFrame, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let malformedCommand = MilterError(.malformedCommand, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let unknownCommand = MilterError(.unknownCommand, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let unexpectedCommand = MilterError(.unexpectedCommand, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let unsupportedVersion = MilterError(.unsupportedVersion, "")
}
