import ByteCursor

/// A small, bounded DEFLATE (RFC 1951) decoder with a zlib (RFC 1950) wrapper, for the zlib-compressed OLE objects
/// PowerPoint stores in `ExOleObjStg` records.
///
/// This target cannot link zlib, and the objects are small (kilobytes), so clarity wins over speed: codes are
/// decoded canonically, one bit at a time (the approach of zlib's `contrib/puff`). Every read is bounds-checked,
/// output stops at `maxOutput`, and a corrupt or cut stream returns what was decoded up to the damage, the way
/// Python's `zlib.decompressobj` does.
enum Inflate {
    /// What a decode produced.
    struct Output: Sendable {
        var bytes: [UInt8]
        /// Whether the final block ended (and, for zlib, the Adler-32 matched).
        var complete: Bool
        /// Whether output stopped at `maxOutput`.
        var cutAtLimit: Bool
    }

    struct Failure: Error {}

    /// Decodes a zlib stream (2-byte header, DEFLATE data, Adler-32).
    static func zlib(_ input: ArraySlice<UInt8>, maxOutput: Int) -> Output {
        guard input.count >= 2, let cmf = input.first, input[input.startIndex + 1] & 0x20 == 0,
            cmf & 0x0F == 8, (UInt16(cmf) << 8 | UInt16(input[input.startIndex + 1])) % 31 == 0
        else { return Output(bytes: [], complete: false, cutAtLimit: false) }
        var state = State(input.dropFirst(2), maxOutput: maxOutput)
        let ended = state.run()
        var complete = ended && !state.cutAtLimit
        if complete {
            state.alignToByte()
            let tail = state.input[state.position...].prefix(4)
            let expected = tail.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            complete = tail.count == 4 && expected == adler32(state.out)
        }
        return Output(bytes: state.out, complete: complete, cutAtLimit: state.cutAtLimit)
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + 5552)
            while i < end {
                a &+= UInt32(bytes[i])
                b &+= a
                i += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }

    /// A canonical Huffman code: how many codes of each length, and the symbols in code order, plus a table that
    /// resolves codes of up to ``fastBits`` bits with one lookup.
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]
        /// Indexed by the next `fastBits` input bits: `symbol << 4 | length`, or 0 for a longer (or no) code.
        var fast = [Int32](repeating: 0, count: 1 << fastBits)

        static let fastBits = 9

        /// Builds the code from code lengths; nil when over-subscribed.
        init?(lengths: ArraySlice<Int>) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for l in lengths {
                guard (0...15).contains(l) else { return nil }
                counts[l] += 1
            }
            var left = 1
            for len in 1...15 {
                left <<= 1
                left -= counts[len]
                if left < 0 { return nil }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
            for (symbol, l) in lengths.enumerated() where l != 0 {
                symbols[offsets[l]] = symbol
                offsets[l] += 1
            }
            // Canonical codes in (length, symbol) order; the stream sends them most significant bit first, so the
            // table is indexed by the bit-reversed code, every value of the bits beyond it.
            var code = 0
            var index = 0
            for len in 1...15 {
                for _ in 0..<counts[len] {
                    if len <= Self.fastBits {
                        var reversed = 0
                        for b in 0..<len where code & (1 << b) != 0 { reversed |= 1 << (len - 1 - b) }
                        let entry = Int32(truncatingIfNeeded: symbols[index] << 4 | len)
                        var slot = reversed
                        while slot < (1 << Self.fastBits) {
                            fast[slot] = entry
                            slot += 1 << len
                        }
                    }
                    code += 1
                    index += 1
                }
                code <<= 1
            }
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                             131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
                               1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12,
                                12, 13, 13]
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static let fixedLiterals: Huffman? = {
        var lengths = [Int](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        return Huffman(lengths: lengths[...])
    }()
    static let fixedDistances: Huffman? = Huffman(lengths: [Int](repeating: 5, count: 30)[...])

    struct State {
        let input: ArraySlice<UInt8>
        var position: Int
        var bitBuffer: UInt64 = 0
        var bitCount = 0
        var out: [UInt8] = []
        let maxOutput: Int
        var cutAtLimit = false

        init(_ input: ArraySlice<UInt8>, maxOutput: Int) {
            self.input = input
            self.position = input.startIndex
            self.maxOutput = max(0, maxOutput)
            out.reserveCapacity(min(self.maxOutput, input.count * 4))
        }

        mutating func bits(_ n: Int) throws -> Int {
            while bitCount < n {
                guard position < input.endIndex else { throw Failure() }
                bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
                position += 1
                bitCount += 8
            }
            let v = Int(truncatingIfNeeded: bitBuffer & ((1 << UInt64(n)) - 1))
            bitBuffer >>= UInt64(n)
            bitCount -= n
            return v
        }

        /// Tops the bit buffer up to at least 57 bits, or as far as the input goes.
        mutating func refill() {
            while bitCount <= 56, position < input.endIndex {
                bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
                position += 1
                bitCount += 8
            }
        }

        /// Drops the bits of a partly read byte and gives whole buffered bytes back to the input.
        mutating func alignToByte() {
            position -= bitCount / 8
            bitBuffer = 0
            bitCount = 0
        }

        mutating func decode(_ h: Huffman) throws -> Int {
            if bitCount < Huffman.fastBits { refill() }
            let entry = Int(h.fast[Int(truncatingIfNeeded: bitBuffer) & ((1 << Huffman.fastBits) - 1)])
            let length = entry & 0xF
            if length != 0 && length <= bitCount {
                bitBuffer >>= UInt64(length)
                bitCount -= length
                return entry >> 4
            }
            var code = 0
            var first = 0
            var index = 0
            for len in 1...15 {
                code |= try bits(1)
                let count = h.counts[len]
                if code - count < first { return h.symbols[index + (code - first)] }
                index += count
                first += count
                first <<= 1
                code <<= 1
            }
            throw Failure()
        }

        mutating func emit(_ byte: UInt8) throws {
            guard out.count < maxOutput else {
                cutAtLimit = true
                throw Failure()
            }
            out.append(byte)
        }

        /// Decodes blocks until the final one; returns whether it ended cleanly.
        mutating func run() -> Bool {
            do {
                while true {
                    let last = try bits(1)
                    switch try bits(2) {
                    case 0: try stored()
                    case 1:
                        guard let l = Inflate.fixedLiterals, let d = Inflate.fixedDistances else { return false }
                        try codes(l, d)
                    case 2: try dynamic()
                    default: return false
                    }
                    if last == 1 { return true }
                }
            } catch {
                return false
            }
        }

        mutating func stored() throws {
            alignToByte()
            let header = input[position...].prefix(4)
            guard header.count == 4 else { throw Failure() }
            let bytes = Array(header)
            let length = Int(bytes[0]) | Int(bytes[1]) << 8
            let complement = Int(bytes[2]) | Int(bytes[3]) << 8
            guard length == complement ^ 0xFFFF else { throw Failure() }
            position += 4
            let available = input.endIndex - position
            let take = min(length, available, maxOutput - out.count)
            out.append(contentsOf: input[position..<(position + take)])
            position += take
            if take < length {
                cutAtLimit = take < available
                throw Failure()
            }
        }

        mutating func dynamic() throws {
            let nlen = try bits(5) + 257
            let ndist = try bits(5) + 1
            let ncode = try bits(4) + 4
            guard nlen <= 286, ndist <= 30 else { throw Failure() }
            var lengths = [Int](repeating: 0, count: 19)
            for i in 0..<ncode { lengths[Inflate.codeLengthOrder[i]] = try bits(3) }
            guard let lencode = Huffman(lengths: lengths[...]) else { throw Failure() }
            var all = [Int](repeating: 0, count: nlen + ndist)
            var i = 0
            while i < nlen + ndist {
                let symbol = try decode(lencode)
                if symbol < 16 {
                    all[i] = symbol
                    i += 1
                    continue
                }
                var value = 0
                var repeatCount: Int
                switch symbol {
                case 16:
                    guard i > 0 else { throw Failure() }
                    value = all[i - 1]
                    repeatCount = 3 + (try bits(2))
                case 17: repeatCount = 3 + (try bits(3))
                default: repeatCount = 11 + (try bits(7))
                }
                guard i + repeatCount <= nlen + ndist else { throw Failure() }
                for _ in 0..<repeatCount {
                    all[i] = value
                    i += 1
                }
            }
            guard all[256] != 0, let l = Huffman(lengths: all[0..<nlen]), let d = Huffman(lengths: all[nlen...])
            else { throw Failure() }
            try codes(l, d)
        }

        mutating func codes(_ literals: Huffman, _ distances: Huffman) throws {
            while true {
                let symbol = try decode(literals)
                if symbol < 256 {
                    try emit(UInt8(truncatingIfNeeded: symbol))
                } else if symbol == 256 {
                    return
                } else {
                    let s = symbol - 257
                    guard s < Inflate.lengthBase.count else { throw Failure() }
                    let length = Inflate.lengthBase[s] + (try bits(Inflate.lengthExtra[s]))
                    let ds = try decode(distances)
                    guard ds < Inflate.distanceBase.count else { throw Failure() }
                    let distance = Inflate.distanceBase[ds] + (try bits(Inflate.distanceExtra[ds]))
                    guard distance <= out.count else { throw Failure() }
                    for _ in 0..<length { try emit(out[out.count - distance]) }
                }
            }
        }
    }
}
