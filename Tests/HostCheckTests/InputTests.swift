import ByteCursor
import Foundation
import HostCheck
import TestSupport
import Testing

@Suite struct ProcessListTests {
    func parse(_ resource: String) throws -> ([ProcessRecord], ProcessListFormat) {
        let (r, f) = try ProcessListReader.parse(try Fixtures.resource("hostcheck/processes/" + resource)[...], source: resource)
        return (r, f)
    }

    @Test func tasklistInEnglish() throws {
        let (records, format) = try parse("v1-tasklist-en.csv")
        #expect(format == .tasklist)
        #expect(records.count == 4)
        #expect(records.first { $0.pid == 2816 }?.name == "multformat.exe")
        #expect(records.allSatisfy { $0.commandLine == nil && !$0.nameTruncated })
    }

    @Test func tasklistInJapaneseCP932() throws {
        let bytes = try Fixtures.resource("hostcheck/processes/2022-tasklist-ja.csv")
        #expect(String(bytes: bytes, encoding: .utf8) == nil, "the fixture is CP932, not UTF-8")
        let (records, format) = try parse("2022-tasklist-ja.csv")
        #expect(format == .tasklist)
        #expect(records.map(\.name) == ["System Idle Process", "explorer.exe", "regsvr32.exe"])
    }

    @Test func tasklistInJapaneseUTF16AsPowerShellRedirects() throws {
        let text = "\"イメージ名\",\"PID\",\"セッション名\"\r\n\"regsvr32.exe\",\"6620\",\"Console\"\r\n"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in text.utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let (records, _) = try ProcessListReader.parse(bytes[...], source: "ps.csv")
        #expect(records.map(\.pid) == [6620])
    }

    @Test func exportCsvOfWin32Process() throws {
        let (records, format) = try parse("v2-cim.csv")
        #expect(format == .cimCSV)
        let emotet = try #require(records.first { $0.pid == 3120 })
        #expect(emotet.name == "ellipsebid.exe")
        #expect(emotet.imagePath == #"C:\Users\alice\AppData\Local\ellipsebid\ellipsebid.exe"#)
        #expect(emotet.commandLine == #""C:\Users\alice\AppData\Local\ellipsebid\ellipsebid.exe""#)
        #expect(records.first { $0.pid == 804 }?.imagePath == nil)
    }

    @Test func volatilityTextPslistAndCmdlineMerge() throws {
        let (pslist, f1) = try parse("v3-pslist.txt")
        let (cmdline, f2) = try parse("v3-cmdline.txt")
        #expect(f1 == .volatilityPslist)
        #expect(f2 == .volatilityCmdline)
        #expect(!pslist.contains { $0.name == "setup.exe" }, "an exited process is not running")
        var s = HostSnapshot()
        s.addProcesses(pslist, source: "pslist")
        s.addProcesses(cmdline, source: "cmdline")
        let list = try #require(s.processes)
        #expect(list.processes.count == 3)
        #expect(list.processes.first { $0.pid == 4 }?.commandLine == nil, "'Required memory' is not a command line")
        #expect(list.processes.first { $0.pid == 4242 }?.commandLine == #""C:\Users\alice\AppData\Local\wscapi\wscapi.exe""#)
        #expect(list.processes.allSatisfy { $0.nameTruncated })
    }

    @Test func volatilityCSVRenderer() throws {
        let (cmdline, format) = try parse("v5-cmdline.csv")
        #expect(format == .volatilityCmdline)
        #expect(cmdline.first { $0.pid == 5012 }?.commandLine?.contains(#""C:\Users\alice\AppData\Local\Xkqpzmw\ljbrtw.dll",Control_RunDLL"#) == true)
    }

    @Test func noHeaderIsAnError() {
        #expect(throws: HostCheckError.badProcessList) {
            try ProcessListReader.parse(Array("hello\nworld\n".utf8)[...], source: "x")
        }
        #expect(throws: HostCheckError.badProcessList) { try ProcessListReader.parse([][...], source: "x") }
    }

    @Test func limitsHold() {
        var limits = HostCheckLimits()
        limits.maxProcesses = Limit("hostcheck.maxProcesses", 2)
        let text = "\"Image Name\",\"PID\"\n\"a\",\"1\"\n\"b\",\"2\"\n\"c\",\"3\"\n"
        #expect(throws: HostCheckError.limitExceeded) {
            try ProcessListReader.parse(Array(text.utf8)[...], source: "x", limits: limits)
        }
        limits = HostCheckLimits()
        limits.maxFieldBytes = Limit("hostcheck.maxFieldBytes", 16)
        let long = "\"Name\",\"ProcessId\",\"CommandLine\"\n\"a.exe\",\"1\",\"" + String(repeating: "x", count: 100) + "\"\n"
        let r = try? ProcessListReader.parse(Array(long.utf8)[...], source: "x", limits: limits)
        #expect(r?.records.first?.commandLine?.count == 16)
    }

    @Test func everyPrefixOfAListParsesOrFailsCleanly() throws {
        let bytes = try Fixtures.resource("hostcheck/processes/v2-cim.csv")
        for n in stride(from: 0, through: bytes.count, by: 7) {
            _ = try? ProcessListReader.parse(bytes[0..<n], source: "prefix")
        }
    }
}

@Suite struct VolumeSerialTests {
    @Test func handWrittenSerials() {
        #expect(VolumeSerialReader.parse(hex: "1234-ABCD") == 0x1234_ABCD)
        #expect(VolumeSerialReader.parse(hex: "0x1234abcd") == 0x1234_ABCD)
        #expect(VolumeSerialReader.parse(hex: "ffffffff") == 0xFFFF_FFFF)
        #expect(VolumeSerialReader.parse(hex: "0") == 0)
        #expect(VolumeSerialReader.parse(hex: "1234-ABCDE") == nil)
        #expect(VolumeSerialReader.parse(hex: "vol.txt") == nil)
        #expect(VolumeSerial(0xAB, source: "").formatted == "0000-00AB")
    }

    @Test func ntfsBootSectorLow32Bits() {
        let boot = Stubs.bootSector(serial: 0x5E1A_7C39)
        #expect(VolumeSerialReader.fromBootSector(boot[...]) == 0x5E1A_7C39)
        var fat = boot
        fat.replaceSubrange(3..<11, with: Array("MSDOS5.0".utf8))
        #expect(VolumeSerialReader.fromBootSector(fat[...]) == nil)
        #expect(VolumeSerialReader.fromBootSector(boot[0..<0x40]) == nil)
    }

    @Test func volOutputInEnglishAndJapanese() throws {
        #expect(VolumeSerialReader.fromVolOutput(" Volume in drive C is Windows\r\n Volume Serial Number is 1234-ABCD\r\n") == 0x1234_ABCD)
        #expect(VolumeSerialReader.fromVolOutput(" ボリューム シリアル番号は 0C0F-FEE0 です") == 0x0C0F_FEE0)
        #expect(VolumeSerialReader.fromVolOutput("no serial 11234-ABCD") == nil)
        let ja = Fixtures.resourcePath("hostcheck/processes/v2-vol-ja.txt")
        let serial = try VolumeSerialReader.read(ja)
        #expect(serial.value == 0x1234_ABCD)
        #expect(serial.source.contains("vol output"))
    }

    @Test func bootFileAndMBRDiskImage() throws {
        let dir = try Fixtures.tempDir()
        let boot = dir.appendingPathComponent("$Boot")
        try Data(Stubs.bootSector(serial: 0xCAFE_BABE) + [UInt8](repeating: 0, count: 8192 - 512)).write(to: boot)
        #expect(try VolumeSerialReader.read(boot.path).value == 0xCAFE_BABE)
        // An MBR disk image whose first partition (type 0x07) starts at LBA 2048.
        var mbr = [UInt8](repeating: 0, count: 512)
        mbr[446 + 4] = 0x07
        mbr[446 + 8] = 0x00
        mbr[446 + 9] = 0x08
        mbr[510] = 0x55
        mbr[511] = 0xAA
        let image = mbr + [UInt8](repeating: 0, count: 2048 * 512 - 512) + Stubs.bootSector(serial: 0x0102_0304)
        let url = dir.appendingPathComponent("disk.img")
        try Data(image).write(to: url)
        #expect(try VolumeSerialReader.read(url.path).value == 0x0102_0304)
        #expect(throws: HostCheckError.badVolumeSerial) { try VolumeSerialReader.read("/nonexistent/vol.txt") }
        let junk = dir.appendingPathComponent("junk.bin")
        try Data([UInt8](repeating: 0x41, count: 100)).write(to: junk)
        #expect(throws: HostCheckError.badVolumeSerial) { try VolumeSerialReader.read(junk.path) }
    }
}

@Suite struct CollectorSnapshotTests {
    @Test func theHandWrittenSampleParses() throws {
        let s = try CollectorSnapshotReader.read(path: Fixtures.resourcePath("hostcheck/snapshots/collector-sample.json"))
        #expect(s.hostname == "PC-SALES-07")
        #expect(s.volumeSerial?.value == 0xCAFE_BABE)
        #expect(s.processes?.processes.count == 4)
        #expect(s.runValues.count == 2)
        #expect(s.explorerValues.count == 4)
        #expect(s.services.count == 2)
        #expect(s.folders.map(\.role) == [.localAppData, .systemX86])
        #expect(s.systemFilesListed)
        #expect(s.allowlist.contains("microsoft"))
        let update = s.folders[0].entries.first { $0.record.name == "Vendorup" }?.children.first
        #expect(update?.head == [0x4D, 0x5A])
        #expect(update?.lastWritten == 132_531_048_000_000_000)
    }

    @Test func theSampleIsInfectedByV2AndV4() throws {
        let s = try CollectorSnapshotReader.read(path: Fixtures.resourcePath("hostcheck/snapshots/collector-sample.json"))
        let r = HostChecker(inspector: nil).check(s)
        #expect(r.detections.map(\.generation) == [.v2, .v4])
        let v2 = try #require(r.detections.first)
        #expect(v2.processName == "pfxguid.exe")
        #expect(v2.confirmation == .running)
        #expect(v2.file?.windowsPath == #"C:\Users\sato\AppData\Local\pfxguid\pfxguid.exe"#)
        let v4 = try #require(r.detections.last)
        #expect(v4.rule == "hostcheck.v4.rundll32-service")
        #expect(v4.confirmation == .running, "the System32 spelling of the SysWOW64 path")
        #expect(v4.processes.map(\.pid) == [3388])
    }

    @Test func utf8BOMAndUTF16AreRead() throws {
        let json = #"{"schema":"emoguard.host-snapshot","schemaVersion":1,"hostname":"Ｈ"}"#
        let bom = [0xEF, 0xBB, 0xBF] + Array(json.utf8)
        #expect(try CollectorSnapshotReader.parse(bom[...]).hostname == "Ｈ")
        var utf16: [UInt8] = [0xFF, 0xFE]
        for u in json.utf16 { utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        #expect(try CollectorSnapshotReader.parse(utf16[...]).hostname == "Ｈ")
    }

    @Test func badDocumentsAreRefused() {
        for doc in [
            "", "[]", "{}", #"{"schema":"other","schemaVersion":1}"#, #"{"schema":"emoguard.host-snapshot","schemaVersion":2}"#,
            #"{"schema":"emoguard.host-snapshot","schemaVersion":1,"volumeSerial":"xyz"}"#,
            #"{"schema":"emoguard.host-snapshot","schemaVersion":1,"registry":[{"root":"HKCR","key":"x"}]}"#,
            #"{"schema":"emoguard.host-snapshot","schemaVersion":1,"folders":[{"role":"Desktop","path":"x"}]}"#,
            #"{"schema":"emoguard.host-snapshot","schemaVersion":1,"folders":[{"role":"SysWOW64","path":"x","entries":[{"name":"a","head":"4g"}]}]}"#,
            #"{"schema":"emoguard.host-snapshot","schemaVersion":1,"processes":[{"pid":1}]}"#,
        ] {
            #expect(throws: HostCheckError.badSnapshot, "\(doc)") { try CollectorSnapshotReader.parse(Array(doc.utf8)[...]) }
        }
        var limits = HostCheckLimits()
        limits.maxSnapshotBytes = Limit("hostcheck.maxSnapshotBytes", 10)
        #expect(throws: HostCheckError.limitExceeded) {
            try CollectorSnapshotReader.parse(Array(#"{"schema":"emoguard.host-snapshot"}"#.utf8)[...], limits: limits)
        }
    }
}

@Suite struct TriageFolderTests {
    func makeDir(_ url: URL) throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

    @Test func theVolumeRootIsFoundBelowTheFolderAndNamesTheDrive() throws {
        let d = try Fixtures.tempDir()
        try makeDir(d.appendingPathComponent("uploads/auto/D%3A/windows/system32"))
        try makeDir(d.appendingPathComponent("uploads/auto/D%3A/users/bob/appdata/local/Temp"))
        let reader = TriageFolderReader()
        let root = try #require(reader.findVolumeRoot(d.path))
        #expect(root.drive == "D:")
        let s = try reader.read(d.path)
        #expect(s.systemDrive == "D:")
        #expect(s.folders.first { $0.role == .localAppData }?.windowsPath == #"D:\Users\bob\AppData\Local"#)
        #expect(s.notes.contains { $0.id == "hive-missing" })
    }

    @Test func velociraptorsDeviceNameGivesTheLetter() throws {
        let d = try Fixtures.tempDir()
        try makeDir(d.appendingPathComponent("%5C%5C.%5CC%3A/Windows"))
        #expect(TriageFolderReader().findVolumeRoot(d.path)?.drive == "C:")
    }

    @Test func aFolderWithoutWindowsIsAnError() throws {
        let d = try Fixtures.tempDir()
        try makeDir(d.appendingPathComponent("a/b"))
        #expect(throws: HostCheckError.notWindowsVolume) { try TriageFolderReader().read(d.path) }
        #expect(throws: HostCheckError.notFound) { try TriageFolderReader().read(d.path + "/missing") }
    }

    @Test func symbolicLinksAreNeverFollowed() throws {
        let d = try Fixtures.tempDir()
        let outside = try Fixtures.tempDir()
        try makeDir(outside.appendingPathComponent("Qwertyu"))
        try Data(Stubs.pe()).write(to: outside.appendingPathComponent("Qwertyu/abcdef.xyz"))
        try Data(Stubs.pe()).write(to: outside.appendingPathComponent("secret.dll"))
        let local = d.appendingPathComponent("C/Users/alice/AppData/Local")
        try makeDir(local)
        try makeDir(d.appendingPathComponent("C/Windows/System32"))
        let fm = FileManager.default
        try fm.createSymbolicLink(at: local.appendingPathComponent("Qwertyu"), withDestinationURL: outside.appendingPathComponent("Qwertyu"))
        try makeDir(local.appendingPathComponent("Real"))
        try fm.createSymbolicLink(at: local.appendingPathComponent("Real/abcdef.xyz"), withDestinationURL: outside.appendingPathComponent("secret.dll"))
        try fm.createSymbolicLink(at: d.appendingPathComponent("C/Users/mallory"), withDestinationURL: outside)
        let s = try TriageFolderReader().read(d.path)
        let folder = try #require(s.folders.first { $0.role == .localAppData })
        #expect(s.folders.filter { $0.role == .localAppData }.count == 1, "the linked profile is skipped")
        #expect(folder.entries.map(\.record.name) == ["Real"])
        #expect(folder.entries.first?.children.isEmpty == true)
    }

    @Test func listingsAreBoundedByTheLimit() throws {
        let d = try Fixtures.tempDir()
        let local = d.appendingPathComponent("C/Users/alice/AppData/Local/Many")
        try makeDir(local)
        try makeDir(d.appendingPathComponent("C/Windows"))
        for i in 0..<50 { try Data().write(to: local.appendingPathComponent("f\(i).tmp")) }
        var limits = HostCheckLimits()
        limits.maxFolderEntries = Limit("hostcheck.maxFolderEntries", 20)
        let s = try TriageFolderReader(limits: limits).read(d.path)
        let folder = try #require(s.folders.first)
        #expect(folder.truncated)
        #expect(folder.entries.reduce(0) { $0 + 1 + $1.children.count } <= 20)
        #expect(s.notes.contains { $0.id == "listing-truncated" })
    }

    @Test func anUnreadableHiveIsANoteNotAFailure() throws {
        let d = try Fixtures.tempDir()
        try makeDir(d.appendingPathComponent("C/Windows/System32/config"))
        try makeDir(d.appendingPathComponent("C/Users/alice"))
        try Data("not a hive".utf8).write(to: d.appendingPathComponent("C/Windows/System32/config/SYSTEM"))
        try Data(Array(try Fixtures.hive("corpus:NTUSER.DAT.xz").prefix(6000))).write(to: d.appendingPathComponent("C/Users/alice/NTUSER.DAT"))
        let s = try TriageFolderReader().read(d.path)
        #expect(s.notes.filter { $0.id == "hive-unreadable" }.count >= 1)
    }

    @Test func theRealHivesGiveRunValuesServicesAndTheComputerName() throws {
        let d = try Fixtures.tempDir()
        try makeDir(d.appendingPathComponent("C/Windows/System32/config"))
        try makeDir(d.appendingPathComponent("C/Users/alice"))
        try Data(try Fixtures.hive("corpus:SYSTEM.xz")).write(to: d.appendingPathComponent("C/Windows/System32/config/SYSTEM"))
        try Data(try Fixtures.hive("corpus:NTUSER.DAT.xz")).write(to: d.appendingPathComponent("C/Users/alice/NTUSER.DAT"))
        let s = try TriageFolderReader().read(d.path)
        #expect(s.hostname == "WKS-WIN732BITA")
        let sidebar = try #require(s.runValues.first { $0.name == "Sidebar" })
        #expect(sidebar.kind == .expandString)
        #expect(sidebar.text == #"%ProgramFiles%\Windows Sidebar\Sidebar.exe /autoRun"#)
        #expect(sidebar.location.user == "alice")
        #expect(s.services.count > 100)
        #expect(s.services.contains { $0.name.lowercased() == "spooler" })
        #expect(s.explorerValues.contains { $0.name == "ShellState" && $0.kind == .binary })
    }
}

@Suite struct InMemoryRegistryTests {
    @Test func factsComeFromTheRightKeys() {
        var software = InMemoryRegistry()
        software.set(#"WOW6432Node\Microsoft\Windows\CurrentVersion\Run"#, [.string("A", "a.exe")])
        software.set(#"Microsoft\Windows\CurrentVersion\Explorer"#, [.binary("1234abcd", [1, 2, 3])])
        var system = InMemoryRegistry()
        system.set("Select", [.dword("Current", 2)])
        system.set(#"ControlSet002\Control\ComputerName\ComputerName"#, [.string("ComputerName", "PC2")])
        system.set(#"ControlSet002\Services\svc"#, [.string("ImagePath", "svc.exe", expand: true)])
        system.set(#"ControlSet001\Services\old"#, [.string("ImagePath", "old.exe")])
        var s = HostSnapshot()
        RegistryFacts.add(software, as: .software, hiveFile: "SOFTWARE", to: &s)
        RegistryFacts.add(system, as: .system, hiveFile: "SYSTEM", to: &s)
        #expect(s.runValues.map(\.display) == [#"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Run\A"#])
        #expect(s.explorerValues.count == 1)
        #expect(s.hostname == "PC2")
        #expect(s.services.map(\.name) == ["svc"])
        #expect(RegistryFacts.currentControlSet(system) == "ControlSet002")
    }
}

/// Seeded mutations of every text input (process lists, the collector's JSON, vol output, a boot sector): each
/// parses or fails with an error, and what parses can be checked and reported.
@Suite struct MutationTests {
    static let seeds = [
        "processes/v1-tasklist-en.csv", "processes/2022-tasklist-ja.csv", "processes/v2-cim.csv",
        "processes/v3-pslist.txt", "processes/v3-cmdline.txt", "processes/v5-cmdline.csv", "processes/v2-vol-ja.txt",
        "snapshots/collector-sample.json",
    ]

    @Test(arguments: seeds)
    func mutatedInputsNeverCrash(_ seed: String) throws {
        let original = try Fixtures.resource("hostcheck/" + seed)
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: seed.hashValue == 0 ? 1 : seed.utf8.count * 7919))
        let interesting: [UInt8] = [0x00, 0x22, 0x2C, 0x0A, 0x0D, 0x09, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0xFF, 0xFE, 0x81, 0x3A]
        for _ in 0..<300 {
            var b = original
            for _ in 0...rng.below(8) {
                guard !b.isEmpty else { break }
                switch rng.below(4) {
                case 0: b[rng.below(b.count)] = interesting[rng.below(interesting.count)]
                case 1: b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
                case 2: b.remove(at: rng.below(b.count))
                default:
                    let i = rng.below(b.count)
                    let n = min(b.count - i, rng.below(64))
                    b.insert(contentsOf: b[i..<(i + n)], at: rng.below(b.count))
                }
            }
            if let (records, _) = try? ProcessListReader.parse(b[...], source: "m") {
                var s = HostSnapshot()
                s.addProcesses(records, source: "m")
                _ = HostChecker(inspector: nil).check(s)
            }
            if let s = try? CollectorSnapshotReader.parse(b[...]) {
                let r = HostChecker(inspector: nil).check(s)
                _ = HostCheckTextReport.render(r, language: .ja)
                _ = EmoCheckReport.render(r, scanTime: "2020-02-10 13:06:20")
                _ = HostCheckJSONReport.render(r)
            }
            _ = VolumeSerialReader.fromVolOutput(String(decoding: b, as: UTF8.self))
            _ = VolumeSerialReader.fromBootSector(b[...])
        }
    }
}
