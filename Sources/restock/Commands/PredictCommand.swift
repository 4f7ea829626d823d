import ArgumentParser
import Foundation
import Serve

/// `restock predict`: score a matrix with a saved model.
struct PredictCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score a matrix file with a model; writes one column 'prediction' in row order.",
        discussion: """
            The matrix's feature columns must be the model's, in the same order (the command names any \
            difference). A target column named as in the model is ignored.
            Example: restock predict --model models/reorder.rf --matrix test.csv --out predictions.csv
            """)

    @Option(help: "Model file written by `restock train`; - reads standard input.")
    var model: String

    @Option(help: "Matrix to score: CSV or binary (RSTKMAT1); - reads standard input.")
    var matrix: String

    @Option(help: "Output CSV with one column 'prediction'; - writes to standard output.")
    var out: String

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(parsing: .unconditional, help: ArgumentHelp("Rows per scoring block (0 = automatic), for benchmarks.", visibility: .hidden))
    var blockRows = 0

    func validate() throws {
        try OptionCheck.threads(threadsOption)
        try OptionCheck.atLeast(0, blockRows, "--block-rows")
    }

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] { [.file(model, option: "--model"), .file(matrix, option: "--matrix")] }
    var plannedOutputs: [JobDataset] { [.file(out, option: "--out")] }
    var writesToStandardOutput: Bool { out == "-" }

    func execute(_ context: JobContext) throws -> JobReport {
        let (modelPath, modelHolder) = try MatrixInput.readablePath(model, option: "--model", context: context)
        let (matrixPath, matrixHolder) = try MatrixInput.readablePath(matrix, option: "--matrix", context: context)
        let result = try withExtendedLifetime((modelHolder, matrixHolder)) {
            try PredictionRun(modelPath: modelPath, matrixPath: matrixPath, outPath: out, threads: threads, blockRows: blockRows).run()
        }
        let s = result.seconds
        let rate = s.predict > 0 ? Double(result.rows) / s.predict : 0
        var report = JobReport(summary: "predicted \(result.rows) rows (\(Int(rate)) rows/s, \(threads) threads) -> \(out == "-" ? "standard output" : out)")
        report.outputs = [.file(out, columns: [("prediction", "Float32")], rows: result.rows)]
        report.rows = ["rows": result.rows]
        report.seconds = ["load_model": s.loadModel, "read_matrix": s.readMatrix, "pack_trees": s.packTrees, "predict": s.predict, "write": s.write]
        return report
    }
}
