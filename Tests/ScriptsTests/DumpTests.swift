import Testing
import Scripts

@Suite struct DumpTests {
    @Test(arguments: ["downloader.vbs", "downloader.vbe", "fromcharcode.js", "encoded.jse", "mixed.wsf", "powershell.hta", "download.ps1", "caret.bat", "admin.bat", "compute.js"])
    func dump(_ name: String) throws {
        let a = try Fixture.analysis(name)
        print("=== \(name)\n\(a.dump)")
    }
}
