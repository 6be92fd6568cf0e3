import Testing

@testable import ByteCursor

@Suite struct ByteCursorTests {
    @Test func readsIntegersInBothByteOrders() throws {
        var c = ByteCursor([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A])
        #expect(try c.readUInt16LE() == 0x0201)
        #expect(try c.readUInt16BE() == 0x0304)
        #expect(try c.readUInt32LE() == 0x0807_0605)
        #expect(c.offset == 8)
        #expect(c.remaining == 2)
        #expect(throws: CursorError.truncated(needed: 4, offset: 8)) { try c.readUInt32LE() }
        // A failed read consumes nothing.
        #expect(c.remaining == 2)
    }

    @Test func everyPrefixFailsCleanly() {
        // Drip-feed: every prefix of a valid 14-byte record must throw, never trap.
        let record: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 0x08, 0, 0x01, 0x02, 0x03, 0x04]
        func parse(_ b: ArraySlice<UInt8>) throws -> (UInt32, UInt16, UInt16, UInt16, UInt32) {
            var c = ByteCursor(b)
            return (try c.readUInt32LE(), try c.readUInt16LE(), try c.readUInt16LE(), try c.readUInt16LE(),
                    try c.readUInt32LE())
        }
        for n in 0..<record.count {
            #expect(throws: CursorError.self) { try parse(record[0..<n]) }
        }
        #expect(throws: Never.self) { try parse(record[...]) }
    }

    @Test func seeksAreBoundsCheckedAndKeepTheOrigin() throws {
        let bytes: [UInt8] = Array(0..<32)
        let outer = bytes[8..<32]  // origin 8
        var c = ByteCursor(outer)
        try c.seek(to: 4)
        #expect(try c.readUInt8() == 12)
        #expect(throws: CursorError.outOfRange(offset: 0, size: 0)) { try c.seek(to: 25) }
        #expect(throws: CursorError.outOfRange(offset: 0, size: 0)) { try c.seek(to: -1) }
        #expect(throws: CursorError.self) { try c.slice(at: Int.max - 2, count: 8) }
        var sub = try c.subCursor(count: 4)
        #expect(sub.offset == 5)
        #expect(try sub.readUInt8() == 13)
        #expect(throws: CursorError.invalidLength(-1, offset: 0)) { try c.readBytes(-1) }
        #expect(throws: CursorError.invalidLength(0, offset: 0)) { try c.readBytes(count: UInt64.max) }
    }

    @Test func limitsNameThemselves() {
        let limit = Limit("zip.maxEntries", 10)
        #expect(throws: Never.self) { try limit.check(10) }
        do {
            try limit.check(11)
            Issue.record("limit did not throw")
        } catch let error as CursorError {
            #expect(error.code == .limitExceeded)
            #expect(error.description.contains("zip.maxEntries"))
        } catch {
            Issue.record("wrong error \(error)")
        }
    }
}

@Suite struct PaddingStripperTests {
    @Test func dropsLongZeroRunsAcrossChunksAndKeepsShortOnes() {
        var s = PaddingStripper(minimumRun: 16, keepLimit: 1000)
        s.write([1, 2, 0, 0, 3][...])  // short run kept
        s.write(ArraySlice(repeating: 0, count: 10))
        s.write(ArraySlice(repeating: 0, count: 30))  // 40 zeros over two chunks: padding
        s.write([9, 9][...])
        s.write(ArraySlice(repeating: 0, count: 20))  // trailing padding
        let out = s.finish()
        #expect(out.bytes == [1, 2, 0, 0, 3, 9, 9])
        #expect(out.padding == [ZeroRun(offset: 5, length: 40), ZeroRun(offset: 47, length: 20)])
        #expect(out.totalBytes == 67)
        #expect(out.paddingBytes == 60)
        #expect(!out.truncated)
    }

    @Test func keepLimitTruncatesContentNotPadding() {
        var s = PaddingStripper(minimumRun: 8, keepLimit: 4)
        s.write([1, 2, 3][...])
        s.write(ArraySlice(repeating: 0, count: 100))
        s.write([4, 5, 6][...])
        let out = s.finish()
        #expect(out.bytes == [1, 2, 3, 4])
        #expect(out.truncated)
        #expect(out.padding == [ZeroRun(offset: 3, length: 100)])
    }

    @Test func unalignedWordScanMatchesByteScan() {
        // Zeros starting at odd offsets inside a chunk exercise the aligned fast path's edges.
        var input: [UInt8] = []
        for i in 0..<200 { input.append(i % 37 == 0 ? 7 : 0) }
        var s = PaddingStripper(minimumRun: 30, keepLimit: 10_000)
        s.write(input[3...])
        let out = s.finish()
        var expected = PaddingStripper(minimumRun: 30, keepLimit: 10_000)
        for b in input[3...] { expected.write([b][...]) }
        let e = expected.finish()
        #expect(out.bytes == e.bytes)
        #expect(out.padding == e.padding)
    }
}
