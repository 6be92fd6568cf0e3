/// Rules that fire on facts from several analyzers at once: a hijacked thread or an impersonated sender carrying
/// a lure. They run after the whole message was inspected, because the mail-level facts sit on the message and
/// the lures below it (`message/attachment[1] 請求書.zip`).
enum Combinations {
    /// Signals that the message is a reply to a thread the sender did not take part in.
    static let hijackSignals: Set<String> = [
        RuleID.mailReplyWithoutReferences.rawValue, RuleID.mailSenderNotInThread.rawValue,
    ]

    /// Signals that the sender pretends to be someone else.
    static let impersonationSignals: Set<String> = [
        RuleID.mailDisplayNameAddress.rawValue, RuleID.mailProtectedNameOutside.rawValue,
        RuleID.mailLookalikeDomain.rawValue,
    ]

    /// What Emotet mailed: content that could not be inspected (a password archive the mail does not open),
    /// macros, runnable files, and download links. An encrypted archive that was opened is judged by its content,
    /// so `zip.encrypted` is not one of them.
    static let lures: Set<String> = Set(
        [
            RuleID.zipEncryptedUnopened, .archiveEncrypted, .officeEncryptedUnopened, .macroPresent, .macroAutoExec,
            .xlmPresent, .macroStomping, .dangerousExtension, .doubleExtension, .executableContent, .lnkLOLBin,
            .lnkEncodedPowerShell, .oneNoteEmbeddedRunnable, .oneNoteClickLure, .htmlSmuggling,
            .htmlSmugglingTechnique, .zeroPadding, .pePadded, .officeRemoteTemplate, .officeDDE, .rtfExploitClass,
            .urlDownloadPath, .urlWordPressPath, .urlAppInstaller, .urlIPLiteral, .imageHiddenFile,
        ].map(\.rawValue))

    /// The combination facts of a scan, each with the message path it belongs to.
    static func facts(_ findings: [Finding], messagePaths: [String]) -> [(fact: Fact, path: String)] {
        guard !messagePaths.isEmpty else { return [] }
        let byLength = messagePaths.sorted { $0.count > $1.count }
        func owner(_ path: String) -> String? {
            byLength.first { path == $0 || path.hasPrefix($0 + "/") }
        }
        var out: [(Fact, String)] = []
        for message in messagePaths {
            let inside = findings.filter { $0.evidence.path == message || $0.evidence.path.hasPrefix(message + "/") }
            let own = inside.filter { owner($0.evidence.path) == message }
            guard let lure = inside.first(where: { lures.contains($0.id) }) else { continue }
            let lureText = "\(lure.title.lowercased()) (\(lure.evidence.path))"
            let hijack = own.filter { hijackSignals.contains($0.id) }
            if !hijack.isEmpty {
                out.append(
                    (
                        Fact(
                            .hijackedThreadLure,
                            Set(hijack.map(\.id)).sorted().joined(separator: " + ") + " with " + lureText,
                            detail: lure.id),
                        message
                    ))
            }
            let impersonation = own.filter { impersonationSignals.contains($0.id) }
            if !impersonation.isEmpty {
                out.append(
                    (
                        Fact(
                            .impersonationLure,
                            Set(impersonation.map(\.id)).sorted().joined(separator: " + ") + " with " + lureText,
                            detail: lure.id),
                        message
                    ))
            }
        }
        return out
    }
}
