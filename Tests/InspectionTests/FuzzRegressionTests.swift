import Foundation
import MIME
import Testing
import ZIP

@testable import Inspection

/// Replays every fuzzing seed and every input a fuzzer ever crashed on through the three fuzz entry points' code
/// paths: the MIME parser, the ZIP reader and the whole scan.
@Suite struct FuzzRegressionTests {
    static func inputs() throws -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        let fm = FileManager.default
        let dirs = ["Tests/InspectionTests/Resources/fuzz-regressions", "fuzz/corpus/FuzzMIME", "fuzz/corpus/FuzzZIP",
            "fuzz/corpus/FuzzScan"]
        for dir in dirs {
            let url = RepoFile.root.appendingPathComponent(dir)
            for name in (try? fm.contentsOfDirectory(atPath: url.path)) ?? [] where !name.hasPrefix(".") {
                out.append(("\(dir)/\(name)", Array(try Data(contentsOf: url.appendingPathComponent(name)))))
            }
        }
        return out
    }

    @Test func everySeedAndCrashInputRunsCleanlyThroughEveryEntryPoint() throws {
        let inputs = try Self.inputs()
        #expect(inputs.count > 50)
        var limits = BudgetLimits.default
        limits.maxInflatedBytes.maximum = 64 << 20
        let inspector = Inspector(limits: limits, userPasswords: ["K7xQ2m"])
        for (name, bytes) in inputs {
            if let message = try? MIMEMessage(parsing: bytes) {
                for part in message.walk() {
                    _ = part.decodedBody()
                    _ = part.decodedTextWithDefects()
                }
            }
            if let archive = try? ZIPArchive(parsing: bytes) {
                for entry in archive.entries.prefix(64) {
                    _ = try? archive.extract(entry, password: entry.isEncrypted ? Array("K7xQ2m".utf8) : nil)
                }
            }
            let result = inspector.scan(bytes[...], name: name, input: name)
            #expect(result.error == nil, "\(name)")
            #expect(!result.jsonBytes.isEmpty)
        }
    }
}
