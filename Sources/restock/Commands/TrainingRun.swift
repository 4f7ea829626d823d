import ClickHouse
import Features
import Forest
import Foundation
import Serve
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
    var histograms: HistogramStrategy = .subtraction
    var sparseNodeLimit = 256
    var outOfBag = true
    /// Recorded in the model's origin with the data's fingerprint (the command passes its own).
    var commandLine: [String] = []
    var toolVersion = RestockVersion.string

    /// What a training did, for the job's report.
    struct Outcome {
        var rowsRead: Int
        var featureCount: Int
        var rowsTrained: Int
        var rowsSkipped: Int
        var targetName: String
        var columns: [(name: String, type: String)]
        var trees: Int
        var nodes: Int
        var outOfBagRSquared: Double?
        var outOfBagRows: Int
        var modelVersion: String
        var dataFingerprint: String
        var seconds: [String: Double]
    }

    func run(context: JobContext) throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let matrix: LabelledMatrix
        switch source {
        case .matrix(let path): matrix = try MatrixInput.read(path: path, targetName: targetName, requireTarget: true, context: context)
        case .data(let directory): matrix = try ReorderMatrix.build(directory: directory, threads: threads, progress: context.messages).0
        case .clickhouse(let client, let database, _):
            matrix = try ReorderMatrix.build(clickhouse: client, database: database, progress: context.messages).0
        }
        let readSeconds = Elapsed.seconds(clock.now - start)
        return try train(consume matrix, readSeconds: readSeconds, context: context)
    }

    /// Trains on `matrix`, which is consumed: its features are released once binned.
    func train(_ matrix: consuming LabelledMatrix, readSeconds: Double, context: JobContext) throws -> Outcome {
        let origin = ModelOrigin(dataFingerprint: matrix.fingerprint(), commandLine: commandLine, toolVersion: toolVersion)
        let labelled = matrix.labelledRows
        let rowsRead = matrix.rowCount, featureCount = matrix.features.featureCount
        let skipped = matrix.rowCount - labelled.count
        let columns = JobDataset.matrixColumns(matrix)
        context.message("read \(matrix.rowCount) rows x \(matrix.features.featureCount) features from \(source.path) "
            + "in \(format(readSeconds)) s; target '\(matrix.targetName)'"
            + (skipped > 0 ? "; skipped \(skipped) rows with an empty target" : ""))
        if skipped > 0 { matrix = matrix.selectingRows(labelled) }
        if matrix.rowCount == 0 { throw ForestError.noTrainingRows }
        let target = matrix.target, name = matrix.targetName, rows = matrix.rowCount
        let features = matrix.features
        matrix = LabelledMatrix(features: FeatureMatrix(rowCount: 0, schema: FeatureSchema(names: []), values: []),
                                keys: RowKeys(names: [], columns: []), target: [])
        let reporter = context.progress("trees")
        var progress: (@Sendable (Int, Int) -> Void)?
        if let reporter {
            progress = { done, total in reporter.update(Double(done) / Double(total)) }
        }
        let result = try RandomForest.train(
            features: consume features, target: target, targetName: name, parameters: parameters,
            options: TrainingOptions(threads: threads, trainedAt: trainedAt, permutationRows: permutationRows, progress: progress,
                                     histograms: histograms, sparseNodeLimit: sparseNodeLimit, outOfBag: outOfBag,
                                     origin: origin))
        reporter?.finish()
        let writeStart = ContinuousClock.now
        try result.model.write(to: modelPath)
        let writeSeconds = Elapsed.seconds(since: writeStart)
        let model = result.model
        let version = model.version.description
        return Outcome(rowsRead: rowsRead, featureCount: featureCount, rowsTrained: rows, rowsSkipped: skipped, targetName: name,
                       columns: columns, trees: model.trees.count, nodes: model.nodeCount,
                       outOfBagRSquared: model.metadata.outOfBagRSquared, outOfBagRows: model.metadata.outOfBagRowCount,
                       modelVersion: version, dataFingerprint: origin.dataFingerprint,
                       seconds: ["read": readSeconds, "binning": result.binningSeconds, "growing": result.growingSeconds,
                                 "importances": result.importanceSeconds, "write": writeSeconds])
    }

    private func format(_ s: Double) -> String { String(format: "%.3f", s) }
}
