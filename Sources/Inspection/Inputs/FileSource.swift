import ByteCursor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reading an input (not a finding about content): the scan of that input reports it and exits 2.
public struct InputError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

private func sysRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// Reads a file descriptor in chunks.
struct FileSource: ~Copyable {
    let fd: Int32
    let path: String
    let ownsDescriptor: Bool
    static let chunkSize = 4 << 20

    init(path: String) throws(InputError) {
        if path == "-" {
            self.fd = 0
            self.ownsDescriptor = false
        } else {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw InputError(path: path, reason: String(cString: strerror(errno))) }
            self.fd = fd
            self.ownsDescriptor = true
        }
        self.path = path
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// The next chunk; empty at the end of the file.
    func read(max: Int = FileSource.chunkSize) throws(InputError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        var filled = 0
        while filled < max {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return sysRead(fd, base + filled, max - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            filled += n
        }
        // A short read (a small file, the end of a large one) is copied out: trimming with removeSubrange would keep
        // the whole chunk's capacity alive for as long as the job holds the bytes (64 small files pinned 256 MB).
        if filled < max / 2 { return Array(buffer[0..<filled]) }
        buffer.removeSubrange(filled...)
        return buffer
    }

    /// The size of a regular file, or nil (pipes, stdin).
    var size: Int? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }
}

/// What a path on disk is.
enum PathKind {
    case file, directory, maildir, other, missing

    static func of(_ path: String) -> PathKind {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR:
            return isDirectory(path + "/cur") && isDirectory(path + "/new") ? .maildir : .directory
        default: return .other
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Lists a directory's entries (names only), sorted, without following symbolic links.
func listDirectory(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name == "." || name == ".." { continue }
        names.append(name)
    }
    return names.sorted()
}
