import ByteCursor
import CZlib
import Charsets

/// A file listed in a cabinet.
public struct CabinetFile: Sendable, Hashable {
    /// The file's name (a path with backslashes, as stored), decoded as UTF-8 when the name-is-UTF flag is set,
    /// else as Windows-1252.
    public var name: String
    /// The uncompressed size.
    public var size: UInt32
    /// Where the file starts in its folder's uncompressed data.
    public var folderOffset: UInt32
    /// The folder index (0xFFFD...0xFFFF: continued from or to another cabinet).
    public var folder: UInt16
    /// The MS-DOS date and time fields.
    public var date: UInt16
    public var time: UInt16
    /// The attributes (0x01 read-only, 0x02 hidden, 0x04 system, 0x20 archive, 0x40 execute, 0x80 name is UTF-8).
    public var attributes: UInt16
    /// Where its CFFILE entry is.
    public var entryOffset: Int
}

/// A folder of a cabinet: a run of data blocks compressed as one stream.
public struct CabinetFolder: Sendable, Hashable {
    /// The compression method.
    public enum Compression: Sendable, Hashable {
        case none, msZip, quantum, lzx
        case unknown(UInt16)
    }

    /// Where its first CFDATA block is.
    public var dataOffset: UInt32
    /// The number of CFDATA blocks.
    public var blockCount: UInt16
    public var compression: Compression
    /// The raw typeCompress field (LZX and Quantum keep their window size in the high bits).
    public var typeCompress: UInt16
}

/// A Microsoft Cabinet (MS-CAB): how `.onepkg` notebooks, and many installers, pack files.
///
/// ```
///  CFHEADER: "MSCF" reserved(4) cbCabinet(4) reserved(4) coffFiles(4) reserved(4) versionMinor(1) versionMajor(1)
///            cFolders(2) cFiles(2) flags(2) setID(2) iCabinet(2)
///            [flags & 4: cbCFHeader(2) cbCFFolder(1) cbCFData(1) abReserve]
///            [flags & 1: szCabinetPrev szDiskPrev] [flags & 2: szCabinetNext szDiskNext]
///  CFFOLDER * cFolders: coffCabStart(4) cCFData(2) typeCompress(2) [abReserve]
///  CFFILE * cFiles (at coffFiles): cbFile(4) uoffFolderStart(4) iFolder(2) date(2) time(2) attribs(2) szName
///  CFDATA (per folder, from coffCabStart): csum(4) cbData(2) cbUncomp(2) [abReserve] ab[cbData]
/// ```
/// Folders stored or compressed with MSZIP ("CK" and a deflate stream per block, each block's history the
/// previous block's output) are extracted; Quantum and LZX are recognised and reported.
public struct CabinetArchive: Sendable {
    public var versionMajor: UInt8
    public var versionMinor: UInt8
    public var folders: [CabinetFolder]
    public var files: [CabinetFile]
    /// The declared cabinet size.
    public var declaredSize: UInt32
    /// The reserved bytes each CFDATA block carries.
    public var dataReserve: Int
    public var anomalies: [OneNoteAnomaly]
    let input: ByteCursor
    let limits: OneNoteLimits

    static let signature: [UInt8] = Array("MSCF".utf8)
    /// The largest uncompressed block MSZIP allows.
    static let maxBlock = 32768

    /// Whether the bytes start with `MSCF`.
    public static func hasSignature(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.starts(with: signature) }

    /// Parses a cabinet's header, folders and file table.
    ///
    /// - Throws: ``OneNoteError`` `.notCabinet` without the `MSCF` signature, `.truncated` when CFHEADER is cut,
    ///   `.badCabinet` when the file table lies outside the input.
    public init(parsing bytes: ArraySlice<UInt8>, limits: OneNoteLimits = .default) throws {
        guard Self.hasSignature(bytes) else { throw OneNoteError(.notCabinet, "no MSCF signature", offset: 0) }
        input = ByteCursor(bytes)
        self.limits = limits
        var log = OneNoteAnomalyLog(cap: limits.maxAnomalies)
        var c = input
        var folderReserve = 0
        var fileCount = 0
        var folderCount = 0
        var coffFiles = 0
        do {
            try c.skip(8)
            declaredSize = try c.readUInt32LE()
            try c.skip(4)
            coffFiles = try ByteCursor.length(try c.readUInt32LE())
            try c.skip(4)
            versionMinor = try c.readUInt8()
            versionMajor = try c.readUInt8()
            folderCount = Int(try c.readUInt16LE())
            fileCount = Int(try c.readUInt16LE())
            let flags = try c.readUInt16LE()
            _ = try c.readUInt16LE()
            _ = try c.readUInt16LE()
            dataReserve = 0
            if flags & 0x0004 != 0 {
                let headerReserve = Int(try c.readUInt16LE())
                folderReserve = Int(try c.readUInt8())
                dataReserve = Int(try c.readUInt8())
                try c.skip(headerReserve)
            }
            if flags & 0x0003 != 0 {
                log.record(.multiVolume, offset: c.offset, "the cabinet is part of a set (flags 0x\(String(flags, radix: 16)))")
                for _ in 0..<((flags & 1 != 0 ? 2 : 0) + (flags & 2 != 0 ? 2 : 0)) {
                    _ = try Self.cString(&c)
                }
            }
        } catch {
            throw OneNoteError(.truncated, "the input ends inside CFHEADER", offset: c.offset)
        }
        if declaredSize != UInt32(clamping: bytes.count) {
            log.record(.sizeMismatch, offset: 8, "cbCabinet is \(declaredSize), the input has \(bytes.count) bytes")
        }
        guard coffFiles <= bytes.count else {
            throw OneNoteError(.badCabinet, "coffFiles \(coffFiles) is past the end (\(bytes.count) bytes)", offset: 16)
        }
        if !limits.maxCabinetFolders.allows(folderCount) {
            log.record(.limitExceeded, "\(limits.maxCabinetFolders.name): \(folderCount) folders")
            folderCount = limits.maxCabinetFolders.maximum
        }
        var folders: [CabinetFolder] = []
        for _ in 0..<folderCount {
            guard let start = try? c.readUInt32LE(), let blocks = try? c.readUInt16LE(),
                let type = try? c.readUInt16LE(), (try? c.skip(folderReserve)) != nil
            else {
                log.record(.truncatedFileTable, offset: c.offset, "the folder table ends early: \(folders.count) of \(folderCount)")
                break
            }
            let compression: CabinetFolder.Compression =
                switch type & 0x000F {
                case 0: .none
                case 1: .msZip
                case 2: .quantum
                case 3: .lzx
                default: .unknown(type)
                }
            switch compression {
            case .quantum, .lzx, .unknown:
                log.record(.unsupportedCompression, offset: c.offset - 2, "folder \(folders.count) uses compression 0x\(String(type, radix: 16)) (\(compression))")
            default: break
            }
            let minimumBlockSize = 8 + dataReserve
            if let first = Int(exactly: start), Int(blocks) > max(0, bytes.count - first) / minimumBlockSize {
                log.record(.truncatedFolder, offset: c.offset, "folder \(folders.count) declares \(blocks) data blocks, more than the input can hold")
            }
            folders.append(CabinetFolder(dataOffset: start, blockCount: blocks, compression: compression, typeCompress: type))
        }
        self.folders = folders
        if !limits.maxCabinetFiles.allows(fileCount) {
            log.record(.limitExceeded, "\(limits.maxCabinetFiles.name): \(fileCount) files")
            fileCount = limits.maxCabinetFiles.maximum
        }
        var files: [CabinetFile] = []
        var f = input
        try? f.seek(to: coffFiles)
        for _ in 0..<fileCount {
            let at = f.offset
            guard let size = try? f.readUInt32LE(), let offset = try? f.readUInt32LE(), let folder = try? f.readUInt16LE(),
                let date = try? f.readUInt16LE(), let time = try? f.readUInt16LE(), let attributes = try? f.readUInt16LE(),
                let rawName = try? Self.cString(&f)
            else {
                log.record(.truncatedFileTable, offset: at, "the file table ends early: \(files.count) of \(fileCount) files")
                break
            }
            let name =
                attributes & 0x80 != 0
                ? Charsets.decode(rawName, as: .utf8).text : Charsets.decode(rawName, as: .windows(1252)).text
            files.append(
                CabinetFile(
                    name: name, size: size, folderOffset: offset, folder: folder, date: date, time: time,
                    attributes: attributes, entryOffset: at))
            if folder >= 0xFFFD {
                log.record(.multiVolume, offset: at, "\(name) continues in another cabinet")
            } else if Int(folder) >= folders.count {
                log.record(.badFileEntry, offset: at, "\(name) is in folder \(folder), the cabinet has \(folders.count)")
            }
        }
        self.files = files
        anomalies = log.items
    }

    /// Parses a cabinet.
    public init(parsing bytes: [UInt8], limits: OneNoteLimits = .default) throws {
        try self.init(parsing: bytes[...], limits: limits)
    }

    /// A NUL-terminated string of at most 256 bytes (CAB_MAX_NAME), without its NUL.
    static func cString(_ c: inout ByteCursor) throws -> ArraySlice<UInt8> {
        let window = c.peek(upTo: 257)
        guard let end = window.firstIndex(of: 0) else {
            throw CursorError.truncated(needed: 1, offset: c.offset)
        }
        let s = try c.readBytes(end - window.startIndex)
        _ = try c.readUInt8()
        return s
    }

    // MARK: - Extraction

    /// The content of `file`, with the anomalies met on the way (bad checksums).
    ///
    /// The folder is decompressed from its start up to the end of the file, at most
    /// ``OneNoteLimits/maxExtractBytes`` bytes.
    ///
    /// - Throws: ``OneNoteError`` `.unsupportedCompression` (Quantum, LZX), `.corruptData` (missing blocks, bad
    ///   deflate data, a folder that does not exist), `.limitExceeded`.
    public func extract(_ file: CabinetFile) throws -> [UInt8] {
        try extractReporting(file).bytes
    }

    /// The content of `file`, with the anomalies met reading its folder.
    public func extractReporting(_ file: CabinetFile) throws -> (bytes: [UInt8], anomalies: [OneNoteAnomaly]) {
        guard Int(file.folder) < folders.count else {
            throw OneNoteError(.corruptData, "\(file.name) is in folder \(file.folder), which is not in this cabinet", offset: file.entryOffset)
        }
        let folder = folders[Int(file.folder)]
        let end = Int(file.folderOffset) + Int(file.size)
        guard limits.maxExtractBytes.allows(end) else {
            throw OneNoteError(.limitExceeded, "\(limits.maxExtractBytes.name): \(file.name) ends \(end) bytes into its folder", offset: file.entryOffset)
        }
        var log = OneNoteAnomalyLog(cap: limits.maxAnomalies)
        let data = try readFolder(folder, upTo: end, log: &log)
        guard data.count >= end else {
            throw OneNoteError(.corruptData, "the folder holds \(data.count) bytes, \(file.name) ends at \(end)", offset: file.entryOffset)
        }
        return (Array(data[Int(file.folderOffset)..<end]), log.items)
    }

    /// Decompresses `folder` until `wanted` bytes are out (or its blocks end).
    func readFolder(_ folder: CabinetFolder, upTo wanted: Int, log: inout OneNoteAnomalyLog) throws -> [UInt8] {
        switch folder.compression {
        case .none, .msZip: break
        default:
            throw OneNoteError(.unsupportedCompression, "compression \(folder.compression) is not implemented")
        }
        var c = input
        do { try c.seek(to: Int(folder.dataOffset)) } catch {
            throw OneNoteError(.corruptData, "the folder's data offset \(folder.dataOffset) is past the end")
        }
        var out: [UInt8] = []
        out.reserveCapacity(min(wanted, 1 << 24))
        let inflater = folder.compression == .msZip ? try MSZIPInflater() : nil
        for index in 0..<Int(folder.blockCount) where out.count < wanted {
            let at = c.offset
            guard let checksum = try? c.readUInt32LE(), let fields = try? c.slice(at: c.offset, count: 4),
                let cbData = try? c.readUInt16LE(), let cbUncomp = try? c.readUInt16LE(),
                (try? c.skip(dataReserve)) != nil, let block = try? c.readBytes(Int(cbData))
            else {
                log.record(.truncatedFolder, offset: at, "block \(index) of \(folder.blockCount) is past the end")
                break
            }
            if checksum != 0 && Self.checksum(fields, seed: Self.checksum(block, seed: 0)) != checksum {
                log.record(.badChecksum, offset: at, "block \(index) fails its checksum")
            }
            if let inflater {
                let produced = try inflater.inflate(block, expected: Int(cbUncomp), into: &out, at: at)
                if produced != Int(cbUncomp) {
                    log.record(.sizeMismatch, offset: at, "block \(index) inflates to \(produced) bytes, cbUncomp says \(cbUncomp)")
                }
            } else {
                if cbData != cbUncomp {
                    log.record(.sizeMismatch, offset: at, "stored block \(index): cbData \(cbData), cbUncomp \(cbUncomp)")
                }
                out.append(contentsOf: block)
            }
            guard limits.maxExtractBytes.allows(out.count) else {
                throw OneNoteError(.limitExceeded, "\(limits.maxExtractBytes.name): the folder passes \(limits.maxExtractBytes.maximum) bytes")
            }
        }
        return out
    }

    /// The cabinet checksum: 32-bit little-endian words XORed, then the 1 to 3 tail bytes folded in, first byte
    /// highest.
    static func checksum(_ data: ArraySlice<UInt8>, seed: UInt32) -> UInt32 {
        var sum = seed
        var i = data.startIndex
        let wordsEnd = data.startIndex + (data.count / 4) * 4
        while i < wordsEnd {
            sum ^= UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24
            i += 4
        }
        var tail: UInt32 = 0
        while i < data.endIndex {
            tail = tail << 8 | UInt32(data[i])
            i += 1
        }
        return sum ^ tail
    }
}

/// MSZIP: each block is "CK" and a complete deflate stream whose history is the previous block's output.
final class MSZIPInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8] = [UInt8](repeating: 0, count: CabinetArchive.maxBlock + 1)
    private var history: [UInt8] = []

    init() throws {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = inflateInit2_(stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw OneNoteError(.internalFailure, "inflateInit2 failed (\(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates one block into `out`; returns the bytes it produced (at most 32 KiB).
    func inflate(_ block: ArraySlice<UInt8>, expected: Int, into out: inout [UInt8], at offset: Int) throws -> Int {
        guard block.count >= 2, block[block.startIndex] == 0x43, block[block.startIndex + 1] == 0x4B else {
            throw OneNoteError(.corruptData, "an MSZIP block without its CK signature", offset: offset)
        }
        inflateReset(stream)
        if !history.isEmpty {
            let rc = history.withUnsafeBufferPointer { h in
                inflateSetDictionary(stream, h.baseAddress, UInt32(h.count))
            }
            guard rc == Z_OK else { throw OneNoteError(.internalFailure, "inflateSetDictionary failed (\(rc))") }
        }
        let payload = block.dropFirst(2)
        let capacity = output.count
        let (rc, produced) = payload.withUnsafeBufferPointer { input -> (Int32, Int) in
            output.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = UInt32(input.count)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(capacity)
                let rc = CZlib.inflate(stream, Z_FINISH)
                return (rc, capacity - Int(stream.pointee.avail_out))
            }
        }
        guard rc == Z_STREAM_END, produced <= CabinetArchive.maxBlock else {
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
            throw OneNoteError(.corruptData, "MSZIP block does not inflate: \(message)", offset: offset)
        }
        out.append(contentsOf: output[0..<produced])
        // The next block's history: the last 32 KiB of output (a short block keeps some of the one before).
        history.append(contentsOf: output[0..<produced])
        if history.count > CabinetArchive.maxBlock { history.removeFirst(history.count - CabinetArchive.maxBlock) }
        return produced
    }
}
