// swift-tools-version: 6.0
// libFuzzer targets for Emoguard's parsers. Build and run with fuzz/run.sh (see fuzz/README.md).
import PackageDescription

let fuzzTargets = [
    "FuzzMIME", "FuzzZIP", "FuzzScan", "FuzzCFB", "FuzzVBA", "FuzzXLM", "FuzzOOXML", "FuzzOfficeCrypto",
    "FuzzRegistry", "FuzzHostSnapshot", "FuzzLNK", "FuzzPE", "FuzzOneNote", "FuzzRTF", "FuzzDiskImage",
    "FuzzHTML", "FuzzScripts",
    "FuzzIntel", "FuzzMailSignals", "FuzzMilter",
]

let package = Package(
    name: "EmoguardFuzz",
    dependencies: [.package(name: "Emoguard", path: "..")],
    targets: [.target(name: "FuzzDriver")] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: [
                "FuzzDriver",
                .product(name: "MIME", package: "Emoguard"),
                .product(name: "ZIP", package: "Emoguard"),
                .product(name: "Inspection", package: "Emoguard"),
                .product(name: "CompoundFile", package: "Emoguard"),
                .product(name: "OfficeMacros", package: "Emoguard"),
                .product(name: "OOXML", package: "Emoguard"),
                .product(name: "OfficeCrypto", package: "Emoguard"),
                .product(name: "Registry", package: "Emoguard"),
                .product(name: "HostCheck", package: "Emoguard"),
                .product(name: "ShellLink", package: "Emoguard"),
                .product(name: "PE", package: "Emoguard"),
                .product(name: "OneNote", package: "Emoguard"),
                .product(name: "RTF", package: "Emoguard"),
                .product(name: "DiskImage", package: "Emoguard"),
                .product(name: "HTML", package: "Emoguard"),
                .product(name: "Scripts", package: "Emoguard"),
                .product(name: "ByteCursor", package: "Emoguard"),
                .product(name: "ThreatIntel", package: "Emoguard"),
                .product(name: "MailSignals", package: "Emoguard"),
                .product(name: "Milter", package: "Emoguard"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    },
    swiftLanguageModes: [.v6]
)
