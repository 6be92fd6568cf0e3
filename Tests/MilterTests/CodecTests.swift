import TestSupport
import ByteCursor
import Milter
import Testing

@Suite("Frames and commands")
struct CodecTests {
    /// Every command the MTA can send, hand-encoded, parses to the expected value.
    @Test func everyCommandRoundTrip() throws {
        let cases: [([UInt8], MilterCommand)] = [
            (
                Wire.optneg(version: 6, actions: 0x1FF, flags: 0x3F),
                .optionNegotiation(
                    version: 6,
                    actions: MilterActions(rawValue: 0x1FF),
                    protocolFlags: MilterProtocolFlags(rawValue: 0x3F)
                )
            ),
            (
                Wire.macros("C", [("j", "mx.example.org"), ("{client_addr}", "192.0.2.1")]),
                .macros(
                    stage: UInt8(ascii: "C"),
                    [
                        MilterMacro(name: "j", value: "mx.example.org"),
                        MilterMacro(name: "{client_addr}", value: "192.0.2.1"),
                    ]
                )
            ),
            (Wire.macros("T", []), .macros(stage: UInt8(ascii: "T"), [])),
            (
                Wire.connect("client.example", family: "4", port: 4567, address: "192.0.2.1"),
                .connect(hostname: "client.example", family: .inet, port: 4567, address: "192.0.2.1")
            ),
            (
                Wire.connect("[2001:db8::1]", family: "6", port: 25, address: "2001:db8::1"),
                .connect(hostname: "[2001:db8::1]", family: .inet6, port: 25, address: "2001:db8::1")
            ),
            (
                Wire.connect("localhost", family: "L", port: 0, address: "/var/run/sock"),
                .connect(hostname: "localhost", family: .local, port: 0, address: "/var/run/sock")
            ),
            (
                Wire.connect("unknown", family: "U"),
                .connect(hostname: "unknown", family: .unknown, port: nil, address: nil)
            ),
            (Wire.helo("pc01.example"), .helo("pc01.example")),
            (
                Wire.mail("<a@example.org>", "SIZE=100", "BODY=8BITMIME"),
                .mail(["<a@example.org>", "SIZE=100", "BODY=8BITMIME"])
            ),
            (Wire.rcpt("<b@example.net>"), .recipient(["<b@example.net>"])),
            (Wire.frame("T"), .data),
            (Wire.header("Subject", "Re: invoice"), .header(name: "Subject", value: Array("Re: invoice".utf8))),
            (Wire.frame("L", Wire.cstr("X-Raw") + [0x82, 0xA0, 0]), .header(name: "X-Raw", value: [0x82, 0xA0])),
            (Wire.frame("N"), .endOfHeaders),
            (Wire.body("hello\r\n"), .body(Array("hello\r\n".utf8))),
            (Wire.frame("B", [0, 1, 0, 2]), .body([0, 1, 0, 2])),
            (Wire.frame("E"), .endOfBody([])),
            (Wire.frame("E", Array("tail".utf8)), .endOfBody(Array("tail".utf8))),
            (Wire.frame("A"), .abort),
            (Wire.frame("Q"), .quit),
            (Wire.frame("K"), .quitNewConnection),
            (Wire.frame("U", Wire.cstr("XFOO bar")), .unknown("XFOO bar")),
        ]
        for (bytes, expected) in cases {
            let parsed = try commands(bytes)
            #expect(parsed == [expected], "\(expected)")
            #expect(parsed.first?.code == bytes[4])
        }
        // All in one stream gives the same sequence.
        #expect(try commands(cases.flatMap(\.0)) == cases.map(\.1))
    }

    /// Byte-by-byte feeding, batched feeding and random chunking give the same frames; every strict prefix of the
    /// stream leaves the decoder waiting without a frame too many.
    @Test func dripFeedAndBatchedAgree() throws {
        let stream =
            Wire.optneg() + Wire.macros("C", [("j", "mx")]) + Wire.connect("c.example")
            + Wire.helo("pc") + Wire.mail("<a@x>") + Wire.rcpt("<b@y>") + Wire.frame("T")
            + Wire.header("From", "a@x") + Wire.frame("N") + Wire.frame("B", Array(repeating: 0x41, count: 65_535))
            + Wire.frame("E") + Wire.frame("Q")

        var batched = MilterFrameDecoder()
        batched.feed(stream)
        var expected: [MilterFrame] = []
        while let frame = try batched.next() { expected.append(frame) }
        #expect(expected.count == 12)
        #expect(batched.bufferedByteCount == 0)

        var drip = MilterFrameDecoder()
        var dripped: [MilterFrame] = []
        for byte in stream {
            drip.feed([byte])
            while let frame = try drip.next() { dripped.append(frame) }
        }
        #expect(dripped == expected)

        var rng = SplitMix64(seed: 7)
        var chunked = MilterFrameDecoder()
        var got: [MilterFrame] = []
        var index = 0
        while index < stream.count {
            let n = min(stream.count - index, Int.random(in: 1...9000, using: &rng))
            chunked.feed(stream[index..<(index + n)])
            index += n
            while let frame = try chunked.next() { got.append(frame) }
        }
        #expect(got == expected)
    }

    /// A truncated frame is never returned: the decoder waits.
    @Test func truncatedFrameWaits() throws {
        let frame = Wire.helo("pc01.example")
        for cut in 0..<frame.count {
            var decoder = MilterFrameDecoder()
            decoder.feed(Array(frame[..<cut]))
            #expect(try decoder.next() == nil)
            #expect(decoder.bufferedByteCount == cut)
        }
    }

    @Test func zeroLengthIsEmptyFrame() {
        var decoder = MilterFrameDecoder()
        decoder.feed([0, 0, 0, 0, 0x43])
        #expect(throws: MilterError.emptyFrame) { try decoder.next() }
        // The decoder stays failed.
        decoder.feed(Wire.frame("Q"))
        #expect(throws: MilterError.emptyFrame) { try decoder.next() }
    }

    /// The length field alone is enough to refuse a frame above the cap; nothing is buffered for it.
    @Test func oversizedFrameRefusedOnLength() {
        var decoder = MilterFrameDecoder(maxFrameBytes: Limit("milter.maxFrameBytes", 100))
        decoder.feed([0, 0, 0, 101])
        #expect(throws: MilterError.frameTooLarge) { try decoder.next() }

        var huge = MilterFrameDecoder()
        huge.feed([0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: MilterError.frameTooLarge) { try huge.next() }

        var atLimit = MilterFrameDecoder(maxFrameBytes: Limit("milter.maxFrameBytes", 100))
        atLimit.feed(Wire.frame("B", Array(repeating: 1, count: 99)))
        #expect((try? atLimit.next())??.data.count == 99)
    }

    @Test func defaultCapTakesFullBodyChunk() throws {
        let frames = try commands(Wire.frame("B", Array(repeating: 0x20, count: 65_535)))
        #expect(frames.count == 1)
    }

    @Test func unknownCommandByte() {
        #expect(throws: MilterError.unknownCommand) { try commands(Wire.frame("Z")) }
        #expect(throws: MilterError.unknownCommand) { try commands(Wire.frame("c")) }
    }

    @Test(arguments: [
        Wire.frame("H", Array("no-nul".utf8)),
        Wire.frame("H", Wire.cstr("a") + [0x41]),
        Wire.frame("M"),
        Wire.frame("M", Wire.cstr("<a@x>") + Array("SIZE=1".utf8)),
        Wire.frame("R"),
        Wire.frame("L", Wire.cstr("Subject")),
        Wire.frame("L", Wire.cstr("Subject") + Array("x".utf8)),
        Wire.frame("C", Wire.cstr("host")),
        Wire.frame("C", Wire.cstr("host") + [UInt8(ascii: "X")]),
        Wire.frame("C", Wire.cstr("host") + [UInt8(ascii: "4"), 0]),
        Wire.frame("C", Wire.cstr("host") + [UInt8(ascii: "4"), 0, 25] + Array("1.2.3.4".utf8)),
        Wire.frame("O", Wire.u32(6) + Wire.u32(0)),
        Wire.frame("O", Wire.u32(6) + Wire.u32(0) + Wire.u32(0) + [1]),
        Wire.frame("D"),
        Wire.frame("D", [UInt8(ascii: "C")] + Wire.cstr("j")),
        Wire.frame("D", [UInt8(ascii: "C")] + Wire.cstr("j") + Array("v".utf8)),
        Wire.frame("T", [1]),
        Wire.frame("N", [1]),
        Wire.frame("A", [1]),
        Wire.frame("Q", [1]),
        Wire.frame("K", [1]),
        Wire.frame("U"),
    ])
    func malformed(frame: [UInt8]) {
        #expect(throws: MilterError.malformedCommand) { try commands(frame) }
    }

    /// Responses encode to the wire layout libmilter and Postfix read.
    @Test func responses() throws {
        #expect(MilterResponse.continue.bytes == Wire.frame("c"))
        #expect(MilterResponse.accept.bytes == Wire.frame("a"))
        #expect(MilterResponse.reject.bytes == Wire.frame("r"))
        #expect(MilterResponse.tempfail.bytes == Wire.frame("t"))
        #expect(MilterResponse.discard.bytes == Wire.frame("d"))
        #expect(MilterResponse.progress.bytes == Wire.frame("p"))
        #expect(MilterResponse.skip.bytes == Wire.frame("s"))
        #expect(MilterResponse.replyCode("550 5.7.1 no").bytes == Wire.frame("y", Wire.cstr("550 5.7.1 no")))
        #expect(
            MilterResponse.addHeader(name: "X-Emoguard-Verdict", value: "clean").bytes
                == Wire.frame("h", Wire.cstr("X-Emoguard-Verdict") + Wire.cstr("clean"))
        )
        #expect(
            MilterResponse.insertHeader(index: 0, name: "X-A", value: "1").bytes
                == Wire.frame("i", Wire.u32(0) + Wire.cstr("X-A") + Wire.cstr("1"))
        )
        #expect(
            MilterResponse.changeHeader(index: 1, name: "Subject", value: "[SPAM] x").bytes
                == Wire.frame("m", Wire.u32(1) + Wire.cstr("Subject") + Wire.cstr("[SPAM] x"))
        )
        #expect(MilterResponse.quarantine(reason: "emotet").bytes == Wire.frame("q", Wire.cstr("emotet")))
        // NUL inside a string cannot end it early.
        #expect(MilterResponse.quarantine(reason: "a\u{0}b").bytes == Wire.frame("q", Wire.cstr("ab")))

        let optneg = MilterResponse.optionNegotiation(
            version: 6,
            actions: [.addHeaders, .quarantine, .setMacroList],
            protocolFlags: [.noReplyHeader],
            macros: [.connect: ["{client_addr}"], .endOfMessage: ["{i}", "{auth_authen}"]]
        )
        #expect(
            optneg.bytes
                == Wire.frame(
                    "O",
                    Wire.u32(6) + Wire.u32(0x121) + Wire.u32(0x80) + Wire.u32(0) + Wire.cstr("{client_addr}")
                        + Wire.u32(5) + Wire.cstr("{i} {auth_authen}")
                )
        )
        // Without setMacroList the lists are not sent.
        let plain = MilterResponse.optionNegotiation(
            version: 6,
            actions: [.addHeaders],
            protocolFlags: [],
            macros: [.connect: ["j"]]
        )
        #expect(plain.bytes == Wire.frame("O", Wire.u32(6) + Wire.u32(1) + Wire.u32(0)))
    }

    @Test func checkedReplyCode() {
        #expect(
            MilterResponse.reply(code: 550, extendedCode: "5.7.1", text: "Emotet-style message")
                == .replyCode("550 5.7.1 Emotet-style message")
        )
        #expect(
            MilterResponse.reply(code: 451, extendedCode: "4.7.1", text: "100% busy")
                == .replyCode("451 4.7.1 100%% busy")
        )
        #expect(MilterResponse.reply(code: 250, text: "ok") == nil)
        #expect(MilterResponse.reply(code: 550, extendedCode: "4.7.1", text: "x") == nil)
        #expect(MilterResponse.reply(code: 550, extendedCode: "5.7", text: "x") == nil)
        #expect(MilterResponse.reply(code: 550, text: "a\r\nb") == nil)
    }

    /// Random bytes, and random mutations of a valid stream, never crash the decoder or the parser.
    @Test func seededRandomStreamsNeverCrash() {
        let valid =
            Wire.optneg() + Wire.macros("C", [("j", "mx")]) + Wire.connect("c.example")
            + Wire.helo("pc") + Wire.mail("<a@x>") + Wire.rcpt("<b@y>") + Wire.frame("T")
            + Wire.header("From", "a@x") + Wire.frame("N") + Wire.body("hi") + Wire.frame("E") + Wire.frame("Q")
        var rng = SplitMix64(seed: 0x5EED)
        for round in 0..<2000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if round % 4 == 0 { bytes = [0, 0, 0, UInt8.random(in: 1...40, using: &rng)] + bytes }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            var decoder = MilterFrameDecoder()
            decoder.feed(bytes)
            while true {
                guard let frame = try? decoder.next() else { break }
                _ = try? MilterCommand(parsing: frame)
            }
        }
    }
}
