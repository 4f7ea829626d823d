import Tabular

/// The reorder matrix of TASK.md from a data folder or from loaded tables: the one entry point the
/// commands use (`features`, `train --data`, `evaluate`, `score --data`, `recommend`).
public enum ReorderMatrix {
    /// Wall-clock seconds of each stage of a build.
    public struct Timings: Sendable {
        public var read = 0.0
        public var index = 0.0
        public var features = 0.0
        public var total: Double { read + index + features }
    }

    /// Builds the matrix from loaded tables. Pure; see `ReorderFeatureBuilder` for the cost.
    public static func build(_ data: InstacartData, blocks: Int = 64,
                             progress: (@Sendable (Double) -> Void)? = nil) -> (LabelledMatrix, Timings) {
        var timings = Timings()
        let clock = ContinuousClock()
        var start = clock.now
        let history = OrderHistory(data: data)
        timings.index = Elapsed.seconds(clock.now - start)
        start = clock.now
        let matrix = ReorderFeatureBuilder.build(history: history, products: ProductAttributes(data.products),
                                                 blocks: blocks, progress: progress)
        timings.features = Elapsed.seconds(clock.now - start)
        return (matrix, timings)
    }

    /// Reads the six files of `directory` (checking them, see `InstacartReader`) and builds the matrix.
    /// `progress` receives a one-line message per stage.
    public static func build(directory: String, threads: Int = 2,
                             progress: (@Sendable (String) -> Void)? = nil) throws -> (LabelledMatrix, Timings) {
        let clock = ContinuousClock()
        let start = clock.now
        let data = try InstacartReader.read(directory: directory, threads: threads) { p in
            progress?("read \(p.file): \(p.rows) rows in \(Elapsed.format(p.seconds)) s")
        }
        let read = Elapsed.seconds(clock.now - start)
        progress?("building features for \(data.orders.count) orders, \(data.priorProducts.count) prior rows")
        var (matrix, timings) = build(data, blocks: max(64, threads * 16))
        timings.read = read
        progress?("built \(matrix.rowCount) rows x \(matrix.features.featureCount) features "
            + "(index \(Elapsed.format(timings.index)) s, features \(Elapsed.format(timings.features)) s)")
        return (matrix, timings)
    }
}
