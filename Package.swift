// swift-tools-version: 6.1
import PackageDescription

/// Hot kernels (CSV parsing, histogram building, tree traversal) are written over unsafe buffer
/// pointers, so plain `-O` already reaches C speed; these flags only remove the remaining
/// exclusivity checks in release builds (see ../shared/design/SWIFT-NOTES.md §3).
let kernelFlags: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "Restock",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "restock", targets: ["restock"]),
        .library(name: "Tabular", targets: ["Tabular"]),
        .library(name: "Evaluate", targets: ["Evaluate"]),
        .library(name: "ClickHouse", targets: ["ClickHouse"]),
        .library(name: "Features", targets: ["Features"]),
        .library(name: "Serve", targets: ["Serve"]),
        .library(name: "Forest", targets: ["Forest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenBLAS",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .target(name: "Tabular", swiftSettings: kernelFlags),
        .target(name: "Evaluate", dependencies: ["Tabular", "Forest", "COpenBLAS"], swiftSettings: kernelFlags),
        .target(name: "ClickHouse", dependencies: ["CCurl"]),
        .target(name: "Features", dependencies: ["Tabular", "ClickHouse"], swiftSettings: kernelFlags),
        .target(name: "Forest", dependencies: ["Tabular"], swiftSettings: kernelFlags),
        .target(name: "Serve", dependencies: ["Tabular", "Forest", "Evaluate", "Features", "ClickHouse"], swiftSettings: kernelFlags),
        .target(name: "TestSupport", dependencies: ["Tabular", "ClickHouse"], path: "Tests/TestSupport"),
        .executableTarget(name: "restock", dependencies: [
            "Tabular", "Forest", "Evaluate", "ClickHouse", "Features", "Serve",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "TabularTests", dependencies: ["Tabular", "TestSupport"]),
        .testTarget(name: "EvaluateTests", dependencies: ["Evaluate", "Tabular", "TestSupport"]),
        .testTarget(name: "ClickHouseTests", dependencies: ["ClickHouse", "TestSupport"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "ClickHouse", "TestSupport"]),
        .testTarget(name: "ForestTests", dependencies: ["Forest", "Tabular", "TestSupport"]),
        .testTarget(name: "ServeTests", dependencies: ["Serve", "Forest", "Evaluate", "Features", "Tabular", "ClickHouse", "TestSupport"]),
        .testTarget(name: "RestockCLITests", dependencies: ["restock", "Forest", "Features", "Tabular", "ClickHouse", "TestSupport"]),
    ]
)
