// swift-tools-version: 6.1
import PackageDescription

// The live forecast's throughput, refresh time and memory (issue 13), outside the main package so
// that it builds in release on its own: `swift run -c release live-forecast-bench DATA MODEL`.
let package = Package(
    name: "LiveForecastBench",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Restock", path: "../../..")],
    targets: [
        .executableTarget(name: "live-forecast-bench", dependencies: [
            .product(name: "Stream", package: "Restock"), .product(name: "Features", package: "Restock"),
            .product(name: "Forest", package: "Restock"), .product(name: "Decisions", package: "Restock"),
            .product(name: "Tabular", package: "Restock"),
        ], path: "Sources/LiveForecastBench"),
    ]
)
