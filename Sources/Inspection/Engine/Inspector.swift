import ByteCursor
import Crypto
import MailSignals

/// The inspection engine: sniffs each artifact, hands it to its analyzer, recurses into the children, and judges.
///
/// ```
///  bytes ─▶ sniff ─▶ analyzer ─▶ children ─▶ (recurse, budget charged at every step)
///                        └────▶ facts ─▶ RuleTable ─▶ findings ─▶ Verdict
/// ```
public struct Inspector: Sendable {
    public var limits: BudgetLimits
    /// Passwords the user supplied (`--password`), tried before the defaults.
    public var userPasswords: [String]
    /// The digests computed for every artifact.
    public var digests: Set<DigestKind>
    /// Own and partner domains, protected names and trusted receivers for the mail-level rules.
    public var mailPolicy: MailPolicy
    /// The scores at which a scan becomes suspicious and malicious.
    public var thresholds: VerdictThresholds
    /// Threat intelligence consulted for every digest, URL, domain and sender IP; nil: none.
    public var indicators: (any IndicatorLookup)?

    /// The most URLs kept in one artifact's `urls` property (and looked up).
    public static let maxURLsPerArtifact = 100

    public init(
        limits: BudgetLimits = .default, userPasswords: [String] = [], digests: Set<DigestKind> = Set(DigestKind.allCases),
        mailPolicy: MailPolicy = .default, thresholds: VerdictThresholds = .default,
        indicators: (any IndicatorLookup)? = nil
    ) {
        self.limits = limits
        self.userPasswords = userPasswords
        self.digests = digests
        self.mailPolicy = mailPolicy
        self.thresholds = thresholds
        self.indicators = indicators
    }

    /// Which analyzer sees which content type: decided here and nowhere else.
    static let analyzers: [ArtifactType: any Analyzer] = [
        .mailMessage: MessageAnalyzer(),
        .zip: ZIPAnalyzer(),
        .ole2: OfficeAnalyzer(),
        .sylk: TextDocumentAnalyzer(),
        .xml: TextAnalyzer(),
        .text: TextAnalyzer(),
        .html: TextAnalyzer(),
        .lnk: ShortcutAnalyzer(),
        .pe: ExecutableAnalyzer(),
        .oneNote: OneNoteAnalyzer(),
        .cab: CabinetAnalyzer(),
        .rtf: RTFAnalyzer(),
        .iso9660: DiskImageAnalyzer(),
        .diskImage: DiskImageAnalyzer(),
        .vhd: DiskImageAnalyzer(),
        .gzip: GzipAnalyzer(),
        .rar: RecognizedArchiveAnalyzer(),
        .sevenZip: RecognizedArchiveAnalyzer(),
        .ace: RecognizedArchiveAnalyzer(),
    ]

    /// Analyzers for unrecognised content by its name's extension (see `Run.byName`).
    static let byExtension: [String: any Analyzer] = [
        "iso": DiskImageAnalyzer(), "img": DiskImageAnalyzer(), "vhd": DiskImageAnalyzer(), "lnk": ShortcutAnalyzer(),
        "one": OneNoteAnalyzer(), "onepkg": CabinetAnalyzer(), "cab": CabinetAnalyzer(), "exe": ExecutableAnalyzer(),
        "dll": ExecutableAnalyzer(), "scr": ExecutableAnalyzer(), "cpl": ExecutableAnalyzer(), "gz": GzipAnalyzer(),
    ]

    /// Scans bytes as one input.
    public func scan(_ bytes: ArraySlice<UInt8>, name: String? = nil, input: String = "-") -> ScanResult {
        scan(ScanJob(bytes: bytes, input: input, name: name))
    }

    /// Scans one input (a file, or one message of an mbox).
    public func scan(_ job: ScanJob) -> ScanResult {
        var run = Run(budget: ScanBudget(limits: limits), digests: digests, indicators: indicators)
        let rootContext = InspectionContext(
            passwordCandidates: PasswordCandidates.fromUser(userPasswords) + PasswordCandidates.defaults,
            mailPolicy: mailPolicy)
        let rootSegment = Sniffer.sniff(job.bytes) == .mailMessage ? "message" : (job.name ?? "input")
        var root = Artifact(segment: rootSegment, name: job.name, bytes: job.bytes)
        root.padding = job.padding
        root.originalSize = job.originalSize
        root.truncated = job.truncated
        _ = run.budget.reserve(job.bytes.count)
        let node =
            run.visit(root, parentPath: nil, depth: 0, context: rootContext)
            ?? ArtifactNode(
                path: rootSegment, name: job.name, type: Sniffer.sniff(job.bytes), size: job.bytes.count,
                hashes: run.hashes(job.bytes), children: [])
        for (fact, path) in Combinations.facts(run.findings, messagePaths: run.messagePaths) {
            run.record(fact, at: path)
        }
        let findings = run.findings.sorted {
            $0.severity != $1.severity ? $0.severity > $1.severity : $0.evidence.path < $1.evidence.path
        }
        let verdict = Verdict(findings: findings, thresholds: thresholds)
        return ScanResult(
            input: job.input, messageIndex: job.messageIndex, messageOffset: job.messageOffset,
            messageLine: job.messageLine, verdict: verdict.level, score: verdict.score, findings: findings,
            root: node, durationMilliseconds: Double(run.budget.elapsedMilliseconds),
            error: job.error?.reason)
    }

    /// The state of one scan.
    struct Run {
        var budget: ScanBudget
        let digests: Set<DigestKind>
        let indicators: (any IndicatorLookup)?
        var findings: [Finding] = []
        /// Paths of the mail messages inspected (the root and forwarded ones), for the combination rules.
        var messagePaths: [String] = []
        /// Findings already recorded: the same rule, place and message is reported once.
        var seen: Set<Finding> = []

        mutating func record(_ fact: Fact, at path: String) {
            let finding = RuleTable.judge(fact, at: path)
            if seen.insert(finding).inserted { findings.append(finding) }
        }

        /// Inspects `artifact` and its children; nil when the budget refused it (a finding says so).
        mutating func visit(_ artifact: Artifact, parentPath: String?, depth: Int, context: InspectionContext)
            -> ArtifactNode?
        {
            let path = parentPath.map { "\($0)/\(artifact.segment)" } ?? artifact.segment
            if let limit = budget.admit(depth: depth) {
                if budget.markReported(limit) || limit == budget.limits.maxDepth {
                    record(
                        Fact(.budgetExhausted, "\(limit.name) (\(limit.maximum)) reached; not inspected further"),
                        at: path)
                }
                return nil
            }
            var artifact = artifact
            let type = Sniffer.sniff(artifact.bytes)
            if type == .ole2, !artifact.padding.isEmpty { Self.restoreSectorTail(&artifact) }
            var node = ArtifactNode(
                path: path, name: artifact.name, type: type, declaredType: artifact.declaredType,
                size: artifact.bytes.count, originalSize: artifact.originalSize,
                paddingBytes: artifact.padding.isEmpty ? nil : artifact.padding.reduce(0) { $0 + $1.length },
                truncated: artifact.truncated ? true : nil, hashes: hashes(artifact.bytes),
                properties: artifact.properties.isEmpty ? nil : artifact.properties, children: [])

            for fact in NameChecks.facts(name: artifact.name, type: type, artifact: artifact) {
                record(fact, at: path)
            }
            if !artifact.padding.isEmpty {
                let padded = artifact.padding.reduce(0) { $0 + $1.length }
                let biggest = artifact.padding.max { $0.length < $1.length }
                record(
                    Fact(
                        .zeroPadding,
                        "\(Self.megabytes(padded)) of zero padding around \(Self.megabytes(artifact.bytes.count)) "
                            + "of content (\(artifact.padding.count) run(s))",
                        offset: biggest?.offset,
                        detail: "original size \(artifact.originalSize ?? 0) bytes"),
                    at: path)
            }
            // Analyzers name the limit that cut a child; the root is cut while reading the input.
            if artifact.truncated && depth == 0 {
                record(
                    Fact(.budgetExhausted, "input cut at \(artifact.bytes.count) bytes (budget.maxArtifactBytes); the rest was not inspected"),
                    at: path)
            }
            guard let analyzer = Inspector.analyzers[type] ?? Self.byName(artifact.name, type: type) else {
                if let indicators { matchIntel(indicators, node: node, urls: []) }
                return node
            }
            let context = artifact.context ?? context
            if type == .mailMessage { messagePaths.append(path) }
            let output = analyzer.analyze(artifact, context: context, budget: &budget)
            for fact in output.facts { record(fact, at: path) }
            if !output.properties.isEmpty {
                node.properties = (node.properties ?? [:]).merging(output.properties) { _, new in new }
            }
            let urls = URLCollector.urls(properties: node.properties ?? [:], facts: output.facts)
            if !urls.isEmpty {
                node.properties = (node.properties ?? [:]).merging(["urls": urls.joined(separator: " ")]) { _, new in new }
            }
            if let indicators { matchIntel(indicators, node: node, urls: urls) }
            let childContext = output.childContext ?? context
            for child in output.children {
                if let c = visit(child, parentPath: path, depth: depth + 1, context: childContext) {
                    node.children.append(c)
                }
            }
            return node
        }

        /// Looks up the node's digests, its URLs with their hosts, and a message's sender IP; every hit is an
        /// `intel.match` fact naming the feed and the entry.
        mutating func matchIntel(_ lookup: any IndicatorLookup, node: ArtifactNode, urls: [String]) {
            var queries: [(Indicator, String)] = []
            if let v = node.hashes.md5 { queries.append((Indicator(.md5, v), "MD5")) }
            if let v = node.hashes.sha1 { queries.append((Indicator(.sha1, v), "SHA-1")) }
            if let v = node.hashes.sha256 { queries.append((Indicator(.sha256, v), "SHA-256")) }
            var hosts: Set<String> = []
            for url in urls {
                queries.append((Indicator(.url, url), "URL"))
                let c = URLComponents(url)
                if let ip = c.ipLiteral {
                    let bare = ip.hasPrefix("[") ? String(ip.dropFirst().prefix { $0 != "]" }) : ip
                    if hosts.insert(bare).inserted { queries.append((Indicator(.ip, bare), "IP address")) }
                } else if let host = c.host, hosts.insert(host).inserted {
                    queries.append((Indicator(.domain, host), "domain"))
                }
            }
            if let ip = node.properties?["mail.sender-ip"] { queries.append((Indicator(.ip, ip), "sender IP")) }
            for (indicator, what) in queries {
                for hit in lookup.lookup(indicator).prefix(5) {
                    let threat = hit.threat.map { " (\($0))" } ?? ""
                    record(
                        Fact(
                            .intelMatch, "\(what) \(indicator.value) is listed by \(hit.feed)\(threat): \(hit.entry)",
                            detail: "\(hit.feed): \(hit.entry)"),
                        at: node.path)
                }
            }
        }

        /// Content nothing recognises but whose name claims a structured format (a cut ISO, a shortcut with a broken
        /// header) goes to that format's analyzer, whose parse error becomes the finding that says what is wrong.
        static func byName(_ name: String?, type: ArtifactType) -> (any Analyzer)? {
            guard type == .unknown else { return nil }
            return Inspector.byExtension[NameChecks.lastExtension(name)]
        }

        func hashes(_ bytes: ArraySlice<UInt8>) -> Hashes {
            bytes.withUnsafeBytes { raw in
                Hashes(
                    md5: digests.contains(.md5) ? Self.hex(Insecure.MD5.hash(data: raw)) : nil,
                    sha1: digests.contains(.sha1) ? Self.hex(Insecure.SHA1.hash(data: raw)) : nil,
                    sha256: digests.contains(.sha256) ? Self.hex(SHA256.hash(data: raw)) : nil)
            }
        }

        /// Zero padding dropped after a compound file also took the zeros of its last sector (a CFB is a whole number
        /// of sectors): put back the few that complete the sector, so the document is not reported as truncated.
        static func restoreSectorTail(_ artifact: inout Artifact) {
            let b = artifact.bytes
            guard b.count >= 0x20 else { return }
            let shift = Int(b[b.startIndex + 0x1E]) | Int(b[b.startIndex + 0x1F]) << 8
            guard shift == 9 || shift == 12 else { return }
            let sector = 1 << shift
            let missing = (sector - b.count % sector) % sector
            // Only when the last run of padding starts right where the kept content ends (trailing padding).
            let droppedBefore = artifact.padding.dropLast().reduce(0) { $0 + $1.length }
            guard missing > 0, let last = artifact.padding.last, last.offset == b.count + droppedBefore,
                last.length >= missing
            else { return }
            artifact.bytes = (Array(b) + [UInt8](repeating: 0, count: missing))[...]
            artifact.padding[artifact.padding.count - 1] = ZeroRun(
                offset: last.offset + missing, length: last.length - missing)
        }

        static func hex(_ digest: some Digest) -> String {
            let digits: [UInt8] = Array("0123456789abcdef".utf8)
            var out = [UInt8]()
            out.reserveCapacity(64)
            digest.withUnsafeBytes { raw in
                for b in raw {
                    out.append(digits[Int(b >> 4)])
                    out.append(digits[Int(b & 0x0F)])
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        static func megabytes(_ n: Int) -> String {
            if n >= 1 << 20 { return "\((Double(n) / 1_048_576 * 10).rounded() / 10) MB" }
            if n >= 1 << 10 { return "\((Double(n) / 1024 * 10).rounded() / 10) KB" }
            return "\(n) bytes"
        }
    }
}
