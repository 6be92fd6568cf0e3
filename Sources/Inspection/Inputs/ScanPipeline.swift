import ByteCursor
import Dispatch
import MIME

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One unit of scanning: a file, or one message of an mbox or Maildir.
public struct ScanJob: Sendable {
    public var bytes: ArraySlice<UInt8>
    /// The path it came from (`-` for standard input).
    public var input: String
    /// The file name, for name checks on a bare file.
    public var name: String?
    public var messageIndex: Int?
    public var messageOffset: Int?
    public var messageLine: Int?
    /// Zero runs dropped while reading a large file.
    public var padding: [ZeroRun] = []
    public var originalSize: Int?
    public var truncated = false
    /// An input error in place of content.
    public var error: InputError?

    public init(bytes: ArraySlice<UInt8>, input: String, name: String? = nil) {
        self.bytes = bytes
        self.input = input
        self.name = name
    }
}

/// How far a long run has come, for a progress bar.
public struct ScanProgress: Sendable {
    public var scanned: Int
    public var bytesRead: Int
    /// Total bytes of the regular files named on the command line, when known.
    public var totalBytes: Int?
    public var detected: Int
}

/// Counts over a whole run.
public struct RunSummary: Codable, Sendable {
    public var scanned = 0
    public var clean = 0
    public var suspicious = 0
    public var malicious = 0
    public var errors = 0
    public var bytes = 0
    public var durationSeconds = 0.0

    public init() {}
}

/// Reads inputs (files, mbox, Maildir, directories, stdin) as a stream of jobs and scans them on all cores.
///
/// Memory stays bounded: jobs are gathered into batches of at most ``batchBytes`` (or ``batchJobs``); each batch is
/// scanned in parallel in the background while the next one is read and the previous one is reported (so at most
/// three batches exist at once), results are handed out in input order, and then the batch is dropped. An mbox is split while it
/// is read (``MboxSplitter``), so a 2 GB mbox never sits in memory.
public struct ScanPipeline: Sendable {
    public var inspector: Inspector
    public var workers: Int
    public var batchBytes = 8 << 20
    public var batchJobs = 64
    /// Files above this size are read through a padding stripper.
    public var maxFileBytes: Int { inspector.limits.maxArtifactBytes.maximum }

    public init(inspector: Inspector, workers: Int = ScanPipeline.defaultWorkers) {
        self.inspector = inspector
        self.workers = max(1, workers)
    }

    public static var defaultWorkers: Int {
        #if canImport(Glibc)
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        2
        #endif
    }

    /// Scans every path; `onResult` receives results in input order, `onProgress` after each batch.
    public func run(
        paths: [String], onProgress: (ScanProgress) -> Void = { _ in }, onResult: (ScanResult) -> Void
    ) -> RunSummary {
        let started = ScanBudget.nowNanoseconds()
        var summary = RunSummary()
        var progress = ScanProgress(scanned: 0, bytesRead: 0, totalBytes: Self.totalSize(paths), detected: 0)
        var batch: [ScanJob] = []
        var batchSize = 0
        // The batch being scanned in the background while the next one is read and the previous one reported.
        var inFlight: InFlightBatch?

        func emit(_ results: [ScanResult]) {
            for result in results {
                summary.scanned += 1
                if result.error != nil { summary.errors += 1 }
                switch result.verdict {
                case .clean: if result.error == nil { summary.clean += 1 }
                case .suspicious: summary.suspicious += 1
                case .malicious: summary.malicious += 1
                }
                if result.verdict != .clean { progress.detected += 1 }
                onResult(result)
            }
            progress.scanned = summary.scanned
            onProgress(progress)
        }

        func flush() {
            guard !batch.isEmpty else { return }
            let previous = inFlight
            inFlight = startBatch(batch)
            batch.removeAll(keepingCapacity: true)
            batchSize = 0
            // Report the previous batch while this one is scanned.
            if let previous { emit(previous.wait()) }
        }

        var enumerator = JobEnumerator(maxFileBytes: maxFileBytes, minimumPaddingRun: inspector.limits.minimumPaddingRun)
        for path in paths {
            enumerator.jobs(at: path) { bytesRead in
                summary.bytes += bytesRead
                progress.bytesRead += bytesRead
            } emit: { job in
                batchSize += job.bytes.count
                batch.append(job)
                if batchSize >= batchBytes || batch.count >= batchJobs { flush() }
            }
        }
        flush()
        if let last = inFlight { emit(last.wait()) }
        summary.durationSeconds = Double(ScanBudget.nowNanoseconds() &- started) / 1e9
        return summary
    }

    /// Starts scanning a batch on `workers` threads in the background.
    func startBatch(_ jobs: [ScanJob]) -> InFlightBatch {
        let batch = InFlightBatch(count: jobs.count)
        let inspector = self.inspector
        let workers = self.workers
        batch.group.enter()
        DispatchQueue.global().async {
            if jobs.count == 1 || workers == 1 {
                for (i, job) in jobs.enumerated() { batch.slots.set(i, inspector.scan(job)) }
            } else {
                DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
                    batch.slots.set(i, inspector.scan(jobs[i]))
                }
            }
            batch.group.leave()
        }
        return batch
    }

    static func totalSize(_ paths: [String]) -> Int? {
        var total = 0
        for p in paths {
            guard PathKind.of(p) == .file, let s = try? FileSource(path: p).size else { return nil }
            total += s
        }
        return total
    }
}

/// A batch being scanned: wait for its results, in input order.
final class InFlightBatch: Sendable {
    let slots: ResultSlots
    let group = DispatchGroup()

    init(count: Int) { slots = ResultSlots(count: count) }

    func wait() -> [ScanResult] {
        group.wait()
        return slots.results()
    }
}

/// Slots written once each by concurrent workers, read after they all finished.
final class ResultSlots: @unchecked Sendable {
    private var storage: [ScanResult?]
    private let lock = NSLockLite()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: ScanResult) {
        lock.withLock { storage[index] = result }
    }

    func results() -> [ScanResult] { lock.withLock { storage.compactMap { $0 } } }
}

/// A tiny mutex over pthread, to keep Foundation out of the engine.
final class NSLockLite: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

/// Turns paths into scan jobs, streaming mbox files and walking Maildirs and directories.
struct JobEnumerator {
    let maxFileBytes: Int
    let minimumPaddingRun: Int
    /// Deepest directory recursion.
    var maxDirectoryDepth = Limit("input.maxDirectoryDepth", 64)

    mutating func jobs(at path: String, depth: Int = 0, onBytes: (Int) -> Void, emit: (ScanJob) -> Void) {
        switch path == "-" ? .file : PathKind.of(path) {
        case .file:
            readFile(path, onBytes: onBytes, emit: emit)
        case .maildir:
            for sub in ["new", "cur"] {
                let dir = path + "/" + sub
                for name in listDirectory(dir) where !name.hasPrefix(".") {
                    let p = dir + "/" + name
                    if PathKind.of(p) == .file { readFile(p, onBytes: onBytes, emit: emit) }
                }
            }
        case .directory:
            guard maxDirectoryDepth.allows(depth) else {
                var job = ScanJob(bytes: [], input: path)
                job.error = InputError(path: path, reason: "directory nesting above \(maxDirectoryDepth)")
                emit(job)
                return
            }
            for name in listDirectory(path) {
                let p = path.hasSuffix("/") ? path + name : path + "/" + name
                switch PathKind.of(p) {
                case .file, .directory, .maildir: jobs(at: p, depth: depth + 1, onBytes: onBytes, emit: emit)
                default: continue
                }
            }
        case .missing:
            var job = ScanJob(bytes: [], input: path)
            job.error = InputError(path: path, reason: "no such file or directory")
            emit(job)
        case .other:
            var job = ScanJob(bytes: [], input: path)
            job.error = InputError(path: path, reason: "not a regular file")
            emit(job)
        }
    }

    /// Reads one file: an mbox is split while streaming; anything else is read whole, through a padding stripper
    /// when it is larger than `maxFileBytes`.
    func readFile(_ path: String, onBytes: (Int) -> Void, emit: (ScanJob) -> Void) {
        let name = path == "-" ? nil : path.split(separator: "/").last.map(String.init)
        do {
            let source = try FileSource(path: path)
            let first = try source.read()
            if Sniffer.sniff(first[...]) == .mbox {
                var splitter = MboxSplitter(maxMessageBytes: maxFileBytes)
                var chunk = first
                while true {
                    let messages = chunk.isEmpty ? splitter.finish() : splitter.feed(chunk[...])
                    onBytes(chunk.count)
                    for m in messages {
                        var job = ScanJob(bytes: m.bytes[...], input: path)
                        job.messageIndex = m.index
                        job.messageOffset = m.offset
                        job.messageLine = m.line
                        job.truncated = m.truncated
                        emit(job)
                    }
                    if chunk.isEmpty { break }
                    chunk = try source.read()
                }
                return
            }
            if first.count < FileSource.chunkSize {
                onBytes(first.count)
                emit(ScanJob(bytes: first[...], input: path, name: name))
                return
            }
            // Large: keep reading; beyond maxFileBytes drop zero padding and cut.
            var whole = first
            var chunk = try source.read()
            while !chunk.isEmpty, whole.count + chunk.count <= maxFileBytes {
                whole.append(contentsOf: chunk)
                chunk = try source.read()
            }
            if chunk.isEmpty {
                onBytes(whole.count)
                emit(ScanJob(bytes: whole[...], input: path, name: name))
                return
            }
            var stripper = PaddingStripper(minimumRun: minimumPaddingRun, keepLimit: maxFileBytes)
            stripper.write(whole[...])
            whole = []
            while !chunk.isEmpty {
                stripper.write(chunk[...])
                chunk = try source.read()
            }
            let out = stripper.finish()
            var job = ScanJob(bytes: out.bytes[...], input: path, name: name)
            job.padding = out.padding
            job.originalSize = out.totalBytes
            job.truncated = out.truncated
            onBytes(out.totalBytes)
            emit(job)
        } catch {
            var job = ScanJob(bytes: [], input: path, name: name)
            job.error = error
            emit(job)
        }
    }
}

