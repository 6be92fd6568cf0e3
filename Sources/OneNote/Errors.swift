/// An error thrown by the OneNote module when the input is not a OneNote section or a cabinet at all, or a
/// cabinet file cannot be extracted.
///
/// Everything that can be recovered from while parsing (broken fragments, loops, unresolved names, cut blobs,
/// bad checksums) becomes a ``OneNoteAnomaly`` instead; `OneNoteError` is for the cases where there is nothing left
/// to return. Equality and hashing consider the ``code`` only, so tests can write
/// `#expect(throws: OneNoteError.notOneNote)` style checks while the description keeps the details.
public struct OneNoteError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input does not start with the `.one` or `.onetoc2` file type GUID.
        public static let notOneNote = Code("not-onenote")
        /// The input ends inside a header that has to be read whole (the 1,024-byte OneNote header, CFHEADER).
        public static let truncated = Code("truncated")
        /// The input does not start with the cabinet signature `MSCF`.
        public static let notCabinet = Code("not-cabinet")
        /// A cabinet header field makes the cabinet unreadable (the file table outside the input).
        public static let badCabinet = Code("bad-cabinet")
        /// The folder is compressed with Quantum or LZX (recognised, not implemented) or an unknown method.
        public static let unsupportedCompression = Code("unsupported-compression")
        /// A file's data cannot be read: its folder does not exist or continues in another cabinet, its blocks
        /// are missing, or its MSZIP data does not inflate.
        public static let corruptData = Code("corrupt-data")
        /// Extracting the file would pass ``OneNoteLimits/maxExtractBytes``.
        public static let limitExceeded = Code("limit-exceeded")
        /// zlib failed for a reason unrelated to the input.
        public static let internalFailure = Code("internal-failure")
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
        return "OneNoteError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: OneNoteError, rhs: OneNoteError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notOneNote = OneNoteError(.notOneNote, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let truncated = OneNoteError(.truncated, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notCabinet = OneNoteError(.notCabinet, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let badCabinet = OneNoteError(.badCabinet, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let unsupportedCompression = OneNoteError(.unsupportedCompression, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let corruptData = OneNoteError(.corruptData, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let limitExceeded = OneNoteError(.limitExceeded, "")
}
