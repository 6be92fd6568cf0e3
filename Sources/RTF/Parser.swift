import ByteCursor
import Charsets
import CompoundFile

/// One open destination: where the text of its group (and of its plain nested groups) goes.
struct Destination {
    var kind: DestinationKind
    /// The group level it was opened at; the `}` that closes that level closes it.
    var level: Int
    /// The offset just after its control word.
    var start: Int
    /// The innermost enclosing `\object` group (an index into `RTFParser.groups`).
    var owner: Int?
    /// Object data: the bytes decoded so far. Text destinations: the raw (Windows-1252) bytes not yet decoded.
    var data: [UInt8] = []
    /// Object data: the pending high nibble, or -1.
    var nibble: Int = -1
    /// Text destinations: the text decoded so far (flushed at each `\u`).
    var text: String = ""
    /// Text destinations: fallback characters still to skip after a `\u`.
    var skip: Int = 0
    /// Text destinations: how many fallback characters follow a `\u` (`\ucN`).
    var unicodeSkip: Int = 1
    var nonHex = 0
    var controlWords = 0
    var binRuns = 0
    var quirks = 0
    var truncated = false
}

/// What an `{\object ...}` group declared around its data.
struct ObjectGroup {
    var objClass: String?
    var objectType: String?
    var autoUpdate = false
}

/// The result of a pass.
struct ParseOutput {
    var objects: [RTFObject]
    var fields: [RTFFieldInstruction]
    var templates: [String]
    var anomalies: [RTFAnomaly]
    var maxLevel: Int
}

/// The single pass over the bytes: a tokenizer (groups, control words, control symbols, text runs, `\bin`) feeding
/// a destination stack, the way oletools' rtfobj `RtfParser` does it, with every structure bounded.
struct RTFParser {
    let limits: RTFLimits
    var log: RTFAnomalyLog
    var level = 0
    var maxLevel = 0
    var stack: [Destination]
    var objects: [RTFObject] = []
    var owners: [Int?] = []
    var groups: [ObjectGroup] = []
    var fields: [RTFFieldInstruction] = []
    var templates: [String] = []
    /// Object bytes handed out to closed objects.
    var committedObjectBytes = 0
    /// The offset of the `}` that first closed the outermost group.
    var documentEnd: Int?

    static let braceOpen = UInt8(ascii: "{")
    static let braceClose = UInt8(ascii: "}")
    static let backslash = UInt8(ascii: "\\")
    /// The longest control word name Word reads (and rtfobj matches).
    static let maxWordLetters = 250
    /// A control word's name and parameter together are cut at 254 characters (rtfobj crops there too).
    static let maxWordLength = 254

    /// 0...15 for hex digits, 16 for whitespace, 17 for anything else.
    static let hexTable: [UInt8] = (0...255).map { (b: Int) -> UInt8 in
        switch b {
        case 0x30...0x39: UInt8(b - 0x30)
        case 0x41...0x46: UInt8(b - 0x41 + 10)
        case 0x61...0x66: UInt8(b - 0x61 + 10)
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: 16
        default: 17
        }
    }

    /// Whether a byte ends a text run.
    static let specialTable: [Bool] = (0...255).map { $0 == 0x7B || $0 == 0x7D || $0 == 0x5C }

    init(limits: RTFLimits) {
        self.limits = limits
        log = RTFAnomalyLog(cap: limits.maxAnomalies)
        stack = [Destination(kind: .document, level: 0, start: 0, owner: nil)]
        stack.reserveCapacity(16)
    }

    // MARK: - The pass

    mutating func parse(_ p: UnsafeBufferPointer<UInt8>) {
        let n = p.count
        let special = Self.specialTable
        var i = 0
        while i < n {
            let b = p[i]
            if b == Self.braceOpen {
                openGroup()
                i += 1
            } else if b == Self.braceClose {
                closeGroup(at: i)
                i += 1
            } else if b == Self.backslash {
                i = controlSequence(p, at: i)
            } else {
                var j = i + 1
                while j < n && !special[Int(p[j])] { j += 1 }
                if stack.count > 1 { text(p, i, j) }
                i = j
            }
        }
        if level > 0 {
            log.record(.unclosedGroups, offset: n, "\(level) groups still open at the end of the input")
        }
        // Close what is still open, innermost first, so that unterminated objects are still reported.
        while stack.count > 1 { closeDestination(at: n) }
        if let end = documentEnd {
            var k = end + 1
            while k < n && (Self.hexTable[Int(p[k])] == 16 || p[k] == 0) { k += 1 }
            if k < n {
                log.record(.dataAfterEnd, offset: k, "\(n - k) bytes after the document's final brace")
            }
        }
    }

    mutating func finish() -> ParseOutput {
        for (k, owner) in owners.enumerated() {
            guard let owner, groups.indices.contains(owner) else { continue }
            let group = groups[owner]
            objects[k].objClass = group.objClass
            objects[k].objectType = group.objectType
            objects[k].autoUpdate = group.autoUpdate
            objects[k].inObjectGroup = true
            if objects[k].className == nil { objects[k].className = group.objClass }
        }
        return ParseOutput(
            objects: objects, fields: fields, templates: templates, anomalies: log.items, maxLevel: maxLevel)
    }

    // MARK: - Groups

    mutating func openGroup() {
        level += 1
        if level > maxLevel { maxLevel = level }
        if stack[stack.count - 1].kind == .objdata { stack[stack.count - 1].controlWords += 1 }
    }

    mutating func closeGroup(at offset: Int) {
        guard level > 0 else {
            log.record(.extraCloseBrace, offset: offset, "a closing brace with no open group")
            return
        }
        if stack.count > 1 && stack[stack.count - 1].level == level { closeDestination(at: offset) }
        level -= 1
        if level == 0 && documentEnd == nil { documentEnd = offset }
    }

    // MARK: - Destinations

    mutating func openDestination(_ kind: DestinationKind, start: Int) {
        if stack.count > 1 && stack[stack.count - 1].level == level { closeDestination(at: start) }
        guard limits.maxDestinationDepth.allows(stack.count) else {
            log.record(
                .depthLimit, offset: start,
                "\(limits.maxDestinationDepth.name): destinations nested deeper than \(limits.maxDestinationDepth.maximum)")
            return
        }
        var owner = stack[stack.count - 1].owner
        if kind == .object && limits.maxObjects.allows(groups.count + 1) {
            groups.append(ObjectGroup())
            owner = groups.count - 1
        }
        stack.append(Destination(kind: kind, level: level, start: start, owner: owner))
    }

    mutating func closeDestination(at end: Int) {
        guard stack.count > 1 else { return }
        var d = stack.removeLast()
        switch d.kind {
        case .objdata: closeObject(&d, end: end)
        case .objclass:
            if let owner = d.owner, groups.indices.contains(owner) {
                groups[owner].objClass = Self.trimmed(finishText(&d))
            }
        case .fldinst:
            let text = Self.trimmed(finishText(&d))
            guard limits.maxFields.allows(fields.count + 1) else {
                log.record(.limitExceeded, offset: d.start, "\(limits.maxFields.name): more than \(limits.maxFields.maximum) fields")
                return
            }
            let keyword = String(text.prefix(while: { !$0.isWhitespace && $0 != "\"" })).uppercased()
            fields.append(RTFFieldInstruction(offset: d.start, instruction: text, keyword: keyword, truncated: d.truncated))
        case .template:
            if templates.count < limits.maxFields.maximum { templates.append(Self.trimmed(finishText(&d))) }
        case .document, .object, .field, .other:
            break
        }
    }

    mutating func closeObject(_ d: inout Destination, end: Int) {
        if d.nonHex > 0 {
            log.record(.objdataNonHex, offset: d.start, "\(d.nonHex) characters that are not hex digits in object data")
        }
        if d.controlWords > 0 {
            log.record(.objdataControlWords, offset: d.start, "object data interleaved with \(d.controlWords) control words or groups")
        }
        if d.binRuns > 0 {
            log.record(.objdataBinary, offset: d.start, "\(d.binRuns) \\bin runs in object data")
        }
        if d.quirks > 0 {
            log.record(.objdataEscapeQuirk, offset: d.start, "\(d.quirks) hex digits dropped before \\' escapes")
        }
        if d.nibble >= 0 {
            log.record(.oddHexDigits, offset: d.start, "object data has an odd number of hex digits; the last is dropped")
        }
        if d.truncated {
            log.record(
                .limitExceeded, offset: d.start,
                "\(limits.maxObjectBytes.name): object data cut at \(d.data.count) bytes")
        }
        guard limits.maxObjects.allows(objects.count + 1) else {
            log.record(.limitExceeded, offset: d.start, "\(limits.maxObjects.name): more than \(limits.maxObjects.maximum) objects")
            return
        }
        committedObjectBytes += d.data.count
        let raw = d.data
        var ole1: OLE1Object? = nil
        var package: OLE10Native? = nil
        if !raw.isEmpty {
            do {
                let object = try OLE1Object(parsing: raw[...])
                ole1 = object
                package = object.package
                if object.isTruncated {
                    log.record(
                        .truncatedObject, offset: d.start,
                        "OLE 1.0 native data has \(object.nativeData.count) of \(object.declaredNativeSize) bytes")
                }
            } catch {
                log.record(.notOLEObject, offset: d.start, "object data of \(raw.count) bytes is not an OLE 1.0 object")
            }
        }
        objects.append(
            RTFObject(
                offset: d.start, endOffset: end, className: ole1?.className, objClass: nil, objectType: nil,
                inObjectGroup: false, ole1: ole1, package: package, rawData: raw, autoUpdate: false,
                truncated: d.truncated))
        owners.append(d.owner)
    }

    // MARK: - Text

    /// Text in `p[start..<end]` (no brace or backslash) for the current destination.
    mutating func text(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        let top = stack.count - 1
        switch stack[top].kind {
        case .objdata:
            let cap = objectCap(for: stack[top])
            let table = Self.hexTable
            var nonHex = 0
            for k in start..<end {
                let v = table[Int(p[k])]
                if v < 16 {
                    appendNibble(v, top: top, cap: cap)
                } else if v == 17 {
                    nonHex += 1
                }
            }
            stack[top].nonHex += nonHex
        case .objclass, .fldinst, .template:
            var k = start
            while k < end && stack[top].skip > 0 {
                if p[k] != 0x0D && p[k] != 0x0A { stack[top].skip -= 1 }
                k += 1
            }
            for q in k..<end where p[q] != 0x0D && p[q] != 0x0A { appendText(p[q], top: top) }
        case .document, .object, .field, .other:
            break
        }
    }

    /// The most bytes the object data of `d` may still grow to.
    func objectCap(for d: Destination) -> Int {
        min(limits.maxObjectBytes.maximum, max(0, limits.maxTotalObjectBytes.maximum - committedObjectBytes))
    }

    @inline(__always)
    mutating func appendNibble(_ v: UInt8, top: Int, cap: Int) {
        let pending = stack[top].nibble
        if pending < 0 {
            stack[top].nibble = Int(v)
        } else {
            stack[top].nibble = -1
            if stack[top].data.count < cap {
                stack[top].data.append(UInt8(truncatingIfNeeded: pending << 4) | v)
            } else {
                stack[top].truncated = true
            }
        }
    }

    mutating func appendText(_ byte: UInt8, top: Int) {
        if stack[top].data.count + stack[top].text.utf8.count < limits.maxTextBytes.maximum {
            stack[top].data.append(byte)
        } else {
            stack[top].truncated = true
        }
    }

    mutating func appendScalar(_ value: Int, top: Int) {
        flushText(top: top)
        guard stack[top].text.utf8.count < limits.maxTextBytes.maximum else {
            stack[top].truncated = true
            return
        }
        // \uN takes a signed 16-bit parameter: negative values stand for code units above 0x7FFF.
        let unit = value < 0 ? value + 65536 : value
        if let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: max(0, unit))) {
            stack[top].text.unicodeScalars.append(scalar)
        } else {
            stack[top].text.unicodeScalars.append("\u{FFFD}")
        }
    }

    mutating func flushText(top: Int) {
        guard !stack[top].data.isEmpty else { return }
        stack[top].text += Charsets.decode(stack[top].data, as: .windows(1252)).text
        stack[top].data.removeAll(keepingCapacity: true)
    }

    mutating func finishText(_ d: inout Destination) -> String {
        if !d.data.isEmpty { d.text += Charsets.decode(d.data, as: .windows(1252)).text }
        return d.text
    }

    static func trimmed(_ s: String) -> String {
        var scalars = Substring(s)
        while let c = scalars.first, c.isWhitespace || c == "\u{0}" { scalars.removeFirst() }
        while let c = scalars.last, c.isWhitespace || c == "\u{0}" { scalars.removeLast() }
        return String(scalars)
    }

    var topIsText: Bool {
        switch stack[stack.count - 1].kind {
        case .objclass, .fldinst, .template: true
        default: false
        }
    }

    // MARK: - Control words and symbols

    /// Reads the control word or symbol at `p[i]` (a backslash) and returns the index after it.
    mutating func controlSequence(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let n = p.count
        let nameStart = i + 1
        guard nameStart < n else { return n }
        let first = p[nameStart]
        guard Self.isLetter(first) else { return controlSymbol(p, at: i) }
        // The name: letters, hashed as they are read.
        var h = ControlWords.fnvOffset
        var j = nameStart
        while j < n && Self.isLetter(p[j]) {
            h = (h ^ UInt64(p[j])) &* ControlWords.fnvPrime
            j += 1
        }
        let nameEnd = j
        if nameEnd - nameStart > Self.maxWordLetters {
            log.record(.longControlWord, offset: i, "a control word of \(nameEnd - nameStart) letters")
        }
        // The parameter: an optional minus and digits, cut where the whole word reaches 254 characters.
        var parameter: Int? = nil
        let cropEnd = min(n, i + Self.maxWordLength)
        if j < cropEnd {
            var k = j
            var negative = false
            if p[k] == UInt8(ascii: "-") && k + 1 < cropEnd && Self.isDigit(p[k + 1]) {
                negative = true
                k += 1
            }
            if k < cropEnd && Self.isDigit(p[k]) {
                var value = 0
                while k < cropEnd && Self.isDigit(p[k]) {
                    // Saturates: only \bin uses large values, and no input is that long.
                    if value < Int.max / 20 { value = value * 10 + Int(p[k] - 0x30) }
                    k += 1
                }
                parameter = negative ? -value : value
                j = k
            }
        }
        let wordEnd = j
        // One space after a control word is its delimiter, not text.
        var next = wordEnd
        if next < n && p[next] == 0x20 { next += 1 }
        let kind = ControlWords.lookup(hash: h, p, nameStart, nameEnd)
        let top = stack.count - 1
        var interleaved = stack[top].kind == .objdata && kind != .bin
        if case .destination = kind { interleaved = false }
        if interleaved { stack[top].controlWords += 1 }
        switch kind {
        case .destination(let dest):
            openDestination(dest, start: wordEnd)
        case .bin:
            return binaryRun(p, word: i, parameter: parameter, dataStart: next)
        case .unicode:
            if topIsText {
                appendScalar(parameter ?? 0, top: top)
                stack[top].skip = stack[top].unicodeSkip
            }
        case .unicodeSkip:
            stack[top].unicodeSkip = max(0, min(parameter ?? 1, 16))
        case .objUpdate:
            if let owner = stack[top].owner, groups.indices.contains(owner) { groups[owner].autoUpdate = true }
        case .objType(let word):
            if let owner = stack[top].owner, groups.indices.contains(owner) { groups[owner].objectType = word }
        case .other:
            break
        }
        return next
    }

    /// `\bin N` and its N raw bytes (up to the end of the input).
    mutating func binaryRun(_ p: UnsafeBufferPointer<UInt8>, word: Int, parameter: Int?, dataStart: Int) -> Int {
        let n = p.count
        var length = parameter ?? 0
        if parameter == nil || length < 0 {
            log.record(.badBinLength, offset: word, "\\bin with a missing or negative length, read as 0")
            length = 0
        }
        let available = n - dataStart
        if length > available {
            log.record(.badBinLength, offset: word, "\\bin\(length) runs past the end of the input (\(available) bytes left)")
            length = available
        }
        let top = stack.count - 1
        if stack[top].kind == .objdata {
            stack[top].binRuns += 1
            let cap = objectCap(for: stack[top])
            for k in dataStart..<(dataStart + length) {
                appendNibble(p[k] >> 4, top: top, cap: cap)
                appendNibble(p[k] & 0x0F, top: top, cap: cap)
            }
        }
        return dataStart + length
    }

    /// A control symbol: a backslash and one non-letter (`\'hh` takes two more characters).
    mutating func controlSymbol(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let n = p.count
        let symbol = p[i + 1]
        let top = stack.count - 1
        let kind = stack[top].kind
        if symbol == UInt8(ascii: "'") {
            let end = min(n, i + 4)
            if kind == .objdata {
                // Word drops the last hex digit read when their count is odd (rtfobj reproduces it).
                if stack[top].nibble >= 0 {
                    stack[top].nibble = -1
                    stack[top].quirks += 1
                }
                stack[top].controlWords += 1
            } else if topIsText {
                if stack[top].skip > 0 {
                    stack[top].skip -= 1
                } else if end == i + 4 {
                    let hi = Self.hexTable[Int(p[i + 2])]
                    let lo = Self.hexTable[Int(p[i + 3])]
                    if hi < 16 && lo < 16 { appendText(hi << 4 | lo, top: top) }
                }
            }
            return end
        }
        if topIsText {
            if stack[top].skip > 0 {
                stack[top].skip -= 1
            } else {
                switch symbol {
                case UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"): appendText(symbol, top: top)
                case UInt8(ascii: "~"): appendText(0x20, top: top)
                case UInt8(ascii: "_"): appendText(UInt8(ascii: "-"), top: top)
                default: break
                }
            }
        } else if kind == .objdata && symbol != UInt8(ascii: "*") {
            stack[top].controlWords += 1
        }
        return i + 2
    }

    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
