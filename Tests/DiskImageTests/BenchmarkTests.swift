import ByteCursor
import DiskImage
import Foundation
import Testing

/// Listing and reading a large image in release mode; opt-in, on an image made outside the repository:
///
///     truncate -s 300M /tmp/big/invoice.dll && printf 'MZ' | dd of=/tmp/big/invoice.dll conv=notrunc
///     genisoimage -quiet -J -R -udf -o /tmp/big.iso /tmp/big
///     DISKIMAGE_BENCH=/tmp/big.iso swift test -c release --filter DiskImageTests.BenchmarkTests
@Suite("Benchmarks", .enabled(if: ProcessInfo.processInfo.environment["DISKIMAGE_BENCH"] != nil), .serialized)
struct BenchmarkTests {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let elapsed = try ContinuousClock().measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func listAndReadEveryEntry() throws {
        let path = try #require(ProcessInfo.processInfo.environment["DISKIMAGE_BENCH"])
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped))
        var image: DiskImage?
        let list = try Self.seconds { image = try DiskImage(parsing: bytes) }
        let img = try #require(image)
        var total = 0
        var kept = 0
        let read = try Self.seconds {
            for entry in img.entries where !entry.isDirectory {
                let x = try img.extract(entry, keepLimit: 64 << 20)
                total += x.output.totalBytes
                kept += x.output.bytes.count
            }
        }
        let mib = Double(total) / 1_048_576
        print("BENCH \(path): \(bytes.count >> 20) MiB image, \(img.entries.count) entries (\(img.fileSystems)): "
            + "listed in \(String(format: "%.4f", list)) s; read \(String(format: "%.0f", mib)) MiB "
            + "(\(kept) bytes kept) in \(String(format: "%.3f", read)) s = \(String(format: "%.0f", mib / read)) MiB/s")
    }
}
