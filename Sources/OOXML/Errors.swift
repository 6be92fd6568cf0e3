import ByteCursor

/// An error thrown by the OOXML module: malformed XML, an exceeded limit, or a package that cannot be described.
///
/// Equality and hashing consider the ``code`` only, so tests can write `#expect(throws: OOXMLError.malformedXML)`
/// style checks while the description keeps the details.
public struct OOXMLError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; its raw value is stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The bytes are not well-formed XML (a stray `<`, a missing `=`, text outside the root element...).
        public static let malformedXML = Code("malformed-xml")
        /// The input ended inside a tag, comment, CDATA section or an open element.
        public static let truncatedXML = Code("truncated-xml")
        /// The document has no root element.
        public static let noRootElement = Code("no-root-element")
        /// An end tag does not match the element it closes.
        public static let mismatchedTag = Code("mismatched-tag")
        /// An element carries the same attribute twice.
        public static let duplicateAttribute = Code("duplicate-attribute")
        /// An entity reference other than the five predefined ones (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`).
        ///
        /// Entities declared in a DOCTYPE are never expanded, so entity expansion attacks (billion laughs, XXE)
        /// end here.
        public static let undefinedEntity = Code("undefined-entity")
        /// A numeric character reference names no XML character (`&#0;`, a surrogate, beyond U+10FFFF).
        public static let invalidCharacterReference = Code("invalid-character-reference")
        /// A named limit (``XMLLimits``, package limits) was exceeded.
        public static let limitExceeded = Code("limit-exceeded")
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
        return "OOXMLError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: OOXMLError, rhs: OOXMLError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// An error naming the `limit` that `value` exceeded.
    @inline(never)
    public static func limitExceeded(
        _ limit: Limit, value: Int, offset: Int? = nil, file: String = #fileID, line: UInt = #line
    ) -> OOXMLError {
        OOXMLError(
            .limitExceeded, "\(limit.name): \(value) exceeds \(limit.maximum)", offset: offset, file: file,
            line: line)
    }

    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let malformedXML = OOXMLError(.malformedXML, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let truncatedXML = OOXMLError(.truncatedXML, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let noRootElement = OOXMLError(.noRootElement, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let mismatchedTag = OOXMLError(.mismatchedTag, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let duplicateAttribute = OOXMLError(.duplicateAttribute, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let undefinedEntity = OOXMLError(.undefinedEntity, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let invalidCharacterReference = OOXMLError(.invalidCharacterReference, "")
    /// A bare value with `code` for `#expect(throws:)` comparisons.
    public static let limitExceeded = OOXMLError(.limitExceeded, "")
}

extension Limit {
    /// Throws ``OOXMLError`` `.limitExceeded` when `value` is above ``maximum``.
    func checkXML(_ value: Int, offset: Int? = nil) throws(OOXMLError) {
        if value > maximum { throw OOXMLError.limitExceeded(self, value: value, offset: offset) }
    }
}
