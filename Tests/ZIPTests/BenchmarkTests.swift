import CZlib
import Foundation
import TestSupport
import Testing
import ZIP

/// Throughput in release mode; opt-in:
/// `ZIP_BENCH=1 swift test -c release --scratch-path .build-zip --filter ZIPTests.BenchmarkTests`
@Suite("Benchmarks", .enabled(if: ProcessInfo.processInfo.environment["ZIP_BENCH"] != nil), .serialized)
struct BenchmarkTests {
    static let megabytes = 64

    /// Text-like bytes that deflate about 3:1.
    static func text(_ count: Int) -> [UInt8] {
        var rng = SplitMix64(seed: 42)
        let words = ["invoice", "payment", "example", "invalid", "order", "the", "of", "and", "2026", "account",
                     "please", "find", "attached", "regards", "document", "macro", "enable", "content"].map { Array($0.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(count + 16)
        while out.count < count {
            out += words[Int(rng.next() % UInt64(words.count))]
            out.append(rng.next() % 11 == 0 ? 0x0A : 0x20)
        }
        return Array(out.prefix(count))
    }

    static func random(_ count: Int) -> [UInt8] {
        var rng = SplitMix64(seed: 7)
        return (0..<(count / 8)).flatMap { _ in withUnsafeBytes(of: rng.next()) { Array($0) } }
    }

    static func measure(_ label: String, bytes: Int, _ body: () throws -> Void) rethrows {
        let clock = ContinuousClock()
        let elapsed = try clock.measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("BENCH \(label): \(bytes >> 20) MiB in \(String(format: "%.3f", seconds)) s = "
            + "\(String(format: "%.0f", Double(bytes) / 1_048_576 / seconds)) MiB/s")
    }

    @Test func inflate() throws {
        let content = Self.text(Self.megabytes << 20)
        var b = ZIPBuilder()
        b.add(name: "text.txt", [.bytes(content)])
        let zip = try ZIPArchive(parsing: b.finished())
        try Self.measure("inflate (output)", bytes: content.count) {
            let x = try zip.extract(zip.entries[0])
            #expect(x.crcValid && x.output.bytes.count == content.count)
        }
    }

    @Test func stored() throws {
        let content = Self.random(Self.megabytes << 20)
        var b = ZIPBuilder()
        b.add(name: "random.bin", [.bytes(content)], method: 0)
        let zip = try ZIPArchive(parsing: b.finished())
        try Self.measure("stored", bytes: content.count) {
            let x = try zip.extract(zip.entries[0])
            #expect(x.crcValid)
        }
    }

    @Test func zipCrypto() throws {
        let content = Self.random(Self.megabytes << 20)
        let crc = content.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
        var encryptor = ZipCryptoEncryptor(password: Fixture.password)
        let header = encryptor.encrypt(Array(repeating: 0x11, count: 11) + [UInt8(crc >> 24)])
        var b = ZIPBuilder()
        b.add(
            rawName: Array("random.bin".utf8), data: header + encryptor.encrypt(content), method: 0, flags: 1,
            crc: crc, uncompressedSize: content.count)
        let zip = try ZIPArchive(parsing: b.finished())
        try Self.measure("ZipCrypto (stored)", bytes: content.count) {
            let x = try zip.extract(zip.entries[0], password: Fixture.password)
            #expect(x.crcValid && x.output.bytes == content)
        }
    }

    /// AES-256 decryption and HMAC of random ciphertext under the fixture's salt and verifier; authentication
    /// fails at the end (it is not real ciphertext), which costs nothing extra.
    @Test func winZipAES256() throws {
        let fixture = try Fixture.archive("aes256.zip")
        let source = try #require(fixture.entry("readme.txt"))
        let bytes = try Fixture.bytes("aes256.zip")
        let start = try #require(source.dataOffset)
        let saltAndVerifier = Array(bytes[start..<(start + 18)])
        let ciphertext = Self.random(Self.megabytes << 20)
        let extra = le16(0x9901) + le16(7) + le16(2) + Array("AE".utf8) + [3] + le16(0)
        var b = ZIPBuilder()
        b.add(
            rawName: Array("random.bin".utf8), data: saltAndVerifier + ciphertext + Array(repeating: 0, count: 10),
            method: 99, flags: 1, crc: 0, uncompressedSize: ciphertext.count, extra: extra)
        let zip = try ZIPArchive(parsing: b.finished())
        Self.measure("WinZip AES-256 (stored)", bytes: ciphertext.count) {
            #expect(throws: ZIPError.badCRC) { try zip.extract(zip.entries[0], password: Fixture.password) }
        }
    }

    @Test func zeroPadding() throws {
        var b = ZIPBuilder()
        b.add(name: "padded.doc", [.zeros(600 << 20), .bytes(PaddingTests.document), .zeros(500 << 20)])
        let zip = try ZIPArchive(parsing: b.finished())
        try Self.measure("1.1 GB zero padding", bytes: 1100 << 20) {
            let x = try zip.extract(zip.entries[0])
            #expect(x.crcValid && x.output.bytes == PaddingTests.document)
        }
    }
}

/// Traditional PKWARE encryption, for building test archives.
struct ZipCryptoEncryptor {
    var k0: UInt32 = 0x1234_5678
    var k1: UInt32 = 0x2345_6789
    var k2: UInt32 = 0x3456_7890
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    init(password: [UInt8]) { for b in password { update(b) } }

    mutating func update(_ p: UInt8) {
        k0 = Self.table[Int((k0 ^ UInt32(p)) & 0xFF)] ^ (k0 >> 8)
        k1 = (k1 &+ (k0 & 0xFF)) &* 134_775_813 &+ 1
        k2 = Self.table[Int((k2 ^ (k1 >> 24)) & 0xFF)] ^ (k2 >> 8)
    }

    mutating func encrypt(_ plain: [UInt8]) -> [UInt8] {
        plain.map { p in
            let t = (k2 | 2) & 0xFFFF
            let c = p ^ UInt8(truncatingIfNeeded: (t &* (t ^ 1)) >> 8)
            update(p)
            return c
        }
    }
}
