import ArgumentParser
import Features
import Tabular

/// Where a command's labelled matrix comes from: a data folder (features built on the fly), the
/// Instacart tables in ClickHouse (features computed by the server, as `features --clickhouse`), or
/// a matrix file (CSV or binary) with user_id and product_id keys.
struct MatrixSourceOptions: ParsableArguments {
    @Option(help: "Instacart-layout data folder (features are built from it).")
    var data: String?

    @OptionGroup var clickhouse: ClickHouseOptions

    @Option(help: "Matrix file (CSV or binary) with user_id, product_id keys and the target column.")
    var matrix: String?

    @Option(help: "Target column of a matrix file.")
    var target = "y"

    func validate() throws {
        let given = [data != nil, matrix != nil, clickhouse.isGiven].filter { $0 }.count
        if given != 1 { throw ValidationError("give exactly one of --data DIR, --clickhouse URL and --matrix FILE") }
    }

    func load(threads: Int) throws -> LabelledMatrix {
        if let data { return try ReorderMatrix.build(directory: data, threads: threads, progress: Log.stderr).0 }
        if clickhouse.isGiven {
            Log.stderr("computing features in \(clickhouse.description)")
            return try ReorderMatrix.build(clickhouse: clickhouse.client(), database: clickhouse.databaseName, progress: Log.stderr).0
        }
        return try MatrixInput.read(path: matrix!, targetName: target)
    }

    var description: String {
        if let data { return "data folder \(data)" }
        if clickhouse.isGiven { return clickhouse.description }
        return "matrix \(matrix ?? "")"
    }
}
