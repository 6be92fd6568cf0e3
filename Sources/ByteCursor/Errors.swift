/// An error thrown by ``ByteCursor`` and ``Limit`` when untrusted input does not fit.
///
/// Equality and hashing consider the ``code`` only, so tests can write `#expect(throws: CursorError.truncated)`
/// style checks on the code while the description keeps the details.
public struct CursorError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error; stable across releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Fewer bytes remained than a field needed.
        public static let truncated = Code("truncated")
        /// An offset pointed outside the buffer.
        public static let outOfRange = Code("out-of-range")
        /// A length was negative or too large to represent.
        public static let invalidLength = Code("invalid-length")
        /// A named limit was exceeded.
        public static let limitExceeded = Code("limit-exceeded")
    }

    public let code: Code
    /// Where in the input it happened (relative to the cursor's origin), when known.
    public let offset: Int?
    public let reason: String
    public let file: String
    public let line: UInt

    public var description: String {
        let at = offset.map { " at offset \($0)" } ?? ""
        return "CursorError.\(code): \(reason)\(at)"
    }

    public static func == (lhs: CursorError, rhs: CursorError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    @inline(never)
    public static func truncated(needed: Int, offset: Int, file: String = #fileID, line: UInt = #line) -> CursorError {
        CursorError(code: .truncated, offset: offset, reason: "needed \(needed) more bytes", file: file, line: line)
    }

    @inline(never)
    public static func outOfRange(offset: Int, size: Int, file: String = #fileID, line: UInt = #line) -> CursorError {
        CursorError(
            code: .outOfRange, offset: offset, reason: "offset outside a buffer of \(size) bytes", file: file,
            line: line)
    }

    @inline(never)
    public static func invalidLength(_ length: Int, offset: Int, file: String = #fileID, line: UInt = #line)
        -> CursorError
    {
        CursorError(code: .invalidLength, offset: offset, reason: "invalid length \(length)", file: file, line: line)
    }

    @inline(never)
    public static func limitExceeded(
        _ limit: Limit, value: Int, offset: Int? = nil, file: String = #fileID, line: UInt = #line
    ) -> CursorError {
        CursorError(
            code: .limitExceeded, offset: offset, reason: "\(limit.name): \(value) exceeds \(limit.maximum)",
            file: file, line: line)
    }
}

/// A named upper bound on something untrusted input controls (size, depth, count, decompressed bytes).
///
/// Limits have names so that the finding which reports them can say which one was hit
/// (`"zip.maxEntries: 70000 exceeds 65536"`).
public struct Limit: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public var maximum: Int

    public init(_ name: String, _ maximum: Int) {
        self.name = name
        self.maximum = maximum
    }

    /// Throws ``CursorError`` `.limitExceeded` when `value` is above ``maximum``.
    @inlinable public func check(_ value: Int, offset: Int? = nil) throws {
        if value > maximum { throw CursorError.limitExceeded(self, value: value, offset: offset) }
    }

    /// Whether `value` is within the limit.
    @inlinable public func allows(_ value: Int) -> Bool { value <= maximum }

    public var description: String { "\(name)=\(maximum)" }
}
