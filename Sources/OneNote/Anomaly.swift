import ByteCursor

/// Something structurally wrong or suspicious in a OneNote section or a cabinet that the parser recovered from.
public struct OneNoteAnomaly: Sendable, Hashable, CustomStringConvertible {
    /// The kind of anomaly; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A header field that cannot be right (file format GUID, format versions, expected length).
        public static let badHeader = Code("bad-header")
        /// A file node list fragment without its magic or footer, or whose nodes overrun it.
        public static let badFragment = Code("bad-fragment")
        /// A file node with an unknown id, a size that disagrees with its content, or a reference format that
        /// cannot be read.
        public static let badFileNode = Code("bad-file-node")
        /// A reference (file chunk reference, file node chunk reference) points outside the input.
        public static let referenceOutOfRange = Code("reference-out-of-range")
        /// A file node list is reached twice (a loop or a shared list); it is walked once.
        public static let listLoop = Code("list-loop")
        /// An object's property set is malformed; its properties were not read.
        public static let badPropertySet = Code("bad-property-set")
        /// An embedded file or image node whose container cannot be tied to a file data store object.
        public static let unresolvedReference = Code("unresolved-reference")
        /// A file data store object found by the signature scan that no file node references: hidden data.
        public static let unreferencedBlob = Code("unreferenced-blob")
        /// A file data store object whose length runs past the end of the input; the bytes present are kept.
        public static let truncatedBlob = Code("truncated-blob")
        /// A file data store object without its footer GUID after the data.
        public static let missingFooter = Code("missing-footer")
        /// The section is password-protected: its objects are encrypted and cannot be read.
        public static let encrypted = Code("encrypted")
        /// A cabinet data block whose checksum does not match.
        public static let badChecksum = Code("bad-checksum")
        /// A cabinet folder compressed with Quantum, LZX or an unknown method: its files are listed, not extracted.
        public static let unsupportedCompression = Code("unsupported-compression")
        /// A cabinet folder declares more data blocks than the input holds.
        public static let truncatedFolder = Code("truncated-folder")
        /// The cabinet's file table declares more files than the input holds.
        public static let truncatedFileTable = Code("truncated-file-table")
        /// A cabinet file outside its folder's data, in a folder that does not exist, or spanning cabinets.
        public static let badFileEntry = Code("bad-file-entry")
        /// The cabinet is part of a set (previous or next cabinet named).
        public static let multiVolume = Code("multi-volume")
        /// A size field disagrees with the structure (cbCabinet, cbUncomp).
        public static let sizeMismatch = Code("size-mismatch")
        /// A named limit was reached; the rest was not read.
        public static let limitExceeded = Code("limit-exceeded")
        /// Too many anomalies of one code; the rest were dropped.
        public static let tooManyAnomalies = Code("too-many-anomalies")
    }

    public var code: Code
    /// Where in the input, if known.
    public var offset: Int?
    /// What exactly was found, for the report.
    public var detail: String

    public init(_ code: Code, offset: Int? = nil, detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        var s = code.rawValue
        if let offset { s += " at \(offset)" }
        return s + ": " + detail
    }
}

/// Anomalies with a cap per code.
typealias OneNoteAnomalyLog = CappedAnomalyLog<OneNoteAnomaly>

extension CappedAnomalyLog where Anomaly == OneNoteAnomaly {
    init(cap: Limit) {
        self.init(limit: cap.maximum) { code, _ in
            OneNoteAnomaly(.tooManyAnomalies, detail: "\(cap.name): more than \(cap.maximum) \(code) anomalies")
        }
    }
}

extension OneNoteAnomaly: CappedAnomaly {}
