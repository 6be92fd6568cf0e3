import ByteCursor

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The file as it was before zero padding was dropped, addressed by original offsets.
///
/// The engine hands a padded DLL over with its long zero runs already removed (``ZeroRun`` records where they
/// were), so that a 600 MB file costs a few hundred kilobytes of memory. Every offset in a PE header is an offset
/// in the original file; this view maps them back:
///
/// ```
///  original:  [ headers | .text | .data | 000000 (run 0) 000000 | .rsrc ][ 0000 overlay (run 1) 0000 ]
///  kept:      [ headers | .text | .data | .rsrc ]
///  offset o outside the runs  ->  kept index o - (bytes of the runs that end at or before o)
///  offset o inside a run      ->  a zero byte that is not stored
/// ```
///
/// Without padding the view is the bytes themselves and every read is a slice.
struct Image {
    /// The kept bytes.
    let bytes: ArraySlice<UInt8>
    /// The dropped runs, sorted, with the number of dropped bytes before each.
    let runs: [(run: ZeroRun, droppedBefore: Int)]
    /// The size of the original file.
    let size: Int
    /// The most bytes put together for one read that crosses a run.
    let maxAssembled: Int

    /// A view of `bytes` as they are.
    init(plain bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.runs = []
        self.size = bytes.count
        self.maxAssembled = 0
    }

    /// A view of `bytes` with `padding` put back; `nil` when the runs do not fit the bytes.
    init?(bytes: ArraySlice<UInt8>, padding: [ZeroRun], maxAssembled: Int) {
        self.bytes = bytes
        self.maxAssembled = maxAssembled
        var runs: [(run: ZeroRun, droppedBefore: Int)] = []
        var dropped = 0
        var previousEnd = 0
        for run in padding.sorted(by: { $0.offset < $1.offset }) where run.length > 0 {
            // Each run starts in the original at or after the previous one's end, and where kept content exists.
            guard run.offset >= previousEnd, run.offset - dropped <= bytes.count,
                case (let end, false) = run.offset.addingReportingOverflow(run.length)
            else { return nil }
            runs.append((run, dropped))
            dropped += run.length
            previousEnd = end
        }
        self.runs = runs
        guard case (let size, false) = bytes.count.addingReportingOverflow(dropped) else { return nil }
        self.size = size
    }

    /// Total bytes of dropped padding.
    var paddingBytes: Int { runs.last.map { $0.droppedBefore + $0.run.length } ?? 0 }

    /// The pieces of `[offset, offset + count)` (clipped to the file): stored slices and dropped zeros.
    func pieces(_ offset: Int, _ count: Int, _ body: (_ stored: ArraySlice<UInt8>?, _ zeros: Int) -> Void) {
        guard offset >= 0, count > 0, offset < size else { return }
        let end = offset + min(count, size - offset)
        var position = offset
        // The first run that ends after `position`.
        var index = firstRun(endingAfter: position)
        while position < end {
            if index < runs.count, runs[index].run.offset <= position {
                let run = runs[index].run
                let n = min(end, run.offset + run.length) - position
                body(nil, n)
                position += n
                index += 1
            } else {
                let dropped = index < runs.count ? runs[index].droppedBefore : paddingBytes
                let stop = index < runs.count ? min(end, runs[index].run.offset) : end
                let start = bytes.startIndex + position - dropped
                let available = max(0, min(stop - position, bytes.endIndex - start))
                if available > 0 { body(bytes[start..<(start + available)], 0) }
                if available < stop - position { return }  // the kept bytes end early (content cut by a limit)
                position = stop
            }
        }
    }

    /// The index of the first run whose end lies after `offset`.
    private func firstRun(endingAfter offset: Int) -> Int {
        var lo = 0
        var hi = runs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if runs[mid].run.offset + runs[mid].run.length <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Exactly `count` bytes at `offset`, or `nil` when they are not all there (or would take more than
    /// `maxAssembled` bytes to put together across padding).
    func read(_ offset: Int, _ count: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else { return nil }
        if count == 0 { return [] }
        if runs.isEmpty {
            let start = bytes.startIndex + offset
            return start + count <= bytes.endIndex ? bytes[start..<(start + count)] : nil
        }
        var single: ArraySlice<UInt8>?
        var assembled: [UInt8] = []
        var total = 0
        var pieceCount = 0
        pieces(offset, count) { stored, zeros in
            pieceCount += 1
            if pieceCount == 1, let stored { single = stored }
            total += stored?.count ?? zeros
        }
        guard total == count else { return nil }
        if pieceCount == 1, let single { return single }
        guard count <= maxAssembled else { return nil }
        assembled.reserveCapacity(count)
        pieces(offset, count) { stored, zeros in
            if let stored { assembled.append(contentsOf: stored) } else {
                assembled.append(contentsOf: repeatElement(0, count: zeros))
            }
        }
        return assembled[...]
    }

    /// A cursor over exactly `count` bytes at `offset`, or `nil`.
    func cursor(_ offset: Int, _ count: Int) -> ByteCursor? {
        read(offset, count).map { ByteCursor($0) }
    }

    /// The NUL-terminated string at `offset`, at most `maxLength` bytes; `nil` when `offset` is outside the file.
    func cString(at offset: Int, maxLength: Int) -> String? {
        guard offset >= 0, offset < size else { return nil }
        var out: [UInt8] = []
        var done = false
        pieces(offset, maxLength) { stored, _ in
            guard !done else { return }
            guard let stored else {
                done = true  // a dropped zero run: the terminator
                return
            }
            if let nul = stored.firstIndex(of: 0) {
                out.append(contentsOf: stored[..<nul])
                done = true
            } else {
                out.append(contentsOf: stored)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Byte counts of `[offset, offset + count)`, clipped to the file; returns how many bytes were counted and
    /// how many of those were dropped padding.
    func histogram(_ offset: Int, _ count: Int, into counts: inout [Int]) -> (counted: Int, padding: Int) {
        var counted = 0
        var padding = 0
        pieces(offset, count) { stored, zeros in
            if let stored {
                Self.count(stored, into: &counts)
                counted += stored.count
            } else {
                counts[0] += zeros
                counted += zeros
                padding += zeros
            }
        }
        return (counted, padding)
    }

    /// Adds the byte values of `bytes` to `counts` (256 entries), four interleaved tables at a time.
    static func count(_ bytes: ArraySlice<UInt8>, into counts: inout [Int]) {
        var a = [UInt32](repeating: 0, count: 1024)
        bytes.withUnsafeBufferPointer { buffer in
            a.withUnsafeMutableBufferPointer { t in
                var i = 0
                let n = buffer.count
                // Flushed every 2^30 bytes so that the 32-bit counters cannot overflow.
                while i < n {
                    let stop = min(n, i + (1 << 30))
                    while i + 4 <= stop {
                        t[Int(buffer[i])] &+= 1
                        t[256 + Int(buffer[i + 1])] &+= 1
                        t[512 + Int(buffer[i + 2])] &+= 1
                        t[768 + Int(buffer[i + 3])] &+= 1
                        i += 4
                    }
                    while i < stop {
                        t[Int(buffer[i])] &+= 1
                        i += 1
                    }
                    for v in 0..<256 {
                        counts[v] += Int(t[v]) + Int(t[256 + v]) + Int(t[512 + v]) + Int(t[768 + v])
                        t[v] = 0
                        t[256 + v] = 0
                        t[512 + v] = 0
                        t[768 + v] = 0
                    }
                }
            }
        }
    }

    /// Shannon entropy in bits per byte (0-8) of a histogram.
    static func entropy(_ counts: [Int], total: Int) -> Double {
        guard total > 0 else { return 0 }
        var h = 0.0
        let t = Double(total)
        for c in counts where c > 0 {
            let p = Double(c) / t
            h -= p * log2(p)
        }
        return max(0, min(8, h))
    }
}
