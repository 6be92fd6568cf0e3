// Linux only (Glibc): the tool runs beside the MTA and the filter on the mail host.
import Glibc

/// Where the filter listens, in Postfix's `milter` address syntax: `inet:PORT@HOST`, `inet6:PORT@HOST` or
/// `unix:PATH` (`local:PATH`).
struct Endpoint: Sendable, CustomStringConvertible {
    enum Kind: Sendable { case inet, inet6, unix }
    let kind: Kind
    let host: String
    let port: UInt16
    let path: String
    let description: String

    init?(parsing spec: String) {
        description = spec
        if let path = Endpoint.value(of: spec, after: ["unix:", "local:"]) {
            guard !path.isEmpty, path.utf8.count < 108 else { return nil }
            (kind, host, port, self.path) = (.unix, "", 0, path)
            return
        }
        let inet6 = spec.hasPrefix("inet6:")
        guard let rest = Endpoint.value(of: spec, after: ["inet:", "inet6:"]) else { return nil }
        let parts = rest.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let portText = parts.first, let port = UInt16(portText), port > 0 else { return nil }
        let host = parts.count == 2 ? String(parts[1]) : (inet6 ? "::1" : "127.0.0.1")
        guard !host.isEmpty else { return nil }
        (kind, self.host, self.port, path) = (inet6 ? .inet6 : .inet, host, port, "")
    }

    private static func value(of spec: String, after prefixes: [String]) -> String? {
        for prefix in prefixes where spec.hasPrefix(prefix) { return String(spec.dropFirst(prefix.count)) }
        return nil
    }

    /// The socket address, resolved once (`getaddrinfo` for a host name).
    func resolve() throws -> SocketAddress {
        switch kind {
        case .unix:
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
            }
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            return SocketAddress(family: AF_UNIX, bytes: bytes)
        case .inet, .inet6:
            var hints = addrinfo()
            hints.ai_family = kind == .inet6 ? AF_INET6 : AF_INET
            hints.ai_socktype = socketStream
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &list)
            defer { if let list { freeaddrinfo(list) } }
            guard status == 0, let first = list, let address = first.pointee.ai_addr else {
                throw SocketError.system("getaddrinfo \(host)", status)
            }
            let bytes = Array(UnsafeRawBufferPointer(start: address, count: Int(first.pointee.ai_addrlen)))
            return SocketAddress(family: first.pointee.ai_family, bytes: bytes)
        }
    }
}

let socketStream = Int32(SOCK_STREAM.rawValue)

/// A resolved socket address, kept as bytes so it can be shared between threads.
struct SocketAddress: Sendable {
    let family: Int32
    let bytes: [UInt8]
}

/// What a socket operation can end in.
enum SocketError: Error, CustomStringConvertible, Equatable {
    /// No byte came (or could be sent) within the timeout.
    case timeout
    /// The peer closed the connection (end of stream).
    case closed
    /// The peer reset the connection, or it broke while sending.
    case reset
    /// The connection was refused (nobody listens).
    case refused
    /// Any other failure: the call and its `errno`.
    case system(String, Int32)

    var description: String {
        switch self {
        case .timeout: "timed out"
        case .closed: "connection closed by the filter"
        case .reset: "connection reset by the filter"
        case .refused: "connection refused"
        case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
        }
    }

    static func fromErrno(_ call: String) -> SocketError {
        switch errno {
        case EAGAIN, EWOULDBLOCK, ETIMEDOUT: .timeout
        case ECONNRESET, EPIPE: .reset
        case ECONNREFUSED, ENOENT: .refused
        default: .system(call, errno)
        }
    }
}

/// A blocking stream socket with send and receive timeouts. Not shared between threads.
final class StreamSocket {
    private(set) var descriptor: Int32

    /// Connects to `address`, waiting at most `timeout` seconds; TCP sockets get `TCP_NODELAY`.
    init(connecting address: SocketAddress, timeout: Double) throws {
        let fd = socket(address.family, socketStream, 0)
        guard fd >= 0 else { throw SocketError.fromErrno("socket") }
        descriptor = fd
        if address.family != AF_UNIX {
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        // A non-blocking connect, so a full listen queue costs `timeout`, not the kernel's SYN retries.
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let result = address.bytes.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return -1 }
            return connect(fd, base.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if result != 0 {
            guard errno == EINPROGRESS || errno == EAGAIN else {
                let error = SocketError.fromErrno("connect")
                close()
                throw error
            }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, timeout * 1000)))
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
            if ready <= 0 || failure != 0 {
                close()
                if ready == 0 { throw SocketError.timeout }
                errno = failure
                throw SocketError.fromErrno("connect")
            }
        }
        _ = fcntl(fd, F_SETFL, flags)
        setTimeout(timeout)
    }

    deinit { close() }

    /// Sets the send and receive timeouts.
    func setTimeout(_ seconds: Double) {
        let whole = max(0, seconds)
        var value = timeval(tv_sec: Int(whole), tv_usec: Int((whole - Double(Int(whole))) * 1_000_000))
        if value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1000 }
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends every byte.
    func send(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else { throw SocketError.closed }
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.send(descriptor, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw SocketError.fromErrno("send")
            }
            offset += sent
        }
    }

    /// Receives up to `maximum` bytes; throws `.closed` at the end of the stream.
    func receive(maximum: Int = 65_536) throws -> [UInt8] {
        guard descriptor >= 0 else { throw SocketError.closed }
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return recv(descriptor, base, raw.count, 0)
            }
            if count > 0 { return Array(buffer.prefix(count)) }
            if count == 0 { throw SocketError.closed }
            if errno == EINTR { continue }
            throw SocketError.fromErrno("recv")
        }
    }

    /// Closes with an RST instead of a FIN (`SO_LINGER` with a zero timeout).
    func reset() {
        guard descriptor >= 0 else { return }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }
}

/// Monotonic time in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Sleeps until the monotonic clock reaches `deadline` (nanoseconds).
func sleep(untilNanoseconds deadline: UInt64) {
    while true {
        let now = monotonicNanoseconds()
        guard now < deadline else { return }
        let wait = deadline - now
        var request = timespec(tv_sec: Int(wait / 1_000_000_000), tv_nsec: Int(wait % 1_000_000_000))
        _ = nanosleep(&request, nil)
    }
}
