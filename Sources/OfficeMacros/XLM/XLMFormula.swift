import ByteCursor

/// The token layout of a parsed formula (rgce), which changed between BIFF generations.
enum XLMDialect: Sendable {
    /// Excel 5/95: 16-bit rows carrying the relative flags, 8-bit columns, 8-bit strings, long 3-D tokens.
    case biff5
    /// Excel 97-2003 ([MS-XLS]): 16-bit rows, 16-bit columns carrying the relative flags.
    case biff8
    /// Excel 2007+ binary workbooks ([MS-XLSB]): 32-bit rows, 16-bit columns, UTF-16 strings with 16-bit counts.
    case biff12
}

/// What a formula's references and names resolve against.
struct XLMFormulaContext: Sendable {
    var dialect: XLMDialect
    /// The 0-based row and column of the cell the formula belongs to, for `PtgRefN`/`PtgAreaN`; nil in names.
    var cell: (row: Int, column: Int)?
    /// The reference prefix (`Macro1`, `'My sheet'`, `[1]Sheet1`) of each XTI (BIFF8/BIFF12) or, for BIFF5, of
    /// each `EXTERNSHEET` record (1-based `ixals`, stored 0-based here).
    var sheetPrefixes: [String] = []
    /// BIFF5: the sheet names by 0-based sheet index (`itabFirst`).
    var sheetNames: [String] = []
    /// Defined names by 0-based index (`PtgName` indices are 1-based).
    var names: [String] = []
    /// External names (`EXTERNNAME`) by XTI (BIFF8/BIFF12) or `EXTERNSHEET` record (BIFF5), 0-based.
    var externNames: [[String]] = []

    init(dialect: XLMDialect) { self.dialect = dialect }
}

/// Decodes a parsed formula (rgce, the reverse-Polish token stream Excel stores) into readable formula text.
///
/// ```
///  rgce:  [ptg][operands] [ptg][operands] ...        e.g.  17 05 00 "calc." 42 01 6E 00
///         PtgStr "calc."  PtgFuncVar(cparams=1, tab=110 EXEC)   ->   EXEC("calc.")
///  ptg:   0x01-0x1F operators and constants; 0x20-0x7F operands and calls whose bits 5-6 give the value class
///         (reference 0x20, value 0x40, array 0x60), masked away here.
/// ```
///
/// Tokens build a small expression tree on an operand stack (one node per token, so the work is linear); the tree
/// is then written out once, with at most ``XLMLimits/maxFormulaTextBytes`` bytes. A token that cannot be decoded
/// (unknown, truncated, an operand missing) is reported through `anomalies`, and the text decoded so far is kept,
/// followed by `<...>` saying what was left.
struct XLMFormulaDecoder {
    let context: XLMFormulaContext
    let limits: XLMLimits

    private enum Node {
        case leaf(String)
        case binary(String, Int, Int)
        case prefix(String, Int)
        case postfix(String, Int)
        case paren(Int)
        case call(String, [Int])
        case userCall(Int, [Int])
    }

    private var nodes: [Node] = []
    private var stack: [Int] = []

    init(context: XLMFormulaContext, limits: XLMLimits) {
        self.context = context
        self.limits = limits
    }

    /// The formula text of `rgce` (without a leading `=`), and whether it decoded cleanly.
    static func decode(
        _ rgce: ArraySlice<UInt8>,
        context: XLMFormulaContext,
        limits: XLMLimits,
        anomalies: inout XLMAnomalies,
        where location: String
    ) -> String {
        guard limits.maxFormulaBytes.allows(rgce.count) else {
            anomalies.limitExceeded(limits.maxFormulaBytes, "a formula of \(rgce.count) bytes in \(location)")
            return "<formula of \(rgce.count) bytes not decoded>"
        }
        if rgce.isEmpty { return "" }  // a name without a definition (a function or command macro name)
        var decoder = XLMFormulaDecoder(context: context, limits: limits)
        var problem: String?
        do {
            try decoder.run(rgce)
        } catch let error as DecodeProblem {
            problem = error.detail
        } catch {
            problem = "truncated token (\(error))"
        }
        if problem == nil, decoder.stack.count != 1 {
            problem =
                decoder.stack.isEmpty ? "no value left" : "\(decoder.stack.count) values left on the operand stack"
        }
        var text = decoder.render()
        if let problem {
            anomalies.add(.corruptFormula, "\(location): \(problem)")
            text += text.isEmpty ? "<\(problem)>" : " <\(problem)>"
        }
        return text
    }

    struct DecodeProblem: Error {
        var detail: String
    }

    // MARK: - Tokens

    private mutating func push(_ node: Node) throws {
        guard limits.maxFormulaDepth.allows(stack.count + 1) else {
            throw DecodeProblem(
                detail: "\(limits.maxFormulaDepth.name): operand stack deeper than "
                    + "\(limits.maxFormulaDepth.maximum)"
            )
        }
        nodes.append(node)
        stack.append(nodes.count - 1)
    }

    private mutating func pop(_ what: String) throws -> Int {
        guard let top = stack.popLast() else { throw DecodeProblem(detail: "operand missing for \(what)") }
        return top
    }

    private mutating func popArguments(_ count: Int, for name: String) throws -> [Int] {
        guard count <= stack.count else {
            throw DecodeProblem(detail: "\(name) takes \(count) arguments, \(stack.count) on the stack")
        }
        let args = Array(stack.suffix(count))
        stack.removeLast(count)
        return args
    }

    private static let binaryOperators: [UInt8: String] = [
        0x03: "+", 0x04: "-", 0x05: "*", 0x06: "/", 0x07: "^", 0x08: "&", 0x09: "<", 0x0A: "<=", 0x0B: "=",
        0x0C: ">=", 0x0D: ">", 0x0E: "<>", 0x0F: " ", 0x10: ",", 0x11: ":",
    ]

    private mutating func run(_ rgce: ArraySlice<UInt8>) throws {
        var c = ByteCursor(rgce)
        let dialect = context.dialect
        while !c.isAtEnd {
            let ptg = try c.readUInt8()
            if ptg < 0x20 {
                switch ptg {
                case 0x01, 0x02:  // PtgExp, PtgTbl: a shared or table formula anchored at a cell
                    let row: Int
                    let col: Int
                    if dialect == .biff12 {
                        row = Int(try c.readUInt32LE())
                        col = 0
                    } else {
                        row = Int(try c.readUInt16LE())
                        col = Int(try c.readUInt16LE())
                    }
                    let kind = ptg == 0x01 ? "shared formula" : "table"
                    try push(.leaf("<\(kind) at \(XLMReference.absoluteA1(row: row + 1, column: col + 1))>"))
                case 0x03...0x11:
                    guard stack.count >= 2 else { throw DecodeProblem(detail: "operand missing for an operator") }
                    let rhs = try pop("an operator")
                    let lhs = try pop("an operator")
                    nodes.append(.binary(Self.binaryOperators[ptg] ?? "?", lhs, rhs))
                    stack.append(nodes.count - 1)
                case 0x12, 0x13:
                    let operand = try pop("a sign")
                    nodes.append(.prefix(ptg == 0x12 ? "+" : "-", operand))
                    stack.append(nodes.count - 1)
                case 0x14:
                    let operand = try pop("%")
                    nodes.append(.postfix("%", operand))
                    stack.append(nodes.count - 1)
                case 0x15:
                    let operand = try pop("parentheses")
                    nodes.append(.paren(operand))
                    stack.append(nodes.count - 1)
                case 0x16:
                    try push(.leaf(""))
                case 0x17:  // PtgStr
                    try push(.leaf(XLMText.quoted(try readString(&c))))
                case 0x19:  // PtgAttr
                    try attribute(&c)
                case 0x1C:
                    try push(.leaf(XLMText.errorText(try c.readUInt8())))
                case 0x1D:
                    try push(.leaf(try c.readUInt8() != 0 ? "TRUE" : "FALSE"))
                case 0x1E:
                    try push(.leaf(String(try c.readUInt16LE())))
                case 0x1F:
                    try push(.leaf(XLMText.number(Double(bitPattern: try c.readUInt64LE()))))
                default:
                    throw DecodeProblem(detail: "unsupported token 0x\(XLMText.hexByte(ptg)) at byte \(c.offset - 1)")
                }
                continue
            }
            let base = 0x20 | (ptg & 0x1F)
            switch base {
            case 0x20:  // PtgArray: the values follow the formula (rgcb)
                try c.skip(dialect == .biff12 ? 14 : 7)
                try push(.leaf("{…}"))
            case 0x21:  // PtgFunc
                let index = Int(try c.readUInt16LE())
                let name = XLMFunctionTable.name(index, command: false)
                guard let arity = XLMFunctionTable.fixedArity(index) else {
                    throw DecodeProblem(detail: "fixed-argument call of \(name), whose arity is unknown")
                }
                try call(index: index, command: false, name: name, argc: arity)
            case 0x22:  // PtgFuncVar
                let cparams = try c.readUInt8()
                let tab = try c.readUInt16LE()
                let command = tab & 0x8000 != 0
                let index = Int(tab & 0x7FFF)
                var name = XLMFunctionTable.name(index, command: command)
                if cparams & 0x80 != 0, dialect != .biff12 { name += "?" }
                let argc = Int(dialect == .biff12 ? cparams : cparams & 0x7F)
                try call(index: index, command: command, name: name, argc: argc)
            case 0x23:  // PtgName
                let index: Int
                switch dialect {
                case .biff5:
                    index = Int(try c.readUInt16LE())
                    try c.skip(12)
                case .biff8, .biff12:
                    index = Int(try c.readUInt32LE())
                }
                try push(.leaf(name(index)))
            case 0x24, 0x2A:  // PtgRef, PtgRefErr
                let ref = try readCell(&c)
                try push(.leaf(base == 0x2A ? "#REF!" : ref.text(relativeTo: nil)))
            case 0x25, 0x2B:  // PtgArea, PtgAreaErr
                let area = try readArea(&c)
                try push(.leaf(base == 0x2B ? "#REF!" : area))
            case 0x26, 0x27, 0x28:  // PtgMemArea, PtgMemErr, PtgMemNoMem: the reference tokens follow
                try c.skip(6)
            case 0x29:  // PtgMemFunc
                try c.skip(2)
            case 0x2C:  // PtgRefN
                let ref = try readCell(&c)
                try push(.leaf(ref.text(relativeTo: context.cell, offsets: true, dialect: dialect)))
            case 0x2D:  // PtgAreaN
                let first = try readCellPair(&c)
                try push(
                    .leaf(
                        first.0.text(relativeTo: context.cell, offsets: true, dialect: dialect) + ":"
                            + first.1.text(relativeTo: context.cell, offsets: true, dialect: dialect)
                    )
                )
            case 0x39:  // PtgNameX
                let name = try readNameX(&c)
                try push(.leaf(name))
            case 0x3A, 0x3C:  // PtgRef3d, PtgRefErr3d
                let prefix = try read3DPrefix(&c)
                let ref = try readCell(&c)
                try push(.leaf(prefix + (base == 0x3C ? "#REF!" : ref.text(relativeTo: nil))))
            case 0x3B, 0x3D:  // PtgArea3d, PtgAreaErr3d
                let prefix = try read3DPrefix(&c)
                let area = try readArea(&c)
                try push(.leaf(prefix + (base == 0x3D ? "#REF!" : area)))
            default:
                throw DecodeProblem(detail: "unknown token 0x\(XLMText.hexByte(ptg)) at byte \(c.offset - 1)")
            }
        }
    }

    private mutating func call(index: Int, command: Bool, name: String, argc: Int) throws {
        if index == 255, !command {
            // A user-defined call: the first operand is the function's name.
            guard argc >= 1 else { throw DecodeProblem(detail: "user-defined call without a name") }
            let args = try popArguments(argc, for: "a user-defined call")
            nodes.append(.userCall(args[0], Array(args.dropFirst())))
        } else {
            let args = try popArguments(argc, for: name)
            nodes.append(.call(name, args))
        }
        stack.append(nodes.count - 1)
    }

    private mutating func attribute(_ c: inout ByteCursor) throws {
        let flags = try c.readUInt8()
        let data = Int(try c.readUInt16LE())
        if flags & 0x04 != 0 {  // AttrChoose: a jump table of data + 1 offsets follows
            try c.skip((data + 1) * 2)
        }
        if flags & 0x10 != 0 {  // AttrSum: SUM of the one operand
            let operand = try pop("SUM")
            nodes.append(.call("SUM", [operand]))
            stack.append(nodes.count - 1)
        }
        // AttrSemi, AttrIf, AttrGoto, AttrBaxcel, AttrSpace: no effect on the text.
    }

    // MARK: - Operands

    private func readString(_ c: inout ByteCursor) throws -> String {
        switch context.dialect {
        case .biff5:
            let cch = Int(try c.readUInt8())
            return XLMText.latin1(try c.readBytes(cch))
        case .biff8:
            return try XLMText.shortXLUnicodeString(&c)
        case .biff12:
            let cch = Int(try c.readUInt16LE())
            return XLMText.utf16LE(try c.readBytes(cch * 2))
        }
    }

    /// A cell reference as stored: 0-based row and column with their relative flags.
    struct CellRef {
        var row: Int
        var column: Int
        var rowRelative: Bool
        var columnRelative: Bool

        /// A1 text; for `PtgRefN` tokens (`offsets`) the row and column are offsets from `cell` when relative.
        func text(
            relativeTo cell: (row: Int, column: Int)?,
            offsets: Bool = false,
            dialect: XLMDialect = .biff8
        )
            -> String
        {
            guard offsets else {
                return XLMReference.a1(
                    row: row + 1,
                    column: column + 1,
                    rowRelative: rowRelative,
                    columnRelative: columnRelative
                )
            }
            let rowCount = dialect == .biff12 ? 1 << 20 : 1 << 16
            let columnCount = dialect == .biff12 ? 1 << 14 : 1 << 8
            // Relative parts are signed offsets.
            let dRow = rowRelative ? signExtend(row, bits: dialect == .biff12 ? 32 : 16) : row
            let dColumn =
                columnRelative ? signExtend(column, bits: dialect == .biff12 ? 14 : 8) : column
            guard let cell else {
                let r = rowRelative ? (dRow == 0 ? "R" : "R[\(dRow)]") : "R\(row + 1)"
                let k = columnRelative ? (dColumn == 0 ? "C" : "C[\(dColumn)]") : "C\(column + 1)"
                return r + k
            }
            let absRow = rowRelative ? mod(cell.row + dRow, rowCount) : row
            let absColumn = columnRelative ? mod(cell.column + dColumn, columnCount) : column
            return XLMReference.a1(
                row: absRow + 1,
                column: absColumn + 1,
                rowRelative: rowRelative,
                columnRelative: columnRelative
            )
        }

        private func signExtend(_ value: Int, bits: Int) -> Int {
            let masked = value & ((1 << bits) - 1)
            return masked >= 1 << (bits - 1) ? masked - (1 << bits) : masked
        }

        private func mod(_ value: Int, _ m: Int) -> Int {
            let r = value % m
            return r < 0 ? r + m : r
        }
    }

    private func readCell(_ c: inout ByteCursor) throws -> CellRef {
        switch context.dialect {
        case .biff5:
            let rw = Int(try c.readUInt16LE())
            let col = Int(try c.readUInt8())
            return CellRef(
                row: rw & 0x3FFF,
                column: col,
                rowRelative: rw & 0x8000 != 0,
                columnRelative: rw & 0x4000 != 0
            )
        case .biff8:
            let rw = Int(try c.readUInt16LE())
            let col = Int(try c.readUInt16LE())
            return CellRef(
                row: rw,
                column: col & 0x3FFF,
                rowRelative: col & 0x8000 != 0,
                columnRelative: col & 0x4000 != 0
            )
        case .biff12:
            let rw = Int(try c.readUInt32LE())
            let col = Int(try c.readUInt16LE())
            return CellRef(
                row: rw,
                column: col & 0x3FFF,
                rowRelative: col & 0x8000 != 0,
                columnRelative: col & 0x4000 != 0
            )
        }
    }

    /// The two corners of an area, in the dialect's field order (rows first, then columns).
    private func readCellPair(_ c: inout ByteCursor) throws -> (CellRef, CellRef) {
        switch context.dialect {
        case .biff5:
            let rw1 = Int(try c.readUInt16LE())
            let rw2 = Int(try c.readUInt16LE())
            let col1 = Int(try c.readUInt8())
            let col2 = Int(try c.readUInt8())
            return (
                CellRef(
                    row: rw1 & 0x3FFF,
                    column: col1,
                    rowRelative: rw1 & 0x8000 != 0,
                    columnRelative: rw1 & 0x4000 != 0
                ),
                CellRef(
                    row: rw2 & 0x3FFF,
                    column: col2,
                    rowRelative: rw2 & 0x8000 != 0,
                    columnRelative: rw2 & 0x4000 != 0
                )
            )
        case .biff8, .biff12:
            let wide = context.dialect == .biff12
            let rw1 = Int(wide ? try c.readUInt32LE() : UInt32(try c.readUInt16LE()))
            let rw2 = Int(wide ? try c.readUInt32LE() : UInt32(try c.readUInt16LE()))
            let col1 = Int(try c.readUInt16LE())
            let col2 = Int(try c.readUInt16LE())
            return (
                CellRef(
                    row: rw1,
                    column: col1 & 0x3FFF,
                    rowRelative: col1 & 0x8000 != 0,
                    columnRelative: col1 & 0x4000 != 0
                ),
                CellRef(
                    row: rw2,
                    column: col2 & 0x3FFF,
                    rowRelative: col2 & 0x8000 != 0,
                    columnRelative: col2 & 0x4000 != 0
                )
            )
        }
    }

    private func readArea(_ c: inout ByteCursor) throws -> String {
        let (a, b) = try readCellPair(&c)
        return a.text(relativeTo: nil) + ":" + b.text(relativeTo: nil)
    }

    /// The `Sheet!` prefix of a 3-D reference.
    private func read3DPrefix(_ c: inout ByteCursor) throws -> String {
        switch context.dialect {
        case .biff5:
            let ixals = Int(Int16(bitPattern: try c.readUInt16LE()))
            try c.skip(8)
            let first = Int(try c.readUInt16LE())
            let last = Int(try c.readUInt16LE())
            if first < context.sheetNames.count, last < context.sheetNames.count {
                let a = XLMText.sheetPrefix(context.sheetNames[first])
                if first == last { return a + "!" }
                return a + ":" + XLMText.sheetPrefix(context.sheetNames[last]) + "!"
            }
            // Negative ixals: a 1-based EXTERNSHEET index.
            let index = ixals < 0 ? -ixals - 1 : ixals - 1
            if index >= 0, index < context.sheetPrefixes.count { return context.sheetPrefixes[index] + "!" }
            return "[sheet \(first)]!"
        case .biff8, .biff12:
            let ixti = Int(try c.readUInt16LE())
            if ixti < context.sheetPrefixes.count { return context.sheetPrefixes[ixti] + "!" }
            return "[XTI \(ixti)]!"
        }
    }

    private func readNameX(_ c: inout ByteCursor) throws -> String {
        let book: Int
        let index: Int
        switch context.dialect {
        case .biff5:
            let ixals = Int(Int16(bitPattern: try c.readUInt16LE()))
            try c.skip(8)
            index = Int(try c.readUInt16LE())
            try c.skip(12)
            book = ixals < 0 ? -ixals - 1 : ixals - 1
        case .biff8, .biff12:
            book = Int(try c.readUInt16LE())
            index = Int(try c.readUInt32LE())
        }
        if book >= 0, book < context.externNames.count, index >= 1, index <= context.externNames[book].count {
            return context.externNames[book][index - 1]
        }
        if index >= 1, index <= context.names.count {
            // A reference into the workbook's own names (a self SUPBOOK, or a writer that points PtgNameX there).
            return context.names[index - 1]
        }
        return "[name \(book):\(index)]"
    }

    private func name(_ index: Int) -> String {
        if index >= 1, index <= context.names.count { return context.names[index - 1] }
        return "[name \(index)]"
    }

    // MARK: - Rendering

    private enum Piece {
        case node(Int)
        case text(String)
    }

    /// Writes the operand stack out: its one value, or every value left separated by spaces.
    private func render() -> String {
        var out = ""
        var budget = max(0, limits.maxFormulaTextBytes.maximum)
        var work: [Piece] = []
        for (i, root) in stack.enumerated().reversed() {
            work.append(.node(root))
            if i > 0 { work.append(.text(" ")) }
        }
        while let piece = work.popLast() {
            switch piece {
            case .text(let s):
                let n = s.utf8.count
                if n > budget {
                    out += XLMText.capped(s, maxBytes: budget)
                    return out
                }
                out += s
                budget -= n
            case .node(let i):
                guard i >= 0, i < nodes.count else { continue }
                switch nodes[i] {
                case .leaf(let s):
                    work.append(.text(s))
                case .binary(let op, let l, let r):
                    work.append(.node(r))
                    work.append(.text(op))
                    work.append(.node(l))
                case .prefix(let op, let x):
                    work.append(.node(x))
                    work.append(.text(op))
                case .postfix(let op, let x):
                    work.append(.text(op))
                    work.append(.node(x))
                case .paren(let x):
                    work.append(.text(")"))
                    work.append(.node(x))
                    work.append(.text("("))
                case .call(let name, let args):
                    pushCall(&work, name: .text(name), args: args)
                case .userCall(let nameNode, let args):
                    pushCall(&work, name: .node(nameNode), args: args)
                }
            }
        }
        return out
    }

    private func pushCall(_ work: inout [Piece], name: Piece, args: [Int]) {
        work.append(.text(")"))
        for (k, arg) in args.enumerated().reversed() {
            work.append(.node(arg))
            if k > 0 { work.append(.text(",")) }
        }
        work.append(.text("("))
        work.append(name)
    }
}
