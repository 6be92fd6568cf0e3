/// An error thrown by the DiskImage module when an input cannot be read at all or an entry cannot be read.
///
/// Everything that can be recovered from while parsing becomes a ``DiskImageAnomaly`` instead; `DiskImageError`
/// is for the cases where there is nothing left to return. Equality and hashing consider the ``code`` only, so
/// tests can write `#expect(throws: DiskImageError.notADiskImage)` while the description keeps the details.
public struct DiskImageError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No ISO 9660, UDF, FAT, MBR/GPT or VHD structure was found.
        public static let notADiskImage = Code("not-a-disk-image")
        /// The structure that identifies the image is cut short or broken beyond use.
        public static let malformed = Code("malformed")
        /// The entry was not listed by this image (it comes from another image, or was changed).
        public static let noSuchEntry = Code("no-such-entry")
        /// The entry is a directory, or its data could not be located when the image was listed.
        public static let notReadable = Code("not-readable")
        /// A named limit was exceeded and nothing useful could be returned.
        public static let limitExceeded = Code("limit-exceeded")
        /// The input is not a gzip stream (wrong magic or method).
        public static let notGzip = Code("not-gzip")
        /// The compressed stream is not valid deflate.
        public static let corruptData = Code("corrupt-data")
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
        return "DiskImageError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: DiskImageError, rhs: DiskImageError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notADiskImage = DiskImageError(.notADiskImage, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let malformed = DiskImageError(.malformed, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let noSuchEntry = DiskImageError(.noSuchEntry, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notReadable = DiskImageError(.notReadable, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let notGzip = DiskImageError(.notGzip, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let corruptData = DiskImageError(.corruptData, "")
}
