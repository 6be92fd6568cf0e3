/// Checks on file names: dangerous extensions, double extensions, and names that lie about the content.
enum NameChecks {
    /// Extensions that run code when opened on Windows (the issue's list plus their close relatives).
    static let dangerous: Set<String> = [
        "exe", "scr", "com", "pif", "cpl", "msi", "msc", "js", "jse", "vbs", "vbe", "wsf", "wsh", "hta", "lnk",
        "url", "one", "onepkg", "iso", "img", "vhd", "vhdx", "cmd", "bat", "ps1", "psm1", "jar", "appx",
        "appinstaller", "msix", "reg", "scf", "inf", "sct", "xll", "dll",
    ]

    /// Extensions of the documents and media that lures pretend to be.
    static let decoy: Set<String> = [
        "pdf", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "xlsb", "ppt", "pptx", "txt", "rtf", "jpg", "jpeg",
        "png", "gif", "zip", "csv", "htm", "html", "mp3", "mp4", "wav", "one", "eml", "msg",
    ]

    /// For each extension, the sniffed types that honestly carry it. Types not listed here are never contradicted.
    static let honestTypes: [String: Set<ArtifactType>] = {
        let office: Set<ArtifactType> = [.ole2, .zip, .rtf, .xml, .html, .mailMessage, .text]
        let ooxml: Set<ArtifactType> = [.zip, .ole2]  // encrypted OOXML is an OLE2 file
        var t: [String: Set<ArtifactType>] = [:]
        for e in ["doc", "dot", "xls", "xlt", "ppt", "pps", "pot"] { t[e] = office }
        for e in ["docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xlsb", "xltx", "xltm", "pptx", "pptm", "ppsx", "ppsm"] {
            t[e] = ooxml
        }
        t["pdf"] = [.pdf]
        t["rtf"] = [.rtf, .text]
        for e in ["zip"] { t[e] = [.zip] }
        for e in ["jpg", "jpeg"] { t[e] = [.jpeg] }
        t["png"] = [.png]
        t["gif"] = [.gif]
        for e in ["exe", "dll", "scr", "cpl", "sys", "ocx", "com"] { t[e] = [.pe] }
        t["lnk"] = [.lnk]
        t["one"] = [.oneNote]
        t["iso"] = [.iso9660]
        t["img"] = [.iso9660, .diskImage]
        for e in ["vhd", "vhdx"] { t[e] = [.vhd] }
        t["onepkg"] = [.cab]
        t["gz"] = [.gzip]
        t["rar"] = [.rar]
        t["7z"] = [.sevenZip]
        t["cab"] = [.cab]
        for e in ["txt", "csv", "log"] { t[e] = [.text, .html, .xml, .empty] }
        for e in ["htm", "html"] { t[e] = [.html, .text, .xml] }
        t["eml"] = [.mailMessage, .text]
        return t
    }()

    /// Types whose magic is unambiguous enough to contradict a name.
    static let strongTypes: Set<ArtifactType> = [
        .zip, .ole2, .pe, .elf, .pdf, .lnk, .oneNote, .iso9660, .gzip, .rar, .sevenZip, .cab, .png, .jpeg, .gif, .ace,
    ]

    /// Extensions of `name`, lowercased, last one last (`["pdf", "exe"]` for `請求書.pdf.exe`).
    static func extensions(_ name: String) -> [String] {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? name
        let parts = base.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return [] }
        return parts.dropFirst().map { String($0).trimming(" \t").lowercased() }
    }

    /// The last extension of `name`, lowercased; empty when there is none (or no name).
    static func lastExtension(_ name: String?) -> String {
        extensions(name ?? "").last ?? ""
    }

    static func facts(name: String?, type: ArtifactType, artifact: Artifact) -> [Fact] {
        var facts: [Fact] = []
        if type == .pe {
            facts.append(Fact(.executableContent, "Windows executable (PE) content", offset: 0))
        }
        let exts = name.map(extensions) ?? []
        let last = exts.last ?? ""
        // A shortcut is judged by what it runs (ShortcutAnalyzer): one that opens a PDF is not a payload.
        let runnable = (type.isRunnable || dangerous.contains(last)) && type != .lnk
        if artifact.fromEncryptedContainer && runnable {
            facts.append(
                Fact(
                    .executableInEncryptedArchive,
                    "\(name ?? "content") (\(type)) came out of a password-protected archive", detail: name))
        }
        guard let name, !name.isEmpty else { return facts }
        if dangerous.contains(last) {
            facts.append(Fact(.dangerousExtension, "attachment type .\(last) runs code when opened", detail: name))
        }
        if exts.count >= 2, dangerous.contains(last), decoy.contains(exts[exts.count - 2]) {
            facts.append(
                Fact(.doubleExtension, "name ends in .\(exts[exts.count - 2]).\(last)", detail: name))
        } else if name.unicodeScalars.contains(where: { $0.value == 0x202E || $0.value == 0x202D }) {
            facts.append(Fact(.doubleExtension, "name holds a right-to-left override that reverses its extension",
                              detail: name))
        } else if let padded = name.range(of: "        ."), dangerous.contains(last), padded.lowerBound > name.startIndex {
            facts.append(Fact(.doubleExtension, "name hides its extension behind spaces", detail: name))
        }
        if strongTypes.contains(type), let honest = honestTypes[last], !honest.contains(type) {
            facts.append(
                Fact(.typeMismatch, "named .\(last) but the content is \(type)", detail: name))
        }
        return facts
    }
}

extension String {
    func trimming(_ set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
