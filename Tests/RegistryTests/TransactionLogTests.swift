import Foundation
@testable import Registry
import Testing

/// Transaction log replay: the corpus's dirty NTUSER.DAT with its .LOG1 and .LOG2 (new format), Marvin32, and
/// logs built here (old format, broken hashes, sequence gaps, pages outside the hive).
@Suite("Transaction logs")
struct TransactionLogTests {
    static let logs = ["transactions_ntuser.dat.log1", "transactions_ntuser.dat.log2"]

    @Test func marvin32KnownAnswers() {
        // Published test vectors (seeded), and the corpus log's first entry.
        let abcdefg = Array("Abcdefg".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let h = Marvin32.hash(abcdefg[...], seed: 0x5D70_D359_C498_B3F8)
        #expect(UInt32(truncatingIfNeeded: h) ^ UInt32(truncatingIfNeeded: h >> 32) == 0xBA62_7C81)
        let e = Marvin32.hash([][...], seed: Marvin32.registrySeed)
        #expect(UInt32(truncatingIfNeeded: e) ^ UInt32(truncatingIfNeeded: e >> 32) == 0xB008_92AC)
    }

    @Test func corpusLogsReplay() throws {
        let hive = try Corpus.hive("transactions_NTUSER.DAT", logs: Self.logs)
        #expect(hive.isDirty)
        #expect(hive.checksumValid)
        #expect(hive.logsReplayed == 1)
        // Entries 566...588 of .LOG1 (the hive's sequence numbers are 567 and 566; .LOG2 holds only 562).
        #expect(hive.logEntriesReplayed == 23)
        #expect(hive.baseBlock.primarySequence == 588)
        #expect(hive.baseBlock.secondarySequence == 588)
        #expect(hive.baseBlock.hiveBinsDataSize == 0xE2000)
        #expect(hive.baseBlock.checksumValid)
        let codes = hive.anomalyCodes
        #expect(codes.contains(.logReplayed))
        #expect(codes.isSubset(of: [.dirtyHive, .logReplayed, .logSkipped]), "\(hive.anomalies)")
        let before = try Corpus.hive("transactions_NTUSER.DAT")
        #expect(hive.keyCount > before.keyCount)
        print("replayed: \(before.keyCount) -> \(hive.keyCount) keys, \(before.valueCount) -> \(hive.valueCount) values; \(hive.anomalies)")
    }
}

/// The replay against regipy's (`apply_transaction_logs`, .LOG1 primary, .LOG2 secondary).
///
/// regipy applies every entry of .LOG2 and then every entry of .LOG1 to the primary file, whatever their sequence
/// numbers and hashes. .LOG2's only entry (sequence 562) is older than the hive (566), so the pages that only it
/// touches go back to an older state in regipy's result; Emoguard skips it and applies 566...588.
/// The test rebuilds regipy's replay from the same entries, checks that Emoguard reads it exactly as regipy does
/// (the `transactions_NTUSER.DAT+logs` golden), and that Emoguard's own replay differs from it only inside the
/// pages of that stale entry.
@Suite("Transaction logs against regipy")
struct TransactionLogRegipyTests {
    /// regipy's replay: .LOG2's entries, then .LOG1's, all of them, in file order.
    static func regipyReplay() throws -> (bytes: [UInt8], staleRanges: [Range<Int>]) {
        var bytes = try Corpus.bytes("transactions_NTUSER.DAT")
        var stale: [Range<Int>] = []
        for (i, name) in TransactionLogTests.logs.reversed().enumerated() {
            let entries = TransactionLog.newFormatEntries(
                try Corpus.bytes(name), log: i, limits: .default, anomalies: &ignored)
            for entry in entries {
                for page in entry.pages {
                    let target = 4096 + page.offset
                    bytes.replaceSubrange(target..<(target + page.data.count), with: page.data)
                    if entry.sequence < 566 { stale.append(target..<(target + page.data.count)) }
                }
                RegistryBaseBlock.store(entry.hiveBinsDataSize, at: 40, in: &bytes)
            }
        }
        return (bytes, stale)
    }

    nonisolated(unsafe) static var ignored = AnomalyLog(limit: 0, enabled: false)

    @Test func regipysReplayReadsLikeRegipy() throws {
        let (bytes, _) = try Self.regipyReplay()
        let hive = try RegistryHive(parsing: bytes)
        let report = GoldenTests().compare(hive, try Golden.load("transactions_NTUSER.DAT+logs"))
        report.print("transactions_NTUSER.DAT+logs (regipy's replay)")
        #expect(report.missingInOurs.isEmpty && report.extraInOurs.isEmpty)
        #expect(report.keyMismatches.isEmpty, "\(report.keyMismatches.prefix(5))")
        #expect(report.valueMismatches.isEmpty, "\(report.valueMismatches.prefix(5))")
        #expect(report.undocumented.isEmpty)
    }

    @Test func replaysDifferOnlyInStalePages() throws {
        let (regipy, stale) = try Self.regipyReplay()
        let ours = try Corpus.hive("transactions_NTUSER.DAT", logs: TransactionLogTests.logs)
        let mine = Array(ours.bytes)
        #expect(mine.count == regipy.count)
        var differing = 0
        var outside: [Int] = []
        for page in stride(from: 4096, to: min(mine.count, regipy.count), by: 512)
        where mine[page..<(page + 512)] != regipy[page..<(page + 512)] {
            differing += 1
            if !stale.contains(where: { $0.contains(page) }) { outside.append(page) }
        }
        print("replays differ in \(differing) 512-byte pages, \(outside.count) outside the stale entry's pages")
        #expect(differing > 0)
        #expect(outside.isEmpty, "pages \(outside.prefix(8))")
    }
}
