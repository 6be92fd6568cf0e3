import Foundation
import HostCheck
import Testing

/// A hand-made snapshot: a user `alice` whose %LOCALAPPDATA% holds `entries`.
func snapshot(
    local: [FolderEntry] = [], sysWOW64: [FolderEntry] = [], serial: UInt32? = nil, processes: [ProcessRecord]? = nil,
    run: [(String, String)] = [], services: [(String, String)] = [], explorer: [RegistryValueRecord] = [],
    systemFiles: [String: Int64] = [:], allowlist: Set<String> = []
) -> HostSnapshot {
    var s = HostSnapshot(volumeSerial: serial.map { VolumeSerial($0, source: "test") })
    s.folders = [WatchedFolder(role: .localAppData, user: "alice", windowsPath: #"C:\Users\alice\AppData\Local"#, entries: local)]
    if !sysWOW64.isEmpty { s.folders.append(WatchedFolder(role: .systemX86, windowsPath: #"C:\Windows\SysWOW64"#, entries: sysWOW64)) }
    if let processes { s.addProcesses(processes, source: "test") }
    let runKey = RegistryLocation(root: "HKCU", user: "alice", key: #"Software\Microsoft\Windows\CurrentVersion\Run"#, hiveFile: "NTUSER.DAT")
    s.runValues = run.map { RegistryValueRecord(location: runKey, name: $0.0, kind: .string, data: RegistryText.encodeUTF16LE($0.1)) }
    s.services = services.map {
        ServiceRecord(name: $0.0, imagePath: $0.1, location: RegistryLocation(root: "HKLM", key: #"SYSTEM\ControlSet001\Services\"# + $0.0))
    }
    s.explorerValues = explorer
    s.systemFiles = systemFiles
    s.systemFilesListed = !systemFiles.isEmpty
    s.allowlist = allowlist
    return s
}

let mz: [UInt8] = [0x4D, 0x5A]
let t0: FileTime = 132_536_232_000_000_000  // 2020-12-28 10:00 UTC

func file(_ name: String, size: Int64 = 12288, time: FileTime = t0, head: [UInt8]? = mz) -> FileRecord {
    FileRecord(name: name, isDirectory: false, size: size, lastWritten: time, head: head)
}

func folder(_ name: String, time: FileTime = t0, _ children: [FileRecord]) -> FolderEntry {
    FolderEntry(record: FileRecord(name: name, isDirectory: true, lastWritten: time), children: children)
}

func check(_ s: HostSnapshot) -> HostCheckResult { HostChecker(inspector: nil).check(s) }

@Suite struct ScanV1Tests {
    /// Expected names computed by `scripts/make-hostcheck-fixtures.py --v1-table`, an independent reimplementation
    /// of EmoCheck's scan_v1.cpp in Python, and worked by hand for the two ends (the keyword string is 356
    /// characters; "vol" starts at offset 281, "elem" at 311):
    /// - serial 0: 0 % 356 = 0 → "duck"; (0xFFFFFFFF - 0 / 356) % 356 = 311 → "elem" → "duckelem.exe".
    /// - serial 0xFFFFFFFF: 0xFFFFFFFF % 356 = 311 → "elem"; 0xFFFFFFFF / 356 = 12064514,
    ///   (0xFFFFFFFF - 12064514) % 356 = 281 → "vol" → "elemvol.exe".
    /// - serials 1-3 land inside "duck" and keep EmoCheck's quirk ("uck", "ck", "k"); 4 is the comma → "mfidl".
    static let expected: [(UInt32, String)] = [
        (0x0000_0000, "duckelem.exe"),
        (0x0000_0001, "uckelem.exe"),
        (0x0000_0002, "ckelem.exe"),
        (0x0000_0003, "kelem.exe"),
        (0x0000_0004, "mfidlelem.exe"),
        (0x0000_0005, "mfidlelem.exe"),
        (0x0000_0163, "thunkelem.exe"),
        (0x0000_0164, "duckelem.exe"),
        (0xFFFF_FFFF, "elemvol.exe"),
        (0x7FFF_FFFF, "palroam.exe"),
        (0x8000_0000, "palroam.exe"),
        (0x1234_ABCD, "blbses.exe"),
        (0xDEAD_BEEF, "etwwce.exe"),
        (0x5E1A_7C39, "multformat.exe"),
        (0xA4C2_F3E1, "avidvb.exe"),
    ]

    @Test(arguments: expected)
    func processNameMatchesEmoCheck(serial: UInt32, name: String) {
        #expect(ScanV1.processName(serial: serial) == name)
    }

    @Test func theKeywordListHas64Words() {
        #expect(ScanV1.keywords.split(separator: ",").count == 64)
        #expect(ScanV1.keywords.utf8.count == 356)
    }

    @Test func theFixtureScriptsTableAgrees() throws {
        struct Table: Decodable { var names: [String: String] }
        let table = try JSONDecoder().decode(Table.self, from: Data(try Fixtures.resource("hostcheck/v1-names.json")))
        #expect(table.names.count >= 10)
        for (hex, name) in table.names {
            let serial = try #require(UInt32(hex, radix: 16))
            #expect(ScanV1.processName(serial: serial) == name, "serial \(hex)")
        }
    }

    @Test func aRunningProcessOfThatNameIsDetected() {
        let s = snapshot(serial: 0x5E1A_7C39, processes: [ProcessRecord(name: "MultFormat.exe", pid: 99)])
        let r = check(s)
        #expect(r.detections.map(\.generation) == [.v1])
        #expect(r.detections.first?.confirmation == .running)
        #expect(r.status == .infected)
    }

    @Test func aVolatilityNameCutAt14CharactersStillMatches() {
        // "multformat.exe" is 14 characters; "ducksidebar.exe"-like 15-character names are cut by Volatility.
        let p = ProcessRecord(name: "thunkelem.exe", pid: 1, nameTruncated: true)
        #expect(p.hasName("thunkelem.exe"))
        let cut = ProcessRecord(name: "digitalviolet.", pid: 2, nameTruncated: true)
        #expect(cut.hasName("digitalviolet.exe"))
        #expect(!ProcessRecord(name: "digitalviolet.", pid: 3).hasName("digitalviolet.exe"))
    }

    @Test func withoutSerialV1IsSkippedAndSaysSo() {
        let r = check(snapshot(processes: [ProcessRecord(name: "multformat.exe", pid: 1)]))
        #expect(r.detections.isEmpty)
        #expect(r.skipped.contains { $0.generation == .v1 })
    }

    @Test func theFileWithoutAProcessListIsPersistenceNotConfirmed() {
        let s = snapshot(local: [folder("multformat", [file("multformat.exe")])], serial: 0x5E1A_7C39)
        let r = check(s)
        #expect(r.detections.count == 1)
        #expect(r.detections.first?.confirmation == .noProcessList)
        #expect(r.status == .persistenceFound)
        #expect(r.notes.contains { $0.id == "no-process-list" })
    }
}

@Suite struct ScanV2Tests {
    static let serial: UInt32 = 0x1234_ABCD
    static func explorerValue(_ name: String, _ data: [UInt8], root: String = "HKCU") -> RegistryValueRecord {
        RegistryValueRecord(
            location: RegistryLocation(root: root, user: root == "HKCU" ? "alice" : nil, key: #"Software\Microsoft\Windows\CurrentVersion\Explorer"#),
            name: name, kind: .binary, data: data)
    }

    @Test func decodeInvertsEncodeWithTheSerialsLittleEndianBytes() {
        let data = ScanV2.encode("ellipsebid", serial: Self.serial)
        // 'e' ^ 0xCD, 'l' ^ 0xAB, 'l' ^ 0x34, 'i' ^ 0x12
        let expected: [UInt8] = [0x65 ^ 0xCD, 0x6C ^ 0xAB, 0x6C ^ 0x34, 0x69 ^ 0x12]
        #expect(Array(data.prefix(4)) == expected)
        #expect(ScanV2.decode(data, serial: Self.serial) == "ellipsebid.exe")
        #expect(ScanV2.valueName(serial: Self.serial) == "1234abcd")
        #expect(ScanV2.valueName(serial: 0x0000_00AB) == "ab")
    }

    @Test func nonPrintableBytesAreDropped() {
        var data = ScanV2.encode("pfx", serial: 0)
        data.append(0x00)
        data.append(0x7E)
        #expect(ScanV2.decode(data, serial: 0) == "pfx.exe")
        #expect(ScanV2.decode([0x00, 0x20], serial: 0) == nil)
    }

    @Test func theValueNamedBySerialIsDecodedAndConfirmedByName() {
        let v = Self.explorerValue("1234ABCD", ScanV2.encode("ellipsebid", serial: Self.serial))
        let r = check(snapshot(serial: Self.serial, processes: [ProcessRecord(name: "ellipsebid.exe", pid: 7)], explorer: [v]))
        #expect(r.detections.count == 1)
        #expect(r.detections.first?.processName == "ellipsebid.exe")
        #expect(r.detections.first?.confirmation == .running)
    }

    @Test func anotherSerialsValueIsIgnored() {
        let v = Self.explorerValue("1234abcd", ScanV2.encode("ellipsebid", serial: Self.serial))
        #expect(check(snapshot(serial: 0x1111_1111, explorer: [v])).detections.isEmpty)
    }

    @Test func withoutSerialTheValueNameIsTakenAsTheSerial() {
        let v = Self.explorerValue("1234abcd", ScanV2.encode("ellipsebid", serial: Self.serial), root: "HKLM")
        let ordinary = Self.explorerValue("ShellState", [0x24, 0, 0, 0, 0x30, 0x28])
        let hexButBinaryNoise = Self.explorerValue("cafe", [0x00, 0x01, 0x02, 0x03])
        let r = check(snapshot(explorer: [v, ordinary, hexButBinaryNoise]))
        #expect(r.detections.count == 1)
        #expect(r.detections.first?.summary.contains("inferred") == true)
        #expect(r.detections.first?.isAdmin == true)
    }
}

@Suite struct ScanV3Tests {
    static let system: [String: Int64] = ["wscapi.dll": 4096, "certutil.exe": 20480]
    static let runValue = ("wscapi", #"C:\Users\alice\AppData\Local\wscapi\wscapi.exe"#)

    @Test func aSystemNameExeWithItsRunValueIsDetected() {
        let s = snapshot(local: [folder("wscapi", [file("wscapi.exe", size: 40000)])], run: [Self.runValue], systemFiles: Self.system)
        let r = check(s)
        #expect(r.detections.map(\.generation) == [.v3])
        #expect(r.detections.first?.registry.first?.value == "wscapi")
    }

    @Test func filesUnder10000BytesAreFilteredOut() {
        let s = snapshot(local: [folder("wscapi", [file("wscapi.exe", size: 9999)])], run: [Self.runValue], systemFiles: Self.system)
        #expect(check(s).detections.isEmpty)
    }

    @Test func aCopyOfTheSystemFileOfTheSameSizeIsFilteredOut() {
        let s = snapshot(
            local: [folder("certutil", [file("certutil.exe", size: 20480)])],
            run: [("certutil", #"C:\Users\alice\AppData\Local\certutil\certutil.exe"#)], systemFiles: Self.system)
        #expect(check(s).detections.isEmpty)
    }

    @Test func neitherRunValueNorProcessMeansNoDetection() {
        let s = snapshot(local: [folder("wscapi", [file("wscapi.exe", size: 40000)])], systemFiles: Self.system)
        #expect(check(s).detections.isEmpty)
    }

    @Test func theProcessMustRunFromTheFile() {
        let elsewhere = ProcessRecord(name: "wscapi.exe", pid: 5, imagePath: #"C:\Program Files\Other\wscapi.exe"#)
        let here = ProcessRecord(name: "wscapi.exe", pid: 6, imagePath: #"C:\Users\alice\AppData\Local\wscapi\wscapi.exe"#)
        let local = [folder("wscapi", [file("wscapi.exe", size: 40000)])]
        #expect(check(snapshot(local: local, processes: [elsewhere], systemFiles: Self.system)).detections.isEmpty)
        let r = check(snapshot(local: local, processes: [elsewhere, here], systemFiles: Self.system))
        #expect(r.detections.first?.processes.map(\.pid) == [6])
        // tasklist has no paths: a process of that name cannot be compared.
        let named = ProcessRecord(name: "wscapi.exe", pid: 7)
        let r2 = check(snapshot(local: local, processes: [named], run: [Self.runValue], systemFiles: Self.system))
        #expect(r2.detections.first?.confirmation == .unverifiable)
    }

    @Test func withoutASystem32ListingV3IsSkipped() {
        let r = check(snapshot(local: [folder("wscapi", [file("wscapi.exe", size: 40000)])], run: [Self.runValue]))
        #expect(r.detections.isEmpty)
        #expect(r.skipped.contains { $0.generation == .v3 })
    }
}

@Suite struct ScanV4Tests {
    static let run = ("tpnwddz.bkq", #"C:\Windows\SysWOW64\rundll32.exe "C:\Users\alice\AppData\Local\Wchcwjd\tpnwddz.bkq",RunDLL"#)

    @Test func theRundll32PatternsOfEmoCheck() {
        #expect(ScanV4.isRundll32Launch(#"rundll32.exe "x.bkq",RunDLL"#))
        #expect(ScanV4.isRundll32Launch(#"C:\Windows\SysWOW64\rundll32.exe C:\a\b.abc,ShowDialogA"#))
        #expect(ScanV4.isRundll32Launch(#"C:\WINDOWS\SysWOW64\RUNDLL32.EXE C:\a\b.abc,Xkzpqw"#))
        #expect(!ScanV4.isRundll32Launch(#"rundll32.exe C:\a\b.abc,#1"#))
        #expect(!ScanV4.isRundll32Launch(#"rundll32.exe C:\a\b.abc"#))
        #expect(!ScanV4.isRundll32Launch(#"regsvr32.exe /s C:\a\b.dll"#))
        let entry = ScanV4.rundll32Entry(Self.run.1)
        #expect(entry?.export == "RunDLL")
        #expect(entry?.dll == #"C:\Users\alice\AppData\Local\Wchcwjd\tpnwddz.bkq"#)
    }

    @Test func aRandomPEStartedByRundll32FromARunValue() {
        let r = check(snapshot(local: [folder("Wchcwjd", [file("tpnwddz.bkq")])], run: [Self.run]))
        #expect(r.detections.map(\.rule) == ["hostcheck.v4.rundll32-run-value"])
        #expect(r.detections.first?.file?.windowsPath == #"C:\Users\alice\AppData\Local\Wchcwjd\tpnwddz.bkq"#)
    }

    @Test func notAPEThenNotDetected() {
        let r = check(snapshot(local: [folder("Wchcwjd", [file("tpnwddz.bkq", head: [0x50, 0x4B])])], run: [Self.run]))
        #expect(r.detections.isEmpty)
    }

    @Test func namePatternsAreEmoChecks() {
        // Folder of 3 letters, digits in the folder, .dll extension, 4-letter extension: not v4.
        for (dir, name) in [("Wch", "tpnwddz.bkq"), ("Wchcw1d", "tpnwddz.bkq"), ("Wchcwjd", "tpnwddz.dll"), ("Wchcwjd", "tpnwddz.bkqq")] {
            let value = #"rundll32.exe "C:\Users\alice\AppData\Local\"# + dir + #"\"# + name + #"",RunDLL"#
            let r = check(snapshot(local: [folder(dir, [file(name)])], run: [(name, value)]))
            #expect(!r.detections.contains { $0.generation == .v4 }, "\(dir)\\\(name)")
        }
    }

    @Test func theRunValueNameMustBeTheFileOrSevenToSixteenLetters() {
        let local = [folder("Wchcwjd", [file("tpnwddz.bkq")])]
        #expect(check(snapshot(local: local, run: [("Wchcwjdx", Self.run.1)])).detections.count == 1)
        #expect(check(snapshot(local: local, run: [("Upd", Self.run.1)])).detections.isEmpty)
        #expect(check(snapshot(local: local, run: [("Updater 2", Self.run.1)])).detections.isEmpty)
    }

    @Test func theAllowlistSkipsKnownProgramFolders() {
        let local = [folder("Citrix", [file("wfshell.cpl")])]
        let run = ("CitrixReceiver", #"rundll32.exe "C:\Users\alice\AppData\Local\Citrix\wfshell.cpl",Control_RunDLL"#)
        #expect(check(snapshot(local: local, run: [run])).detections.count == 1)
        #expect(check(snapshot(local: local, run: [run], allowlist: ["citrix"])).detections.isEmpty)
    }

    @Test func aServiceLaunchInSysWOW64IsConfirmedThroughTheSystem32Spelling() {
        let wow = [folder("Qjzyxkv", [file("abcdefg.xyz")])]
        let service = ("abcdefg.xyz", #"C:\Windows\SysWOW64\rundll32.exe "C:\Windows\SysWOW64\Qjzyxkv\abcdefg.xyz",Control_RunDLL"#)
        let process = ProcessRecord(
            name: "rundll32.exe", pid: 812,
            commandLine: #"C:\Windows\system32\rundll32.exe  "C:\Windows\system32\Qjzyxkv\abcdefg.xyz",Control_RunDLL"#)
        let r = check(snapshot(sysWOW64: wow, processes: [process], services: [service]))
        #expect(r.detections.map(\.rule) == ["hostcheck.v4.rundll32-service"])
        #expect(r.detections.first?.confirmation == .running)
        #expect(r.detections.first?.isAdmin == true)
    }

    @Test func withoutCommandLinesARunningRundll32CannotConfirm() {
        let local = [folder("Wchcwjd", [file("tpnwddz.bkq")])]
        let r = check(snapshot(local: local, processes: [ProcessRecord(name: "rundll32.exe", pid: 3)], run: [Self.run]))
        #expect(r.detections.first?.confirmation == .unverifiable)
        let r2 = check(snapshot(local: local, processes: [ProcessRecord(name: "explorer.exe", pid: 3)], run: [Self.run]))
        #expect(r2.detections.first?.confirmation == .notRunning)
    }
}

@Suite struct ScanV5Tests {
    static let sevenDays: FileTime = 7 * 86_400 * 10_000_000

    @Test func theWindowIsEmoChecks() {
        let d = t0
        #expect(ScanV5.isSevenDaysOlder(file: d - Self.sevenDays, folder: d))
        // 100 ms units: -0.3 s and +0.2 s (truncated) are inside, beyond is outside.
        #expect(ScanV5.isSevenDaysOlder(file: d - Self.sevenDays + 3_000_000, folder: d))
        #expect(!ScanV5.isSevenDaysOlder(file: d - Self.sevenDays + 3_000_001 + 999_999, folder: d))
        #expect(ScanV5.isSevenDaysOlder(file: d - Self.sevenDays - 2_999_999, folder: d))
        #expect(!ScanV5.isSevenDaysOlder(file: d - Self.sevenDays - 3_000_000, folder: d))
        #expect(!ScanV5.isSevenDaysOlder(file: d - 6 * 86_400 * 10_000_000, folder: d))
        #expect(!ScanV5.isSevenDaysOlder(file: d, folder: d - Self.sevenDays))
        #expect(!ScanV5.isSevenDaysOlder(file: .max, folder: 0))
    }

    @Test func aPESevenDaysOlderThanItsFolderIsDetected() {
        let local = [folder("Xkqpzmw", time: t0, [file("ljbrtw.dll", time: t0 - Self.sevenDays)])]
        let r = check(snapshot(local: local))
        #expect(r.detections.map(\.generation) == [.v5])
        let notPE = [folder("Xkqpzmw", time: t0, [file("ljbrtw.dll", time: t0 - Self.sevenDays, head: [0, 0])])]
        #expect(check(snapshot(local: notPE)).detections.isEmpty)
    }

    @Test func anyProcessNamingThePathConfirmsIt() {
        let local = [folder("Xkqpzmw", time: t0, [file("ljbrtw.dll", time: t0 - Self.sevenDays)])]
        let p = ProcessRecord(name: "svchost.exe", pid: 4, commandLine: #"x "c:\users\ALICE\appdata\local\xkqpzmw\ljbrtw.dll""#)
        #expect(check(snapshot(local: local, processes: [p])).detections.first?.confirmation == .running)
    }
}

@Suite struct Scan2022Tests {
    static let run = ("Mfvqkzlswp", #"C:\Windows\system32\regsvr32.exe /s "C:\Users\alice\AppData\Local\Mfvqkzlswp\ghtbnlx.dxl""#)

    @Test func aRandomDLLStartedByRegsvr32() {
        let r = check(snapshot(local: [folder("Mfvqkzlswp", [file("ghtbnlx.dxl")])], run: [Self.run]))
        #expect(r.detections.map(\.generation) == [.g2022])
        #expect(r.detections.first?.processName == "regsvr32.exe")
    }

    @Test func rundll32WithDllRegisterServerCountsToo() {
        let run = ("Abcdefgh", #"C:\Windows\SysWOW64\rundll32.exe "C:\Users\alice\AppData\Local\Qwerty\xyzab.dll",DllRegisterServer"#)
        let r = check(snapshot(local: [folder("Qwerty", [file("xyzab.dll")])], run: [run]))
        #expect(r.detections.map(\.generation) == [.g2022])
    }

    @Test func whatV4AlreadyReportsIsNotReportedTwice() {
        // A three-letter extension and a letter export: EmoCheck's v4 pattern; v4 alone reports it.
        let run = ("Abcdefgh", #"C:\Windows\SysWOW64\rundll32.exe "C:\Users\alice\AppData\Local\Qwerty\xyzab.kkk",DllRegisterServer"#)
        let r = check(snapshot(local: [folder("Qwerty", [file("xyzab.kkk")])], run: [run]))
        #expect(r.detections.map(\.generation) == [.v4])
    }

    @Test func aRegsvr32RunValueOnAnotherPathOrANonPEIsNotEnough() {
        let elsewhere = ("Mfvqkzlswp", #"regsvr32.exe /s "C:\Users\alice\AppData\Local\Other\ghtbnlx.dxl""#)
        #expect(check(snapshot(local: [folder("Mfvqkzlswp", [file("ghtbnlx.dxl")])], run: [elsewhere])).detections.isEmpty)
        #expect(check(snapshot(local: [folder("Mfvqkzlswp", [file("ghtbnlx.dxl", head: [0x25, 0x50])])], run: [Self.run])).detections.isEmpty)
    }

    @Test func aRunningRegsvr32NamingTheDLLConfirmsIt() {
        let p = ProcessRecord(name: "regsvr32.exe", pid: 9, commandLine: Self.run.1)
        let r = check(snapshot(local: [folder("Mfvqkzlswp", [file("ghtbnlx.dxl")])], processes: [p], run: [Self.run]))
        #expect(r.detections.first?.confirmation == .running)
        #expect(r.status == .infected)
    }

    @Test func legitimateRunValuesAreNotEmotet() {
        let local = [
            folder("{3D5A7B9C-1E2F-4A6B-8C0D-112233445566}", [file("setup.dll")]),
            folder("Microsoft", [folder("OneDrive", []).record]),
            folder("Programs", [file("Zoom.exe")]),
        ]
        let run = [
            ("OneDrive", #""C:\Users\alice\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /background"#),
            ("Sidebar", #"%ProgramFiles%\Windows Sidebar\Sidebar.exe /autoRun"#),
            ("Zoom", #"C:\Users\alice\AppData\Local\Programs\Zoom.exe --autostart"#),
        ]
        #expect(check(snapshot(local: local, run: run)).detections.isEmpty)
    }
}
