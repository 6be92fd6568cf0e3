import ByteCursor
import Testing
import ZIP

@Suite("Malicious structures become anomalies")
struct AnomalyTests {
    @Test func overlappingEntriesZipBomb() throws {
        let zip = try Fixture.archive("overlap-bomb.zip")
        #expect(zip.entries.count == 8)
        let overlaps = zip.anomalies(.overlappingEntries)
        #expect(overlaps.count == 7)
        #expect(Set(overlaps.compactMap(\.entryIndex)) == Set(1..<8))
        // Every entry still extracts: each inflates to the quoted headers after it and the kernel.
        var total = 0
        for entry in zip.entries {
            let x = try zip.extract(entry)
            #expect(x.crcValid, "\(entry.name)")
            total += x.output.totalBytes
        }
        #expect(total > 8 * (256 << 10))
    }

    @Test func nestedZipBomb() throws {
        let outer = try Fixture.archive("nested-bomb.zip")
        #expect(outer.anomalies.isEmpty, "\(outer.anomalies)")
        let middleBytes = try outer.extract(try #require(outer.entry("level1.zip"))).output.bytes
        let middle = try ZIPArchive(parsing: middleBytes)
        let innerBytes = try middle.extract(try #require(middle.entry("level2.zip"))).output.bytes
        let inner = try ZIPArchive(parsing: innerBytes)
        let zeros = try #require(inner.entry("zeros.bin"))
        let x = try inner.extract(zeros)
        #expect(x.output.bytes.isEmpty)
        #expect(x.output.padding == [ZeroRun(offset: 0, length: 1 << 20)])
        #expect(x.crcValid)
        #expect(x.compressionRatio > 500)
    }

    @Test func truncatedArchiveFallsBackToLocalHeaders() throws {
        let zip = try Fixture.archive("truncated.zip")
        #expect(zip.anomalyCodes.contains("no-central-directory"))
        #expect(zip.anomalyCodes.contains("truncated"))
        #expect(zip.entries.map(\.name) == ["invoice.txt", "report.txt"])
        #expect(zip.entries.allSatisfy { !$0.isHiddenLocalEntry })
        #expect(try zip.extract(zip.entries[0]).output.bytes == Fixture.invoice)
        let partial = try zip.extract(zip.entries[1])
        #expect(partial.inputTruncated)
        #expect(!partial.crcValid)
        #expect(partial.output.bytes.count > 0)
        #expect(Fixture.report.starts(with: partial.output.bytes))
    }

    @Test func localCentralMismatch() throws {
        let zip = try Fixture.archive("local-central-mismatch.zip")
        let mismatch = zip.anomalies(.localCentralMismatch)
        #expect(mismatch.count == 1)
        #expect(mismatch.first?.entryIndex == 1)
        #expect(mismatch.first?.detail.contains("readme.vbs") == true)
        #expect(mismatch.first?.detail.contains("crc") == true)
        // The central CRC is wrong: extraction reports it without throwing (the entry is not encrypted).
        let x = try zip.extract(zip.entries[1])
        #expect(x.output.bytes == Fixture.readme)
        #expect(!x.crcValid)
    }

    @Test func hiddenLocalEntry() throws {
        let zip = try Fixture.archive("hidden-entry.zip")
        #expect(zip.entries.map(\.name) == ["invoice.txt", "hidden.txt"])
        #expect(zip.entries.map(\.isHiddenLocalEntry) == [false, true])
        let hidden = zip.anomalies(.entryNotInCentralDirectory)
        #expect(hidden.count == 1 && hidden.first?.entryIndex == 1)
        #expect(zip.anomalyCodes == ["entry-not-in-central-directory"])
        let x = try zip.extract(zip.entries[1])
        #expect(x.output.bytes == Array("This entry is not in the central directory.\n".utf8))
        #expect(x.crcValid)
    }

    @Test func prependedData() throws {
        let zip = try Fixture.archive("prepended.zip")
        #expect(zip.anomalyCodes == ["data-before-archive"])
        let entry = try #require(zip.entries.first)
        #expect(entry.localHeaderOffset > 0)
        #expect(try zip.extract(entry).output.bytes == Fixture.invoice)
    }

    @Test func pathTraversal() throws {
        let zip = try Fixture.archive("path-traversal.zip")
        let flagged = zip.anomalies(.pathTraversal).compactMap(\.entryIndex)
        #expect(flagged == [0, 1, 2])
        #expect(zip.anomalies.count == 3)
    }

    @Test func duplicateName() throws {
        let zip = try Fixture.archive("duplicate-name.zip")
        #expect(zip.anomalyCodes == ["duplicate-name"])
        #expect(zip.anomalies.first?.entryIndex == 1)
    }

    @Test func concatenatedArchives() throws {
        let zip = try Fixture.archive("concatenated.zip")
        #expect(zip.anomalyCodes.contains("multiple-end-records"))
        // The last end record wins; the first archive's entry is a local header it does not list.
        #expect(zip.entries.map(\.name) == ["second.txt", "first.txt"])
        #expect(zip.entries[1].isHiddenLocalEntry)
        #expect(try zip.extract(zip.entries[0]).output.bytes == Fixture.invoice)
        #expect(try zip.extract(zip.entries[1]).output.bytes == Fixture.readme)
    }

    @Test func dataAfterArchive() throws {
        let zip = try Fixture.archive("data-after.zip")
        #expect(zip.anomalyCodes == ["data-after-archive"])
        #expect(zip.comment == "fixture")
    }

    @Test func commentLengthPastTheEnd() throws {
        let zip = try Fixture.archive("bad-comment-length.zip")
        #expect(zip.anomalyCodes == ["bad-comment-length"])
        #expect(zip.comment == "short comment")
        #expect(zip.entries.count == 1)
    }

    @Test func centralDirectoryCountMismatch() throws {
        let zip = try Fixture.archive("count-mismatch.zip")
        #expect(zip.anomalyCodes == ["central-directory-count-mismatch"])
        #expect(zip.entries.count == 1)
    }

    @Test func encryptedNameMismatch() throws {
        let zip = try Fixture.archive("encrypted-name-mismatch.zip")
        let found = zip.anomalies(.encryptedNameMismatch)
        #expect(found.count == 1)
        #expect(found.first?.detail.contains("invoice.exe") == true)
    }

    @Test func notAZIP() {
        #expect(throws: ZIPError.notZIP) { try ZIPArchive(parsing: Array("hello, not a zip".utf8)) }
        #expect(throws: ZIPError.notZIP) { try ZIPArchive(parsing: [UInt8]()) }
    }

    @Test func emptyArchive() throws {
        let zip = try ZIPArchive(parsing: ZIPBuilder().finished())
        #expect(zip.entries.isEmpty)
        #expect(zip.anomalies.isEmpty)
    }
}
