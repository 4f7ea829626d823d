import Forest
import Tabular

/// Grouped cross-validation of the forest for each configuration of a grid, one configuration at a
/// time (the forest already uses every core for its trees, so configurations never run side by side
/// and the machine is never oversubscribed). Each finished configuration is appended to the
/// `SweepLog` before the next starts; configurations already in the log are skipped, so a sweep
/// resumes where it stopped, but only a log of the same run (`SweepRunKey`: same data, target,
/// folds, seed and fixed options): any other log is refused before anything runs.
public struct HyperparameterSweep {
    public let grid: SweepGrid
    public let configurations: [[String: Double]]
    public let comparison: CrossValidatedComparison.Configuration
    public let log: SweepLog

    public init(grid: SweepGrid, configurations: [[String: Double]], comparison: CrossValidatedComparison.Configuration, log: SweepLog) {
        self.grid = grid
        self.configurations = configurations
        var forestOnly = comparison
        forestOnly.includeBaselines = false
        self.comparison = forestOnly
        self.log = log
    }

    /// The run key of this sweep over data with this fingerprint and target.
    public func runKey(dataFingerprint: String, targetName: String) -> SweepRunKey {
        SweepRunKey(dataFingerprint: dataFingerprint, targetName: targetName, grid: grid, comparison: comparison)
    }

    /// Runs the configurations missing from the log and returns the log's entries for this grid's
    /// configurations. `dataFingerprint` is `matrix.fingerprint()`, computed here when not given
    /// (O(matrix bytes)). Throws `SweepLogError` before running anything when the log belongs to
    /// another run. `progress` receives one line per step.
    public func run(_ matrix: LabelledMatrix, dataFingerprint: String? = nil,
                    progress: (@Sendable (String) -> Void)? = nil) throws -> [SweepLog.Entry] {
        let thisRun = runKey(dataFingerprint: dataFingerprint ?? matrix.fingerprint(), targetName: matrix.targetName)
        try log.check(thisRun)
        let done = Set(try log.read().map(\.key))
        for (i, configuration) in configurations.enumerated() {
            let key = grid.key(configuration)
            if done.contains(key) {
                progress?("[\(i + 1)/\(configurations.count)] \(key): already in \(log.path), skipped")
                continue
            }
            var c = comparison
            c.forest = SweepGrid.parameters(configuration, base: comparison.forest)
            let result = try CrossValidatedComparison(c).run(matrix)
            let forest = result.scores[0].scores
            let entry = SweepLog.Entry(key: key, metrics: SweepLog.metrics(forest), seconds: result.seconds)
            try log.append(entry, runKey: thisRun)
            progress?("[\(i + 1)/\(configurations.count)] \(key): demand R² \(String(forest.demand.r2)), "
                + "AUC \(String(forest.pair.auc)) in \(Int(result.seconds.rounded())) s")
        }
        let wanted = Set(configurations.map(grid.key))
        return try log.read().filter { wanted.contains($0.key) }
    }

    /// Entries sorted best first by `metric`.
    public static func leaderboard(_ entries: [SweepLog.Entry], metric: String) -> [SweepLog.Entry] {
        let sign = SweepLog.higherIsBetter(metric) ? -1.0 : 1.0
        return entries.sorted { a, b in
            let x = (a.metrics[metric] ?? .nan) * sign, y = (b.metrics[metric] ?? .nan) * sign
            if x.isNaN != y.isNaN { return !x.isNaN }
            return x < y || (x == y && a.key < b.key)
        }
    }
}
