import ByteCursor
import Testing

@testable import ThreatIntel

/// One test per named limit in ``IntelLimits``: each is exceeded and reported by name.
@Suite struct Limits {
    @Test func maxInputBytes() throws {
        var limits = IntelLimits()
        limits.maxInputBytes.maximum = 100
        let bytes = Array(String(repeating: "192.0.2.1\n", count: 11).utf8)
        do {
            _ = try FeedParser.records(bytes, limits: limits)
            Issue.record("no error")
        } catch let error as ThreatIntelError {
            #expect(error.code == .limitExceeded)
            #expect(error.reason.contains("intel.maxInputBytes"))
        }
    }

    @Test func maxRows() throws {
        var limits = IntelLimits()
        limits.maxRows.maximum = 3
        let bytes = Array("192.0.2.1\n192.0.2.2\n192.0.2.3\n192.0.2.4\n".utf8)
        do {
            _ = try FeedParser.records(bytes, format: .list, limits: limits)
            Issue.record("no error")
        } catch let error as ThreatIntelError {
            #expect(error.code == .limitExceeded)
            #expect(error.reason.contains("intel.maxRows"))
            #expect(error.line == 4)
        }
    }

    @Test func maxLineBytes() throws {
        var limits = IntelLimits()
        limits.maxLineBytes.maximum = 40
        let long = "http://example.invalid/" + String(repeating: "a", count: 40)
        let text =
            "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
            + "1,2022-11-02,http://a.example.invalid/\n2,2022-11-02,\(long)\n"
        let (records, outcome) = try FeedParser.records(Array(text.utf8), limits: limits)
        #expect(records.count == 1)
        #expect(outcome.issues.map(\.reason) == [.lineTooLong])
        #expect(outcome.issues.lines == [3])
        let (_, listOutcome) = try FeedParser.records(Array((long + "\n").utf8), format: .list, limits: limits)
        #expect(listOutcome.issues.map(\.reason) == [.lineTooLong])
    }

    @Test func maxFields() throws {
        var limits = IntelLimits()
        limits.maxFields.maximum = 6
        let text =
            "# first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware\n"
            + "2022-11-02,192.0.2.1,80,online,2023-01-01,Emotet\n2022-11-02,192.0.2.2,80,online,2023-01-01,Emotet,x\n"
        let (records, outcome) = try FeedParser.records(Array(text.utf8), limits: limits)
        #expect(records.map(\.value) == ["192.0.2.1"])
        #expect(outcome.issues.map(\.reason) == [.tooManyFields])
        #expect(outcome.issues.first?.detail.contains("intel.maxFields") == true)
    }

    @Test func maxValueBytes() throws {
        var limits = IntelLimits()
        limits.maxValueBytes.maximum = 30
        let text = "http://a.example.invalid/\nhttp://a.example.invalid/" + String(repeating: "b", count: 10) + "\n"
        let (records, outcome) = try FeedParser.records(Array(text.utf8), format: .list, limits: limits)
        #expect(records.count == 1)
        #expect(outcome.issues.lines == [2])
        #expect(outcome.issues.first?.detail.contains("intel.maxValueBytes") == true)
    }

    @Test func maxJSONDepth() throws {
        var limits = IntelLimits()
        limits.maxJSONDepth.maximum = 8
        let deep = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        do {
            _ = try FeedParser.records(Array(deep.utf8), format: .feodoJSON, limits: limits)
            Issue.record("no error")
        } catch let error as ThreatIntelError {
            #expect(error.code == .limitExceeded)
            #expect(error.reason.contains("intel.maxJSONDepth"))
        }
        // The default holds against a nesting that would exhaust the stack.
        let deeper = String(repeating: "[", count: 200_000)
        #expect(throws: ThreatIntelError(.limitExceeded, "")) {
            try FeedParser.records(Array(deeper.utf8), format: .feodoJSON)
        }
    }

    @Test func maxIssues() throws {
        var limits = IntelLimits()
        limits.maxIssues.maximum = 2
        let text = "bad one\nbad two\n192.0.2.1\nbad three\nbad four\n"
        let (records, outcome) = try FeedParser.records(Array(text.utf8), format: .list, limits: limits)
        #expect(records.count == 1)
        #expect(outcome.issues.lines == [1, 2])
        #expect(outcome.skipped == 4)
    }
}
