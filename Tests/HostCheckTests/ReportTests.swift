import Foundation
import HostCheck
import Testing

/// EmoCheck's report as its README documents it, and ours checked against it.
enum EmoCheckSample {
    /// The documented sample, parsed.
    static func object() throws -> [String: Any] {
        let data = Data(try Fixtures.resource("emocheck/sample-report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The top-level keys in the order the sample writes them.
    static func keyOrder(_ text: String) -> [String] {
        var keys: [String] = []
        for line in text.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("\""), let end = t.dropFirst().firstIndex(of: "\"") else { continue }
            keys.append(String(t[t.index(after: t.startIndex)..<end]))
        }
        return keys
    }

    /// Checks `report` against the sample: same keys (ours may add `registry_key`), same order, same value types,
    /// EmoCheck's value formats.
    static func validate(_ report: String, isSample: Bool = false) throws {
        let sample = try object()
        let ours = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
        let required = ["scan_time", "hostname", "emocheck_version", "is_infected"]
        for key in required {
            #expect(ours[key] is String, "\(key) is a string, as in the sample")
            #expect(sample[key] is String)
        }
        let scanTime = try #require(ours["scan_time"] as? String)
        #expect(scanTime.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"#, options: .regularExpression) != nil)
        let infected = try #require(ours["is_infected"] as? String)
        #expect(infected == "yes" || infected == "no")
        let sampleText = String(decoding: try Fixtures.resource("emocheck/sample-report.json"), as: UTF8.self)
        let sampleOrder = keyOrder(sampleText)
        let ourOrder = keyOrder(report).filter { $0 != "registry_key" }
        if infected == "yes" {
            #expect(ourOrder.prefix(sampleOrder.count) == sampleOrder.prefix(sampleOrder.count))
            let sampleEntry = try #require((sample["emotet_processes"] as? [[String: Any]])?.first)
            let entries = try #require(ours["emotet_processes"] as? [[String: Any]])
            #expect(!entries.isEmpty)
            for entry in entries {
                for (key, value) in sampleEntry {
                    #expect(type(of: value) == type(of: entry[key] ?? 0) || entry[key] is String, "\(key)")
                    #expect(entry[key] is String, "\(key) is a string, as in the sample")
                }
                if !isSample { #expect(entry["registry_key"] is String) }
                let pid = try #require(entry["process_id"] as? String)
                #expect(!pid.isEmpty && pid.allSatisfy(\.isNumber), "process_id is decimal digits, as \"716\"")
                #expect(Set(entry.keys).subtracting(sampleEntry.keys) == (isSample ? [] : ["registry_key"]))
            }
        } else {
            #expect(ourOrder == Array(sampleOrder.prefix(4)))
            #expect(ours["emotet_processes"] == nil, "EmoCheck leaves the list out when nothing is found")
        }
    }
}

@Suite struct ReportTests {
    func result(_ name: String) throws -> HostCheckResult {
        let (r, dest) = try Collection.named(name).check(inspect: false)
        try? FileManager.default.removeItem(at: dest)
        return r
    }

    @Test func theDocumentedSampleValidatesItself() throws {
        try EmoCheckSample.validate(
            String(decoding: try Fixtures.resource("emocheck/sample-report.json"), as: UTF8.self), isSample: true)
    }

    @Test func emocheckReportOfAnInfectedHostMatchesTheSample() throws {
        let r = try result("v1")
        let text = EmoCheckReport.render(r, scanTime: "2024-05-01 09:30:00")
        try EmoCheckSample.validate(text)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(doc["hostname"] as? String == "DESKTOP-EMO01")
        #expect(doc["emocheck_version"] as? String == EmoCheckReport.version)
        let entry = try #require((doc["emotet_processes"] as? [[String: Any]])?.first)
        #expect(entry["process_name"] as? String == "multformat.exe")
        #expect(entry["process_id"] as? String == "2816")
        #expect(entry["image_path"] as? String == #"C:\Users\alice\AppData\Local\multformat\multformat.exe"#)
        #expect(entry["registry_key"] as? String == #"HKCU\Software\Microsoft\Windows\CurrentVersion\Run\multformat"#)
        #expect(text.contains(#""image_path":"C:\\Users\\alice"#), "backslashes escaped as EmoCheck's EscapeBackSlash does")
    }

    @Test func persistenceWithoutAProcessIsInfectedWithPID0() throws {
        let text = EmoCheckReport.render(try result("v4"), scanTime: "2024-05-01 09:30:00")
        try EmoCheckSample.validate(text)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let entries = try #require(doc["emotet_processes"] as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries.allSatisfy { $0["process_id"] as? String == "0" && $0["process_name"] as? String == "rundll32.exe" })
    }

    @Test func aCleanHostSaysNo() throws {
        let text = EmoCheckReport.render(try result("clean-sidebar"), scanTime: "2024-05-01 09:30:00")
        try EmoCheckSample.validate(text)
        #expect(text.contains(#""is_infected":"no""#))
    }

    @Test func fileNameFollowsEmoCheck() {
        #expect(EmoCheckReport.fileName(hostname: "DESKTOP-EMO01", stamp: "20240501093000") == "DESKTOP-EMO01_20240501093000_emoguard.json")
        #expect(EmoCheckReport.fileName(hostname: #"A/B\C:"#, stamp: "20240501093000") == "ABC_20240501093000_emoguard.json")
        #expect(EmoCheckReport.fileName(hostname: nil, stamp: "20240501093000") == "_20240501093000_emoguard.json")
    }

    @Test func quotesAndControlCharactersAreEscaped() throws {
        var r = try result("clean-sidebar")
        r.hostname = "PC\"\n\u{1}"
        let text = EmoCheckReport.render(r, scanTime: "2024-05-01 09:30:00")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(doc["hostname"] as? String == "PC\"\n\u{1}")
    }

    @Test func textReportsInBothLanguagesSayWhatToDo() throws {
        let r = try result("2022-2023")
        let en = HostCheckTextReport.render(r, language: .en)
        #expect(en.contains("[!!] Emotet detected: 2022-2023"))
        #expect(en.contains("persistence found, not confirmed running"))
        #expect(en.contains("Isolate the PC"))
        #expect(en.contains("Change the passwords"))
        #expect(en.contains("Warn your mail correspondents"))
        let ja = HostCheckTextReport.render(r, language: .ja)
        #expect(ja.contains("Emotet 検知"))
        #expect(ja.contains("隔離"))
        #expect(ja.contains("パスワード"))
        #expect(ja.contains("注意を呼びかけて"))
        let clean = HostCheckTextReport.render(try result("clean-allowlist"), language: .ja)
        #expect(clean.contains("Emotet は検知されませんでした"))
        #expect(!clean.contains("隔離"))
    }

    @Test func untrustedTextCannotDriveTheTerminal() {
        var r = HostCheckResult(
            hostname: "PC\u{1B}[2J", volumeSerial: nil, systemDrive: "C:", sources: [], processSources: nil,
            processCount: nil, detections: [], skipped: [], notes: [])
        r.notes = [SnapshotNote(id: "x", message: "bad\u{1B}]0;title\u{7}")]
        let text = HostCheckTextReport.render(r, language: .en)
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("\u{7}"))
    }

    @Test func theLanguageFollowsTheLocale() {
        #expect(ReportLanguage.fromEnvironment(["LANG": "ja_JP.UTF-8"]) == .ja)
        #expect(ReportLanguage.fromEnvironment(["LC_ALL": "C", "LANG": "ja_JP.UTF-8"]) == .en)
        #expect(ReportLanguage.fromEnvironment(["LC_ALL": "", "LC_MESSAGES": "ja_JP", "LANG": "C"]) == .ja)
        #expect(ReportLanguage.fromEnvironment([:]) == .en)
    }

    @Test func theJSONReportHasItsSchema() throws {
        let r = try result("v5")
        let doc = try #require(try JSONSerialization.jsonObject(with: HostCheckJSONReport.render(r)) as? [String: Any])
        #expect(doc["schema"] as? String == "emoguard.host-check")
        #expect(doc["schemaVersion"] as? Int == 1)
        #expect(doc["status"] as? String == "infected")
        #expect(doc["infected"] as? Bool == true)
        let d = try #require((doc["detections"] as? [[String: Any]])?.first)
        #expect(d["generation"] as? String == "v5")
        #expect(d["confirmation"] as? String == "running")
        #expect((d["file"] as? [String: Any])?["windowsPath"] as? String == #"C:\Users\alice\AppData\Local\Xkqpzmw\ljbrtw.dll"#)
        #expect((doc["nextSteps"] as? [String])?.count == 5)
    }
}
