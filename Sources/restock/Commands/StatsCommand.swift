import ArgumentParser
import Features
import Foundation
import Tabular

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `restock stats --data DIR`: the main statistics of a data folder beside the published full-data values.
struct StatsCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print the main statistics of an Instacart-layout data folder beside the real dataset's.",
        discussion: """
            Reads the six CSV files (checking them), then prints users, orders, rows, orders per user, \
            basket size, reorder ratios, days_since_prior_order, day-of-week and hour pmfs, the most \
            popular products and the test-user share, each beside the published value for the full \
            Instacart dataset ("-" where none is published). With --json the statistics are the `result` \
            of the summary object. --timing adds the load and compute times to stderr (for \
            scripts/bench/read). The folder given as a positional argument (`restock stats DIR`) still \
            works in this release, with a deprecation note.

            Example: restock stats --data data/sample --json
            """)

    @Option(help: "Folder holding aisles.csv, departments.csv, products.csv, orders.csv, order_products__*.csv.")
    var data: String?

    @Argument(help: ArgumentHelp("Deprecated: the folder as a positional argument (use --data).", visibility: .hidden))
    var directory: String?

    @Flag(help: "Print per-file read times, the total load time and the statistics time to stderr.")
    var timing = false

    @OptionGroup var job: JobOptions

    var folder: String { data ?? directory ?? "" }

    var plannedInputs: [JobDataset] { JobDataset.dataFolder(folder) }

    func validate() throws {
        if (data == nil) == (directory == nil) { throw ValidationError("give the data folder as --data DIR") }
        var isDirectory = stat()
        guard stat(folder, &isDirectory) == 0, (isDirectory.st_mode & S_IFMT) == S_IFDIR else {
            throw ValidationError("\(folder) is not a folder")
        }
    }

    func execute(_ context: JobContext) throws -> JobReport {
        if directory != nil { context.warn("`restock stats DIR` is deprecated and will be removed in the next release; use `restock stats --data DIR`") }
        let clock = ContinuousClock()
        let start = clock.now
        var inputs = plannedInputs
        let data = try InstacartReader.read(directory: folder) { p in
            if timing { Log.stderr("read \(p.file): \(p.rows) rows, \(p.bytes) bytes, \(p.seconds) s") }
            JobDataset.setRows(p.rows, at: .file(JobDataset.absolute(folder + "/" + p.file)), in: &inputs)
        }
        let loaded = clock.now
        let statistics = InstacartStatistics(data)
        if !context.json { try StandardOutput.print(statistics.table(), terminator: "") }
        if timing {
            Log.stderr("load_seconds \(Elapsed.seconds(loaded - start))")
            Log.stderr("stats_seconds \(Elapsed.seconds(clock.now - loaded))")
        }
        var report = JobReport(summary: "\(statistics.users) users, \(statistics.orders) orders in \(folder)")
        report.inputs = inputs
        report.rows = ["users": statistics.users, "orders": statistics.orders]
        report.seconds = ["read": Elapsed.seconds(loaded - start), "statistics": Elapsed.seconds(clock.now - loaded)]
        report.result = .raw(statistics.json(directory: folder).trimmingCharacters(in: .whitespacesAndNewlines))
        return report
    }
}
