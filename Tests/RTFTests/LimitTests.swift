import ByteCursor
import Foundation
import RTF
import Testing

/// Each limit, exceeded.
@Suite("RTF limits")
struct LimitTests {
    @Test func destinationDepth() throws {
        let document = try Fixture.document("malformed/nested-objdata.rtf")
        #expect(document.objects.count <= RTFLimits.default.maxDestinationDepth.maximum)
        #expect(document.anomalyCodes.contains("depth-limit"))
    }

    @Test func objectBytes() throws {
        var limits = RTFLimits.default
        limits.maxObjectBytes = Limit("rtf.maxObjectBytes", 100)
        let document = try Fixture.document("specimens/package-vbs.rtf", limits: limits)
        let object = try #require(document.objects.first)
        #expect(object.rawData.count == 100)
        #expect(object.truncated)
        #expect(document.anomalyCodes.contains("limit-exceeded"))
    }

    @Test func totalObjectBytes() throws {
        var limits = RTFLimits.default
        limits.maxTotalObjectBytes = Limit("rtf.maxTotalObjectBytes", 400)
        let document = try Fixture.document("specimens/two-objects.rtf", limits: limits)
        #expect(document.objects.count == 2)
        #expect(document.objects.reduce(0) { $0 + $1.rawData.count } <= 400)
        #expect(document.objects[1].truncated)
    }

    @Test func objects() throws {
        var limits = RTFLimits.default
        limits.maxObjects = Limit("rtf.maxObjects", 1)
        let document = try Fixture.document("specimens/two-objects.rtf", limits: limits)
        #expect(document.objects.count == 1)
        #expect(document.anomalyCodes.contains("limit-exceeded"))
    }

    @Test func fields() throws {
        var limits = RTFLimits.default
        limits.maxFields = Limit("rtf.maxFields", 2)
        let document = try Fixture.document("specimens/fields.rtf", limits: limits)
        #expect(document.fieldInstructions.count == 2)
        #expect(document.anomalyCodes.contains("limit-exceeded"))
    }

    @Test func textBytes() throws {
        var limits = RTFLimits.default
        limits.maxTextBytes = Limit("rtf.maxTextBytes", 10)
        let document = try Fixture.document("specimens/dde.rtf", limits: limits)
        let field = try #require(document.fieldInstructions.first)
        #expect(field.instruction.utf8.count <= 10)
        #expect(field.truncated)
    }

    @Test func anomalies() throws {
        var limits = RTFLimits.default
        limits.maxAnomalies = Limit("rtf.maxAnomalies", 3)
        let input = Array(("{\\rtf1 x}" + String(repeating: "}", count: 50)).utf8)
        let document = try RTFDocument(parsing: input, limits: limits)
        #expect(document.anomalyCodes.filter { $0 == "extra-close-brace" }.count == 3)
        #expect(document.anomalyCodes.contains("too-many-anomalies"))
    }

    /// A large object: 8 MB of hex decodes to 4 MB in one pass.
    @Test func largeHexObject() throws {
        var input = Array("{\\rtf1{\\object{\\*\\objdata ".utf8)
        input.reserveCapacity(8 << 20 + 64)
        let hex = Array("0123456789abcdef".utf8)
        for i in 0..<(8 << 20) { input.append(hex[i & 15]) }
        input += Array("}}}".utf8)
        let document = try RTFDocument(parsing: input)
        #expect(document.objects.first?.rawData.count == 4 << 20)
    }
}
