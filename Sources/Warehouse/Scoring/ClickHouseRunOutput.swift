/// Where a ClickHouse-fed run (`ClickHouseScoringRun`, `ClickHouseRecommendationRun`) sends its rows.
public enum ClickHouseRunOutput: Sendable, Equatable {
    /// A table of the same database (created if missing), published per model version
    /// (`ModelVersionTable`).
    case table(String)
    /// A CSV file, as the run's `--data` counterpart writes it (`score` also takes `-`, standard output).
    case file(String)
}
