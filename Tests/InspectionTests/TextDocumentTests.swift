import Foundation
import Testing

@testable import Inspection

/// CSV-style DDE is looked for in what Excel opens as a sheet, never in mail bodies.
@Suite struct TextDocumentTests {
    /// 「また、先日お見積りいただいた件は…」 in ISO-2022-JP: its JIS bytes hold `"@hF|` and `=`, which look like a
    /// quoted DDE cell to a byte scanner. Found by the issue-6 corpus (o07).
    static let japaneseBody: [UInt8] = [
        27, 36, 66, 36, 94, 36, 63, 33, 34, 64, 104, 70, 124, 36, 42, 56, 43, 64, 81, 36, 106, 36, 36, 36, 63, 36, 64,
        36, 36, 36, 63, 55, 111, 36, 79, 77, 104, 61, 53, 36, 52, 79, 34, 77, 109, 36, 57, 36, 107, 77, 61, 68, 106,
        36, 71, 36, 57, 33, 35, 27, 40, 66,
    ]

    static func mail(body: [UInt8], attachment: (String, String)? = nil) -> [UInt8] {
        var text = "From: a@example.invalid\r\nTo: b@example.invalid\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        guard let (name, content) = attachment else {
            return Array((text + "Content-Type: text/plain; charset=iso-2022-jp\r\n\r\n").utf8) + body + [13, 10]
        }
        text += "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n"
        text += "--b\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\(name)\r\n\r\n"
        text += content + "\r\n--b--\r\n"
        return Array(text.utf8)
    }

    @Test func iso2022jpBodyIsNotADDECell() {
        let r = Inspector().scan(Self.mail(body: Self.japaneseBody)[...])
        #expect(!r.has(.officeDDE) && !r.has(.officeDDECommand), "\(r.findings.map(\.id))")
        #expect(r.verdict == .clean)
    }

    @Test func ddeInACSVAttachmentIsFound() {
        let r = Inspector().scan(Self.mail(body: [], attachment: ("report.csv", "=cmd|' /c calc'!A0")).prefix(Int.max))
        #expect(r.has(.officeDDECommand), "\(r.findings.map(\.id))")
    }
}
