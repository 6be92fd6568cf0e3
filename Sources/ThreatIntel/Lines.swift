import ByteCursor

/// One line of a text feed: its 1-based number and its bytes without the line break.
struct FeedLine {
    var number: Int
    var bytes: ArraySlice<UInt8>
}

/// Splits feed bytes into lines (LF or CRLF; a UTF-8 byte order mark at the start is skipped).
struct LineReader: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var position: Int
    private var number = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    mutating func next() -> FeedLine? {
        guard position < bytes.count else { return nil }
        number += 1
        let start = position
        var end = start
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        position = end + 1
        var stop = end
        if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
        return FeedLine(number: number, bytes: bytes[start..<stop])
    }
}

/// The result of splitting one CSV line.
enum CSVRow {
    case fields([String])
    case issue(RowIssue.Reason, String)
}

/// CSV as abuse.ch writes it: comma-separated, fields optionally in double quotes (`""` is a quote inside one),
/// spaces allowed around quoted fields (MalwareBazaar writes `"a", "b"`). A record never spans lines in these
/// feeds, so an unclosed quote is a malformed row.
enum CSV {
    static func split(_ line: Substring, maxFields: Limit) -> CSVRow {
        var fields: [String] = []
        let utf8 = line.utf8
        var i = utf8.startIndex
        let end = utf8.endIndex
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let space = UInt8(ascii: " ")
        while true {
            if !maxFields.allows(fields.count + 1) {
                return .issue(.tooManyFields, "more than \(maxFields.maximum) fields (\(maxFields.name))")
            }
            // Leading spaces before a quoted field.
            var j = i
            while j < end && utf8[j] == space { j = utf8.index(after: j) }
            if j < end && utf8[j] == quote {
                var k = utf8.index(after: j)
                var value = ""
                var chunkStart = k
                var closed = false
                while k < end {
                    if utf8[k] == quote {
                        value += line[chunkStart..<k]
                        let after = utf8.index(after: k)
                        if after < end && utf8[after] == quote {
                            value += "\""
                            k = utf8.index(after: after)
                            chunkStart = k
                            continue
                        }
                        k = after
                        closed = true
                        break
                    }
                    k = utf8.index(after: k)
                }
                if !closed { return .issue(.unterminatedQuote, "a quoted field is not closed") }
                while k < end && utf8[k] == space { k = utf8.index(after: k) }
                fields.append(value)
                if k == end { return .fields(fields) }
                guard utf8[k] == comma else {
                    return .issue(.unterminatedQuote, "text after a closing quote")
                }
                i = utf8.index(after: k)
            } else {
                var k = i
                while k < end && utf8[k] != comma { k = utf8.index(after: k) }
                let field = line[i..<k]
                if field.utf8.contains(quote) { return .issue(.unterminatedQuote, "a quote inside an unquoted field") }
                fields.append(String(field))
                if k == end { return .fields(fields) }
                i = utf8.index(after: k)
            }
        }
    }
}
