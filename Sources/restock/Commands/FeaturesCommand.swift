import ArgumentParser
import Features
import Foundation
import Tabular
import TabularIO
import Warehouse

/// `restock features`: the reorder matrix of a data folder, written as CSV or binary.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Build the reorder feature matrix (TASK.md's 26 features and extras) and write it.",
        discussion: """
            One row per (user, product bought in a prior order) for every user with a train or test order, \
            ordered by user_id then product_id. CSV header: user_id,product_id,<features>,y (an empty field is \
            missing; y is empty for users whose next order is test). --format binary writes the RSTKMAT1 \
            layout of models/FORMAT.md, which train, predict and score read back fast. The file is written \
            under a temporary name and renamed when complete.

            With --clickhouse URL the same matrix (same rows, columns and values) is computed by SQL inside \
            ClickHouse from the tables `restock ingest` loaded into --database, and streamed out.

            Example: restock features --data data/synthetic --out features.bin --format binary
            Example: restock features --clickhouse http://127.0.0.1:8123 --database instacart --out features.bin
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, binary }

    @Option(help: "Instacart-layout data folder (or --clickhouse).")
    var data: String?

    @OptionGroup var clickhouse: ClickHouseOptions

    @Option(help: "Output file.")
    var out: String

    @Option(help: "csv or binary (default: binary when --out ends in .bin, else csv).")
    var format: Format?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: ArgumentHelp("Print the SQL of --clickhouse (intermediate tables named restock_tmp_sql_*) and exit.", visibility: .hidden))
    var printSQL = false

    func validate() throws {
        if (data == nil) == !clickhouse.isGiven { throw ValidationError("give exactly one of --data DIR and --clickhouse URL") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        if printSQL {
            print(ReorderFeatureSQL(database: clickhouse.databaseName, prefix: "restock_tmp_sql").script)
            return
        }
        let started = ContinuousClock.now
        let matrix: LabelledMatrix
        let stages: String
        if let data {
            let (built, timings) = try ReorderMatrix.build(directory: data, threads: threads, progress: Log.stderr)
            matrix = built
            stages = "read \(Log.format(timings.read)) s, index \(Log.format(timings.index)) s, features \(Log.format(timings.features)) s"
        } else {
            Log.stderr("computing features in \(clickhouse.description)")
            let (built, timings) = try ReorderMatrix.build(clickhouse: clickhouse.client(), database: clickhouse.databaseName,
                                                           progress: Log.stderr)
            matrix = built
            stages = "server steps \(Log.format(timings.total - timings.stream)) s, stream \(Log.format(timings.stream)) s"
        }
        let writeStart = ContinuousClock.now
        switch format ?? (out.hasSuffix(".bin") ? .binary : .csv) {
        case .csv: try MatrixCSV.write(matrix, to: out)
        case .binary: try MatrixBinary.write(matrix, to: out)
        }
        let write = Log.seconds(since: writeStart)
        print("wrote \(out): \(matrix.rowCount) rows x \(matrix.features.featureCount) features "
            + "(\(stages), write \(Log.format(write)) s, total \(Log.format(Log.seconds(since: started))) s)")
    }
}
