import FuzzDriver
import Milter

/// A milter stream from a hostile MTA: the input is fed to the frame decoder in chunks whose sizes come from the
/// input itself, every frame goes through the session state machine, and every end of message is answered; every
/// reply the session writes must parse back through the client side (`MilterResponse(parsing:)`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var decoder = MilterFrameDecoder()
    var session = MilterSession()
    var i = 0
    var step = 1
    while i < bytes.count {
        let n = min(bytes.count - i, step)
        decoder.feed(bytes[i..<(i + n)])
        i += n
        step = Int(bytes[i - 1] % 61) + 1
        while true {
            let next: MilterFrame?
            do { next = try decoder.next() } catch { return 0 }
            guard let frame = next else { break }
            guard let actions = try? session.receive(frame) else { return 0 }
            for action in actions {
                switch action {
                case .reply(let response):
                    // What the filter writes, the client side must read back and write again byte for byte (the
                    // values may differ where the wire leaves a field out: macro lists not negotiated).
                    guard let echoed = try? MilterResponse(parsing: response.frame), echoed.frame == response.frame else {
                        fatalError("reply does not parse back: \(response)")
                    }
                case .spool(let chunk): _ = chunk.count
                case .endOfMessage(let message):
                    _ = message.rfc822
                    _ = session.permits(.accept)
                case .close: return 0
                }
            }
        }
    }
    return 0
}

@_cdecl("FuzzMilter_main")
public func fuzzMilterMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
