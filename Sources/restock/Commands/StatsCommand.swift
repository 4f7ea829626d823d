import ArgumentParser
import Features

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `restock stats DIR`: the main statistics of a data folder beside the published full-data values.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print the main statistics of an Instacart-layout data folder beside the real dataset's.",
        discussion: """
            Reads the six CSV files (checking them), then prints users, orders, rows, orders per user, \
            basket size, reorder ratios, days_since_prior_order, day-of-week and hour pmfs, the most \
            popular products and the test-user share, each beside the published value for the full \
            Instacart dataset ("-" where none is published). --timing adds the load and compute \
            times to stderr (for scripts/bench/read).

            Example: restock stats data/sample --json
            """)

    @Argument(help: "Folder holding aisles.csv, departments.csv, products.csv, orders.csv, order_products__*.csv.")
    var directory: String

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(help: "Print per-file read times, the total load time and the statistics time to stderr.")
    var timing = false

    func validate() throws {
        var isDirectory = stat()
        guard stat(directory, &isDirectory) == 0, (isDirectory.st_mode & S_IFMT) == S_IFDIR else {
            throw ValidationError("\(directory) is not a folder")
        }
    }

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let data = try InstacartReader.read(directory: directory) { p in
            if timing { printError("read \(p.file): \(p.rows) rows, \(p.bytes) bytes, \(p.seconds) s") }
        }
        let loaded = clock.now
        let statistics = InstacartStatistics(data)
        print(json ? statistics.json(directory: directory) : statistics.table(), terminator: "")
        if timing {
            printError("load_seconds \(Log.seconds(loaded - start))")
            printError("stats_seconds \(Log.seconds(clock.now - loaded))")
        }
    }
}

private func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
