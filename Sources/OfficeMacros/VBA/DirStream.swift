import ByteCursor

/// The records of a decompressed `dir` stream (MS-OVBA 2.3.4.2): project information, references and modules.
///
/// Every record but one is a TLV: a 16-bit id, a 32-bit size and that many bytes. The records that the
/// specification describes as one record with several parts (PROJECTDOCSTRING and its Unicode twin 0x0040,
/// REFERENCECONTROL and its extended part 0x0030...) are each a TLV in their own right, so one loop reads them all
/// and tolerates records that are missing, repeated or out of order, as Office and olevba do.
///
/// ```
///  +--------+----------+-------------------+
///  | Id u16 | Size u32 | Size bytes        |     every record ...
///  +--------+----------+-------------------+
///  | 0x0009 | 4 (!)    | Major u32 Minor u16 |   ... except PROJECTVERSION, whose "size" field is a reserved
///  +--------+----------+---------------------+   4 while 6 bytes follow (olevba reads it the same way)
///
///  PROJECTSYSKIND 01, [PROJECTCOMPATVERSION 4A], PROJECTLCID 02, PROJECTLCIDINVOKE 14, PROJECTCODEPAGE 03,
///  PROJECTNAME 04, PROJECTDOCSTRING 05 (+40), PROJECTHELPFILEPATH 06 (+3D), PROJECTHELPCONTEXT 07,
///  PROJECTLIBFLAGS 08, PROJECTVERSION 09, PROJECTCONSTANTS 0C (+3C),
///  REFERENCE*: NAME 16 (+3E), ORIGINAL 33, CONTROL 2F (+16 +3E, 30), REGISTERED 0D, PROJECT 0E,
///  PROJECTMODULES 0F, PROJECTCOOKIE 13,
///  MODULE*: NAME 19, NAMEUNICODE 47, STREAMNAME 1A (+32), DOCSTRING 1C (+48), OFFSET 31, HELPCONTEXT 1E,
///           COOKIE 2C, TYPE 21 (procedural) / 22 (document, class, designer), READONLY 25, PRIVATE 28,
///           TERMINATOR 2B,
///  dir TERMINATOR 10
/// ```
public struct VBADirectory: Sendable, Hashable {
    /// A REFERENCE record: a type library or project the VBA project uses.
    public struct Reference: Sendable, Hashable {
        /// Which REFERENCE record carried it.
        public enum Kind: String, Sendable, Hashable {
            case registered, project, control, original
        }
        public var kind: Kind
        /// The REFERENCENAME before it, in the project code page (raw bytes).
        public var name: [UInt8]
        /// The LibId (registered, original, control's twiddled LibId) or the absolute project LibId.
        public var libID: [UInt8]
    }

    /// One MODULE record.
    public struct Module: Sendable, Hashable {
        /// MODULENAME, in the project code page.
        public var name: [UInt8] = []
        /// MODULENAMEUNICODE, UTF-16LE.
        public var nameUnicode: [UInt8]?
        /// MODULESTREAMNAME, in the project code page.
        public var streamName: [UInt8]?
        /// The Unicode twin of MODULESTREAMNAME, UTF-16LE.
        public var streamNameUnicode: [UInt8]?
        /// MODULEDOCSTRING, in the project code page.
        public var docString: [UInt8]?
        /// MODULEOFFSET: where the compressed source starts in the module stream.
        public var textOffset: UInt32?
        public var helpContext: UInt32?
        public var cookie: UInt16?
        /// MODULETYPE: `nil` when the record is missing.
        public var type: VBAModule.ModuleType?
        public var isReadOnly = false
        public var isPrivate = false
        /// Whether the MODULE terminator (0x002B) was seen.
        public var isTerminated = false
    }

    public var sysKind: UInt32?
    public var compatVersion: UInt32?
    public var lcid: UInt32?
    public var lcidInvoke: UInt32?
    /// PROJECTCODEPAGE, e.g. 1252 or 932.
    public var codePage: Int?
    /// PROJECTNAME, in the project code page.
    public var projectName: [UInt8] = []
    public var docString: [UInt8] = []
    public var helpFile: [UInt8] = []
    public var helpContext: UInt32?
    public var libFlags: UInt32?
    public var versionMajor: UInt32?
    public var versionMinor: UInt16?
    /// PROJECTCONSTANTS (conditional compilation arguments), in the project code page.
    public var constants: [UInt8] = []
    public var references: [Reference] = []
    /// PROJECTMODULES' count, which may disagree with ``modules``.
    public var declaredModuleCount: Int?
    public var projectCookie: UInt16?
    public var modules: [Module] = []
    /// Deviations from MS-OVBA that were tolerated, in reading order.
    public var anomalies: [String] = []
    /// Whether the dir terminator (0x0010) was seen.
    public var isTerminated = false
    /// How many records were read.
    public var recordCount = 0

    public init() {}

    /// Parses a decompressed `dir` stream.
    ///
    /// Deviations become ``anomalies``; parsing stops at the dir terminator, at the end of the input or at a record
    /// that runs past it (reported). Only a stream from which not even the first record can be read throws.
    ///
    /// - Throws: ``OfficeMacrosError`` `corrupt-dir-stream` when no record could be read or the first is not
    ///   PROJECTSYSKIND/PROJECTCOMPATVERSION and no module was found; `limit-exceeded` is reported as an anomaly.
    public init(parsing bytes: ArraySlice<UInt8>, limits: VBALimits = .default) throws(OfficeMacrosError) {
        var cursor = ByteCursor(bytes)
        var module: Module?
        var pendingReferenceName: [UInt8] = []
        var firstID: UInt16?

        func finishModule(_ m: Module, _ why: String?) {
            if let why { anomalies.append(why) }
            if modules.count < limits.maxModules.maximum {
                modules.append(m)
            } else if modules.count == limits.maxModules.maximum {
                anomalies.append(
                    "\(limits.maxModules.name): more than \(limits.maxModules.maximum) modules, the rest are ignored"
                )
            }
        }

        records: while !cursor.isAtEnd {
            let recordOffset = cursor.offset
            guard recordCount < limits.maxDirRecords.maximum else {
                anomalies.append(
                    "\(limits.maxDirRecords.name): more than \(limits.maxDirRecords.maximum) records at offset \(recordOffset), the rest are ignored"
                )
                break
            }
            let id: UInt16
            let size: UInt32
            do {
                id = try cursor.readUInt16LE()
                size = try cursor.readUInt32LE()
            } catch {
                anomalies.append("record header cut short at offset \(recordOffset)")
                break
            }
            if firstID == nil { firstID = id }
            let payload: ArraySlice<UInt8>
            do {
                if id == 0x0009 {
                    // PROJECTVERSION: "Reserved" (should be 4) then Major u32, Minor u16.
                    if size != 4 { anomalies.append("PROJECTVERSION reserved field is \(size), not 4") }
                    payload = try cursor.readBytes(6)
                } else {
                    payload = try cursor.readBytes(count: size)
                }
            } catch {
                anomalies.append(
                    "record 0x\(Self.hex16(id)) at offset \(recordOffset) declares \(size) bytes, \(cursor.remaining) remain"
                )
                break
            }
            recordCount += 1
            var p = ByteCursor(payload)

            switch id {
            // Project information.
            case 0x0001: sysKind = Self.u32(&p)
            case 0x004A: compatVersion = Self.u32(&p)
            case 0x0002: lcid = Self.u32(&p)
            case 0x0014: lcidInvoke = Self.u32(&p)
            case 0x0003:
                if let cp = try? p.readUInt16LE() {
                    codePage = Int(cp)
                } else {
                    anomalies.append("PROJECTCODEPAGE of \(size) bytes")
                }
            case 0x0004: projectName = Array(payload)
            case 0x0005: docString = Array(payload)
            case 0x0040, 0x003D, 0x003C: break  // Unicode twins and HelpFile2
            case 0x0006: helpFile = Array(payload)
            case 0x0007: helpContext = Self.u32(&p)
            case 0x0008: libFlags = Self.u32(&p)
            case 0x0009:
                versionMajor = Self.u32(&p)
                versionMinor = try? p.readUInt16LE()
            case 0x000C: constants = Array(payload)
            // References.
            case 0x0016: pendingReferenceName = Array(payload)
            case 0x003E: break
            case 0x0033:
                references.append(Reference(kind: .original, name: pendingReferenceName, libID: Array(payload)))
                pendingReferenceName = []
            case 0x002F:
                references.append(
                    Reference(kind: .control, name: pendingReferenceName, libID: Self.sizedBytes(&p))
                )
                pendingReferenceName = []
            case 0x0030: break  // REFERENCECONTROL's extended part
            case 0x000D:
                references.append(
                    Reference(kind: .registered, name: pendingReferenceName, libID: Self.sizedBytes(&p))
                )
                pendingReferenceName = []
            case 0x000E:
                references.append(
                    Reference(kind: .project, name: pendingReferenceName, libID: Self.sizedBytes(&p))
                )
                pendingReferenceName = []
            // Modules.
            case 0x000F:
                if let n = try? p.readUInt16LE() { declaredModuleCount = Int(n) }
            case 0x0013: projectCookie = try? p.readUInt16LE()
            case 0x0019:
                if let m = module {
                    finishModule(m, "module record at offset \(recordOffset) starts before the previous one ended")
                }
                module = Module(name: Array(payload))
            case 0x0047, 0x001A, 0x0032, 0x001C, 0x0048, 0x0031, 0x001E, 0x002C, 0x0021, 0x0022, 0x0025, 0x0028,
                0x002B:
                guard var m = module else {
                    anomalies.append("module record 0x\(Self.hex16(id)) outside a module at offset \(recordOffset)")
                    continue records
                }
                switch id {
                case 0x0047: m.nameUnicode = Array(payload)
                case 0x001A: m.streamName = Array(payload)
                case 0x0032: m.streamNameUnicode = Array(payload)
                case 0x001C: m.docString = Array(payload)
                case 0x0048: break
                case 0x0031:
                    m.textOffset = Self.u32(&p)
                    if size != 4 { anomalies.append("MODULEOFFSET of \(size) bytes") }
                case 0x001E: m.helpContext = Self.u32(&p)
                case 0x002C: m.cookie = try? p.readUInt16LE()
                case 0x0021: m.type = .procedural
                case 0x0022: m.type = .documentClass
                case 0x0025: m.isReadOnly = true
                case 0x0028: m.isPrivate = true
                default:  // 0x002B
                    m.isTerminated = true
                    finishModule(m, nil)
                    module = nil
                    continue records
                }
                module = m
            case 0x0010:
                isTerminated = true
                break records
            default:
                anomalies.append("unknown dir record 0x\(Self.hex16(id)) of \(size) bytes at offset \(recordOffset)")
            }
        }
        if let m = module { finishModule(m, "last module record is not terminated") }
        if !isTerminated { anomalies.append("dir stream has no terminator record") }
        if let declared = declaredModuleCount, declared != modules.count {
            anomalies.append("PROJECTMODULES declares \(declared) modules, \(modules.count) found")
        }
        guard recordCount > 0 else {
            throw OfficeMacrosError(.corruptDirStream, "no record could be read", offset: 0)
        }
        if let f = firstID, f != 0x0001 && f != 0x004A {
            guard !modules.isEmpty else {
                throw OfficeMacrosError(
                    .corruptDirStream,
                    "first record is 0x\(Self.hex16(f)), not PROJECTSYSKIND, and no module found",
                    offset: 0
                )
            }
            anomalies.append("first record is 0x\(Self.hex16(f)), not PROJECTSYSKIND")
        }
    }

    private static func u32(_ p: inout ByteCursor) -> UInt32? { try? p.readUInt32LE() }

    /// A `SizeOfX u32, X` field at the start of a payload (LibIds).
    private static func sizedBytes(_ p: inout ByteCursor) -> [UInt8] {
        guard let n = try? p.readUInt32LE(), let bytes = try? p.readBytes(count: n) else { return [] }
        return Array(bytes)
    }

    static func hex16(_ v: UInt16) -> String {
        VBACompression.hex(UInt8(v >> 8)) + VBACompression.hex(UInt8(v & 0xFF))
    }
}
