import Charsets
import MIME
import MailSignals

/// Mail messages: every leaf part becomes a child artifact; text parts yield password candidates for archives.
///
/// Nested `message/rfc822` parts become child artifacts of their own (re-parsed by this analyzer), so the path of a
/// forwarded message's attachment reads `message/attachment[1] fwd.eml/attachment[1] invoice.zip`.
struct MessageAnalyzer: Analyzer {
    let name = "mime"
    /// Most MIME defects reported one by one per message; the rest are counted in one fact.
    static let maxDefectFacts = 20

    func analyze(_ artifact: Artifact, context: InspectionContext, budget: inout ScanBudget) -> AnalysisOutput {
        var out = AnalysisOutput()
        let message: MIMEMessage
        do {
            message = try MIMEMessage(parsing: artifact.bytes)
        } catch {
            out.facts.append(Fact(.parseError, "not a parsable mail message: \(error)"))
            return out
        }
        let headers = message.root.headers
        for (key, header) in [("mail.subject", "subject"), ("mail.from", "from"), ("mail.to", "to"),
            ("mail.date", "date"), ("mail.message-id", "message-id")]
        {
            if let v = headers[header] { out.properties[key] = String(v.prefix(512)) }
        }

        var bodyCandidates: [PasswordCandidate] = []
        // Inline text parts, read for passwords once the parts show something that may need one.
        var passwordTexts: [(String, String)] = []
        var mayNeedPasswords = false
        var texts: [MailFacts.TextPart] = []
        var defects: [MIMEDefect] = []
        var attachmentIndex = 0
        var bodyIndex = 0
        var parts = 0

        // Pre-order over the part tree, without descending into message/rfc822 (those are re-inspected as children).
        var stack: [MIMEPart] = [message.root]
        /// Charges a child's bytes and count to the budget; false (with a finding) when it does not fit.
        func admit(_ bytes: Int, _ what: String) -> Bool {
            if !budget.hasRoom(forArtifacts: out.children.count) {
                out.facts.append(
                    Fact(.budgetExhausted, "\(budget.limits.maxArtifacts.name) (\(budget.limits.maxArtifacts.maximum)) reached at \(what)"))
                return false
            }
            if let refused = budget.reserve(bytes) {
                out.facts.append(Fact(.budgetExhausted, "\(refused.name) (\(refused.maximum)) reached at \(what)"))
                return false
            }
            return true
        }
        partLoop: while let part = stack.popLast() {
            parts += 1
            defects.append(contentsOf: part.defects)
            if part.isMultipart {
                stack.append(contentsOf: part.children.reversed())
                continue
            }
            let isRoot = part === message.root
            if part.isMessage && !isRoot {
                attachmentIndex += 1
                let decoded = part.decodedBody()
                defects.append(contentsOf: decoded.defects)
                let label = part.filename ?? "(message/rfc822)"
                guard admit(decoded.bytes.count, "attachment[\(attachmentIndex)]") else { break partLoop }
                out.children.append(
                    Artifact(
                        segment: "attachment[\(attachmentIndex)] \(label)", name: part.filename,
                        bytes: decoded.bytes[...], declaredType: part.contentType.mimeType,
                        properties: ["mime.line": String(part.startLine)]))
                continue
            }
            let decoded = part.decodedBody()
            defects.append(contentsOf: decoded.defects)
            let isAttachment = part.filename != nil || part.disposition == "attachment"
            let segment: String
            if isAttachment {
                attachmentIndex += 1
                segment = "attachment[\(attachmentIndex)]" + (part.filename.map { " \($0)" } ?? "")
            } else {
                bodyIndex += 1
                segment = "body[\(bodyIndex)]"
            }
            if part.contentType.type == "text" && !isAttachment {
                if let text = part.decodedTextWithDefects(of: decoded)?.text {
                    if texts.count < 8 {
                        texts.append(
                            MailFacts.TextPart(segment: segment, text: text.text, isHTML: part.contentType.subtype == "html"))
                    }
                    passwordTexts.append((text.text, segment))
                    if text.invalidSequences > 0 {
                        out.facts.append(
                            Fact(
                                .mimeInvalidText,
                                "\(text.invalidSequences) invalid byte sequence(s) in \(part.contentType.parameters["charset"] ?? "text")",
                                line: part.startLine, detail: segment))
                    }
                }
                // Inline uuencoded files in the text are attachments too.
                for file in UUEncode.extract(from: decoded.bytes[...]) {
                    attachmentIndex += 1
                    mayNeedPasswords = true
                    guard admit(file.bytes.count, "attachment[\(attachmentIndex)]") else { break partLoop }
                    out.children.append(
                        Artifact(
                            segment: "attachment[\(attachmentIndex)] \(file.name)", name: file.name,
                            bytes: file.bytes[...], declaredType: "application/x-uuencode",
                            properties: ["mime.uuencoded-in": segment, "mime.offset": String(file.offset)]))
                }
            }
            guard admit(decoded.bytes.count, segment) else { break partLoop }
            if isAttachment || part.contentType.type != "text" { mayNeedPasswords = true }
            var props = ["mime.line": String(part.startLine)]
            if part.transferEncoding != "7bit" { props["mime.transfer-encoding"] = part.transferEncoding }
            out.children.append(
                Artifact(
                    segment: segment, name: part.filename, bytes: decoded.bytes[...],
                    declaredType: part.contentType.mimeType, properties: props))
        }
        out.properties["mime.parts"] = String(parts)

        reportDefects(defects, into: &out)

        let mail = MailFacts(policy: context.mailPolicy).collect(message, texts: texts, hasAttachment: attachmentIndex > 0)
        out.facts += mail.facts
        if !mail.urls.isEmpty { out.properties["urls"] = mail.urls.prefix(Inspector.maxURLsPerArtifact).joined(separator: " ") }
        if let ip = mail.senderIP { out.properties["mail.sender-ip"] = ip }
        if let replyTo = headers["reply-to"] { out.properties["mail.reply-to"] = String(replyTo.prefix(512)) }

        // Passwords are read from the text only when some part could be an archive or document to open with them:
        // a message of inline text alone (most mail) has nothing to unlock.
        if mayNeedPasswords {
            for (text, segment) in passwordTexts { bodyCandidates += PasswordCandidates.extract(from: text, source: segment) }
        }
        let subject = message.subject ?? headers["subject"]
        let subjectCandidates = subject.map(PasswordCandidates.extract(fromSubject:)) ?? []
        var childContext = context
        childContext.subject = subject
        childContext.passwordCandidates = PasswordCandidates.merge(
            bodyCandidates, subjectCandidates, context.passwordCandidates)
        out.childContext = childContext
        return out
    }

    /// Limit defects are budget findings; unknown charsets have their own rule; the rest are `mime.defect`.
    func reportDefects(_ defects: [MIMEDefect], into out: inout AnalysisOutput) {
        var reported = 0
        var skipped = 0
        for d in defects {
            let code = d.code.rawValue
            let rule: RuleID
            if code.hasSuffix("-limit") {
                rule = .budgetExhausted
            } else if code == "unknown-charset" {
                rule = .mimeUnknownCharset
            } else {
                rule = .mimeDefect
            }
            if rule == .mimeDefect && reported >= Self.maxDefectFacts {
                skipped += 1
                continue
            }
            if rule == .mimeDefect { reported += 1 }
            out.facts.append(Fact(rule, "\(code): \(d.detail)", offset: d.offset, line: d.line))
        }
        if skipped > 0 {
            out.facts.append(Fact(.mimeDefect, "and \(skipped) more MIME defects"))
        }
    }
}
