import ByteCursor
import Charsets

/// The LinkInfo structure: where the target was when the link was made ([MS-SHLLINK] 2.3).
///
/// ```
///  0x00 LinkInfoSize u32 (whole structure)   0x04 LinkInfoHeaderSize u32 (0x1C, or >= 0x24 with Unicode offsets)
///  0x08 LinkInfoFlags u32: 1 VolumeIDAndLocalBasePath, 2 CommonNetworkRelativeLinkAndPathSuffix
///  0x0C VolumeIDOffset  0x10 LocalBasePathOffset  0x14 CommonNetworkRelativeLinkOffset  0x18 CommonPathSuffixOffset
///  0x1C LocalBasePathOffsetUnicode  0x20 CommonPathSuffixOffsetUnicode      (offsets from the structure's start)
///
///  VolumeID: size u32 (> 0x10), DriveType u32, DriveSerialNumber u32, VolumeLabelOffset u32
///            (0x14: VolumeLabelOffsetUnicode u32 follows), label NUL-terminated
///  CommonNetworkRelativeLink: size u32 (>= 0x14), flags u32 (1 ValidDevice, 2 ValidNetType),
///            NetNameOffset u32, DeviceNameOffset u32, NetworkProviderType u32,
///            (NetNameOffset > 0x14: NetNameOffsetUnicode u32, DeviceNameOffsetUnicode u32)
/// ```
public struct LinkInfo: Sendable, Hashable {
    /// LinkInfoFlags.
    public var flags: UInt32
    /// DRIVE_UNKNOWN 0, NO_ROOT_DIR 1, REMOVABLE 2, FIXED 3, REMOTE 4, CDROM 5, RAMDISK 6.
    public var driveType: UInt32?
    /// The volume serial number, a host identifier.
    public var driveSerialNumber: UInt32?
    /// The volume label.
    public var volumeLabel: String?
    /// The local path of the target (Unicode when present, else ANSI).
    public var localBasePath: String?
    /// The share name, `\\server\share`.
    public var netName: String?
    /// The mapped drive, `Z:`.
    public var deviceName: String?
    /// The network provider type (WNNC_NET_*), when the ValidNetType flag is set.
    public var networkProviderType: UInt32?
    /// The part of the path after the local base path or the share (Unicode when present, else ANSI).
    public var commonPathSuffix: String?

    /// The local target path: base path and suffix joined.
    public var localPath: String? {
        guard let base = localBasePath, !base.isEmpty else { return nil }
        return Self.join(base, commonPathSuffix)
    }

    /// The network target path: share and suffix joined.
    public var networkPath: String? {
        guard let net = netName, !net.isEmpty else { return nil }
        return Self.join(net, commonPathSuffix)
    }

    static func join(_ base: String, _ suffix: String?) -> String {
        guard let suffix, !suffix.isEmpty else { return base }
        return base.hasSuffix("\\") ? base + suffix : base + "\\" + suffix
    }

    /// Parses a LinkInfo from its bytes (its size field included); `start` is their offset in the input.
    init(_ bytes: ArraySlice<UInt8>, start: Int, charset: Charset, log: inout AnomalyLog) throws {
        var c = ByteCursor(bytes)
        let size = bytes.count
        _ = try c.readUInt32LE()
        let headerSize = Int(try c.readUInt32LE())
        flags = try c.readUInt32LE()
        let volumeIDOffset = Int(try c.readUInt32LE())
        let localBasePathOffset = Int(try c.readUInt32LE())
        let networkOffset = Int(try c.readUInt32LE())
        let suffixOffset = Int(try c.readUInt32LE())
        var localUnicodeOffset: Int?
        var suffixUnicodeOffset: Int?
        if headerSize >= 0x24 {
            localUnicodeOffset = Int(try c.readUInt32LE())
            suffixUnicodeOffset = Int(try c.readUInt32LE())
        } else if headerSize != 0x1C {
            log.record(.badLinkInfo, offset: start + 4, "LinkInfoHeaderSize \(headerSize) is neither 0x1C nor >= 0x24")
        }

        /// The bytes from `offset` (relative to the structure) to the end of the structure.
        func tail(_ offset: Int, _ what: String) -> ArraySlice<UInt8>? {
            guard offset > 0 else { return nil }
            guard offset < size else {
                log.record(.badLinkInfo, offset: start, "\(what) offset \(offset) is outside the \(size)-byte LinkInfo")
                return nil
            }
            return bytes.dropFirst(offset)
        }
        func string(_ offset: Int, unicode: Bool, _ what: String) -> String? {
            guard let bytes = tail(offset, what) else { return nil }
            if unicode {
                if Text.utf16Length(bytes) == bytes.count, bytes.count >= 2, bytes.suffix(2) != [0, 0] {
                    log.record(.badLinkInfo, offset: start + offset, "\(what) has no terminator")
                }
                return Text.utf16(bytes)
            }
            if !bytes.contains(0) { log.record(.badLinkInfo, offset: start + offset, "\(what) has no terminator") }
            return Text.ansi(bytes, charset: charset)
        }

        if flags & 1 != 0 {
            if let volume = tail(volumeIDOffset, "VolumeID") {
                var v = ByteCursor(volume)
                let volumeStart = start + volumeIDOffset
                let volumeSize = Int(try v.readUInt32LE())
                driveType = try v.readUInt32LE()
                driveSerialNumber = try v.readUInt32LE()
                let labelOffset = Int(try v.readUInt32LE())
                if volumeSize <= 0x10 || volumeSize > volume.count {
                    log.record(.badLinkInfo, offset: volumeStart, "VolumeIDSize \(volumeSize) is out of range")
                }
                let window = volume.prefix(max(0x10, min(volumeSize, volume.count)))
                var labelAt = labelOffset
                var unicode = false
                if labelOffset == 0x14 {
                    labelAt = Int(try v.readUInt32LE())
                    unicode = true
                }
                if labelAt > 0, labelAt < window.count {
                    let bytes = window.dropFirst(labelAt)
                    volumeLabel = unicode ? Text.utf16(bytes) : Text.ansi(bytes, charset: charset)
                } else if labelAt != 0 {
                    log.record(.badLinkInfo, offset: volumeStart, "volume label offset \(labelAt) is outside VolumeID")
                }
            }
            localBasePath = string(localBasePathOffset, unicode: false, "LocalBasePath")
            if let u = localUnicodeOffset, u != 0, let s = string(u, unicode: true, "LocalBasePathUnicode") {
                localBasePath = s
            }
        }
        if flags & 2 != 0, let network = tail(networkOffset, "CommonNetworkRelativeLink") {
            var n = ByteCursor(network)
            let networkStart = start + networkOffset
            let linkSize = Int(try n.readUInt32LE())
            let linkFlags = try n.readUInt32LE()
            let netNameOffset = Int(try n.readUInt32LE())
            let deviceNameOffset = Int(try n.readUInt32LE())
            let providerType = try n.readUInt32LE()
            if linkFlags & 2 != 0 { networkProviderType = providerType }
            if linkSize < 0x14 || linkSize > network.count {
                log.record(.badLinkInfo, offset: networkStart, "CommonNetworkRelativeLinkSize \(linkSize) is out of range")
            }
            let window = network.prefix(max(0x14, min(linkSize, network.count)))
            func field(_ offset: Int, unicode: Bool) -> String? {
                guard offset > 0, offset < window.count else {
                    if offset != 0 {
                        log.record(.badLinkInfo, offset: networkStart, "name offset \(offset) is outside the link")
                    }
                    return nil
                }
                let bytes = window.dropFirst(offset)
                return unicode ? Text.utf16(bytes) : Text.ansi(bytes, charset: charset)
            }
            netName = field(netNameOffset, unicode: false)
            if linkFlags & 1 != 0 { deviceName = field(deviceNameOffset, unicode: false) }
            if netNameOffset > 0x14 {
                let netUnicode = Int(try n.readUInt32LE())
                let deviceUnicode = Int(try n.readUInt32LE())
                if let s = field(netUnicode, unicode: true), !s.isEmpty { netName = s }
                if linkFlags & 1 != 0, let s = field(deviceUnicode, unicode: true), !s.isEmpty { deviceName = s }
            }
        }
        commonPathSuffix = string(suffixOffset, unicode: false, "CommonPathSuffix")
        if let u = suffixUnicodeOffset, u != 0, let s = string(u, unicode: true, "CommonPathSuffixUnicode") {
            commonPathSuffix = s
        }
    }
}
