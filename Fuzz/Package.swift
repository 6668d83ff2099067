// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for the readers of input from outside: DBN, Parquet, the text formats and the live gateway's stream.
// Not part of the main package (they are built with AddressSanitizer and coverage for
// libFuzzer, and link its runtime); `scripts/fuzz.sh` builds and runs them. See docs/FUZZING.md.
let package = Package(
    name: "PrecedentFuzz",
    dependencies: [.package(name: "Precedent", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "fuzz-dbn", dependencies: ["CFuzzDriver", .product(name: "PrecedentDBN", package: "Precedent")]),
        .executableTarget(name: "fuzz-live", dependencies: ["CFuzzDriver", .product(name: "PrecedentLive", package: "Precedent")]),
        .executableTarget(name: "fuzz-parquet", dependencies: ["CFuzzDriver", .product(name: "PrecedentLake", package: "Precedent")]),
        .executableTarget(
            name: "fuzz-text",
            dependencies: ["CFuzzDriver", .product(name: "PrecedentBars", package: "Precedent"),
                           .product(name: "PrecedentLOBSTER", package: "Precedent")]),
    ],
    swiftLanguageModes: [.v6]
)
