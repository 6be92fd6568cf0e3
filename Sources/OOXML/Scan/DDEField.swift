import ByteCursor

/// A Dynamic Data Exchange link found in a document: a Word `DDE`/`DDEAUTO` field, an Excel `ddeLink` or a
/// DDE formula (`=cmd|'/c calc'!A0`).
///
/// DDE lets a document start a program (the DDE "service" or "application") with an argument (the "topic"); it
/// was used to run commands from Office documents without macros in 2017 malspam.
public struct DDEField: Sendable, Hashable {
    /// The part (`word/document.xml`, `xl/externalLinks/externalLink1.xml`), stream or file it was found in.
    public var part: String
    /// The field code, link or formula as written, the way msodde prints it:
    /// `DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe"`, `cmd /c calc.exe` (Excel `ddeLink`),
    /// `=cmd|'/c calc.exe'!A1` (formula).
    public var instruction: String
    /// The command DDE would start: the application and the topic, unquoted and unescaped
    /// (`c:\windows\system32\cmd.exe /k calc.exe`, `cmd /c calc.exe`).
    public var command: String
    /// The byte offset of the evidence in the part (the field's `begin` character, the `ddeLink` element...).
    public var offset: Int

    public init(part: String, instruction: String, command: String, offset: Int) {
        self.part = part
        self.instruction = instruction
        self.command = command
        self.offset = offset
    }
}

/// A Word field found in a document part: its instruction text with nested fields substituted.
public struct WordField: Sendable, Hashable {
    /// The field code (`DDEAUTO ...`, `HYPERLINK "..."`, `INCLUDEPICTURE ...`), as written.
    public var instruction: String
    /// The byte offset of the field's `begin` `fldChar` element, or of its `fldSimple` element.
    public var offset: Int
    /// The field's cached result text (what Word displayed when it last updated the field).
    public var result: String

    /// The field type: the instruction's first word, uppercased (`DDEAUTO`, `QUOTE`, `HYPERLINK`).
    public var type: String {
        FieldCode.arguments(instruction).first.map { $0.text.uppercased() } ?? ""
    }
}

/// The bounds for scanning document parts for fields and DDE.
public struct OOXMLScanLimits: Sendable, Hashable {
    /// Limits for the XML part scanned.
    public var xml: XMLLimits
    /// The deepest nesting of complex fields followed; deeper `begin` characters are ignored.
    public var maxFieldNesting: Limit
    /// The longest field instruction kept, in UTF-8 bytes; the rest of a longer one is dropped.
    public var maxInstructionBytes: Limit
    /// The most fields (or links, or URLs) reported for one part.
    public var maxFindings: Limit

    public init(
        xml: XMLLimits = .default,
        maxFieldNesting: Limit = Limit("ooxml.maxFieldNesting", 64),
        maxInstructionBytes: Limit = Limit("ooxml.maxInstructionBytes", 64 << 10),
        maxFindings: Limit = Limit("ooxml.maxFindings", 4096)
    ) {
        self.xml = xml
        self.maxFieldNesting = maxFieldNesting
        self.maxInstructionBytes = maxInstructionBytes
        self.maxFindings = maxFindings
    }

    /// The defaults: XML defaults, fields nested 64 deep, 64 KiB instructions, 4,096 findings per part.
    public static let `default` = OOXMLScanLimits()
}

/// Word field codes: splitting into arguments, DDE recognition, `QUOTE` evaluation.
///
/// A field code is a field type followed by arguments and switches separated by spaces. Arguments with spaces are
/// double-quoted; inside a field code `\\` stands for one backslash and `\"` for a quote; a switch is a backslash
/// followed by a letter or `#`, `@`, `*`, `!` (`\a`, `\* MERGEFORMAT`).
///
/// ```
/// DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" \a
/// ^type   ^application                   ^topic        ^switch
/// ```
public enum FieldCode {
    /// One argument or switch of a field code.
    public struct Argument: Sendable, Hashable {
        /// The text, unquoted and unescaped (`c:\windows\system32\cmd.exe`); for a switch, as written (`\a`).
        public var text: String
        /// Whether it is a switch.
        public var isSwitch: Bool
    }

    /// The arguments and switches of `code`, in order.
    public static func arguments(_ code: String) -> [Argument] {
        var out: [Argument] = []
        let chars = Array(code.unicodeScalars)
        var i = 0
        let n = chars.count
        while i < n {
            let c = chars[i]
            if c.properties.isWhitespace {
                i += 1
                continue
            }
            var text = String.UnicodeScalarView()
            if c == "\"" {
                i += 1
                while i < n, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < n, chars[i + 1] == "\\" || chars[i + 1] == "\"" {
                        text.append(chars[i + 1])
                        i += 2
                    } else {
                        text.append(chars[i])
                        i += 1
                    }
                }
                i += 1
                out.append(Argument(text: String(text), isSwitch: false))
                continue
            }
            let isSwitch = c == "\\" && i + 1 < n && chars[i + 1] != "\\" && !chars[i + 1].properties.isWhitespace
            while i < n, !chars[i].properties.isWhitespace {
                if !isSwitch, chars[i] == "\\", i + 1 < n, chars[i + 1] == "\\" || chars[i + 1] == "\"" {
                    text.append(chars[i + 1])
                    i += 2
                } else {
                    text.append(chars[i])
                    i += 1
                }
            }
            out.append(Argument(text: String(text), isSwitch: isSwitch))
        }
        return out
    }

    /// Whether the field code is a `DDE` or `DDEAUTO` field (case-insensitive, leading whitespace allowed).
    public static func isDDE(_ code: String) -> Bool {
        let type = typeWord(code)
        return type == "dde" || type == "ddeauto"
    }

    /// The first word of `code`, lowercased, ending at whitespace or a quote.
    static func typeWord(_ code: String) -> String {
        var word = String.UnicodeScalarView()
        for s in code.unicodeScalars {
            if s.properties.isWhitespace || s == "\"" {
                if word.isEmpty { continue }
                break
            }
            word.append(s)
            if word.count > 16 { break }
        }
        return String(word).lowercased()
    }

    /// The command a DDE field starts: application and topic joined by a space.
    public static func ddeCommand(_ code: String) -> String {
        let arguments = arguments(code).filter { !$0.isSwitch }.dropFirst()
        return arguments.prefix(2).map(\.text).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The text a `QUOTE` field produces, or `nil` when `code` is not a `QUOTE` field.
    ///
    /// Numeric arguments are character codes (`QUOTE 99 109 100` is `cmd`), others literal text, concatenated.
    public static func quoteResult(_ code: String) -> String? {
        guard typeWord(code) == "quote" else { return nil }
        var out = String.UnicodeScalarView()
        for argument in arguments(code).dropFirst() where !argument.isSwitch {
            if let value = UInt32(argument.text), let scalar = Unicode.Scalar(value) {
                out.append(scalar)
            } else {
                out.append(contentsOf: argument.text.unicodeScalars)
            }
        }
        return String(out)
    }
}
