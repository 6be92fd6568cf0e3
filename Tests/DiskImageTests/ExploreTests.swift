import DiskImage
import Foundation
import Testing

@Test func explore() throws {
    for name in ["lure.iso", "lure-xorriso.iso", "pdfs.iso", "plain.iso", "udf-bridge.iso", "udf-only.img",
                 "udf-empty.img", "fat12.img", "fat12.vhd", "disk-mbr.vhd", "dynamic.vhd", "disk.vhdx"] {
        do {
            let img = try Fixture.image(name)
            print("== \(name): \(img.kind) \(img.fileSystems) label=\(img.volumeLabel ?? "-")")
            for e in img.entries {
                let r = e.isDirectory ? nil : try? img.read(e, keepLimit: 1 << 20)
                print("  \(e.index) \(e.path) size=\(e.size) dir=\(e.isDirectory) hidden=\(e.isHidden) \(e.modified?.description ?? "-") at=\(e.extentOffset ?? -1) \(e.source) read=\(r?.bytes.count ?? -1)")
            }
            for a in img.anomalies { print("  ! \(a)") }
        } catch {
            print("== \(name): \(error)")
        }
    }
}
