/// Hashes of an artifact's bytes, as lowercase hex: every digest the scan was asked for (all three by default).
public struct Hashes: Codable, Sendable, Hashable {
    public var md5: String?
    public var sha1: String?
    public var sha256: String?
}

/// A digest the report can carry for every artifact.
public enum DigestKind: String, CaseIterable, Sendable, Hashable {
    case md5, sha1, sha256
}

/// One node of the artifact tree in a report.
public struct ArtifactNode: Codable, Sendable {
    /// Path from the root, segments joined by `/`.
    public var path: String
    public var name: String?
    /// The type decided from content.
    public var type: ArtifactType
    /// The type the container declared, if any.
    public var declaredType: String?
    /// Bytes inspected (padding excluded).
    public var size: Int
    /// Size before zero padding was dropped, when some was.
    public var originalSize: Int?
    /// Bytes of zero padding dropped.
    public var paddingBytes: Int?
    public var truncated: Bool?
    /// Hashes of the inspected bytes (padding excluded when it was dropped).
    public var hashes: Hashes
    public var properties: [String: String]?
    public var children: [ArtifactNode]

    /// Every node in pre-order.
    public func walk() -> [ArtifactNode] {
        var out: [ArtifactNode] = []
        var stack = [self]
        while let n = stack.popLast() {
            out.append(n)
            stack.append(contentsOf: n.children.reversed())
        }
        return out
    }
}

/// The result of scanning one input: one file, or one message of an mbox or Maildir.
public struct ScanResult: Codable, Sendable {
    /// The file scanned (or `-` for standard input).
    public var input: String
    /// For mbox entries: the message's index (0-based), byte offset and line of its `From ` line.
    public var messageIndex: Int?
    public var messageOffset: Int?
    public var messageLine: Int?
    public var verdict: VerdictLevel
    public var score: Double
    /// Findings, worst first.
    public var findings: [Finding]
    /// The artifact tree.
    public var root: ArtifactNode
    /// Milliseconds spent.
    public var durationMilliseconds: Double
    /// An error that stopped the scan of this input (I/O), if any.
    public var error: String?

    /// The display label: the input plus the mbox position when there is one.
    public var label: String {
        guard let i = messageIndex else { return input }
        return "\(input)#\(i + 1)" + (messageLine.map { " (line \($0))" } ?? "")
    }
}
