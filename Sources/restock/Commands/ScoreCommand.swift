import ArgumentParser
import Foundation
import Serve
import Warehouse

/// `restock score`: stream candidate rows through a forest.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score candidate rows with a model as a stream; writes user_id,product_id,probability.",
        discussion: """
            The input is a data folder (the candidate rows are built from it), the Instacart tables in \
            ClickHouse (--clickhouse: the features are computed by the server and streamed out in chunks), \
            a matrix file (CSV or binary), or a CSV matrix on standard input (--matrix -). A CSV matrix or \
            a ClickHouse stream is read and scored in chunks of --chunk-rows rows, so memory stays flat \
            however many rows there are. The input's feature columns must be the model's, in order, and it \
            needs user_id and product_id columns; this is checked before any row is read. Probabilities \
            have 6 significant digits (as printf %.6g). The output file appears only when every row was \
            scored; --out - writes to standard output.
            --to-table NAME (with --clickhouse) writes (user_id, product_id, probability Float32, \
            model_version) into that table of --database instead, created if missing as MergeTree \
            PARTITION BY model_version: the rows go to a stage table, its count is checked, and the model \
            version's partition is swapped in with REPLACE PARTITION. Re-running a model version replaces \
            its rows, other versions' rows stay, and a failed run leaves the table as it was.
            Example: restock score --model models/reorder.rf --matrix candidates.csv --out scores.csv
            Example: cat candidates.csv | restock score --model models/reorder.rf --matrix - --out - | head
            Example: restock score --model models/reorder.rf --clickhouse http://127.0.0.1:8123 --to-table predictions
            """)

    @Option(help: "Model file written by `restock train`.")
    var model: String

    @Option(help: "Instacart-layout data folder: score its candidate rows.")
    var data: String?

    @OptionGroup var clickhouse: ClickHouseOptions

    @Option(help: "Matrix file to score (CSV or binary); - reads a CSV matrix from standard input.")
    var matrix: String?

    @Option(help: "Output CSV (user_id,product_id,probability); - writes to standard output.")
    var out: String?

    @Option(help: ArgumentHelp("ClickHouse table to publish the scores into (with --clickhouse).", valueName: "name"))
    var toTable: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Rows per chunk (memory is about chunk rows x columns x 4 bytes, twice).")
    var chunkRows = 65_536

    @Option(help: ArgumentHelp("Fault tests: abort the upload to --to-table after this many rows.", visibility: .hidden))
    var failAfterRows: Int?

    @Option(help: ArgumentHelp("Fault tests: stop the upload to --to-table after this many rows and wait to be killed.",
                               visibility: .hidden))
    var pauseAfterRows: Int?

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if [data != nil, matrix != nil, clickhouse.isGiven].filter({ $0 }).count != 1 {
            throw ValidationError("give exactly one of --data DIR, --clickhouse URL and --matrix FILE")
        }
        if (out == nil) == (toTable == nil) { throw ValidationError("give exactly one of --out FILE and --to-table NAME") }
        if let toTable {
            if !clickhouse.isGiven { throw ValidationError("--to-table needs --clickhouse URL (the table is written there)") }
            try ClickHouseOptions.checkTableName(toTable)
        }
        if (failAfterRows != nil || pauseAfterRows != nil) && toTable == nil {
            throw ValidationError("--fail-after-rows and --pause-after-rows need --to-table")
        }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if chunkRows < 1 { throw ValidationError("--chunk-rows must be at least 1") }
    }

    func run() throws {
        if clickhouse.isGiven { return try runClickHouse() }
        let input: ScoringRun.Input = data.map { .data($0) } ?? .matrix(matrix!)
        let summary = try ScoringRun(modelPath: model, input: input, outPath: out!, threads: threads, chunkRows: chunkRows)
            .run(progress: quiet ? nil : Log.stderr)
        if !quiet {
            let predictRate = summary.predictSeconds > 0 ? Double(summary.rows) / summary.predictSeconds : 0
            let cpuRate = summary.predictCPUSeconds > 0 ? Double(summary.rows) / summary.predictCPUSeconds : 0
            Log.stderr("scored \(summary.rows) rows in \(summary.chunks) chunks in \(Log.format(summary.seconds)) s "
                + "(\(Int(summary.rowsPerSecond)) rows/s, \(threads) threads) -> \(out!); forest \(Log.format(summary.predictSeconds)) s "
                + "(\(Int(predictRate)) rows/s, \(Int(cpuRate)) rows per CPU second)")
        }
    }

    private func runClickHouse() throws {
        var run = ClickHouseScoringRun(modelPath: model, client: clickhouse.client(), database: clickhouse.databaseName,
                                       output: toTable.map { .table($0) } ?? .file(out!), threads: threads, chunkRows: chunkRows)
        if failAfterRows != nil || pauseAfterRows != nil {
            let (failAfter, pauseAfter) = (failAfterRows ?? .max, pauseAfterRows ?? .max)
            run.rowsWritten = { rows in
                if rows >= failAfter { throw InjectedFault(rows: rows) }
                if rows >= pauseAfter {
                    Log.stderr("score: upload paused after \(rows) rows")
                    sleep(600)
                }
            }
        }
        if !quiet { Log.stderr("scoring the candidates of \(clickhouse.description)") }
        let s = try run.run(progress: quiet ? nil : Log.stderr)
        if !quiet {
            let target = toTable.map { "\(clickhouse.databaseName).\($0) (model_version \(s.modelVersion))" } ?? out!
            Log.stderr("scored \(s.rows) rows in \(s.chunks) chunks in \(Log.format(s.seconds)) s (\(Int(s.rowsPerSecond)) rows/s, "
                + "\(threads) threads) -> \(target); feature steps \(Log.format(s.featureSteps)) s, stream \(Log.format(s.stream)) s "
                + "(select+decode \(Log.format(s.selectAndDecode)) s with the first row after \(Log.format(s.firstRow)) s, forest \(Log.format(s.predict)) s, "
                + "waiting for the insert \(Log.format(s.waitForInsert)) s), insert \(Log.format(s.insert)) s, "
                + "publish \(Log.format(s.publish)) s")
        }
    }
}

/// The error `--fail-after-rows` cuts an upload with.
struct InjectedFault: Error, CustomStringConvertible {
    let rows: Int
    var description: String { "injected fault: the upload was stopped after \(rows) rows" }
}
