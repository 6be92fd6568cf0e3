import Testing
import ZIP

@Suite("Archives made by real tools")
struct FixtureTests {
    @Test func infoZIPPlain() throws {
        let zip = try Fixture.archive("infozip-plain.zip")
        #expect(Set(zip.entries.map(\.name)) == ["docs/", "docs/readme.txt", "docs/report.txt", "invoice.txt"])
        #expect(zip.anomalies.isEmpty, "\(zip.anomalies)")
        #expect(!zip.isEncrypted)
        #expect(!zip.isZIP64)
        let dir = try #require(zip.entry("docs/"))
        #expect(dir.isDirectory)
        let report = try #require(zip.entry("docs/report.txt"))
        #expect(report.method == ZIPMethod.deflate)
        #expect(report.methodName == "deflate")
        #expect(report.uncompressedSize == UInt64(Fixture.report.count))
        #expect(report.modified.year == 2026 && report.modified.month == 11 && report.modified.day == 3)
        for (name, text) in [
            ("docs/report.txt", Fixture.report), ("docs/readme.txt", Fixture.readme), ("invoice.txt", Fixture.invoice),
        ] {
            let entry = try #require(zip.entry(name))
            let x = try zip.extract(entry)
            #expect(x.output.bytes == text, "\(name)")
            #expect(x.crcValid)
            #expect(!x.stoppedAtLimit)
        }
    }

    @Test func zipCryptoEntries() throws {
        let zip = try Fixture.archive("zipcrypto.zip")
        #expect(zip.isEncrypted)
        #expect(zip.entries.map(\.encryption) == [.zipCrypto, .zipCrypto])
        #expect(zip.anomalies.isEmpty, "\(zip.anomalies)")
        for (name, text) in [("invoice.txt", Fixture.invoice), ("report.txt", Fixture.report)] {
            let entry = try #require(zip.entry(name))
            #expect(zip.passwordMatches(Fixture.password, for: entry))
            let x = try zip.extract(entry, password: Fixture.password)
            #expect(x.output.bytes == text)
            #expect(x.crcValid)
        }
    }

    @Test func zipCryptoStreamedWithDataDescriptor() throws {
        let zip = try Fixture.archive("zipcrypto-stream.zip")
        let entry = try #require(zip.entries.first)
        #expect(entry.encryption == .zipCrypto)
        #expect(entry.hasDataDescriptor)
        #expect(zip.anomalies.isEmpty, "\(zip.anomalies)")
        #expect(zip.passwordMatches(Fixture.password, for: entry))
        let x = try zip.extract(entry, password: Fixture.password)
        #expect(x.output.bytes == Fixture.invoice)
        #expect(x.crcValid)
    }

    @Test(arguments: [("aes256.zip", 256), ("aes128.zip", 128)])
    func winZipAES(file: String, bits: Int) throws {
        let zip = try Fixture.archive(file)
        #expect(zip.anomalies.isEmpty, "\(zip.anomalies)")
        let invoice = try #require(zip.entry("invoice.txt"))
        let readme = try #require(zip.entry("readme.txt"))
        guard case .winZipAES(let b, let version, let method) = invoice.encryption else {
            Issue.record("not AES: \(invoice.encryption)")
            return
        }
        #expect(b == bits)
        #expect(version == 1 || version == 2)
        #expect(method == ZIPMethod.deflate && invoice.method == ZIPMethod.deflate)
        #expect(readme.method == ZIPMethod.stored)
        for (entry, text) in [(invoice, Fixture.invoice), (readme, Fixture.readme)] {
            #expect(zip.passwordMatches(Fixture.password, for: entry))
            #expect(!zip.passwordMatches(Array("k7xq2m".utf8), for: entry))
            let x = try zip.extract(entry, password: Fixture.password)
            #expect(x.output.bytes == text)
            #expect(x.crcValid)
        }
    }

    @Test func zip64ForcedByPython() throws {
        let zip = try Fixture.archive("zip64-forced.zip")
        #expect(zip.isZIP64)
        #expect(zip.anomalies.isEmpty, "\(zip.anomalies)")
        let entry = try #require(zip.entry("report.txt"))
        #expect(entry.uncompressedSize == UInt64(Fixture.report.count))
        #expect(try zip.extract(entry).output.bytes == Fixture.report)
    }

    @Test func zip64AllRecords() throws {
        let zip = try Fixture.archive("zip64-full.zip")
        #expect(zip.isZIP64)
        #expect(zip.anomalies.isEmpty, "\(zip.anomalies)")
        let entry = try #require(zip.entry("report.txt"))
        #expect(entry.uncompressedSize == UInt64(Fixture.report.count))
        #expect(entry.localHeaderOffset == 0)
        let x = try zip.extract(entry)
        #expect(x.output.bytes == Fixture.report)
        #expect(x.crcValid)
    }

    @Test func dataDescriptors() throws {
        let zip = try Fixture.archive("data-descriptor.zip")
        #expect(zip.entries.map(\.name) == ["invoice.txt", "report.txt"])
        #expect(zip.entries.allSatisfy { $0.hasDataDescriptor })
        #expect(zip.anomalies.isEmpty, "\(zip.anomalies)")
        #expect(try zip.extract(zip.entries[1]).output.bytes == Fixture.report)
    }

    @Test func unsupportedMethodIsNamed() throws {
        let zip = try Fixture.archive("bzip2.zip")
        let entry = try #require(zip.entries.first)
        #expect(entry.method == ZIPMethod.bzip2)
        #expect(entry.methodName == "bzip2")
        #expect(zip.anomalyCodes == ["unsupported-method"])
        #expect(throws: ZIPError.unsupportedMethod) { try zip.extract(entry) }
    }

    @Test func namesInShiftJISAndUTF8() throws {
        let sjis = try Fixture.archive("sjis-name.zip")
        #expect(sjis.entries.first?.name == "請求書.xlsm")
        #expect(((sjis.entries.first?.flags ?? 0) & (1 << 11)) == 0)
        #expect(sjis.entries.first?.rawName == [0x90, 0xBF, 0x8B, 0x81, 0x8F, 0x91] + Array(".xlsm".utf8))
        let utf8 = try Fixture.archive("utf8-name.zip")
        #expect(utf8.entries.first?.name == "請求書.xlsm")
        #expect(try utf8.extract(try #require(utf8.entries.first)).output.bytes == Fixture.invoice)
        let unicodeExtra = try Fixture.archive("unicode-path-extra.zip")
        #expect(unicodeExtra.entries.first?.name == "Résumé.txt")
        let cp437 = try Fixture.archive("cp437-name.zip")
        #expect(cp437.entries.first?.name == "cafü é.txt")
    }
}
