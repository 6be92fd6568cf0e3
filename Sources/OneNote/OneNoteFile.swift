import ByteCursor
import Charsets

/// A file embedded in a OneNote section: the data of one FileDataStoreObject, with the name the revision store
/// gives it when it gives one.
///
/// ```
///  FileDataStoreObject:
///   guidHeader {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC} (16)  cbLength (8)  unused (4)  reserved (8)
///   FileData (cbLength)  padding to 8  guidFooter {71FBA722-0F79-4A0B-BB13-899256426B24} (16)
/// ```
public struct OneNoteEmbeddedFile: Sendable {
    /// What kind of node shows it on the page.
    public enum Kind: String, Sendable {
        /// An embedded file node (jcidEmbeddedFileNode): an attachment icon the reader double-clicks.
        case embeddedFile = "embedded-file"
        /// An image node (jcidImageNode): a picture on the page.
        case picture
        /// No node could be tied to it (hidden, or the revision store could not be read).
        case unknown
    }

    /// The file name from the node's property set (`EmbeddedFileName`, `ImageFilename`), when it resolves.
    public var name: String?
    /// The GUID the revision store knows the blob by (lower case, no braces), when a node references it.
    public var guid: String?
    /// Where the FileDataStoreObject starts (its header GUID).
    public var offset: Int
    /// Where its data starts.
    public var dataOffset: Int
    /// The data, as far as the input holds it (a slice of the input).
    public var bytes: ArraySlice<UInt8>
    /// The length field.
    public var declaredLength: UInt64
    /// Whether the data is shorter than its length field.
    public var truncated: Bool
    /// The kind of node that shows it.
    public var kind: Kind
    /// The extension its file data object declares (".wsf"), when one does.
    public var fileExtension: String?
    /// The path it was inserted from (`SourceFilepath`), when given.
    public var sourcePath: String?
    /// The picture's alternative text, when given.
    public var altText: String?
    /// Its position among the section's blobs, in file order.
    public var index: Int

    /// The name to show: ``name``, else `embedded[N]` with an extension from ``fileExtension`` or the content.
    public var displayName: String {
        if let name, !name.isEmpty { return name }
        let ext = fileExtension.flatMap { $0.isEmpty ? nil : $0 } ?? ContentSniffer.fileExtension(bytes)
        return "embedded[\(index)]" + ext
    }
}

/// A OneNote section (`.one`) or table of contents (`.onetoc2`): a revision store ([MS-ONESTORE]).
///
/// Embedded files are found two ways, as the field's tools do: a signature scan for FileDataStoreObject headers
/// over the whole input, with lengths validated (strelka, one-extract, pyOneNote's blobs), and a walk of the
/// revision store (header, file node lists and their fragments, file nodes, object property sets) that ties each
/// blob to its node and name:
///
/// ```
///  jcidEmbeddedFileNode property set: EmbeddedFileName "invoice.wsf", EmbeddedFileContainer -> oid
///  ObjectDeclarationFileData3RefCountFND: oid -> "<ifndf>{GUID}", extension ".wsf"
///  FileDataStoreObjectReferenceFND: GUID -> reference to the FileDataStoreObject
/// ```
/// A blob that nothing names is still reported, as `embedded[N]`.
public struct OneNoteFile: Sendable {
    /// Whether the header is the OneNote 2010+ revision store format (file format GUID, version 0x2A for
    /// sections, 0x1B for tables of contents).
    public var isOneNote2010: Bool
    /// Whether the file is a table of contents (`.onetoc2`) rather than a section.
    public var isTableOfContents: Bool
    /// Whether the section is password-protected (its objects cannot be read; blobs are still listed).
    public var isEncrypted: Bool
    /// Every FileDataStoreObject, in file order.
    public var embeddedFiles: [OneNoteEmbeddedFile]
    /// Page titles (`CachedTitleString`).
    public var pageTitles: [String]
    /// Paragraph text (`RichEditTextUnicode`, `TextExtendedAscii`): where lures say "Double click to view file".
    public var textSnippets: [String]
    /// What was malformed.
    public var anomalies: [OneNoteAnomaly]

    /// Parses a OneNote file.
    ///
    /// - Throws: ``OneNoteError`` `.truncated` when the input is shorter than the 1,024-byte header,
    ///   `.notOneNote` when it does not start with the `.one` or `.onetoc2` file type GUID.
    public init(parsing bytes: ArraySlice<UInt8>, limits: OneNoteLimits = .default) throws {
        guard Self.hasSignature(bytes) else {
            throw OneNoteError(.notOneNote, "no OneNote file type GUID", offset: 0)
        }
        let header = try RevisionStoreHeader(bytes)
        var log = OneNoteAnomalyLog(cap: limits.maxAnomalies)
        isTableOfContents = header.fileType == GUID.fileTypeTOC
        isOneNote2010 =
            header.fileFormat == GUID.fileFormat && header.lastCodeVersion == (isTableOfContents ? 0x1B : 0x2A)
        if !isOneNote2010 {
            log.record(.badHeader, offset: 48, "file format \(header.fileFormat), version 0x\(String(header.lastCodeVersion, radix: 16))")
        }
        if header.expectedFileLength != UInt64(bytes.count) {
            log.record(.badHeader, offset: 196, "the header expects \(header.expectedFileLength) bytes, the input has \(bytes.count)")
        }

        var walker = RevisionStoreWalker(bytes, limits: limits, log: log)
        if header.fileNodeListRoot.isNil || header.fileNodeListRoot.isZero {
            walker.log.record(.badHeader, offset: 172, "no root file node list")
        } else {
            walker.walkList(header.fileNodeListRoot, depth: 0)
        }
        log = walker.log

        let blobs = BlobScanner.scan(bytes, referenced: walker.blobReferences.compactMap { Int(exactly: $0.reference.offset) },
                                     limits: limits, log: &log)
        embeddedFiles = Self.name(blobs, walker: walker, log: &log)
        isEncrypted = walker.encrypted
        pageTitles = walker.titles
        textSnippets = walker.texts
        anomalies = log.items
    }

    /// Parses a OneNote file.
    public init(parsing bytes: [UInt8], limits: OneNoteLimits = .default) throws {
        try self.init(parsing: bytes[...], limits: limits)
    }

    /// Whether the bytes start with the `.one` or `.onetoc2` file type GUID.
    public static func hasSignature(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let type = GUID(bytes.prefix(16)) else { return false }
        return type == GUID.fileTypeOne || type == GUID.fileTypeTOC
    }

    /// Ties blobs to the names the revision store gives them.
    static func name(_ blobs: [FoundBlob], walker: RevisionStoreWalker, log: inout OneNoteAnomalyLog) -> [OneNoteEmbeddedFile] {
        var guidByOffset: [Int: GUID] = [:]
        for ref in walker.blobReferences {
            if let o = Int(exactly: ref.reference.offset), guidByOffset[o] == nil { guidByOffset[o] = ref.guid }
        }
        var objectByGUID: [GUID: (ExtendedGUID, FileDataObject)] = [:]
        for (oid, object) in walker.fileDataObjects {
            guard let start = object.reference.firstIndex(of: "{"), let end = object.reference.lastIndex(of: "}"),
                start < end, let guid = GUID(string: object.reference[start...end])
            else { continue }
            objectByGUID[guid] = (oid, object)
        }
        var nodeByContainer: [ExtendedGUID: ContainerNode] = [:]
        for node in walker.containers {
            guard let container = node.container else {
                log.record(.unresolvedReference, "a \(node.kind) node whose container object ID does not resolve")
                continue
            }
            nodeByContainer[container] = node
        }
        var out: [OneNoteEmbeddedFile] = []
        let walked = !walker.visited.isEmpty
        for (index, blob) in blobs.enumerated() {
            var file = OneNoteEmbeddedFile(
                name: nil, guid: nil, offset: blob.offset, dataOffset: blob.offset + BlobScanner.headerSize,
                bytes: blob.bytes, declaredLength: blob.declaredLength, truncated: blob.truncated, kind: .unknown,
                fileExtension: nil, sourcePath: nil, altText: nil, index: index)
            if let guid = guidByOffset[blob.offset] {
                file.guid = guid.description
                if let (oid, object) = objectByGUID[guid] {
                    file.fileExtension = object.fileExtension
                    if let node = nodeByContainer[oid] {
                        file.name = node.name
                        file.sourcePath = node.sourcePath
                        file.altText = node.altText
                        file.kind = node.kind == .picture ? .picture : .embeddedFile
                    } else {
                        log.record(.unresolvedReference, offset: blob.offset, "no embedded file or image node names blob \(guid)")
                    }
                } else {
                    log.record(.unresolvedReference, offset: blob.offset, "no file data object refers to blob \(guid)")
                }
            } else if walked {
                log.record(.unreferencedBlob, offset: blob.offset, "a file data store object that no file node references")
            }
            out.append(file)
        }
        return out
    }
}

/// A FileDataStoreObject found in the input.
struct FoundBlob: Sendable {
    var offset: Int
    var bytes: ArraySlice<UInt8>
    var declaredLength: UInt64
    var truncated: Bool
}

/// The signature scan for FileDataStoreObjects.
enum BlobScanner {
    /// Header GUID, length, unused, reserved.
    static let headerSize = 36

    /// Every FileDataStoreObject header in `bytes`, plus the offsets the revision store references. A well-formed
    /// blob (footer in place) hides nothing inside its data; a blob with an impossible length or no footer does not
    /// stop the scan, so a fake header cannot swallow the real ones after it.
    static func scan(
        _ bytes: ArraySlice<UInt8>, referenced: [Int], limits: OneNoteLimits, log: inout OneNoteAnomalyLog
    ) -> [FoundBlob] {
        guard let header = GUID.blobHeader?.bytes else { return [] }
        var candidates = Set(referenced)
        bytes.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0
            while i + 16 <= n {
                if p[i] == header[0] && p[i + 1] == header[1] {
                    var match = true
                    for k in 2..<16 where p[i + k] != header[k] {
                        match = false
                        break
                    }
                    if match { candidates.insert(i) }
                }
                i += 1
            }
        }
        var out: [FoundBlob] = []
        var coveredUntil = 0
        let cursor = ByteCursor(bytes)
        for offset in candidates.sorted() {
            guard offset >= coveredUntil || !candidatesInsideAllowed else { continue }
            guard offset >= 0, offset + 16 <= bytes.count,
                (try? cursor.slice(at: offset, count: 16)).map(Array.init) == header
            else { continue }
            guard limits.maxEmbeddedFiles.allows(out.count + 1) else {
                log.record(.limitExceeded, offset: offset, "\(limits.maxEmbeddedFiles.name): more than \(limits.maxEmbeddedFiles.maximum) embedded files")
                break
            }
            let dataStart = offset + headerSize
            var lengthField: UInt64? = nil
            if var c = try? cursor.cursor(at: offset + 16, count: 8) { lengthField = try? c.readUInt64LE() }
            let length = lengthField ?? 0
            let available = max(0, bytes.count - dataStart)
            let wanted = Int(exactly: length) ?? Int.max
            let truncated = lengthField == nil || wanted > available
            let count = min(wanted, available)
            let data = (try? cursor.slice(at: min(dataStart, bytes.count), count: count)) ?? bytes.suffix(0)
            if truncated {
                log.record(.truncatedBlob, offset: offset, "a blob of \(length) bytes with \(available) left in the input")
            } else if let footerEnd = footerEnd(cursor, offset: offset, dataStart: dataStart, count: count) {
                coveredUntil = footerEnd
            } else {
                log.record(.missingFooter, offset: offset, "no footer GUID after a blob of \(length) bytes")
            }
            out.append(FoundBlob(offset: offset, bytes: data, declaredLength: length, truncated: truncated))
        }
        return out
    }

    /// Where the footer GUID ends, if it is in place. The specification pads the data "to an 8-byte boundary";
    /// writers differ on what is aligned (the data's length, or the structure in the file), and some write no
    /// padding, so each of those positions is accepted.
    static func footerEnd(_ cursor: ByteCursor, offset: Int, dataStart: Int, count: Int) -> Int? {
        guard let footer = GUID.blobFooter?.bytes else { return nil }
        let dataEnd = dataStart + count
        let positions = [
            dataStart + (count + 7) / 8 * 8, offset + (headerSize + count + 7) / 8 * 8, dataEnd,
        ]
        for at in positions where (try? cursor.slice(at: at, count: 16)).map(Array.init) == footer {
            return at + 16
        }
        return nil
    }

    /// Header GUIDs inside a well-formed blob's data belong to that data (an embedded `.one`): not listed here.
    static let candidatesInsideAllowed = false
}

/// A file type from content, for unnamed blobs.
enum ContentSniffer {
    static func fileExtension(_ b: ArraySlice<UInt8>) -> String {
        func starts(_ s: [UInt8]) -> Bool { b.starts(with: s) }
        if starts([0x4D, 0x5A]) { return ".exe" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return ".png" }
        if starts([0xFF, 0xD8, 0xFF]) { return ".jpg" }
        if starts(Array("GIF8".utf8)) { return ".gif" }
        if starts([0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00]) { return ".lnk" }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return ".zip" }
        if starts([0xD0, 0xCF, 0x11, 0xE0]) { return ".doc" }
        if starts(Array("%PDF".utf8)) { return ".pdf" }
        if starts(Array("{\\rt".utf8)) { return ".rtf" }
        let head = String(decoding: b.prefix(512), as: UTF8.self).lowercased()
        if head.contains("<job") || head.contains("<package") { return ".wsf" }
        if head.contains("<hta:") || head.contains("<html") || head.contains("<script") { return ".hta" }
        if head.contains("@echo") { return ".cmd" }
        if b.prefix(512).allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || ($0 >= 0x20 && $0 < 0x7F) }) {
            return ".txt"
        }
        return ".bin"
    }
}
