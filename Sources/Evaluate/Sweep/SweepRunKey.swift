import Forest
import Foundation

/// What makes a sweep's rows comparable: the data (its fingerprint), the target, the folds and
/// their grouping, and every forest parameter the grid does not vary (a varied one is recorded as
/// `varied by the grid`). `sweep.csv` starts with it (`# run {...}`, a JSON object with sorted
/// keys); a sweep resumes only a file whose key equals its own, so rows of different runs are
/// never mixed. Worker threads, the ranking metric and `--random` are left out: they do not change
/// a configuration's scores.
public struct SweepRunKey: Sendable, Equatable {
    /// The names, in the order differences are reported.
    public static let names = ["data", "target", "folds", "group-key", "item-key", "seed", "trees", "max-features",
                               "min-samples-leaf", "max-depth", "max-bins", "sample-fraction", "min-impurity-decrease",
                               "leaf-smoothing", "leaf-shrinkage", "bootstrap"]
    static let varied = "varied by the grid"
    static let linePrefix = "# run "

    /// Name → value as text.
    public let values: [String: String]

    public init(values: [String: String]) {
        self.values = values
    }

    /// The key of a sweep of `grid` with `comparison` over data with this fingerprint and target.
    public init(dataFingerprint: String, targetName: String, grid: SweepGrid, comparison: CrossValidatedComparison.Configuration) {
        let p = comparison.forest
        var values = ["data": dataFingerprint, "target": targetName, "folds": String(comparison.folds),
                      "group-key": comparison.groupKey, "item-key": comparison.itemKey, "seed": String(p.seed),
                      "trees": SweepGrid.text(Double(p.treeCount)), "max-features": SweepGrid.text(p.maxFeatures),
                      "min-samples-leaf": SweepGrid.text(Double(p.minSamplesLeaf)), "max-depth": SweepGrid.text(Double(p.maxDepth)),
                      "max-bins": SweepGrid.text(Double(p.maxBins)), "sample-fraction": SweepGrid.text(p.sampleFraction),
                      "min-impurity-decrease": SweepGrid.text(p.minImpurityDecrease), "leaf-smoothing": SweepGrid.text(p.leafSmoothing)]
        if p.leafShrinkage != 0 { values["leaf-shrinkage"] = SweepGrid.text(p.leafShrinkage) }
        if !p.bootstrap { values["bootstrap"] = "0" }
        for axis in grid.axes { values[axis.name] = SweepRunKey.varied }
        self.values = values
    }

    /// One name whose value differs: `expected` is this run's, `found` the file's.
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        public let name: String
        public let expected: String
        public let found: String

        public var description: String { "\(name) is \(found) there, \(expected) in this run" }
    }

    /// The names whose values differ between this run (`self`) and a recorded key, in `names` order
    /// (then any other name, sorted); empty when they are equal.
    public func differences(from recorded: SweepRunKey) -> [Difference] {
        let known = Set(SweepRunKey.names)
        let others = Set(values.keys).union(recorded.values.keys).subtracting(known).sorted()
        return (SweepRunKey.names + others).compactMap { name in
            let expected = values[name] ?? "absent", found = recorded.values[name] ?? "absent"
            return expected == found ? nil : Difference(name: name, expected: expected, found: found)
        }
    }

    /// The file's first line: `# run ` and the JSON object.
    var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a dictionary of strings cannot fail.
        let json = (try? encoder.encode(values)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return SweepRunKey.linePrefix + json
    }

    /// The key in a file's first line, or nil when the line is not one.
    init?(line: Substring) {
        guard line.hasPrefix(SweepRunKey.linePrefix),
              let values = try? JSONDecoder().decode([String: String].self, from: Data(line.dropFirst(SweepRunKey.linePrefix.count).utf8))
        else { return nil }
        self.values = values
    }
}
