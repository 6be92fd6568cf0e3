/// A small, bounded inflater (RFC 1950 zlib wrapper around RFC 1951 deflate) for the one place OfficeMacros meets
/// zlib data: PowerPoint 97-2003's compressed `ExOleObjStg` records, which hold the VBA project storage.
///
/// It follows the structure of zlib's `contrib/puff` (canonical Huffman codes decoded bit by bit), which is slow
/// next to zlib but simple to check, and is only used for these records. Output stops at `limit`; malformed data
/// (bad block type, over-subscribed code, distance before the start) throws, and never traps.
struct Inflater {
    enum Failure: Error { case malformed(String), limit }

    private let input: ArraySlice<UInt8>
    private var pos: Int
    private var bitBuffer: UInt32 = 0
    private var bitCount = 0
    private(set) var output: [UInt8] = []
    private let limit: Int

    private init(_ input: ArraySlice<UInt8>, limit: Int) {
        self.input = input
        self.pos = input.startIndex
        self.limit = limit
    }

    /// Inflates a zlib stream (2-byte header, deflate data; the Adler-32 trailer is not checked). When the data
    /// ends early the output so far is returned with `complete == false`.
    static func inflateZlib(_ data: ArraySlice<UInt8>, limit: Int) throws -> (bytes: [UInt8], complete: Bool) {
        guard data.count >= 2 else { throw Failure.malformed("no zlib header") }
        let cmf = data[data.startIndex]
        let flg = data[data.startIndex + 1]
        guard cmf & 0x0F == 8, (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0, flg & 0x20 == 0 else {
            throw Failure.malformed("not a zlib header")
        }
        return try inflateRaw(data.dropFirst(2), limit: limit)
    }

    /// Inflates raw deflate data.
    static func inflateRaw(_ data: ArraySlice<UInt8>, limit: Int) throws -> (bytes: [UInt8], complete: Bool) {
        var s = Inflater(data, limit: max(0, limit))
        do {
            var last = false
            while !last {
                last = try s.bits(1) == 1
                switch try s.bits(2) {
                case 0: try s.stored()
                case 1: try s.codes(Self.fixedLength, Self.fixedDistance)
                case 2: try s.dynamic()
                default: throw Failure.malformed("block type 3")
                }
            }
            return (s.output, true)
        } catch Failure.malformed("end of input") {
            return (s.output, false)
        }
    }

    private mutating func bits(_ need: Int) throws -> Int {
        while bitCount < need {
            guard pos < input.endIndex else { throw Failure.malformed("end of input") }
            bitBuffer |= UInt32(input[pos]) << UInt32(bitCount)
            pos += 1
            bitCount += 8
        }
        let value = Int(bitBuffer & ((1 << UInt32(need)) - 1))
        bitBuffer >>= UInt32(need)
        bitCount -= need
        return value
    }

    private mutating func stored() throws {
        bitBuffer = 0
        bitCount = 0
        guard input.endIndex - pos >= 4 else { throw Failure.malformed("end of input") }
        let len = Int(input[pos]) | Int(input[pos + 1]) << 8
        let nlen = Int(input[pos + 2]) | Int(input[pos + 3]) << 8
        pos += 4
        guard len == (~nlen & 0xFFFF) else { throw Failure.malformed("stored block length check") }
        guard input.endIndex - pos >= len else {
            try append(input[pos..<input.endIndex])
            throw Failure.malformed("end of input")
        }
        try append(input[pos..<(pos + len)])
        pos += len
    }

    private mutating func append(_ bytes: ArraySlice<UInt8>) throws {
        guard output.count + bytes.count <= limit else {
            output.append(contentsOf: bytes.prefix(max(0, limit - output.count)))
            throw Failure.limit
        }
        output.append(contentsOf: bytes)
    }

    /// A canonical Huffman code: the number of codes of each length and the symbols in code order.
    struct Huffman {
        var count = [Int](repeating: 0, count: 16)
        var symbol: [Int]

        /// Builds the code from code lengths; throws for an over-subscribed set (incomplete sets are allowed,
        /// as zlib allows them for single-code distance trees).
        init(lengths: [Int]) throws {
            symbol = [Int](repeating: 0, count: lengths.count)
            for l in lengths { count[l] += 1 }
            var left = 1
            for len in 1..<16 {
                left <<= 1
                left -= count[len]
                guard left >= 0 else { throw Failure.malformed("over-subscribed code") }
            }
            var offs = [Int](repeating: 0, count: 16)
            for len in 1..<15 { offs[len + 1] = offs[len] + count[len] }
            for (sym, l) in lengths.enumerated() where l != 0 {
                symbol[offs[l]] = sym
                offs[l] += 1
            }
        }
    }

    private mutating func decode(_ h: Huffman) throws -> Int {
        var code = 0
        var first = 0
        var index = 0
        for len in 1..<16 {
            code |= try bits(1)
            let count = h.count[len]
            if code - count < first { return h.symbol[index + (code - first)] }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw Failure.malformed("bad code")
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static let fixedLength: Huffman = {
        var lengths = [Int](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        return (try? Huffman(lengths: lengths)) ?? Huffman.empty
    }()
    static let fixedDistance: Huffman = (try? Huffman(lengths: [Int](repeating: 5, count: 30))) ?? Huffman.empty

    private mutating func codes(_ lencode: Huffman, _ distcode: Huffman) throws {
        while true {
            let sym = try decode(lencode)
            if sym < 256 {
                guard output.count < limit else { throw Failure.limit }
                output.append(UInt8(sym))
            } else if sym == 256 {
                return
            } else {
                let s = sym - 257
                guard s < 29 else { throw Failure.malformed("bad length symbol") }
                let len = Self.lengthBase[s] + (try bits(Self.lengthExtra[s]))
                let d = try decode(distcode)
                guard d < 30 else { throw Failure.malformed("bad distance symbol") }
                let dist = Self.distanceBase[d] + (try bits(Self.distanceExtra[d]))
                guard dist <= output.count else { throw Failure.malformed("distance too far back") }
                guard output.count + len <= limit else { throw Failure.limit }
                var from = output.count - dist
                for _ in 0..<len {
                    output.append(output[from])
                    from += 1
                }
            }
        }
    }

    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func dynamic() throws {
        let nlen = try bits(5) + 257
        let ndist = try bits(5) + 1
        let ncode = try bits(4) + 4
        guard nlen <= 286, ndist <= 30 else { throw Failure.malformed("bad counts") }
        var lengths = [Int](repeating: 0, count: 19)
        for i in 0..<ncode { lengths[Self.codeLengthOrder[i]] = try bits(3) }
        let lencode = try Huffman(lengths: lengths)
        var all = [Int](repeating: 0, count: nlen + ndist)
        var index = 0
        while index < nlen + ndist {
            var sym = try decode(lencode)
            if sym < 16 {
                all[index] = sym
                index += 1
                continue
            }
            var len = 0
            if sym == 16 {
                guard index > 0 else { throw Failure.malformed("repeat with no first length") }
                len = all[index - 1]
                sym = 3 + (try bits(2))
            } else if sym == 17 {
                sym = 3 + (try bits(3))
            } else {
                sym = 11 + (try bits(7))
            }
            guard index + sym <= nlen + ndist else { throw Failure.malformed("too many lengths") }
            for _ in 0..<sym {
                all[index] = len
                index += 1
            }
        }
        guard all[256] != 0 else { throw Failure.malformed("no end-of-block code") }
        let l = try Huffman(lengths: Array(all[0..<nlen]))
        let d = try Huffman(lengths: Array(all[nlen...]))
        try codes(l, d)
    }
}

extension Inflater.Huffman {
    static let empty = Inflater.Huffman(count: [Int](repeating: 0, count: 16), symbol: [])
    private init(count: [Int], symbol: [Int]) {
        self.count = count
        self.symbol = symbol
    }
}
