/// A sector allocation table (the FAT or the mini FAT) with every chain's fate computed up front.
///
/// A FAT is a functional graph: every sector has exactly one successor. One pass over it (O(n), no recursion)
/// records, for every sector `s`, how many distinct sectors a chain starting at `s` visits before it ends
/// (``distance``) and how it ends (``ending``): at ENDOFCHAIN, by looping back onto itself, or by leaving the
/// table (a sector number past the end, or a marker such as FREESECT where a sector number belongs).
///
/// ```
///  next:      0 -> 1 -> 2 -> END        3 -> 4 -> 5 -> 4 (loop)        6 -> 99 (out of range)
///  distance:  3    2    1                4    2    2                    1
///  ending:    end  end  end              loop loop loop                 outOfRange
/// ```
/// Reading `k` sectors of a chain is then safe whenever `k <= distance[start]`: no sector repeats and every
/// successor followed is inside the table, so stream reads need no visited set.
struct ChainTable: Sendable {
    /// How a chain ends.
    enum Ending: UInt8, Sendable {
        case unknown = 0
        /// At ENDOFCHAIN.
        case end
        /// By revisiting a sector.
        case loop
        /// At a sector number outside the table, or a marker other than ENDOFCHAIN.
        case outOfRange
        /// Marks a sector on the path being resolved (used only while building).
        case onPath
    }

    /// The successor of every sector, as stored.
    let next: [UInt32]
    /// Distinct sectors visited from each start, the start included.
    let distance: [UInt32]
    /// How the chain from each start ends.
    let ending: [Ending]

    /// The number of sectors in the table: valid sector numbers are `0..<count`.
    var count: Int { next.count }

    static let empty = ChainTable(next: [])

    /// Resolves every chain in `next`; `next.count` must not exceed `SectorID.maxRegular + 1`.
    init(next: [UInt32]) {
        let n = next.count
        var distance = [UInt32](repeating: 0, count: n)
        var ending = [Ending](repeating: .unknown, count: n)
        var path: [Int] = []
        for start in 0..<n where ending[start] == .unknown {
            path.removeAll(keepingCapacity: true)
            var s = start
            var base: UInt32 = 0
            var baseEnding = Ending.end
            while true {
                if ending[s] == .onPath {
                    // A cycle: the sectors from s's position to the end of the path.
                    let position = Int(distance[s])
                    let length = UInt32(truncatingIfNeeded: path.count - position)
                    for j in position..<path.count {
                        distance[path[j]] = length
                        ending[path[j]] = .loop
                    }
                    path.removeLast(path.count - position)
                    base = length
                    baseEnding = .loop
                    break
                }
                if ending[s] != .unknown {
                    base = distance[s]
                    baseEnding = ending[s]
                    break
                }
                ending[s] = .onPath
                distance[s] = UInt32(truncatingIfNeeded: path.count)
                path.append(s)
                let successor = next[s]
                if successor == SectorID.endOfChain {
                    baseEnding = .end
                    break
                }
                guard successor <= SectorID.maxRegular, let i = Int(exactly: successor), i < n else {
                    baseEnding = .outOfRange
                    break
                }
                s = i
            }
            var d = base
            for k in path.reversed() {
                d &+= 1
                distance[k] = d
                ending[k] = baseEnding
            }
        }
        self.next = next
        self.distance = distance
        self.ending = ending
    }

    /// The index of sector number `s` if it is inside the table.
    @inline(__always) func index(_ s: UInt32) -> Int? {
        guard s <= SectorID.maxRegular, let i = Int(exactly: s), i < next.count else { return nil }
        return i
    }

    /// The number of sectors that can be read safely from `start` (0 when `start` is not in the table).
    func readable(from start: UInt32) -> Int {
        guard let i = index(start) else { return 0 }
        return Int(distance[i])
    }

    /// How the chain from `start` ends; `.outOfRange` when `start` itself is not in the table.
    func endingOf(_ start: UInt32) -> Ending {
        guard let i = index(start) else { return start == SectorID.endOfChain ? .end : .outOfRange }
        return ending[i]
    }

    /// The first `count` sectors of the chain from `start`; `count` must not exceed ``readable(from:)``.
    func sectors(from start: UInt32, count: Int) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(max(0, count))
        var s = start
        for i in 0..<max(0, count) {
            out.append(s)
            if i + 1 < count, let k = index(s) { s = next[k] }
        }
        return out
    }
}
