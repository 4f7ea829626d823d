import Evaluate
import Forest
import Foundation
import Testing
import TestSupport

@Test func gridParsesIntoTheCartesianProduct() throws {
    let grid = try SweepGrid(parsing: "trees=50,100 max-features=0.2,0.5 min-samples-leaf=5")
    #expect(grid.count == 4)
    let keys = grid.configurations().map(grid.key)
    #expect(keys == ["trees=50 max-features=0.2 min-samples-leaf=5", "trees=50 max-features=0.5 min-samples-leaf=5",
                     "trees=100 max-features=0.2 min-samples-leaf=5", "trees=100 max-features=0.5 min-samples-leaf=5"])
    let p = SweepGrid.parameters(grid.configurations()[3], base: ForestParameters())
    #expect(p.treeCount == 100 && p.maxFeatures == 0.5 && p.minSamplesLeaf == 5)
    #expect(SweepGrid.configuration(fromKey: keys[1]) == ["trees": 50, "max-features": 0.5, "min-samples-leaf": 5])
}

@Test func gridRejectsUnknownNamesAndBadValues() {
    #expect(throws: SweepGrid.ParseError.self) { try SweepGrid(parsing: "leaves=3") }
    #expect(throws: SweepGrid.ParseError.self) { try SweepGrid(parsing: "trees=ten") }
    #expect(throws: SweepGrid.ParseError.self) { try SweepGrid(parsing: "trees") }
    #expect(throws: SweepGrid.ParseError.self) { try SweepGrid(parsing: "trees=1 trees=2") }
}

@Test func randomConfigurationsAreASeededSubset() throws {
    let grid = try SweepGrid(parsing: "trees=1,2,3,4 min-samples-leaf=1,2,3")
    let a = grid.randomConfigurations(5, seed: 3), b = grid.randomConfigurations(5, seed: 3)
    #expect(a == b && a.count == 5 && Set(a.map(grid.key)).count == 5)
}

@Test func logResumesAndIgnoresATornLine() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let log = SweepLog(path: dir.file("sweep.csv"))
    try log.append(.init(key: "trees=5", metrics: ["demand_r2": 0.5, "auc": 0.8], seconds: 1))
    try log.append(.init(key: "trees=10", metrics: ["demand_r2": 0.7, "auc": 0.7], seconds: 2))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log.path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("trees=20,0.9".utf8))      // a crash mid-line
    try handle.close()
    #expect(try log.read().map(\.key) == ["trees=5", "trees=10"])
    try log.append(.init(key: "trees=30", metrics: ["demand_r2": 0.1, "auc": 0.1], seconds: 3))
    let entries = try log.read().filter { $0.key != "trees=30" }
    #expect(try log.read().map(\.key) == ["trees=5", "trees=10", "trees=30"])
    #expect(HyperparameterSweep.leaderboard(entries, metric: "demand_r2").map(\.key) == ["trees=10", "trees=5"])
    #expect(HyperparameterSweep.leaderboard(entries, metric: "auc").map(\.key) == ["trees=5", "trees=10"])
}
