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

// SwiftPM links executable targets with `main` renamed to `<Target>_main` (`--defsym main=FuzzMIME_main`), which
// hides libFuzzer's own `main`; provide that symbol and hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzMIME_main")
public func fuzzMIMEMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var args = argv
    return LLVMFuzzerRunDriver(&count, &args, fuzz)
}
