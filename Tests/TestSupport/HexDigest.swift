import Crypto

/// Digests as lowercase hex, to compare with the digests the fixture scripts wrote (Python's `hashlib`).
public enum HexDigest {
    /// The SHA-256 of `bytes`, as 64 lowercase hex digits.
    public static func sha256<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        hex(SHA256.hash(data: Array(bytes)))
    }

    /// The MD5 of `bytes`, as 32 lowercase hex digits.
    public static func md5<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        hex(Insecure.MD5.hash(data: Array(bytes)))
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
