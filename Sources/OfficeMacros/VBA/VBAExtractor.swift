import ByteCursor
import Charsets

/// Reads VBA projects: finds them in a compound file, parses their `dir` stream and decompresses their modules.
///
/// The extraction core works on any container through a stream lookup (``project(storagePath:limits:stream:)``),
/// so that it can be tested on byte arrays and reused for projects found inside other streams (PowerPoint 97's
/// `ExOleObjStg`). A part that fails becomes an anomaly or an error in the result and the rest goes on; nothing on
/// this path traps.
public enum VBAExtractor {
    /// What a stream lookup found.
    public enum StreamLookup: Sendable {
        /// The stream's bytes; `truncated` when the container could not give all of them.
        case found([UInt8], truncated: Bool)
        /// No stream at that path.
        case missing
        /// The container failed to read it.
        case failed(OfficeMacrosError)
    }

    /// Reads the project whose `VBA` storage lies under `storagePath`, using `stream` to read streams by path
    /// (`"Macros/VBA/dir"`; case-insensitive matching is the lookup's business).
    ///
    /// - Throws: ``OfficeMacrosError`` when the `dir` stream is missing, does not decompress at all or has no
    ///   readable record: then there is no project to return. Everything else becomes an anomaly.
    public static func project(
        storagePath: String,
        limits: VBALimits = .default,
        stream: (String) -> StreamLookup
    ) throws(OfficeMacrosError) -> VBAProject {
        var budget = limits.maxTotalSourceBytes.maximum
        return try project(storagePath: storagePath, limits: limits, sourceBudget: &budget, stream: stream)
    }

    static func project(
        storagePath: String,
        limits: VBALimits,
        sourceBudget: inout Int,
        stream: (String) -> StreamLookup
    ) throws(OfficeMacrosError) -> VBAProject {
        let root = storagePath.isEmpty ? "" : storagePath + "/"
        let vbaPath = root + "VBA/"
        var anomalies: [String] = []

        // dir
        let dirPath = vbaPath + "dir"
        let dirCompressed: [UInt8]
        switch stream(dirPath) {
        case .found(let bytes, let truncated):
            if truncated { anomalies.append("dir stream is truncated in the container") }
            dirCompressed = bytes
        case .missing:
            throw OfficeMacrosError(.missingStream, "no dir stream", path: dirPath)
        case .failed(let error):
            throw OfficeMacrosError(.containerError, error.description, path: dirPath)
        }
        let dirResult = VBACompression.decompressTolerantly(dirCompressed[...], limit: limits.maxDecompressedBytes)
        if let error = dirResult.error {
            if dirResult.bytes.isEmpty {
                throw OfficeMacrosError(error.code, error.reason, offset: error.offset, path: dirPath)
            }
            anomalies.append("dir stream decompressed partially: \(error.reason)")
        }
        var directory: VBADirectory
        do {
            directory = try VBADirectory(parsing: dirResult.bytes[...], limits: limits)
        } catch {
            throw OfficeMacrosError(error.code, error.reason, offset: error.offset, path: dirPath)
        }
        anomalies.append(contentsOf: directory.anomalies.map { "dir: " + $0 })

        let codePage = directory.codePage ?? 1252
        if directory.codePage == nil { anomalies.append("no PROJECTCODEPAGE record; assuming 1252") }
        let (charset, exact) = VBACodePage.charset(for: codePage)
        if !exact { anomalies.append("code page \(codePage) is not supported; decoded as windows-1252") }
        func decode(_ bytes: [UInt8]) -> String { Charsets.decode(bytes, as: charset).text }

        // PROJECT
        var projectStream: [String: [String]] = [:]
        switch stream(root + "PROJECT") {
        case .found(let bytes, _):
            let (dict, lines) = parseProjectStream(bytes[...], charset: charset, limit: limits.maxProjectStreamLines)
            projectStream = dict
            if lines > limits.maxProjectStreamLines.maximum {
                anomalies.append(
                    "\(limits.maxProjectStreamLines.name): PROJECT stream lines beyond \(limits.maxProjectStreamLines.maximum) ignored"
                )
            }
        case .missing: anomalies.append("no PROJECT stream")
        case .failed(let e): anomalies.append("PROJECT stream unreadable: \(e.reason)")
        }

        // _VBA_PROJECT
        var header: VBAProjectStreamHeader?
        switch stream(vbaPath + "_VBA_PROJECT") {
        case .found(let bytes, _):
            do { header = try VBAProjectStreamHeader(parsing: bytes[...]) } catch {
                anomalies.append("_VBA_PROJECT: \(error.reason)")
            }
        case .missing: anomalies.append("no _VBA_PROJECT stream")
        case .failed(let e): anomalies.append("_VBA_PROJECT stream unreadable: \(e.reason)")
        }

        // Modules
        var modules: [VBAModule] = []
        var indicators: [MacroIndicator] = []
        for record in directory.modules {
            let name = decode(record.name)
            let candidates: [String] = [
                record.streamName.map(decode), record.streamNameUnicode.map(decodeUTF16),
                record.name.isEmpty ? nil : name, record.nameUnicode.map(decodeUTF16),
            ].compactMap { $0 }.filter { !$0.isEmpty }
            var data: [UInt8]?
            var usedName = ""
            var streamTruncated = false
            for candidate in candidates {
                switch stream(vbaPath + candidate) {
                case .found(let bytes, let truncated):
                    data = bytes
                    usedName = candidate
                    streamTruncated = truncated
                case .missing: continue
                case .failed(let e):
                    anomalies.append("module \(name): stream \(candidate) unreadable: \(e.reason)")
                    continue
                }
                break
            }
            guard let data else {
                anomalies.append("module \(name): no stream named \(candidates.first ?? "(none)")")
                continue
            }
            if streamTruncated { anomalies.append("module \(name): stream truncated in the container") }
            let offset = record.textOffset.flatMap { Int(exactly: $0) } ?? 0
            if record.textOffset == nil { anomalies.append("module \(name): no MODULEOFFSET record; assuming 0") }
            let type = record.type ?? .procedural
            if record.type == nil { anomalies.append("module \(name): no MODULETYPE record") }
            let path = vbaPath + usedName
            guard offset <= data.count else {
                anomalies.append("module \(name): MODULEOFFSET \(offset) is past the stream's \(data.count) bytes")
                continue
            }
            var sourceBytes: [UInt8] = []
            var partial = false
            if offset < data.count {
                let perModule = Limit(
                    limits.maxDecompressedBytes.name,
                    min(limits.maxDecompressedBytes.maximum, max(0, sourceBudget))
                )
                let result = VBACompression.decompressTolerantly(data[offset...], limit: perModule)
                sourceBytes = result.bytes
                if let e = result.error {
                    partial = true
                    anomalies.append("module \(name): source decompressed partially: \(e.reason)")
                }
                sourceBudget -= sourceBytes.count
            } else {
                anomalies.append("module \(name): no source after MODULEOFFSET")
            }
            let decoded = Charsets.decode(sourceBytes, as: charset)
            let module = VBAModule(
                name: name,
                streamName: usedName,
                streamPath: path,
                type: type,
                source: decoded.text,
                sourceBytes: sourceBytes.count,
                pcodeBytes: offset,
                sourceOffset: offset,
                invalidCharacters: decoded.invalidSequences,
                isPartial: partial
            )
            if let finding = VBAStomping.check(module: module, pcode: data[..<offset], vbaProjectHeader: header) {
                indicators.append(finding)
            }
            modules.append(module)
        }
        return VBAProject(
            storagePath: storagePath,
            name: decode(directory.projectName),
            codePage: codePage,
            modules: modules,
            projectStream: projectStream,
            vbaProjectStream: header,
            directory: directory,
            anomalies: anomalies,
            indicators: indicators
        )
    }

    /// Parses the `PROJECT` stream (MS-OVBA 2.3.1): `key=value` lines, CR LF separated, `[Section]` headers.
    ///
    /// Returns the dictionary and the number of lines seen. Values keep their quotes (`Name="VBAProject"`).
    public static func parseProjectStream(
        _ bytes: ArraySlice<UInt8>,
        charset: Charset,
        limit: Limit = VBALimits.default.maxProjectStreamLines
    ) -> (values: [String: [String]], lines: Int) {
        var dict: [String: [String]] = [:]
        var section = ""
        var lines = 0
        var start = bytes.startIndex
        let end = bytes.endIndex
        while start < end {
            var stop = start
            while stop < end && bytes[stop] != 0x0D && bytes[stop] != 0x0A { stop += 1 }
            let line = bytes[start..<stop]
            start = stop
            while start < end && (bytes[start] == 0x0D || bytes[start] == 0x0A) { start += 1 }
            if line.isEmpty { continue }
            lines += 1
            if lines > limit.maximum { continue }
            if line.first == UInt8(ascii: "["), line.last == UInt8(ascii: "]") {
                section = Charsets.decode(line.dropFirst().dropLast(), as: charset).text
                continue
            }
            guard let eq = line.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = Charsets.decode(line[line.startIndex..<eq], as: charset).text
            let value = Charsets.decode(line[(eq + 1)...], as: charset).text
            dict[section.isEmpty ? key : section + "/" + key, default: []].append(value)
        }
        return (dict, lines)
    }

    static func decodeUTF16(_ bytes: [UInt8]) -> String { Charsets.decode(bytes, as: .utf16LE).text }
}
