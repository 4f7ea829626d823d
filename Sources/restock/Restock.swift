import ArgumentParser

/// The `restock` command: one subcommand per job, each a thin wrapper around one library call.
@main
struct Restock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restock",
        abstract: "Forecast grocery reorders and turn them into stock recommendations.",
        discussion: """
            Data is a folder in the Instacart Market Basket layout (aisles.csv, departments.csv, \
            products.csv, orders.csv, order_products__prior.csv, order_products__train.csv).
            Run `restock help <subcommand>` for the options and an example of each.
            """,
        version: RestockVersion.string,
        subcommands: [
            // subcommands are listed here, one line each
            GenerateCommand.self,
            StatsCommand.self,
            IngestCommand.self,
            FeaturesCommand.self,
            EvaluateCommand.self,
            SweepCommand.self,
            TrainCommand.self,
            MergeCommand.self,
            PredictCommand.self,
            ScoreCommand.self,
            RecommendCommand.self,
            ServeCommand.self,
            InspectCommand.self,
            LineageCheckCommand.self,
            ClickHouseBenchCommand.self,
            PublishCommand.self,
            StreamCommand.self,
        ]
    )
}

enum RestockVersion {
    static let string = "0.1.0"
    /// The OpenLineage `producer`: the tool's source at this version.
    static let producer = "https://github.com/restock/restock/tree/\(string)"
}
