import ArgumentParser
import Forest
import Foundation

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
            """)

    @Option(help: "Instacart-layout data folder: the reorder features are built from it (target y).")
    var data: String?

    @OptionGroup var clickhouse: ClickHouseOptions

    @Option(help: "Training matrix: CSV or binary (RSTKMAT1); - reads standard input.")
    var matrix: String?

    @Option(help: "Where to write the model.")
    var model: String

    @Option(help: "Name of the target column (CSV default: y; a binary matrix names its own).")
    var target: String?

    @OptionGroup var forest: ForestOptions

    @Option(name: .customLong("threads"), help: "Worker threads (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: "Out-of-bag rows sampled for permutation importances; 0 skips them.")
    var permutationRows = 5000

    @Flag(inversion: .prefixedNo,
          help: "Predict each tree's out-of-bag rows for the out-of-bag R² (about a tenth of the fit time).")
    var outOfBag = true

    @Option(help: "Training date recorded in the model (ISO 8601). Default: SOURCE_DATE_EPOCH if set, else now.")
    var date: String?

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] {
        if let data { return JobDataset.dataFolder(data) }
        if let url = clickhouse.url { return JobDataset.clickHouseTables(url: url, database: clickhouse.databaseName) }
        return [.file(matrix ?? "-")]
    }

    @Option(help: ArgumentHelp("Histogram strategy (subtraction | drawn), for benchmarks.", visibility: .hidden))
    var histograms: String = HistogramStrategy.subtraction.rawValue

    @Option(help: ArgumentHelp("Nodes with fewer rows use sparse histograms, for benchmarks.", visibility: .hidden))
    var sparseNodeLimit = 256

    func validate() throws {
        let given = [data != nil, matrix != nil, clickhouse.isGiven].filter { $0 }.count
        if given != 1 { throw ValidationError("give exactly one of --data DIR, --clickhouse URL and --matrix FILE") }
        if matrix == nil, let target, target != "y" { throw ValidationError("--target is y when training from --data or --clickhouse") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if permutationRows < 0 { throw ValidationError("--permutation-rows must be 0 or more") }
        if HistogramStrategy(rawValue: histograms) == nil { throw ValidationError("--histograms must be subtraction or drawn") }
    }

    func execute(_ context: JobContext) throws -> JobReport {
        let trainedAt = date ?? TrainingDate.fromEnvironmentOrNow()
        let source: TrainingRun.Source
        if let data {
            source = .data(data)
        } else if clickhouse.isGiven {
            source = .clickhouse(clickhouse.client(), database: clickhouse.databaseName, description: clickhouse.description)
        } else {
            source = .matrix(matrix!)
        }
        let outcome = try TrainingRun(source: source, modelPath: model, targetName: target, parameters: forest.parameters,
                                      threads: threads, permutationRows: permutationRows, trainedAt: trainedAt,
                                      histograms: HistogramStrategy(rawValue: histograms) ?? .subtraction,
                                      sparseNodeLimit: sparseNodeLimit, outOfBag: outOfBag,
                                      commandLine: CommandLine.arguments).run(context: context)
        let oob = outcome.outOfBagRSquared.map { String(format: "%.4f", $0) } ?? "n/a"
        var report = JobReport(summary: "trained \(outcome.trees) trees (\(outcome.nodes) nodes) on \(outcome.rowsTrained) rows with \(threads) threads, "
            + "out-of-bag R² \(oob) -> \(model) (\(outcome.modelVersion))")
        report.inputs = plannedInputs
        if case .matrix = source { report.inputs[0].columns = outcome.columns; report.inputs[0].rows = outcome.rowsRead }
        var output = JobDataset.file(model)
        output.modelVersion = outcome.modelVersion
        report.outputs = [output]
        report.modelVersion = outcome.modelVersion
        report.modelParameters = forest.parameterStrings
        report.rows = ["read": outcome.rowsRead, "trained": outcome.rowsTrained, "skipped": outcome.rowsSkipped,
                       "out_of_bag": outcome.outOfBagRows, "trees": outcome.trees, "nodes": outcome.nodes]
        report.seconds = outcome.seconds
        if let r2 = outcome.outOfBagRSquared { report.metrics = ["out_of_bag_r2": .number(r2)] }
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
