import ByteCursor

/// The bounds that encrypted documents are held to.
///
/// Key derivation is deliberately slow (50,000 to 100,000 hash iterations per password, up to 10,000,000 by the
/// agile descriptor's `spinCount`), so the number of candidates and the spin count are bounded as well as sizes.
public struct OfficeCryptoLimits: Sendable, Hashable {
    /// The largest decrypted package (the `EncryptedPackage` size prefix) or Workbook stream produced.
    public var maxPlaintextBytes: Limit
    /// The largest `EncryptionInfo` stream read.
    public var maxEncryptionInfoBytes: Limit
    /// The highest agile `spinCount` accepted ([MS-OFFCRYPTO] allows up to 10,000,000).
    public var maxSpinCount: Limit
    /// The most password candidates tried, `VelvetSweatshop` included.
    public var maxPasswords: Limit

    public init(
        maxPlaintextBytes: Limit = Limit("officecrypto.maxPlaintextBytes", 512 << 20),
        maxEncryptionInfoBytes: Limit = Limit("officecrypto.maxEncryptionInfoBytes", 1 << 20),
        maxSpinCount: Limit = Limit("officecrypto.maxSpinCount", 10_000_000),
        maxPasswords: Limit = Limit("officecrypto.maxPasswords", 32)
    ) {
        self.maxPlaintextBytes = maxPlaintextBytes
        self.maxEncryptionInfoBytes = maxEncryptionInfoBytes
        self.maxSpinCount = maxSpinCount
        self.maxPasswords = maxPasswords
    }

    /// The defaults: 512 MiB of plaintext, 1 MiB of `EncryptionInfo`, spin count 10,000,000, 32 passwords.
    public static let `default` = OfficeCryptoLimits()
}
