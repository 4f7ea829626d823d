import ArgumentParser
import Features
import Tabular

/// Where a command's labelled matrix comes from: a data folder (features built on the fly) or a
/// matrix file (CSV or binary) with user_id and product_id keys.
struct MatrixSourceOptions: ParsableArguments {
    @Option(help: "Instacart-layout data folder (features are built from it).")
    var data: String?

    @Option(help: "Matrix file (CSV or binary) with user_id, product_id keys and the target column.")
    var matrix: String?

    @Option(help: "Target column of a matrix file.")
    var target = "y"

    func validate() throws {
        if (data == nil) == (matrix == nil) { throw ValidationError("give exactly one of --data DIR and --matrix FILE") }
    }

    func load(threads: Int) throws -> LabelledMatrix {
        if let data { return try ReorderMatrix.build(directory: data, threads: threads, progress: Log.stderr).0 }
        return try MatrixInput.read(path: matrix!, targetName: target)
    }

    var description: String { data.map { "data folder \($0)" } ?? "matrix \(matrix ?? "")" }
}
