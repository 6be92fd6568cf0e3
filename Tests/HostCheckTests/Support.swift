import Foundation
import HostCheck
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Test inputs: this target's resources and the regipy hive corpus (xz-compressed).
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.appendingPathComponent("Tests/Corpus/regipy-hives")

    /// `Tests/HostCheckTests/Resources`.
    static var resources: URL {
        Bundle.module.url(forResource: "Resources", withExtension: nil)
            ?? packageRoot.appendingPathComponent("Tests/HostCheckTests/Resources")
    }

    static func resource(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: resources.appendingPathComponent(path)))
    }

    static func resourcePath(_ path: String) -> String { resources.appendingPathComponent(path).path }

    /// A hive: `corpus:NAME.xz` from the regipy corpus, or an xz resource of this target.
    static func hive(_ spec: String) throws -> [UInt8] {
        if spec.hasPrefix("corpus:") {
            let name = String(spec.dropFirst(7))
            return try XZ.decompress(Array(try Data(contentsOf: corpus.appendingPathComponent(name))))
        }
        return try XZ.decompress(try resource("hostcheck/" + spec))
    }

    /// A fresh temporary folder.
    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("emoguard-hostcheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

/// The collections described by `Resources/hostcheck/collections.json` (written by
/// `scripts/make-hostcheck-fixtures.py`), built in a temporary folder as the script's `--materialize` builds them:
/// hives decompressed, PE stubs and boot sectors written, sparse files truncated, times set (utimensat, as touch -d).
struct Collection: Decodable, Sendable {
    struct File: Decodable, Sendable {
        var path: String
        var content: String
        var size: Int?
        var mtime: String
        var sparse: Bool?
        var text: String?
        var serial: String?
    }

    struct Dir: Decodable, Sendable {
        var path: String
        var mtime: String
    }

    struct Expect: Decodable, Sendable {
        var exit: Int32
        var status: String
        var hostname: String?
        var detections: [ExpectedDetection]
    }

    struct ExpectedDetection: Decodable, Sendable {
        var generation: String
        var confirmation: String
        var process: String?
        var file: String?
        var pid: Int?
        var padding: Bool?
    }

    var name: String
    var volume: String
    var description: String
    var hives: [String: String]
    var files: [File]
    var dirs: [Dir]?
    var processes: [String]
    var volumeSerial: String?
    var expect: Expect

    static let defaultTime = "2023-03-07T09:00:00Z"

    struct Manifest: Decodable {
        var collections: [Collection]
    }

    static func all() throws -> [Collection] {
        try JSONDecoder().decode(Manifest.self, from: Data(try Fixtures.resource("hostcheck/collections.json")))
            .collections
    }

    static func named(_ name: String) throws -> Collection {
        guard let c = try all().first(where: { $0.name == name }) else { throw CocoaError(.fileNoSuchFile) }
        return c
    }

    /// Builds the collection under `dest`: `dest/<volume>/...`, and returns `dest`.
    func materialize(in dest: URL) throws -> URL {
        let fm = FileManager.default
        let vol = dest.appendingPathComponent(volume)
        try fm.createDirectory(at: vol, withIntermediateDirectories: true)
        for (rel, spec) in hives {
            let url = vol.appendingPathComponent(rel)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(try Fixtures.hive(spec)).write(to: url)
        }
        for f in files {
            let url = vol.appendingPathComponent(f.path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            var data: [UInt8]
            switch f.content {
            case "pe": data = Stubs.pe()
            case "boot": data = Stubs.bootSector(serial: UInt32(f.serial ?? "0", radix: 16) ?? 0)
            default: data = Array((f.text ?? "").utf8)
            }
            if let size = f.size, size > data.count, f.sparse != true {
                let filler = Array("emoguard fixture filler. ".utf8)
                while data.count < size { data.append(filler[data.count % filler.count]) }
                data = Array(data.prefix(size))
            }
            try Data(data).write(to: url)
            if let size = f.size, f.sparse == true { truncate(url.path, off_t(size)) }
            try Self.setTime(url.path, f.mtime)
        }
        // Folder times last, deepest first.
        let explicit = Dictionary(uniqueKeysWithValues: (dirs ?? []).map { ($0.path, $0.mtime) })
        var folders: [String] = []
        if let e = fm.enumerator(atPath: vol.path) {
            while let rel = e.nextObject() as? String {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: vol.appendingPathComponent(rel).path, isDirectory: &isDir), isDir.boolValue {
                    folders.append(rel)
                }
            }
        }
        for rel in folders.sorted(by: { $0.count > $1.count }) + [""] {
            try Self.setTime(rel.isEmpty ? vol.path : vol.appendingPathComponent(rel).path, explicit[rel] ?? Self.defaultTime)
        }
        for p in processes + (volumeSerial.map { [$0] } ?? []) {
            try Data(try Fixtures.resource("hostcheck/" + p)).write(
                to: dest.appendingPathComponent((p as NSString).lastPathComponent))
        }
        return dest
    }

    /// The process list files as they lie beside the built collection.
    func processPaths(in dest: URL) -> [String] {
        processes.map { dest.appendingPathComponent(($0 as NSString).lastPathComponent).path }
    }

    func volumeSerialPath(in dest: URL) -> String? {
        volumeSerial.map { dest.appendingPathComponent(($0 as NSString).lastPathComponent).path }
    }

    /// Sets a file's access and modification times (as `touch -d`).
    static func setTime(_ path: String, _ iso: String) throws {
        guard let date = ISO8601DateFormatter().date(from: iso) else { throw CocoaError(.formatting) }
        let seconds = Int(date.timeIntervalSince1970)
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        guard utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Builds the collection, reads it and checks it (processes and serial file as the manifest says).
    func check(inspect: Bool = true) throws -> (HostCheckResult, URL) {
        let dest = try materialize(in: try Fixtures.tempDir())
        var snapshot = try TriageFolderReader().read(dest.path)
        if let serial = volumeSerialPath(in: dest) { snapshot.volumeSerial = try VolumeSerialReader.read(serial) }
        for p in processPaths(in: dest) {
            let (records, _) = try ProcessListReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: p)))[...], source: p)
            snapshot.addProcesses(records, source: p)
        }
        let checker = HostChecker(inspector: inspect ? .init() : nil)
        return (checker.check(snapshot), dest)
    }
}

/// Benign stand-ins, byte for byte what the fixture script writes.
enum Stubs {
    /// A 512-byte PE header with no code (see `scripts/make-hostcheck-fixtures.py`, `pe_stub`).
    static func pe() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 512)
        b[0] = 0x4D
        b[1] = 0x5A
        b[0x3C] = 0x40
        b.replaceSubrange(0x40..<0x44, with: Array("PE".utf8) + [0, 0])
        let coff = 0x44
        b[coff] = 0x4C
        b[coff + 1] = 0x01
        b[coff + 16] = 0xE0
        b[coff + 18] = 0x02
        b[coff + 19] = 0x21
        b[coff + 20] = 0x0B
        b[coff + 21] = 0x01
        let marker = Array("emoguard test stub: a PE header with no code".utf8)
        b.replaceSubrange((0x200 - marker.count - 1)..<(0x200 - 1), with: marker)
        return b
    }

    /// An NTFS boot sector with `serial` as the low 32 bits of its volume serial.
    static func bootSector(serial: UInt32) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 512)
        b.replaceSubrange(0..<3, with: [0xEB, 0x52, 0x90])
        b.replaceSubrange(3..<11, with: Array("NTFS    ".utf8))
        b[0x0B] = 0x00
        b[0x0C] = 0x02
        b[0x0D] = 8
        let full = UInt64(0x3A4B_0000_0000_0000) | UInt64(serial)
        for i in 0..<8 { b[0x48 + i] = UInt8(truncatingIfNeeded: full >> (8 * UInt64(i))) }
        b[510] = 0x55
        b[511] = 0xAA
        return b
    }
}

/// Runs the built `emoguard` binary.
enum CLI {
    static var binary: URL {
        let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent()
        for dir in [bundleDir, Bundle.main.bundleURL, Fixtures.packageRoot.appendingPathComponent(".build/debug")] {
            let candidate = dir.appendingPathComponent("emoguard")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return Fixtures.packageRoot.appendingPathComponent(".build/debug/emoguard")
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ args: [String], cwd: URL? = nil, env: [String: String]? = nil) throws -> Output {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = cwd ?? Fixtures.packageRoot
        if let env { p.environment = env }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
