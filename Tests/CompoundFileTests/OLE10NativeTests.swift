import CompoundFile
import TestSupport
import Testing

@Suite("OLE 1.0 native data")
struct OLE10NativeTests {
    static let invoice = Array(
        ("Invoice 4711 for order 2026-11-03.\r\n"
            + "Please find the details at https://billing.example.invalid/invoice/4711\r\n"
            + "Kind regards, Accounts\r\n").utf8)

    /// Every `\u{1}Ole10Native` stream of the corpus, against the golden (payload SHA-256 and MD5 from Python).
    @Test func corpusObjectsMatchTheGoldens() throws {
        var checked = 0
        for (name, golden) in CorpusTests.goldens where !golden.ole10native.isEmpty {
            let cfb = try CompoundFile(parsing: try golden.input())
            let objects = cfb.embeddedObjects()
            #expect(objects.count == golden.ole10native.count, "\(name)")
            for expected in golden.ole10native {
                let found = try #require(objects.first { $0.entry.path == expected.stream }, "\(name)")
                let native = found.native
                #expect(native.isLink == expected.isLink, "\(name)")
                #expect(native.payload.count == expected.payloadSize, "\(name)")
                if let sha = expected.payloadSHA256 {
                    #expect(HexDigest.sha256(native.payload) == sha, "\(name)")
                }
                if expected.label.allSatisfy(\.isASCII) {
                    #expect(native.label == expected.label)
                    #expect(native.sourcePath == expected.sourcePath ?? native.sourcePath)
                    #expect(native.tempPath == expected.tempPath ?? native.tempPath)
                }
                #expect(!native.isTruncated)
                checked += 1
            }
        }
        #expect(checked >= 4)
    }

    /// calc.exe (MD5 40e85286357723f326980a3b30f84e4f, checked by the fixture script).
    @Test func calcExe() throws {
        let cfb = try CompoundFile(parsing: try Fixture.corpusBytes("oleobj/sample_with_calc_embedded.doc"))
        let object = try #require(cfb.embeddedObjects().first)
        #expect(object.entry.path == "ObjectPool/_1572084892/\u{1}Ole10Native")
        let native = object.native
        #expect(native.label == "calc.exe")
        #expect(native.sourcePath == "C:\\Windows\\System32\\calc.exe")
        #expect(native.tempPath == "C:\\Users\\xxxxx\\AppData\\Local\\Temp\\calc (2).exe")
        #expect(native.kind == 3 && !native.isLink)
        #expect(native.payload.count == 31232 && native.payload.starts(with: Array("MZ".utf8)))
        #expect(HexDigest.sha256(native.payload) == "c74f41325775de4777000161a057342cc57a04e8b7be17b06576412eff574dc5")
        #expect(native.unicodeLabel == "calc.exe")
        #expect(native.unicodeSourcePath == "C:\\Windows\\System32\\calc.exe")
    }

    /// calc.lnk (MD5 6aedb1a876d4ad5236f1fbbbeb7274f3, checked by the fixture script).
    @Test func calcLnk() throws {
        let cfb = try CompoundFile(parsing: try Fixture.corpusBytes("oleobj/sample_with_lnk_file.doc"))
        let native = try #require(cfb.embeddedObjects().first?.native)
        #expect(native.label == "calc.lnk")
        #expect(native.payload.count == 1220)
        #expect(native.payload.starts(with: [0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0]))
        #expect(HexDigest.sha256(native.payload) == "d8019f6968282b9eef712acb82920fd6446e28ac6684b443b5e48be0c79414ea")
    }

    @Test func link() throws {
        let cfb = try CompoundFile(parsing: try Fixture.corpusBytes("oleobj/sample_with_lnk_to_calc.doc"))
        let native = try #require(cfb.embeddedObjects().first?.native)
        #expect(native.isLink && native.kind == 1)
        #expect(native.linkPath == "C:\\Windows\\System32\\calc.exe")
        #expect(native.payload.isEmpty)
    }

    @Test func unicodeNames() throws {
        let cfb = try CompoundFile(parsing: try Fixture.corpusBytes("oleobj/embedded-unicode.doc"))
        let native = try #require(cfb.embeddedObjects().first?.native)
        #expect(native.label.hasPrefix("ünicöde-???"))
        #expect(native.unicodeLabel?.hasPrefix("ünicöde-") == true)
        #expect(native.displayLabel == native.unicodeLabel)
        #expect(native.displayLabel.hasSuffix(".txt") && !native.displayLabel.contains("?"))
    }

    @Test func fixtureStreamAndPackage() throws {
        let stream = try Fixture.bytes("fixtures/ole10native.bin")
        let native = try OLE10Native(parsing: stream)
        #expect(native.totalSize == UInt32(stream.count - 4))
        #expect(Array(native.payload) == Self.invoice)
        #expect(native.label == "invoice.txt")
        #expect(native.unicodeTempPath == native.tempPath)

        let object = try OLE1Object(parsing: try Fixture.bytes("fixtures/package-ole1.bin"))
        #expect(object.formatID == OLE1Object.embedded && object.className == "Package")
        #expect(!object.nativeDataIsCompoundFile && !object.isTruncated && object.trailing.isEmpty)
        let package = try #require(object.package)
        #expect(package.totalSize == nil)
        #expect(Array(package.payload) == Self.invoice)
        #expect(package.sourcePath == "C:\\Users\\clerk\\Desktop\\invoice.txt")

        // Inside the fixture compound file too.
        let cfb = try Fixture.cfb("fixtures/small.cfb")
        #expect(cfb.embeddedObjects().map { Array($0.native.payload) } == [Self.invoice])
    }

    /// Every prefix parses (possibly truncated or as a link) or throws `.badOLEObject`; never traps.
    @Test func dripFeed() throws {
        let stream = try Fixture.bytes("fixtures/ole10native.bin")
        for n in 0..<stream.count {
            do {
                let native = try OLE10Native(parsing: stream[0..<n])
                #expect(native.isTruncated || native.isLink || native.payload.count == Self.invoice.count)
            } catch let error as CFBError {
                #expect(error.code == .badOLEObject)
            }
        }
        let package = try Fixture.bytes("fixtures/package-ole1.bin")
        for n in 0..<package.count {
            if let object = try? OLE1Object(parsing: package[0..<n]) {
                #expect(object.isTruncated || object.package?.isTruncated == true || object.package == nil)
            }
        }
    }

    @Test func hostileFields() throws {
        // A label without a NUL.
        let noNUL: [UInt8] = [0x10, 0, 0, 0, 2, 0] + Array(repeating: 0x41, count: 2000)
        #expect(throws: CFBError.badOLEObject) { try OLE10Native(parsing: noNUL) }
        // A payload size of 4 GB with 3 bytes of payload.
        var huge: [UInt8] = [0, 0, 0, 0, 2, 0, 0x61, 0, 0x62, 0, 0, 0, 3, 0, 2, 0, 0, 0, 0x63, 0]
        huge += [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]
        let native = try OLE10Native(parsing: huge)
        #expect(native.isTruncated && Array(native.payload) == [1, 2, 3] && native.declaredPayloadSize == .max)
        // An OLE1 object whose class name claims 4 GB.
        let object: [UInt8] = [1, 5, 0, 0, 2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x41]
        #expect(throws: CFBError.badOLEObject) { try OLE1Object(parsing: object) }
        #expect(throws: CFBError.badOLEObject) { try OLE1Object(parsing: [1, 5, 0, 0, 9, 0, 0, 0]) }
    }
}
