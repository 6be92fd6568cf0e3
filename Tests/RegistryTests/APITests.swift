import Foundation
import Registry
import Testing

/// The public API on a hive written by ``HiveBuilder`` and on the corpus.
@Suite("API")
struct APITests {
    static let sample = HiveBuilder.sample()

    static func hive() throws -> RegistryHive { try RegistryHive(parsing: sample.bytes) }

    @Test func sampleIsClean() throws {
        let hive = try Self.hive()
        #expect(hive.anomalies.isEmpty, "\(hive.anomalies)")
        #expect(!hive.isDirty)
        #expect(hive.checksumValid)
        #expect(hive.logsReplayed == 0)
        #expect(hive.root.name == "ROOT")
        #expect(hive.root.path == "")
        #expect(hive.root.depth == 0)
        #expect(hive.baseBlock.fileName == "\\??\\C:\\test\\hive")
        #expect(hive.keyCount == 20)
    }

    @Test func pathsAndLookups() throws {
        let hive = try Self.hive()
        let run = try #require(hive.key(path: "Software\\Microsoft\\Windows\\CurrentVersion\\Run"))
        #expect(run.name == "Run")
        #expect(run.path == "Software\\Microsoft\\Windows\\CurrentVersion\\Run")
        #expect(run.depth == 5)
        // Case-insensitive, leading and doubled backslashes ignored.
        #expect(hive.key(path: "\\SOFTWARE\\microsoft\\\\windows\\currentversion\\RUN")?.cellOffset == run.cellOffset)
        #expect(hive.key(path: "")?.cellOffset == hive.root.cellOffset)
        #expect(hive.key(path: "Software\\Nope") == nil)
        #expect(hive.key(path: "ωMEGA")?.name == "Ωmega")
        let parent = try #require(hive.parent(of: run))
        #expect(parent.path == "Software\\Microsoft\\Windows\\CurrentVersion")
        #expect(hive.parent(of: hive.root) == nil)
        #expect(hive.subkeys(of: parent).map(\.name) == ["Run", "RunOnce"])
        #expect(hive.subkey("runonce", of: parent)?.path == "Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce")
        let many = try #require(hive.key(path: "Many"))
        #expect(hive.subkeys(of: many).map(\.name) == (0..<10).map { "k\($0)" })
        #expect(many.subkeyCount == 10 && many.declaredSubkeyCount == 10)
    }

    @Test func values() throws {
        let hive = try Self.hive()
        let run = try #require(hive.key(path: "Software\\Microsoft\\Windows\\CurrentVersion\\Run"))
        #expect(hive.valueNames(of: run) == ["Updater", ""])
        let updater = try #require(hive.value("updater", in: run))
        #expect(updater.type == .string)
        #expect(updater.string == "C:\\Users\\x\\AppData\\Local\\updater.exe")
        #expect(hive.value("", in: run)?.string == "default")

        let types = try #require(hive.key(path: "types"))
        #expect(types.className == "Skew1")
        let byName = Dictionary(uniqueKeysWithValues: hive.values(of: types).map { ($0.name, $0) })
        #expect(byName["none"]?.type == RegistryValueType.none)
        #expect(byName["none"]?.data == [1, 2, 3, 4, 5])
        #expect(byName["sz"]?.string == "text")
        #expect(byName["expand"]?.type == .expandString)
        #expect(byName["expand"]?.string == "%SystemRoot%\\x")
        #expect(byName["binary"]?.data == [0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01])
        #expect(byName["dword"]?.integer == 0x1234_5678)
        #expect(byName["dword"]?.storage == .inline)
        #expect(byName["dwordBE"]?.integer == 0x1234_5678)
        #expect(byName["link"]?.string == "\\Registry\\Machine\\Target")
        #expect(byName["multi"]?.strings == ["a", "bc"])
        #expect(byName["resources"]?.type == .resourceList)
        #expect(byName["qword"]?.integer == 0x0102_0304_0506_0708)
        #expect(byName["rid"]?.type == .unknown(0x3E9))
        #expect(byName["rid"]?.type.name == "REG_UNKNOWN_0x3E9")
        #expect(byName["rid"]?.storage == RegistryValue.Storage.none)
        let big = try #require(byName["big"])
        #expect(big.storage == .bigData)
        #expect(big.data == (0..<40000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        #expect(!big.isTruncated && big.declaredSize == 40000)
        #expect(byName["inline2"]?.data == [0xAB, 0xCD])
        #expect(byName["Ünïcode"]?.string == "ü")
        #expect(byName["café"]?.string == "latin1 name")
        #expect(hive.value("CAFÉ", in: types)?.name == "café")
    }

    @Test func walkIsDepthFirstAndComplete() throws {
        let hive = try Self.hive()
        var paths: [String] = []
        var values = 0
        hive.walk { key, v in
            paths.append(key.path)
            values += v.count
        }
        #expect(paths.count == hive.keyCount)
        #expect(values == hive.valueCount)
        #expect(
            paths.prefix(7) == [
                "", "Software", "Software\\Microsoft", "Software\\Microsoft\\Windows",
                "Software\\Microsoft\\Windows\\CurrentVersion", "Software\\Microsoft\\Windows\\CurrentVersion\\Run",
                "Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
            ]
        )
        struct Stop: Error {}
        #expect(throws: Stop.self) { try hive.walk { _, _ in throw Stop() } }
    }

    @Test func valueTypeNames() {
        let names = (0...11).map { RegistryValueType(rawValue: $0).name }
        #expect(
            names == [
                "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN", "REG_LINK",
                "REG_MULTI_SZ", "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTOR", "REG_RESOURCE_REQUIREMENTS_LIST",
                "REG_QWORD",
            ]
        )
        #expect((0...11).allSatisfy { RegistryValueType(rawValue: $0).rawValue == $0 })
        #expect(RegistryValueType(rawValue: 16).name == "REG_FILETIME")
        #expect(RegistryValueType(rawValue: 0xFFFF_0012) == .unknown(0xFFFF_0012))
    }

    @Test func lastWrittenDate() throws {
        let hive = try Corpus.hive("NTUSER.DAT")
        let run = try #require(hive.key(path: "Software\\Microsoft\\Windows\\CurrentVersion\\Run"))
        let year = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "UTC")!,
            from: run.lastWrittenDate
        ).year
        #expect(year.map { (2009...2030).contains($0) } == true)
    }

    /// EmoCheck's first question: what runs at logon. regipy reads the same value (golden NTUSER.DAT).
    @Test func ntuserRunHoldsSidebar() throws {
        let hive = try Corpus.hive("NTUSER.DAT")
        let run = try #require(hive.key(path: "Software\\Microsoft\\Windows\\CurrentVersion\\Run"))
        let sidebar = try #require(hive.value("Sidebar", in: run))
        #expect(sidebar.type == .expandString)
        #expect(sidebar.string == "%ProgramFiles%\\Windows Sidebar\\Sidebar.exe /autoRun")
        let golden = try Golden.load("NTUSER.DAT")
        let g = try #require(
            golden.keys["\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"]?.first?.values.first {
                $0.name == "Sidebar"
            }
        )
        #expect(g.type == "REG_EXPAND_SZ")
        #expect(Regipy.representation(.str(try #require(sidebar.string), viaUTF16: true)) == g.representation)
    }
}
