import ClickHouse
import Features
import Forest
import Foundation
import Tabular

/// One `restock train` run: read the matrix, drop unlabelled rows, train, write the model, and
/// describe what happened. Kept apart from the command so that a `--data DIR` variant (features built
/// from Instacart CSVs) only has to produce the `LabelledMatrix` differently.
struct TrainingRun {
    enum Source {
        case matrix(String)
        case data(String)
        case clickhouse(ClickHouseClient, database: String, description: String)

        var path: String {
            switch self {
            case .matrix(let p), .data(let p): p
            case .clickhouse(_, _, let description): description
            }
        }
    }

    var source: Source
    var modelPath: String
    var targetName: String?
    var parameters: ForestParameters
    var threads: Int
    var permutationRows: Int
    var trainedAt: String
    var showProgress: Bool
    var histograms: HistogramStrategy = .subtraction
    var sparseNodeLimit = 256
    var outOfBag = true
    /// Recorded in the model's origin with the data's fingerprint (the command passes its own).
    var commandLine: [String] = []
    var toolVersion = RestockVersion.string

    func run() throws -> String {
        let clock = ContinuousClock()
        let start = clock.now
        let matrix: LabelledMatrix
        switch source {
        case .matrix(let path): matrix = try MatrixInput.read(path: path, targetName: targetName, requireTarget: true)
        case .data(let directory): matrix = try ReorderMatrix.build(directory: directory, threads: threads, progress: Log.stderr).0
        case .clickhouse(let client, let database, _):
            matrix = try ReorderMatrix.build(clickhouse: client, database: database, progress: Log.stderr).0
        }
        let readSeconds = Log.seconds(clock.now - start)
        return try train(consume matrix, readSeconds: readSeconds)
    }

    /// Trains on `matrix`, which is consumed: its features are released once binned.
    func train(_ matrix: consuming LabelledMatrix, readSeconds: Double) throws -> String {
        var lines: [String] = []
        let origin = ModelOrigin(dataFingerprint: matrix.fingerprint(), commandLine: commandLine, toolVersion: toolVersion)
        let labelled = matrix.labelledRows
        let skipped = matrix.rowCount - labelled.count
        lines.append("read \(matrix.rowCount) rows x \(matrix.features.featureCount) features from \(source.path) "
            + "in \(format(readSeconds)) s; target '\(matrix.targetName)'"
            + (skipped > 0 ? "; skipped \(skipped) rows with an empty target" : ""))
        if skipped > 0 { matrix = matrix.selectingRows(labelled) }
        if matrix.rowCount == 0 { throw ForestError.noTrainingRows }
        let target = matrix.target, name = matrix.targetName, rows = matrix.rowCount
        let features = matrix.features
        matrix = LabelledMatrix(features: FeatureMatrix(rowCount: 0, schema: FeatureSchema(names: []), values: []),
                                keys: RowKeys(names: [], columns: []), target: [])
        let progress: (@Sendable (Int, Int) -> Void)? = showProgress ? TrainingRun.progressPrinter() : nil
        let result = try RandomForest.train(
            features: consume features, target: target, targetName: name, parameters: parameters,
            options: TrainingOptions(threads: threads, trainedAt: trainedAt, permutationRows: permutationRows, progress: progress,
                                     histograms: histograms, sparseNodeLimit: sparseNodeLimit, outOfBag: outOfBag,
                                     origin: origin))
        let writeStart = ContinuousClock.now
        try result.model.write(to: modelPath)
        let writeSeconds = Log.seconds(ContinuousClock.now - writeStart)
        let model = result.model
        let oob = model.metadata.outOfBagRSquared.map { String(format: "%.4f", $0) } ?? "n/a"
        lines.append("trained \(model.trees.count) trees (\(model.nodeCount) nodes) on \(rows) rows with \(threads) threads")
        lines.append("out-of-bag R2 \(oob) over \(model.metadata.outOfBagRowCount) rows")
        lines.append("time: fit \(format(result.binningSeconds + result.growingSeconds)) s (binning \(format(result.binningSeconds)) s, "
            + "growing + out-of-bag \(format(result.growingSeconds)) s), permutation importances \(format(result.importanceSeconds)) s, "
            + "model write \(format(writeSeconds)) s")
        lines.append("model: \(modelPath) (version \(model.version), data \(origin.dataFingerprint))")
        return lines.joined(separator: "\n")
    }

    /// Prints "tree i/T <seconds> s" on stderr after each tree.
    static func progressPrinter() -> @Sendable (Int, Int) -> Void {
        let started = ContinuousClock.now
        return { done, total in
            let s = Log.seconds(since: started)
            FileHandle.standardError.write(Data("tree \(done)/\(total) \(String(format: "%.1f", s)) s\n".utf8))
        }
    }


    private func format(_ s: Double) -> String { String(format: "%.3f", s) }
}
