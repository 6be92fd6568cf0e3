import ByteCursor
import Charsets

/// Text files written on Windows: UTF-16 (PowerShell's `>`), UTF-8 with or without a BOM, or the OEM/ANSI code
/// page (CP932 on a Japanese system).
enum TextFiles {
    /// Decodes `bytes` by their byte order mark, else UTF-16LE when every other byte is zero, else UTF-8 when valid,
    /// else the best Japanese reading (CP932, EUC-JP), else Latin-1.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        let b = bytes
        let s = b.startIndex
        if b.count >= 3, b[s] == 0xEF, b[s + 1] == 0xBB, b[s + 2] == 0xBF {
            return Charsets.decode(b.dropFirst(3), as: .utf8).text
        }
        if b.count >= 2, b[s] == 0xFF, b[s + 1] == 0xFE { return Charsets.decode(b.dropFirst(2), as: .utf16LE).text }
        if b.count >= 2, b[s] == 0xFE, b[s + 1] == 0xFF { return Charsets.decode(b.dropFirst(2), as: .utf16BE).text }
        if b.count >= 4, b[s] != 0, b[s + 1] == 0, b[s + 3] == 0 { return Charsets.decode(b, as: .utf16LE).text }
        if b.count >= 4, b[s] == 0, b[s + 1] != 0, b[s + 2] == 0 { return Charsets.decode(b, as: .utf16BE).text }
        return Charsets.decodeGuessing(b).text.text
    }
}

/// Splits delimited text into records: RFC 4180 quoting for commas and semicolons (quoted fields may hold the
/// delimiter, doubled quotes and line breaks), plain splitting for tabs (Volatility's text renderer).
struct DelimitedReader {
    let scalars: [Unicode.Scalar]
    var position: Int
    let delimiter: Unicode.Scalar
    let maxFieldBytes: Limit

    init(_ text: String, delimiter: Unicode.Scalar, from position: Int = 0, maxFieldBytes: Limit) {
        self.scalars = Array(text.unicodeScalars)
        self.position = position
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
    }

    init(scalars: [Unicode.Scalar], delimiter: Unicode.Scalar, from position: Int, maxFieldBytes: Limit) {
        self.scalars = scalars
        self.position = position
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
    }

    var atEnd: Bool { position >= scalars.count }

    /// The next record; nil at the end. A field longer than the limit is cut (and `cut` set).
    mutating func next(cut: inout Bool) -> [String]? {
        guard position < scalars.count else { return nil }
        let quoting = delimiter != "\t"
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var fieldLength = 0
        var inQuotes = false
        func push(_ c: Unicode.Scalar) {
            if maxFieldBytes.allows(fieldLength + 1) {
                field.append(c)
                fieldLength += 1
            } else {
                cut = true
            }
        }
        while position < scalars.count {
            let c = scalars[position]
            position += 1
            if inQuotes {
                if c == "\"" {
                    if position < scalars.count && scalars[position] == "\"" {
                        push("\"")
                        position += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    push(c)
                }
                continue
            }
            if c == "\"" && quoting && fieldLength == 0 {
                inQuotes = true
            } else if c == delimiter {
                fields.append(String(field))
                field = String.UnicodeScalarView()
                fieldLength = 0
            } else if c == "\n" {
                break
            } else if c == "\r" {
                if position < scalars.count && scalars[position] == "\n" { position += 1 }
                break
            } else {
                push(c)
            }
        }
        fields.append(String(field))
        return fields
    }
}

/// The process list formats Emoguard reads.
public enum ProcessListFormat: String, Sendable, Codable {
    /// `tasklist /v /fo csv` (English, Japanese, French or German headers).
    case tasklist
    /// `Get-CimInstance Win32_Process | Export-Csv` (or `Get-WmiObject`).
    case cimCSV = "cim-csv"
    /// Volatility 3 `windows.pslist` (text or `-r csv`).
    case volatilityPslist = "volatility-pslist"
    /// Volatility 3 `windows.cmdline` (text or `-r csv`).
    case volatilityCmdline = "volatility-cmdline"
}

/// Reads process lists: tasklist, Export-Csv of Win32_Process, Volatility 3 `windows.pslist`/`windows.cmdline`.
///
/// The format is recognised by its header row, found among the first lines (Volatility prints a banner, Export-Csv a
/// `#TYPE` line). Columns are found by name, so their order and the extra columns do not matter:
///
/// | format | name | PID | path | command line |
/// |---|---|---|---|---|
/// | tasklist /v /fo csv | `Image Name` / `イメージ名` | `PID` | | |
/// | Export-Csv Win32_Process | `Name` | `ProcessId` | `ExecutablePath` | `CommandLine` |
/// | Volatility windows.pslist | `ImageFileName` (14 characters) | `PID` | | |
/// | Volatility windows.cmdline | `Process` (14 characters) | `PID` | | `Args` |
public enum ProcessListReader {
    static let nameColumns = ["image name", "イメージ名", "nom de l'image", "abbildname", "name", "imagefilename", "process"]
    static let pidColumns = ["pid", "processid", "id de processus"]
    static let pathColumns = ["executablepath", "path"]
    static let commandColumns = ["commandline", "args"]
    /// How many lines may come before the header (banners, `#TYPE`, progress lines).
    static let maxLinesBeforeHeader = 64

    /// Parses a process list; `source` names it in the records. Throws `.badProcessList` when no header is found.
    public static func parse(
        _ bytes: ArraySlice<UInt8>, source: String, limits: HostCheckLimits = .default
    ) throws(HostCheckError) -> (records: [ProcessRecord], format: ProcessListFormat) {
        guard limits.maxProcessListBytes.allows(bytes.count) else {
            throw HostCheckError.limitExceeded(limits.maxProcessListBytes, value: bytes.count, path: source)
        }
        let text = TextFiles.decode(bytes)
        let scalars = Array(text.unicodeScalars)

        // Find the header: the first line (of the first few) that names a process-name and a PID column.
        var lineStart = 0
        var header: (columns: [String], delimiter: Unicode.Scalar, next: Int)?
        search: for _ in 0..<maxLinesBeforeHeader {
            guard lineStart < scalars.count else { break }
            for delimiter: Unicode.Scalar in [",", "\t", ";"] {
                var reader = DelimitedReader(
                    scalars: scalars, delimiter: delimiter, from: lineStart, maxFieldBytes: limits.maxFieldBytes)
                var cut = false
                guard let fields = reader.next(cut: &cut), fields.count >= 2 else { continue }
                let columns = fields.map(normalize)
                if find(nameColumns, in: columns) != nil && find(pidColumns, in: columns) != nil {
                    header = (columns, delimiter, reader.position)
                    break search
                }
            }
            var i = lineStart
            while i < scalars.count && scalars[i] != "\n" { i += 1 }
            lineStart = i + 1
        }
        guard let header else {
            throw HostCheckError(
                .badProcessList,
                "no header row of tasklist /fo csv, Export-Csv (Win32_Process) or Volatility 3 pslist/cmdline found",
                path: source)
        }

        let cols = header.columns
        let format: ProcessListFormat
        if cols.contains("args") {
            format = .volatilityCmdline
        } else if cols.contains("imagefilename") {
            format = .volatilityPslist
        } else if cols.contains("processid") {
            format = .cimCSV
        } else {
            format = .tasklist
        }
        guard let nameIndex = find(nameColumns, in: cols), let pidIndex = find(pidColumns, in: cols) else {
            throw HostCheckError(.badProcessList, "header without a name or PID column", path: source)
        }
        let pathIndex = find(pathColumns, in: cols)
        let commandIndex = find(commandColumns, in: cols)
        let exitIndex = cols.firstIndex(of: "exittime")
        let truncatedNames = format == .volatilityPslist || format == .volatilityCmdline

        var reader = DelimitedReader(
            scalars: scalars, delimiter: header.delimiter, from: header.next, maxFieldBytes: limits.maxFieldBytes)
        var records: [ProcessRecord] = []
        var cut = false
        while var fields = reader.next(cut: &cut) {
            if fields.count == 1 && fields[0].trimmed.isEmpty { continue }
            // Volatility's text renderer separates with tabs and never quotes: extra fields belong to the last column.
            if header.delimiter == "\t" && fields.count > cols.count && cols.count > 0 {
                let tail = fields[(cols.count - 1)...].joined(separator: "\t")
                fields = Array(fields[..<(cols.count - 1)]) + [tail]
            }
            guard nameIndex < fields.count, pidIndex < fields.count else { continue }
            let name = fields[nameIndex].trimmed
            guard !name.isEmpty, let pid = Int(fields[pidIndex].trimmed) else { continue }
            if let exitIndex, exitIndex < fields.count {
                let exit = fields[exitIndex].trimmed
                if !exit.isEmpty && exit != "N/A" && exit != "-" { continue }
            }
            var record = ProcessRecord(name: name, pid: pid, nameTruncated: truncatedNames, source: source)
            if let pathIndex, pathIndex < fields.count, let p = meaningful(fields[pathIndex]) { record.imagePath = p }
            if let commandIndex, commandIndex < fields.count, let c = meaningful(fields[commandIndex]),
                !c.hasPrefix("Required memory at"), !c.contains("is not valid (process exited?)")
            {
                record.commandLine = c
            }
            guard limits.maxProcesses.allows(records.count + 1) else {
                throw HostCheckError.limitExceeded(limits.maxProcesses, value: records.count + 1, path: source)
            }
            records.append(record)
        }
        return (records, format)
    }

    static func normalize(_ column: String) -> String {
        var s = column.trimmed.lowercased()
        if s.hasPrefix("\u{FEFF}") { s.removeFirst() }
        return s
    }

    static func find(_ names: [String], in columns: [String]) -> Int? {
        for name in names { if let i = columns.firstIndex(of: name) { return i } }
        return nil
    }

    static func meaningful(_ s: String) -> String? {
        let t = s.trimmed
        return t.isEmpty || t == "N/A" || t == "-" ? nil : t
    }
}

extension String {
    /// The string without leading and trailing white space (no Foundation).
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace || f == "\u{FEFF}" { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
