/// Emotet v1 (February 2020): the process name is two words of a 64-word list chosen by the volume serial number.
///
/// Follows EmoCheck `emocheck/modules/scan_v1.cpp` (`GenerateEmotetProcessName`, `SelectWordFromKeywords`):
///
/// ```
///  keywords = "duck,mfidl,targets,...,violet,thunk"      (356 characters, 64 words)
///  word 1   = the word at serial % 356
///  word 2   = the word at (0xFFFFFFFF - serial / 356) % 356
///  name     = word1 + word2 + ".exe"
/// ```
///
/// "The word at" an offset is found by walking back from the offset to the comma before it and reading on to the
/// next comma; the walk stops before offset 0, so offsets 1-3 (inside "duck") yield "uck", "ck", "k". That quirk
/// is EmoCheck's and is kept: the names must be the ones EmoCheck computes.
///
/// A process of that name confirms the infection (emocheck.cpp `ScanEmotetProcess`, cases 1 and 2). The file of
/// that name under %LOCALAPPDATA% or the 32-bit system folder, and Run values or services naming it, are added as
/// evidence when present.
public enum ScanV1 {
    /// Emotet's keyword list, as scan_v1.cpp spells it.
    public static let keywords =
        "duck,mfidl,targets,ptr,khmer,purge,metrics,acc,inet,msra,symbol,driver,"
        + "sidebar,restore,msg,volume,cards,shext,query,roam,etw,mexico,basic,url,"
        + "createa,blb,pal,cors,send,devices,radio,bid,format,thrd,taskmgr,timeout,"
        + "vmd,ctl,bta,shlp,avi,exce,dbt,pfx,rtp,edge,mult,clr,wmistr,ellipse,vol,"
        + "cyan,ses,guid,wce,wmp,dvb,elem,channel,space,digital,pdeft,violet,thunk"

    static let keywordBytes = Array(keywords.utf8)

    /// The process name Emotet v1 uses on a volume with this serial number (`ducksidebar.exe`).
    public static func processName(serial: UInt32) -> String {
        let length = UInt32(keywordBytes.count)
        let first = word(at: Int(serial % length))
        let second = word(at: Int((0xFFFF_FFFF - serial / length) % length))
        return first + second + ".exe"
    }

    /// `SelectWordFromKeywords`: the word around `offset`.
    static func word(at offset: Int) -> String {
        let k = keywordBytes
        let comma = UInt8(ascii: ",")
        var start = offset
        var i = offset
        while i > 0 {
            if k[i] == comma {
                start = i
                break
            }
            i -= 1
        }
        if k[start] == comma { start += 1 }
        var end = start
        while end < k.count && k[end] != comma { end += 1 }
        return String(decoding: k[start..<end], as: UTF8.self)
    }

    static func detect(_ ctx: DetectionContext) -> [HostDetection] {
        guard let serial = ctx.snapshot.volumeSerial else { return [] }
        let name = processName(serial: serial.value)
        let (confirmation, processes) = ctx.confirmByName(name)
        let files = ctx.files(named: name, roles: [.localAppData, .systemX86])
        var out: [HostDetection] = []
        let summary = "process name \(name) derived from the volume serial \(serial.formatted)"
        if files.isEmpty {
            guard confirmation == .running else { return [] }
            var d = HostDetection(
                generation: .v1, rule: "hostcheck.v1.serial-process-name", summary: summary, processName: name,
                processes: processes, confirmation: confirmation)
            d.registry = ctx.snapshot.runValues.filter { $0.text.map { WindowsPaths.unify($0).contains(name.lowercased()) } ?? false }
                .map { RegistryEvidence($0, role: "Run value naming the process") }
            out.append(d)
            return out
        }
        for f in files {
            out.append(
                HostDetection(
                    generation: .v1, rule: "hostcheck.v1.serial-process-name", summary: summary + "; the file exists",
                    processName: name, file: ctx.evidence(f, isPE: ctx.isPE(f.file)),
                    registry: ctx.persistence(naming: f.windowsPath, role: "Run value or service launching the file"),
                    processes: processes, confirmation: confirmation, isAdmin: f.isAdminFolder))
        }
        return out
    }
}
