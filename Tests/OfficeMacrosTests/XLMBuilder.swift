/// Builds small BIFF8 streams for tests, record by record ([MS-XLS]).
enum XLMBuilder {
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16((v >> 16) & 0xFFFF) }

    static func record(_ type: Int, _ data: [UInt8] = []) -> [UInt8] { le16(type) + le16(data.count) + data }

    static func bof(_ dt: Int) -> [UInt8] {
        record(0x0809, le16(0x0600) + le16(dt) + le16(0x0DBB) + le16(0x07CC) + le32(0x0001_00C1) + le32(0x206))
    }

    static let eof = record(0x000A)

    static func shortString(_ s: String) -> [UInt8] { [UInt8(s.utf8.count), 0] + Array(s.utf8) }

    static func boundSheet(offset: Int, state: Int, type: Int, name: String) -> [UInt8] {
        record(0x0085, le32(offset) + [UInt8(state), UInt8(type)] + shortString(name))
    }

    static func formula(row: Int, column: Int, _ rgce: [UInt8], declaredLength: Int? = nil) -> [UInt8] {
        record(
            0x0006,
            le16(row) + le16(column) + le16(0x0F) + [UInt8](repeating: 0, count: 8) + le16(0) + le32(0)
                + le16(declaredLength ?? rgce.count) + rgce
        )
    }

    static func name(builtIn code: UInt8? = nil, text: String = "", hidden: Bool = false, rgce: [UInt8]) -> [UInt8] {
        let raw: [UInt8] = code.map { [$0] } ?? Array(text.utf8)
        let grbit = (code != nil ? 0x20 : 0) | (hidden ? 1 : 0)
        return record(
            0x0018,
            le16(grbit) + [0, UInt8(raw.count)] + le16(rgce.count) + le16(0) + le16(0) + [0, 0, 0, 0, 0] + raw + rgce
        )
    }

    // Tokens.
    static func str(_ s: String) -> [UInt8] { [0x17] + shortString(s) }
    static func int(_ v: Int) -> [UInt8] { [0x1E] + le16(v) }
    static func funcVar(_ argc: Int, _ tab: Int, command: Bool = false) -> [UInt8] {
        [0x42, UInt8(argc)] + le16(tab | (command ? 0x8000 : 0))
    }
    static func fn(_ tab: Int) -> [UInt8] { [0x41] + le16(tab) }
    static func ref3d(ixti: Int, row: Int, column: Int) -> [UInt8] { [0x3A] + le16(ixti) + le16(row) + le16(column) }

    /// A workbook stream: globals (with a self SUPBOOK and one XTI per sheet, and `globals`), then one substream
    /// per sheet, each `(name, state, type, BOF dt, records)`.
    static func workbook(
        sheets: [(name: String, state: Int, type: Int, bof: Int, records: [UInt8])],
        globals: [UInt8] = []
    ) -> [UInt8] {
        var refs = record(0x01AE, le16(sheets.count) + le16(0x0401))
        var xti = le16(sheets.count)
        for i in sheets.indices { xti += le16(0) + le16(i) + le16(i) }
        refs += record(0x0017, xti)
        let head = bof(0x0005)
        let sheetRecords = sheets.map { boundSheet(offset: 0, state: $0.state, type: $0.type, name: $0.name) }
        var position = head.count + sheetRecords.reduce(0) { $0 + $1.count } + refs.count + globals.count + eof.count
        var out = head
        var bodies: [UInt8] = []
        for sheet in sheets {
            out += boundSheet(offset: position, state: sheet.state, type: sheet.type, name: sheet.name)
            let body = bof(sheet.bof) + sheet.records + eof
            bodies += body
            position += body.count
        }
        return out + refs + globals + eof + bodies
    }

    /// A very hidden macro sheet with `cells` formulas and an Auto_Open name.
    static func macroWorkbook(_ formulas: [[UInt8]], state: Int = 2) -> [UInt8] {
        var records: [UInt8] = []
        for (row, rgce) in formulas.enumerated() { records += formula(row: row, column: 0, rgce) }
        return workbook(
            sheets: [(name: "Macro1", state: state, type: 1, bof: 0x40, records: records)],
            globals: name(builtIn: 1, rgce: ref3d(ixti: 0, row: 0, column: 0))
        )
    }
}
