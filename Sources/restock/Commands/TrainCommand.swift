import ArgumentParser
import Features
import Forest
import Foundation
import Serve
import Tabular
import Warehouse

/// `restock train`: fit a Random Forest on a matrix file and save the model.
struct TrainCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Random Forest (regression, MSE) on a data folder or a matrix file and save the model.",
        discussion: """
            The matrix is a CSV (every column numeric; empty or nan = missing; user_id and product_id are \
            keys, never features) or a binary matrix (RSTKMAT1, see models/FORMAT.md). Rows with an empty \
            target are skipped. Prints the out-of-bag R² and the training time.
            With --data the reorder features are built from the CSV files first (as `restock features`); with \
            --clickhouse they are computed by ClickHouse from the tables `restock ingest` loaded.
            Example: restock train --data data/synthetic --model models/reorder.rf --trees 100
            Example: restock train --clickhouse http://127.0.0.1:8123 --database instacart --model models/reorder.rf
            Example: restock train --matrix train.csv --target reordered --model reorder.rf --threads 2
            Example: restock train --matrix shard1.bin --bins-from shard0.rf --seed 2 --trees 50 --model shard1.rf
            With --cluster NAME --shard K the trees are grown on the users of shard K only (their rows of the \
            cluster's matrix), with bins fitted on a fixed sample of the whole cluster's rows, the same for every \
            K, so that the groups of all shards merge (restock merge) with their bins unchanged.
            Example: restock train --clickhouse http://127.0.0.1:18123 --cluster restock --shard 0 --trees 50 --seed 1 --model shard0.rf
            """)

    @OptionGroup var input: MatrixSourceOptions

    @Option(help: "Where to write the model.")
    var model: String

    @OptionGroup var forest: ForestOptions

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(parsing: .unconditional, help: "Out-of-bag rows sampled for permutation importances; 0 skips them.")
    var permutationRows = 5000

    @Flag(inversion: .prefixedNo,
          help: "Predict each tree's out-of-bag rows for the out-of-bag R² (about a tenth of the fit time).")
    var outOfBag = true

    @Option(parsing: .unconditional,
            help: ArgumentHelp("With --cluster: grow the trees on shard K's users only (0-based, user_id % shards == K), with bins fitted on a sample of the whole cluster, for restock merge.", valueName: "K"))
    var shard: Int?

    @Option(help: ArgumentHelp("Train with the bin edges of this model instead of fitting them, so that forests grown on different rows can be merged (restock merge).", valueName: "model"))
    var binsFrom: String?

    @Option(help: "Training date recorded in the model (ISO 8601). Default: SOURCE_DATE_EPOCH if set, else now.")
    var date: String?

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] { input.datasets + (binsFrom.map { [.file($0, option: "--bins-from")] } ?? []) }
    var plannedOutputs: [JobDataset] { [.file(model, option: "--model")] }

    @Option(help: ArgumentHelp("Histogram strategy (subtraction | drawn), for benchmarks.", visibility: .hidden))
    var histograms: String = HistogramStrategy.subtraction.rawValue

    @Option(parsing: .unconditional, help: ArgumentHelp("Nodes with fewer rows use sparse histograms, for benchmarks.", visibility: .hidden))
    var sparseNodeLimit = 256

    func validate() throws {
        try OptionCheck.threads(threadsOption)
        try OptionCheck.atLeast(0, permutationRows, "--permutation-rows")
        try OptionCheck.atLeast(0, sparseNodeLimit, "--sparse-node-limit")
        if let date { try OptionCheck.isoDate(date, "--date") }
        if let shard {
            try OptionCheck.atLeast(0, shard, "--shard")
            if !input.cluster.isGiven { throw ValidationError("--shard needs --clickhouse URL --cluster NAME") }
        }
        if HistogramStrategy(rawValue: histograms) == nil { throw ValidationError("--histograms must be subtraction or drawn") }
    }

    func execute(_ context: JobContext) throws -> JobReport {
        let readStart = ContinuousClock.now
        var sharedBins: BinMapper?
        let matrix: LabelledMatrix
        if let shard, let cluster = try input.cluster.discover(input.clickhouse) {
            guard shard < cluster.shards.count else {
                throw ValidationError("--shard \(shard): cluster '\(cluster.name)' has \(cluster.shards.count) shards (0...\(cluster.shards.count - 1))")
            }
            context.message("computing features per shard of ClickHouse \(cluster.description), keeping shard \(shard)'s users")
            let slice = try ReorderMatrix.shardSlice(cluster: cluster, database: input.clickhouse.databaseName, shard: shard,
                                                     progress: context.messages)
            sharedBins = BinMapper.fit(slice.binSample, maxBins: forest.parameters.maxBins, seed: forest.parameters.seed, threads: threads)
            matrix = slice.matrix
        } else {
            matrix = try input.load(threads: threads, context: context, requireTarget: true)
        }
        try forest.check(featureCount: matrix.features.featureCount)
        let readSeconds = Elapsed.seconds(since: readStart)
        let columns = JobDataset.matrixColumns(matrix)
        let labelled = matrix.labelledRows.count
        context.message("read \(matrix.rowCount) rows x \(matrix.features.featureCount) features from \(input.description) "
            + "in \(Elapsed.format(readSeconds)) s; target '\(matrix.targetName)'"
            + (labelled < matrix.rowCount ? "; skipping \(matrix.rowCount - labelled) rows with an empty target" : ""))
        var run = TrainingRun(modelPath: model, parameters: forest.parameters, threads: threads, permutationRows: permutationRows,
                              trainedAt: date ?? TrainingDate.fromEnvironmentOrNow(), commandLine: RedactedCommandLine.arguments,
                              toolVersion: RestockVersion.string)
        run.histograms = HistogramStrategy(rawValue: histograms) ?? .subtraction
        run.sparseNodeLimit = sparseNodeLimit
        run.outOfBag = outOfBag
        run.binMapper = sharedBins
        if let binsFrom {
            let reference = try ForestModel.load(from: binsFrom)
            if let difference = matrix.features.schema.difference(from: reference.schema) {
                throw ValidationError("--bins-from \(binsFrom) was trained on other features: \(difference)")
            }
            run.binMapper = reference.binMapper
            context.message("bins from \(binsFrom) (\(reference.version))")
        }
        let reporter = context.progress("trees")
        var progress: (@Sendable (Int, Int) -> Void)?
        if let reporter { progress = { done, total in reporter.update(Double(done) / Double(total)) } }
        let outcome = try run.run(matrix, progress: progress)
        reporter?.finish()
        let oob = outcome.outOfBagRSquared.map { String(format: "%.4f", $0) } ?? "n/a"
        var report = JobReport(summary: "trained \(outcome.trees) trees (\(outcome.nodes) nodes) on \(outcome.rowsTrained) rows with \(threads) threads, "
            + "out-of-bag R² \(oob) -> \(model) (\(outcome.modelVersion))")
        report.inputs = plannedInputs
        if input.matrix != nil {
            report.inputs[0].columns = columns
            report.inputs[0].rows = outcome.rowsRead
        }
        var output = JobDataset.file(model)
        output.modelVersion = outcome.modelVersion
        report.outputs = [output]
        report.modelVersion = outcome.modelVersion
        report.modelParameters = forest.parameterStrings
        report.rows = ["read": outcome.rowsRead, "trained": outcome.rowsTrained, "skipped": outcome.rowsSkipped,
                       "out_of_bag": outcome.outOfBagRows, "trees": outcome.trees, "nodes": outcome.nodes]
        let s = outcome.seconds
        report.seconds = ["read": readSeconds, "binning": s.binning, "growing": s.growing, "importances": s.importances, "write": s.write]
        if let r2 = outcome.outOfBagRSquared { report.metrics = ["out_of_bag_r2": .number(r2)] }
        context.detail("data fingerprint \(outcome.dataFingerprint)")
        return report
    }
}

enum TrainingDate {
    /// `SOURCE_DATE_EPOCH` (seconds since 1970) when set, else the current time, as ISO 8601 UTC.
    static func fromEnvironmentOrNow() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Double(epoch) {
            return formatter.string(from: Date(timeIntervalSince1970: seconds))
        }
        return formatter.string(from: Date())
    }
}
