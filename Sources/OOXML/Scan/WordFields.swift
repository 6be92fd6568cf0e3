import ByteCursor

/// Scans document parts for DDE links, fields and URLs.
///
/// Every function takes the bytes of one part and never throws: a part that is malformed XML yields what was found
/// before the error (Office refuses such a part, so nothing after it can run).
public enum OOXMLScanner {
    /// The `DDE` and `DDEAUTO` fields of a WordprocessingML part (`word/document.xml`, headers, footers...).
    ///
    /// Finds simple fields (`<w:fldSimple w:instr="DDEAUTO ...">`) and complex fields, whose instruction is spread
    /// over `<w:instrText>` elements in runs between `<w:fldChar w:fldCharType="begin"/>`, `"separate"` and
    /// `"end"` (the approach of msodde, with nesting followed): a nested field's result replaces it in the outer
    /// instruction, and a nested `QUOTE` field is evaluated (`QUOTE 99 109 100` is `cmd`), so obfuscated DDE
    /// fields are reported in their effective form.
    public static func ddeFields(
        wordDocumentXML: [UInt8], partName: String, limits: OOXMLScanLimits = .default
    ) -> [DDEField] {
        wordFields(wordXML: wordDocumentXML, limits: limits).compactMap { field in
            guard FieldCode.isDDE(field.instruction) else { return nil }
            return DDEField(
                part: partName, instruction: field.instruction, command: FieldCode.ddeCommand(field.instruction),
                offset: field.offset)
        }
    }

    /// Every field of a WordprocessingML part (simple and complex, nested ones too), in the order they end.
    public static func wordFields(wordXML: [UInt8], limits: OOXMLScanLimits = .default) -> [WordField] {
        var scanner = WordFieldScanner(limits: limits)
        var tokenizer = XMLTokenizer(wordXML, limits: limits.xml)
        while let token = try? tokenizer.next() {
            scanner.consume(token)
            if scanner.fields.count >= limits.maxFindings.maximum { break }
        }
        return scanner.fields
    }
}

/// The state machine behind ``OOXMLScanner/wordFields(wordXML:limits:)``.
///
/// ```
/// <w:r><w:fldChar w:fldCharType="begin"/></w:r>           push a field
/// <w:r><w:instrText>DDEAUTO c:\\a.exe </w:instrText></w:r>  append to the innermost field's instruction
/// <w:r><w:fldChar w:fldCharType="begin"/></w:r>             push a nested field
/// <w:r><w:instrText>QUOTE 34 47 99 34</w:instrText></w:r>
/// <w:r><w:fldChar w:fldCharType="end"/></w:r>               pop; its value ("/c") joins the outer instruction
/// <w:r><w:fldChar w:fldCharType="separate"/></w:r>          the rest up to "end" is the cached result
/// <w:r><w:t>result</w:t></w:r>
/// <w:r><w:fldChar w:fldCharType="end"/></w:r>               pop: the outer field is complete
/// ```
struct WordFieldScanner {
    struct Frame {
        var instruction = ""
        var result = ""
        var inResult = false
        var offset: Int
    }

    let limits: OOXMLScanLimits
    var stack: [Frame] = []
    /// `begin` characters beyond the nesting limit not yet matched by an `end`.
    var ignoredDepth = 0
    var inInstructionText = false
    var inText = false
    var fields: [WordField] = []

    init(limits: OOXMLScanLimits) { self.limits = limits }

    mutating func consume(_ token: XMLToken) {
        switch token {
        case .startElement(let name, let attributes, let selfClosing, let offset):
            switch XMLTokenizer.localName(name) {
            case "fldChar":
                guard let type = attribute("fldCharType", in: attributes) else { return }
                fieldCharacter(type, offset: offset)
            case "instrText":
                inInstructionText = !selfClosing
            case "t":
                inText = !selfClosing
            case "fldSimple":
                if let instruction = attribute("instr", in: attributes) {
                    fields.append(WordField(instruction: capped(instruction), offset: offset, result: ""))
                }
            default:
                break
            }
        case .endElement(let name, _):
            switch XMLTokenizer.localName(name) {
            case "instrText": inInstructionText = false
            case "t": inText = false
            default: break
            }
        case .text(let text, _):
            guard ignoredDepth == 0, let last = stack.indices.last else { return }
            if inInstructionText, !stack[last].inResult {
                append(text, to: &stack[last].instruction)
            } else if inText, stack[last].inResult {
                append(text, to: &stack[last].result)
            }
        }
    }

    private mutating func fieldCharacter(_ type: String, offset: Int) {
        switch type {
        case "begin":
            if ignoredDepth > 0 || !limits.maxFieldNesting.allows(stack.count + 1) {
                ignoredDepth += 1
            } else {
                stack.append(Frame(offset: offset))
            }
        case "separate":
            if ignoredDepth == 0, let last = stack.indices.last { stack[last].inResult = true }
        case "end":
            if ignoredDepth > 0 {
                ignoredDepth -= 1
                return
            }
            guard let frame = stack.popLast() else { return }
            fields.append(WordField(instruction: frame.instruction, offset: frame.offset, result: frame.result))
            // The nested field's value takes its place in the enclosing instruction.
            if let last = stack.indices.last, !stack[last].inResult {
                let value = FieldCode.quoteResult(frame.instruction) ?? frame.result
                append(value, to: &stack[last].instruction)
            }
        default:
            break
        }
    }

    private func append(_ text: String, to target: inout String) {
        let room = limits.maxInstructionBytes.maximum - target.utf8.count
        guard room > 0 else { return }
        if text.utf8.count <= room {
            target += text
        } else {
            target += String(decoding: text.utf8.prefix(room), as: UTF8.self)
        }
    }

    private func capped(_ text: String) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }
}

/// The value of the attribute whose local name is `localName`, whatever its prefix.
func attribute(_ localName: String, in attributes: [String: String]) -> String? {
    for (key, value) in attributes where XMLTokenizer.localName(key) == localName { return value }
    return nil
}
