import Foundation
import Testing

@testable import Registry

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
        print(
            "replayed: \(before.keyCount) -> \(hive.keyCount) keys, \(before.valueCount) -> \(hive.valueCount) values; \(hive.anomalies)"
        )
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
                try Corpus.bytes(name),
                log: i,
                limits: .default,
                anomalies: &ignored
            )
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

/// Logs written by ``LogBuilder``.
@Suite("Built transaction logs")
struct BuiltLogTests {
    typealias L = LogBuilder

    static func sameContent(_ a: RegistryHive, _ b: RegistryHive) -> Bool {
        var x: [String] = []
        var y: [String] = []
        a.walk { k, v in x.append(k.path + "=" + v.map { $0.name + ":" + ($0.string ?? "") }.joined(separator: ",")) }
        b.walk { k, v in y.append(k.path + "=" + v.map { $0.name + ":" + ($0.string ?? "") }.joined(separator: ",")) }
        return x == y
    }

    @Test func newFormatRestoresTheHive() throws {
        let (final, _) = L.finalHive()
        let (primary, logs) = L.dirtyHiveWithLog(entries: 4)
        let broken = try RegistryHive(parsing: primary)
        #expect(broken.keyCount < 301 || !broken.anomalies.isEmpty)
        let hive = try RegistryHive(parsing: primary, logs: logs)
        #expect(hive.isDirty && hive.logsReplayed == 1 && hive.logEntriesReplayed == 4)
        #expect(hive.baseBlock.primarySequence == L.sequence + 3)
        #expect(hive.baseBlock.checksumValid)
        #expect(hive.anomalyCodes == [.dirtyHive, .logReplayed])
        #expect(Self.sameContent(hive, try RegistryHive(parsing: final)))
        #expect(Array(hive.bytes[4096...]) == Array(final[4096...]))
    }

    @Test func entriesSplitAcrossLogsApplyInSequenceOrder() throws {
        let (final, _) = L.finalHive()
        let hbins = UInt32(final.count - 4096)
        let e = (0..<5).map { i in
            L.Entry(sequence: L.sequence + UInt32(i), pages: [(i * 4096, L.page(final, i))], hiveBinsSize: hbins)
        }
        let logA = L.newLog(final, Array(e[0..<3]))
        let logB = L.newLog(final, Array(e[3..<5]))
        let hive = try RegistryHive(parsing: L.stalePrimary(final, pages: Array(1..<5)), logs: [logB, logA])
        #expect(hive.logsReplayed == 2 && hive.logEntriesReplayed == 5)
        #expect(Self.sameContent(hive, try RegistryHive(parsing: final)))
    }

    @Test func wrongHashEndsTheLog() throws {
        let (final, _) = L.finalHive()
        let hbins = UInt32(final.count - 4096)
        var e = (0..<4).map { i in
            L.Entry(sequence: L.sequence + UInt32(i), pages: [(i * 4096, L.page(final, i))], hiveBinsSize: hbins)
        }
        e[2].corruptHash = true
        let hive = try RegistryHive(parsing: L.stalePrimary(final, pages: [1, 2, 3]), logs: [L.newLog(final, e)])
        #expect(hive.logEntriesReplayed == 2)
        #expect(hive.anomalies.contains { $0.code == .logSkipped && $0.detail.contains("hashes") })
    }

    @Test func sequenceGapStops() throws {
        let (final, _) = L.finalHive()
        let hbins = UInt32(final.count - 4096)
        let seqs: [UInt32] = [L.sequence - 2, L.sequence, L.sequence + 1, L.sequence + 3]
        let pages = [1, 1, 2, 3]
        let e = zip(seqs, pages).map { s, p in
            L.Entry(sequence: s, pages: [(p * 4096, L.page(final, p))], hiveBinsSize: hbins)
        }
        let hive = try RegistryHive(parsing: L.stalePrimary(final, pages: [1, 2, 3]), logs: [L.newLog(final, e)])
        #expect(hive.logEntriesReplayed == 2)
        #expect(hive.anomalies.contains { $0.code == .logSkipped && $0.detail.contains("older") })
        #expect(hive.anomalies.contains { $0.code == .logSkipped && $0.detail.contains("jump") })
    }

    @Test func pagesOutsideTheHiveAreRefused() throws {
        let (final, _) = L.finalHive()
        let hbins = UInt32(final.count - 4096)
        // A page 1 GB away, and an entry that claims a 3 GB hive: nothing is allocated for them.
        let far = L.Entry(sequence: L.sequence, pages: [(1 << 30, L.page(final, 1))], hiveBinsSize: hbins)
        let hive = try RegistryHive(parsing: L.stalePrimary(final, pages: [1]), logs: [L.newLog(final, [far])])
        #expect(hive.logEntriesReplayed == 0)
        #expect(hive.bytes.count == final.count)
        let huge = L.Entry(sequence: L.sequence, pages: [(4096, L.page(final, 1))], hiveBinsSize: 0xC000_0000)
        let h2 = try RegistryHive(parsing: L.stalePrimary(final, pages: [1]), logs: [L.newLog(final, [huge])])
        #expect(h2.logEntriesReplayed == 1)
        #expect(h2.bytes.count == final.count)
        #expect(h2.anomalyCodes.contains(.truncatedHive))
        // A page just past the end grows the hive by the page only.
        let grow = L.Entry(sequence: L.sequence, pages: [(Int(hbins), L.page(final, 0))], hiveBinsSize: hbins + 4096)
        let h3 = try RegistryHive(parsing: L.stalePrimary(final, pages: []), logs: [L.newLog(final, [grow])])
        #expect(h3.bytes.count == final.count + 4096)
    }

    @Test func cleanHiveKeepsItsContent() throws {
        let (final, _) = L.finalHive()
        let (_, logs) = L.dirtyHiveWithLog(entries: 2)
        let hive = try RegistryHive(parsing: final, logs: logs)
        #expect(!hive.isDirty && hive.logsReplayed == 0)
        #expect(hive.anomalyCodes == [.logSkipped])
    }

    @Test func badChecksumRecoveredFromTheLog() throws {
        let (final, _) = L.finalHive()
        let (_, logs) = L.dirtyHiveWithLog(entries: 3)
        let primary = L.stalePrimary(final, pages: [1, 2], checksum: false)
        let hive = try RegistryHive(parsing: primary, logs: logs)
        #expect(!hive.checksumValid && hive.isDirty)
        #expect(hive.anomalyCodes.isSuperset(of: [.badChecksum, .baseBlockRecovered, .logReplayed]))
        #expect(hive.baseBlock.checksumValid && hive.baseBlock.fileType == 0)
        #expect(Self.sameContent(hive, try RegistryHive(parsing: final)))
        // Without a log, a wrong checksum is only reported.
        #expect(try RegistryHive(parsing: primary, logs: [Array("garbage".utf8)]).anomalyCodes.contains(.logSkipped))
    }

    @Test func oldFormatLog() throws {
        let (final, _) = L.finalHive()
        let primary = L.stalePrimary(final, pages: [1, 3])
        let hive = try RegistryHive(parsing: primary, logs: [L.oldLog(final, pages: [1, 3])])
        #expect(hive.logsReplayed == 1 && hive.logEntriesReplayed == 16)
        #expect(Self.sameContent(hive, try RegistryHive(parsing: final)))
        // A log of another write (different timestamp) is not applied.
        let other = try RegistryHive(parsing: primary, logs: [L.oldLog(final, pages: [1, 3], lastWritten: 5)])
        #expect(other.logsReplayed == 0)
        #expect(other.anomalies.contains { $0.code == .logSkipped && $0.detail.contains("another write") })
        // A dirty vector that promises more pages than the log holds.
        let cut = Array(L.oldLog(final, pages: [1, 3]).dropLast(600))
        #expect(try RegistryHive(parsing: primary, logs: [cut]).logsReplayed == 0)
    }

    @Test func notLogs() throws {
        let (final, _) = L.finalHive()
        let primary = L.stalePrimary(final, pages: [2])
        let hive = try RegistryHive(
            parsing: primary,
            logs: [[], Array("regf".utf8), final, [UInt8](repeating: 0x41, count: 5000)]
        )
        #expect(hive.logsReplayed == 0)
        #expect(hive.anomalies.filter { $0.code == .logSkipped }.count >= 3)
    }
}
