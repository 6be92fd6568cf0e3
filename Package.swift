// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Emoguard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "emoguard", targets: ["emoguard"]),
        .library(name: "ByteCursor", targets: ["ByteCursor"]),
        .library(name: "Charsets", targets: ["Charsets"]),
        .library(name: "MIME", targets: ["MIME"]),
        .library(name: "ZIP", targets: ["ZIP"]),
        .library(name: "CompoundFile", targets: ["CompoundFile"]),
        .library(name: "OfficeMacros", targets: ["OfficeMacros"]),
        .library(name: "OOXML", targets: ["OOXML"]),
        .library(name: "OfficeCrypto", targets: ["OfficeCrypto"]),
        .library(name: "ShellLink", targets: ["ShellLink"]),
        .library(name: "PE", targets: ["PE"]),
        .library(name: "OneNote", targets: ["OneNote"]),
        .library(name: "RTF", targets: ["RTF"]),
        .library(name: "DiskImage", targets: ["DiskImage"]),
        .library(name: "Scripts", targets: ["Scripts"]),
        .library(name: "HTML", targets: ["HTML"]),
        .library(name: "Registry", targets: ["Registry"]),
        .library(name: "HostCheck", targets: ["HostCheck"]),
        .library(name: "MailSignals", targets: ["MailSignals"]),
        .library(name: "ThreatIntel", targets: ["ThreatIntel"]),
        .library(name: "EmoguardConfig", targets: ["EmoguardConfig"]),
        .library(name: "Milter", targets: ["Milter"]),
        .library(name: "Inspection", targets: ["Inspection"]),
        .library(name: "MilterServer", targets: ["MilterServer"]),
        .executable(name: "emoguard-milter-load", targets: ["MilterLoad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Base: bounds-checked reads over untrusted bytes, named limits, typed errors.
        .target(name: "ByteCursor", swiftSettings: strict),
        // Text decoding: UTF-8, ISO-2022-JP (+CP50220), CP932/Shift_JIS, EUC-JP, ISO-8859-x, Windows-125x.
        .target(name: "Charsets", dependencies: ["ByteCursor"], swiftSettings: strict),
        // System zlib (raw inflate for ZIP).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Formats (pure, no I/O).
        .target(
            name: "MIME",
            dependencies: ["ByteCursor", "Charsets"],
            swiftSettings: strict),
        .target(
            name: "ZIP",
            dependencies: [
                "ByteCursor", "Charsets", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // Office: Compound File Binary (MS-CFB), VBA (MS-OVBA) and Excel 4.0 macros, OOXML, encrypted documents.
        .target(name: "CompoundFile", dependencies: ["ByteCursor", "Charsets"], swiftSettings: strict),
        .target(name: "OfficeMacros", dependencies: ["ByteCursor", "Charsets", "CompoundFile", "OOXML"], swiftSettings: strict),
        .target(name: "OOXML", dependencies: ["ByteCursor", "Charsets"], swiftSettings: strict),
        .target(
            name: "OfficeCrypto",
            dependencies: [
                "ByteCursor", "CompoundFile", "OOXML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // The other lures (issue 5): shortcuts, executables, OneNote, RTF, disk images and archives, scripts, HTML.
        .target(name: "ShellLink", dependencies: ["ByteCursor", "Charsets"], swiftSettings: strict),
        .target(name: "PE", dependencies: ["ByteCursor", "Charsets"], swiftSettings: strict),
        .target(name: "OneNote", dependencies: ["ByteCursor", "Charsets", "CZlib"], swiftSettings: strict),
        .target(name: "RTF", dependencies: ["ByteCursor", "Charsets", "CompoundFile"], swiftSettings: strict),
        .target(name: "DiskImage", dependencies: ["ByteCursor", "Charsets", "CZlib"], swiftSettings: strict),
        .target(name: "Scripts", dependencies: ["ByteCursor", "Charsets", "OfficeMacros"], swiftSettings: strict),
        .target(name: "HTML", dependencies: ["ByteCursor", "Charsets", "Scripts"], swiftSettings: strict),
        // Windows registry hives (regf), and EmoCheck's logic over a host snapshot (issue 4).
        .target(name: "Registry", dependencies: ["ByteCursor", "Charsets"], swiftSettings: strict),
        .target(name: "HostCheck", dependencies: ["Registry", "ByteCursor", "Charsets", "Inspection"], swiftSettings: strict),
        // Mail-level signals (issue 6): impersonation, lookalike domains, Authentication-Results, threads, URLs.
        .target(name: "MailSignals", dependencies: ["ByteCursor"], swiftSettings: strict),
        // Threat intelligence (issue 6): IOC feeds imported into SQLite (GRDB) and matched in memory.
        .target(
            name: "ThreatIntel", dependencies: ["ByteCursor", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // The milter protocol (issue 7): frames, commands, replies and the session state machine, without I/O.
        .target(name: "Milter", dependencies: ["ByteCursor"], swiftSettings: strict),
        // The configuration file (issue 6): own and partner domains, protected names, thresholds, feeds (YAML).
        .target(name: "EmoguardConfig", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: strict),
        // System liblzma, for tests that read the xz-compressed hive corpus.
        .systemLibrary(name: "CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        // What the test targets share: hex digests, a seeded generator, xz, resource readers, benchmark timing.
        .target(
            name: "TestSupport",
            dependencies: ["CLZMA", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/TestSupport", swiftSettings: strict),
        // The engine: sniffing, recursive extraction with a budget, analyzers, rules, verdict, report.
        .target(
            name: "Inspection",
            dependencies: [
                "ByteCursor", "Charsets", "MIME", "ZIP", "CompoundFile", "OfficeMacros", "OOXML", "OfficeCrypto",
                "ShellLink", "PE", "OneNote", "RTF", "DiskImage", "Scripts", "HTML", "MailSignals",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // The milter server (issue 7): SwiftNIO codec and handler around the `Milter` state machine, the policy
        // per verdict, body spooling, the verdict log and metrics; a ServiceLifecycle `Service`.
        .target(
            name: "MilterServer",
            dependencies: [
                "Milter", "Inspection", "EmoguardConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // Front end.
        .executableTarget(
            name: "emoguard",
            dependencies: [
                "Inspection", "HostCheck", "ThreatIntel", "EmoguardConfig", "MilterServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // The milter load generator and fuzzing client (bench/milter.sh): a milter client on blocking sockets.
        .executableTarget(
            name: "MilterLoad",
            dependencies: ["Milter", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        .testTarget(name: "ByteCursorTests", dependencies: ["ByteCursor"], swiftSettings: strict),
        .testTarget(name: "CharsetsTests", dependencies: ["Charsets"], swiftSettings: strict),
        .testTarget(
            name: "MIMETests", dependencies: ["MIME", "Charsets", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "ZIPTests", dependencies: ["ZIP", "CZlib", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "InspectionTests", dependencies: ["Inspection", "ByteCursor", "MIME", "ZIP", "CompoundFile", "OfficeMacros", "OfficeCrypto"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "CompoundFileTests", dependencies: ["CompoundFile", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "OfficeMacrosTests", dependencies: ["OfficeMacros", "CompoundFile", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "OOXMLTests", dependencies: ["OOXML", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "OfficeCryptoTests", dependencies: ["OfficeCrypto", "CompoundFile", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "ShellLinkTests", dependencies: ["ShellLink", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "PETests", dependencies: ["PE", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "OneNoteTests", dependencies: ["OneNote", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "RTFTests", dependencies: ["RTF", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "DiskImageTests", dependencies: ["DiskImage", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "ScriptsTests", dependencies: ["Scripts", "ByteCursor"], resources: [.copy("Resources")],
            swiftSettings: strict),
        .testTarget(
            name: "HTMLTests", dependencies: ["HTML", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "RegistryTests", dependencies: ["Registry", "ByteCursor", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(
            name: "HostCheckTests", dependencies: ["HostCheck", "Registry", "Inspection", "TestSupport"],
            resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(name: "MailSignalsTests", dependencies: ["MailSignals", "ByteCursor", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ThreatIntelTests", dependencies: ["ThreatIntel", "TestSupport"], resources: [.copy("Resources")],
            swiftSettings: strict),
        .testTarget(name: "MilterTests", dependencies: ["Milter", "ByteCursor", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "MilterServerTests",
            dependencies: [
                "MilterServer", "Milter", "Inspection",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "EmoguardConfigTests", dependencies: ["EmoguardConfig"], resources: [.copy("Resources")],
            swiftSettings: strict),
        .testTarget(name: "EmoguardCLITests", dependencies: ["Inspection", "CZlib"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
