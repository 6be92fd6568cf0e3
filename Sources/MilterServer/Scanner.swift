import Inspection

/// What the milter asks of the engine: scan one message's bytes. Called on a thread-pool thread, never on an
/// event loop.
public protocol MilterScanner: Sendable {
    func scanMessage(_ bytes: [UInt8], queueID: String?) -> MilterScanOutcome
}

extension Inspector: MilterScanner {
    /// Scans the message with the engine; an input the engine could not read (and found nothing in) is a
    /// failure, so that the error action applies.
    public func scanMessage(_ bytes: [UInt8], queueID: String?) -> MilterScanOutcome {
        let result = scan(bytes[...], name: nil, input: queueID.map { "queue:\($0)" } ?? "milter")
        if let error = result.error, result.verdict == .clean {
            return .failed(reason: "scan error: \(error)")
        }
        return .scanned(verdict: result.verdict, score: result.score, findingIDs: result.findings.map(\.id))
    }
}
