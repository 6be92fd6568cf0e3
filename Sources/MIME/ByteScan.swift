#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small byte helpers shared by the MIME parsers; all bounds are checked by the callers' loop conditions.
enum ByteScan {
    /// The index of the first `byte` in `p[from..<to]`, or `to`.
    @inline(__always)
    static func find(_ byte: UInt8, in p: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let base = p.baseAddress else { return to }
        guard let hit = memchr(base + from, Int32(byte), to - from) else { return to }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The end of the line content starting at `i` (the first CR or LF, or `n`) and the start of the next line.
    @inline(__always)
    static func line(_ p: UnsafeBufferPointer<UInt8>, from i: Int) -> (end: Int, next: Int) {
        let n = p.count
        var j = i
        // Lines are short in headers; a plain loop beats two memchr calls there.
        while j < n {
            let b = p[j]
            if b == 0x0A { return (j, j + 1) }
            if b == 0x0D { return (j, j + 1 < n && p[j + 1] == 0x0A ? j + 2 : j + 1) }
            j += 1
        }
        return (n, n)
    }

    /// The length of the line ending (CRLF, CR or LF) that ends just before `end`, at or after `start`.
    @inline(__always)
    static func trailingEOL(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Int {
        guard end > start else { return 0 }
        if p[end - 1] == 0x0A { return end - 1 > start && p[end - 2] == 0x0D ? 2 : 1 }
        if p[end - 1] == 0x0D { return 1 }
        return 0
    }

    /// The length of the line ending at the start of `p[start..<end]`.
    @inline(__always)
    static func leadingEOL(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Int {
        guard start < end else { return 0 }
        if p[start] == 0x0D { return start + 1 < end && p[start + 1] == 0x0A ? 2 : 1 }
        if p[start] == 0x0A { return 1 }
        return 0
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    @inline(__always)
    static func isWSP(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// ASCII-lowercased string of the bytes.
    static func lowercasedString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes.map(lower), as: UTF8.self)
    }

    /// Counts line feeds in `p[from..<to]`, eight bytes at a time.
    static func countLF(_ p: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let base = p.baseAddress else { return 0 }
        var c = 0
        var i = from
        let pattern: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        while i + 8 <= to {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ pattern
            // The high bit of a byte of t is clear exactly where w's byte is zero.
            let t = ((w & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | w
            c += (~t & 0x8080_8080_8080_8080).nonzeroBitCount
            i += 8
        }
        while i < to {
            if p[i] == 0x0A { c += 1 }
            i += 1
        }
        return c
    }

    /// For the mbox splitter: the first line feed in `p[from..<to]` followed by `F` or `>` (a line that may start a
    /// message or need unquoting) or ending the buffer, or `to`; and the number of line feeds before it.
    static func nextMboxCandidate(_ p: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> (index: Int, lines: Int) {
        guard from < to, let base = p.baseAddress else { return (to, 0) }
        var lines = 0
        var i = from
        @inline(__always) func candidate(_ j: Int) -> Bool {
            j + 1 >= to || p[j + 1] == 0x46 || p[j + 1] == 0x3E
        }
        while i + 8 <= to {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            let t = ((w & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | w
            var mask = ~t & 0x8080_8080_8080_8080  // high bit of each line-feed byte
            while mask != 0 {
                let j = i + mask.trailingZeroBitCount / 8
                if candidate(j) { return (j, lines) }
                lines += 1
                mask &= mask &- 1
            }
            i += 8
        }
        while i < to {
            if p[i] == 0x0A {
                if candidate(i) { return (i, lines) }
                lines += 1
            }
            i += 1
        }
        return (to, lines)
    }
}

extension StringProtocol {
    /// ASCII case-insensitive equality.
    func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        let a = self.utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { ByteScan.lower($0) == ByteScan.lower($1) }
    }
}
