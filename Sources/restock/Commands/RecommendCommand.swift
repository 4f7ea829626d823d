import ArgumentParser
import Decisions
import Foundation
import Serve
import Warehouse

/// `restock recommend`: stock recommendations per product for the users' next orders.
struct RecommendCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend stock per product for the users' next orders (mu, sigma, the stock that meets the service level).",
        discussion: """
            Builds the candidate rows of every user's next order from the data folder, scores them with \
            the model, and sums per product: expected demand mu = sum of p, variance sigma^2 = sum of \
            p(1-p) (independent orders; times --dispersion, plus (--mean-error times mu)^2), recommended stock = the smallest s with \
            P(demand <= s) >= --service-level (--stock-rule discrete, the default; --stock-rule normal: \
            ceil(mu + z sigma) with z the normal quantile). Writes product_id, product_name, aisle, department, expected_demand, \
            stddev, recommended_stock, service_level, model_version (rf- and a hash of the model's content), \
            sorted by expected demand, and prints the top rows. --baskets also writes each user's \
            next-order basket chosen by expected F1 (Kaggle style, with None).
            With --clickhouse URL instead of --data, the candidate rows come from the Instacart tables in \
            ClickHouse (features computed by the server, streamed out in chunks; only the per-product sums \
            and one user's rows for --baskets are kept), with the same files as --data on the same data. --to-table NAME then publishes the \
            rows into that table of --database instead of --out (created if missing as MergeTree PARTITION \
            BY model_version; a load table of the run, count check, other versions carried over, one RENAME: \
            re-running a model version replaces its rows, other versions stay, a server restart never undoes \
            it; one run per table at a time, --lock-wait; names with __stage, __load_, __old_, __lock, \
            restock_tmp_ or one of the six Instacart tables are refused).
            Example: restock recommend --model models/reorder.rf --data data/synthetic --out stock.csv --baskets baskets.csv
            Example: restock recommend --model models/reorder.rf --clickhouse http://127.0.0.1:8123 --to-table stock_recommendations
            With --cluster NAME the candidates come from every shard (one stream per shard, merged by key: the same \
            sums, recommendations and baskets as one node) and --to-table publishes on every node.
            """)

    @Option(help: "Model file written by `restock train`.")
    var model: String

    @Option(help: "Instacart-layout data folder.")
    var data: String?

    @OptionGroup var clickhouse: ClickHouseOptions

    @OptionGroup var cluster: ClusterOptions

    @Option(parsing: .unconditional, help: "Service level: the probability that the stock covers the demand (0.5 to 0.9999).")
    var serviceLevel = 0.95

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Overdispersion phi: sigma^2 = phi * sum p(1-p). 1 treats the users' orders as independent coin flips; `restock evaluate` prints the phi its stock backtest measures.",
        valueName: "phi"))
    var dispersion = 1.0

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "The model's relative error on mu, c: sigma^2 = phi * sum p(1-p) + (c mu)^2. 0 trusts mu; `restock evaluate` prints the c its stock backtest measures (it matters for products with many buyers).",
        valueName: "c"))
    var meanError = 0.0

    @Option(help: ArgumentHelp(
        "Stock rule: discrete (the smallest stock s with P(demand <= s) >= the service level) or normal (ceil(mu + z sigma), the rule before).",
        valueName: "rule"))
    var stockRule = StockPolicy.Rule.standard.rawValue

    @Option(help: "Output CSV, one line per product; - writes to standard output.")
    var out: String?

    @Option(help: ArgumentHelp("ClickHouse table to publish the recommendations into (with --clickhouse).", valueName: "name"))
    var toTable: String?

    @Option(help: "Also write each user's expected-F1 basket to this CSV; - writes to standard output.")
    var baskets: String?

    @Option(help: "Next orders to cover: all (train and test orders) or test (only the unlabelled ones).")
    var horizon = RecommendationRun.Horizon.all.rawValue

    @Option(parsing: .unconditional, help: "Recommendations to print on standard output (0 prints none; none are printed when --out, --baskets or --json use standard output).")
    var top = 20

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @OptionGroup var publish: PublishOptions

    @OptionGroup var job: JobOptions

    var plannedInputs: [JobDataset] {
        var inputs: [JobDataset] = [.file(model, option: "--model")]
        if let data { inputs += JobDataset.dataFolder(data) }
        if let url = clickhouse.url { inputs += JobDataset.clickHouseTables(url: url, database: clickhouse.databaseName) }
        return inputs
    }

    var plannedOutputs: [JobDataset] {
        [out.map { JobDataset.file($0, option: "--out") }, baskets.map { JobDataset.file($0, option: "--baskets") }].compactMap { $0 }
    }

    var writesToStandardOutput: Bool { out == "-" || baskets == "-" }

    static let stockColumns: [(name: String, type: String)] = [
        ("product_id", "Int32"), ("product_name", "String"), ("aisle", "String"), ("department", "String"), ("expected_demand", "Float64"),
        ("stddev", "Float64"), ("recommended_stock", "Int64"), ("service_level", "Float64"), ("model_version", "String"),
    ]
    static let basketColumns: [(name: String, type: String)] = [("user_id", "Int32"), ("order_id", "Int32"), ("products", "String"), ("expected_f1", "Float64")]

    func validate() throws {
        if out == "-" && baskets == "-" { throw ValidationError("--out - and --baskets - cannot both write to standard output") }
        if (data == nil) == (!clickhouse.isGiven) { throw ValidationError("give exactly one of --data DIR and --clickhouse URL") }
        try cluster.check(with: clickhouse)
        if (out == nil) == (toTable == nil) { throw ValidationError("give exactly one of --out FILE and --to-table NAME") }
        if let toTable {
            if !clickhouse.isGiven { throw ValidationError("--to-table needs --clickhouse URL (the table is written there)") }
            try ClickHouseOptions.checkTableName(toTable)
            if let problem = ReservedNames.problem(table: toTable) { throw ValidationError("--to-table \(toTable) is refused: \(problem)") }
        }
        try OptionCheck.within(0.5...0.9999, serviceLevel, "--service-level")
        try OptionCheck.within(0.01...100, dispersion, "--dispersion")
        try OptionCheck.within(0...10, meanError, "--mean-error")
        if StockPolicy.Rule(rawValue: stockRule) == nil { throw ValidationError("--stock-rule must be discrete or normal, got \(stockRule)") }
        if RecommendationRun.Horizon(rawValue: horizon) == nil { throw ValidationError("--horizon must be all or test") }
        try OptionCheck.threads(threadsOption)
        try OptionCheck.atLeast(0, top, "--top")
    }

    func execute(_ context: JobContext) throws -> JobReport {
        let horizon = RecommendationRun.Horizon(rawValue: self.horizon)!
        let (modelPath, holder) = try MatrixInput.readablePath(model, option: "--model", context: context)
        let result: RecommendationRun.Result = try withExtendedLifetime(holder) {
            if let data {
                var configuration = RecommendationRun.Configuration(
                    modelPath: modelPath, dataDirectory: data, outPath: out!, basketsPath: baskets, serviceLevel: serviceLevel,
                    horizon: horizon, threads: threads)
                configuration.dispersion = dispersion
                configuration.meanError = meanError
                configuration.stockRule = StockPolicy.Rule(rawValue: stockRule)!
                return try RecommendationRun(configuration).run(progress: context.messages)
            }
            context.message("recommending stock from \(clickhouse.description)")
            var run = ClickHouseRecommendationRun(
                modelPath: modelPath, client: clickhouse.client(), database: clickhouse.databaseName,
                output: toTable.map { .table($0) } ?? .file(out!), serviceLevel: serviceLevel, horizon: horizon, threads: threads)
            run.basketsPath = baskets
            run.cluster = try cluster.discover(clickhouse)
            run.dispersion = dispersion
            run.meanError = meanError
            run.stockRule = StockPolicy.Rule(rawValue: stockRule)!
            run.lockWait = publish.lockWait
            run.fault = try PublishOptions.faultHook()
            return try run.run(progress: context.messages)
        }
        let destination = toTable.map { "\(clickhouse.databaseName).\($0)" } ?? (out! == "-" ? "standard output" : out!)
        if top > 0 && !context.json && !writesToStandardOutput {
            try StandardOutput.print("top \(min(top, result.recommendations.count)) of \(result.recommendations.count) products by expected demand "
                + "(service level \(serviceLevel), model \(result.modelVersion)):")
            try StandardOutput.print(RecommendationWriter.table(result.recommendations, top: top))
        }
        var report = JobReport(summary: "\(result.candidateRows) candidate rows of \(result.users) users -> \(result.recommendations.count) products in \(destination)"
            + (baskets.map { "; \(result.baskets) baskets in \($0 == "-" ? "standard output" : $0)" } ?? "")
            + " (model \(result.modelVersion))")
        var stock = toTable.map {
            JobDataset.clickHouseTable(url: clickhouse.url ?? "", database: clickhouse.databaseName, table: $0, columns: Self.stockColumns)
        } ?? .file(out!, columns: Self.stockColumns)
        stock.rows = result.recommendations.count
        stock.modelVersion = result.modelVersion
        report.outputs = [stock]
        if let baskets { report.outputs.append(.file(baskets, columns: Self.basketColumns, rows: result.baskets)) }
        report.modelVersion = result.modelVersion
        report.rows = ["candidate_rows": result.candidateRows, "users": result.users, "products": result.recommendations.count,
                       "baskets": result.baskets]
        report.seconds = ["read": result.seconds.read, "features": result.seconds.features, "predict": result.seconds.predict,
                          "write": result.seconds.write]
        return report
    }
}
