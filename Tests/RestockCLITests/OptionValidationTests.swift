import Foundation
import TestSupport
import Testing

/// Every numeric option is range-checked before any work, negative values included (they used to
/// be taken for options: "Missing value for '--trees'"), with one wording: exit 64 and
/// "--name must be ..., got value".
@Suite struct OptionValidationTests {
    /// Options every command needs, so that the parser reaches the value under test.
    static let train = ["train", "--matrix", "m.csv", "--model", "m.rf"]
    static let evaluate = ["evaluate", "--matrix", "m.csv"]
    static let sweep = ["sweep", "--matrix", "m.csv", "--grid", "trees=2"]
    static let recommend = ["recommend", "--model", "m.rf", "--data", "d", "--out", "r.csv"]
    static let ingest = ["ingest", "--data", "d", "--clickhouse", "http://127.0.0.1:1"]

    static let cases: [(arguments: [String], message: String)] = [
        (train + ["--trees", "-1"], "--trees must be at least 1, got -1"),
        (train + ["--trees=-1"], "--trees must be at least 1, got -1"),
        (train + ["--trees", "0"], "--trees must be at least 1, got 0"),
        (train + ["--max-features", "-0.5"], "--max-features must be a number above 0, got -0.5"),
        (train + ["--max-features", "1.5"], "--max-features must be a fraction up to 1 or a whole number of features, got 1.5"),
        (train + ["--min-samples-leaf", "-3"], "--min-samples-leaf must be at least 0, got -3"),
        (train + ["--max-depth", "-1"], "--max-depth must be at least 0, got -1"),
        (train + ["--max-bins", "300"], "--max-bins must be between 2 and 255, got 300"),
        (train + ["--max-bins", "-2"], "--max-bins must be between 2 and 255, got -2"),
        (train + ["--sample-fraction", "0"], "--sample-fraction must be a number above 0, got 0"),
        (train + ["--sample-fraction", "11"], "--sample-fraction must be between 0 and 10, got 11"),
        (train + ["--no-bootstrap", "--sample-fraction", "1.5"], "--sample-fraction must be between 0 and 1, got 1.5"),
        (train + ["--leaf-shrinkage", "-1"], "--leaf-shrinkage must be a number of at least 0, got -1"),
        (train + ["--preset", "xgboost"], "--preset"),
        (train + ["--min-impurity-decrease", "-1"], "--min-impurity-decrease must be a number of at least 0, got -1"),
        (train + ["--leaf-smoothing", "nan"], "--leaf-smoothing must be a number of at least 0, got nan"),
        (train + ["--threads", "-2"], "--threads must be at least 1, got -2"),
        (train + ["--permutation-rows", "-1"], "--permutation-rows must be at least 0, got -1"),
        (train + ["--date", "notadate"], "--date must be an ISO 8601 date"),
        (evaluate + ["--folds", "1"], "--folds must be at least 2, got 1"),
        (evaluate + ["--threads", "0"], "--threads must be at least 1, got 0"),
        (sweep + ["--random", "-4"], "--random must be at least 1, got -4"),
        (sweep + ["--folds", "-3"], "--folds must be at least 2, got -3"),
        (recommend + ["--service-level", "1.5"], "--service-level must be between 0.5 and 0.9999, got 1.5"),
        (recommend + ["--top", "-1"], "--top must be at least 0, got -1"),
        (["generate", "--out", "g", "--users", "-5"], "--users must be at least 1, got -5"),
        (["generate", "--out", "g", "--users", "5", "--test-fraction", "-0.1"], "--test-fraction must be between 0 and 1, got -0.1"),
        (["predict", "--model", "m.rf", "--matrix", "m.csv", "--out", "p.csv", "--threads", "-1"], "--threads must be at least 1, got -1"),
        (["score", "--model", "m.rf", "--matrix", "m.csv", "--out", "s.csv", "--chunk-rows", "0"], "--chunk-rows must be at least 1, got 0"),
        (["features", "--data", "d", "--out", "f.csv", "--threads", "0"], "--threads must be at least 1, got 0"),
        (ingest + ["--threads", "-1"], "--threads must be at least 1, got -1"),
        (ingest + ["--clickhouse-stall-timeout", "0"], "--clickhouse-stall-timeout must be a number above 0, got 0"),
        (ingest + ["--clickhouse-stall-timeout", "-1"], "--clickhouse-stall-timeout must be a number above 0, got -1"),
        (["ingest", "--data", "d", "--clickhouse", "ftp://127.0.0.1:1"], "--clickhouse: the ClickHouse URL must start with http:// or https://"),
    ]

    @Test(arguments: 0..<cases.count)
    func anOutOfRangeValueIsAUsageErrorNamingTheOptionAndTheValue(index: Int) throws {
        let (arguments, message) = Self.cases[index]
        let result = try RestockProcess.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }

    /// A URL that cannot be taken apart is refused without being quoted (it may hold a password).
    @Test func anUnusableURLIsRefusedWithoutShowingIt() throws {
        let result = try RestockProcess.run(["features", "--clickhouse", "http://bob:hunter?2-secret@127.0.0.1:1", "--out", "f.csv"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--clickhouse: the ClickHouse URL has a port that is not a number"), "\(result.stderr)")
        #expect(!result.stderr.contains("secret") && !result.stderr.contains("hunter"), "\(result.stderr)")
    }

    /// `--max-features` as a count above the matrix's columns fails once the matrix is read
    /// (it was silently clamped to all features).
    @Test func aMaxFeaturesCountAboveTheColumnsFails() throws {
        let dir = try TemporaryDirectory(prefix: "restock-max-features")
        defer { dir.remove() }
        var csv = "user_id,product_id,a,b,c,y\n"
        for i in 0..<40 { csv += "\(i % 5),\(i),\(i % 3),\(i % 7),\(i),\(i % 2)\n" }
        try csv.write(toFile: dir.file("m.csv"), atomically: true, encoding: .utf8)
        let model = dir.file("m.rf")
        let tooMany = try RestockProcess.run(["train", "--matrix", dir.file("m.csv"), "--model", model, "--trees", "2", "--max-features", "4"])
        #expect(tooMany.status == 64, "\(tooMany.stderr)")
        #expect(tooMany.stderr.contains("--max-features 4 is more than the 3 features of the matrix"), "\(tooMany.stderr)")
        #expect(!FileManager.default.fileExists(atPath: model))
        let all = try RestockProcess.run(["train", "--matrix", dir.file("m.csv"), "--model", model, "--trees", "2", "--max-features", "3"])
        #expect(all.status == 0, "\(all.stderr)")
    }
}
