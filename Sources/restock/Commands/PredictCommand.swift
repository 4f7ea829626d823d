import ArgumentParser
import Features
import Forest
import Foundation
import TabularIO

/// `restock predict`: score a matrix with a saved model.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score a matrix file with a model; writes one column 'prediction' in row order.",
        discussion: """
            The matrix's feature columns must be the model's, in the same order (the command names any \
            difference). A target column named as in the model is ignored.
            Example: restock predict --model models/reorder.rf --matrix test.csv --out predictions.csv
            """)

    @Option(help: "Model file written by `restock train`.")
    var model: String

    @Option(help: "Matrix to score: CSV or binary (RSTKMAT1).")
    var matrix: String

    @Option(help: "Output CSV with one column 'prediction'.")
    var out: String

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Rows per scoring block (0 = automatic), for benchmarks.", visibility: .hidden))
    var blockRows = 0

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        print(try PredictionRun(modelPath: model, matrixPath: matrix, outPath: out, threads: threads, blockRows: blockRows).run())
    }
}

/// Load, score, write; returns a summary with the time of each step.
struct PredictionRun {
    var modelPath: String
    var matrixPath: String
    var outPath: String
    var threads: Int
    var blockRows = 0

    func run() throws -> String {
        let clock = ContinuousClock()
        let t0 = clock.now
        var model: ForestModel? = try ForestModel.load(from: modelPath)
        let targetName = model!.metadata.targetName
        let t1 = clock.now
        let matrix = try MatrixInput.read(path: matrixPath, targetName: targetName)
        let t2 = clock.now
        let predictor = ForestPredictor(model!, blockRows: blockRows)
        model = nil  // the packed trees are all that scoring needs
        let t3 = clock.now
        let predictions = try predictor.predict(matrix.features, threads: threads)
        let t4 = clock.now
        let writer = try AtomicFileWriter(path: outPath)
        try writer.write("prediction\n")
        for p in predictions {
            try writer.write(p.description)
            try writer.write(byte: 10)
        }
        try writer.commit()
        let t5 = clock.now
        func s(_ d: Duration) -> String {
            String(format: "%.3f", Log.seconds(d))
        }
        let predictSeconds = Log.seconds(t4 - t3)
        let rate = predictSeconds > 0 ? Double(predictions.count) / predictSeconds : 0
        return "predicted \(predictions.count) rows in \(s(t4 - t3)) s (\(Int(rate)) rows/s, \(threads) threads); "
            + "load model \(s(t1 - t0)) s, read matrix \(s(t2 - t1)) s, pack trees \(s(t3 - t2)) s, write \(s(t5 - t4)) s\n"
            + "predictions: \(outPath)"
    }
}
