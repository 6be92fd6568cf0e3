import Foundation
import RTF
import TestSupport
import Testing

/// Every file of `Resources/golden` (the oletools corpus, the specimens, the malformed files) against what
/// rtfobj 0.60.2 finds: the same objects at the same offsets, the same decoded bytes, class names, native data,
/// and Packager file names, paths and payloads.
@Suite("rtfobj goldens")
struct GoldenTests {
    /// Files where the parsers part ways on purpose:
    /// - `nested-objdata.rtf`: rtfobj opens all 100,000 nested destinations; the limits stop at 1,024
    ///   (``LimitTests`` checks that).
    /// - `long-word.rtf`: rtfobj raises on a control word longer than 250 letters; here it is an anomaly.
    static let divergent: Set<String> = ["malformed-nested-objdata.rtf.json", "malformed-long-word.rtf.json"]

    static let names: [String] = Fixture.names(in: "golden")

    @Test func everyFileHasAGolden() {
        #expect(Self.names.count >= 23)
        #expect(Self.names.contains("corpus-issue_185.rtf.json"))
        #expect(Self.names.contains("corpus-RTF-Spec-1.7.rtf.json"))
    }

    @Test(arguments: Self.names.filter { !Self.divergent.contains($0) })
    func matchesRtfobj(_ name: String) throws {
        let golden = try Golden.load(name)
        let input = try golden.input()
        #expect(input.count == golden.size)
        let document = try RTFDocument(parsing: input)
        let expected = try #require(golden.objects, "\(name): rtfobj failed with \(golden.error ?? "?")")
        try #require(document.objects.count == expected.count, "\(name): \(document.objects.count) objects")
        for (object, want) in zip(document.objects, expected) {
            #expect(object.offset == want.start, "\(name)")
            #expect(object.rawData.count == want.rawSize, "\(name)")
            #expect(HexDigest.md5(object.rawData) == want.rawMD5, "\(name)")
            if want.isOLE {
                let ole1 = try #require(object.ole1, "\(name): rtfobj parses an OLE 1.0 object at \(want.start)")
                #expect(ole1.className == want.className)
                #expect(object.className == want.className)
                #expect(Int(ole1.formatID) == want.formatID)
                #expect(Int(ole1.declaredNativeSize) == want.oleDataSize)
                #expect(HexDigest.md5(ole1.nativeData) == want.oleDataMD5)
                #expect(!ole1.isTruncated)
            } else {
                // rtfobj rejects an object whose native data is cut short; here it parses, marked truncated.
                #expect(object.ole1 == nil || object.ole1?.isTruncated == true, "\(name)")
            }
            if !want.isOLE {
                continue
            }
            if let filename = want.filename {
                let package = try #require(object.package, "\(name): a Package at \(want.start)")
                #expect(package.label == filename)
                #expect(package.sourcePath == want.srcPath)
                #expect(package.tempPath == want.tempPath)
                #expect(package.payload.count == want.packageSize)
                #expect(HexDigest.md5(package.payload) == want.packageMD5)
            } else {
                #expect(object.package == nil, "\(name)")
            }
        }
    }
}
