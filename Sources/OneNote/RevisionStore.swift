import ByteCursor
import Charsets

/// A FileDataStoreObjectReferenceFND: a blob's GUID and where it is.
struct BlobReference: Sendable {
    var guid: GUID
    var reference: ChunkReference
}

/// An ObjectDeclarationFileData3RefCountFND: an object whose data is a blob (`<ifndf>{GUID}`) or an external file.
struct FileDataObject: Sendable {
    var reference: String
    var fileExtension: String
}

/// An embedded file node or image node, from its property set.
struct ContainerNode: Sendable {
    enum Kind: Sendable { case embeddedFile, picture }
    var kind: Kind
    var container: ExtendedGUID?
    var name: String?
    var sourcePath: String?
    var altText: String?
}

/// Walks a revision store ([MS-ONESTORE] 2.4, 2.5) from the header's root file node list: every fragment of every
/// list reached through a node that references a list, once. It collects what ties blobs to names: blob
/// references, file data objects, the property sets of embedded file and image nodes, and text.
///
/// ```
///  FileNodeListFragment:
///   magic 0xA4567AB1F5F7F4C4 (8)  FileNodeListID (4)  nFragmentSequence (4)
///   FileNode*: header (4: id 10 bits, size 13, stpFormat 2, cbFormat 2, baseType 4, reserved 1) + data
///   padding   nextFragment (FileChunkReference64x32, 12)   footer 0x8BC215C38233BA4B (8)
/// ```
struct RevisionStoreWalker {
    static let fragmentMagic: UInt64 = 0xA456_7AB1_F5F7_F4C4
    static let fragmentFooter: UInt64 = 0x8BC2_15C3_8233_BA4B

    let whole: ByteCursor
    let limits: OneNoteLimits
    var log: OneNoteAnomalyLog
    var nodesRead = 0
    var visited = Set<Int>()
    var globalIDs: [UInt32: GUID] = [:]
    var blobReferences: [BlobReference] = []
    var fileDataObjects: [ExtendedGUID: FileDataObject] = [:]
    var containers: [ContainerNode] = []
    var titles: [String] = []
    var texts: [String] = []
    var encrypted = false
    var stopped = false

    init(_ bytes: ArraySlice<UInt8>, limits: OneNoteLimits, log: OneNoteAnomalyLog) {
        whole = ByteCursor(bytes)
        self.limits = limits
        self.log = log
    }

    var total: Int { whole.totalCount }

    // MARK: - Lists

    mutating func walkList(_ first: ChunkReference, depth: Int) {
        guard limits.maxListDepth.allows(depth) else {
            log.record(.limitExceeded, "\(limits.maxListDepth.name): file node lists nested deeper than \(limits.maxListDepth.maximum)")
            return
        }
        var reference = first
        var fragments = 0
        while !stopped {
            guard let range = reference.range(in: total), range.count >= 36 else {
                log.record(.referenceOutOfRange, offset: Int(exactly: reference.offset),
                           "a file node list fragment of \(reference.size) bytes at \(reference.offset) is outside the input or too small")
                return
            }
            guard visited.insert(range.lowerBound).inserted else {
                log.record(.listLoop, offset: range.lowerBound, "the file node list fragment at \(range.lowerBound) is reached twice")
                return
            }
            fragments += 1
            guard limits.maxFragments.allows(fragments) else {
                log.record(.limitExceeded, offset: range.lowerBound, "\(limits.maxFragments.name): more than \(limits.maxFragments.maximum) fragments in one list")
                return
            }
            guard let next = walkFragment(range, depth: depth) else { return }
            if next.isNil || next.isZero { return }
            reference = next
        }
    }

    /// Reads one fragment; returns its nextFragment reference, or nil when the fragment is unusable.
    mutating func walkFragment(_ range: Range<Int>, depth: Int) -> ChunkReference? {
        guard var c = try? whole.cursor(at: range.lowerBound, count: range.count),
            var tail = try? whole.cursor(at: range.upperBound - 20, count: 20)
        else { return nil }
        guard (try? c.readUInt64LE()) == Self.fragmentMagic else {
            log.record(.badFragment, offset: range.lowerBound, "no file node list fragment magic")
            return nil
        }
        _ = try? c.skip(8)
        let nextOffset = (try? tail.readUInt64LE()) ?? UInt64.max
        let nextSize = (try? tail.readUInt32LE()) ?? 0
        let footer = try? tail.readUInt64LE()
        let nodesEnd = range.upperBound - 20
        while c.offset + 4 <= nodesEnd && !stopped {
            let at = c.offset
            guard let header = try? c.readUInt32LE() else { break }
            let id = header & 0x3FF
            if id == 0 || id == 0xFF { break }  // padding, or ChunkTerminatorFND
            let size = Int((header >> 10) & 0x1FFF)
            guard size >= 4, size <= nodesEnd - at else {
                log.record(.badFileNode, offset: at, "file node 0x\(String(id, radix: 16)) of \(size) bytes does not fit its fragment")
                break
            }
            nodesRead += 1
            guard limits.maxFileNodes.allows(nodesRead) else {
                log.record(.limitExceeded, offset: at, "\(limits.maxFileNodes.name): more than \(limits.maxFileNodes.maximum) file nodes")
                stopped = true
                break
            }
            guard var body = try? c.subCursor(count: size - 4) else { break }
            let node = FileNodeHeader(raw: header)
            do {
                try handle(node, &body, at: at, depth: depth)
            } catch {
                log.record(.badFileNode, offset: at, "file node 0x\(String(id, radix: 16)) is malformed: \(error)")
            }
        }
        guard footer == Self.fragmentFooter else {
            log.record(.badFragment, offset: range.upperBound - 8, "no file node list fragment footer")
            return nil
        }
        return ChunkReference(offset: nextOffset, size: UInt64(nextSize))
    }

    // MARK: - Nodes

    struct FileNodeHeader {
        var id: UInt32
        var stpFormat: UInt32
        var cbFormat: UInt32
        var baseType: UInt32
        init(raw: UInt32) {
            id = raw & 0x3FF
            stpFormat = (raw >> 23) & 0x3
            cbFormat = (raw >> 25) & 0x3
            baseType = (raw >> 27) & 0xF
        }
    }

    /// A FileNodeChunkReference in the formats the node header gives.
    static func chunkReference(_ c: inout ByteCursor, _ node: FileNodeHeader) throws -> ChunkReference {
        let stp: UInt64
        switch node.stpFormat {
        case 0: stp = try c.readUInt64LE()
        case 1: stp = UInt64(try c.readUInt32LE())
        case 2: stp = UInt64(try c.readUInt16LE()) * 8
        default: stp = UInt64(try c.readUInt32LE()) * 8
        }
        let cb: UInt64
        switch node.cbFormat {
        case 0: cb = UInt64(try c.readUInt32LE())
        case 1: cb = try c.readUInt64LE()
        case 2: cb = UInt64(try c.readUInt8()) * 8
        default: cb = UInt64(try c.readUInt16LE()) * 8
        }
        // fcrNil in the compressed and 32-bit forms.
        let allOnes: UInt64 =
            switch node.stpFormat {
            case 0: UInt64.max
            case 1: UInt64(UInt32.max)
            case 2: UInt64(UInt16.max) * 8
            default: UInt64(UInt32.max) * 8
            }
        return ChunkReference(offset: stp == allOnes && cb == 0 ? UInt64.max : stp, size: cb)
    }

    mutating func handle(_ node: FileNodeHeader, _ c: inout ByteCursor, at: Int, depth: Int) throws {
        var reference: ChunkReference? = nil
        if node.baseType == 1 || node.baseType == 2 { reference = try Self.chunkReference(&c, node) }
        if node.baseType == 2, let reference, !reference.isNil {
            walkList(reference, depth: depth + 1)
            return
        }
        switch node.id {
        case 0x021, 0x022:  // GlobalIdTableStartFNDX, GlobalIdTableStart2FND
            globalIDs = [:]
        case 0x024:  // GlobalIdTableEntryFNDX
            let index = try c.readUInt32LE()
            if let guid = GUID(try c.readBytes(16)), globalIDs.count < limits.maxFileNodes.maximum {
                globalIDs[index] = guid
            }
        case 0x094:  // FileDataStoreObjectReferenceFND
            guard let reference, let guid = GUID(try c.readBytes(16)) else { return }
            blobReferences.append(BlobReference(guid: guid, reference: reference))
        case 0x072, 0x073:  // ObjectDeclarationFileData3RefCountFND, ...LargeRefCountFND
            let oid = try c.readUInt32LE()
            _ = try c.readUInt32LE()
            try c.skip(node.id == 0x072 ? 1 : 4)
            let target = try Self.storageString(&c)
            let ext = try Self.storageString(&c)
            if let id = resolve(oid) { fileDataObjects[id] = FileDataObject(reference: target, fileExtension: ext) }
        case 0x0A4, 0x0A5, 0x0C4, 0x0C5:  // ObjectDeclaration2(Large)RefCountFND and their read-only forms
            guard let reference else { return }
            _ = try c.readUInt32LE()  // oid
            let jcid = try c.readUInt32LE()
            guard (jcid >> 17) & 1 == 1 else { return }  // not a property set
            readPropertySet(at: reference, jcid: jcid)
        case 0x07C:  // ObjectDataEncryptionKeyV2FNDX
            if !encrypted {
                encrypted = true
                log.record(.encrypted, offset: at, "the section is password-protected (ObjectDataEncryptionKeyV2FNDX)")
            }
        default:
            break
        }
    }

    /// A StringInStorageBuffer: a count of UTF-16 code units, then the units.
    static func storageString(_ c: inout ByteCursor) throws -> String {
        let count = try c.readUInt32LE()
        guard let n = Int(exactly: count), n <= c.remaining / 2 else {
            throw CursorError.invalidLength(Int(clamping: count), offset: c.offset)
        }
        return Charsets.decode(try c.readBytes(n * 2), as: .utf16LE).text
    }

    /// A CompactID resolved through the current global identification table.
    func resolve(_ compact: UInt32) -> ExtendedGUID? {
        guard let guid = globalIDs[compact >> 8] else { return nil }
        return ExtendedGUID(guid: guid, n: compact & 0xFF)
    }

    // MARK: - Property sets

    static let jcidEmbeddedFileNode: UInt32 = 0x0006_0035
    static let jcidImageNode: UInt32 = 0x0006_0011
    static let propEmbeddedFileContainer: UInt32 = 0x1D9B
    static let propEmbeddedFileName: UInt32 = 0x1D9C
    static let propSourceFilepath: UInt32 = 0x1D9D
    static let propPictureContainer: UInt32 = 0x1C3F
    static let propImageFilename: UInt32 = 0x1DD7
    static let propImageAltText: UInt32 = 0x1E58
    static let propRichEditTextUnicode: UInt32 = 0x1C22
    static let propTextExtendedAscii: UInt32 = 0x3498
    static let propCachedTitleString: UInt32 = 0x1CF3
    static let propCachedTitleStringFromPage: UInt32 = 0x1D3C

    mutating func readPropertySet(at reference: ChunkReference, jcid: UInt32) {
        guard let range = reference.range(in: total), var c = try? whole.cursor(at: range.lowerBound, count: range.count)
        else {
            log.record(.referenceOutOfRange, offset: Int(exactly: reference.offset), "a property set outside the input")
            return
        }
        do {
            var set = try PropertySetReader(&c, maxDepth: limits.maxPropertyDepth.maximum)
            set.resolve { compact in self.resolve(compact) }
            collect(set, jcid: jcid)
        } catch {
            log.record(.badPropertySet, offset: range.lowerBound, "the property set of object class 0x\(String(jcid, radix: 16)) is malformed: \(error)")
        }
    }

    mutating func collect(_ set: PropertySetReader, jcid: UInt32) {
        switch jcid {
        case Self.jcidEmbeddedFileNode:
            containers.append(
                ContainerNode(
                    kind: .embeddedFile, container: set.objectID(Self.propEmbeddedFileContainer),
                    name: set.text(Self.propEmbeddedFileName), sourcePath: set.text(Self.propSourceFilepath),
                    altText: nil))
        case Self.jcidImageNode:
            containers.append(
                ContainerNode(
                    kind: .picture, container: set.objectID(Self.propPictureContainer),
                    name: set.text(Self.propImageFilename), sourcePath: nil, altText: set.text(Self.propImageAltText)))
        default:
            break
        }
        for id in [Self.propCachedTitleString, Self.propCachedTitleStringFromPage] {
            if let title = set.text(id), !title.isEmpty { Self.keep(title, in: &titles, limits) }
        }
        if let text = set.text(Self.propRichEditTextUnicode), !text.isEmpty { Self.keep(text, in: &texts, limits) }
        if let text = set.text(Self.propTextExtendedAscii, ascii: true), !text.isEmpty { Self.keep(text, in: &texts, limits) }
    }

    static func keep(_ text: String, in list: inout [String], _ limits: OneNoteLimits) {
        guard limits.maxTextSnippets.allows(list.count + 1) else { return }
        list.append(String(text.prefix(limits.maxTextLength.maximum)))
    }
}

/// An ObjectSpaceObjectPropSet ([MS-ONESTORE] 2.6.1): the streams of object, object space and context IDs, then a
/// PropertySet whose ObjectID properties take their values from those streams in order.
///
/// ```
///  OIDs: header (4: count 24 bits, reserved 6, ExtendedStreamsPresent 1, OsidStreamNotPresent 1)  CompactID*
///  OSIDs (if OsidStreamNotPresent is 0)   ContextIDs (if the OSIDs' ExtendedStreamsPresent is 1)
///  PropertySet: cProperties (2)  PropertyID* (4: id 26 bits, type 5, boolValue 1)  rgData
/// ```
/// Only the top-level properties are kept; nested property sets are read (they consume IDs) and dropped.
struct PropertySetReader {
    struct Property {
        var id: UInt32
        var type: UInt32
        var data: ArraySlice<UInt8>
        /// For ObjectID and ArrayOfObjectIDs: the CompactIDs taken from the OIDs stream.
        var objectIDs: [UInt32]
    }

    var properties: [Property] = []
    var oids: [UInt32] = []
    var resolved: [UInt32: ExtendedGUID] = [:]

    init(_ c: inout ByteCursor, maxDepth: Int) throws {
        let oidHeader = try c.readUInt32LE()
        oids = try Self.ids(&c, count: oidHeader & 0xFF_FFFF)
        var osidCount = 0
        var contextCount = 0
        if oidHeader >> 31 == 0 {
            let osidHeader = try c.readUInt32LE()
            osidCount = try Self.ids(&c, count: osidHeader & 0xFF_FFFF).count
            if (osidHeader >> 30) & 1 == 1 {
                contextCount = try Self.ids(&c, count: try c.readUInt32LE() & 0xFF_FFFF).count
            }
        }
        var next = (oid: 0, osid: 0, context: 0)
        properties = try Self.propertySet(&c, depth: 0, maxDepth: maxDepth, oids: oids, next: &next)
        _ = (osidCount, contextCount)
    }

    static func ids(_ c: inout ByteCursor, count: UInt32) throws -> [UInt32] {
        guard let n = Int(exactly: count), n <= c.remaining / 4 else {
            throw CursorError.invalidLength(Int(clamping: count), offset: c.offset)
        }
        var out: [UInt32] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try c.readUInt32LE()) }
        return out
    }

    static func propertySet(
        _ c: inout ByteCursor, depth: Int, maxDepth: Int, oids: [UInt32], next: inout (oid: Int, osid: Int, context: Int)
    ) throws -> [Property] {
        guard depth <= maxDepth else { throw CursorError.invalidLength(depth, offset: c.offset) }
        let count = Int(try c.readUInt16LE())
        guard count <= c.remaining / 4 else { throw CursorError.truncated(needed: count * 4, offset: c.offset) }
        var prids: [UInt32] = []
        prids.reserveCapacity(count)
        for _ in 0..<count { prids.append(try c.readUInt32LE()) }
        var out: [Property] = []
        for prid in prids {
            let id = prid & 0x3FF_FFFF
            let type = (prid >> 26) & 0x1F
            var property = Property(id: id, type: type, data: c.remainingBytes.prefix(0), objectIDs: [])
            switch type {
            case 0x1, 0x2: break
            case 0x3: property.data = try c.readBytes(1)
            case 0x4: property.data = try c.readBytes(2)
            case 0x5: property.data = try c.readBytes(4)
            case 0x6: property.data = try c.readBytes(8)
            case 0x7: property.data = try c.readBytes(count: try c.readUInt32LE())
            case 0x8, 0x9:
                let n = type == 0x8 ? 1 : try ByteCursor.length(try c.readUInt32LE(), offset: c.offset)
                guard n <= oids.count - next.oid else {
                    throw CursorError.outOfRange(offset: c.offset, size: oids.count)
                }
                property.objectIDs = Array(oids[next.oid..<(next.oid + n)])
                next.oid += n
            case 0xA, 0xC:
                break
            case 0xB, 0xD:
                _ = try c.readUInt32LE()
            case 0x10:
                let n = try ByteCursor.length(try c.readUInt32LE(), offset: c.offset)
                if n > 0 {
                    _ = try c.readUInt32LE()
                    guard n <= c.remaining / 2 else { throw CursorError.truncated(needed: n * 2, offset: c.offset) }
                    for _ in 0..<n {
                        _ = try propertySet(&c, depth: depth + 1, maxDepth: maxDepth, oids: oids, next: &next)
                    }
                }
            case 0x11:
                _ = try propertySet(&c, depth: depth + 1, maxDepth: maxDepth, oids: oids, next: &next)
            default:
                throw CursorError.invalidLength(Int(type), offset: c.offset)
            }
            out.append(property)
        }
        return out
    }

    mutating func resolve(_ resolver: (UInt32) -> ExtendedGUID?) {
        for oid in oids { if let id = resolver(oid) { resolved[oid] = id } }
    }

    /// The first object ID of property `id`, resolved.
    func objectID(_ id: UInt32) -> ExtendedGUID? {
        guard let p = properties.first(where: { $0.id == id && ($0.type == 0x8 || $0.type == 0x9) }),
            let compact = p.objectIDs.first
        else { return nil }
        return resolved[compact]
    }

    /// Property `id` as text: UTF-16LE (or Windows-1252), without trailing NULs.
    func text(_ id: UInt32, ascii: Bool = false) -> String? {
        guard let p = properties.first(where: { $0.id == id && $0.type == 0x7 }) else { return nil }
        var s = Charsets.decode(p.data, as: ascii ? .windows(1252) : .utf16LE).text
        while s.last == "\u{0}" { s.removeLast() }
        return s
    }
}
