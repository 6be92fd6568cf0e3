import ByteCursor

/// The anomaly and error codes of the Excel 4.0 macro extractor.
///
/// ``XLMWorkbook/anomalies`` are strings `"code: detail"` whose code is one of these (or one of the shared codes
/// such as ``OfficeMacrosError/Code/truncated`` and ``OfficeMacrosError/Code/limitExceeded``).
extension OfficeMacrosError.Code {
    /// A BIFF record (BIFF5, BIFF8, BIFF12) that cannot be right: a length past the end of its record, a field
    /// out of range.
    public static let corruptBIFF = Self("corrupt-biff")
    /// A parsed formula (rgce) that cannot be decoded: an unknown token, an operand missing, bytes left over.
    public static let corruptFormula = Self("corrupt-formula")
    /// The stream is encrypted (`FILEPASS`): decrypt it and extract again.
    public static let encrypted = Self("encrypted")
    /// An XML part (`xl/workbook.xml`, a macro sheet) that is not well-formed.
    public static let corruptXML = Self("corrupt-xml")
    /// A SYLK record that cannot be parsed.
    public static let corruptSYLK = Self("corrupt-sylk")
    /// Two descriptions of one thing disagree (a BOUNDSHEET that calls a sheet a macro sheet whose BOF says
    /// otherwise, a sheet part that no relationship names).
    public static let inconsistent = Self("inconsistent")
    /// Too many anomalies; the rest were dropped.
    public static let tooManyAnomalies = Self("too-many-anomalies")
}

extension OfficeMacrosError {
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let corruptBIFF = OfficeMacrosError(.corruptBIFF, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let encrypted = OfficeMacrosError(.encrypted, "")
}

/// Collects anomalies for one workbook, at most ``XLMLimits/maxAnomalies`` of them.
struct XLMAnomalies {
    private(set) var list: [String] = []
    private let limit: Limit
    private var dropped = false

    init(limit: Limit) { self.limit = limit }

    /// Records `"code: detail"` (with the offset when known), unless the limit was reached.
    mutating func add(_ code: OfficeMacrosError.Code, _ detail: String, offset: Int? = nil) {
        guard list.count < max(0, limit.maximum) else {
            if !dropped {
                dropped = true
                list.append(
                    "\(OfficeMacrosError.Code.tooManyAnomalies.rawValue): \(limit.name): more than \(limit.maximum)"
                )
            }
            return
        }
        let at = offset.map { " at offset \($0)" } ?? ""
        list.append("\(code.rawValue): \(detail)\(at)")
    }

    /// Records a `limit-exceeded` anomaly for `limit`.
    mutating func limitExceeded(_ limit: Limit, _ what: String, offset: Int? = nil) {
        add(.limitExceeded, "\(limit.name): \(what) exceeds \(limit.maximum)", offset: offset)
    }
}
