import ArgumentParser
import Evaluate
import Features
import Forest
import Foundation
import Tabular

/// `restock evaluate`: grouped cross-validation of the forest, ridge and naive baselines.
struct EvaluateCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Cross-validate the forest against ridge and naive baselines (pair and demand metrics).",
        discussion: """
            Builds the reorder features, splits users into folds by user_id % folds, and gives every labelled \
            row an out-of-fold prediction from the forest, from ridge regression (lambda chosen by an inner \
            grouped CV) and from the naive up_rate. Prints pair-level R², MAE, AUC, log loss, mean F1 at \
            threshold 0.2 and of expected-F1 baskets, and demand-level R² and MAE per product.
            --report writes a Markdown notebook with SVG figures (docs/notebooks.md): per-fold error bars, ROC and \
            precision-recall, calibration, demand per product and by department, and permutation importances on \
            held-out users (5,000 rows per fold, computed only for the notebook).
            Example: restock evaluate --data data/synthetic --folds 5 --report notebooks-md/evaluate.md
            Example: restock evaluate --clickhouse http://127.0.0.1:8123 --database instacart --folds 5
            With --model the given model is scored on the matrix's labelled rows as they are (held-out users: \
            no cross-validation, no baselines), with the same pair and demand metrics.
            Example: restock evaluate --model forest.rf --matrix held-out.bin
            """)

    @OptionGroup var input: MatrixSourceOptions

    @Option(parsing: .unconditional, help: "Number of folds (fold = user_id % folds).")
    var folds = 5

    @OptionGroup var forest: ForestOptions

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: ArgumentHelp("Score this trained model on the matrix's labelled rows (held-out users) instead of cross-validating.", valueName: "file"))
    var model: String?

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] { input.datasets + (model.map { [.file($0, option: "--model")] } ?? []) }
    var plannedOutputs: [JobDataset] { report.map { [.file($0, option: "--report")] } ?? [] }

    @Option(help: "Also write a Markdown notebook with SVG figures to this file.")
    var report: String?

    @Option(name: .customLong("report-prelude"), help: NotebookOutput.preludeHelp)
    var reportPrelude: [String] = []

    func validate() throws {
        try OptionCheck.atLeast(2, folds, "--folds")
        try OptionCheck.threads(threadsOption)
    }

    func execute(_ context: JobContext) throws -> JobReport {
        if let model { return try evaluateHeldOut(modelPath: model, context) }
        let started = ContinuousClock.now
        let cpu = EvaluateCPUTimes()
        cpu.mark("start")
        let matrix = try input.load(threads: threads, context: context)
        cpu.mark("loaded")
        let loadSeconds = Elapsed.seconds(since: started)
        try forest.check(featureCount: matrix.features.featureCount)
        var configuration = CrossValidatedComparison.Configuration(groupKey: "user_id", itemKey: "product_id", naiveFeature: "up_rate")
        configuration.folds = folds
        configuration.forest = forest.parameters
        configuration.threads = threads
        configuration.segmentFeature = "department_id"
        if report != nil { configuration.permutationRows = Self.permutationRows }
        let messages = context.messages
        let result = try CrossValidatedComparison(configuration).run(matrix) { line in
            cpu.observe(line)
            messages(line)
        }
        cpu.mark("compared")
        let backtestStarted = ContinuousClock.now
        let backtest = BacktestSummary(result: result, matrix: matrix)
        let backtestSeconds = Elapsed.seconds(since: backtestStarted)
        cpu.mark("backtested")
        let seconds = Elapsed.seconds(since: started)
        let summary = EvaluationSummary(result: result, seconds: seconds)
        if !context.json { try StandardOutput.print(summary.table() + "\n" + backtest.table()) }
        var report = JobReport(summary: "cross-validated \(result.rows) rows of \(result.groups) users in \(result.folds) folds"
            + (result.scores.first.map { ": forest pair AUC \(String(format: "%.4f", $0.scores.pair.auc)), demand R² \(String(format: "%.4f", $0.scores.demand.r2))" } ?? ""))
        if let report = self.report {
            var notebook = EvaluationNotebook(result: result, command: NotebookOutput.quotedCommand(), version: RestockVersion.string,
                                              seconds: seconds, dataDescription: input.description)
            notebook.prelude = reportPrelude
            notebook.segmentNames = input.data.map(DepartmentNames.read(folder:)) ?? [:]
            notebook.backtest = backtest.suite
            try NotebookOutput.write(markdown: notebook.render(figureFolder:), to: report)
            context.message("wrote \(report)")
        }
        if let path = self.report { report.outputs = [.file(path)] }
        report.rows = ["rows": result.rows, "users": result.groups, "features": result.features.count]
        report.seconds = result.stepSeconds.merging(["evaluate": seconds, "load": loadSeconds, "backtest": backtestSeconds]) { a, _ in a }
            .merging(cpu.seconds()) { a, _ in a }
        report.metrics = try JSONValue.encoding(Dictionary(uniqueKeysWithValues: result.scores.map {
            ($0.name, FoldedScores(scores: $0.scores, folds: result.foldScores[$0.name] ?? []))
        }))
        report.result = try JSONValue.encoding(["stock_backtest": backtest.suite])
        return report
    }

    /// Held-out rows per fold for the notebook's permutation importances (`--report` only): enough
    /// for a stable ranking, about 1 s of prediction per fold at 100 trees and 30 features.
    static let permutationRows = 5_000

    /// `--model`: one given model scored on the labelled rows of the matrix.
    private func evaluateHeldOut(modelPath: String, _ context: JobContext) throws -> JobReport {
        let started = ContinuousClock.now
        let forestModel = try ForestModel.load(from: modelPath)
        let matrix = try input.load(threads: threads, context: context)
        let version = forestModel.version.description
        let result = try HeldOutEvaluation(groupKey: "user_id", itemKey: "product_id", threads: threads).run(forestModel, on: matrix)
        let seconds = Elapsed.seconds(since: started)
        let name = "forest \(version)"
        if !context.json {
            try StandardOutput.print(EvaluationSummary.table(
                heading: "held-out rows \(result.rows), users \(result.groups), model \(modelPath) (\(forestModel.trees.count) trees), "
                    + "seconds \(String(format: "%.1f", seconds))", scores: [(name, result.scores)]))
        }
        var report = JobReport(summary: "scored \(modelPath) on \(result.rows) held-out rows of \(result.groups) users: "
            + "pair AUC \(String(format: "%.4f", result.scores.pair.auc)), demand R² \(String(format: "%.4f", result.scores.demand.r2))")
        report.inputs = plannedInputs
        report.modelVersion = version
        report.rows = ["rows": result.rows, "users": result.groups]
        report.seconds = ["evaluate": seconds]
        report.metrics = try JSONValue.encoding(["forest": result.scores])
        return report
    }
}
