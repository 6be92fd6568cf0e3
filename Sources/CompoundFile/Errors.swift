/// An error thrown by the CompoundFile module when the input is not a compound file at all, its header is
/// unusable, or a request cannot be served (reading a storage as a stream, a malformed OLE object).
///
/// Everything that can be recovered from while parsing becomes a ``CFBAnomaly`` instead; `CFBError` is for the
/// cases where there is nothing left to return. Equality and hashing consider the ``code`` only, so tests can write
/// `#expect(throws: CFBError.notCFB)` style checks while the description keeps the details.
public struct CFBError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input does not start with the compound file signature `D0 CF 11 E0 A1 B1 1A E1`.
        public static let notCFB = Code("not-cfb")
        /// The input ends inside the 512-byte header, or inside a structure that has to be read whole.
        public static let truncated = Code("truncated")
        /// A header field makes the file unreadable.
        public static let badHeader = Code("bad-header")
        /// The sector shift is outside 7...16: no sector size can be derived from it.
        public static let badSectorSize = Code("bad-sector-size")
        /// A storage (or an empty or unknown entry) was asked for its stream content.
        public static let notAStream = Code("not-a-stream")
        /// An OLE 1.0 object or `\u{1}Ole10Native` stream is malformed beyond recovery.
        public static let badOLEObject = Code("bad-ole-object")
    }

    public let code: Code
    /// Where in the input it happened, when known.
    public let offset: Int?
    public let reason: String
    public let file: String
    public let line: UInt

    public init(_ code: Code, _ reason: String, offset: Int? = nil, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.file = file
        self.line = line
    }

    public var description: String {
        let at = offset.map { " at offset \($0)" } ?? ""
        return "CFBError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: CFBError, rhs: CFBError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notCFB = CFBError(.notCFB, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let truncated = CFBError(.truncated, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badHeader = CFBError(.badHeader, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badSectorSize = CFBError(.badSectorSize, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notAStream = CFBError(.notAStream, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badOLEObject = CFBError(.badOLEObject, "")
}
