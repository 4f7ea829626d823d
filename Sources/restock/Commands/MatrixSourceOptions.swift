import ArgumentParser
import Features
import Tabular
import Warehouse

/// Where a command's labelled matrix comes from: a data folder (features built on the fly), the
/// Instacart tables in ClickHouse (features computed by the server, as `features --clickhouse`), or
/// a matrix file (CSV or binary) with user_id and product_id keys; `--matrix -` reads it from
/// standard input. With `--cluster NAME` the Instacart tables are those of the shards of that
/// cluster (features computed per shard and merged, as `features --cluster`).
struct MatrixSourceOptions: ParsableArguments {
    @Option(help: "Instacart-layout data folder (features are built from it).")
    var data: String?

    @OptionGroup var clickhouse: ClickHouseOptions

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Matrix file (CSV or binary) with user_id and product_id keys (and the target, to train); - reads standard input.")
    var matrix: String?

    @Option(help: "Target column of a matrix file (CSV default: y; a binary matrix names its own).")
    var target: String?

    func validate() throws {
        let given = [data != nil, matrix != nil, clickhouse.isGiven].filter { $0 }.count
        if given != 1 { throw ValidationError("give exactly one of --data DIR, --clickhouse URL and --matrix FILE") }
        try cluster.check(with: clickhouse)
        if matrix == nil, let target, target != "y" { throw ValidationError("--target is y when the features come from --data or --clickhouse") }
    }

    /// The datasets this source reads.
    var datasets: [JobDataset] {
        if let data { return JobDataset.dataFolder(data) }
        if let url = clickhouse.url { return JobDataset.clickHouseTables(url: url, database: clickhouse.databaseName) }
        return [.file(matrix ?? "-", option: "--matrix")]
    }

    /// Reads or builds the matrix. `requireTarget`: a matrix file must have a target column.
    func load(threads: Int, context: JobContext, requireTarget: Bool = false) throws -> LabelledMatrix {
        if let data { return try ReorderMatrix.build(directory: data, threads: threads, progress: context.messages).0 }
        if let shards = try cluster.discover(clickhouse) {
            context.message("computing features per shard of ClickHouse \(shards.description) database \(clickhouse.databaseName)")
            return try ReorderMatrix.build(cluster: shards, database: clickhouse.databaseName, progress: context.messages).0
        }
        if clickhouse.isGiven {
            context.message("computing features in \(clickhouse.description)")
            return try ReorderMatrix.build(clickhouse: clickhouse.client(), database: clickhouse.databaseName, progress: context.messages).0
        }
        return try MatrixInput.read(path: matrix!, targetName: target, requireTarget: requireTarget, context: context)
    }

    var description: String {
        if let data { return "data folder \(data)" }
        if let name = cluster.name { return "\(clickhouse.description) (cluster \(name))" }
        if clickhouse.isGiven { return clickhouse.description }
        return matrix == "-" ? "matrix on standard input" : "matrix \(matrix ?? "")"
    }
}
