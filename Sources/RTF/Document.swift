import ByteCursor
import CompoundFile

/// An embedded object of an RTF document: one `{\*\objdata ...}` destination, decoded.
///
/// ```
///  {\object\objemb\objupdate{\*\objclass Package}\objw1\objh1{\*\objdata 01050000 02000000 08000000 ...}}
///            |        |                |                           |
///         objectType  autoUpdate    objClass              rawData (hex, \bin runs, junk ignored)
/// ```
/// The raw data is normally an OLE 1.0 object (``ole1``): class "Package" holds a file with its name
/// (``package``), "Equation.3", "Word.Document.8" and most others hold a compound file as native data, "OLE2Link"
/// holds a moniker with a URL (CVE-2017-0199).
public struct RTFObject: Sendable {
    /// Where the object data starts: just after the `\objdata` control word (the same offset rtfobj reports).
    public var offset: Int
    /// Where the object data destination ends (its closing brace, or the end of the input).
    public var endOffset: Int
    /// The object's class: the OLE 1.0 class name when the data parses, else the `\objclass` text.
    public var className: String?
    /// The text of the enclosing object's `{\*\objclass ...}`, if any.
    public var objClass: String?
    /// The enclosing object's type word (`objemb`, `objlink`, `objautlink`, `objocx`, ...), if any.
    public var objectType: String?
    /// Whether the data sits inside an `{\object ...}` group at all (attackers sometimes leave it out).
    public var inObjectGroup: Bool
    /// The OLE 1.0 object the data decodes to, when it parses.
    public var ole1: OLE1Object?
    /// The Packager content, when the class is "Package": the embedded file's name and bytes.
    public var package: OLE10Native?
    /// The decoded object data.
    public var rawData: [UInt8]
    /// Whether the enclosing object has `\objupdate`: Word refreshes it on open, which runs the object's server
    /// without a click (used by the CVE-2017-0199 and CVE-2017-11882 exploits).
    public var autoUpdate: Bool
    /// Whether ``rawData`` was cut at ``RTFLimits/maxObjectBytes`` (or the total budget).
    public var truncated: Bool
}

/// A field instruction: the text of a `{\*\fldinst ...}` destination (`HYPERLINK "..."`, `DDEAUTO ...`,
/// `INCLUDEPICTURE "..."`), with RTF escapes decoded.
public struct RTFFieldInstruction: Sendable, Hashable {
    /// Where the instruction starts, just after `\fldinst`.
    public var offset: Int
    /// The instruction, trimmed.
    public var instruction: String
    /// The field type: the instruction's first word, upper-cased (`DDEAUTO`, `HYPERLINK`, `INCLUDETEXT`).
    public var keyword: String
    /// Whether the instruction was cut at ``RTFLimits/maxTextBytes``.
    public var truncated: Bool

    /// Whether the field runs a DDE command (`DDE`, `DDEAUTO`): a command line executed when the field updates.
    public var isDDE: Bool { keyword == "DDE" || keyword == "DDEAUTO" }
    /// Whether the field fetches content from a path or URL when it updates.
    public var isInclude: Bool {
        keyword == "INCLUDEPICTURE" || keyword == "INCLUDETEXT" || keyword == "IMPORT" || keyword == "LINK"
    }
}

/// An RTF document as a mail gate needs it: its embedded objects, field instructions, remote templates and URLs,
/// and the evasion tricks it used.
///
/// Parsing follows oletools' rtfobj (the field's reference for how Word reads malformed RTF): one linear pass,
/// destinations opened by the destination control words, object data taken as hex digits with everything else
/// ignored, `\bin` runs added as bytes, and Word's quirk of dropping an odd hex digit before a `\'hh` escape
/// reproduced. Pictures (`\pict`) and all other destinations are skipped. Group nesting is a counter: 100,000
/// nested groups cost nothing.
public struct RTFDocument: Sendable {
    /// Every `\objdata` destination, in document order.
    public var objects: [RTFObject]
    /// Every `\fldinst` destination, in document order.
    public var fieldInstructions: [RTFFieldInstruction]
    /// The text of every `{\*\template ...}`: a remote template is fetched when the document opens.
    public var templates: [String]
    /// The URLs found in field instructions, templates and OLE2Link objects, deduplicated in order.
    public var urls: [String]
    /// What was malformed or evasive.
    public var anomalies: [RTFAnomaly]
    /// The deepest group nesting seen.
    public var maxGroupDepth: Int

    /// Parses an RTF document.
    ///
    /// - Throws: ``RTFError`` `.notRTF` when the input does not start with `{\rt`. Everything else is an anomaly.
    public init(parsing bytes: ArraySlice<UInt8>, limits: RTFLimits = .default) throws {
        guard Self.hasSignature(bytes) else {
            throw RTFError(.notRTF, "the input does not start with {\\rt", offset: 0)
        }
        var parser = RTFParser(limits: limits)
        bytes.withUnsafeBufferPointer { parser.parse($0) }
        var out = parser.finish()
        if !Self.isStandardHeader(bytes) {
            out.anomalies.insert(
                RTFAnomaly(.unusualHeader, offset: 0, detail: "the header is not {\\rtf1"), at: 0)
        }
        objects = out.objects
        fieldInstructions = out.fields
        templates = out.templates
        anomalies = out.anomalies
        maxGroupDepth = out.maxLevel
        urls = URLScanner.urls(fields: out.fields, templates: out.templates, objects: out.objects)
    }

    /// Parses an RTF document.
    public init(parsing bytes: [UInt8], limits: RTFLimits = .default) throws {
        try self.init(parsing: bytes[...], limits: limits)
    }

    /// Whether the bytes start with `{\rt`, all Word needs to read a file as RTF.
    public static func hasSignature(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.starts(with: [0x7B, 0x5C, 0x72, 0x74])
    }

    static func isStandardHeader(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.starts(with: Array("{\\rtf1".utf8))
    }
}
