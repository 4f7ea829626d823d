import Foundation
import Testing

/// Package.swift and the import lines of Sources/ follow docs/architecture.md's table; and the checks
/// catch a broken graph.
struct TargetGraphTests {
    /// The repository's root: two folders above this file's folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func sources() throws -> (folders: [String], files: [ArchitectureRules.SourceFile]) {
        let sourcesURL = root.appendingPathComponent("Sources")
        let folders = try FileManager.default.contentsOfDirectory(atPath: sourcesURL.path).filter { !$0.hasPrefix(".") }
        var files: [ArchitectureRules.SourceFile] = []
        for folder in folders {
            let base = sourcesURL.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let path = base.appendingPathComponent(relative).path
                files.append(.init(target: folder, path: "Sources/\(folder)/\(relative)", text: try String(contentsOfFile: path, encoding: .utf8)))
            }
        }
        return (folders, files)
    }

    @Test func packageAndImportsFollowTheArchitecture() throws {
        let package = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let (folders, files) = try Self.sources()
        #expect(files.count > 100, "found only \(files.count) source files under \(Self.root.path)")
        let targets = ArchitectureRules.targets(inPackage: package)
        for name in ["Tabular", "TabularIO", "Forest", "Decisions", "Evaluate", "HTTPClient", "ClickHouse", "Features",
                     "Generator", "Serve", "Warehouse", "Lineage", "restock"] {
            #expect(targets[name] != nil, "Package.swift has no target \(name)")
        }
        let problems = ArchitectureRules.violations(package: package, sources: files, sourceFolders: folders)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func aForbiddenDependencyOrImportIsReported() {
        let package = """
            .target(name: "Tabular", dependencies: [], swiftSettings: kernelFlags),
            .target(name: "Forest", dependencies: ["Tabular", "Features"]),
            .target(name: "Features", dependencies: ["Tabular", "TabularIO"]),
            .target(name: "Serve", dependencies: ["Features", "ClickHouse"]),
            .target(name: "Gadget", dependencies: []),
            """
        let sources: [ArchitectureRules.SourceFile] = [
            .init(target: "Forest", path: "Sources/Forest/A.swift", text: "import Features\n/// reads the Instacart files\n"),
            .init(target: "Serve", path: "Sources/Serve/B.swift", text: "@testable import ClickHouse\nimport Foundation\n"),
            .init(target: "Features", path: "Sources/Features/C.swift", text: "let e = ProcessInfo.processInfo.environment\n"),
            .init(target: "Features", path: "Sources/Features/D.swift", text: "import Tabular\nimport TabularIO\n"),
        ]
        let problems = ArchitectureRules.violations(package: package, sources: sources, sourceFolders: ["Forest", "Serve", "Junk"])
        let expected = [
            "Sources/Junk is not a target",
            "Package.swift: Forest depends on Features",
            "Package.swift: Serve depends on ClickHouse",
            "Package.swift: target Gadget is not in",
            "Sources/Forest/A.swift: Forest imports Features",
            "Sources/Forest/A.swift: Forest must not mention 'instacart'",
            "Sources/Serve/B.swift: Serve imports ClickHouse",
            "Sources/Features/C.swift: a library reads environment variables",
        ]
        for line in expected {
            #expect(problems.contains { $0.hasPrefix(line) }, "missing: \(line)\ngot:\n\(problems.joined(separator: "\n"))")
        }
        #expect(problems.count == expected.count, "\(problems.joined(separator: "\n"))")
    }

    @Test func importLinesAreRead() {
        let text = "import Foundation\n@testable import Forest\n  import struct Tabular.FeatureMatrix\n// import Serve\n"
        #expect(ArchitectureRules.imports(inSource: text) == ["Foundation", "Forest", "Tabular"])
    }
}
