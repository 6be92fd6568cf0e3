/// One section header, with the entropy of the raw data the file holds for it.
///
/// ```
///  0x00 Name char[8]          0x08 VirtualSize u32       0x0C VirtualAddress u32
///  0x10 SizeOfRawData u32     0x14 PointerToRawData u32  0x18 PointerToRelocations u32
///  0x1C PointerToLinenumbers  0x20 NumberOfRelocations u16, NumberOfLinenumbers u16
///  0x24 Characteristics u32   (0x20 code, 0x20000000 execute, 0x40000000 read, 0x80000000 write)
/// ```
public struct PESection: Sendable, Hashable {
    /// The name, NUL padding removed (`.text`, `.rsrc`, `UPX0`).
    public var name: String
    /// VirtualAddress: the section's RVA.
    public var virtualAddress: UInt32
    /// VirtualSize: its size in memory.
    public var virtualSize: UInt32
    /// PointerToRawData: where its data starts in the file.
    public var rawOffset: Int
    /// SizeOfRawData: how much data the file holds for it.
    public var rawSize: Int
    /// The section flags.
    public var characteristics: UInt32
    /// Shannon entropy of the raw data present, in bits per byte (0-8); `nil` when none of it is present.
    /// Dropped zero padding counts as the zeros it was.
    public var entropy: Double?
    /// How many of the ``rawSize`` bytes the file holds (dropped padding included); less than ``rawSize`` when
    /// the section runs past the end of the file.
    public var rawBytesPresent: Int
    /// How many of the raw bytes were zero padding dropped before parsing.
    public var paddingBytes: Int
    /// Where the section table entry is in the file.
    public var headerOffset: Int

    /// Whether the raw data the header announces is missing (partly or wholly).
    public var isRawDataMissing: Bool { rawBytesPresent < rawSize }
    /// IMAGE_SCN_MEM_EXECUTE or IMAGE_SCN_CNT_CODE.
    public var isExecutable: Bool { characteristics & 0x2000_0000 != 0 || characteristics & 0x20 != 0 }
    /// IMAGE_SCN_MEM_WRITE.
    public var isWritable: Bool { characteristics & 0x8000_0000 != 0 }
    /// The end of the raw data in the file, as the header declares it.
    public var rawEnd: Int { rawOffset + rawSize }
}

/// One data directory entry: an RVA and a size (for the security directory, a file offset and a size).
public struct PEDataDirectory: Sendable, Hashable {
    public var virtualAddress: UInt32
    public var size: UInt32

    /// The directory indices of the PE/COFF specification.
    public enum Index {
        public static let export = 0
        public static let `import` = 1
        public static let resource = 2
        public static let exception = 3
        public static let security = 4
        public static let baseRelocation = 5
        public static let debug = 6
        public static let tls = 9
        public static let loadConfig = 10
        public static let boundImport = 11
        public static let importAddressTable = 12
        public static let delayImport = 13
        public static let clrRuntime = 14
    }
}

/// Names for header values.
public enum PENames {
    /// IMAGE_FILE_MACHINE_* as a short name (`i386`, `amd64`, `arm64`...), or the value in hexadecimal.
    public static func machine(_ value: UInt16) -> String {
        switch value {
        case 0x0000: "unknown"
        case 0x014C: "i386"
        case 0x0162: "r3000"
        case 0x0166: "r4000"
        case 0x0168: "r10000"
        case 0x0184: "alpha"
        case 0x01A2: "sh3"
        case 0x01A6: "sh4"
        case 0x01C0: "arm"
        case 0x01C2: "thumb"
        case 0x01C4: "armnt"
        case 0x01F0: "powerpc"
        case 0x0200: "ia64"
        case 0x0284: "alpha64"
        case 0x0EBC: "ebc"
        case 0x5032: "riscv32"
        case 0x5064: "riscv64"
        case 0x8664: "amd64"
        case 0xAA64: "arm64"
        case 0xA641: "arm64ec"
        default: "0x" + String(value, radix: 16)
        }
    }

    /// IMAGE_SUBSYSTEM_* as a short name (`windows-gui`, `windows-cui`...), or the value.
    public static func subsystem(_ value: UInt16) -> String {
        switch value {
        case 1: "native"
        case 2: "windows-gui"
        case 3: "windows-cui"
        case 5: "os2-cui"
        case 7: "posix-cui"
        case 9: "windows-ce-gui"
        case 10: "efi-application"
        case 11: "efi-boot-service-driver"
        case 12: "efi-runtime-driver"
        case 13: "efi-rom"
        case 14: "xbox"
        case 16: "windows-boot-application"
        default: String(value)
        }
    }
}
