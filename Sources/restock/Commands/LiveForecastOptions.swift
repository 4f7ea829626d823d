import ArgumentParser
import ClickHouse
import Features
import Forest
import Tabular
import Foundation
import Serve
import Stream
import Warehouse

/// `restock stream --model`: the live forecast options, and the observer they build.
struct LiveForecastOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Keep a live stock forecast with this model (trained on the 30 features of `restock features`) and "
                               + "publish it to the table live_stock of --database.", valueName: "file"))
    var model: String?

    @Option(name: .customLong("data"),
            help: ArgumentHelp("With --model: load the initial history from this data folder instead of the ClickHouse tables.",
                               valueName: "dir"))
    var initialData: String?

    @Option(name: .customLong("publish-every"), parsing: .unconditional,
            help: ArgumentHelp("With --model: seconds between publishes of live_stock (it is published when it changed).",
                               valueName: "seconds"))
    var publishEvery = 5.0

    @Option(name: .customLong("refresh-every"), parsing: .unconditional,
            help: ArgumentHelp("With --model: seconds between re-scores of the users whose product features the new orders moved "
                               + "(also on every idle fetch and at the end; at full scale one costs about a full re-score).",
                               valueName: "seconds"))
    var refreshEvery = 60.0

    @Option(name: .customLong("service-level"), parsing: .unconditional,
            help: ArgumentHelp("With --model: the stock's service level, in (0, 1).", valueName: "p"))
    var serviceLevel = 0.95

    @Option(name: .customLong("live-threads"), parsing: .unconditional,
            help: ArgumentHelp("With --model: threads for the forest when many rows are re-scored.", valueName: "n"))
    var threads = 2

    func validate() throws {
        try OptionCheck.within(0...86_400, publishEvery, "--publish-every")
        try OptionCheck.within(0...86_400, refreshEvery, "--refresh-every")
        if !(serviceLevel > 0 && serviceLevel < 1) { throw ValidationError("--service-level must be between 0 and 1 (exclusive)") }
        try OptionCheck.within(1...256, threads, "--live-threads")
        if model == nil && initialData != nil { throw ValidationError("--data needs --model (it is the live forecast's history)") }
    }

    /// The observer of `--model`, nil without it: loads the model (a probability model), the
    /// history (--data, or the six tables of `database` on `client`, or on every shard of `shards`
    /// when given), scores every candidate once, and publishes live_stock through `client`.
    func observer(client: ClickHouseClient, shards: [ClickHouseClient]? = nil, database: String,
                  context: JobContext) throws -> LiveForecastObserver? {
        guard let model else { return nil }
        let forest = try ForestModel.load(from: model)
        try PredictionRange.requireProbabilities(forest, path: model)
        let clock = ContinuousClock(), start = clock.now
        let data: InstacartData
        if let initialData {
            data = try InstacartReader.read(directory: initialData, threads: threads)
        } else {
            data = try InstacartTableReader.read(shards: shards ?? [client], database: database, progress: context.messages)
        }
        let forecast = try LiveForecast(data: data, model: forest, serviceLevel: serviceLevel, threads: threads)
        context.message("live forecast: \(forecast.userCount) users, \(forecast.candidateRowCount) candidate rows scored with model "
                        + "\(forecast.modelVersion) in \(Elapsed.format(Elapsed.seconds(clock.now - start))) s")
        let table = try LiveStockTable(client: client, database: database, publishEvery: publishEvery, forecast: forecast)
        return LiveForecastObserver(forecast: forecast, table: table, refreshEvery: refreshEvery)
    }
}
