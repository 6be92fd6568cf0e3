import ByteCursor
import Milter
import MilterServer
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

/// The frame decoder on channels: every command drip-fed and batched by swift-nio's verifier, and malformed
/// frames (oversized, empty, truncated) on an EmbeddedChannel.
@Suite struct FrameCodecTests {
    /// One of every command the MTA sends, as frames.
    static let commands: [MilterCommand] = [
        .optionNegotiation(version: 6, actions: MilterActions(rawValue: 0x1FF), protocolFlags: MilterProtocolFlags(rawValue: 0x1F_FFFF)),
        .macros(stage: MilterCommandCode.connect, [MilterMacro(name: "{client_addr}", value: "192.0.2.1"), MilterMacro(name: "j", value: "mx")]),
        .connect(hostname: "client.example.invalid", family: .inet, port: 25, address: "192.0.2.1"),
        .connect(hostname: "local", family: .local, port: 0, address: "/var/run/socket"),
        .connect(hostname: "unknown", family: .unknown, port: nil, address: nil),
        .helo("client.example.invalid"),
        .mail(["<a@example.invalid>", "SIZE=100", "BODY=8BITMIME"]),
        .recipient(["<b@example.invalid>"]),
        .data,
        .header(name: "Subject", value: Array("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=".utf8)),
        .header(name: "X-8bit", value: [0xE3, 0x81, 0x82]),
        .endOfHeaders,
        .body(Array(repeating: 0x41, count: 65_535)),
        .body([]),
        .endOfBody([]),
        .abort,
        .unknown("XFOO bar"),
        .quitNewConnection,
        .quit,
    ]

    @Test func verifierDripFedAndBatched() throws {
        let pairs = Self.commands.map { command -> (ByteBuffer, [MilterFrame]) in
            (ByteBuffer(bytes: command.bytes), [command.frame])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { MilterFrameByteDecoder() }
    }

    @Test func everyFrameParsesBackToItsCommand() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MilterFrameByteDecoder()))
        var all: [UInt8] = []
        for command in Self.commands { all += command.bytes }
        try channel.writeInbound(ByteBuffer(bytes: all))
        var decoded: [MilterCommand] = []
        while let frame = try channel.readInbound(as: MilterFrame.self) { decoded.append(try MilterCommand(parsing: frame)) }
        #expect(decoded == Self.commands.map { command in
            // An unknown-family connect carries no port or address on the wire.
            if case .connect(let h, .unknown, _, _) = command { return .connect(hostname: h, family: .unknown, port: nil, address: nil) }
            return command
        })
        #expect(try channel.finish().isClean)
    }

    @Test func oversizedLengthIsRefusedBeforeBuffering() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MilterFrameByteDecoder()))
        // 16 MiB declared, only the length and one byte sent: the error comes at once.
        #expect {
            try channel.writeInbound(ByteBuffer(bytes: [0x01, 0x00, 0x00, 0x00, UInt8(ascii: "B")]))
        } throws: { ($0 as? MilterError)?.code == .frameTooLarge }
        _ = try? channel.finish()
    }

    @Test func frameAtTheLimitIsAcceptedAndOneAboveIsNot() throws {
        let limit = Limit("milter.maxFrameBytes", 100)
        var ok = MilterFrameByteDecoder(maxFrameBytes: limit)
        var buffer = ByteBuffer(bytes: MilterFrame(command: UInt8(ascii: "B"), data: Array(repeating: 1, count: 99)).bytes)
        #expect(try ok.decode(buffer: &buffer)?.data.count == 99)
        var over = MilterFrameByteDecoder(maxFrameBytes: limit)
        var big = ByteBuffer(bytes: MilterFrame(command: UInt8(ascii: "B"), data: Array(repeating: 1, count: 100)).bytes)
        #expect { try over.decode(buffer: &big) } throws: { ($0 as? MilterError)?.code == .frameTooLarge }
    }

    @Test func zeroLengthIsRefused() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MilterFrameByteDecoder()))
        #expect {
            try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0]))
        } throws: { ($0 as? MilterError)?.code == .emptyFrame }
        _ = try? channel.finish()
    }

    @Test func truncatedFrameIsLeftOverAtTheEnd() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MilterFrameByteDecoder()))
        let bytes = MilterCommand.helo("client.example.invalid").bytes
        try channel.writeInbound(ByteBuffer(bytes: bytes.dropLast(3)))
        #expect(try channel.readInbound(as: MilterFrame.self) == nil)
        #expect {
            _ = try channel.finish()
            try channel.throwIfErrorCaught()
        } throws: { ($0 as? MilterError)?.code == .truncatedFrame }
    }

    @Test func everyPrefixOfAFrameWaitsForMore() throws {
        for command in Self.commands {
            let bytes = command.bytes
            for cut in 0..<bytes.count {
                var decoder = MilterFrameByteDecoder()
                var buffer = ByteBuffer(bytes: bytes[..<cut])
                #expect(try decoder.decode(buffer: &buffer) == nil)
                #expect(buffer.readableBytes == cut, "a partial read must leave the buffer as it was")
            }
        }
    }

    @Test func responsesAreEncodedAsFrames() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(MilterResponseEncoder()))
        let responses: [MilterResponse] = [
            .continue, .accept, .reject, .tempfail, .discard, .progress, .skip,
            .addHeader(name: "X-Emoguard-Verdict", value: "clean"), .quarantine(reason: "emoguard"),
            .changeHeader(index: 1, name: "Subject", value: "[SUSPICIOUS] hi"),
        ]
        for response in responses { try channel.writeOutbound(response) }
        for response in responses {
            let buffer = try #require(try channel.readOutbound(as: ByteBuffer.self))
            #expect(Array(buffer.readableBytesView) == response.bytes)
        }
        #expect(try channel.finish().isClean)
    }
}
