import Foundation
import OfficeMacros

/// Resources under `Resources/xlm/`, written by `scripts/make-xlm-fixtures.py`: the streams and parts of the
/// oletools corpus's Excel 4.0 samples (`oletools/`) and benign synthetic specimens (`synthetic/`).
enum XLMFixture {
    static var root: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "xlm", withExtension: nil, subdirectory: "Resources")
            else { throw CocoaError(.fileNoSuchFile) }
            return url
        }
    }

    /// The bytes of `Resources/xlm/<path>`.
    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: try root.appendingPathComponent(path)))
    }

    /// The oletools corpus, vendored in the repository: `Tests/Corpus/oletools` (BSD-2, licence beside it).
    static let corpus: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus/oletools")

    /// An `.xlsb` folder (`<dir>/xl/...`) through ``XLMExtractor/fromBIFF12(workbookBin:sheets:workbookRelationships:limits:)``.
    static func xlsb(_ dir: String, relationships: Bool = true, limits: XLMLimits = .default) throws -> XLMWorkbook {
        let sheets = try parts(dir, folders: ["xl/macrosheets", "xl/worksheets"], ext: "bin")
        return XLMExtractor.fromBIFF12(
            workbookBin: try bytes("\(dir)/xl/workbook.bin"),
            sheets: sheets,
            workbookRelationships: relationships ? try bytes("\(dir)/xl/_rels/workbook.bin.rels") : nil,
            sharedStrings: try? bytes("\(dir)/xl/sharedStrings.bin"),
            limits: limits
        )
    }

    /// An `.xlsm`/`.xltm` folder through ``XLMExtractor/fromOOXML(workbookXML:macroSheets:workbookRelationships:limits:)``.
    static func xlsm(_ dir: String, relationships: Bool = true, limits: XLMLimits = .default) throws -> XLMWorkbook {
        let sheets = try parts(dir, folders: ["xl/macrosheets"], ext: "xml")
        return XLMExtractor.fromOOXML(
            workbookXML: try bytes("\(dir)/xl/workbook.xml"),
            macroSheets: sheets,
            workbookRelationships: relationships ? try bytes("\(dir)/xl/_rels/workbook.xml.rels") : nil,
            sharedStrings: try? bytes("\(dir)/xl/sharedStrings.xml"),
            limits: limits
        )
    }

    static func parts(
        _ dir: String,
        folders: [String],
        ext: String
    ) throws -> [(
        path: String, name: String?, bytes: [UInt8]
    )] {
        var out: [(path: String, name: String?, bytes: [UInt8])] = []
        for folder in folders {
            let url = try root.appendingPathComponent("\(dir)/\(folder)")
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { continue }
            for file in files.sorted() where file.hasSuffix("." + ext) {
                out.append(("\(folder)/\(file)", nil, try bytes("\(dir)/\(folder)/\(file)")))
            }
        }
        return out
    }
}
