/// An error of the milter server (not of the protocol: those are ``Milter/MilterError``).
public struct MilterServerError: Error, Hashable, CustomStringConvertible, Sendable {
    /// A stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        /// The listen address is not `inet:PORT@HOST`, `inet6:PORT@HOST` or `unix:PATH`.
        public static let badAddress = Code("bad-address")
        /// The body spool file could not be made, written or read.
        public static let spool = Code("spool")
        /// The verdict log could not be opened or written.
        public static let verdictLog = Code("verdict-log")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
    public static func == (lhs: MilterServerError, rhs: MilterServerError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
