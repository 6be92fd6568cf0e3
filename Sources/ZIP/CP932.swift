import Charsets

/// The bytes as CP932 (Shift_JIS with Microsoft's extensions), or nil if any sequence is invalid.
func decodeCP932(_ bytes: ArraySlice<UInt8>) -> String? {
    let decoded = Charsets.decode(bytes, as: .shiftJIS)
    return decoded.invalidSequences == 0 ? decoded.text : nil
}
