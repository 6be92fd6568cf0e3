import ByteCursor
import Testing
import ZIP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Zero padding (Emotet, March 2023)")
struct PaddingTests {
    /// A fake OLE compound file header and a little content; ends in a non-zero byte so the padding stays apart.
    static let document: [UInt8] =
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 16)
        + Array("Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\nEnd Sub\r\n".utf8) + [0x42]

    static let before = 600 << 20
    static let after = 500 << 20

    /// The peak resident set size of this process, in bytes.
    static func peakRSS() -> Int {
        var usage = rusage()
        #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)
        #else
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
        #endif
    }

    @Test func documentInsideMoreThanAGigabyteOfZeros() throws {
        var b = ZIPBuilder()
        b.add(name: "Invoice_2023-03.doc", [.zeros(Self.before), .bytes(Self.document), .zeros(Self.after)])
        let bytes = b.finished()
        #expect(bytes.count < 2 << 20, "the archive is about a megabyte: \(bytes.count)")
        let zip = try ZIPArchive(parsing: bytes)
        let entry = try #require(zip.entries.first)
        let total = Self.before + Self.document.count + Self.after
        #expect(total > 1 << 30)
        #expect(entry.uncompressedSize == UInt64(total))
        #expect(zip.anomalyCodes == ["suspicious-compression-ratio"])

        let x = try zip.extract(entry)
        #expect(x.crcValid)
        #expect(!x.stoppedAtLimit)
        #expect(x.output.totalBytes == total)
        #expect(x.output.bytes == Self.document)
        #expect(
            x.output.padding == [
                ZeroRun(offset: 0, length: Self.before),
                ZeroRun(offset: Self.before + Self.document.count, length: Self.after),
            ])
        #expect(x.compressionRatio > 500)
        // Neither the archive's builder nor the extraction held the inflated gigabyte.
        #expect(Self.peakRSS() < 900 << 20, "peak RSS \(Self.peakRSS() >> 20) MiB")
    }
}
