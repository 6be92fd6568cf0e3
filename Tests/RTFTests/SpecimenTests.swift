import Foundation
import RTF
import Testing

/// The benign specimens of `scripts/make-rtf-fixtures.py`, field by field.
@Suite("RTF specimens")
struct SpecimenTests {
    static let vbs = Array("MsgBox \"This is a benign test file for Emoguard\"\r\n".utf8)

    @Test func packageObject() throws {
        let document = try Fixture.document("specimens/package-vbs.rtf")
        #expect(document.anomalies.isEmpty, "\(document.anomalies)")
        let object = try #require(document.objects.first)
        #expect(document.objects.count == 1)
        #expect(object.className == "Package")
        #expect(object.objClass == "Package")
        #expect(object.objectType == "objemb")
        #expect(object.inObjectGroup)
        #expect(!object.autoUpdate)
        #expect(!object.truncated)
        let package = try #require(object.package)
        #expect(package.label == "invoice.vbs")
        #expect(package.displayLabel == "invoice.vbs")
        #expect(package.sourcePath == #"C:\Users\user\Desktop\invoice.vbs"#)
        #expect(package.tempPath == #"C:\Users\user\AppData\Local\Temp\invoice.vbs"#)
        #expect(Array(package.payload) == Self.vbs)
        #expect(!package.isTruncated)
    }

    @Test func obfuscatedPackageDecodesToTheSameObject() throws {
        let plain = try #require(try Fixture.document("specimens/package-vbs.rtf").objects.first)
        let document = try Fixture.document("specimens/package-obfuscated.rtf")
        let object = try #require(document.objects.first)
        #expect(object.rawData == plain.rawData)
        #expect(object.package?.label == "invoice.vbs")
        #expect(object.package.map { Array($0.payload) } == Self.vbs)
        for code in ["objdata-control-words", "objdata-binary", "objdata-escape-quirk"] {
            #expect(document.anomalyCodes.contains(code), "\(code) in \(document.anomalies)")
        }
    }

    @Test func equationWithAutoUpdate() throws {
        let document = try Fixture.document("specimens/equation-autoupdate.rtf")
        let object = try #require(document.objects.first)
        #expect(object.className == "Equation.3")
        #expect(object.autoUpdate)
        #expect(object.package == nil)
        #expect(object.ole1?.nativeDataIsCompoundFile == false)
    }

    @Test func ole2LinkURL() throws {
        let document = try Fixture.document("specimens/ole2link.rtf")
        let object = try #require(document.objects.first)
        #expect(object.className == "OLE2Link")
        #expect(object.objClass == "Word.Document.8")
        #expect(object.objectType == "objautlink")
        #expect(object.autoUpdate)
        #expect(document.urls == ["http://example.invalid/payload.hta"])
    }

    @Test func ddeField() throws {
        let document = try Fixture.document("specimens/dde.rtf")
        #expect(document.objects.isEmpty)
        let field = try #require(document.fieldInstructions.first)
        #expect(document.fieldInstructions.count == 1)
        #expect(field.keyword == "DDEAUTO")
        #expect(field.isDDE)
        #expect(field.instruction == #"DDEAUTO c:\windows\system32\cmd.exe "/k echo benign""#)
    }

    @Test func includeAndHyperlinkFields() throws {
        let document = try Fixture.document("specimens/fields.rtf")
        #expect(document.fieldInstructions.map(\.keyword) == ["HYPERLINK", "INCLUDEPICTURE", "INCLUDETEXT"])
        #expect(document.fieldInstructions[0].instruction == #"HYPERLINK \l "top"  "http://example.invalid/invoice""#)
        #expect(document.fieldInstructions[1].isInclude)
        #expect(
            document.urls == [
                "http://example.invalid/invoice", "http://example.invalid/pixel.png",
                "file://example.invalid/share/a.docx",
            ])
    }

    @Test func remoteTemplate() throws {
        let document = try Fixture.document("specimens/template.rtf")
        #expect(document.templates == ["http://example.invalid/remote.dotm"])
        #expect(document.urls == ["http://example.invalid/remote.dotm"])
    }

    @Test func cleanDocument() throws {
        let document = try Fixture.document("specimens/clean.rtf")
        #expect(document.objects.isEmpty)
        #expect(document.fieldInstructions.isEmpty)
        #expect(document.urls.isEmpty)
        #expect(document.anomalies.isEmpty, "\(document.anomalies)")
    }

    @Test func twoObjectsInOrder() throws {
        let document = try Fixture.document("specimens/two-objects.rtf")
        #expect(document.objects.map(\.className) == ["Package", "Equation.3"])
        #expect(document.objects[0].offset < document.objects[1].offset)
    }

    /// The RTF 1.7 specification as RTF (2 MB of real Word output): no objects, and fast.
    @Test func specificationParsesQuickly() throws {
        let bytes = try Fixture.corpusBytes("msodde/RTF-Spec-1.7.rtf")
        let clock = ContinuousClock()
        var document: RTFDocument? = nil
        let elapsed = try clock.measure { document = try RTFDocument(parsing: bytes) }
        let parsed = try #require(document)
        #expect(parsed.objects.isEmpty)
        #expect(!parsed.anomalyCodes.contains("unclosed-groups"))
        #expect(parsed.maxGroupDepth > 3)
        // A generous bound for debug builds on a shared machine; release takes a few milliseconds.
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }

    @Test func corpusIssue185() throws {
        let document = try Fixture.document("corpus/issue_185.rtf")
        #expect(document.objects.count == 1)
    }
}
