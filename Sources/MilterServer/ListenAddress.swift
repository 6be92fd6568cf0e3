/// Where a milter listens, spelled as Sendmail and Postfix milters spell it: `inet:PORT@HOST`, `inet6:PORT@HOST`,
/// `inet:PORT` (loopback), or `unix:PATH` (also `local:PATH`).
public enum MilterListenAddress: Sendable, Hashable, CustomStringConvertible {
    case inet(host: String, port: Int)
    case unix(path: String)

    /// Parses a listen address.
    ///
    /// - Throws: ``MilterServerError`` `.badAddress`.
    public init(parsing text: String) throws {
        guard let colon = text.firstIndex(of: ":") else {
            throw MilterServerError(.badAddress, "'\(text)': expected inet:PORT@HOST or unix:PATH")
        }
        let scheme = text[..<colon].lowercased()
        let rest = String(text[text.index(after: colon)...])
        switch scheme {
        case "inet", "inet6":
            let parts = rest.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
            guard let port = Int(parts[0]), (0...65_535).contains(port) else {
                throw MilterServerError(.badAddress, "'\(text)': the port must be a number from 0 to 65535")
            }
            var host = parts.count > 1 ? String(parts[1]) : (scheme == "inet6" ? "::1" : "127.0.0.1")
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw MilterServerError(.badAddress, "'\(text)': empty host") }
            self = .inet(host: host, port: port)
        case "unix", "local":
            guard !rest.isEmpty, rest.utf8.count < 104 else {
                throw MilterServerError(.badAddress, "'\(text)': the socket path must be 1 to 103 bytes")
            }
            self = .unix(path: rest)
        default:
            throw MilterServerError(.badAddress, "'\(text)': unknown scheme '\(scheme)' (inet, inet6, unix)")
        }
    }

    public var description: String {
        switch self {
        case .inet(let host, let port): host.contains(":") ? "inet6:\(port)@\(host)" : "inet:\(port)@\(host)"
        case .unix(let path): "unix:\(path)"
        }
    }
}
