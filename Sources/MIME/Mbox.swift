#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One message cut from an mbox.
public struct MboxMessage: Sendable {
    /// The message, `From ` line removed, `>From ` lines unquoted one level (mboxrd; also right for mboxo).
    public var bytes: [UInt8]
    /// The `From ` line without its line ending (empty for content before the first `From ` line).
    public var envelope: String
    /// Byte offset of the `From ` line in the mbox.
    public var offset: Int
    /// 1-based line of the `From ` line in the mbox.
    public var line: Int
    /// 0-based position of the message in the mbox.
    public var index: Int
    /// Whether the message was longer than the splitter's `maxMessageBytes` and was cut there.
    public var truncated: Bool
}

/// Splits an mbox (mboxo or mboxrd) into messages while it streams in; memory stays bounded by
/// `maxMessageBytes` (plus a short line head and the envelope line) whatever the size of the mbox.
///
/// A line that starts with `From ` begins a message. Lines that start with `>From `, `>>From `, ... lose one `>`.
/// Content before the first `From ` line (a bare .eml fed by mistake, say) becomes a message with an empty
/// envelope when it is not just whitespace.
public struct MboxSplitter: Sendable {
    private enum State {
        case head, body, envelope
    }

    /// The longest message kept; the rest of a longer one is dropped and the message flagged `truncated`.
    public let maxMessageBytes: Int
    /// The longest envelope line kept.
    public static let maxEnvelopeBytes = 4096
    /// The longest run of `>` considered for unquoting.
    static let maxQuoteRun = 1024
    static let fromLine: [UInt8] = Array("From ".utf8)

    private var state = State.head
    private var head: [UInt8] = []
    private var current: [UInt8] = []
    private var envelope: [UInt8]?
    private var messageOffset = 0
    private var messageLine = 1
    private var truncated = false
    private var index = 0
    private var offset = 0  // stream offset of the next byte
    private var line = 1  // line of the next byte
    private var lineStartOffset = 0

    public init(maxMessageBytes: Int = 64 << 20) {
        self.maxMessageBytes = max(0, maxMessageBytes)
    }

    /// Feeds the next chunk; returns the messages it completed.
    public mutating func feed(_ chunk: ArraySlice<UInt8>) -> [MboxMessage] {
        var out: [MboxMessage] = []
        chunk.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0
            while i < n {
                switch state {
                case .head:
                    let b = p[i]
                    if head.isEmpty && b != 0x46 && b != 0x3E {
                        state = .body  // cannot be "From " or ">From ": copy the line as it is
                        continue
                    }
                    i += 1
                    offset += 1
                    head.append(b)
                    if b == 0x0A {
                        append(head[...])
                        head.removeAll(keepingCapacity: true)
                        line += 1
                        lineStartOffset = offset
                        continue
                    }
                    decideHead(&out)
                case .body, .envelope:
                    var nl: Int
                    if state == .body {
                        // Take the whole run up to the next line that may start a message or need unquoting
                        // ("\nF", "\n>"), or up to a line feed that ends the chunk.
                        let c = ByteScan.nextMboxCandidate(p, from: i, to: n)
                        nl = c.index
                        line += c.lines
                    } else {
                        nl = ByteScan.find(0x0A, in: p, from: i, to: n)
                    }
                    let end = nl < n ? nl + 1 : n
                    let run = UnsafeBufferPointer(rebasing: p[i..<end])
                    if state == .body {
                        append(run)
                    } else if var env = envelope {
                        let room = MboxSplitter.maxEnvelopeBytes - env.count
                        if room > 0 { env.append(contentsOf: run.prefix(room)) }
                        envelope = env
                    }
                    offset += end - i
                    i = end
                    if nl < n {
                        state = .head
                        line += 1
                        lineStartOffset = offset
                    }
                }
            }
        }
        return out
    }

    /// Ends the stream; returns the last message.
    public mutating func finish() -> [MboxMessage] {
        var out: [MboxMessage] = []
        if !head.isEmpty {
            append(head[...])
            head.removeAll()
        }
        emit(&out)
        state = .head
        return out
    }

    /// Decides what the line head is once it can no longer become `From ` or `>...>From `.
    private mutating func decideHead(_ out: inout [MboxMessage]) {
        let from = MboxSplitter.fromLine
        var q = 0
        while q < head.count && head[q] == 0x3E { q += 1 }
        let rest = head.count - q
        let prefixOK = rest <= from.count && head[q...].elementsEqual(from.prefix(rest))
        if prefixOK && q <= MboxSplitter.maxQuoteRun {
            guard rest == from.count else { return }  // keep collecting
            if q == 0 {
                // A new message.
                emit(&out)
                envelope = head
                messageOffset = lineStartOffset
                messageLine = line
                head.removeAll(keepingCapacity: true)
                state = .envelope
                return
            }
            append(head[1...])  // unquote one level
        } else {
            append(head[...])
        }
        head.removeAll(keepingCapacity: true)
        state = .body
    }

    private mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let room = maxMessageBytes - current.count
        if bytes.count <= room {
            current.append(contentsOf: bytes)
        } else {
            if room > 0 { current.append(contentsOf: bytes.prefix(room)) }
            truncated = true
        }
    }

    private mutating func emit(_ out: inout [MboxMessage]) {
        defer {
            // Most messages are tens or hundreds of KiB: start there rather than doubling up from nothing.
            current = []
            current.reserveCapacity(min(maxMessageBytes, 64 << 10))
            truncated = false
            envelope = nil
        }
        let env: [UInt8]
        if let e = envelope {
            env = e
        } else {
            // Content before the first From_ line: keep it only when it is not blank.
            guard current.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }) else { return }
            env = []
            messageOffset = 0
            messageLine = 1
        }
        var envEnd = env.count
        while envEnd > 0 && (env[envEnd - 1] == 0x0A || env[envEnd - 1] == 0x0D) { envEnd -= 1 }
        out.append(
            MboxMessage(
                bytes: current,
                envelope: String(decoding: env[..<envEnd], as: UTF8.self),
                offset: messageOffset,
                line: messageLine,
                index: index,
                truncated: truncated
            )
        )
        index += 1
    }
}
