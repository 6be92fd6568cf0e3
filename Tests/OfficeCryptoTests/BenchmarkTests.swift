import Foundation
import Testing

@testable import OfficeCrypto

/// Key derivation and decryption speed in release mode; opt-in:
/// `OOXML_BENCH=1 swift test -c release --scratch-path .build-ooxml --filter 'OfficeCryptoTests.BenchmarkTests'`
@Suite("Benchmarks", .enabled(if: ProcessInfo.processInfo.environment["OOXML_BENCH"] != nil), .serialized)
struct BenchmarkTests {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let elapsed = try ContinuousClock().measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func spinLoops() {
        for (name, hash, spins) in [("SHA-1", HashAlgorithm.sha1, 50_000), ("SHA-512", .sha512, 100_000)] {
            let t = Self.seconds { _ = hash.iterated(salt: Array(repeating: 1, count: 16), password: [65, 0], spinCount: spins) }
            print("BENCH \(name) x \(spins): \(String(format: "%.1f", t * 1000)) ms per password")
        }
    }

    @Test func agilePackage() throws {
        let name = "encrypted__dde-test-encrypt-standardpassword.xlsx"
        let info = try #require(Fixture.stream(name, "EncryptionInfo"))
        let package = try #require(Fixture.stream(name, "EncryptedPackage"))
        let t = try Self.seconds {
            _ = try OfficeEncryption.decryptPackage(encryptionInfo: info, encryptedPackage: package, passwords: ["a", "b"])
        }
        print("BENCH agile \(name), 3 candidates: \(String(format: "%.1f", t * 1000)) ms")
        // Package throughput with a known key: 32 MiB of segments.
        guard case .agile(let agile) = try EncryptionInfo(parsing: info) else { return }
        let big = [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 0x5A, count: 32 << 20)
        var sized = big
        sized.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(32 << 20).littleEndian, Array.init))
        let key = [UInt8](repeating: 7, count: agile.keyData.keyBits / 8)
        let d = try Self.seconds { _ = try PackageDecryption.decryptAgile(sized[...], key: key, info: agile, limits: .default) }
        print("BENCH agile AES-CBC segments: 32 MiB in \(String(format: "%.3f", d)) s = \(String(format: "%.0f", 32 / d)) MiB/s")
        let e = try Self.seconds { _ = try AESCipher.decryptECB(sized[8...], key: key) }
        print("BENCH standard AES-ECB: 32 MiB in \(String(format: "%.3f", e)) s = \(String(format: "%.0f", 32 / e)) MiB/s")
    }

    @Test func biff8() throws {
        let workbook = try #require(Fixture.stream("encrypted__autostart-encrypt-standardpassword.xls", "Workbook"))
        var big: [UInt8] = []
        while big.count < 16 << 20 { big += workbook }
        let t = try Self.seconds { _ = try OfficeEncryption.decryptBIFF8(workbookStream: big, passwords: []) }
        print("BENCH BIFF8 RC4: \(big.count >> 20) MiB in \(String(format: "%.3f", t)) s = \(String(format: "%.0f", Double(big.count >> 20) / t)) MiB/s")
    }
}
