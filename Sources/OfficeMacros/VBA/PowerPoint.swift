import ByteCursor
import CompoundFile

extension VBAExtractor {
    /// VBA projects of a PowerPoint 97-2003 file, which keeps its project as an embedded compound file in an
    /// `ExOleObjStg` record of the `PowerPoint Document` stream.
    ///
    /// ```
    ///  RecordHeader (8 bytes)                                   then
    ///  +------------------+-------------+-------------+         instance 0: the storage's bytes (a CFB file)
    ///  | ver 4b | inst 12b| type 0x1011 | length u32  |         instance 1: decompressedSize u32, zlib data
    ///  +------------------+-------------+-------------+
    /// ```
    ///
    /// The records are found and inflated by ``CompoundFile/powerPointOLEObjects()`` (bounded by the compound
    /// file's limits); each object that is a compound file is searched for projects, the way olevba's
    /// `ppt_parser` hands them to `VBA_Parser` as sub-files. Objects without VBA (other OLE objects) yield nothing.
    public static func projects(
        inPowerPoint cfb: CompoundFile,
        limits: VBALimits = .default
    ) -> (
        projects: [VBAProject], errors: [OfficeMacrosError]
    ) {
        var projects: [VBAProject] = []
        var errors: [OfficeMacrosError] = []
        var budget = limits.maxTotalSourceBytes.maximum
        let objects = cfb.powerPointOLEObjects()
        for (index, object) in objects.enumerated() {
            guard index < limits.maxEmbeddedStorages.maximum else {
                errors.append(
                    OfficeMacrosError(
                        .limitExceeded,
                        "\(limits.maxEmbeddedStorages.name): more than \(limits.maxEmbeddedStorages.maximum) ExOleObjStg records",
                        path: "PowerPoint Document"
                    )
                )
                break
            }
            guard CompoundFile.hasSignature(object.bytes[...]), let inner = try? CompoundFile(parsing: object.bytes)
            else { continue }
            let lookup = streamLookup(inner)
            for e in inner.entries where e.isStorage && e.name.uppercased() == "VBA" {
                guard inner.children(of: e).contains(where: { $0.isStream && $0.name.uppercased() == "DIR" }) else {
                    continue
                }
                guard projects.count < limits.maxProjects.maximum else { break }
                do {
                    var p = try project(
                        storagePath: parentPath(of: e.path),
                        limits: limits,
                        sourceBudget: &budget,
                        stream: lookup
                    )
                    p.anomalies.insert(
                        "project found in the ExOleObjStg record at offset \(object.recordOffset) of PowerPoint Document",
                        at: 0
                    )
                    if object.truncated {
                        p.anomalies.append("the ExOleObjStg record holding the project is truncated or damaged")
                    }
                    projects.append(p)
                } catch {
                    errors.append(error)
                }
            }
        }
        return (projects, errors)
    }
}
