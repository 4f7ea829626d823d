import ArgumentParser
import Evaluate
import Features
import Forest
import Foundation
import Serve

/// `restock sweep`: grouped cross-validation over a hyperparameter grid, resumable.
struct SweepCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Cross-validate the forest over a hyperparameter grid; resumable; saves the best model.",
        discussion: """
            Every configuration is cross-validated (grouped by user) in turn; its metrics are appended to \
            OUT/sweep.csv as soon as it finishes, so an interrupted sweep resumes where it stopped. The \
            leaderboard is printed sorted by --metric, and the best configuration is retrained on all \
            labelled rows and saved as OUT/best.rf. Grid names: \(SweepGrid.knownNames.joined(separator: ", ")).
            Example: restock sweep --data data/synthetic --grid "trees=50,100,200 max-features=0.2,0.33,0.5 min-samples-leaf=1,5,20" --random 12 --folds 3 --out sweep
            """)

    @OptionGroup var input: MatrixSourceOptions

    @Option(help: "The grid: space-separated name=v1,v2,... terms.")
    var grid: String

    @Option(parsing: .unconditional, help: "Run only N configurations drawn at random (seeded) from the grid.")
    var random: Int?

    @Option(parsing: .unconditional, help: "Number of folds (fold = user_id % folds).")
    var folds = 3

    @Option(help: "Output folder for sweep.csv and best.rf.")
    var out = "sweep"

    @Option(help: "Metric to rank by: \(SweepLog.metricNames.joined(separator: ", ")).")
    var metric = "demand_r2"

    @OptionGroup var forest: ForestOptions

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads for each forest (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: "Also write a Markdown notebook with a heat map to this file.")
    var report: String?

    @Option(name: .customLong("report-prelude"), help: NotebookOutput.preludeHelp)
    var reportPrelude: [String] = []

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] { input.datasets }
    var plannedOutputs: [JobDataset] {
        [.file(out + "/best.rf", option: "--out"), report.map { .file($0, option: "--report") }].compactMap { $0 }
    }

    func validate() throws {
        try OptionCheck.atLeast(2, folds, "--folds")
        try OptionCheck.threads(threadsOption)
        if !SweepLog.metricNames.contains(metric) { throw ValidationError("--metric must be one of \(SweepLog.metricNames.joined(separator: ", "))") }
        if let random { try OptionCheck.atLeast(1, random, "--random") }
        do { _ = try SweepGrid(parsing: grid) } catch { throw ValidationError("\(error)") }
    }

    func execute(_ context: JobContext) throws -> JobReport {
        let parsed = try SweepGrid(parsing: grid)
        let configurations = random.map { parsed.randomConfigurations($0, seed: forest.seed) } ?? parsed.configurations()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let matrix = try input.load(threads: threads, context: context)
        try forest.check(featureCount: matrix.features.featureCount)
        let fingerprint = matrix.fingerprint()
        var comparison = CrossValidatedComparison.Configuration(groupKey: "user_id", itemKey: "product_id", naiveFeature: "up_rate")
        comparison.folds = folds
        comparison.forest = forest.parameters
        comparison.threads = threads
        let log = SweepLog(path: out + "/sweep.csv")
        context.message("sweep: \(configurations.count) of \(parsed.count) configurations, \(folds) folds, results in \(log.path)")
        let entries = try HyperparameterSweep(grid: parsed, configurations: configurations, comparison: comparison, log: log)
            .run(matrix, dataFingerprint: fingerprint, progress: context.messages)
        let board = HyperparameterSweep.leaderboard(entries, metric: metric)
        if !context.json {
            try StandardOutput.print("rank  \(metric.padding(toLength: 12, withPad: " ", startingAt: 0))  seconds  configuration")
            for (i, e) in board.enumerated() {
                try StandardOutput.print(String(format: "%4d  %12.4f  %7.0f  ", i + 1, e.metrics[metric] ?? Double.nan, e.seconds) + e.key)
            }
        }
        var report = JobReport(summary: "swept \(entries.count) configurations, \(folds) folds; no configuration finished")
        report.outputs = [.file(log.path, rows: entries.count)]
        report.rows = ["configurations": entries.count, "grid": parsed.count]
        report.result = .array(board.map { e in
            ["configuration": .string(e.key), "seconds": .number(e.seconds), "metrics": .object(e.metrics.mapValues { .number($0) })]
        })
        guard let best = board.first, let configuration = configurations.first(where: { parsed.key($0) == best.key }) else { return report }
        let labelled = matrix.selectingRows(matrix.labelledRows)
        let parameters = SweepGrid.parameters(configuration, base: forest.parameters)
        context.message("retraining the best configuration (\(best.key)) on \(labelled.rowCount) rows")
        let trained = try RandomForest.train(features: labelled.features, target: labelled.target, targetName: labelled.targetName,
                                             parameters: parameters,
                                             options: TrainingOptions(threads: threads, trainedAt: TrainingDate.fromEnvironmentOrNow(),
                                                                      origin: ModelOrigin(dataFingerprint: fingerprint,
                                                                                          commandLine: RedactedCommandLine.arguments,
                                                                                          toolVersion: RestockVersion.string)))
        let bestPath = out + "/best.rf"
        try trained.model.write(to: bestPath)
        let version = trained.model.version.description
        var model = JobDataset.file(bestPath)
        model.modelVersion = version
        report.outputs.append(model)
        report.modelVersion = version
        report.metrics = .object(best.metrics.mapValues { .number($0) })
        report.summary = "swept \(entries.count) configurations, \(folds) folds; best \(best.key) (\(metric) "
            + "\(String(format: "%.4f", best.metrics[metric] ?? Double.nan))) -> \(bestPath) (\(version))"
        if let path = self.report {
            var notebook = SweepNotebook(grid: parsed, entries: entries, metric: metric, command: NotebookOutput.quotedCommand(),
                                         version: RestockVersion.string, dataDescription: input.description, rows: labelled.rowCount)
            notebook.prelude = reportPrelude
            try NotebookOutput.write(markdown: notebook.render(figureFolder:), to: path)
            context.message("wrote \(path)")
            report.outputs.append(.file(path))
        }
        return report
    }
}
