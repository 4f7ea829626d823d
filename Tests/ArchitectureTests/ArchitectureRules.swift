import Foundation

/// The target graph of docs/architecture.md as data, and the checks that hold Package.swift and every
/// `import` line of Sources/ to it. Pure: the tests hand in the texts, so the checks can be shown to
/// fail on a broken graph as well as to pass on the real one.
enum ArchitectureRules {
    /// Who may import whom (docs/architecture.md, "Targets"): a target's direct dependencies in
    /// Package.swift must be listed here; a source file may import a listed module or anything a
    /// listed module may import (a module already linked adds no coupling).
    static let allowed: [String: Set<String>] = [
        "Tabular": [],
        "TabularIO": ["Tabular"],
        "Forest": ["Tabular"],
        "Decisions": ["Tabular"],
        "Evaluate": ["Tabular", "Forest", "Decisions", "COpenBLAS"],
        "HTTPClient": ["CCurl"],
        "ClickHouse": ["HTTPClient"],
        "Features": ["Tabular", "TabularIO"],
        "Generator": ["Features", "TabularIO"],
        "Serve": ["Tabular", "TabularIO", "Forest", "Features", "Decisions"],
        "Warehouse": ["Features", "Serve", "ClickHouse"],
        "Stream": ["Features", "Serve", "Decisions", "Warehouse", "CNats", "CRdKafka"],
        "Lineage": ["HTTPClient"],
        "Web": ["Serve", "Decisions", "Warehouse", "Stream"],
        "CCurl": [], "COpenBLAS": [], "CNats": [], "CRdKafka": [],
    ]

    /// Targets that must stay free of any domain or storage word (STYLE.md: "Forest free of any
    /// Instacart or ClickHouse word"; Tabular is below everything).
    static let domainFree: Set<String> = ["Forest", "Tabular"]
    static let domainWords = ["instacart", "clickhouse", "sql", "aisle", "department"]
    nonisolated(unsafe) static let domainPatterns = domainWords.map { ($0, try! Regex("\\b\($0)\\b")) }

    /// The executable may import every target.
    static let executable = "restock"
    /// Test helpers, a library target under Tests/ that no source target may import.
    static let testSupport = "TestSupport"

    /// Every module a target may use: its allowed modules and theirs, transitively.
    static func closure(of target: String) -> Set<String> {
        var seen: Set<String> = []
        var stack = Array(allowed[target] ?? [])
        while let next = stack.popLast() {
            if seen.insert(next).inserted { stack.append(contentsOf: allowed[next] ?? []) }
        }
        return seen
    }

    /// `name -> direct dependencies` of every `.target`, `.executableTarget` and `.systemLibrary`
    /// in a Package.swift text (test targets are left out: they may use what they test with).
    static func targets(inPackage text: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        let pattern = #/\.(target|executableTarget|systemLibrary)\(\s*name:\s*"(\w+)"(?:,\s*dependencies:\s*\[([^\]]*)\])?/#
        for match in text.matches(of: pattern) {
            let names = String(match.output.3 ?? "").matches(of: #/"(\w+)"/#).map { String($0.output.1) }
            result[String(match.output.2)] = names
        }
        return result
    }

    /// The modules a Swift file imports (`import X`, `@testable import X`, `import struct X.Y`).
    static func imports(inSource text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            line.firstMatch(of: #/^\s*(?:@testable\s+)?import\s+(?:(?:struct|class|enum|func|protocol|typealias)\s+)?(\w+)/#)
                .map { String($0.output.1) }
        }
    }

    /// One source file of a target.
    struct SourceFile {
        var target: String
        var path: String
        var text: String
    }

    /// Every way the package and the sources break the table, as readable lines (empty: all hold).
    static func violations(package: String, sources: [SourceFile], sourceFolders: [String]) -> [String] {
        var problems: [String] = []
        let declared = targets(inPackage: package)
        let projectModules = Set(declared.keys).union(allowed.keys).union([testSupport])
        for folder in sourceFolders.sorted() where folder != executable && allowed[folder] == nil {
            problems.append("Sources/\(folder) is not a target of docs/architecture.md's table")
        }
        for (target, dependencies) in declared.sorted(by: { $0.key < $1.key }) where target != executable && target != testSupport {
            guard let permitted = allowed[target] else {
                problems.append("Package.swift: target \(target) is not in docs/architecture.md's table")
                continue
            }
            for dependency in dependencies where !permitted.contains(dependency) {
                problems.append("Package.swift: \(target) depends on \(dependency); it may depend on \(permitted.sorted())")
            }
        }
        for file in sources where file.target != executable {
            let reachable = closure(of: file.target)
            for module in imports(inSource: file.text) where projectModules.contains(module) && module != file.target {
                if !reachable.contains(module) {
                    problems.append("\(file.path): \(file.target) imports \(module), which docs/architecture.md does not allow")
                }
            }
            if domainFree.contains(file.target) {
                let lower = file.text.lowercased()
                for (word, pattern) in domainPatterns where lower.firstMatch(of: pattern) != nil {
                    problems.append("\(file.path): \(file.target) must not mention '\(word)'")
                }
            }
            if file.text.contains("ProcessInfo.processInfo.environment") || file.text.contains("getenv(") {
                problems.append("\(file.path): a library reads environment variables (the CLI hands them in)")
            }
        }
        return problems
    }
}
