// swift-tools-version: 6.1
import PackageDescription

// Dependencies point one way, along the data flow:
// PrecedentCore (units) → PrecedentDBN (codec, symbology) → PrecedentBook (L3 book)
// → PrecedentLake (Parquet, partitions) → PrecedentFeatures (sessions, levels, silver)
// → PrecedentSetups (triggers, labels, retrieval) → PrecedentEngine (one record at a time)
// → PrecedentPipeline (stages, runner) → PrecedentLive (gateway client, recorder) → PrecedentServer (API, stream, page) → PrecedentCLI (commands) → precedent.
let package = Package(
    name: "Precedent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "precedent", targets: ["precedent"]),
        .executable(name: "precedent-bench", targets: ["precedent-bench"]),
        .library(name: "PrecedentCore", targets: ["PrecedentCore"]),
        .library(name: "PrecedentDBN", targets: ["PrecedentDBN"]),
        .library(name: "PrecedentBook", targets: ["PrecedentBook"]),
        .library(name: "PrecedentLOBSTER", targets: ["PrecedentLOBSTER"]),
        .library(name: "PrecedentLake", targets: ["PrecedentLake"]),
        .library(name: "PrecedentFeatures", targets: ["PrecedentFeatures"]),
        .library(name: "PrecedentPipeline", targets: ["PrecedentPipeline"]),
        .library(name: "PrecedentRetrieval", targets: ["PrecedentRetrieval"]),
        .library(name: "PrecedentSetups", targets: ["PrecedentSetups"]),
        .library(name: "PrecedentEngine", targets: ["PrecedentEngine"]),
        .library(name: "PrecedentServer", targets: ["PrecedentServer"]),
        .library(name: "PrecedentLive", targets: ["PrecedentLive"]),
        .library(name: "PrecedentBars", targets: ["PrecedentBars"]),
        .library(name: "PrecedentWarehouse", targets: ["PrecedentWarehouse"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(
            name: "CSnappy", path: "Sources/CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CGzip", path: "Sources/CGzip", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "PrecedentCore"),
        .target(name: "PrecedentDBN", dependencies: ["PrecedentCore", "CZstd"]),
        .target(name: "PrecedentBook", dependencies: ["PrecedentCore", "PrecedentDBN"]),
        // The lake: Apache Parquet writer and reader (no Swift library exists; verified against pyarrow).
        .target(
            name: "PrecedentLake",
            dependencies: [
                "PrecedentCore", "PrecedentDBN", "CZstd", "CSnappy", "CGzip",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // LOBSTER (NASDAQ) order-by-order files into DBN MBO; uses the book to seed pre-session orders.
        .target(name: "PrecedentLOBSTER", dependencies: ["PrecedentCore", "PrecedentDBN", "PrecedentBook"]),
        // Sessions, levels and the 5-second level-vacuum features (docs/PIPELINE.md, docs/FEATURES.md).
        .target(name: "PrecedentFeatures", dependencies: ["PrecedentCore", "PrecedentDBN", "PrecedentBook", "PrecedentLake"]),
        // The bars side (docs/BARS.md): readers, per-contract bars, resampling, indicators.
        .target(name: "PrecedentBars",
                dependencies: ["PrecedentCore", "PrecedentDBN", "PrecedentLake", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The embedded warehouse (SQLite via GRDB): validated, idempotent loads of the daily matrix.
        .target(name: "PrecedentWarehouse",
                dependencies: ["PrecedentCore", "PrecedentBars", "PrecedentLake", .product(name: "GRDB", package: "GRDB.swift")]),
        // Exact k-NN (SIMD scan, OpenBLAS batches).
        .target(name: "CPrefetch"),
        .target(name: "PrecedentRetrieval", dependencies: ["COpenBLAS", "CPrefetch"]),
        // Gold: triggers, vectors, labels, pressure; the precedent index, query and evaluation.
        .target(name: "PrecedentSetups",
                dependencies: ["PrecedentCore", "PrecedentFeatures", "PrecedentLake", "PrecedentRetrieval"]),
        // The engine: one record at a time from books to levels, windows, triggers, labels and answers.
        .target(name: "PrecedentEngine",
                dependencies: ["PrecedentCore", "PrecedentDBN", "PrecedentBook", "PrecedentFeatures", "PrecedentLake", "PrecedentSetups"]),
        // Stage registry, configuration, bronze / selection / levels / silver stages and the runner.
        .target(
            name: "PrecedentPipeline",
            dependencies: [
                "PrecedentCore", "PrecedentDBN", "PrecedentBook", "PrecedentLake", "PrecedentFeatures", "PrecedentSetups", "PrecedentEngine",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Databento's live gateway: protocol state machine, socket client, raw-file recorder (docs/LIVE.md).
        .target(
            name: "PrecedentLive",
            dependencies: ["PrecedentCore", "PrecedentDBN", .product(name: "Crypto", package: "swift-crypto")]),
        // Studies that check the features against published results (docs/STUDIES.md), and the evaluation's report page.
        .target(name: "PrecedentStudies", dependencies: ["PrecedentCore", "PrecedentDBN", "PrecedentBook", "PrecedentSetups", "PrecedentPipeline"]),
        // `precedent serve`: the JSON API, the WebSocket stream of a replay and the page (docs/API.md).
        .target(
            name: "PrecedentServer",
            dependencies: [
                "PrecedentCore", "PrecedentDBN", "PrecedentBook", "PrecedentLake", "PrecedentFeatures", "PrecedentSetups",
                "PrecedentEngine", "PrecedentPipeline", "PrecedentLive", "PrecedentStudies",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "PrecedentCLI",
            dependencies: [
                "PrecedentCore", "PrecedentDBN", "PrecedentBook", "PrecedentLOBSTER", "PrecedentLake",
                "PrecedentFeatures", "PrecedentPipeline", "PrecedentSetups", "PrecedentRetrieval", "PrecedentBars", "PrecedentWarehouse",
                "PrecedentEngine", "PrecedentServer", "PrecedentLive", "PrecedentStudies",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "precedent", dependencies: ["PrecedentCLI"]),
        // Precedent's half of the benchmarks in Benchmarks/ (not a user command).
        .executableTarget(
            name: "precedent-bench",
            dependencies: [
                "PrecedentCLI", "PrecedentCore", "PrecedentDBN", "PrecedentBook", "PrecedentLake", "PrecedentFeatures",
                "PrecedentPipeline", "PrecedentSetups", "PrecedentRetrieval", "PrecedentBars", "PrecedentEngine", "PrecedentLive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/precedent-bench"),
        // Fixture discovery and reference-implementation helpers shared by the tests.
        .target(
            name: "PrecedentTestSupport",
            dependencies: ["PrecedentCore", "PrecedentDBN"], path: "Tests/PrecedentTestSupport"),
        .testTarget(name: "PrecedentCoreTests", dependencies: ["PrecedentCore"]),
        .testTarget(
            name: "PrecedentDBNTests",
            dependencies: ["PrecedentDBN", "PrecedentTestSupport"]),
        .testTarget(
            name: "PrecedentBookTests",
            dependencies: ["PrecedentBook", "PrecedentDBN", "PrecedentTestSupport"]),
        .testTarget(
            name: "PrecedentLakeTests",
            dependencies: ["PrecedentLake", "PrecedentDBN", "PrecedentTestSupport"]),
        .testTarget(
            name: "PrecedentLOBSTERTests",
            dependencies: ["PrecedentLOBSTER", "PrecedentBook", "PrecedentDBN", "PrecedentTestSupport"]),
        .testTarget(
            name: "PrecedentFeaturesTests",
            dependencies: ["PrecedentFeatures", "PrecedentBook", "PrecedentDBN", "PrecedentCore", "PrecedentTestSupport"]),
        .testTarget(
            name: "PrecedentPipelineTests",
            dependencies: ["PrecedentPipeline", "PrecedentFeatures", "PrecedentLake", "PrecedentDBN", "PrecedentBook", "PrecedentLOBSTER",
                           "PrecedentCore", "PrecedentTestSupport", "PrecedentRetrieval", "PrecedentSetups", "PrecedentEngine"]),
        .testTarget(
            name: "PrecedentBarsTests",
            dependencies: ["PrecedentBars", "PrecedentWarehouse", "PrecedentCore", "PrecedentDBN", "PrecedentLake", "PrecedentTestSupport"]),
        .testTarget(name: "PrecedentRetrievalTests", dependencies: ["PrecedentRetrieval"]),
        .testTarget(
            name: "PrecedentSetupsTests",
            dependencies: ["PrecedentSetups", "PrecedentFeatures", "PrecedentCore", "PrecedentRetrieval", "PrecedentTestSupport"]),
        .testTarget(
            name: "PrecedentServerTests",
            dependencies: [
                "PrecedentServer", "PrecedentPipeline", "PrecedentCore", "PrecedentLake", "PrecedentLOBSTER", "PrecedentTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "PrecedentLiveTests",
            dependencies: ["PrecedentLive", "PrecedentDBN", "PrecedentCore", "PrecedentTestSupport"]),
        .testTarget(
            name: "PrecedentStudiesTests",
            dependencies: ["PrecedentStudies", "PrecedentPipeline", "PrecedentLOBSTER", "PrecedentLake", "PrecedentCore", "PrecedentDBN", "PrecedentTestSupport"]),
        .testTarget(
            name: "PrecedentCLITests",
            dependencies: ["PrecedentCLI", "PrecedentCore", "PrecedentDBN", "PrecedentLake", "PrecedentTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
