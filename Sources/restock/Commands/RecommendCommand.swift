import ArgumentParser
import Foundation
import Serve
import Warehouse

/// `restock recommend`: stock recommendations per product for the users' next orders.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend stock per product for the users' next orders (mu, sigma, ceil(mu + z sigma)).",
        discussion: """
            Builds the candidate rows of every user's next order from the data folder, scores them with \
            the model, and sums per product: expected demand mu = sum of p, variance sigma^2 = sum of \
            p(1-p) (independent orders), recommended stock = ceil(mu + z sigma) with z the normal quantile \
            of --service-level. Writes product_id, product_name, aisle, department, expected_demand, \
            stddev, recommended_stock, service_level, model_version (rf- and a hash of the model's content), \
            sorted by expected demand, and prints the top rows. --baskets also writes each user's \
            next-order basket chosen by expected F1 (Kaggle style, with None).
            With --clickhouse URL instead of --data, the candidate rows come from the Instacart tables in \
            ClickHouse (features computed by the server, streamed out in chunks; only the per-product sums \
            and one user's rows for --baskets are kept), with the same files as --data on the same data. --to-table NAME then publishes the \
            rows into that table of --database instead of --out (created if missing as MergeTree PARTITION \
            BY model_version; stage table, count check, REPLACE PARTITION: re-running a model version \
            replaces its rows, other versions stay).
            Example: restock recommend --model models/reorder.rf --data data/synthetic --out stock.csv --baskets baskets.csv
            Example: restock recommend --model models/reorder.rf --clickhouse http://127.0.0.1:8123 --to-table stock_recommendations
            """)

    @Option(help: "Model file written by `restock train`.")
    var model: String

    @Option(help: "Instacart-layout data folder.")
    var data: String?

    @OptionGroup var clickhouse: ClickHouseOptions

    @Option(help: "Service level: the probability that the stock covers the demand (0.5 to 0.9999).")
    var serviceLevel = 0.95

    @Option(help: "Output CSV, one line per product.")
    var out: String?

    @Option(help: ArgumentHelp("ClickHouse table to publish the recommendations into (with --clickhouse).", valueName: "name"))
    var toTable: String?

    @Option(help: "Also write each user's expected-F1 basket to this CSV.")
    var baskets: String?

    @Option(help: "Next orders to cover: all (train and test orders) or test (only the unlabelled ones).")
    var horizon = RecommendationRun.Horizon.all.rawValue

    @Option(help: "Recommendations to print (0 prints none).")
    var top = 20

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if (data == nil) == (!clickhouse.isGiven) { throw ValidationError("give exactly one of --data DIR and --clickhouse URL") }
        if (out == nil) == (toTable == nil) { throw ValidationError("give exactly one of --out FILE and --to-table NAME") }
        if let toTable {
            if !clickhouse.isGiven { throw ValidationError("--to-table needs --clickhouse URL (the table is written there)") }
            try ClickHouseOptions.checkTableName(toTable)
        }
        if !(serviceLevel >= 0.5 && serviceLevel <= 0.9999) { throw ValidationError("--service-level must be between 0.5 and 0.9999") }
        if RecommendationRun.Horizon(rawValue: horizon) == nil { throw ValidationError("--horizon must be all or test") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if top < 0 { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        let started = ContinuousClock.now
        let horizon = RecommendationRun.Horizon(rawValue: self.horizon)!
        let result: RecommendationRun.Result
        if let data {
            let configuration = RecommendationRun.Configuration(
                modelPath: model, dataDirectory: data, outPath: out!, basketsPath: baskets, serviceLevel: serviceLevel,
                horizon: horizon, threads: threads)
            result = try RecommendationRun(configuration).run(progress: Log.stderr)
        } else {
            Log.stderr("recommending stock from \(clickhouse.description)")
            var run = ClickHouseRecommendationRun(
                modelPath: model, client: clickhouse.client(), database: clickhouse.databaseName,
                output: toTable.map { .table($0) } ?? .file(out!), serviceLevel: serviceLevel, horizon: horizon, threads: threads)
            run.basketsPath = baskets
            result = try run.run(progress: Log.stderr)
        }
        let destination = toTable.map { "\(clickhouse.databaseName).\($0)" } ?? out!
        if top > 0 {
            print("top \(min(top, result.recommendations.count)) of \(result.recommendations.count) products by expected demand "
                + "(service level \(serviceLevel), model \(result.modelVersion)):")
            print(RecommendationWriter.table(result.recommendations, top: top))
        }
        Log.stderr("\(result.candidateRows) candidate rows of \(result.users) users -> \(result.recommendations.count) products in \(destination)"
            + (baskets.map { "; \(result.baskets) baskets in \($0)" } ?? "")
            + " (\(Log.format(Log.seconds(since: started))) s: read \(Log.format(result.seconds.read)), features "
            + "\(Log.format(result.seconds.features)), predict \(Log.format(result.seconds.predict)), write \(Log.format(result.seconds.write)))")
    }
}
