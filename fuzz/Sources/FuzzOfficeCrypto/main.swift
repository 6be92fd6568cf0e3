import CompoundFile
import FuzzDriver
import OfficeCrypto

/// Small limits: agile spin counts above 1,000 are refused (ECMA-376 Standard's fixed 50,000 spins remain), 4 MiB
/// of plaintext, one candidate besides VelvetSweatshop.
let fuzzLimits: OfficeCryptoLimits = {
    var limits = OfficeCryptoLimits.default
    limits.maxPlaintextBytes.maximum = 4 << 20
    limits.maxSpinCount.maximum = 1000
    limits.maxPasswords.maximum = 2
    return limits
}()
let passwords = ["Invoice2026!"]

/// Reads the input three ways:
/// - as a Compound File: detection, and package decryption when it has `EncryptionInfo`;
/// - as `len u16 | EncryptionInfo[len] | EncryptedPackage`: header parsing and package decryption;
/// - as a BIFF8 Workbook stream: FILEPASS detection and RC4 decryption.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if CompoundFile.hasSignature(bytes[...]), let cfb = try? CompoundFile(parsing: bytes) {
        _ = OfficeEncryption.detect(cfb)
        _ = try? OfficeEncryption.decryptPackage(cfb, passwords: passwords, limits: fuzzLimits)
        if let workbook = try? cfb.stream(path: "Workbook") {
            _ = try? OfficeEncryption.decryptBIFF8(workbookStream: workbook.bytes, passwords: passwords, limits: fuzzLimits)
        }
        return 0
    }
    if bytes.count >= 2 {
        let length = min(Int(bytes[0]) | Int(bytes[1]) << 8, bytes.count - 2)
        let info = Array(bytes[2..<(2 + length)])
        let package = Array(bytes[(2 + length)...])
        if (try? EncryptionInfo(parsing: info, limits: fuzzLimits)) != nil {
            _ = try? OfficeEncryption.decryptPackage(
                encryptionInfo: info, encryptedPackage: package, passwords: passwords, limits: fuzzLimits)
        }
    }
    _ = OfficeEncryption.detectBIFF8(workbookStream: bytes)
    _ = try? OfficeEncryption.decryptBIFF8(workbookStream: bytes, passwords: passwords, limits: fuzzLimits)
    _ = OfficeEncryption.detectWord(wordDocumentStream: bytes) { _ in bytes }
    _ = OfficeEncryption.detectPowerPoint(currentUserStream: bytes)
    return 0
}

@_cdecl("FuzzOfficeCrypto_main")
public func fuzzOfficeCryptoMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
