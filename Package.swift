// swift-tools-version: 6.1
import PackageDescription

/// Hot kernels (CSV parsing, histogram building, tree traversal) are written over unsafe buffer
/// pointers, so plain `-O` already reaches C speed; these flags only remove the remaining
/// exclusivity checks in release builds (see ../shared/design/SWIFT-NOTES.md §3).
let kernelFlags: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

// The targets and who may import whom are docs/architecture.md's table; ArchitectureTests reads this
// file and every import line of Sources/ and fails when a dependency or an import breaks that table.
// Keep each target's name and dependency list together on its line(s) so that the test can read them.
/// The HTTP server, used by the Web target only (the rest of the package builds without it).
/// With it, its logger and its service group (graceful shutdown), which it already builds.
let hummingbird: [Target.Dependency] = [
    .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
]

let package = Package(
    name: "Restock",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "restock", targets: ["restock"]),
        .library(name: "Tabular", targets: ["Tabular"]),
        .library(name: "TabularIO", targets: ["TabularIO"]),
        .library(name: "Forest", targets: ["Forest"]),
        .library(name: "Decisions", targets: ["Decisions"]),
        .library(name: "Evaluate", targets: ["Evaluate"]),
        .library(name: "HTTPClient", targets: ["HTTPClient"]),
        .library(name: "ClickHouse", targets: ["ClickHouse"]),
        .library(name: "Features", targets: ["Features"]),
        .library(name: "Generator", targets: ["Generator"]),
        .library(name: "Serve", targets: ["Serve"]),
        .library(name: "Warehouse", targets: ["Warehouse"]),
        .library(name: "Lineage", targets: ["Lineage"]),
        .library(name: "Stream", targets: ["Stream"]),
        .library(name: "Web", targets: ["Web"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Only the Web target uses Hummingbird; no trait (swift-configuration, full Foundation) is needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.14.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CNats", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .target(name: "Tabular", dependencies: [], swiftSettings: kernelFlags),
        .target(name: "TabularIO", dependencies: ["Tabular"], swiftSettings: kernelFlags),
        .target(name: "Forest", dependencies: ["Tabular"], swiftSettings: kernelFlags),
        .target(name: "Decisions", dependencies: ["Tabular"], swiftSettings: kernelFlags),
        .target(name: "Evaluate", dependencies: ["Tabular", "Forest", "Decisions", "COpenBLAS"], swiftSettings: kernelFlags),
        .target(name: "HTTPClient", dependencies: ["CCurl"]),
        .target(name: "ClickHouse", dependencies: ["HTTPClient"]),
        .target(name: "Features", dependencies: ["Tabular", "TabularIO"], swiftSettings: kernelFlags),
        .target(name: "Generator", dependencies: ["Features", "TabularIO"], swiftSettings: kernelFlags),
        .target(name: "Serve", dependencies: ["Tabular", "TabularIO", "Forest", "Features", "Decisions"], swiftSettings: kernelFlags),
        .target(name: "Warehouse", dependencies: ["Features", "Serve", "ClickHouse"], swiftSettings: kernelFlags),
        .target(name: "Lineage", dependencies: ["HTTPClient"]),
        .target(name: "Stream", dependencies: ["Features", "Serve", "Decisions", "Warehouse", "CNats", "CRdKafka"], swiftSettings: kernelFlags),
        .target(name: "Web", dependencies: ["Serve", "Decisions"] + hummingbird, swiftSettings: kernelFlags),
        .executableTarget(name: "restock", dependencies: [
            "Tabular", "TabularIO", "Forest", "Decisions", "Evaluate", "HTTPClient", "ClickHouse", "Features", "Generator",
            "Serve", "Warehouse", "Lineage", "Stream", "Web",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "TestSupport", dependencies: ["Tabular", "TabularIO", "Forest", "Features", "Generator", "ClickHouse"], path: "Tests/TestSupport"),
        .testTarget(name: "TabularTests", dependencies: ["Tabular", "TestSupport"]),
        .testTarget(name: "TabularIOTests", dependencies: ["TabularIO", "Tabular", "TestSupport"]),
        .testTarget(name: "ForestTests", dependencies: ["Forest", "Tabular", "TestSupport"]),
        .testTarget(name: "DecisionsTests", dependencies: ["Decisions", "Evaluate", "TestSupport"]),
        .testTarget(name: "EvaluateTests", dependencies: ["Evaluate", "Tabular", "TestSupport"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "TestSupport"]),
        .testTarget(name: "ClickHouseTests", dependencies: ["ClickHouse", "HTTPClient", "TestSupport"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "TabularIO", "Tabular", "TestSupport"]),
        .testTarget(name: "GeneratorTests", dependencies: ["Generator", "Features", "TabularIO", "Tabular", "TestSupport"]),
        .testTarget(name: "ServeTests", dependencies: ["Serve", "Decisions", "Forest", "Features", "TabularIO", "Tabular", "TestSupport"]),
        .testTarget(name: "WarehouseTests", dependencies: ["Warehouse", "Generator", "Serve", "Decisions", "Forest", "Features", "TabularIO", "Tabular", "ClickHouse", "TestSupport"]),
        .testTarget(name: "StreamTests", dependencies: ["Stream", "Warehouse", "Generator", "Serve", "Decisions", "Forest", "Features", "TabularIO", "Tabular", "ClickHouse", "TestSupport"]),
        .testTarget(name: "WebTests", dependencies: ["Web", "Serve", "Decisions", "Forest", "Features", "TabularIO", "Tabular", "HTTPClient", "TestSupport"]),
        .testTarget(name: "LineageTests", dependencies: ["Lineage", "HTTPClient", "TestSupport"]),
        .testTarget(name: "ArchitectureTests", dependencies: []),
        .testTarget(name: "RestockCLITests", dependencies: ["restock", "Warehouse", "Lineage", "HTTPClient", "Forest", "Features", "TabularIO", "Tabular", "ClickHouse", "TestSupport"]),
    ]
)
