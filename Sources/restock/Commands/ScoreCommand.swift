import ArgumentParser
import Foundation
import Serve

/// `restock score`: stream candidate rows through a forest.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score candidate rows with a model as a stream; writes user_id,product_id,probability.",
        discussion: """
            The input is a data folder (the candidate rows are built from it), a matrix file (CSV or \
            binary), or a CSV matrix on standard input (--matrix -). A CSV matrix is read and scored in \
            chunks of --chunk-rows rows, so memory stays flat however long the stream is. The input's \
            feature columns must be the model's, in order, and it needs user_id and product_id columns; \
            the header is checked before any row is read. Probabilities have 6 significant digits (as \
            printf %.6g). The output file appears only when every row was scored; --out - writes to \
            standard output.
            Example: restock score --model models/reorder.rf --matrix candidates.csv --out scores.csv
            Example: cat candidates.csv | restock score --model models/reorder.rf --matrix - --out - | head
            """)

    @Option(help: "Model file written by `restock train`.")
    var model: String

    @Option(help: "Instacart-layout data folder: score its candidate rows.")
    var data: String?

    @Option(help: "Matrix file to score (CSV or binary); - reads a CSV matrix from standard input.")
    var matrix: String?

    @Option(help: "Output CSV (user_id,product_id,probability); - writes to standard output.")
    var out: String

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Rows per chunk (memory is about chunk rows x columns x 4 bytes, twice).")
    var chunkRows = 65_536

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if (data == nil) == (matrix == nil) { throw ValidationError("give exactly one of --data DIR and --matrix FILE") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if chunkRows < 1 { throw ValidationError("--chunk-rows must be at least 1") }
    }

    func run() throws {
        let input: ScoringRun.Input = data.map { .data($0) } ?? .matrix(matrix!)
        let summary = try ScoringRun(modelPath: model, input: input, outPath: out, threads: threads, chunkRows: chunkRows)
            .run(progress: quiet ? nil : Log.stderr)
        if !quiet {
            let predictRate = summary.predictSeconds > 0 ? Double(summary.rows) / summary.predictSeconds : 0
            let cpuRate = summary.predictCPUSeconds > 0 ? Double(summary.rows) / summary.predictCPUSeconds : 0
            Log.stderr("scored \(summary.rows) rows in \(summary.chunks) chunks in \(Log.format(summary.seconds)) s "
                + "(\(Int(summary.rowsPerSecond)) rows/s, \(threads) threads) -> \(out); forest \(Log.format(summary.predictSeconds)) s "
                + "(\(Int(predictRate)) rows/s, \(Int(cpuRate)) rows per CPU second)")
        }
    }
}
