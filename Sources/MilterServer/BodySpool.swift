#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A message body kept on disk while it arrives: a private temporary file (mode 0600, unlinked at once so that
/// nothing is left behind, even after a crash), written in the order the chunks come and read back once.
public final class BodySpool: @unchecked Sendable {
    // @unchecked: the descriptor is used by one connection at a time (written on its event loop while the body
    // arrives, read on a pool thread after the end of body, closed afterwards), never concurrently.
    private var fd: Int32
    public private(set) var byteCount = 0

    /// Creates the file in `directory`.
    ///
    /// - Throws: ``MilterServerError`` `.spool` when the file cannot be made.
    public init(directory: String) throws {
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
        template.append(contentsOf: "emoguard-body.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw MilterServerError(.spool, "cannot create a spool file in \(directory): errno \(errno)") }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        unlink(path)
        fchmod(fd, 0o600)
        self.fd = fd
    }

    deinit { discard() }

    /// Appends `bytes`.
    public func append(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(fd, base + offset, raw.count - offset)
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw MilterServerError(.spool, "cannot write the spool file: errno \(errno)") }
            offset += n
        }
        byteCount += bytes.count
    }

    /// Reads every byte written, appending them to `out`.
    public func readAll(into out: inout [UInt8]) throws {
        out.reserveCapacity(out.count + byteCount)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while Int(offset) < byteCount {
            let n = chunk.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(fd, base, min(raw.count, byteCount - Int(offset)), offset)
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw MilterServerError(.spool, "cannot read the spool file back: errno \(errno)") }
            out.append(contentsOf: chunk[..<n])
            offset += off_t(n)
        }
    }

    /// Closes (and so deletes) the file.
    public func discard() {
        if fd >= 0 {
            _ = close(fd)
            fd = -1
        }
    }
}
