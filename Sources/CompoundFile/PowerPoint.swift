import ByteCursor

/// An OLE object that PowerPoint 97-2003 keeps inside its "PowerPoint Document" stream, in an `ExOleObjStg`
/// record: the storage of an embedded object (a Package, a workbook, a VBA project) as a compound file of its own.
///
/// ```
///  record header: recVer (4 bits) recInstance (12 bits) | recType (2: 0x1011) | recLen (4)
///  recInstance 0: the compound file
///  recInstance 1: decompressed size (4) + zlib stream of the compound file
/// ```
/// oletools' oleobj extracts the same objects; `sample_with_lnk_file.ppt` carries calc.lnk this way.
public struct PowerPointOLEObject: Sendable {
    /// Where the record starts in the "PowerPoint Document" stream.
    public var recordOffset: Int
    /// Whether the record was zlib-compressed.
    public var compressed: Bool
    /// The decompressed size the record declares (compressed records only).
    public var declaredSize: UInt32?
    /// The object's storage, normally a compound file (see ``CompoundFile/hasSignature(_:)``).
    public var bytes: [UInt8]
    /// Whether the zlib stream was damaged or cut, or gave fewer bytes than declared.
    public var truncated: Bool
}

extension CompoundFile {
    /// The record type of `ExOleObjStg`.
    static let exOleObjStg: UInt16 = 0x1011

    /// The OLE objects in the "PowerPoint Document" stream (`ExOleObjStg` records), decompressed; empty when the
    /// file is not a PowerPoint 97-2003 presentation.
    ///
    /// Records are walked iteratively (containers at most 16 deep, at most 65,536 records); all objects together
    /// are decompressed to at most ``CFBLimits/maxStreamBytes`` (objects past that come back empty and
    /// ``PowerPointOLEObject/truncated``), so a stream of small deflate bombs cannot multiply memory.
    public func powerPointOLEObjects() -> [PowerPointOLEObject] {
        guard let entry = entry(path: "PowerPoint Document"), entry.isStream,
            let document = try? stream(entry)
        else { return [] }
        var out: [PowerPointOLEObject] = []
        var ranges: [(start: Int, end: Int, depth: Int)] = [(0, document.bytes.count, 0)]
        var records = 0
        let all = ByteCursor(document.bytes)
        var budget = max(0, limits.maxStreamBytes.maximum)
        while let range = ranges.popLast() {
            var offset = range.start
            while offset + 8 <= range.end, records < 65_536 {
                records += 1
                guard var c = try? all.cursor(at: offset, count: 8),
                    let verInstance = try? c.readUInt16LE(), let type = try? c.readUInt16LE(),
                    let length32 = try? c.readUInt32LE(), let length = Int(exactly: length32)
                else { break }
                let bodyStart = offset + 8
                let bodyEnd = min(range.end, bodyStart + min(length, range.end))
                if verInstance & 0xF == 0xF {
                    if range.depth < 16 { ranges.append((bodyStart, bodyEnd, range.depth + 1)) }
                } else if type == Self.exOleObjStg, let body = try? all.slice(at: bodyStart, count: bodyEnd - bodyStart) {
                    let object = Self.oleObject(body, instance: verInstance >> 4, offset: offset, limit: budget)
                    budget -= object.bytes.count
                    out.append(object)
                }
                let (next, overflow) = bodyStart.addingReportingOverflow(length)
                guard !overflow else { break }
                offset = next
            }
        }
        return out.sorted { $0.recordOffset < $1.recordOffset }
    }

    static func oleObject(_ body: ArraySlice<UInt8>, instance: UInt16, offset: Int, limit: Int) -> PowerPointOLEObject {
        guard instance == 1 else {
            return PowerPointOLEObject(
                recordOffset: offset, compressed: false, declaredSize: nil, bytes: Array(body.prefix(max(0, limit))),
                truncated: body.count > limit)
        }
        var c = ByteCursor(body)
        guard let declared = try? c.readUInt32LE() else {
            return PowerPointOLEObject(recordOffset: offset, compressed: true, declaredSize: nil, bytes: [], truncated: true)
        }
        let wanted = min(limit, Int(exactly: declared) ?? limit)
        let inflated = Inflate.zlib(c.remainingBytes, maxOutput: wanted)
        return PowerPointOLEObject(
            recordOffset: offset, compressed: true, declaredSize: declared, bytes: inflated.bytes,
            truncated: !inflated.complete || UInt64(inflated.bytes.count) < UInt64(declared))
    }
}
