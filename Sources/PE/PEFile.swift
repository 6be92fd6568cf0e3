import ByteCursor

/// The headers of a Portable Executable (EXE, DLL, SYS), parsed as far as a mail gate needs: what it is, what it
/// exports and imports, how its sections look, whether it is signed, and how big it really is.
///
/// ```
///  0x00      DOS header "MZ" ... e_lfanew u32 at 0x3C
///  e_lfanew  "PE\0\0"
///  +4        COFF file header: Machine u16, NumberOfSections u16, TimeDateStamp u32, PointerToSymbolTable u32,
///            NumberOfSymbols u32, SizeOfOptionalHeader u16, Characteristics u16 (0x2000 DLL)
///  +24       optional header: Magic u16 (0x10B PE32, 0x20B PE32+), ..., AddressOfEntryPoint u32 at +16,
///            ImageBase (u32 at +28 / u64 at +24), SectionAlignment, FileAlignment, ..., SizeOfImage,
///            SizeOfHeaders, CheckSum, Subsystem, DllCharacteristics, ..., NumberOfRvaAndSizes,
///            data directories (RVA u32, size u32) at +96 (PE32) / +112 (PE32+)
///  +24+SizeOfOptionalHeader   section table, 40 bytes per section
///  ...       section raw data; then the overlay (the certificate table, appended data, zero padding)
/// ```
///
/// A DLL padded with hundreds of megabytes of zeros (Emotet, March 2023) reaches the parser with the padding
/// dropped and its runs listed (``init(parsing:padding:limits:)``): offsets are mapped back, and
/// ``declaredImageEnd`` says where the real content ends whatever the file's size.
public struct PEFile: Sendable {
    /// Where the PE signature is (e_lfanew).
    public var peHeaderOffset: Int
    /// IMAGE_FILE_MACHINE_*.
    public var machine: UInt16
    /// The machine's short name (`i386`, `amd64`...).
    public var machineName: String { PENames.machine(machine) }
    /// NumberOfSections as declared.
    public var declaredSectionCount: Int
    /// The link time (seconds since 1970), often forged.
    public var timeDateStamp: UInt32
    /// The COFF characteristics (IMAGE_FILE_*).
    public var characteristics: UInt16
    /// IMAGE_FILE_DLL.
    public var isDLL: Bool { characteristics & 0x2000 != 0 }
    /// IMAGE_FILE_EXECUTABLE_IMAGE.
    public var isExecutableImage: Bool { characteristics & 0x0002 != 0 }
    /// SizeOfOptionalHeader as declared.
    public var sizeOfOptionalHeader: Int
    /// The optional header's magic (0x10B, 0x20B), `nil` when it is missing.
    public var optionalHeaderMagic: UInt16?
    /// PE32+.
    public var is64Bit: Bool { optionalHeaderMagic == 0x20B }
    /// AddressOfEntryPoint (an RVA; 0 for many DLLs).
    public var entryPoint: UInt32 = 0
    /// ImageBase.
    public var imageBase: UInt64 = 0
    /// SectionAlignment.
    public var sectionAlignment: UInt32 = 0
    /// FileAlignment.
    public var fileAlignment: UInt32 = 0
    /// SizeOfImage.
    public var sizeOfImage: UInt32 = 0
    /// SizeOfHeaders.
    public var sizeOfHeaders: UInt32 = 0
    /// CheckSum (not verified).
    public var checksum: UInt32 = 0
    /// IMAGE_SUBSYSTEM_*.
    public var subsystem: UInt16 = 0
    /// The subsystem's short name.
    public var subsystemName: String { PENames.subsystem(subsystem) }
    /// IMAGE_DLLCHARACTERISTICS_*.
    public var dllCharacteristics: UInt16 = 0
    /// The data directories present in the header (at most 16).
    public var dataDirectories: [PEDataDirectory] = []
    /// The section headers read.
    public var sections: [PESection] = []
    /// The exported names, in the order of the name table (DllRegisterServer, Control_RunDLL...).
    public var exports: [String] = []
    /// The name the export directory gives the DLL itself.
    public var exportedName: String?
    /// Imported functions by DLL name (as written, e.g. `KERNEL32.dll`); functions imported by ordinal are
    /// listed as `#ordinal`.
    public var imports: [String: [String]] = [:]
    /// The imported DLLs in descriptor order (each once).
    public var importedDLLs: [String] = []
    /// Whether the security directory holds a WIN_CERTIFICATE with an Authenticode (PKCS #7) signature. The
    /// signature is not verified.
    public var hasAuthenticode = false
    /// The size the security directory declares (0 when absent).
    public var certificateTableSize = 0
    /// Where the certificate table starts (a file offset), when there is one.
    public var certificateTableOffset: Int?
    /// The size of the file, dropped padding included.
    public var fileSize: Int
    /// The end of the headers and of the last section's raw data: the real size of a padded DLL.
    public var declaredImageEnd = 0
    /// Where data after the last section starts (the overlay), when there is any.
    public var overlayOffset: Int?
    /// How many bytes follow the last section (certificate table, appended data, padding).
    public var overlaySize = 0
    /// Zero padding dropped before parsing, in all.
    public var paddingBytes = 0
    /// How much of the overlay is dropped zero padding.
    public var overlayPaddingBytes = 0
    /// What was recovered from.
    public var anomalies: [PEAnomaly] = []

    /// Parses a PE file.
    ///
    /// - Throws: ``PEError`` when there is no MZ header, no PE signature, or the COFF header is cut short.
    public init(parsing bytes: ArraySlice<UInt8>, limits: PELimits = .default) throws {
        try self.init(parsing: bytes, padding: [], limits: limits)
    }

    /// Parses a PE file.
    public init(parsing bytes: [UInt8], limits: PELimits = .default) throws {
        try self.init(parsing: bytes[...], padding: [], limits: limits)
    }

    /// Parses a PE file whose long zero runs were dropped (by ``PaddingStripper``): `padding` lists them, with
    /// offsets in the original file. Offsets, sizes, entropy and the overlay are those of the original file.
    ///
    /// A padding map that does not fit the bytes is ignored (``PEAnomaly/Code/badPaddingMap``).
    public init(parsing bytes: ArraySlice<UInt8>, padding: [ZeroRun], limits: PELimits = .default) throws {
        var log = AnomalyLog(limit: limits.maxAnomalies.maximum)
        let image: Image
        if let padded = Image(bytes: bytes, padding: padding, maxAssembled: limits.maxPaddedRead.maximum) {
            image = padded
        } else {
            log.record(.badPaddingMap, "\(padding.count) zero runs that do not fit \(bytes.count) bytes; ignored")
            image = Image(plain: bytes)
        }

        // DOS header, PE signature, COFF header: without them there is nothing to return.
        guard let mz = image.read(0, 2) else {
            throw PEError(bytes.isEmpty ? .notPE : .truncated, "no MZ header", offset: 0)
        }
        guard mz.elementsEqual([0x4D, 0x5A]) else { throw PEError(.notPE, "no MZ header", offset: 0) }
        guard var lfanewCursor = image.cursor(0x3C, 4) else {
            throw PEError(.truncated, "the DOS header ends before e_lfanew", offset: 0x3C)
        }
        let lfanew = Int(try lfanewCursor.readUInt32LE())
        guard let signature = image.read(lfanew, 4) else {
            if lfanew >= image.size {
                throw PEError(.noPEHeader, "e_lfanew \(lfanew) points past the end", offset: 0x3C)
            }
            throw PEError(.truncated, "the file ends inside the PE signature", offset: lfanew)
        }
        guard signature.elementsEqual([0x50, 0x45, 0, 0]) else {
            throw PEError(.noPEHeader, "no PE signature at e_lfanew \(lfanew)", offset: lfanew)
        }
        guard var coff = image.cursor(lfanew + 4, 20) else {
            throw PEError(.truncated, "the file ends inside the COFF file header", offset: lfanew + 4)
        }
        peHeaderOffset = lfanew
        machine = try coff.readUInt16LE()
        declaredSectionCount = Int(try coff.readUInt16LE())
        timeDateStamp = try coff.readUInt32LE()
        _ = try coff.readUInt32LE()
        _ = try coff.readUInt32LE()
        sizeOfOptionalHeader = Int(try coff.readUInt16LE())
        characteristics = try coff.readUInt16LE()
        fileSize = image.size
        paddingBytes = image.paddingBytes

        var parser = Parser(image: image, limits: limits, log: log)
        parser.parse(into: &self)
        anomalies = parser.log.items
    }
}

/// The parse after the COFF header: optional header, sections, directories, overlay.
private struct Parser {
    let image: Image
    let limits: PELimits
    var log: AnomalyLog

    mutating func parse(into pe: inout PEFile) {
        let optionalStart = pe.peHeaderOffset + 24
        readOptionalHeader(at: optionalStart, into: &pe)
        readSections(at: optionalStart + pe.sizeOfOptionalHeader, into: &pe)
        readExports(into: &pe)
        readImports(into: &pe)
        readCertificateTable(into: &pe)
        computeExtent(sectionTableEnd: optionalStart + pe.sizeOfOptionalHeader + 40 * pe.sections.count, into: &pe)
        checkEntryPoint(pe)
    }

    // MARK: - Optional header

    mutating func readOptionalHeader(at start: Int, into pe: inout PEFile) {
        let declared = pe.sizeOfOptionalHeader
        guard declared >= 2 else {
            if declared > 0 || pe.declaredSectionCount > 0 {
                log.record(.badOptionalHeader, offset: start, "SizeOfOptionalHeader \(declared): no optional header")
            }
            return
        }
        guard let magicBytes = image.read(start, 2) else {
            log.record(.badOptionalHeader, offset: start, "the file ends before the optional header")
            return
        }
        let magic = UInt16(magicBytes[magicBytes.startIndex]) | UInt16(magicBytes[magicBytes.startIndex + 1]) << 8
        pe.optionalHeaderMagic = magic
        guard magic == 0x10B || magic == 0x20B else {
            log.record(.badOptionalHeader, offset: start, "optional header magic 0x\(String(magic, radix: 16))")
            return
        }
        let wide = magic == 0x20B
        let fixed = wide ? 112 : 96
        // Read what is there of the fixed part (the declared size may be smaller: the loader reads it anyway).
        let available = min(fixed, max(0, image.size - start))
        guard var c = image.cursor(start, available) else {
            log.record(.badOptionalHeader, offset: start, "the optional header cannot be read")
            return
        }
        if available < fixed {
            log.record(.badOptionalHeader, offset: start, "the file ends inside the optional header")
        }
        if declared < fixed {
            log.record(
                .badOptionalHeader, offset: start,
                "SizeOfOptionalHeader \(declared) is smaller than the \(fixed)-byte \(wide ? "PE32+" : "PE32") header")
        }
        do {
            _ = try c.readUInt16LE()
            _ = try c.readBytes(2)  // linker version
            _ = try c.readBytes(12)  // code and data sizes
            pe.entryPoint = try c.readUInt32LE()
            _ = try c.readUInt32LE()  // BaseOfCode
            if wide {
                pe.imageBase = try c.readUInt64LE()
            } else {
                _ = try c.readUInt32LE()  // BaseOfData
                pe.imageBase = UInt64(try c.readUInt32LE())
            }
            pe.sectionAlignment = try c.readUInt32LE()
            pe.fileAlignment = try c.readUInt32LE()
            _ = try c.readBytes(16)  // versions, Win32VersionValue
            pe.sizeOfImage = try c.readUInt32LE()
            pe.sizeOfHeaders = try c.readUInt32LE()
            pe.checksum = try c.readUInt32LE()
            pe.subsystem = try c.readUInt16LE()
            pe.dllCharacteristics = try c.readUInt16LE()
            _ = try c.readBytes(wide ? 32 : 16)  // stack and heap sizes
            _ = try c.readUInt32LE()  // LoaderFlags
            let count = Int(try c.readUInt32LE())
            // The directories that fit in the declared optional header, at most 16.
            let room = max(0, declared - fixed) / 8
            let wanted = min(count, 16, room)
            if count > 16 {
                log.record(.badOptionalHeader, offset: start, "NumberOfRvaAndSizes \(count) is above 16")
            }
            if let dirs = image.cursor(start + fixed, wanted * 8) {
                var d = dirs
                for _ in 0..<wanted {
                    pe.dataDirectories.append(
                        PEDataDirectory(virtualAddress: try d.readUInt32LE(), size: try d.readUInt32LE()))
                }
            } else if wanted > 0 {
                log.record(.badOptionalHeader, offset: start + fixed, "the data directories run past the end")
            }
        } catch {
            // Cut short: the fields read so far are kept (the anomaly is recorded above).
        }
    }

    // MARK: - Sections

    mutating func readSections(at tableStart: Int, into pe: inout PEFile) {
        var count = pe.declaredSectionCount
        if !limits.maxSections.allows(count) {
            log.record(
                .limitExceeded, offset: pe.peHeaderOffset + 6,
                "\(limits.maxSections.name): NumberOfSections \(count), read \(limits.maxSections.maximum)")
            count = limits.maxSections.maximum
        }
        for i in 0..<count {
            let at = tableStart + 40 * i
            guard var c = image.cursor(at, 40) else {
                log.record(
                    .truncatedSectionTable, offset: at, "the section table ends after \(i) of \(count) sections")
                break
            }
            do {
                let rawName = try c.readBytes(8)
                let name = String(decoding: rawName.prefix { $0 != 0 }, as: UTF8.self)
                let virtualSize = try c.readUInt32LE()
                let virtualAddress = try c.readUInt32LE()
                let rawSize = Int(try c.readUInt32LE())
                let rawOffset = Int(try c.readUInt32LE())
                _ = try c.readBytes(12)
                let flags = try c.readUInt32LE()
                var counts = [Int](repeating: 0, count: 256)
                let (present, padding) =
                    rawSize > 0 ? image.histogram(rawOffset, rawSize, into: &counts) : (0, 0)
                var section = PESection(
                    name: name, virtualAddress: virtualAddress, virtualSize: virtualSize, rawOffset: rawOffset,
                    rawSize: rawSize, characteristics: flags,
                    entropy: present > 0 ? Image.entropy(counts, total: present) : nil, rawBytesPresent: present,
                    paddingBytes: padding, headerOffset: at)
                if section.isRawDataMissing {
                    log.record(
                        .sectionOutsideFile, offset: at,
                        "section \(name.debugDescription): \(rawSize - present) of \(rawSize) raw bytes at \(rawOffset) are past the end of the \(image.size)-byte file")
                }
                if section.isExecutable && section.isWritable {
                    log.record(.writableExecutableSection, offset: at, "section \(name.debugDescription)")
                }
                if padding > 0 {
                    log.record(
                        .zeroPadding, offset: rawOffset,
                        "\(padding) bytes of zero padding inside section \(name.debugDescription)")
                }
                section.name = name
                pe.sections.append(section)
            } catch {
                break  // cannot happen: the cursor holds 40 bytes
            }
        }
    }

    /// The file offset of an RVA: in the headers, or inside a section's raw data.
    func offset(ofRVA rva: UInt32, _ pe: PEFile) -> Int? {
        let r = Int(rva)
        for s in pe.sections {
            let va = Int(s.virtualAddress)
            let span = max(Int(s.virtualSize), s.rawSize)
            guard r >= va, r - va < span else { continue }
            let delta = r - va
            guard delta < s.rawSize else { return nil }  // in the zero-filled virtual tail: no file bytes
            let pointer = pe.fileAlignment >= 0x200 ? s.rawOffset & ~0x1FF : s.rawOffset
            return pointer + delta
        }
        let headerEnd = pe.sections.map { Int($0.virtualAddress) }.filter { $0 > 0 }.min() ?? image.size
        if r < max(Int(pe.sizeOfHeaders), min(headerEnd, image.size)) && r < image.size { return r }
        return nil
    }

    func directory(_ index: Int, _ pe: PEFile) -> PEDataDirectory? {
        guard index < pe.dataDirectories.count else { return nil }
        let d = pe.dataDirectories[index]
        return d.virtualAddress == 0 && d.size == 0 ? nil : d
    }

    func name(atRVA rva: UInt32, _ pe: PEFile) -> String? {
        guard let at = offset(ofRVA: rva, pe) else { return nil }
        return image.cString(at: at, maxLength: limits.maxNameLength.maximum)
    }

    // MARK: - Exports

    /// Export directory: Characteristics, TimeDateStamp, versions, Name RVA at 12, Base, NumberOfFunctions,
    /// NumberOfNames at 24, AddressOfFunctions, AddressOfNames at 32, AddressOfNameOrdinals.
    mutating func readExports(into pe: inout PEFile) {
        guard let dir = directory(PEDataDirectory.Index.export, pe) else { return }
        guard let at = offset(ofRVA: dir.virtualAddress, pe), var c = image.cursor(at, 40) else {
            log.record(.badDirectory, "export directory RVA 0x\(String(dir.virtualAddress, radix: 16)) is not in the file")
            return
        }
        do {
            _ = try c.readBytes(12)
            let nameRVA = try c.readUInt32LE()
            _ = try c.readUInt32LE()
            let functionCount = try c.readUInt32LE()
            let nameCount = Int(try c.readUInt32LE())
            _ = try c.readUInt32LE()
            let namesRVA = try c.readUInt32LE()
            pe.exportedName = name(atRVA: nameRVA, pe)
            if pe.exportedName == nil && nameRVA != 0 {
                log.record(.badExportTable, offset: at, "the DLL name RVA 0x\(String(nameRVA, radix: 16)) is not in the file")
            }
            guard nameCount > 0 else { return }
            if UInt32(clamping: nameCount) > functionCount {
                log.record(.badExportTable, offset: at, "\(nameCount) names for \(functionCount) functions")
            }
            var count = nameCount
            if !limits.maxExports.allows(count) {
                log.record(
                    .limitExceeded, offset: at,
                    "\(limits.maxExports.name): NumberOfNames \(count), read \(limits.maxExports.maximum)")
                count = limits.maxExports.maximum
            }
            guard let namesAt = offset(ofRVA: namesRVA, pe) else {
                log.record(.badExportTable, offset: at, "the name table RVA 0x\(String(namesRVA, radix: 16)) is not in the file")
                return
            }
            let fit = min(count, max(0, image.size - namesAt) / 4)
            if fit < count {
                log.record(.badExportTable, offset: namesAt, "the name table ends after \(fit) of \(count) names")
            }
            var seen = Set<UInt32>()
            var repeats = 0
            // One entry at a time, so that a table crossing dropped padding reads the same as the whole file.
            for k in 0..<fit {
                guard var entry = image.cursor(namesAt + 4 * k, 4) else { break }
                let rva = try entry.readUInt32LE()
                if !seen.insert(rva).inserted { repeats += 1 }
                guard let n = name(atRVA: rva, pe) else {
                    log.record(.badExportTable, offset: namesAt, "export name RVA 0x\(String(rva, radix: 16)) is not in the file")
                    continue
                }
                pe.exports.append(n)
            }
            if repeats > 0 {
                log.record(.badExportTable, offset: namesAt, "\(repeats) export names point at a name already listed")
            }
        } catch {
            log.record(.badExportTable, offset: at, "the export directory is cut short")
        }
    }

    // MARK: - Imports

    /// Import descriptors (20 bytes): OriginalFirstThunk, TimeDateStamp, ForwarderChain, Name RVA, FirstThunk;
    /// an all-zero descriptor ends the table. Thunks are u32 (PE32) or u64 (PE32+): 0 ends, the high bit means
    /// an ordinal, else the RVA of a hint u16 and a NUL-terminated name.
    mutating func readImports(into pe: inout PEFile) {
        guard let dir = directory(PEDataDirectory.Index.import, pe) else { return }
        guard let start = offset(ofRVA: dir.virtualAddress, pe) else {
            log.record(.badDirectory, "import directory RVA 0x\(String(dir.virtualAddress, radix: 16)) is not in the file")
            return
        }
        let width = pe.is64Bit ? 8 : 4
        var total = 0
        var index = 0
        while true {
            let at = start + 20 * index
            guard limits.maxImportDLLs.allows(index + 1) else {
                log.record(.limitExceeded, offset: at, "\(limits.maxImportDLLs.name): more than \(limits.maxImportDLLs.maximum) import descriptors")
                return
            }
            guard var d = image.cursor(at, 20) else {
                log.record(.badImportTable, offset: at, "the import descriptors run past the end without a zero entry")
                return
            }
            index += 1
            guard let originalFirstThunk = try? d.readUInt32LE(), let _ = try? d.readBytes(8),
                let nameRVA = try? d.readUInt32LE(), let firstThunk = try? d.readUInt32LE()
            else { return }
            if originalFirstThunk == 0 && nameRVA == 0 && firstThunk == 0 { return }
            guard let dll = name(atRVA: nameRVA, pe) else {
                log.record(.badImportTable, offset: at, "DLL name RVA 0x\(String(nameRVA, radix: 16)) is not in the file")
                continue
            }
            if pe.imports[dll] == nil {
                pe.imports[dll] = []
                pe.importedDLLs.append(dll)
            }
            let thunkRVA = originalFirstThunk != 0 ? originalFirstThunk : firstThunk
            guard var thunkAt = offset(ofRVA: thunkRVA, pe) else {
                log.record(.badImportTable, offset: at, "\(dll): thunk RVA 0x\(String(thunkRVA, radix: 16)) is not in the file")
                continue
            }
            var functions: [String] = []
            while true {
                guard limits.maxImportsPerDLL.allows(functions.count + 1) else {
                    log.record(.limitExceeded, offset: thunkAt, "\(limits.maxImportsPerDLL.name): \(dll) imports more than \(limits.maxImportsPerDLL.maximum)")
                    break
                }
                guard limits.maxImports.allows(total + 1) else {
                    log.record(.limitExceeded, offset: thunkAt, "\(limits.maxImports.name): more than \(limits.maxImports.maximum) imports")
                    pe.imports[dll, default: []].append(contentsOf: functions)
                    return
                }
                guard var t = image.cursor(thunkAt, width) else {
                    log.record(.badImportTable, offset: thunkAt, "\(dll): the thunks run past the end")
                    break
                }
                let value = (width == 8 ? try? t.readUInt64LE() : (try? t.readUInt32LE()).map(UInt64.init)) ?? 0
                if value == 0 { break }
                let ordinalFlag: UInt64 = width == 8 ? 1 << 63 : 1 << 31
                if value & ordinalFlag != 0 {
                    functions.append("#\(value & 0xFFFF)")
                } else if let hintAt = offset(ofRVA: UInt32(truncatingIfNeeded: value & 0x7FFF_FFFF), pe),
                    let n = image.cString(at: hintAt + 2, maxLength: limits.maxNameLength.maximum)
                {
                    functions.append(n)
                } else {
                    log.record(.badImportTable, offset: thunkAt, "\(dll): name RVA 0x\(String(value, radix: 16)) is not in the file")
                    functions.append("?")
                }
                total += 1
                thunkAt += width
            }
            pe.imports[dll, default: []].append(contentsOf: functions)
        }
    }

    // MARK: - Certificate table

    /// The security directory: a file offset and a size; WIN_CERTIFICATE entries: dwLength u32, wRevision u16
    /// (0x0100, 0x0200), wCertificateType u16 (2 = PKCS_SIGNED_DATA, Authenticode).
    mutating func readCertificateTable(into pe: inout PEFile) {
        guard let dir = directory(PEDataDirectory.Index.security, pe) else { return }
        pe.certificateTableSize = Int(dir.size)
        let at = Int(dir.virtualAddress)
        pe.certificateTableOffset = at
        guard dir.size >= 8, var c = image.cursor(at, 8) else {
            log.record(.badCertificateTable, offset: at, "the certificate table (\(dir.size) bytes at \(at)) is not in the file")
            return
        }
        let length = (try? c.readUInt32LE()) ?? 0
        let revision = (try? c.readUInt16LE()) ?? 0
        let type = (try? c.readUInt16LE()) ?? 0
        guard type == 2, revision == 0x0200 || revision == 0x0100, length >= 8, length <= dir.size else {
            log.record(
                .badCertificateTable, offset: at,
                "WIN_CERTIFICATE length \(length), revision 0x\(String(revision, radix: 16)), type \(type)")
            return
        }
        if at > image.size - Int(dir.size) {
            log.record(.badCertificateTable, offset: at, "the certificate table runs past the end of the file")
        }
        pe.hasAuthenticode = true
    }

    // MARK: - Extent

    mutating func computeExtent(sectionTableEnd: Int, into pe: inout PEFile) {
        var end = min(sectionTableEnd, image.size)
        for s in pe.sections where s.rawSize > 0 {
            end = max(end, s.rawEnd)
        }
        pe.declaredImageEnd = end
        if image.size > end {
            pe.overlayOffset = end
            pe.overlaySize = image.size - end
            var padding = 0
            image.pieces(end, image.size - end) { stored, zeros in if stored == nil { padding += zeros } }
            pe.overlayPaddingBytes = padding
            if padding > 0 {
                log.record(
                    .zeroPadding, offset: end,
                    "\(padding) bytes of zero padding in the \(pe.overlaySize)-byte overlay after \(end) bytes of image")
            }
        }
    }

    mutating func checkEntryPoint(_ pe: PEFile) {
        guard pe.entryPoint != 0, !pe.sections.isEmpty else { return }
        let ep = Int(pe.entryPoint)
        let inside = pe.sections.contains { s in
            ep >= Int(s.virtualAddress) && ep - Int(s.virtualAddress) < max(Int(s.virtualSize), s.rawSize)
        }
        if !inside && ep >= Int(pe.sizeOfHeaders) {
            log.record(.entryPointOutsideSections, "entry point 0x\(String(pe.entryPoint, radix: 16))")
        }
    }
}
