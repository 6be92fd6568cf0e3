import ByteCursor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the triage folder on this machine: listings, timestamps and file heads, never following a symbolic link.
///
/// A collection copied from a Windows machine may hold links (junctions such as `Users/Default User` become
/// symbolic links when a volume is mounted on Linux); following one could leave the collection or loop, so links
/// are skipped everywhere, and files are opened with `O_NOFOLLOW`.
enum LocalFiles {
    enum Kind: Sendable { case file, directory, symlink, other }

    /// One directory entry with what `lstat` says of it.
    struct Entry: Sendable {
        var name: String
        var kind: Kind
        var size: Int64
        var lastWritten: FileTime
    }

    /// What `lstat` says of `path`; nil when it does not exist.
    static func info(_ path: String) -> Entry? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        let name = String(path.split(separator: "/").last ?? "")
        return entry(name: name, st)
    }

    static func entry(name: String, _ st: stat) -> Entry {
        let kind: Kind
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        #if canImport(Darwin)
        let sec = Int64(st.st_mtimespec.tv_sec)
        let nsec = Int64(st.st_mtimespec.tv_nsec)
        #else
        let sec = Int64(st.st_mtim.tv_sec)
        let nsec = Int64(st.st_mtim.tv_nsec)
        #endif
        return Entry(
            name: name, kind: kind, size: Int64(st.st_size),
            lastWritten: FileTimes.fileTime(unixSeconds: sec, nanoseconds: nsec) ?? 0)
    }

    static func isDirectory(_ path: String) -> Bool { info(path)?.kind == .directory }
    static func isFile(_ path: String) -> Bool { info(path)?.kind == .file }

    /// The entries of a directory (not `.` and `..`), at most `limit.maximum` of them, in no particular order.
    /// Memory holds the entries kept and nothing else, however large the directory.
    static func list(_ path: String, limit: Limit) -> (entries: [Entry], truncated: Bool) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return ([], false) }
        guard let dir = fdopendir(fd) else {
            close(fd)
            return ([], false)
        }
        defer { closedir(dir) }
        var out: [Entry] = []
        var truncated = false
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            guard limit.allows(out.count + 1) else {
                truncated = true
                break
            }
            var st = stat()
            guard fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            out.append(entry(name: name, st))
        }
        return (out, truncated)
    }

    /// Calls `body` with the name and kind of every entry of a directory, without keeping them.
    static func forEachEntry(_ path: String, _ body: (String, Kind) -> Bool) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        guard let dir = fdopendir(fd) else {
            close(fd)
            return
        }
        defer { closedir(dir) }
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            var kind: Kind
            switch Int32(ent.pointee.d_type) {
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_REG): kind = .file
            case Int32(DT_LNK): kind = .symlink
            case Int32(DT_UNKNOWN):
                var st = stat()
                guard fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                kind = entry(name: name, st).kind
            default: kind = .other
            }
            if !body(name, kind) { return }
        }
    }

    /// The path of the entry of `dir` named `name`, compared case-insensitively as Windows does; links are never
    /// returned. The exact name is tried first, so that a lookup in a large folder rarely lists it.
    static func child(_ dir: String, _ name: String, kind: Kind? = nil) -> String? {
        let exact = dir + "/" + name
        if let e = info(exact), e.kind != .symlink, kind == nil || e.kind == kind { return exact }
        let lower = name.lowercased()
        var found: String?
        forEachEntry(dir) { n, k in
            if n.lowercased() == lower, k != .symlink, kind == nil || k == kind {
                found = dir + "/" + n
                return false
            }
            return true
        }
        return found
    }

    /// Follows `components` down from `dir`, each matched case-insensitively.
    static func resolve(_ dir: String, _ components: [String], kind: Kind? = nil) -> String? {
        var here = dir
        for (i, c) in components.enumerated() {
            let last = i == components.count - 1
            guard let next = child(here, c, kind: last ? kind : .directory) else { return nil }
            here = next
        }
        return here
    }

    /// The first `count` bytes of a regular file (fewer if it is shorter); nil when it cannot be opened.
    static func head(_ path: String, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(0, count))
        var filled = 0
        while filled < buffer.count {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(fd, base + filled, raw.count - filled)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        return Array(buffer[0..<filled])
    }

    /// `count` bytes at `offset` of a file (fewer at its end); nil when it cannot be opened.
    static func readRange(_ path: String, offset: Int, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0, offset >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(0, count))
        var filled = 0
        while filled < buffer.count {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(fd, base + filled, raw.count - filled, off_t(offset + filled))
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        return Array(buffer[0..<filled])
    }

    /// A whole regular file, refused above `limit` bytes.
    static func readAll(_ path: String, limit: Limit) throws(HostCheckError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw HostCheckError(errno == ENOENT || errno == ELOOP ? .notFound : .unreadable, reason, path: path)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw HostCheckError(.unreadable, "not a regular file", path: path)
        }
        let size = Int(st.st_size)
        guard limit.allows(size) else { throw HostCheckError.limitExceeded(limit, value: size, path: path) }
        var buffer = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(fd, base + filled, raw.count - filled)
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw HostCheckError(.unreadable, String(cString: strerror(errno)), path: path) }
            if n == 0 { break }
            filled += n
        }
        if filled < size { buffer.removeSubrange(filled...) }
        return buffer
    }

    /// Reads a file in chunks of `chunk` bytes, handing each to `body`; the file is never held whole.
    static func stream(_ path: String, chunk: Int = 4 << 20, _ body: (ArraySlice<UInt8>) -> Void) throws(HostCheckError) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw HostCheckError(.unreadable, String(cString: strerror(errno)), path: path) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(1, chunk))
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(fd, base, raw.count)
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw HostCheckError(.unreadable, String(cString: strerror(errno)), path: path) }
            if n == 0 { break }
            body(buffer[0..<n])
        }
    }
}
