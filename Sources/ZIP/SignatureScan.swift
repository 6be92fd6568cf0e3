#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every "PK" record signature in the input, found in one pass.
///
/// The scan feeds three things: the local header fallback when there is no central directory, the search for local
/// headers that the central directory does not list, and the end of data with a data descriptor (the next
/// signature after the data). Each list is capped by ``ZIPLimits/maxSignatureHits``.
struct SignatureScan {
    /// Offsets of "PK\x03\x04".
    var localHeaders: [Int] = []
    /// Offsets of "PK\x05\x06".
    var endRecords: [Int] = []
    /// Offsets of "PK\x06\x06".
    var zip64EndRecords: [Int] = []
    /// Offsets of any record signature (local, central, end, ZIP64, data descriptor), ascending.
    var boundaries: [Int] = []
    /// Whether a list hit its cap.
    var capped = false

    init(_ bytes: ArraySlice<UInt8>, maxHits: Int) {
        var localHeaders: [Int] = []
        var endRecords: [Int] = []
        var zip64EndRecords: [Int] = []
        var boundaries: [Int] = []
        var capped = false
        func append(_ p: Int, to list: inout [Int]) {
            if list.count < maxHits { list.append(p) } else { capped = true }
        }
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count >= 4 else { return }
            let n = raw.count
            var i = 0
            while i + 4 <= n {
                // memchr jumps to the next 'P'; compressed data has one every ~256 bytes.
                guard let hit = memchr(base + i, 0x50, n - 3 - i) else { break }
                let p = base.distance(to: UnsafeRawPointer(hit))
                i = p + 1
                guard raw[p + 1] == 0x4B else { continue }
                let a = raw[p + 2]
                let b = raw[p + 3]
                let isRecord: Bool
                switch (a, b) {
                case (3, 4):
                    isRecord = true
                    append(p, to: &localHeaders)
                case (5, 6):
                    isRecord = true
                    append(p, to: &endRecords)
                case (6, 6):
                    isRecord = true
                    append(p, to: &zip64EndRecords)
                case (1, 2), (6, 7), (7, 8): isRecord = true
                default: isRecord = false
                }
                if isRecord { append(p, to: &boundaries) }
            }
        }
        self.localHeaders = localHeaders
        self.endRecords = endRecords
        self.zip64EndRecords = zip64EndRecords
        self.boundaries = boundaries
        self.capped = capped
    }


    /// The first boundary at or after `offset`, and those after it, in order.
    func boundaries(from offset: Int) -> ArraySlice<Int> {
        var lo = 0
        var hi = boundaries.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if boundaries[mid] < offset { lo = mid + 1 } else { hi = mid }
        }
        return boundaries[lo...]
    }
}
