import MIME

/// Bytes of a string with LF line endings turned into CRLF when `crlf` is set.
func msg(_ s: String, crlf: Bool = false) -> [UInt8] {
    let b = Array(s.utf8)
    guard crlf else { return b }
    var out: [UInt8] = []
    for c in b {
        if c == 0x0A { out.append(0x0D) }
        out.append(c)
    }
    return out
}

func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var hi: UInt8?
    for c in s.utf8 {
        let v: UInt8
        switch c {
        case 0x30...0x39: v = c - 0x30
        case 0x61...0x66: v = c - 0x57
        case 0x41...0x46: v = c - 0x37
        default: continue
        }
        if let h = hi {
            out.append(h << 4 | v)
            hi = nil
        } else {
            hi = v
        }
    }
    return out
}

func parse(_ s: String, crlf: Bool = false, limits: MIMELimits = .default) throws -> MIMEMessage {
    try MIMEMessage(parsing: msg(s, crlf: crlf), limits: limits)
}

extension MIMEPart {
    var text: String { String(decoding: decodedBody().bytes, as: UTF8.self) }
    var codes: [MIMEDefect.Code] { defects.map(\.code) }
}
