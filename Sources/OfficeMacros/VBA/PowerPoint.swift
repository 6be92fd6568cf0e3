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
    /// Like olevba's `ppt_parser.search_vba_storage`, the stream is searched for ExOleObjStg record headers
    /// rather than walked through the persist directory, so a damaged directory does not hide the project. Each
    /// storage found is parsed as a compound file and searched for projects; storages without VBA (other OLE
    /// objects) yield nothing.
    public static func projects(inPowerPoint cfb: CompoundFile, limits: VBALimits = .default) -> (
        projects: [VBAProject], errors: [OfficeMacrosError]
    ) {
        guard let entry = cfb.entry(path: "PowerPoint Document"), entry.isStream,
            let stream = try? cfb.stream(entry)
        else { return ([], []) }
        var projects: [VBAProject] = []
        var errors: [OfficeMacrosError] = []
        for storage in exOleObjStorages(in: stream.bytes[...], limits: limits, errors: &errors) {
            guard CompoundFile.hasSignature(storage[...]) else { continue }
            let inner: CompoundFile
            do {
                inner = try CompoundFile(parsing: storage)
            } catch {
                errors.append(
                    OfficeMacrosError(.containerError, "ExOleObjStg is not a compound file: \(error)",
                                      path: "PowerPoint Document"))
                continue
            }
            // Nested PowerPoint is not searched again (no recursion through crafted input).
            var found: [VBAProject] = []
            var budget = limits.maxTotalSourceBytes.maximum
            let lookup = streamLookup(inner)
            for e in inner.entries where e.isStorage && e.name.uppercased() == "VBA" {
                guard inner.children(of: e).contains(where: { $0.isStream && $0.name.uppercased() == "DIR" }) else {
                    continue
                }
                do {
                    var p = try project(
                        storagePath: parentPath(of: e.path), limits: limits, sourceBudget: &budget, stream: lookup)
                    p.anomalies.insert("project found in PowerPoint Document ExOleObjStg", at: 0)
                    found.append(p)
                } catch {
                    errors.append(error)
                }
            }
            projects += found
            if projects.count >= limits.maxProjects.maximum { break }
        }
        return (projects, errors)
    }

    /// The contents of every ExOleObjStg record (decompressed when compressed) in a PowerPoint Document stream.
    static func exOleObjStorages(
        in bytes: ArraySlice<UInt8>, limits: VBALimits, errors: inout [OfficeMacrosError]
    ) -> [[UInt8]] {
        var found: [[UInt8]] = []
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i + 8 <= end {
            // recVer 0, recInstance 0 or 1: first byte 0x00 or 0x10, second 0x00; recType 0x1011.
            guard bytes[i + 1] == 0x00, bytes[i] == 0x00 || bytes[i] == 0x10, bytes[i + 2] == 0x11,
                bytes[i + 3] == 0x10
            else {
                i += 1
                continue
            }
            let compressed = bytes[i] == 0x10
            var c = ByteCursor(bytes[(i + 4)...])
            guard let length32 = try? c.readUInt32LE(), let length = Int(exactly: length32),
                length <= end - (i + 8), length >= (compressed ? 4 : 8)
            else {
                i += 1
                continue
            }
            let body = bytes[(i + 8)..<(i + 8 + length)]
            guard found.count < limits.maxEmbeddedStorages.maximum else {
                errors.append(
                    OfficeMacrosError(
                        .limitExceeded,
                        "\(limits.maxEmbeddedStorages.name): more than \(limits.maxEmbeddedStorages.maximum) ExOleObjStg records",
                        path: "PowerPoint Document"))
                break
            }
            if compressed {
                let declared = Int(body[body.startIndex]) | Int(body[body.startIndex + 1]) << 8
                    | Int(body[body.startIndex + 2]) << 16 | Int(body[body.startIndex + 3]) << 24
                let zdata = body.dropFirst(4)
                do {
                    let (data, complete) = try Inflater.inflateZlib(
                        zdata, limit: limits.maxDecompressedBytes.maximum)
                    // PowerPoint leaves the last deflate block open; the declared size says whether all came.
                    if !complete && data.count != declared {
                        errors.append(
                            OfficeMacrosError(.truncated, "compressed ExOleObjStg ends early", offset: i - bytes.startIndex,
                                              path: "PowerPoint Document"))
                    }
                    found.append(data)
                } catch Inflater.Failure.limit {
                    errors.append(
                        OfficeMacrosError(
                            .limitExceeded, "\(limits.maxDecompressedBytes.name): ExOleObjStg inflates past \(limits.maxDecompressedBytes.maximum)",
                            offset: i - bytes.startIndex, path: "PowerPoint Document"))
                } catch {
                    // Not zlib: a chance match of the header bytes, or corrupt data.
                    i += 1
                    continue
                }
            } else {
                found.append(Array(body))
            }
            i += 8 + length
        }
        return found
    }
}
