import ByteCursor

/// Record signatures ("PK" followed by two bytes), read little-endian.
enum Signature {
    static let localHeader: UInt32 = 0x0403_4B50
    static let centralHeader: UInt32 = 0x0201_4B50
    static let endOfCentralDirectory: UInt32 = 0x0605_4B50
    static let zip64EndOfCentralDirectory: UInt32 = 0x0606_4B50
    static let zip64Locator: UInt32 = 0x0706_4B50
    static let dataDescriptor: UInt32 = 0x0807_4B50
}

/// A local file header (APPNOTE 4.3.7).
///
/// ```
///  0  signature 50 4B 03 04      14 crc-32                 26 name length
///  4  version needed             18 compressed size        28 extra length
///  6  flags                      22 uncompressed size      30 name, then extra, then data
///  8  method   10 time   12 date
/// ```
struct LocalHeader {
    static let fixedSize = 30

    var offset: Int
    var versionNeeded: UInt16
    var flags: UInt16
    var method: UInt16
    var time: UInt16
    var date: UInt16
    var crc32: UInt32
    var compressedSize: UInt64
    var uncompressedSize: UInt64
    var name: ArraySlice<UInt8>
    var extra: ExtraFields
    /// The first byte after the header: where the stored data starts.
    var dataOffset: Int

    /// Reads the header at `offset` of `input` (offsets relative to the cursor's origin).
    init(in input: ByteCursor, at offset: Int) throws {
        var c = input
        try c.seek(to: offset)
        guard try c.readUInt32LE() == Signature.localHeader else {
            throw CursorError.outOfRange(offset: offset, size: input.totalCount)
        }
        self.offset = offset
        versionNeeded = try c.readUInt16LE()
        flags = try c.readUInt16LE()
        method = try c.readUInt16LE()
        time = try c.readUInt16LE()
        date = try c.readUInt16LE()
        crc32 = try c.readUInt32LE()
        let csize = try c.readUInt32LE()
        let usize = try c.readUInt32LE()
        let nameLength = try c.readUInt16LE()
        let extraLength = try c.readUInt16LE()
        name = try c.readBytes(count: nameLength)
        let extraOffset = c.offset
        extra = ExtraFields(try c.readBytes(count: extraLength), offset: extraOffset)
        dataOffset = c.offset
        let z = extra.zip64(uncompressed: usize == .max, compressed: csize == .max, offset: false, disk: false)
        compressedSize = z.compressed ?? UInt64(csize)
        uncompressedSize = z.uncompressed ?? UInt64(usize)
        zip64Unresolved = (csize == .max && z.compressed == nil) || (usize == .max && z.uncompressed == nil)
        hasZIP64Field = extra.field(ExtraFields.zip64) != nil
    }

    /// Whether a size was 0xFFFFFFFF without a ZIP64 field to resolve it.
    var zip64Unresolved: Bool
    /// Whether the header carries a ZIP64 extra field (its data descriptor then has 8-byte sizes).
    var hasZIP64Field: Bool
}

/// A central directory file header (APPNOTE 4.3.12).
///
/// ```
///  0  signature 50 4B 01 02    16 crc-32               32 comment length
///  4  version made by          20 compressed size      34 disk number start
///  6  version needed           24 uncompressed size    36 internal attributes
///  8  flags   10 method        28 name length          38 external attributes
/// 12  time    14 date          30 extra length         42 local header offset
/// 46  name, extra, comment
/// ```
struct CentralHeader {
    static let fixedSize = 46

    var offset: Int
    var versionMadeBy: UInt16
    var versionNeeded: UInt16
    var flags: UInt16
    var method: UInt16
    var time: UInt16
    var date: UInt16
    var crc32: UInt32
    var compressedSize: UInt64
    var uncompressedSize: UInt64
    var diskStart: UInt32
    var externalAttributes: UInt32
    var localHeaderOffset: UInt64
    var name: ArraySlice<UInt8>
    var extra: ExtraFields
    var comment: ArraySlice<UInt8>
    var zip64Unresolved: Bool
    var usedZIP64: Bool

    /// Reads the header at the cursor and moves past it.
    init(reading c: inout ByteCursor) throws {
        offset = c.offset
        guard try c.readUInt32LE() == Signature.centralHeader else {
            throw CursorError.outOfRange(offset: offset, size: c.totalCount)
        }
        versionMadeBy = try c.readUInt16LE()
        versionNeeded = try c.readUInt16LE()
        flags = try c.readUInt16LE()
        method = try c.readUInt16LE()
        time = try c.readUInt16LE()
        date = try c.readUInt16LE()
        crc32 = try c.readUInt32LE()
        let csize = try c.readUInt32LE()
        let usize = try c.readUInt32LE()
        let nameLength = try c.readUInt16LE()
        let extraLength = try c.readUInt16LE()
        let commentLength = try c.readUInt16LE()
        let disk = try c.readUInt16LE()
        _ = try c.readUInt16LE()  // internal attributes
        externalAttributes = try c.readUInt32LE()
        let lho = try c.readUInt32LE()
        name = try c.readBytes(count: nameLength)
        let extraOffset = c.offset
        extra = ExtraFields(try c.readBytes(count: extraLength), offset: extraOffset)
        comment = try c.readBytes(count: commentLength)
        let z = extra.zip64(
            uncompressed: usize == .max, compressed: csize == .max, offset: lho == .max, disk: disk == .max)
        compressedSize = z.compressed ?? UInt64(csize)
        uncompressedSize = z.uncompressed ?? UInt64(usize)
        localHeaderOffset = z.offset ?? UInt64(lho)
        diskStart = z.disk ?? UInt32(disk)
        zip64Unresolved =
            (csize == .max && z.compressed == nil) || (usize == .max && z.uncompressed == nil)
            || (lho == .max && z.offset == nil)
        usedZIP64 = z.compressed != nil || z.uncompressed != nil || z.offset != nil
    }
}

/// The extra field block of a header: a sequence of (tag, size, data) records (APPNOTE 4.5).
///
/// ```
///  +-------+-------+------------+-------+-------+----
///  | tag:2 | len:2 | data (len) | tag:2 | len:2 | ...
///  +-------+-------+------------+-------+-------+----
/// ```
struct ExtraFields {
    static let zip64: UInt16 = 0x0001
    static let winZipAES: UInt16 = 0x9901
    static let unicodePath: UInt16 = 0x7075
    static let unicodeComment: UInt16 = 0x6375

    var bytes: ArraySlice<UInt8>
    var offset: Int

    init(_ bytes: ArraySlice<UInt8>, offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Whether the records tile the block exactly (no record overruns it, no stray bytes).
    var isWellFormed: Bool {
        var c = ByteCursor(bytes)
        while !c.isAtEnd {
            guard (try? c.readUInt16LE()) != nil, let len = try? c.readUInt16LE(),
                (try? c.skip(Int(len))) != nil
            else { return false }
        }
        return true
    }

    /// The data of the first record with `tag`, if present and complete.
    func field(_ tag: UInt16) -> ArraySlice<UInt8>? {
        var c = ByteCursor(bytes)
        while c.remaining >= 4 {
            guard let t = try? c.readUInt16LE(), let len = try? c.readUInt16LE(),
                let data = try? c.readBytes(Int(len))
            else { return nil }
            if t == tag { return data }
        }
        return nil
    }

    /// The ZIP64 extended information (0x0001): each value is present only when its header field was 0xFFFFFFFF
    /// (0xFFFF for the disk), in this order.
    func zip64(uncompressed: Bool, compressed: Bool, offset: Bool, disk: Bool)
        -> (uncompressed: UInt64?, compressed: UInt64?, offset: UInt64?, disk: UInt32?)
    {
        guard uncompressed || compressed || offset || disk, let data = field(Self.zip64) else {
            return (nil, nil, nil, nil)
        }
        var c = ByteCursor(data)
        let u = uncompressed ? try? c.readUInt64LE() : nil
        let s = compressed ? try? c.readUInt64LE() : nil
        let o = offset ? try? c.readUInt64LE() : nil
        let d = disk ? try? c.readUInt32LE() : nil
        return (u, s, o, d)
    }

    /// The WinZip AES record (0x9901).
    ///
    /// ```
    ///  vendor version:2 (1 = AE-1, 2 = AE-2) | vendor id "AE":2 | strength:1 (1/2/3 = 128/192/256) | method:2
    /// ```
    var winZipAES: (vendorVersion: Int, bits: Int, method: UInt16)? {
        guard let data = field(Self.winZipAES) else { return nil }
        var c = ByteCursor(data)
        guard let version = try? c.readUInt16LE(), let vendor = try? c.readUInt16LE(),
            let strength = try? c.readUInt8(), let method = try? c.readUInt16LE()
        else { return nil }
        _ = vendor  // "AE"; other vendors have not been seen, the record is honoured regardless
        let bits: Int
        switch strength {
        case 1: bits = 128
        case 2: bits = 192
        case 3: bits = 256
        default: return nil
        }
        return (Int(version), bits, method)
    }

    /// The Info-ZIP Unicode Path (0x7075) or Comment (0x6375) record: version 1, CRC-32 of the header's field,
    /// then the UTF-8 text. Ignored when its CRC does not match `original` (the field was edited after).
    func unicodeText(_ tag: UInt16, original: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let data = field(tag) else { return nil }
        var c = ByteCursor(data)
        guard (try? c.readUInt8()) == 1, let crc = try? c.readUInt32LE() else { return nil }
        guard crc == CRC32.checksum(original) else { return nil }
        return c.readRest()
    }
}

/// The end of central directory record (APPNOTE 4.3.16), found by searching back from the end.
///
/// ```
///  0 signature 50 4B 05 06   8 entries on this disk   12 directory size     20 comment length
///  4 disk      6 cd disk    10 entries total          16 directory offset   22 comment
/// ```
struct EndRecord {
    static let fixedSize = 22

    var offset: Int
    var disk: UInt16
    var centralDirectoryDisk: UInt16
    var entriesOnDisk: UInt16
    var entries: UInt16
    var centralDirectorySize: UInt32
    var centralDirectoryOffset: UInt32
    var commentLength: UInt16

    init(in input: ByteCursor, at offset: Int) throws {
        var c = try input.cursor(at: offset, count: Self.fixedSize)
        guard try c.readUInt32LE() == Signature.endOfCentralDirectory else {
            throw CursorError.outOfRange(offset: offset, size: input.totalCount)
        }
        self.offset = offset
        disk = try c.readUInt16LE()
        centralDirectoryDisk = try c.readUInt16LE()
        entriesOnDisk = try c.readUInt16LE()
        entries = try c.readUInt16LE()
        centralDirectorySize = try c.readUInt32LE()
        centralDirectoryOffset = try c.readUInt32LE()
        commentLength = try c.readUInt16LE()
    }

    /// Whether a field says to look for the ZIP64 end record.
    var needsZIP64: Bool {
        entries == .max || entriesOnDisk == .max || centralDirectorySize == .max || centralDirectoryOffset == .max
    }
}

/// The ZIP64 end of central directory locator (APPNOTE 4.3.15), 20 bytes right before the end record.
///
/// ```
///  0 signature 50 4B 06 07 | 4 disk with ZIP64 end record | 8 its offset (8 bytes) | 16 total disks
/// ```
struct ZIP64Locator {
    static let fixedSize = 20
    var endRecordOffset: UInt64

    init(in input: ByteCursor, at offset: Int) throws {
        var c = try input.cursor(at: offset, count: Self.fixedSize)
        guard try c.readUInt32LE() == Signature.zip64Locator else {
            throw CursorError.outOfRange(offset: offset, size: input.totalCount)
        }
        _ = try c.readUInt32LE()
        endRecordOffset = try c.readUInt64LE()
    }
}

/// The ZIP64 end of central directory record (APPNOTE 4.3.14).
///
/// ```
///  0 signature 50 4B 06 06   12 made by   16 disk       24 entries on disk   40 directory size
///  4 record size (8)         14 needed    20 cd disk    32 entries total     48 directory offset   56 ...
/// ```
struct ZIP64EndRecord {
    static let fixedSize = 56
    var offset: Int
    var entries: UInt64
    var centralDirectorySize: UInt64
    var centralDirectoryOffset: UInt64

    init(in input: ByteCursor, at offset: Int) throws {
        var c = try input.cursor(at: offset, count: Self.fixedSize)
        guard try c.readUInt32LE() == Signature.zip64EndOfCentralDirectory else {
            throw CursorError.outOfRange(offset: offset, size: input.totalCount)
        }
        self.offset = offset
        try c.skip(8 + 2 + 2 + 4 + 4 + 8)
        entries = try c.readUInt64LE()
        centralDirectorySize = try c.readUInt64LE()
        centralDirectoryOffset = try c.readUInt64LE()
    }
}

/// A data descriptor (APPNOTE 4.3.9) after an entry's data, when flag bit 3 is set.
///
/// ```
///  [50 4B 07 08] | crc-32:4 | compressed size:4|8 | uncompressed size:4|8
/// ```
/// The signature is optional and the sizes are 8 bytes each in ZIP64 archives.
struct DataDescriptor {
    var offset: Int
    var crc32: UInt32
    var compressedSize: UInt64
    var uncompressedSize: UInt64
    var length: Int

    /// The readings of a descriptor at `dataEnd` whose compressed size equals `dataLength`: with and without
    /// signature, with 4- and 8-byte sizes. Both widths can match (a 64-bit size below 4 GiB reads as a 32-bit size
    /// followed by zero), so callers choose: by the ZIP64 field, or by which one agrees with the central directory.
    static func candidates(in input: ByteCursor, at dataEnd: Int, dataLength: UInt64) -> [DataDescriptor] {
        var found: [DataDescriptor] = []
        for (signed, wide) in [(true, true), (true, false), (false, true), (false, false)] {
            var c = input
            guard (try? c.seek(to: dataEnd)) != nil else { return [] }
            if signed {
                guard (try? c.readUInt32LE()) == Signature.dataDescriptor else { continue }
            }
            guard let crc = try? c.readUInt32LE() else { continue }
            let sizes: (UInt64, UInt64)?
            if wide {
                if let a = try? c.readUInt64LE(), let b = try? c.readUInt64LE() { sizes = (a, b) } else { sizes = nil }
            } else if let a = try? c.readUInt32LE(), let b = try? c.readUInt32LE() {
                sizes = (UInt64(a), UInt64(b))
            } else {
                sizes = nil
            }
            guard let (csize, usize) = sizes, csize == dataLength else { continue }
            found.append(
                DataDescriptor(
                    offset: dataEnd, crc32: crc, compressedSize: csize, uncompressedSize: usize,
                    length: c.offset - dataEnd, isWide: wide))
        }
        return found
    }

    /// The reading for a header with or without a ZIP64 field.
    static func find(in input: ByteCursor, at dataEnd: Int, dataLength: UInt64, zip64: Bool) -> DataDescriptor? {
        let all = candidates(in: input, at: dataEnd, dataLength: dataLength)
        return all.first { $0.isWide == zip64 } ?? all.first
    }

    var isWide: Bool
}
