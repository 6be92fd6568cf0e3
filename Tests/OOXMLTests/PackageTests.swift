import Foundation
import OOXML
import Testing

@Suite("OPC package description")
struct PackageTests {
    @Test func goldensLoaded() {
        #expect(Fixture.packageNames.count == 44)
    }

    @Test(arguments: Fixture.packageNames)
    func externalRelationshipsMatchOleobj(name: String) throws {
        let info = try Fixture.package(name).info()
        let golden = try #require(Fixture.goldens.packages[name])
        // oleobj reports oleObject, attachedTemplate and the like; every one must be among ours.
        let ours = Set(info.externalRelationships.map { [String($0.typeName), $0.target] })
        for pair in golden.oleobjExternal {
            #expect(ours.contains(pair), "\(name): \(pair) missing from \(ours)")
        }
        #expect(info.problems.isEmpty, "\(info.problems)")
    }

    @Test(arguments: Fixture.packageNames)
    func embeddedAndVBAPartsAreTheOLEParts(name: String) throws {
        let info = try Fixture.package(name).info()
        let golden = try #require(Fixture.goldens.packages[name])
        // Every part holding an OLE file (what oleobj opens) is an embedded object or a VBA project.
        #expect(Set(info.embeddedObjectParts + info.vbaProjectParts) == Set(golden.olePartNames), "\(name)")
    }

    @Test func documentKindsAndMacros() throws {
        let cases: [(String, String, Bool)] = [
            ("msodde__dde-test.docx", "word", false),
            ("msodde__dde-test.docm", "word", true),
            ("msodde__dde-test.xlsx", "excel", false),
            // The .xlsb main content type always says "macroEnabled" (sheet.binary.macroEnabled.main).
            ("msodde__dde-test.xlsb", "excel", true),
            ("oleform__oleform-PR314.docm", "word", true),
            ("excel4-macros__excel4_sample_macro.xlsm", "excel", true),
            ("excel4-macros__excel4_sample_macro.xlsb", "excel", true),
            ("oleobj__embedded-simple-2007.pptx", "powerpoint", false),
            ("oleobj__embedded-simple-2007.ppsm", "powerpoint", true),
            ("oleobj__embedded-simple-2007.potx", "powerpoint", false),
            ("oleobj__embedded-simple-2007.dotm", "word", true),
            ("oleobj__embedded-simple-2007.xlam", "excel", true),
            ("specimen-template-injection.docx", "word", false),
        ]
        for (name, kind, macro) in cases {
            let info = try Fixture.package(name).info()
            #expect(info.documentKind == kind, "\(name)")
            #expect(info.isMacroEnabled == macro, "\(name): \(info.mainContentType ?? "-")")
        }
    }

    @Test func partsWithActiveContent() throws {
        let vba = try Fixture.package("oleform__oleform-PR314.docm").info()
        #expect(vba.vbaProjectParts == ["word/vbaProject.bin"])
        #expect(vba.mainPart == "word/document.xml")
        #expect(vba.contentTypes["word/vbaProject.bin"] == "application/vnd.ms-office.vbaProject")
        let xlm = try Fixture.package("excel4-macros__excel4_sample_macro.xlsm").info()
        #expect(xlm.macroSheetParts == ["xl/macrosheets/sheet1.xml"])
        #expect(xlm.vbaProjectParts.isEmpty)
        let xlmb = try Fixture.package("excel4-macros__excel4_sample_macro.xlsb").info()
        #expect(xlmb.macroSheetParts.contains("xl/macrosheets/sheet1.bin"))
        let embedded = try Fixture.package("oleobj__embedded-simple-2007.docx").info()
        #expect(embedded.embeddedObjectParts == ["word/embeddings/oleObject1.bin"])
        #expect(embedded.relationships(ofType: "oleObject").first?.targetPart == "word/embeddings/oleObject1.bin")
    }

    @Test func remoteTemplateInjection() throws {
        let info = try Fixture.package("specimen-template-injection.docx").info()
        let template = try #require(info.relationships(ofType: "attachedTemplate").first)
        #expect(template.isExternal)
        #expect(template.target == "https://templates.example.invalid/t.dotm")
        #expect(template.sourcePart == "word/settings.xml")
        #expect(template.targetPart == nil)
        #expect(info.externalRelationships == [template])
    }

    @Test func externalLinkTargets() throws {
        let info = try Fixture.package("oleobj__external_link__sample_with_external_link_to_doc.xlsx").info()
        let link = try #require(info.externalRelationships.first)
        #expect(link.sourcePart == "xl/externalLinks/externalLink1.xml")
        #expect(link.typeName == "oleObject")
        #expect(link.target.hasSuffix("oleobj/embedded-simple-2007.doc"))
    }

    @Test func contentTypesAndResolution() throws {
        let types = Array(
            """
            <?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
            <Default Extension="XML" ContentType="application/xml"/>
            <Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>
            <Override PartName="/Word/Document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>
            </Types>
            """.utf8)
        let rels = Array(
            """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document.xml"/>
            </Relationships>
            """.utf8)
        let documentRels = Array(
            """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Type="t/image" Target="../media/./a.png"/>
            <Relationship Id="rId2" Type="t/x" Target="../../escape.bin"/>
            <Relationship Id="rId3" Type="t/frame" Target="\\\\server\\share\\x.docx" TargetMode="external"/>
            </Relationships>
            """.utf8)
        let info = try OOXMLPackageInfo(
            partNames: ["word/document.xml", "word/x.bin", "media/a.png", "[Content_Types].xml"],
            contentTypesXML: types,
            relationships: [("_rels/.rels", rels), ("word/_rels/document.xml.rels", documentRels)])
        #expect(info.contentTypes["word/document.xml"] == "application/vnd.ms-word.document.macroEnabled.main+xml")
        #expect(info.contentTypes["word/x.bin"] == "application/vnd.ms-office.vbaProject")
        #expect(info.contentTypes["media/a.png"] == nil)
        #expect(info.documentKind == "word")
        #expect(info.isMacroEnabled)
        #expect(info.vbaProjectParts == ["word/x.bin"])
        #expect(info.relationships.map(\.targetPart) == ["word/document.xml", "media/a.png", nil, nil])
        #expect(info.externalRelationships.map(\.target) == ["\\\\server\\share\\x.docx"])
    }

    @Test func malformedPartsAreProblemsOrErrors() throws {
        #expect(throws: OOXMLError.truncatedXML) {
            try OOXMLPackageInfo(partNames: [], contentTypesXML: Array("<Types>".utf8), relationships: [])
        }
        let info = try OOXMLPackageInfo(
            partNames: ["word/document.xml"], contentTypesXML: nil,
            relationships: [
                ("_rels/.rels", Array("<Relationships><Relationship Target='x'".utf8)),
                ("word/_rels/document.xml.rels", Array("<Relationships/>".utf8)),
                ("not-a-rels-part.xml", Array("<x/>".utf8)),
            ])
        #expect(info.problems.map(\.part) == ["_rels/.rels"])
        #expect(info.documentKind == "word")
        #expect(info.contentTypes.isEmpty)
        let empty = try OOXMLPackageInfo(partNames: [], contentTypesXML: nil, relationships: [])
        #expect(empty.documentKind == "unknown")
    }

    @Test func maxContentTypeEntries() throws {
        let types = "<Types>" + (0..<10).map { "<Default Extension='e\($0)' ContentType='t/\($0)'/>" }.joined()
            + "</Types>"
        var limits = OPCLimits.default
        limits.maxContentTypeEntries.maximum = 3
        let info = try OOXMLPackageInfo(
            partNames: ["a.e1", "a.e2", "a.e5"], contentTypesXML: Array(types.utf8), relationships: [], limits: limits)
        #expect(info.contentTypes == ["a.e1": "t/1", "a.e2": "t/2"])
        #expect(info.problems.first?.error.code == .limitExceeded)
        #expect(info.problems.first?.error.reason.contains("opc.maxContentTypeEntries") == true)
    }

    @Test func maxRelationships() throws {
        let many = "<Relationships>"
            + (0..<10).map { "<Relationship Id='r\($0)' Type='t/x' Target='x\($0).xml'/>" }.joined()
            + "</Relationships>"
        var limits = OPCLimits.default
        limits.maxRelationships.maximum = 4
        let info = try OOXMLPackageInfo(
            partNames: [], contentTypesXML: nil, relationships: [("word/_rels/document.xml.rels", Array(many.utf8))],
            limits: limits)
        #expect(info.relationships.count == 4)
        #expect(info.problems.first?.error.code == .limitExceeded)
    }
}
