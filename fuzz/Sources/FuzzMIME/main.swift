import FuzzDriver
import Charsets
import MIME

/// libFuzzer entry for the MIME module: parse, walk, decode every part, extract uuencoded files, decode header
/// values and addresses, and split the same bytes as an mbox (whole and in two chunks).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? MIMEMessage(parsing: bytes) {
        _ = message.subject
        _ = message.from
        for part in message.walk() {
            let body = part.decodedBody()
            if part.contentType.type == "text" {
                _ = part.decodedTextWithDefects()
                _ = UUEncode.extract(from: body.bytes[...])
            }
            for field in part.headers { _ = MailAddress.parseList(field.value) }
            _ = part.filename
            precondition(part.bodyRange.upperBound <= bytes.count)
        }
    }
    _ = EncodedWords.decode(bytes[...])
    for charset: Charset in [.utf8, .iso2022JP, .shiftJIS, .eucJP, .utf7, .utf16, .windows(1252)] {
        _ = Charsets.decode(bytes[...], as: charset)
    }
    var splitter = MboxSplitter(maxMessageBytes: 1 << 16)
    let cut = size / 2
    var messages = splitter.feed(bytes[..<cut])
    messages += splitter.feed(bytes[cut...])
    messages += splitter.finish()
    for m in messages { _ = try? MIMEMessage(parsing: m.bytes) }
    return 0
}

@_cdecl("FuzzMIME_main")
public func fuzzMIMEMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
