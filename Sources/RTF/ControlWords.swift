/// What a control word means to the parser.
enum WordKind: Sendable, Equatable {
    /// A destination: its group's text goes somewhere other than the document.
    case destination(DestinationKind)
    /// `\bin N`: N raw bytes follow.
    case bin
    /// `\uN`: a Unicode character, followed by `\ucN` fallback characters.
    case unicode
    /// `\ucN`: how many fallback characters follow each `\u`.
    case unicodeSkip
    /// `\objupdate`: the object is refreshed from its source when the document opens.
    case objUpdate
    /// `\objemb`, `\objlink`, `\objautlink`, `\objsub`, `\objpub`, `\objicemb`, `\objhtml`, `\objocx`.
    case objType(String)
    /// Any other word.
    case other
}

/// The destinations the parser keeps apart; every other destination word is `.other`, followed (so that its text
/// does not leak into an enclosing object) but not kept.
enum DestinationKind: Sendable, Equatable {
    case document
    case object
    case objdata
    case objclass
    case field
    case fldinst
    case template
    case other
}

/// The control word table: destination words as oletools' rtfobj 0.60.2 knows them (its
/// `DESTINATION_CONTROL_WORDS`, which follows the RTF 1.9.1 specification with the corrections of its issues #178,
/// #196, #292, #303, #327 and #522), plus the few other words the parser acts on.
///
/// Lookup hashes the word's letters while the scanner reads them (FNV-1a), so no string is built per word.
enum ControlWords {
    static let destinations: [String] = [
        "aftncn", "aftnsep", "aftnsepc", "annotation", "atnauthor", "atndate", "atnid", "atnparent", "atnref",
        "atrfend", "atrfstart", "author", "background", "bkmkend", "bkmkstart", "blipuid", "buptim", "category",
        "colorschememapping", "colortbl", "comment", "company", "creatim", "datafield", "datastore", "defchp",
        "defpap", "do", "doccomm", "docvar", "dptxbxtext", "ebcend", "ebcstart", "factoidname", "falt", "fchars",
        "ffdeftext", "ffentrymcr", "ffexitmcr", "ffformat", "ffhelptext", "ffl", "ffname", "ffstattext", "field",
        "file", "filetbl", "fldinst", "fldrslt", "fldtype", "fontemb", "fonttbl", "footer", "footerf", "footerl",
        "footerr", "footnote", "formfield", "ftncn", "ftnsep", "ftnsepc", "g", "generator", "gridtbl", "header",
        "headerf", "headerl", "headerr", "hl", "hlfr", "hlinkbase", "hlloc", "hlsrc", "hsv", "info", "keywords",
        "latentstyles", "lchars", "levelnumbers", "leveltext", "lfolevel", "linkval", "list", "listlevel",
        "listname", "listoverride", "listoverridetable", "listpicture", "liststylename", "listtable", "listtext",
        "lsdlockedexcept", "macc", "maccPr", "mailmerge", "malnScr", "manager", "margPr", "mbar", "mbarPr",
        "mbaseJc", "mbegChr", "mborderBox", "mborderBoxPr", "mbox", "mboxPr", "mchr", "mcount", "mctrlPr", "md",
        "mdeg", "mdegHide", "mden", "mdiff", "mdPr", "me", "mendChr", "meqArr", "meqArrPr", "mf", "mfName", "mfPr",
        "mfunc", "mfuncPr", "mgroupChr", "mgroupChrPr", "mgrow", "mhideBot", "mhideLeft", "mhideRight", "mhideTop",
        "mlim", "mlimLoc", "mlimLow", "mlimLowPr", "mlimUpp", "mlimUppPr", "mm", "mmaddfieldname", "mmathPict",
        "mmaxDist", "mmc", "mmcJc", "mmconnectstr", "mmconnectstrdata", "mmcPr", "mmcs", "mmdatasource",
        "mmheadersource", "mmmailsubject", "mmodso", "mmodsofilter", "mmodsofldmpdata", "mmodsomappedname",
        "mmodsoname", "mmodsorecipdata", "mmodsosort", "mmodsosrc", "mmodsotable", "mmodsoudl", "mmodsoudldata",
        "mmodsouniquetag", "mmPr", "mmquery", "mmr", "mnary", "mnaryPr", "mnoBreak", "mnum", "mobjDist", "moMath",
        "moMathPara", "moMathParaPr", "mopEmu", "mphant", "mphantPr", "mplcHide", "mpos", "mr", "mrad", "mradPr",
        "mrPr", "msepChr", "mshow", "mshp", "msPre", "msPrePr", "msSub", "msSubPr", "msSubSup", "msSubSupPr",
        "msSup", "msSupPr", "mstrikeBLTR", "mstrikeH", "mstrikeTLBR", "mstrikeV", "msub", "msubHide", "msup",
        "msupHide", "mtransp", "mtype", "mvertJc", "mvfmf", "mvfml", "mvtof", "mvtol", "mzeroAsc", "mzeroDesc",
        "mzeroWid", "nesttableprops", "nonesttables", "objalias", "objclass", "objdata", "object", "objname",
        "objsect", "oldcprops", "oldpprops", "oldsprops", "oldtprops", "oleclsid", "operator", "panose", "password",
        "passwordhash", "pgp", "pgptbl", "picprop", "pict", "pn", "pnseclvl", "pntext", "pntxta", "pntxtb",
        "printim", "propname", "protend", "protstart", "protusertbl", "result", "revtbl", "revtim", "rxe", "shp",
        "shpgrp", "shpinst", "shppict", "shprslt", "shptxt", "sn", "sp", "staticval", "stylesheet", "subject", "sv",
        "svb", "tc", "template", "themedata", "title", "txe", "ud", "upr", "userprops", "wgrffmtfilter",
        "windowcaption", "writereservation", "writereservhash", "xe", "xform", "xmlattrname", "xmlattrvalue",
        "xmlclose", "xmlname", "xmlnstbl", "xmlopen", "margSz", "pnaiu", "pnaiud",
    ]

    static let special: [(String, WordKind)] = [
        ("bin", .bin), ("u", .unicode), ("uc", .unicodeSkip), ("objupdate", .objUpdate),
        ("objemb", .objType("objemb")), ("objlink", .objType("objlink")), ("objautlink", .objType("objautlink")),
        ("objsub", .objType("objsub")), ("objpub", .objType("objpub")), ("objicemb", .objType("objicemb")),
        ("objhtml", .objType("objhtml")), ("objocx", .objType("objocx")),
    ]

    struct Entry: Sendable {
        var name: [UInt8]
        var kind: WordKind
    }

    /// FNV-1a hash of the letters → the word (checked on lookup, so a collision cannot misread a word).
    static let table: [UInt64: [Entry]] = {
        var t: [UInt64: [Entry]] = [:]
        func add(_ name: String, _ kind: WordKind) {
            let bytes = Array(name.utf8)
            t[hash(bytes[...]), default: []].append(Entry(name: bytes, kind: kind))
        }
        for name in destinations {
            let kind: DestinationKind =
                switch name {
                case "object": .object
                case "objdata": .objdata
                case "objclass": .objclass
                case "field": .field
                case "fldinst": .fldinst
                case "template": .template
                default: .other
                }
            add(name, .destination(kind))
        }
        for (name, kind) in special { add(name, kind) }
        return t
    }()

    static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h = fnvOffset
        for b in bytes { h = (h ^ UInt64(b)) &* fnvPrime }
        return h
    }

    /// The meaning of the word whose letters are `p[start..<end]` and whose FNV-1a hash is `hash`.
    static func lookup(hash: UInt64, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> WordKind {
        guard let entries = table[hash] else { return .other }
        outer: for entry in entries where entry.name.count == end - start {
            for (k, b) in entry.name.enumerated() where p[start + k] != b { continue outer }
            return entry.kind
        }
        return .other
    }
}
