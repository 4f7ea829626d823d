import Evaluate
import Forest
import Foundation
import Tabular
import TestSupport
import Testing

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

/// 240 labelled rows of 40 users: keys user_id and product_id, features up_rate and x, target y.
private func sweepMatrix(changeTarget: Bool = false) -> LabelledMatrix {
    var rng = TestRandom(seed: 9)
    let n = 240
    var upRate: [Float] = [], x: [Float] = [], y: [Float] = []
    for _ in 0..<n {
        let u = Float(rng.next() % 1000) / 1000, v = Float(rng.next() % 1000) / 1000
        upRate.append(u)
        x.append(v)
        y.append(u + 0.3 * v > 0.7 ? 1 : 0)
    }
    if changeTarget { y[17] = 1 - y[17] }
    return LabelledMatrix(features: FeatureMatrix(schema: FeatureSchema(names: ["up_rate", "x"]), columns: [upRate, x]),
                          keys: RowKeys(names: ["user_id", "product_id"], columns: [(0..<n).map { Int32($0 / 6) }, (0..<n).map { Int32($0 % 6) }]),
                          target: y)
}

private func sweep(_ path: String, folds: Int = 2, seed: UInt64 = 1, leafSmoothing: Double = 10,
                   grid: String = "trees=2,3") throws -> HyperparameterSweep {
    var c = CrossValidatedComparison.Configuration(groupKey: "user_id", itemKey: "product_id", naiveFeature: "up_rate")
    c.folds = folds
    c.forest = ForestParameters(treeCount: 4, seed: seed, leafSmoothing: leafSmoothing)
    c.threads = 2
    let parsed = try SweepGrid(parsing: grid)
    return HyperparameterSweep(grid: parsed, configurations: parsed.configurations(), comparison: c, log: SweepLog(path: path))
}

private final class Lines: @unchecked Sendable {
    var all: [String] = []
}

@Test func sameSweepRunResumesAndSkipsFinishedConfigurations() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("sweep.csv")
    #expect(try sweep(path).run(sweepMatrix()).count == 2)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasPrefix("# run {") && text.contains("\"folds\":\"2\"") && text.contains("\"trees\":\"varied by the grid\""))
    let lines = Lines()
    let again = try sweep(path).run(sweepMatrix(), progress: { lines.all.append($0) })
    #expect(again.count == 2)
    #expect(lines.all.filter { $0.contains("already in") }.count == 2)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
}

@Test func sweepOfAnotherRunIsRefusedNamingTheDifference() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("sweep.csv")
    _ = try sweep(path).run(sweepMatrix())
    let before = try String(contentsOfFile: path, encoding: .utf8)
    let cases: [(HyperparameterSweep, LabelledMatrix, String)] = [
        (try sweep(path, folds: 3), sweepMatrix(), "folds"),
        (try sweep(path, seed: 2), sweepMatrix(), "seed"),
        (try sweep(path), sweepMatrix(changeTarget: true), "data"),
        (try sweep(path, leafSmoothing: 5), sweepMatrix(), "leaf-smoothing"),
        (try sweep(path, grid: "trees=2,3 min-samples-leaf=1,5"), sweepMatrix(), "min-samples-leaf"),
    ]
    for (run, matrix, name) in cases {
        do {
            _ = try run.run(matrix)
            Issue.record("\(name): not refused")
        } catch let error as SweepLogError {
            guard case .mismatch(let p, let differences) = error else {
                Issue.record("\(name): \(error)")
                continue
            }
            #expect(p == path)
            #expect(differences.map(\.name) == [name])
            #expect(error.description.contains("--out") && error.description.contains(name))
        }
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
}

@Test func sweepLogOfAnOlderVersionIsRefused() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("sweep.csv")
    try SweepLog(path: path).append(.init(key: "trees=2", metrics: ["demand_r2": 0.5], seconds: 1))
    #expect(throws: SweepLogError.writtenByOlderVersion(path: path)) { _ = try sweep(path).run(sweepMatrix()) }
    #expect(try SweepLog(path: path).read().map(\.key) == ["trees=2"])
}

@Test func runKeyOfTheFileReadsBack() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let s = try sweep(dir.file("sweep.csv"))
    let key = s.runKey(dataFingerprint: "xxh64:00", targetName: "y w/ space, comma")
    try s.log.append(.init(key: "trees=2", metrics: [:], seconds: 1), runKey: key)
    #expect(try s.log.runKey() == key)
    #expect(try s.log.read().map(\.key) == ["trees=2"])
    try s.log.check(key)
}

@Test func leafSmoothingIsASweepKey() throws {
    let grid = try SweepGrid(parsing: "leaf-smoothing=0,10,40")
    let p = grid.configurations().map { SweepGrid.parameters($0, base: ForestParameters(leafSmoothing: 10)).leafSmoothing }
    #expect(p == [0, 10, 40])
    let key = SweepRunKey(dataFingerprint: "x", targetName: "y", grid: grid, comparison: .init(groupKey: "u", itemKey: "p", naiveFeature: "n"))
    #expect(key.values["leaf-smoothing"] == "varied by the grid")
}
