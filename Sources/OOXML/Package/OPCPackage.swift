import ByteCursor

/// The bounds for describing an Open Packaging Conventions package.
public struct OPCLimits: Sendable, Hashable {
    /// Limits for each XML part read (`[Content_Types].xml`, every `.rels` part).
    public var xml: XMLLimits
    /// The most relationships kept for the whole package; the rest are dropped and reported.
    public var maxRelationships: Limit
    /// The most content type entries (`Default` plus `Override`) read from `[Content_Types].xml`.
    public var maxContentTypeEntries: Limit

    public init(
        xml: XMLLimits = .default,
        maxRelationships: Limit = Limit("opc.maxRelationships", 65_536),
        maxContentTypeEntries: Limit = Limit("opc.maxContentTypeEntries", 65_536)
    ) {
        self.xml = xml
        self.maxRelationships = maxRelationships
        self.maxContentTypeEntries = maxContentTypeEntries
    }

    /// The defaults: XML defaults, 65,536 relationships, 65,536 content type entries.
    public static let `default` = OPCLimits()
}

/// One relationship from a `.rels` part (ECMA-376 Part 2, §9.3).
///
/// ```
/// word/_rels/document.xml.rels:
///   <Relationship Id="rId5" Type=".../relationships/attachedTemplate"
///                 Target="https://templates.example.invalid/t.dotm" TargetMode="External"/>
/// ```
public struct OPCRelationship: Sendable, Hashable {
    /// The `Id` attribute (`rId5`).
    public var id: String
    /// The `Type` URI (`http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate`).
    public var type: String
    /// The `Target` attribute as written: a URL for external targets, a relative part reference otherwise.
    public var target: String
    /// Whether `TargetMode="External"`: the target lives outside the package (remote template injection,
    /// linked OLE objects, frames, sub-documents, hyperlinks).
    public var isExternal: Bool
    /// The part the relationship belongs to (`word/document.xml`), or `""` for the package itself (`_rels/.rels`).
    public var sourcePart: String
    /// For internal targets, the part name the target resolves to (`word/media/image1.png`), without a leading
    /// slash; `nil` for external ones and targets that climb above the package root.
    public var targetPart: String?

    public init(
        id: String, type: String, target: String, isExternal: Bool, sourcePart: String, targetPart: String? = nil
    ) {
        self.id = id
        self.type = type
        self.target = target
        self.isExternal = isExternal
        self.sourcePart = sourcePart
        self.targetPart = targetPart
    }

    /// The last path segment of ``type`` (`attachedTemplate`, `oleObject`, `hyperlink`, `frame`...).
    public var typeName: Substring {
        guard let slash = type.lastIndex(of: "/") else { return type[...] }
        return type[type.index(after: slash)...]
    }
}

/// A part that could not be read while describing a package, and why.
public struct OPCPartProblem: Sendable, Hashable {
    public var part: String
    public var error: OOXMLError
}

/// What an OOXML package (`.docx`, `.xlsm`, `.pptx`...) is made of: its content types, relationships and the
/// parts that carry active content.
///
/// The caller (the engine, through its ZIP reader) passes the part names, the bytes of `[Content_Types].xml` and
/// of every `.rels` part; nothing else is read. Part names are ZIP entry names (`word/document.xml`, no leading
/// slash) and are matched case-insensitively as OPC requires.
public struct OOXMLPackageInfo: Sendable {
    /// `"word"`, `"excel"`, `"powerpoint"` or `"unknown"`, from the main part's content type (or its folder).
    public var documentKind: String
    /// The main document part (`word/document.xml`), found through the package's `officeDocument` relationship.
    public var mainPart: String?
    /// The content type of ``mainPart``.
    public var mainContentType: String?
    /// Whether the main part's content type is macro-enabled, or the package holds a VBA project.
    ///
    /// Every `.xlsb` is macro-enabled by this definition: its main content type is always
    /// `application/vnd.ms-excel.sheet.binary.macroEnabled.main`.
    public var isMacroEnabled: Bool
    /// Part name to content type: the `Override` for the part, else the `Default` for its extension.
    public var contentTypes: [String: String]
    /// Every relationship of every `.rels` part, in the order given.
    public var relationships: [OPCRelationship]
    /// The relationships with `TargetMode="External"`.
    public var externalRelationships: [OPCRelationship]
    /// VBA projects (`vbaProject.bin`, content type `application/vnd.ms-office.vbaProject`).
    public var vbaProjectParts: [String]
    /// Embedded objects: `oleObject*.bin`, anything under an `embeddings/` folder.
    public var embeddedObjectParts: [String]
    /// Excel 4.0 macro sheets (`xl/macrosheets/`, content types `...macrosheet...`).
    public var macroSheetParts: [String]
    /// ActiveX controls (`activeX/` folders, content types `...activeX...`).
    public var activeXParts: [String]
    /// `.rels` parts or `[Content_Types].xml` entries that were malformed or over a limit and were skipped.
    public var problems: [OPCPartProblem]

    /// Describes a package.
    ///
    /// - Parameters:
    ///   - partNames: every entry name of the package's ZIP archive.
    ///   - contentTypesXML: the bytes of `[Content_Types].xml`, or `nil` when the archive has none.
    ///   - relationships: each `.rels` part's name and bytes.
    /// - Throws: ``OOXMLError`` when `[Content_Types].xml` is not well-formed XML (Office refuses such a package);
    ///   malformed `.rels` parts are recorded in ``problems`` instead.
    public init(
        partNames: [String], contentTypesXML: [UInt8]?, relationships: [(partName: String, xml: [UInt8])],
        limits: OPCLimits = .default
    ) throws {
        var problems: [OPCPartProblem] = []
        let table = try contentTypesXML.map { try ContentTypeTable(parsing: $0, limits: limits, problems: &problems) }
        var contentTypes: [String: String] = [:]
        for name in partNames {
            if let type = table?.contentType(of: name) { contentTypes[name] = type }
        }

        var all: [OPCRelationship] = []
        for (relsName, xml) in relationships {
            guard let source = Self.sourcePart(ofRelationshipsPart: relsName) else { continue }
            do {
                try Self.readRelationships(
                    xml, source: source, limits: limits, into: &all)
            } catch {
                problems.append(OPCPartProblem(part: relsName, error: error))
            }
        }

        let byLowercasedName = Dictionary(
            partNames.map { (Self.normalized($0), $0) }, uniquingKeysWith: { first, _ in first })
        let main = all.first { $0.sourcePart.isEmpty && !$0.isExternal && Self.isOfficeDocumentType($0.type) }
        let mainPart = main?.targetPart.flatMap { byLowercasedName[Self.normalized($0)] ?? $0 }
        let mainContentType = mainPart.flatMap { contentTypes[$0] ?? table?.contentType(of: $0) }

        var vba: [String] = []
        var embedded: [String] = []
        var macroSheets: [String] = []
        var activeX: [String] = []
        for name in partNames {
            let lower = Self.normalized(name)
            let type = contentTypes[name]?.lowercased() ?? ""
            if lower.hasSuffix("vbaproject.bin") || type == "application/vnd.ms-office.vbaproject" {
                vba.append(name)
            } else if lower.contains("/embeddings/") || Self.fileName(lower).hasPrefix("oleobject")
                || type == "application/vnd.openxmlformats-officedocument.oleobject"
            {
                if !lower.hasSuffix("/") { embedded.append(name) }
            } else if lower.contains("/macrosheets/") || type.contains("macrosheet") {
                if !lower.contains("/_rels/"), !lower.hasSuffix("/") { macroSheets.append(name) }
            } else if lower.contains("/activex/") || type.contains("activex") {
                if !lower.contains("/_rels/"), !lower.hasSuffix("/") { activeX.append(name) }
            }
        }

        self.mainPart = mainPart
        self.mainContentType = mainContentType
        self.documentKind = Self.kind(contentType: mainContentType, mainPart: mainPart, partNames: partNames)
        self.isMacroEnabled = (mainContentType?.lowercased().contains("macroenabled") ?? false) || !vba.isEmpty
        self.contentTypes = contentTypes
        self.relationships = all
        self.externalRelationships = all.filter(\.isExternal)
        self.vbaProjectParts = vba
        self.embeddedObjectParts = embedded
        self.macroSheetParts = macroSheets
        self.activeXParts = activeX
        self.problems = problems
    }

    /// The relationships whose ``OPCRelationship/typeName`` is `name` (`attachedTemplate`, `oleObject`...).
    public func relationships(ofType name: String) -> [OPCRelationship] {
        relationships.filter { $0.typeName.lowercased() == name.lowercased() }
    }

    // MARK: - Relationships

    /// The source of `word/_rels/document.xml.rels` is `word/document.xml`; of `_rels/.rels` the package (`""`).
    static func sourcePart(ofRelationshipsPart name: String) -> String? {
        let path = name.hasPrefix("/") ? String(name.dropFirst()) : name
        let lower = path.lowercased()
        guard lower.hasSuffix(".rels") else { return nil }
        let withoutSuffix = path.dropLast(5)
        let folder: Substring
        let file: Substring
        if let slash = withoutSuffix.lastIndex(of: "/") {
            folder = withoutSuffix[..<slash]
            file = withoutSuffix[withoutSuffix.index(after: slash)...]
        } else {
            folder = ""
            file = withoutSuffix
        }
        // folder must end in "_rels".
        let parent: Substring
        if folder.lowercased() == "_rels" {
            parent = ""
        } else if folder.lowercased().hasSuffix("/_rels") {
            parent = folder.dropLast(6)
        } else {
            return nil
        }
        if parent.isEmpty { return String(file) }
        return parent + "/" + file
    }

    private static func readRelationships(
        _ xml: [UInt8], source: String, limits: OPCLimits, into all: inout [OPCRelationship]
    ) throws(OOXMLError) {
        var tokenizer = XMLTokenizer(xml, limits: limits.xml)
        while let token = try tokenizer.next() {
            guard case .startElement(let name, let attributes, _, let offset) = token,
                XMLTokenizer.localName(name) == "Relationship"
            else { continue }
            guard let target = attributes["Target"] else { continue }
            try limits.maxRelationships.checkXML(all.count + 1, offset: offset)
            let external = attributes["TargetMode"]?.lowercased() == "external"
            all.append(
                OPCRelationship(
                    id: attributes["Id"] ?? "", type: attributes["Type"] ?? "", target: target, isExternal: external,
                    sourcePart: source, targetPart: external ? nil : resolve(target, from: source)))
        }
    }

    /// Resolves a relative part reference against the folder of `source` (ECMA-376 Part 2, Annex A).
    static func resolve(_ target: String, from source: String) -> String? {
        var path = target
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        path = path.replacingBackslashes()
        var segments: [Substring]
        if path.hasPrefix("/") {
            segments = []
        } else {
            segments = source.split(separator: "/", omittingEmptySubsequences: true)
            if !segments.isEmpty { segments.removeLast() }
        }
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default: segments.append(segment)
            }
        }
        guard !segments.isEmpty else { return nil }
        return segments.joined(separator: "/")
    }

    static func isOfficeDocumentType(_ type: String) -> Bool {
        type.hasSuffix("/officeDocument")
    }

    // MARK: - Names

    /// A part name as OPC compares them: no leading slash, ASCII lowercase.
    static func normalized(_ name: String) -> String {
        (name.hasPrefix("/") ? String(name.dropFirst()) : name).lowercased()
    }

    static func fileName(_ name: String) -> Substring {
        guard let slash = name.lastIndex(of: "/") else { return name[...] }
        return name[name.index(after: slash)...]
    }

    static func kind(contentType: String?, mainPart: String?, partNames: [String]) -> String {
        if let type = contentType?.lowercased() {
            if type.contains("wordprocessingml") || type.contains("ms-word") { return "word" }
            if type.contains("spreadsheetml") || type.contains("ms-excel") { return "excel" }
            if type.contains("presentationml") || type.contains("ms-powerpoint") { return "powerpoint" }
        }
        let candidates = mainPart.map { [$0] } ?? partNames
        for name in candidates {
            let lower = normalized(name)
            if lower.hasPrefix("word/") { return "word" }
            if lower.hasPrefix("xl/") { return "excel" }
            if lower.hasPrefix("ppt/") { return "powerpoint" }
        }
        return "unknown"
    }
}

/// `[Content_Types].xml`: `Default` entries by extension and `Override` entries by part name.
struct ContentTypeTable: Sendable {
    var defaults: [String: String] = [:]
    var overrides: [String: String] = [:]

    init(parsing xml: [UInt8], limits: OPCLimits, problems: inout [OPCPartProblem]) throws(OOXMLError) {
        var tokenizer = XMLTokenizer(xml, limits: limits.xml)
        var count = 0
        while let token = try tokenizer.next() {
            guard case .startElement(let name, let attributes, _, let offset) = token else { continue }
            let local = XMLTokenizer.localName(name)
            guard local == "Default" || local == "Override" else { continue }
            count += 1
            if !limits.maxContentTypeEntries.allows(count) {
                problems.append(
                    OPCPartProblem(
                        part: "[Content_Types].xml",
                        error: .limitExceeded(limits.maxContentTypeEntries, value: count, offset: offset)))
                break
            }
            guard let type = attributes["ContentType"] else { continue }
            if local == "Default", let ext = attributes["Extension"] {
                let key = ext.lowercased()
                if defaults[key] == nil { defaults[key] = type }
            } else if local == "Override", let part = attributes["PartName"] {
                let key = OOXMLPackageInfo.normalized(part)
                if overrides[key] == nil { overrides[key] = type }
            }
        }
    }

    func contentType(of part: String) -> String? {
        let key = OOXMLPackageInfo.normalized(part)
        if let type = overrides[key] { return type }
        let file = OOXMLPackageInfo.fileName(key)
        guard let dot = file.lastIndex(of: ".") else { return nil }
        return defaults[String(file[file.index(after: dot)...])]
    }
}

extension String {
    /// The string with `\` turned into `/` (some producers write Windows separators in targets).
    func replacingBackslashes() -> String {
        guard contains("\\") else { return self }
        return String(map { $0 == "\\" ? "/" : $0 })
    }
}
