import Foundation
import Milter

/// One header as the MTA hands it to a filter: the name, the whitespace after the colon, and the value with its
/// continuation lines (joined by LF, as Postfix keeps them).
struct CorpusHeader: Sendable {
    let name: String
    let leadingSpace: [UInt8]
    let value: [UInt8]
}

/// A message of the corpus, cut into what the milter conversation sends.
struct CorpusMessage: Sendable {
    let name: String
    let headers: [CorpusHeader]
    /// The body with CRLF line ends, in chunks of at most 65,535 bytes.
    let bodyChunks: [[UInt8]]
    /// The MAIL FROM address (with angle brackets) and the RCPT TO addresses.
    let sender: String
    let recipients: [String]
    let byteCount: Int

    /// The largest body chunk an MTA sends (`MILTER_CHUNK_SIZE`).
    static let chunkSize = 65_535

    /// Splits an RFC 5322 message (LF or CRLF line ends, an mbox `From ` line skipped) into headers and body.
    ///
    /// A line starting with a space or tab continues the previous header; a line that is neither a header nor a
    /// continuation ends the header section like an empty line would, and belongs to the body.
    init(name: String, bytes: [UInt8]) {
        self.name = name
        byteCount = bytes.count
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }
        if bytes.last == 0x0A { lines.removeLast() }
        var index = lines.startIndex
        if let first = lines.first, first.starts(with: Array("From ".utf8)) { index += 1 }
        var headers: [(name: String, leading: [UInt8], value: [UInt8])] = []
        while index < lines.endIndex {
            let line = lines[index]
            if line.isEmpty {
                index += 1
                break
            }
            if let first = line.first, first == 0x20 || first == 0x09, !headers.isEmpty {
                headers[headers.count - 1].value += [0x0A] + line
                index += 1
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[line.startIndex..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else { break }
            let rest = line[(colon + 1)...]
            let valueStart = rest.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? rest.endIndex
            headers.append(
                (
                    String(decoding: line[line.startIndex..<colon], as: UTF8.self),
                    Array(rest[rest.startIndex..<valueStart]), Array(rest[valueStart...])
                )
            )
            index += 1
        }
        self.headers = headers.map { CorpusHeader(name: $0.name, leadingSpace: $0.leading, value: $0.value) }
        var body: [UInt8] = []
        body.reserveCapacity(bytes.count)
        for line in lines[index...] {
            body.append(contentsOf: line)
            body.append(contentsOf: [0x0D, 0x0A])
        }
        bodyChunks = stride(from: 0, to: body.count, by: CorpusMessage.chunkSize).map {
            Array(body[$0..<min($0 + CorpusMessage.chunkSize, body.count)])
        }
        let from = headers.first { $0.name.lowercased() == "from" }.map { CorpusMessage.addresses(in: $0.value) }
        sender = from?.first ?? "<sender@example.invalid>"
        let to = headers.filter { ["to", "cc"].contains($0.name.lowercased()) }.flatMap {
            CorpusMessage.addresses(in: $0.value)
        }
        recipients = to.isEmpty ? ["<recipient@example.invalid>"] : Array(to.prefix(10))
    }

    /// The addresses of an address list, bracketed: `<a@b>` parts, else bare words with an `@`.
    static func addresses(in value: [UInt8]) -> [String] {
        let text = String(decoding: value, as: UTF8.self)
        var out: [String] = []
        for part in text.split(separator: ",") {
            if let open = part.lastIndex(of: "<"), let close = part[open...].firstIndex(of: ">") {
                out.append(String(part[open...close]))
            } else if let word = part.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                .first(where: { $0.contains("@") })
            {
                out.append("<\(word)>")
            }
        }
        return out
    }

    /// A small plain-text message, used when no corpus is given.
    static let builtIn = CorpusMessage(
        name: "built-in",
        bytes: Array(
            """
            From: Alice Example <alice@example.invalid>
            To: Bob Example <bob@example.invalid>
            Subject: Quarterly figures
             (folded subject line)
            Date: Mon, 1 Jan 2024 09:00:00 +0900
            Message-ID: <load-test@example.invalid>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8

            Hello Bob,

            please find the figures below.

            Regards,
            Alice

            """.utf8
        )
    )
}

/// Every `*.eml` file under a directory, read once.
struct Corpus: Sendable {
    let messages: [CorpusMessage]

    init(messages: [CorpusMessage]) { self.messages = messages }

    /// Loads `directory` recursively; a missing or empty directory is an error.
    init(directory: String) throws {
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { throw LoadError("cannot read corpus directory \(directory)") }
        var paths: [URL] = []
        for case let url as URL in walker where url.pathExtension.lowercased() == "eml" { paths.append(url) }
        paths.sort { $0.path < $1.path }
        var messages: [CorpusMessage] = []
        for url in paths {
            let data = try Data(contentsOf: url)
            messages.append(CorpusMessage(name: url.lastPathComponent, bytes: [UInt8](data)))
        }
        guard !messages.isEmpty else { throw LoadError("no .eml files under \(directory)") }
        self.messages = messages
    }

    var byteCount: Int { messages.reduce(0) { $0 + $1.byteCount } }
}

/// A usage or setup error, printed and turned into exit status 1.
struct LoadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
