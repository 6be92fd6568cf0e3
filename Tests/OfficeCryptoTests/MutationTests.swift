import ByteCursor
import CompoundFile
import TestSupport
import Testing

@testable import OfficeCrypto

@Suite("Mutated encryption headers never crash")
struct MutationTests {
    /// Mutated agile descriptors, BIFF8 streams and Word FIBs, with a spin limit that keeps each try short.
    @Test func mutatedHeaders() throws {
        var rng = SplitMix64(seed: 47)
        var limits = OfficeCryptoLimits.default
        limits.maxSpinCount.maximum = 100
        limits.maxPasswords.maximum = 1
        let agile = try #require(Fixture.stream("encrypted__dde-test-encrypt-standardpassword.xlsx", "EncryptionInfo"))
        let workbook = Array(try #require(Fixture.stream("synthetic-rc4cryptoapi.xls", "Workbook")).prefix(2048))
        let word = try CompoundFile(parsing: try Fixture.bytes("cfb/synthetic-rc4.doc"))
        let wordStream = try #require(try word.stream(path: "WordDocument")?.bytes)
        let table = try #require(try word.stream(path: "1Table")?.bytes ?? word.stream(path: "0Table")?.bytes)
        for round in 0..<300 {
            var a = agile
            var w = workbook
            var f = Array(wordStream.prefix(512))
            var t = Array(table.prefix(256))
            for _ in 0..<(1 + rng.below(6)) {
                a[rng.below(a.count)] = UInt8(truncatingIfNeeded: rng.next())
                w[rng.below(w.count)] = UInt8(truncatingIfNeeded: rng.next())
                f[12 + rng.below(f.count - 12)] = UInt8(truncatingIfNeeded: rng.next())
                t[rng.below(t.count)] = UInt8(truncatingIfNeeded: rng.next())
            }
            if round % 3 == 0 { a = Array(a.prefix(rng.below(a.count))) }
            _ = try? OfficeEncryption.decryptPackage(
                encryptionInfo: a, encryptedPackage: [UInt8](repeating: 1, count: 200), passwords: [], limits: limits)
            _ = OfficeEncryption.detectBIFF8(workbookStream: w)
            _ = try? OfficeEncryption.decryptBIFF8(workbookStream: w, passwords: [], limits: limits)
            _ = OfficeEncryption.detectWord(wordDocumentStream: f) { _ in t }
            _ = try? OfficeEncryption.decryptWord(
                wordDocumentStream: f, tableStream: { _ in t }, dataStream: nil, passwords: [], limits: limits)
        }
    }
}
