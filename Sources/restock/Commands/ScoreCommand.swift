import ArgumentParser
import Foundation
import Serve
import Tabular
import Warehouse

/// `restock score`: stream candidate rows through a forest.
struct ScoreCommand: Job {
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
            PARTITION BY model_version: the rows go to a load table of the run, its count is checked, the \
            other model versions are carried over and it is swapped in with one RENAME. Re-running a model \
            version replaces its rows, other versions' rows stay, a failed run leaves the table as it was, \
            and a server restart never undoes a publish. One run per table at a time (--lock-wait); names \
            with __stage, __load_, __old_, __lock, restock_tmp_ or one of the six Instacart tables are refused.
            Example: restock score --model models/reorder.rf --matrix candidates.csv --out scores.csv
            Example: cat candidates.csv | restock score --model models/reorder.rf --matrix - --out - | head
            With --cluster NAME (and --to-table T) every shard's candidates are scored in a stream of their own, \
            in parallel, into the shard's own table T (per model version; all shards loaded before any is \
            swapped in), with the Distributed table T_all over them on every node: the rows of the one-node run.
            Example: restock score --model forest.rf --clickhouse http://127.0.0.1:18123 --cluster restock --to-table predictions
            Example: restock score --model models/reorder.rf --clickhouse http://127.0.0.1:8123 --to-table predictions
            """)

    @Option(help: "Model file written by `restock train`.")
    var model: String

    @OptionGroup var input: MatrixSourceOptions

    var data: String? { input.data }
    var matrix: String? { input.matrix }
    var clickhouse: ClickHouseOptions { input.clickhouse }

    @Option(help: "Output CSV (user_id,product_id,probability); - writes to standard output.")
    var out: String?

    @Option(help: ArgumentHelp("ClickHouse table to publish the scores into (with --clickhouse).", valueName: "name"))
    var toTable: String?

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(parsing: .unconditional, help: "Rows per chunk (memory is about chunk rows x columns x 4 bytes, twice).")
    var chunkRows = 65_536

    @Option(parsing: .unconditional, help: ArgumentHelp("Fault tests: abort the upload to --to-table after this many rows.", visibility: .hidden))
    var failAfterRows: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Fault tests: stop the upload to --to-table after this many rows and wait to be killed.",
                               visibility: .hidden))
    var pauseAfterRows: Int?

    @OptionGroup var publish: PublishOptions

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] { [.file(model, option: "--model")] + input.datasets }
    var plannedOutputs: [JobDataset] { out.map { [.file($0, option: "--out")] } ?? [] }

    var writesToStandardOutput: Bool { out == "-" }

    func validate() throws {
        if input.target != nil { throw ValidationError("score reads no target; --target is for train, evaluate and sweep") }
        if input.cluster.isGiven && (toTable == nil || failAfterRows != nil || pauseAfterRows != nil) {
            throw ValidationError("score --cluster publishes per shard: give --to-table NAME (without the fault options)")
        }
        if (out == nil) == (toTable == nil) { throw ValidationError("give exactly one of --out FILE and --to-table NAME") }
        if let toTable {
            if !clickhouse.isGiven { throw ValidationError("--to-table needs --clickhouse URL (the table is written there)") }
            try ClickHouseOptions.checkTableName(toTable)
            if let problem = ReservedNames.problem(table: toTable) { throw ValidationError("--to-table \(toTable) is refused: \(problem)") }
        }
        if (failAfterRows != nil || pauseAfterRows != nil) && toTable == nil {
            throw ValidationError("--fail-after-rows and --pause-after-rows need --to-table")
        }
        try OptionCheck.threads(threadsOption)
        try OptionCheck.atLeast(1, chunkRows, "--chunk-rows")
        if let failAfterRows { try OptionCheck.atLeast(0, failAfterRows, "--fail-after-rows") }
        if let pauseAfterRows { try OptionCheck.atLeast(0, pauseAfterRows, "--pause-after-rows") }
    }

    static let scoreColumns: [(name: String, type: String)] = [("user_id", "Int32"), ("product_id", "Int32"), ("probability", "Float32")]

    func execute(_ context: JobContext) throws -> JobReport {
        if matrix == "-" { try context.claimStandardInput(for: "--matrix") }
        let (modelPath, holder) = try MatrixInput.readablePath(model, option: "--model", context: context)
        return try withExtendedLifetime(holder) {
            if clickhouse.isGiven { return try runClickHouse(modelPath: modelPath, context: context) }
            let input: ScoringRun.Input = data.map { .data($0) } ?? .matrix(matrix!)
            let summary = try ScoringRun(modelPath: modelPath, input: input, outPath: out!, threads: threads, chunkRows: chunkRows)
                .run(progress: context.messages)
            let cpuRate = summary.predictCPUSeconds > 0 ? Double(summary.rows) / summary.predictCPUSeconds : 0
            var report = JobReport(summary: "scored \(summary.rows) rows in \(summary.chunks) chunks (\(Int(summary.rowsPerSecond)) rows/s, "
                + "\(Int(cpuRate)) rows per CPU second of the forest, \(threads) threads) -> \(out! == "-" ? "standard output" : out!)")
            report.outputs = [.file(out!, columns: Self.scoreColumns, rows: summary.rows)]
            report.rows = ["rows": summary.rows, "chunks": summary.chunks]
            report.seconds = ["score": summary.seconds, "predict": summary.predictSeconds, "predict_cpu": summary.predictCPUSeconds]
            return report
        }
    }

    /// `--cluster NAME --to-table T`: one pipeline per shard into its own table T, `T_all` over them.
    private func runCluster(modelPath: String, table: String, context: JobContext) throws -> JobReport {
        guard let cluster = try input.cluster.discover(clickhouse) else { throw ValidationError("--cluster needs --clickhouse URL") }
        var run = ClusterScoringRun(modelPath: modelPath, cluster: cluster, database: clickhouse.databaseName, table: table,
                                    threads: threads, chunkRows: chunkRows)
        run.lockWait = publish.lockWait
        context.message("scoring the candidates of ClickHouse \(cluster.description), one stream per shard")
        let s = try run.run(progress: context.messages)
        let rate = s.seconds > 0 ? Int(Double(s.rows) / s.seconds) : 0
        var report = JobReport(summary: "scored \(s.rows) rows on \(s.shardRows.count) shards (\(rate) rows/s) -> "
            + "\(clickhouse.databaseName).\(table) per shard, \(clickhouse.databaseName).\(s.distributedTable) over them (model_version \(s.modelVersion))")
        var output = JobDataset.clickHouseTable(url: clickhouse.url ?? "", database: clickhouse.databaseName, table: s.distributedTable,
                                                columns: Self.scoreColumns + [("model_version", "String")], rows: s.rows)
        output.modelVersion = s.modelVersion
        report.outputs = [output]
        report.modelVersion = s.modelVersion
        report.rows = Dictionary(uniqueKeysWithValues: s.shardRows.enumerated().map { ("shard_\($0.offset + 1)", $0.element) } + [("rows", s.rows)])
        report.seconds = ["score": s.seconds, "feature_steps": s.featureSteps, "score_and_upload": s.scoreAndUpload,
                          "predict": s.predict, "publish": s.publish]
        return report
    }

    private func runClickHouse(modelPath: String, context: JobContext) throws -> JobReport {
        if input.cluster.isGiven, let toTable { return try runCluster(modelPath: modelPath, table: toTable, context: context) }
        var run = ClickHouseScoringRun(modelPath: modelPath, client: clickhouse.client(), database: clickhouse.databaseName,
                                       output: toTable.map { .table($0) } ?? .file(out!), threads: threads, chunkRows: chunkRows)
        run.lockWait = publish.lockWait
        run.fault = try PublishOptions.faultHook()
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
        context.message("scoring the candidates of \(clickhouse.description)")
        let s = try run.run(progress: context.messages)
        let target = toTable.map { "\(clickhouse.databaseName).\($0) (model_version \(s.modelVersion))" } ?? (out! == "-" ? "standard output" : out!)
        context.detail("feature steps \(Elapsed.format(s.featureSteps)) s, stream \(Elapsed.format(s.stream)) s (select+decode "
            + "\(Elapsed.format(s.selectAndDecode)) s with the first row after \(Elapsed.format(s.firstRow)) s, forest \(Elapsed.format(s.predict)) s, "
            + "waiting for the insert \(Elapsed.format(s.waitForInsert)) s), insert \(Elapsed.format(s.insert)) s, publish \(Elapsed.format(s.publish)) s")
        var report = JobReport(summary: "scored \(s.rows) rows in \(s.chunks) chunks (\(Int(s.rowsPerSecond)) rows/s, \(threads) threads) -> \(target)")
        if let toTable {
            var table = JobDataset.clickHouseTable(url: clickhouse.url ?? "", database: clickhouse.databaseName, table: toTable,
                                                   columns: Self.scoreColumns + [("model_version", "String")], rows: s.rows)
            table.modelVersion = s.modelVersion
            report.outputs = [table]
        } else {
            report.outputs = [.file(out!, columns: Self.scoreColumns, rows: s.rows)]
        }
        report.modelVersion = s.modelVersion
        report.rows = ["rows": s.rows, "chunks": s.chunks]
        report.seconds = ["score": s.seconds, "feature_steps": s.featureSteps, "stream": s.stream, "predict": s.predict,
                          "insert": s.insert, "publish": s.publish]
        return report
    }
}

/// The error `--fail-after-rows` cuts an upload with.
struct InjectedFault: Error, CustomStringConvertible {
    let rows: Int
    var description: String { "injected fault: the upload was stopped after \(rows) rows" }
}
