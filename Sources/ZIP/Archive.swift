import ByteCursor

/// A parsed ZIP archive: its entries as the central directory lists them, entries hidden from it, and every
/// structural anomaly met on the way.
///
/// ```
///  [prefix?][local header 1][data 1][descriptor?] ... [central directory][ZIP64 end + locator?][end record][comment]
/// ```
/// Parsing reads the end record (searched back from the end), the ZIP64 records, the central directory and every
/// local header it points to, and scans the whole input once for local headers the directory does not list.
/// When there is no usable central directory the local headers found by the scan are the entries.
/// Nothing is decompressed until ``extract(_:password:limits:)``.
public struct ZIPArchive: Sendable {
    /// The entries: central directory order first, then hidden local entries in file order.
    public var entries: [ZIPEntry]
    /// What was wrong or suspicious, in the order it was found.
    public var anomalies: [ZIPAnomaly]
    /// The archive comment (from the end record).
    public var comment: String
    /// Whether ZIP64 records or fields were used.
    public var isZIP64: Bool
    /// Where the end of central directory record used starts, if one was found.
    public var endRecordOffset: Int?
    /// Where the central directory starts, if one was found.
    public var centralDirectoryOffset: Int?
    /// Whether any entry is encrypted.
    public var isEncrypted: Bool { entries.contains { $0.isEncrypted } }

    /// The input, kept (not copied) for extraction.
    let input: ByteCursor

    /// Parses `bytes` as a ZIP archive.
    ///
    /// - Throws: ``ZIPError`` `.notZIP` only when neither an end record nor a local header is found; everything
    ///   else that is wrong is recorded in ``anomalies``.
    public init(parsing bytes: ArraySlice<UInt8>, limits: ZIPLimits = .default) throws {
        var parser = ArchiveParser(bytes, limits: limits)
        try parser.parse()
        entries = parser.entries
        anomalies = parser.anomalies
        comment = parser.comment
        isZIP64 = parser.isZIP64
        endRecordOffset = parser.endRecordOffset
        centralDirectoryOffset = parser.centralDirectoryStart
        input = parser.input
    }

    /// Parses `bytes` as a ZIP archive.
    public init(parsing bytes: [UInt8], limits: ZIPLimits = .default) throws {
        try self.init(parsing: bytes[...], limits: limits)
    }

    /// The anomalies with `code`.
    public func anomalies(_ code: ZIPAnomaly.Code) -> [ZIPAnomaly] {
        anomalies.filter { $0.code == code }
    }
}
