import Foundation
import Synchronization

/// One line of the verdict log: what the milter decided about one message.
public struct VerdictRecord: Codable, Sendable, Hashable {
    public var time: String
    public var queueID: String?
    public var messageID: String?
    public var clientAddress: String?
    public var saslUser: String?
    public var sender: String?
    public var recipients: [String]
    public var size: Int
    public var verdict: String
    public var score: Double?
    public var findings: [String]
    /// accept, tag, quarantine, reject, tempfail.
    public var action: String
    public var error: String?
    public var durationMilliseconds: Double
    /// Set on an "internal sender likely infected" event.
    public var infectedSender: InfectedSenderEvent?

    enum CodingKeys: String, CodingKey {
        case time, size, verdict, score, findings, action, error, recipients, sender
        case queueID = "queue_id"
        case messageID = "message_id"
        case clientAddress = "client_addr"
        case saslUser = "sasl_user"
        case durationMilliseconds = "duration_ms"
        case infectedSender = "infected_sender"
    }
}

/// The verdict log: one JSON object per line, appended, rotated by size (`path`, `path.1` ... `path.N`), for the
/// fleet dashboard to ingest. Safe to call from any thread.
public final class VerdictLog: Sendable {
    public let path: String
    public let maxBytes: Int
    public let keep: Int
    private let state: Mutex<State>

    struct State {
        var handle: FileHandle?
        var size: Int
    }

    /// Opens (creating) `path` for appending.
    ///
    /// - Throws: ``MilterServerError`` `.verdictLog`.
    public init(path: String, maxBytes: Int = 64 << 20, keep: Int = 5) throws {
        self.path = path
        self.maxBytes = max(4096, maxBytes)
        self.keep = max(1, keep)
        let (handle, size) = try VerdictLog.open(path)
        state = Mutex(State(handle: handle, size: size))
    }

    static func open(_ path: String) throws -> (FileHandle, Int) {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o640])
            else { throw MilterServerError(.verdictLog, "cannot create \(path)") }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw MilterServerError(.verdictLog, "cannot open \(path) for writing")
        }
        let size = (try? handle.seekToEnd()).map { Int($0) } ?? 0
        return (handle, size)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// Appends `record` as one line; rotates first when the file would pass `maxBytes`.
    public func write(_ record: VerdictRecord) throws {
        var line = try VerdictLog.encoder.encode(record)
        line.append(0x0A)
        try state.withLock { state in
            if state.size > 0, state.size + line.count > maxBytes { try rotate(&state) }
            guard let handle = state.handle else { throw MilterServerError(.verdictLog, "\(path) is closed") }
            do { try handle.write(contentsOf: line) } catch {
                throw MilterServerError(.verdictLog, "cannot write \(path): \(error)")
            }
            state.size += line.count
        }
    }

    private func rotate(_ state: inout State) throws {
        try? state.handle?.close()
        state.handle = nil
        let fm = FileManager.default
        try? fm.removeItem(atPath: "\(path).\(keep)")
        for index in stride(from: keep - 1, through: 1, by: -1) where fm.fileExists(atPath: "\(path).\(index)") {
            try? fm.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
        }
        try? fm.moveItem(atPath: path, toPath: "\(path).1")
        let (handle, size) = try VerdictLog.open(path)
        state.handle = handle
        state.size = size
    }

    public func close() {
        state.withLock { state in
            try? state.handle?.close()
            state.handle = nil
        }
    }
}
