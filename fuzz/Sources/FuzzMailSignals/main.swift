import FuzzDriver
import MailSignals

let impersonation = ImpersonationCheck(ownDomains: ["customer.example.jp"], protectedNames: ["経理部", "山田 太郎"])
let lookalikes = LookalikeDomains(protectedDomains: ["customer.example.jp", "partner.example.jp", "パートナー.example"])

/// Every mail-level check over the input read as header values, a subject, a body and HTML: the input is split at
/// its first two newlines into a display name, an address and the rest.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    let name = parts.first ?? ""
    let address = parts.count > 1 ? parts[1] : text
    let rest = parts.count > 2 ? parts[2] : text
    let from = Mailbox(displayName: name, address: address)
    _ = impersonation.check(
        OriginHeaders(from: from, replyTo: [Mailbox(address: rest)], returnPath: name, sender: from, listID: nil))
    _ = lookalikes.check(address)
    _ = lookalikes.check(name)
    _ = DomainName.toUnicode(address)
    _ = AuthenticationResults(parsing: text).signals()
    _ = SubjectPrefixes(parsing: name)
    _ = ThreadSignals().check(subject: name, inReplyTo: nil, references: address, sender: from, body: rest)
    let urls = URLSignals()
    _ = urls.signals(for: URLExtractor().extract(fromText: text))
    _ = urls.signals(for: URLExtractor().extract(fromHTML: text))
    return 0
}

@_cdecl("FuzzMailSignals_main")
public func fuzzMailSignalsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
