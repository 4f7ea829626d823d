import ArgumentParser
import ClickHouse

/// Hidden: times this client's streaming INSERT and SELECT in a release build (no test or benchmark
/// target can), for scripts/bench/clickhouse_io, which puts curl and clickhouse-client beside it.
struct ClickHouseBenchCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "clickhouse-bench",
        abstract: "Time streaming RowBinary INSERT and SELECT through the ClickHouse client.",
        discussion: """
            Recreates DATABASE.TABLE (id UInt64, k UInt32, v Float64), inserts --rows generated rows, \
            reads them back, checks them, and prints one line per repetition: \
            `insert_s=… select_s=… rows=… insert_bytes=… select_bytes=…`.
            Example: restock clickhouse-bench --url http://127.0.0.1:18123 --rows 5000000 --repeat 3
            """,
        shouldDisplay: false)

    @Option(help: "ClickHouse HTTP URL.") var url: String
    @Option(parsing: .unconditional, help: "Rows to insert and read back.") var rows = 5_000_000
    @Option(help: "Database of the table (created if missing).") var database = "bench"
    @Option(help: "Table (dropped and recreated).") var table = "bench_client"
    @Option(parsing: .unconditional, help: "Repetitions.") var `repeat` = 1

    func validate() throws {
        try OptionCheck.atLeast(1, rows, "--rows")
        try OptionCheck.atLeast(1, `repeat`, "--repeat")
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("--url must be an http(s) URL") }
    }

    @OptionGroup var job: JobOptions

    func execute(_ context: JobContext) throws -> JobReport {
        let benchmark = ClickHouseThroughputBenchmark(client: ClickHouseClient(configuration: ClickHouseConfiguration(url: url)),
                                                      database: database, table: table)
        var runs: [JSONValue] = []
        var inserted = 0
        for _ in 0..<`repeat` {
            let m = try benchmark.run(rows: rows)
            if !context.json {
                try StandardOutput.print("insert_s=\(m.insertSeconds) select_s=\(m.selectSeconds) rows=\(m.rows) insert_bytes=\(m.insertBytes) select_bytes=\(m.selectBytes)")
            }
            runs.append(["insert_seconds": .number(m.insertSeconds), "select_seconds": .number(m.selectSeconds), "rows": .int(m.rows),
                         "insert_bytes": .int(m.insertBytes), "select_bytes": .int(m.selectBytes)])
            inserted += m.rows
        }
        var report = JobReport(summary: "inserted and read back \(rows) rows \(`repeat`) times through \(database).\(table)")
        report.outputs = [.clickHouseTable(url: url, database: database, table: table, rows: rows)]
        report.rows = ["rows": inserted]
        report.result = .array(runs)
        return report
    }
}
