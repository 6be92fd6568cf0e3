import ByteCursor

/// The hive bins data of a primary file: where each hive bin starts and ends, and bounds-checked access to cells.
///
/// ```
///  file offset 0      4096                                                    4096 + hive bins data size
///  | base block |  hbin 0                  |  hbin 1          | ...             |  (padding)
///               | hdr 32 | cell | cell ... | hdr 32 | cells   |
///
///  hive bin header:  0 "hbin"  4 offset (relative to 4096)  8 size (multiple of 4096)  12 reserved(8)
///                   20 timestamp (FILETIME, first bin only)  28 spare
///  cell:             0 size (Int32: negative = allocated, absolute value = length including this field,
///                      a multiple of 8)  4 cell data (a record: nk, vk, lf, lh, li, ri, sk, db, or raw data)
/// ```
///
/// Every offset inside the hive (a *cell offset*) is relative to the start of the hive bins data, file offset
/// 4,096. The map keeps, for every 4 KiB page, the bounds of the hive bin that covers it, so that checking that a
/// cell lies inside one valid hive bin costs two array reads.
struct Bins: Sendable {
    /// The whole file.
    let file: ByteCursor
    /// The hive bins data bytes that can be addressed: the declared size, cut to what the file holds.
    let dataSize: Int
    /// For each 4 KiB page of the hive bins data, the cell offset where its hive bin starts, or -1 for a page
    /// outside any valid hive bin.
    let binStart: [Int]
    /// For each page, the cell offset where its hive bin ends.
    let binEnd: [Int]
    /// The number of valid hive bins.
    let count: Int

    static let headerSize = 32
    static let pageSize = 4096
    /// `hbin` as a little-endian word.
    static let signature: UInt32 = 0x6E69_6268

    /// Maps the hive bins of `file` (a whole primary file), recording damaged bins as anomalies.
    init(file bytes: ArraySlice<UInt8>, declaredSize: UInt32, log: inout AnomalyLog) {
        let file = ByteCursor(bytes)
        self.file = file
        let available = max(0, bytes.count - RegistryBaseBlock.size)
        var size = Int(declaredSize)
        if size % Self.pageSize != 0 {
            log.record(.badBaseBlock, offset: 40, "hive bins data size \(size) is not a multiple of 4096")
            size -= size % Self.pageSize
        }
        if size > available {
            log.record(
                .truncatedHive,
                offset: bytes.count,
                "the base block declares \(size) bytes of hive bins, the file holds \(available)"
            )
            size = available - available % Self.pageSize
        }
        dataSize = size
        let pages = size / Self.pageSize
        var starts = [Int](repeating: -1, count: pages)
        var ends = [Int](repeating: -1, count: pages)
        var bins = 0
        var page = 0
        var damaged = false
        while page < pages {
            let offset = page * Self.pageSize
            var header =
                (try? file.cursor(at: RegistryBaseBlock.size + offset, count: Self.headerSize))
                ?? ByteCursor([])
            let signature = try? header.readUInt32LE()
            let claimed = try? header.readUInt32LE()
            let length = (try? header.readUInt32LE()).map { Int($0) } ?? 0
            guard signature == Self.signature else {
                if !damaged {
                    log.record(
                        .badHBin,
                        offset: RegistryBaseBlock.size + offset,
                        "no hbin signature at hive bin offset \(offset); searching for the next hive bin"
                    )
                }
                damaged = true
                page += 1
                continue
            }
            damaged = false
            var binLength = length
            if binLength < Self.pageSize || binLength % Self.pageSize != 0 || binLength > size - offset {
                log.record(
                    .badHBin,
                    offset: RegistryBaseBlock.size + offset + 8,
                    "hive bin at \(offset) has size \(length); one page is used"
                )
                binLength = Self.pageSize
            }
            if claimed.map({ Int($0) }) != offset {
                log.record(
                    .badHBin,
                    offset: RegistryBaseBlock.size + offset + 4,
                    "hive bin at \(offset) says it is at \(claimed.map { String($0) } ?? "?")"
                )
            }
            for p in page..<(page + binLength / Self.pageSize) {
                starts[p] = offset
                ends[p] = offset + binLength
            }
            bins += 1
            page += binLength / Self.pageSize
        }
        binStart = starts
        binEnd = ends
        count = bins
    }

    /// Why a cell could not be read.
    enum Failure: Error {
        case outOfRange(String)
        case bad(String)
    }

    /// A cell: its offset, its data (after the size field), whether it is allocated.
    struct Cell {
        /// The cell offset (relative to the hive bins data).
        var offset: Int
        /// A cursor over the cell data, whose offsets are file offsets.
        var data: ByteCursor
        var allocated: Bool
        /// The file offset of the cell data.
        var fileOffset: Int { offset + RegistryBaseBlock.size + 4 }
    }

    /// The cell at `offset`, checked: inside the hive bins data, past its hive bin's header, 8-aligned, with a
    /// non-zero size that stays inside the hive bin (a size running past it is cut there, with an anomaly), and
    /// allocated (a free cell is still returned, with an anomaly).
    func cell(at offset: UInt32, log: inout AnomalyLog, _ what: @autoclosure () -> String) -> Cell? {
        switch cell(at: offset) {
        case .success(let (cell, problem)):
            if let problem {
                log.record(.badCell, offset: Int(offset) + RegistryBaseBlock.size, "\(what()): \(problem)")
            }
            return cell
        case .failure(.outOfRange(let reason)):
            log.record(.cellOutOfRange, offset: Int(offset) + RegistryBaseBlock.size, "\(what()): \(reason)")
            return nil
        case .failure(.bad(let reason)):
            log.record(.badCell, offset: Int(offset) + RegistryBaseBlock.size, "\(what()): \(reason)")
            return nil
        }
    }

    /// The cell at `offset` and a recoverable problem with it, or why it cannot be read.
    func cell(at offset: UInt32) -> Result<(Cell, String?), Failure> {
        let o = Int(offset)
        guard o <= dataSize - 4 else {
            return .failure(.outOfRange("cell offset \(o) is outside \(dataSize) bytes of hive bins"))
        }
        let page = o / Self.pageSize
        let start = binStart[page]
        guard start >= 0 else { return .failure(.outOfRange("cell offset \(o) is inside a damaged hive bin")) }
        guard o >= start + Self.headerSize else {
            return .failure(.outOfRange("cell offset \(o) is inside the header of the hive bin at \(start)"))
        }
        guard o % 8 == 0 else { return .failure(.bad("cell offset \(o) is not a multiple of 8")) }
        let end = binEnd[page]
        guard var sizeField = try? file.cursor(at: RegistryBaseBlock.size + o, count: 4),
            let raw = try? sizeField.readUInt32LE()
        else { return .failure(.outOfRange("cell offset \(o) cannot be read")) }
        let signed = Int32(bitPattern: raw)
        let allocated = signed < 0
        var length = Int(signed.magnitude)
        var problem: String? = nil
        if length < 8 {
            return .failure(.bad("cell at \(o) has size \(signed)"))
        }
        if length > end - o {
            problem = "cell at \(o) of \(length) bytes runs past its hive bin (ends at \(end)); cut there"
            length = end - o
        } else if !allocated {
            problem = "cell at \(o) is free (size \(signed)) but referenced"
        }
        guard let data = try? file.cursor(at: RegistryBaseBlock.size + o + 4, count: length - 4) else {
            return .failure(.outOfRange("cell at \(o) cannot be read"))
        }
        return .success((Cell(offset: o, data: data, allocated: allocated), problem))
    }
}
