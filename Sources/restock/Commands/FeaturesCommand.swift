import ArgumentParser
import Features
import Foundation
import Tabular
import TabularIO
import Warehouse

/// `restock features`: the reorder matrix of a data folder, written as CSV or binary.
struct FeaturesCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Build the reorder feature matrix (26 task features and 4 extras, see docs/features.md) and write it.",
        discussion: """
            One row per (user, product bought in a prior order) for every user with a train or test order, \
            ordered by user_id then product_id. CSV header: user_id,product_id,<features>,y (an empty field is \
            missing; y is empty for users whose next order is test). --format binary writes the RSTKMAT1 \
            layout of models/FORMAT.md, which train, predict and score read back fast. The file is written \
            under a temporary name and renamed when complete; --out - writes it to standard output (CSV \
            unless --format binary), for a pipe into `restock score --matrix -`.

            With --clickhouse URL the same matrix (same rows, columns and values) is computed by SQL inside \
            ClickHouse from the tables `restock ingest` loaded into --database, and streamed out. With \
            --cluster NAME as well (--clickhouse naming any node) it is computed on every shard of that cluster \
            in parallel: user and user x product features where the user lives, product totals added from every \
            shard's partial sums, the shards' rows merged by (user_id, product_id): the same matrix, byte for byte.

            Example: restock features --data data/synthetic --out features.bin --format binary
            Example: restock features --clickhouse http://127.0.0.1:8123 --database instacart --out features.bin
            Example: restock features --clickhouse http://127.0.0.1:18123 --cluster restock --out features.bin
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, binary }

    @Option(help: "Instacart-layout data folder (or --clickhouse).")
    var data: String?

    @OptionGroup var clickhouse: ClickHouseOptions

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Output file; - writes to standard output.")
    var out: String

    @Option(help: "csv or binary (default: binary when --out ends in .bin, else csv).")
    var format: Format?

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Flag(help: ArgumentHelp("Print the SQL of --clickhouse (intermediate tables named restock_tmp_sql_*) and exit.", visibility: .hidden))
    var printSQL = false

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] {
        if let data { return JobDataset.dataFolder(data) }
        return JobDataset.clickHouseTables(url: clickhouse.url ?? "", database: clickhouse.databaseName)
    }

    var plannedOutputs: [JobDataset] { [.file(out, option: "--out")] }
    var writesToStandardOutput: Bool { out == "-" }

    func validate() throws {
        if (data == nil) == !clickhouse.isGiven { throw ValidationError("give exactly one of --data DIR and --clickhouse URL") }
        try cluster.check(with: clickhouse)
        try OptionCheck.threads(threadsOption)
    }

    func run() throws {
        if printSQL {
            try StandardOutput.print(ReorderFeatureSQL(database: clickhouse.databaseName, prefix: "restock_tmp_sql").script)
            return
        }
        try JobRunner(command: Self.jobName, options: job).run(self)
    }

    func execute(_ context: JobContext) throws -> JobReport {
        let matrix: LabelledMatrix
        var seconds: [String: Double] = [:]
        if let data {
            let (built, timings) = try ReorderMatrix.build(directory: data, threads: threads, progress: context.messages)
            matrix = built
            seconds = ["read": timings.read, "index": timings.index, "features": timings.features]
        } else if let shards = try cluster.discover(clickhouse) {
            context.message("computing features per shard of ClickHouse \(shards.description) database \(clickhouse.databaseName)")
            let (built, timings) = try ReorderMatrix.build(cluster: shards, database: clickhouse.databaseName, progress: context.messages)
            matrix = built
            seconds = ["server_steps": timings.steps, "product_sums": timings.productSums, "stream": timings.stream]
        } else {
            context.message("computing features in \(clickhouse.description)")
            let (built, timings) = try ReorderMatrix.build(clickhouse: clickhouse.client(), database: clickhouse.databaseName,
                                                           progress: context.messages)
            matrix = built
            seconds = ["server_steps": timings.total - timings.stream, "stream": timings.stream]
        }
        let writeStart = ContinuousClock.now
        let chosen = format ?? (out.hasSuffix(".bin") ? .binary : .csv)
        switch chosen {
        case .csv: try MatrixCSV.write(matrix, to: out)
        case .binary: try MatrixBinary.write(matrix, to: out)
        }
        seconds["write"] = Elapsed.seconds(since: writeStart)
        var report = JobReport(summary: "wrote \(out == "-" ? "standard output" : out): \(matrix.rowCount) rows x \(matrix.features.featureCount) features (\(chosen.rawValue))")
        report.outputs = [.file(out, columns: JobDataset.matrixColumns(matrix), rows: matrix.rowCount)]
        report.rows = ["rows": matrix.rowCount, "features": matrix.features.featureCount, "labelled_rows": matrix.labelledRows.count]
        report.seconds = seconds
        return report
    }
}
