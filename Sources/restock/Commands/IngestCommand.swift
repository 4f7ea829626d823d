import ArgumentParser
import Features
import Foundation
import Tabular
import Warehouse

/// `restock ingest`: load a data folder into ClickHouse, all six tables swapped in at once.
struct IngestCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load an Instacart-layout data folder into ClickHouse (stage, check, swap in).",
        discussion: """
            Reads and checks the six CSV files first (a bad file stops the ingest before anything is sent), \
            creates the database and one table per file if missing (aisles, departments, products, orders, \
            order_products__prior, order_products__train), loads each into a stage table, checks its count, \
            loads each into a fresh table of its own run (<table>__load_<run>), checks its count, and swaps all six \
            in with one RENAME TABLE statement. Re-running replaces the data, never duplicates it; a failure \
            before the swap leaves the live tables as they were, and a server restart at any moment keeps \
            exactly the old or exactly the new tables. One ingest per database at a time (lock table \
            restock_ingest__lock; --lock-wait); leftovers of killed runs are cleaned up by the next run.
            Credentials: --clickhouse-user/--clickhouse-password, RESTOCK_CLICKHOUSE_USER/RESTOCK_CLICKHOUSE_PASSWORD, \
            or user:password@ in the URL.
            --catalog mysql://user:password@host:port/db takes aisles, departments and products from that MySQL \
            (or MariaDB) database instead of the folder's three CSV files, through ClickHouse's mysql() table \
            function: ClickHouse itself connects to MySQL, so the address must be reachable from the ClickHouse \
            server. The catalog is checked like the files, then published in the same RENAME. The password may \
            instead come from RESTOCK_CATALOG_PASSWORD; Restock never prints it, but it is part of the SQL \
            ClickHouse runs, so the server's system.query_log and query log hold it.

            --cluster NAME loads the shards of that ClickHouse cluster (from system.clusters of the --clickhouse node): orders and order_products on shard user_id % N, the catalog on every shard, each shard's six tables loaded and counted, then the run committed on shard 1 (table restock_ingest__commit) and swapped in shard by shard; readers accept only a cluster whose shards all carry the committed run, and finish a cut swap (docs/cluster.md). Creates <table>_all on every node for reading the whole data set.

            Example: restock ingest --data data/synthetic --clickhouse http://127.0.0.1:8123 --database instacart
            """)

    @Option(help: "Instacart-layout data folder.")
    var data: String

    @OptionGroup var clickhouse: ClickHouseOptions

    @OptionGroup var cluster: ClusterOptions

    @Option(help: ArgumentHelp("Take aisles, departments and products from this MySQL database, read through ClickHouse's mysql() table function, instead of the folder's CSV files.",
                               valueName: "mysql://user:password@host:port/db"))
    var catalog: String?

    /// --catalog taken apart, its password from RESTOCK_CATALOG_PASSWORD when the URL has none.
    func catalogSource() throws -> MySQLCatalogURL? {
        guard let catalog else { return nil }
        var source = try MySQLCatalogURL(parsing: catalog)
        if source.password.isEmpty, let password = ProcessInfo.processInfo.environment["RESTOCK_CATALOG_PASSWORD"] {
            source.password = password
        }
        return source
    }

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads for reading the files (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(parsing: .unconditional, help: ArgumentHelp("INSERTs running at once (big tables are cut into row ranges).", visibility: .hidden))
    var connections = 2

    @Option(parsing: .unconditional, help: ArgumentHelp("Fault tests: stop writing order_products__prior after this many rows and wait to be killed.",
                               visibility: .hidden))
    var pauseAfterRows: Int?

    @OptionGroup var publish: PublishOptions

    @OptionGroup var job: JobOptions

    /// The six files, or with --catalog the three order files and the three MySQL tables.
    var plannedInputs: [JobDataset] {
        guard let source = try? catalogSource() else { return JobDataset.dataFolder(data) }
        let catalogTables: Set<String> = ["aisles", "departments", "products"]
        return JobDataset.mysqlCatalog(source) + JobDataset.dataFolder(data).filter { dataset in
            guard case .file(let path) = dataset.location else { return true }
            return !catalogTables.contains(((path as NSString).lastPathComponent as NSString).deletingPathExtension)
        }
    }

    func validate() throws {
        if !clickhouse.isGiven { throw ValidationError("--clickhouse URL is required") }
        try OptionCheck.threads(threadsOption)
        try cluster.check(with: clickhouse)
        if cluster.isGiven && catalog != nil { throw ValidationError("--catalog cannot be combined with --cluster yet") }
        try OptionCheck.atLeast(1, connections, "--connections")
        if let pauseAfterRows { try OptionCheck.atLeast(0, pauseAfterRows, "--pause-after-rows") }
        do {
            _ = try catalogSource()
        } catch let problem as MySQLCatalogURL.Problem {
            throw ValidationError("--catalog: \(problem)")
        }
    }

    func execute(_ context: JobContext) throws -> JobReport {
        if cluster.isGiven { return try executeOnCluster(context) }
        var ingest = InstacartIngest(client: clickhouse.client(), database: clickhouse.databaseName)
        ingest.progress = context.messages
        ingest.connections = connections
        ingest.lockWait = publish.lockWait
        ingest.fault = try PublishOptions.faultHook()
        if let pauseAfterRows {
            ingest.rowsWritten = { table, rows in
                guard table == "order_products__prior", rows >= pauseAfterRows else { return }
                Log.stderr("ingest: paused in \(table) after \(rows) rows")
                sleep(600)
            }
        }
        let source = try catalogSource()
        context.message("ingest \(data)\(source.map { " with the catalog of \($0.redacted)" } ?? "") into \(clickhouse.description)")
        let summary = try source.map { try ingest.run(directory: data, threads: threads, catalog: $0) }
            ?? ingest.run(directory: data, threads: threads)
        for (table, rows, seconds) in summary.rows { context.detail("\(table): \(rows) rows in \(Elapsed.format(seconds)) s") }
        var report = JobReport(summary: "ingested \(summary.rows.reduce(0) { $0 + $1.1 }) rows of \(data) into \(clickhouse.databaseName) "
            + "(\(source == nil ? "" : "catalog \(Elapsed.format(summary.catalogSeconds)) s, ")read \(Elapsed.format(summary.readSeconds)) s, load \(Elapsed.format(summary.loadSeconds)) s, swap \(Elapsed.format(summary.swapSeconds)) s)")
        report.inputs = plannedInputs
        report.outputs = JobDataset.clickHouseTables(url: clickhouse.url ?? "", database: clickhouse.databaseName)
        let server = JobDataset.serverAddress(clickhouse.url ?? "")
        for (table, rows, _) in summary.rows {
            JobDataset.setRows(rows, at: .file(JobDataset.absolute(data + "/" + table + ".csv")), in: &report.inputs)
            if let source { JobDataset.setRows(rows, at: .mysql(server: source.address, name: "\(source.database).\(table)"), in: &report.inputs) }
            JobDataset.setRows(rows, at: .clickHouse(server: server, name: "\(clickhouse.databaseName).\(table)"), in: &report.outputs)
            report.rows[table] = rows
        }
        report.seconds = ["read": summary.readSeconds, "load": summary.loadSeconds, "swap": summary.swapSeconds]
        if source != nil { report.seconds["catalog"] = summary.catalogSeconds }
        return report
    }

    /// --cluster: the sharded ingest (`InstacartClusterIngest`).
    func executeOnCluster(_ context: JobContext) throws -> JobReport {
        guard let shards = try cluster.discover(clickhouse) else { throw ValidationError("--cluster is required here") }
        var ingest = InstacartClusterIngest(cluster: shards, database: clickhouse.databaseName)
        ingest.progress = context.messages
        ingest.connections = connections
        ingest.lockWait = publish.lockWait
        ingest.fault = try PublishOptions.faultHook()
        if let pauseAfterRows {
            ingest.rowsWritten = { shard, table, rows in
                guard shard == 0, table == "order_products__prior", rows >= pauseAfterRows else { return }
                Log.stderr("ingest: paused in \(table) of shard 1 after \(rows) rows")
                sleep(600)
            }
        }
        context.message("ingest \(data) into \(shards.description) database \(clickhouse.databaseName)")
        let summary = try ingest.run(directory: data, threads: threads)
        for (k, rows) in summary.shardRows.enumerated() {
            context.detail("shard \(k + 1): " + InstacartSchema.tables.map { "\($0.name) \(rows[$0.name] ?? 0)" }.joined(separator: ", "))
        }
        var report = JobReport(summary: "ingested \(summary.rows.reduce(0) { $0 + $1.rows }) rows of \(data) into \(clickhouse.databaseName) "
            + "on \(shards.shards.count) shards of cluster \(shards.name) (read \(Elapsed.format(summary.readSeconds)) s, route "
            + "\(Elapsed.format(summary.routeSeconds)) s, load \(Elapsed.format(summary.loadSeconds)) s, commit and swap "
            + "\(Elapsed.format(summary.swapSeconds)) s)")
        report.inputs = plannedInputs
        report.outputs = shards.shardURLs.flatMap { JobDataset.clickHouseTables(url: $0, database: clickhouse.databaseName) }
        for (table, rows, _) in summary.rows {
            JobDataset.setRows(rows, at: .file(JobDataset.absolute(data + "/" + table + ".csv")), in: &report.inputs)
            report.rows[table] = rows
        }
        for (k, url) in shards.shardURLs.enumerated() {
            for (table, rows) in summary.shardRows[k] {
                JobDataset.setRows(rows, at: .clickHouse(server: JobDataset.serverAddress(url), name: "\(clickhouse.databaseName).\(table)"),
                                   in: &report.outputs)
            }
        }
        report.seconds = ["read": summary.readSeconds, "route": summary.routeSeconds, "load": summary.loadSeconds, "swap": summary.swapSeconds]
        return report
    }
}
